"""The ``cpdata`` command line. Each command is a thin shell over the packages: parse options, call, print.

Exit codes: 0 success; 1 the command ran but some input was bad (invalid stream lines, pages that failed to
parse), with everything else stored; 2 the command could not run (bad options, no store, blocked site).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout
from curation.contamination import check_against, crossing_pairs
from curation.dedup import run_dedup
from curation.export import export_codecontests
from curation.importer import import_codecontests
from curation.pipeline import Curation, CurationOptions
from curation.splits import DEFAULT_CUTOFFS, Split, SplitCutoffs, assign_split
from curation.writers import ExportFormat
from schema import ENV_DB, Language, Store, StoreError, write_stream
from schema.bulk import ingest_lines
from schema.store import redact_url
from scraper.base import Page, ParseError, ScrapeOptions
from scraper.cache import DEFAULT_CACHE_DIR
from scraper.registry import UnknownURL, get_site, route_url
from scraper.run import CrawlSummary
from scraper.session import ScrapeSettings
from scraper.session import reparse as run_reparse
from scraper.session import scrape as run_scrape

app = typer.Typer(
    help="cpdata: build CodeContests-like datasets from competitive-programming sites.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export the store as a dataset.", no_args_is_help=True)
app.add_typer(export_app, name="export")
curate_app = typer.Typer(help="Curation: duplicates, contamination, and a dry run of the steps.", no_args_is_help=True)
app.add_typer(curate_app, name="curate")
import_app = typer.Typer(help="Import an existing dataset into the store.", no_args_is_help=True)
app.add_typer(import_app, name="import")

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar=ENV_DB, help="Store: a SQLAlchemy URL or a SQLite path [default: data/cpdata.sqlite]."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON summary on stdout.")]
DateOption = Annotated[datetime, typer.Option(formats=["%Y-%m-%d"])]


LanguagesOption = Annotated[str, typer.Option("--languages", help="Solution languages to keep, comma-separated, or 'all'.")]
WindowOption = Annotated[
    str | None, typer.Option("--window", help="Only problems published in START..END (UTC dates), e.g. 2024-01-01..2024-06-30.")
]
RejectsOption = Annotated[
    Path | None, typer.Option("--keep-rejects", help="Write every dropped problem and solution here (JSONL).")
]
NoDedupOption = Annotated[bool, typer.Option("--no-dedup", help="Use the duplicate clusters already in the store.")]
ThresholdOption = Annotated[float, typer.Option("--threshold", min=0.05, max=1.0, help="Near-duplicate Jaccard threshold.")]


def _curation_options(
    languages: str, window: str | None, rejects: Path | None, no_dedup: bool, threshold: float
) -> CurationOptions:
    try:
        families = (
            None if languages.strip() == "all" else frozenset(Language(x.strip()) for x in languages.split(",") if x.strip())
        )
    except ValueError as exc:
        raise _fail(f"--languages: {exc}") from exc
    span = None
    if window is not None:
        start, sep, end = window.partition("..")
        try:
            span = (date.fromisoformat(start.strip()), date.fromisoformat(end.strip()))
        except ValueError:
            raise _fail(f"--window takes START..END with ISO dates, e.g. 2024-01-01..2024-06-30, not {window!r}") from None
        if not sep or span[1] < span[0]:
            raise _fail(f"--window {window!r}: the end must not be before the start")
    return CurationOptions(languages=families, window=span, rejects=rejects, dedup=not no_dedup, threshold=threshold)


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
    workers: Annotated[int | None, typer.Option(min=1, help="Processes validating lines [the number of cores].")] = None,
    json_output: JsonOption = False,
) -> None:
    """Store an entity stream. Bad lines are reported with their number; the good ones are stored."""
    handle = sys.stdin if source == "-" else None
    if handle is None:
        path = Path(source)
        if not path.is_file():
            raise _fail(f"{source}: no such file")
        handle = path.open(encoding="utf-8")
    with _open_store(db) as store, handle, progress_bar("ingest", None, enabled=not json_output) as bar:
        report, errors = ingest_lines(store, handle, batch_size=batch_size, workers=workers, on_chunk=bar.advance)
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
    languages: LanguagesOption = "cpp,python3,java",
    window: WindowOption = None,
    keep_rejects: RejectsOption = None,
    no_dedup: NoDedupOption = False,
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Curate and write the store as a CodeContests-like dataset, split by contest start date (UTC).

    Curation: exact duplicate problems merged, near-duplicate clusters kept in one split (by the earliest copy),
    AlphaCode's solution filters (languages, 1 MB, 1,000-character lines), duplicate solutions dropped."""
    try:
        cutoffs = SplitCutoffs(valid_from=valid_from.date(), test_from=test_from.date())
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    options = _curation_options(languages, window, keep_rejects, no_dedup, threshold)
    with _open_store(db, create=False) as store, progress_bar("export", None, enabled=not json_output) as bar:
        result = export_codecontests(store, out_dir, fmt=fmt, cutoffs=cutoffs, curation=options, progress=bar.update)
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


