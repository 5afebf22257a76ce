"""``cpdata ingest``, ``cpdata sql``, ``cpdata stats``, ``cpdata migrate``: the store itself."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from cpdata.commands.options import (
    TEST_FROM,
    VALID_FROM,
    Commands,
    DbOption,
    JsonOption,
    TestFromOption,
    ValidFromOption,
    cutoffs_from,
    fail,
    open_store,
)
from cpdata.curation.steps.splits import Split
from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout
from cpdata.schema.views import VIEW_ABOUT

__all__ = ["COMMANDS"]

COMMANDS = Commands()


@COMMANDS.command(
    example=[
        "cpdata ingest data/demo/sample_stream.jsonl",
        "cpdata parse URL page.html | cpdata ingest - --json",
    ]
)
def ingest(
    source: Annotated[
        str, typer.Argument(metavar="FILE", help="An entity-stream file (one JSON object per line), or - for stdin.")
    ],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Entities per transaction.")] = 5000,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes validating lines.", show_default="the number of cores")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Store an entity stream. Bad lines are reported with their number; the good ones are stored."""
    from cpdata.schema.bulk import ingest_lines

    # Read as bytes, from a file or a pipe alike: a line that is not UTF-8 is one reported line, not a traceback.
    if source == "-":
        handle: BinaryIO = sys.stdin.buffer
    else:
        path = Path(source)
        if not path.is_file():
            raise fail(f"{source}: no such file")
        handle = path.open("rb")
    committed = [0]

    def advance(lines: int) -> None:
        committed[0] += lines
        bar.advance(lines)

    with open_store(db) as store, handle, progress_bar("ingest", None, enabled=not json_output) as bar:
        try:
            report, errors = ingest_lines(store, handle, batch_size=batch_size, workers=workers, on_chunk=advance)
        except KeyboardInterrupt:
            stderr.print(
                f"interrupted: {committed[0]} lines are stored (whole batches only); ingesting the same stream again "
                "stores the rest and changes nothing already stored",
                markup=False,
            )
            raise typer.Exit(130) from None
    summary = {
        "read": dict(report.stored),  # valid entities read (a stream may repeat one)
        "changed": dict(report.changed),  # rows that are new or changed in the store
        "invalid_lines": len(errors),
        "errors": [{"line": e.line, "reason": e.reason} for e in errors[:1000]],
    }
    if json_output:
        print_json(summary)
    else:
        for error in errors[:20]:
            stderr.print(f"{source}:{error}", style="yellow", highlight=False, markup=False)
        if len(errors) > 20:
            stderr.print(f"... and {len(errors) - 20} more invalid lines")
        read = ", ".join(f"{n} {kind}s" for kind, n in sorted(report.stored.items())) or "nothing"
        changed = ", ".join(f"{n} {kind}s" for kind, n in sorted(report.changed.items()) if n) or "nothing"
        stdout.print(f"read {read}; new or changed in the store: {changed}; {len(errors)} invalid lines", markup=False)
    if errors:
        raise typer.Exit(1)


def _sql_help() -> str:
    views = "\n\n".join(f"  {name}: {about}" for name, about in VIEW_ABOUT.items())  # a paragraph each, wrapped
    return (
        "Run SQL on the store and print the rows. The store is opened read-only: a statement that changes it "
        "(INSERT, UPDATE, DELETE, DROP) fails unless you pass --write, which then says how many rows changed.\n\n"
        'Tables: contest, problem, test, submission ("index" needs quotes), problem_cluster, execution_result, '
        "verification.\n\nViews:\n\n" + views
    )


