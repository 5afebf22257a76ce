"""``cpdata export codecontests`` and ``cpdata import codecontests``: datasets on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from cpdata.commands.execution import UnsafeOption, open_sandbox
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
    fail,
    open_store,
)
from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout

__all__ = ["export_app", "import_app"]

EXPORTS = Commands()
IMPORTS = Commands()
export_app = typer.Typer(help="Export the store as a dataset.", no_args_is_help=True)
import_app = typer.Typer(help="Import an existing dataset into the store.", no_args_is_help=True)

# The same names as cpdata.curation.formats.writers.ExportFormat (a test keeps them equal), spelled out here so that
# --help does not import the writers (and pyarrow).
FormatChoice = Literal["jsonl", "parquet"]
StatementChoice = Literal["markdown", "plain"]
ChooseChoice = Literal["shortest", "random"]


@EXPORTS.command(
    "codecontests",
    example=[
        "cpdata export codecontests out/ --format parquet",
        "cpdata export codecontests out/ --valid-from 2024-01-01 --test-from 2024-06-01",
        "cpdata export codecontests out/ --window 2024-01-01..2024-06-30 --languages all",
    ],
)
def export_codecontests(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT_DIR", help="Directory for the train/valid/test files, manifest.json and README.md.")
    ],
    fmt: Annotated[FormatChoice, typer.Option("--format", help="File format of the splits.")] = "jsonl",
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    languages: LanguagesOption = DEFAULT_LANGUAGES_TEXT,
    window: WindowOption = None,
    keep_rejects: RejectsOption = None,
    dedup: DedupOption = True,
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Curate and write the store as a CodeContests-like dataset, split by contest start date (UTC).

    Curation: exact duplicate problems merged, near-duplicate clusters kept in one split (by the earliest copy),
    AlphaCode's solution filters (languages, 1 MB, 1,000-character lines), duplicate solutions dropped.

    Written into a staging directory beside OUT_DIR and renamed into place when complete: an interrupted export
    leaves the previous one whole, and OUT_DIR holds exactly one export (a directory that is not an export is
    refused)."""
    from cpdata.curation.formats.atomic import NotAnExportDirectory
    from cpdata.curation.formats.export import export_codecontests as run_export

    cutoffs = cutoffs_from(valid_from, test_from)
    options = curation_options(languages, window, keep_rejects, dedup, threshold)
    with open_store(db, create=False) as store, progress_bar("export", None, enabled=not json_output) as bar:
        try:
            result = run_export(store, out_dir, fmt=fmt, cutoffs=cutoffs, curation=options, progress=bar.update)
        except NotAnExportDirectory as exc:
            raise fail(str(exc)) from exc
    if json_output:
        print_json(result.manifest)
        return
    counted = ("problems", "public_tests", "private_tests", "generated_tests", "solutions", "incorrect_solutions")
    rows = [(split, *(c[k] for k in counted)) for split, c in result.counts.items()]
    print_rows(
        ["split", "problems", "public", "private", "generated", "solutions", "incorrect"],
        rows,
        OutputFormat.table,
        title=f"exported to {out_dir}",
    )