@curate_app.command("dedup")
def curate_dedup(
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Find duplicate and near-duplicate problems and record them (table problem_cluster, view problem_duplicates)."""
    with _open_store(db, create=False) as store:
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


@curate_app.command("contamination")
def curate_contamination(
    against: Annotated[
        Path | None, typer.Option("--against", help="An external dataset (CodeContests Parquet or our JSONL/Parquet).")
    ] = None,
    threshold: ThresholdOption = 0.8,
    valid_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.valid_from, datetime.min.time()),
    test_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.test_from, datetime.min.time()),
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Report duplicates that cross splits (and where they were put), and our valid/test problems found in --against."""
    cutoffs = SplitCutoffs(valid_from=valid_from.date(), test_from=test_from.date())
    with _open_store(db, create=False) as store:
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


@curate_app.command("run")
def curate_run(
    languages: LanguagesOption = "cpp,python3,java",
    window: WindowOption = None,
    keep_rejects: RejectsOption = None,
    no_dedup: NoDedupOption = False,
    threshold: ThresholdOption = 0.8,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run the curation steps without writing a dataset: what each step takes in, lets out and drops, and why."""
    options = _curation_options(languages, window, keep_rejects, no_dedup, threshold)
    with _open_store(db, create=False) as store:
        curation = Curation(store, options)
        kept = sum(1 for _ in curation.items())
        report = curation.report()
    if json_output:
        print_json({"kept_problems": kept, **report})
    else:
        _print_steps(report)
        stdout.print(f"{kept} problems kept")


@import_app.command("codecontests")
def import_codecontests_command(
    path: Annotated[
        Path, typer.Argument(help="A CodeContests dataset: its Hugging Face Parquet folder, or our JSONL/Parquet export.")
    ],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Let imported values replace stored ones (default: only fill gaps).")
    ] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Read a CodeContests-format dataset into the store (problems, tests, solutions), to merge and re-split."""
    if not path.exists():
        raise _fail(f"{path}: no such file or directory")
    with _open_store(db) as store:
        try:
            report = import_codecontests(store, path, overwrite=overwrite)
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise _fail(f"{path}: {exc}") from exc
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


@app.command()
def report(
    out_dir: Annotated[Path, typer.Argument(help="Where to write README.md, report.html, report.json and the plots.")],
    languages: LanguagesOption = "cpp,python3,java",
    window: WindowOption = None,
    no_dedup: NoDedupOption = False,
    threshold: ThresholdOption = 0.8,
    valid_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.valid_from, datetime.min.time()),
    test_from: DateOption = datetime.combine(DEFAULT_CUTOFFS.test_from, datetime.min.time()),
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """A dataset card with plots (Markdown, and HTML with the pictures inline), from the same curation as an export."""
    from curation.report import write_report  # matplotlib loads only when a report is asked for

    options = _curation_options(languages, window, None, no_dedup, threshold)
    cutoffs = SplitCutoffs(valid_from=valid_from.date(), test_from=test_from.date())
    with _open_store(db, create=False) as store:
        summary = write_report(store, out_dir, options, cutoffs)
    if json_output:
        print_json(summary)
    else:
        stdout.print(
            f"report of {summary['problems']} problems: {out_dir / 'report.html'} and {out_dir / 'README.md'} "
            f"({len(summary['plots'])} plots)"
        )


@app.command()
def verify(
    site: Annotated[str | None, typer.Option(help="Only this site's problems.")] = None,
    problem: Annotated[str | None, typer.Option(help="Only this problem (site/contest/index, or the site's problem id).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many solutions per problem.")] = None,
    time_factor: Annotated[
        float, typer.Option(min=0.1, help="Scale the problems' time limits (this is not the judge's machine).")
    ] = 2.0,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel runs [the number of cores].")] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run stored solutions on their problems' tests in the sandbox; record whether we agree with the site's verdict.

    Results are cached (solution, test, limits): a second run, or a run after Ctrl-C, runs only what is new.
    Disagreements: cpdata sql 'SELECT * FROM verification_disagreements'."""
    from curation.judge import LocalExecutor
    from curation.verify import verify as run_verify

    with _open_store(db, create=False) as store, progress_bar("verify", None, enabled=not json_output) as bar:
        summary = run_verify(
            store,
            site=site,
            problem=problem,
            limit=limit,
            time_factor=time_factor,
            executor=LocalExecutor(workers),
            progress=bar.update,
        )
    result = summary.as_dict()
    if json_output:
        print_json(result)
        return
    stdout.print(
        f"sandbox: {summary.sandbox_mode}; {summary.solutions} solutions, {summary.ran} runs ({summary.from_cache} from cache): "
        f"{summary.agree} agree with the site, {summary.disagree} disagree, {summary.undecided} undecided"
    )
    rows = [
        (lang, c["agree"], c["disagree"], c["accepted_but_failed"], c["rejected_but_passed"])
        for lang, c in sorted(summary.by_language.items())
    ]
    print_rows(
        ["language", "agree", "disagree", "accepted but failed here", "rejected but passed here"], rows, OutputFormat.table
    )


@app.command("gen-tests")
def gen_tests(
    site: Annotated[str | None, typer.Option(help="Only this site's problems.")] = None,
    problem: Annotated[str | None, typer.Option(help="Only this problem (site/contest/index, or the site's problem id).")] = None,
    min_agree: Annotated[int, typer.Option(min=1, help="Correct solutions that must agree on a generated test.")] = 30,
    max_tests: Annotated[int, typer.Option(min=1, help="Generated tests per problem at most.")] = 200,
    budget: Annotated[float, typer.Option(min=1, help="Seconds per problem at most.")] = 60.0,
    time_factor: Annotated[float, typer.Option(min=0.1, help="Scale the problems' time limits.")] = 2.0,
    seed: Annotated[int, typer.Option(help="Seed of the mutations (the same seed gives the same tests).")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel runs [the number of cores].")] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Generate tests as CodeContests did: mutate inputs, keep those on which the correct solutions all agree.

    Hack inputs (output unknown) get their outputs the same way. Stored as tests of kind 'generated'."""
    from curation.generate import GenerateOptions, generate_tests
    from curation.judge import LocalExecutor

    options = GenerateOptions(min_agree=min_agree, max_tests=max_tests, budget_seconds=budget, time_factor=time_factor, seed=seed)
    with _open_store(db, create=False) as store, progress_bar("gen-tests", None, enabled=not json_output) as bar:
        summary = generate_tests(
            store, site=site, problem=problem, options=options, executor=LocalExecutor(workers), progress=bar.update
        )
    if json_output:
        print_json(summary.as_dict())
        return
    for warning in summary.warnings[:20]:
        stderr.print(f"warning: {warning}", style="yellow", markup=False, highlight=False)
    stdout.print(
        f"{summary.generated} tests generated for {summary.problems} problems from {summary.candidates} candidates "
        f"({dict(summary.rejected)}); {summary.hack_outputs} hack inputs labelled"
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


def _parse_cookies(values: list[str]) -> dict[str, str]:
    cookies = {}
    for value in values:
        name, sep, content = value.partition("=")
        if not sep or not name.strip():
            raise _fail(f"--cookie takes NAME=VALUE, not {value!r}")
        cookies[name.strip()] = content.strip()
    return cookies


def _parse_age(value: str | None) -> timedelta | None:
    if value is None:
        return None
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhdw]?)", value.strip())
    if not found:
        raise _fail(f"--max-age takes a number with a unit s, m, h, d or w (e.g. 12h, 7d), not {value!r}")
    seconds = float(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[found.group(2)]
    return timedelta(seconds=seconds)


@app.command()
def scrape(
    site: Annotated[str, typer.Argument(help="codeforces, atcoder, aoj, codechef or yukicoder")],
    contest: Annotated[
        list[str] | None, typer.Option("--contest", help="A contest id; repeat for several. Default: all.")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only contests that started on or after this date.")
    ] = None,
    solutions: Annotated[
        int, typer.Option(min=0, help="Source codes per problem, language and outcome (accepted/rejected).")
    ] = 0,
    languages: Annotated[str, typer.Option(help="Language families for --solutions, comma-separated.")] = "cpp,python3,java",
    gym: Annotated[bool, typer.Option("--gym", help="Codeforces: Gym contests instead of regular ones.")] = False,
    max_status_pages: Annotated[int, typer.Option(min=0, help="Submission list pages per contest (0: no submissions).")] = 5,
    status_page_size: Annotated[int, typer.Option(min=1, help="Submissions per list page.")] = 1000,
    cookie: Annotated[list[str] | None, typer.Option("--cookie", help="NAME=VALUE of your own session; never stored.")] = None,
    dropbox_token: Annotated[
        str | None, typer.Option(envvar="CPDATA_DROPBOX_TOKEN", help="AtCoder: a Dropbox API token, to fetch hidden tests.")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="CPDATA_API_KEY", help="yukicoder: your API key, for hidden tests.")
    ] = None,
    csrf_token: Annotated[str | None, typer.Option(help="CodeChef: the CSRF token of your logged-in session.")] = None,
    api_base: Annotated[str | None, typer.Option(help="AOJ: the judge API base (https://onlinejudge.u-aizu.ac.jp/api).")] = None,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="Fetch again every page the crawl visits (not submission sources: they never change)."),
    ] = False,
    max_age: Annotated[str | None, typer.Option(help="Fetch again what is older than this (e.g. 12h, 7d).")] = None,
    api_interval: Annotated[float | None, typer.Option(help="Seconds between API calls [site default].")] = None,
    html_interval: Annotated[float | None, typer.Option(help="Seconds between HTML pages [site default].")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Use only the cache; fetch nothing.")] = False,
    base_url: Annotated[
        str | None, typer.Option(help="Send requests to this server instead (a mirror or a local replay).")
    ] = None,
    cache_dir: Annotated[Path, typer.Option("--cache", help="Raw page cache directory.")] = DEFAULT_CACHE_DIR,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Crawl a site into the store. Resumable: run it again after a crash or Ctrl-C and it goes on."""
    try:
        scraper_site = get_site(site)
        families = frozenset(Language(x.strip()) for x in languages.split(",") if x.strip())
    except (UnknownURL, ValueError) as exc:
        raise _fail(str(exc)) from exc
    options = ScrapeOptions(
        contests=tuple(contest or ()),
        since=since.date() if since else None,
        solutions=solutions,
        languages=families,
        gym=gym,
        max_status_pages=max_status_pages,
        status_page_size=status_page_size,
        # secrets and switches for the sites that need them; held in memory only, never stored
        extra={
            k: v
            for k, v in {
                "cookies": bool(cookie),
                "dropbox_token": dropbox_token,
                "api_key": api_key,
                "csrf_token": csrf_token,
                "api_base": api_base,
            }.items()
            if v
        },
    )
    if site in ("atcoder", "codechef") and max_status_pages > 0 and not cookie:
        stderr.print(
            f"note: {site} shows submission lists only to logged-in users; pass --cookie to collect submissions",
            markup=False,
            highlight=False,
        )
    intervals = {k: v for k, v in (("/api/", api_interval), ("/", html_interval)) if v is not None}
    settings = ScrapeSettings(
        cache_dir=cache_dir,
        refresh=refresh,
        max_age=_parse_age(max_age),
        offline=offline,
        cookies=_parse_cookies(cookie or []),
        host_map={host: base_url for host in scraper_site.hosts} if base_url else {},
        intervals=intervals,
    )
    with _open_store(db) as store, progress_bar(f"scrape {site}", None, enabled=not json_output) as bar:
        try:
            summary = run_scrape(store, scraper_site, options, settings, progress=bar.update)
        except KeyboardInterrupt:
            stderr.print("interrupted: everything stored so far is kept; run the same command again to resume")
            raise typer.Exit(130) from None
    _print_crawl(summary, json_output)
    raise typer.Exit(summary.exit_code)


def _print_crawl(summary: CrawlSummary, json_output: bool) -> None:
    if json_output:
        print_json(summary.to_dict())
    else:
        rows = [(kind, c["fetched"], c["from_cache"], c["parsed"], c["failed"]) for kind, c in sorted(summary.by_kind.items())]
        print_rows(
            ["page kind", "fetched", "from cache", "parsed", "failed"],
            rows,
            OutputFormat.table,
            title=f"{summary.site}: units {summary.units}",
        )
        stored = ", ".join(f"{n} {k}s" for k, n in sorted(summary.entities.items())) or "nothing"
        stdout.print(f"stored {stored}")
        for failure in summary.failures[:20]:
            stderr.print(f"failed: {failure['reason']}", style="yellow", markup=False, highlight=False)
    if summary.blocked:
        stderr.print(f"blocked: {summary.blocked}", style="bold red", markup=False, highlight=False)


@app.command()
def parse(
    url: Annotated[str, typer.Argument(help="The URL the page was served at; it picks the site and the parser.")],
    file: Annotated[Path, typer.Argument(help="The saved response body (HTML or JSON).")],
) -> None:
    """Parse a saved page as if served at URL, and print the entity stream (one JSON object per line)."""
    try:
        site_scraper, route, _params = route_url(url)
        body = file.read_bytes()
    except (UnknownURL, OSError) as exc:
        raise _fail(str(exc), 1) from exc
    try:
        parsed = site_scraper.parse(Page(url=url, status=200, body=body))
    except ParseError as exc:
        raise _fail(f"cannot parse as {site_scraper.site.value} {route.kind}: {exc}", 1) from exc
    write_stream(parsed.entities, sys.stdout)
    for request in parsed.follow:
        stderr.print(f"follow: {request.kind} {request.url}", markup=False, highlight=False)


@app.command()
def reparse(
    site: Annotated[str | None, typer.Option(help="Only this site's pages.")] = None,
    cache_dir: Annotated[Path, typer.Option("--cache", help="Raw page cache directory.")] = DEFAULT_CACHE_DIR,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rebuild the store from the page cache with the current parsers, without any network."""
    if not cache_dir.is_dir():
        raise _fail(f"no page cache at {cache_dir}")
    with _open_store(db) as store, progress_bar("reparse", None, enabled=not json_output) as bar:
        summary = run_reparse(store, cache_dir, site, progress=bar.update)
    result = {
        "parsed": summary.parsed,
        "skipped": summary.skipped,
        "failed": len(summary.failures),
        "entities": summary.entities,
        "failures": summary.failures,
    }
    if json_output:
        print_json(result)
    else:
        stdout.print(
            f"reparsed {summary.parsed} pages ({summary.skipped} skipped, {len(summary.failures)} failed): {summary.entities}"
        )
        for failure in summary.failures[:20]:
            stderr.print(f"failed: {failure['reason']}", style="yellow", markup=False, highlight=False)
    if summary.failures:
        raise typer.Exit(1)


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