@COMMANDS.command(
    example=[
        "cpdata sql 'SELECT * FROM problem_overview LIMIT 5'",
        "cpdata sql 'SELECT * FROM solutions_by_language' --format csv",
        'cpdata sql --write "DELETE FROM submission WHERE language IS NULL"',
    ]
)
def sql(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="The SQL to run.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="How to print the rows.")] = OutputFormat.table,
    write: Annotated[
        bool, typer.Option("--write", help="Allow statements that change the store (it is opened read-only otherwise).")
    ] = False,
    db: DbOption = None,
) -> None:
    with open_store(db, create=False, write=write) as store:
        try:
            columns, rows, changed = store.run_user_sql(query, write=write)
        except Exception as exc:  # the database's own message says what is wrong with the query
            message = str(getattr(exc, "orig", exc))
            if not write and ("readonly" in message.lower() or "read-only" in message.lower()):
                message += "; cpdata sql opens the store read-only: pass --write to change it"
            raise fail(message) from exc
    if columns:
        print_rows(columns, rows, fmt)
    elif write:
        if fmt is OutputFormat.json:
            print_json({"rows_changed": changed})
        else:
            stdout.print(f"{changed} rows changed", markup=False)


sql.__doc__ = _sql_help()

_STATS_COLUMNS = (
    "contests",
    "problems",
    *(f"problems_{split.value}" for split in Split),
    "tests_public",
    "tests_private",
    "tests_generated",
    "submissions_correct",
    "submissions_incorrect",
    "submissions_undecided",
    "with_code_correct",
    "with_code_incorrect",
)


@COMMANDS.command(example=["cpdata stats", "cpdata stats --valid-from 2024-01-01 --test-from 2024-06-01 --json"])
def stats(
    db: DbOption = None,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    json_output: JsonOption = False,
) -> None:
    """Counts per site: contests, problems per split, tests by kind, submissions and solutions with code."""
    from cpdata.curation.steps.splits import assign_split
    from cpdata.schema.store import redact_url

    cutoffs = cutoffs_from(valid_from, test_from)
    with open_store(db, create=False, write=False) as store:
        per_site: dict[str, Counter[str]] = {}
        for query, prefix in (
            ("SELECT site, COUNT(*) FROM contest GROUP BY site", "contests"),
            ("SELECT site, kind, COUNT(*) FROM test GROUP BY site, kind", "tests"),
            ("SELECT site, is_correct, COUNT(*) FROM submission GROUP BY site, is_correct", "submissions"),
            (
                "SELECT site, is_correct, COUNT(*) FROM submission WHERE source_code IS NOT NULL GROUP BY site, is_correct",
                "with_code",
            ),
        ):
            for row in store.run_sql(query)[1]:
                counter = per_site.setdefault(row[0], Counter())
                if len(row) == 2:
                    counter[prefix] += row[1]
                else:
                    label = {True: "correct", False: "incorrect", None: "undecided"}.get(row[1], str(row[1]))
                    counter[f"{prefix}_{label}"] += row[2]
        dated = (
            "SELECT d.site, d.release_time, p.split_floor FROM problem_dated d JOIN problem p ON p.site = d.site AND "
            'p.contest_id = d.contest_id AND p."index" = d."index"'
        )
        for site, released, floor in store.run_sql(dated)[1]:
            counter = per_site.setdefault(site, Counter())
            when = datetime.fromisoformat(released) if isinstance(released, str) else released
            counter[f"problems_{assign_split(when, cutoffs, floor).value}"] += 1
            counter["problems"] += 1
        url = redact_url(store.url)
    if json_output:
        print_json(
            {
                "store": url,
                "cutoffs": cutoffs.as_dict(),
                "sites": {s: {c: per_site[s][c] for c in _STATS_COLUMNS} for s in sorted(per_site)},
            }
        )
        return
    # One column per site and a row per count: sites are few, counts are many.
    sites = sorted(per_site)
    rows = [(c, *(per_site[site][c] for site in sites)) for c in _STATS_COLUMNS]
    print_rows(
        ["", *sites], rows, OutputFormat.table, title=f"{url}\n(valid from {cutoffs.valid_from}, test from {cutoffs.test_from})"
    )


@COMMANDS.command(example=["cpdata migrate", "cpdata migrate --db postgresql+psycopg://me@localhost/cpdata"])
def migrate(db: DbOption = None) -> None:
    """Create the store, or upgrade it to this cpdata's schema version."""
    from cpdata.schema.store import redact_url

    with open_store(db) as store:
        stdout.print(f"{redact_url(store.url)}: schema version {store.schema_version()}")
