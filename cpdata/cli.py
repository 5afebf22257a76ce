"""The ``cpdata`` command line. Each command is a thin shell over the packages: parse options, call, print.

Exit codes: 0 success; 1 the command ran but some input was bad (invalid stream lines, pages that failed to
parse), with everything else stored; 2 the command could not run (bad options, no store, blocked site).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout
from curation.export import export_codecontests
from curation.splits import DEFAULT_CUTOFFS, Split, SplitCutoffs, assign_split
from curation.writers import ExportFormat
from schema import ENV_DB, Contest, Problem, Store, StoreError, StreamError, Submission, Test, read_stream
from schema.store import redact_url

app = typer.Typer(
    help="cpdata: build CodeContests-like datasets from competitive-programming sites.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export the store as a dataset.", no_args_is_help=True)
app.add_typer(export_app, name="export")

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar=ENV_DB, help="Store: a SQLAlchemy URL or a SQLite path [default: data/cpdata.sqlite]."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON summary on stdout.")]
DateOption = Annotated[datetime, typer.Option(formats=["%Y-%m-%d"])]


def _fail(message: str, code: int = 2) -> typer.Exit:
    stderr.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _open_store(db: str | None, *, create: bool = True) -> Store:
    try:
        return Store(db, create=create)
    except StoreError as exc:
        raise _fail(str(exc)) from exc


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help="An entity-stream file (one JSON object per line), or - for stdin.")],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Entities per transaction.")] = 5000,
    json_output: JsonOption = False,
) -> None:
    """Store an entity stream. Bad lines are reported with their number; the good ones are stored."""
    errors: list[StreamError] = []
    handle = sys.stdin if source == "-" else None
    if handle is None:
        path = Path(source)
        if not path.is_file():
            raise _fail(f"{source}: no such file")
        handle = path.open(encoding="utf-8")
    with _open_store(db) as store, handle, progress_bar("ingest", None, enabled=not json_output) as bar:

        def entities() -> Iterator[Contest | Problem | Test | Submission]:
            for item in read_stream(handle):
                bar.advance()
                if isinstance(item, StreamError):
                    errors.append(item)
                else:
                    yield item

        report = store.ingest(entities(), batch_size=batch_size)
    summary = {
        "stored": dict(report.stored),
        "changed": dict(report.changed),
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
        stored = ", ".join(f"{n} {kind}s" for kind, n in sorted(report.stored.items())) or "nothing"
        changed = sum(report.changed.values())
        stdout.print(f"stored {stored} ({changed} rows new or changed); {len(errors)} invalid lines")
    if errors:
        raise typer.Exit(1)


@export_app.command("codecontests")
def export_codecontests_command(
    out_dir: Annotated[Path, typer.Argument(help="Directory for train/valid/test files, manifest.json and README.md.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    valid_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.valid_from, datetime.min.time()),
    test_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.test_from, datetime.min.time()),
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write the store as a CodeContests-like dataset, split by contest start date (UTC)."""
    try:
        cutoffs = SplitCutoffs(valid_from=valid_from.date(), test_from=test_from.date())
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    with _open_store(db, create=False) as store, progress_bar("export", None, enabled=not json_output) as bar:
        result = export_codecontests(store, out_dir, fmt=fmt, cutoffs=cutoffs, progress=bar.update)
    if json_output:
        print_json(result.manifest)
        return
    rows = [
        (
            split,
            *(c[k] for k in ("problems", "public_tests", "private_tests", "generated_tests", "solutions", "incorrect_solutions")),
        )
        for split, c in result.counts.items()
    ]
    print_rows(
        ["split", "problems", "public", "private", "generated", "solutions", "incorrect"],
        rows,
        OutputFormat.table,
        title=f"exported to {out_dir}",
    )


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help='SQL to run, e.g. "SELECT * FROM problem_overview LIMIT 5".')],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv.")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Run SQL on the store. Views: problem_dated, problem_overview, solutions_by_language, verdict_counts."""
    with _open_store(db, create=False) as store:
        try:
            columns, rows = store.run_sql(query)
        except Exception as exc:  # the database's own message says what is wrong with the query
            raise _fail(str(getattr(exc, "orig", exc))) from exc
    if columns:
        print_rows(columns, rows, fmt)


@app.command()
def stats(
    db: DbOption = None,
    valid_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.valid_from, datetime.min.time()),
    test_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.test_from, datetime.min.time()),
    json_output: JsonOption = False,
) -> None:
    """Counts per site: contests, problems per split, tests by kind, submissions and solutions with code."""
    cutoffs = SplitCutoffs(valid_from=valid_from.date(), test_from=test_from.date())
    with _open_store(db, create=False) as store:
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
        for site, released in store.run_sql("SELECT site, release_time FROM problem_dated")[1]:
            counter = per_site.setdefault(site, Counter())
            when = datetime.fromisoformat(released) if isinstance(released, str) else released
            counter[f"problems_{assign_split(when, cutoffs).value}"] += 1
            counter["problems"] += 1
        url = redact_url(store.url)
    columns = [
        "contests",
        "problems",
        *(f"problems_{s.value}" for s in Split),
        "tests_public",
        "tests_private",
        "tests_generated",
        "submissions_correct",
        "submissions_incorrect",
        "submissions_undecided",
        "with_code_correct",
        "with_code_incorrect",
    ]
    if json_output:
        print_json(
            {
                "store": url,
                "cutoffs": cutoffs.as_dict(),
                "sites": {s: {c: per_site[s][c] for c in columns} for s in sorted(per_site)},
            }
        )
        return
    # One column per site and a row per count: sites are few, counts are many.
    sites = sorted(per_site)
    rows = [(c, *(per_site[site][c] for site in sites)) for c in columns]
    print_rows(
        ["", *sites], rows, OutputFormat.table, title=f"{url}\n(valid from {cutoffs.valid_from}, test from {cutoffs.test_from})"
    )


@app.command()
def demo(
    workdir: Annotated[
        Path | None, typer.Option(help="Where the demo writes its store and exports [default: data/demo/run].")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Run the whole pipeline offline on bundled data, and show what each step did."""
    from cpdata.demo import DEFAULT_WORKDIR, run_demo

    summary = run_demo(workdir or DEFAULT_WORKDIR, quiet=json_output)
    if json_output:
        print_json(summary)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Create the store, or upgrade it to this cpdata's schema version."""
    with _open_store(db) as store:
        stdout.print(f"{redact_url(store.url)}: schema version {store.schema_version()}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
