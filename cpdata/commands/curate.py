"""``cpdata curate dedup|contamination|run`` and ``cpdata report``: curation without writing a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cpdata.commands.options import (
    DEFAULT_LANGUAGES_TEXT,
    TEST_FROM,
    VALID_FROM,
    Commands,
    DbOption,
    DedupOption,
    JsonOption,
    LanguagesOption,
    RejectsOption,
    TestFromOption,
    ThresholdOption,
    ValidFromOption,
    WindowOption,
    curation_options,
    cutoffs_from,
    open_store,
)
from cpdata.output import OutputFormat, print_json, print_rows, stdout

__all__ = ["COMMANDS", "curate_app"]

CURATE = Commands()
COMMANDS = Commands()
curate_app = typer.Typer(help="Curation: duplicates, contamination, and a dry run of the steps.", no_args_is_help=True)


def _print_steps(curation: dict[str, Any]) -> None:
    rows = []
    for step in curation.get("steps", []):
        dropped = {**step["problems"]["dropped"], **step["solutions"]["dropped"], **step["tests"]["dropped"]}
        rows.append(
            (
                step["step"],
                f"{step['problems']['in']} -> {step['problems']['out']}",
                f"{step['solutions']['in']} -> {step['solutions']['out']}",
                "; ".join(f"{reason}: {n}" for reason, n in sorted(dropped.items())) or "-",
            )
        )
    if rows:
        print_rows(["step", "problems", "solutions", "dropped (reason: count)"], rows, OutputFormat.table, title="curation")


@CURATE.command("dedup", example=["cpdata curate dedup", "cpdata curate dedup --threshold 0.7 --json"])
def curate_dedup(
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Find duplicate and near-duplicate problems and record them (table problem_cluster, view problem_duplicates)."""
    from cpdata.curation.steps.dedup import run_dedup

    with open_store(db, create=False) as store:
        result = run_dedup(store, threshold=threshold)
    if json_output:
        print_json(result.summary())
    else:
        stdout.print(
            f"{result.with_statement} problems with a statement: {result.exact_duplicates} exact duplicates in "
            f"{result.exact_groups} groups, {result.near_duplicates} more near duplicates; {result.near_clusters} clusters "
            f"at Jaccard >= {threshold}. "
            "See: cpdata sql 'SELECT * FROM problem_duplicates'"
        )


@CURATE.command(
    "contamination",
    example=["cpdata curate contamination", "cpdata curate contamination --against code_contests/ --json"],
)
def curate_contamination(
    against: Annotated[
        Path | None,
        typer.Option("--against", metavar="PATH", help="An external dataset (CodeContests Parquet, or our JSONL/Parquet)."),
    ] = None,
    threshold: ThresholdOption = 0.8,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Report duplicates that cross splits (and where they were put), and our valid/test problems found in --against.

    Exits 1 when --against holds any of our valid/test problems."""
    from cpdata.curation.steps.contamination import check_against, crossing_pairs

    cutoffs = cutoffs_from(valid_from, test_from)
    with open_store(db, create=False) as store:
        pairs = crossing_pairs(store, cutoffs)
        external = check_against(store, against, threshold, cutoffs) if against is not None else None
    if json_output:
        print_json({"crossing": pairs, "against": external.as_dict() if external else None})
    else:
        print_rows(
            ["problem", "own split", "assigned split", "duplicate of", "kind", "similarity"],
            [tuple(p.values()) for p in pairs],
            OutputFormat.table,
            title="duplicates across splits (kept with the earliest copy)",
        )
        if external is not None:
            summary = external.as_dict()
            stdout.print(
                f"{against}: {summary['external_records']} records; checked {summary['checked']}, found {summary['contaminated']}"
            )
            print_rows(
                ["problem", "our split", "kind", "external"],
                [(m["problem"], m["our_split"], m["kind"], m["external"]) for m in external.matches],
                OutputFormat.table,
            )
    if external is not None and external.matches:
        raise typer.Exit(1)


@CURATE.command("run", example=["cpdata curate run", "cpdata curate run --keep-rejects rejects.jsonl --languages all"])
def curate_run(
    languages: LanguagesOption = DEFAULT_LANGUAGES_TEXT,
    window: WindowOption = None,
    keep_rejects: RejectsOption = None,
    dedup: DedupOption = True,
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run the curation steps without writing a dataset: what each step takes in, lets out and drops, and why."""
    from cpdata.curation.steps.pipeline import Curation

    options = curation_options(languages, window, keep_rejects, dedup, threshold)
    with open_store(db, create=False) as store:
        curation = Curation(store, options)
        kept = sum(1 for _ in curation.items())
        report = curation.report()
    if json_output:
        print_json({"kept_problems": kept, **report})
    else:
        _print_steps(report)
        stdout.print(f"{kept} problems kept")


@COMMANDS.command(example=["cpdata report report/", "cpdata report report/ --window 2024-01-01..2024-06-30 --json"])
def report(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT_DIR", help="Where to write README.md, report.html, report.json and the plots.")
    ],
    languages: LanguagesOption = DEFAULT_LANGUAGES_TEXT,
    window: WindowOption = None,
    dedup: DedupOption = True,
    threshold: ThresholdOption = 0.8,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """A dataset card with plots (Markdown, and HTML with the pictures inline), from the same curation as an export."""
    from cpdata.curation.report import write_report  # matplotlib loads only when a report is asked for

    options = curation_options(languages, window, None, dedup, threshold)
    cutoffs = cutoffs_from(valid_from, test_from)
    with open_store(db, create=False) as store:
        summary = write_report(store, out_dir, options, cutoffs)
    if json_output:
        print_json(summary)
    else:
        stdout.print(
            f"report of {summary['problems']} problems: {out_dir / 'report.html'} and {out_dir / 'README.md'} "
            f"({len(summary['plots'])} plots)"
        )


CURATE.register(curate_app)