@EXPORTS.command(
    "sft",
    example=[
        "cpdata export sft out/sft                                           # prompt/completion, every correct solution",
        "cpdata export sft out/sft --format parquet --chat --per-problem 5 --choose random --seed 1",
        "cpdata export sft out/sft --task-prefix 'solve python3:' --languages python3 --statement plain",
        "cpdata export sft out/pairs --pairs --per-problem 2                 # (chosen, rejected) for preference data",
    ],
)
def export_sft(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="Directory for train.jsonl|parquet, manifest and card.")],
    fmt: Annotated[FormatChoice, typer.Option("--format", help="File format.")] = "jsonl",
    chat: Annotated[
        bool, typer.Option("--chat/--completion", help="Chat 'messages' records, or 'prompt'/'completion' pairs.")
    ] = False,
    statement: Annotated[
        StatementChoice,
        typer.Option("--statement", help="The statement as stored (Markdown, TeX kept) or CodeContests' plain text."),
    ] = "markdown",
    task_prefix: Annotated[
        str, typer.Option("--task-prefix", metavar="TEXT", help="T5-style framing before each prompt, e.g. 'solve python3:'.")
    ] = "",
    per_problem: Annotated[
        int | None,
        typer.Option(
            "--per-problem", min=1, metavar="N", help="At most N solutions per problem and language.", show_default="all"
        ),
    ] = None,
    choose: Annotated[ChooseChoice, typer.Option("--choose", help="Which solutions when there are more than N.")] = "shortest",
    seed: Annotated[int, typer.Option("--seed", help="Seed of --choose random.")] = 0,
    pairs: Annotated[
        bool, typer.Option("--pairs", help="Preference/RL records: a correct and an incorrect solution, with its verdict.")
    ] = False,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    languages: LanguagesOption = DEFAULT_LANGUAGES_TEXT,
    dedup: DedupOption = True,
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Training records for fine-tuning, from the train split only (valid and test never appear): one per problem
    and correct solution, the statement with its limits and samples as the prompt and the language named in it.
    Written atomically like every export; load_dataset and Hugging Face datasets read it."""
    from cpdata.curation.formats.atomic import NotAnExportDirectory
    from cpdata.curation.formats.training import SftOptions
    from cpdata.curation.formats.training import export_sft as run_export

    options = SftOptions(
        record_format="chat" if chat else "completion", statement_format=statement, task_prefix=task_prefix,
        per_problem=per_problem, choose=choose, seed=seed, pairs=pairs, fmt=fmt,
    )  # fmt: skip
    curation = curation_options(languages, None, None, dedup, threshold)
    with open_store(db, create=False) as store, progress_bar("export sft", None, enabled=not json_output) as bar:
        try:
            manifest = run_export(store, out_dir, options, cutoffs=cutoffs_from(valid_from, test_from), curation=curation,
                                  progress=bar.update)  # fmt: skip
        except NotAnExportDirectory as exc:
            raise fail(str(exc)) from exc
    if json_output:
        print_json(manifest)
        return
    print_rows(["count", "value"], list(manifest["counts"].items()), OutputFormat.table,
               title=f"{manifest['records']} records in {out_dir}")  # fmt: skip


@IMPORTS.command(
    "codecontests",
    example=[
        "cpdata import codecontests code_contests/            # DeepMind's Hugging Face Parquet folder",
        "cpdata import codecontests out/ --overwrite          # an export of ours, replacing stored values",
    ],
)
def import_codecontests(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="A CodeContests dataset: its Hugging Face Parquet folder, or our JSONL/Parquet export."
        ),
    ],
    overwrite: Annotated[
        bool, typer.Option("--overwrite/--fill-only", help="Let imported values replace stored ones, or only fill gaps.")
    ] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Read a CodeContests-format dataset into the store (problems, tests, solutions), to merge and re-split."""
    from cpdata.curation.formats.importer import import_codecontests as run_import

    if not path.exists():
        raise fail(f"{path}: no such file or directory")
    with open_store(db) as store:
        try:
            report = run_import(store, path, overwrite=overwrite)
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise fail(f"{path}: {exc}") from exc
    summary = {
        "records": report.records,
        "by_file": dict(report.by_file),
        "by_site": dict(report.by_site),
        "stored": dict(report.stored),
    }
    if json_output:
        print_json(summary)
    else:
        stdout.print(
            f"imported {report.records} problems ({dict(report.by_site)}) from {len(report.by_file)} files: {dict(report.stored)}"
        )


@IMPORTS.command(
    "package",
    example=[
        "cpdata import package ../shared/icpc-packages            # a directory of packages",
        "cpdata import package nwerc2023/brickwork --json         # one package",
        "cpdata import package nwerc2023/brickwork --no-generators # committed tests only: nothing runs",
    ],
)
def import_package(
    paths: Annotated[
        list[Path], typer.Argument(metavar="DIR...", help="Problem packages (ICPC / Kattis format), or directories of them.")
    ],
    generators: Annotated[
        bool,
        typer.Option(
            "--generators/--no-generators",
            help="Make the secret tests of packages that ship generators/generators.yaml instead of the tests, by "
            "running the jury's generators and solution in the sandbox.",
        ),
    ] = True,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate/--no-calibrate",
            help="Set each time limit again on this machine by the jury's rule: its time multiplier (2 if none) times "
            "the slowest accepted submission on the official tests, run here in the sandbox.",
        ),
    ] = True,
    unsafe: UnsafeOption = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Read jury problem packages into the store: statement, limits, samples and official tests (committed, or made
    by the jury's own generators), input and output validators, and the jury's solutions with their expected
    verdicts; then calibrate each time limit on this machine. Idempotent: tests made by generators once are kept."""
    from contextlib import ExitStack

    from cpdata.curation.formats.package import SecretTestMaker, import_packages

    for path in paths:
        if not path.exists():
            raise fail(f"{path}: no such file or directory")
    with ExitStack() as stack:
        make: SecretTestMaker | None = None
        if generators:
            make = _secret_test_maker(stack, unsafe, enabled=not json_output)
        store = stack.enter_context(open_store(db))
        report = import_packages(store, paths, make)
        if calibrate:
            _calibrate(stack, store, report.packages, unsafe, enabled=not json_output)
    if json_output:
        print_json({"packages": report.packages, "stored": dict(report.stored), "errors": report.errors})
    else:
        print_rows(
            ["problem", "validation", "tests", "submissions", "programs", "time limit here"],
            [
                (p["problem"], p["validation"], p["tests"], sum(p["submissions"].values()), len(p["programs"]),
                 f"{p['calibrated_time_limit_ms']} ms" if p.get("calibrated_time_limit_ms") else "-")
                for p in report.packages
            ],
            OutputFormat.table,
            title=f"imported {len(report.packages)} packages: {dict(report.stored)}",
        )  # fmt: skip
        for package in report.packages:  # what was made or measured, and what could not be
            for note in package["notes"]:
                stderr.print(f"{package['problem']}: {note}", markup=False, highlight=False)
        for error in report.errors:
            stderr.print(f"error: {error}", markup=False)
    if report.errors:
        raise typer.Exit(1)


def _import_sandbox(stack: Any, unsafe: bool) -> Any:
    """The sandbox import runs the jury's programs in; without one, the advice says how to import without running."""
    try:
        return stack.enter_context(open_sandbox(unsafe))
    except typer.Exit:
        stderr.print("hint: --no-generators --no-calibrate imports the packages without running any of their programs",
                     markup=False, highlight=False)  # fmt: skip
        raise


def _calibrate(stack: Any, store: Any, packages: list[dict[str, Any]], unsafe: bool, *, enabled: bool) -> None:
    """Each imported problem's time limit measured here (the notes say what it became, and from what)."""
    from cpdata.curation.judging.calibrate import calibrate_time_limit
    from cpdata.curation.judging.judge import LocalExecutor

    sandbox = _import_sandbox(stack, unsafe)
    executor = LocalExecutor(None, sandbox)
    with progress_bar("calibrate time limits", len(packages), enabled=enabled) as bar:
        for done, package in enumerate(packages, start=1):
            site, contest_id, index = package["problem"].split("/", 2)
            problem = store.problem((site, contest_id, index))
            if problem is None or (
                problem.interactive and not any(p.role == "interactor" for p in store.programs_for(problem.key))
            ):
                continue
            result = calibrate_time_limit(store, problem, executor)
            official = f"{problem.time_limit_ms} ms" if problem.time_limit_ms else "none"
            if result.time_limit_ms is None:
                package["notes"].append(f"time limit not calibrated: no accepted submission passed here (official {official})")
            else:
                package["notes"].append(
                    f"time limit {result.time_limit_ms} ms here ({result.multiplier:g} x {result.slowest_ms} ms, the slowest of "
                    f"{result.solutions} accepted submissions; official {official})"
                )
            package["calibrated_time_limit_ms"] = result.time_limit_ms
            bar.update(done, len(packages))


def _secret_test_maker(stack: Any, unsafe: bool, *, enabled: bool) -> Any:
    """Runs a package's generators in a sandbox opened on first use (only packages without secret tests need one)."""
    from cpdata.curation.testgen.jurygen import generate_jury_tests

    opened: list[Any] = []

    def make(package: Path, problem: Any) -> tuple[list[Any], list[str]]:
        if not opened:
            opened.append(_import_sandbox(stack, unsafe))
        with progress_bar(f"{package.name}: jury generators", None, enabled=enabled) as bar:
            made = generate_jury_tests(opened[0], package, problem, progress=bar.update)
        return made.tests, made.failed

    return make


EXPORTS.register(export_app)
IMPORTS.register(import_app)
