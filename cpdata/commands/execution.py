"""``cpdata verify``, ``gen-tests``, ``validate``, ``doctor`` and ``spec``: running stored code in the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from cpdata.commands.options import Commands, DbOption, JsonOption, fail, open_store
from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout

if TYPE_CHECKING:
    from cpdata.curation.judging.judge import Executor
    from cpdata.curation.sandbox.sandbox import Sandbox

ExecutorKind = Literal["local", "ray"]

__all__ = ["COMMANDS"]

COMMANDS = Commands()

SiteFilter = Annotated[str | None, typer.Option(metavar="SITE", help="Only this site's problems.", show_default="every site")]
ProblemFilter = Annotated[
    str | None,
    typer.Option(metavar="KEY", help="Only this problem (site/contest/index, or the site's problem id).", show_default="all"),
]
TimeFactor = Annotated[float, typer.Option(min=0.1, help="Scale the problems' time limits (this is not the judge's machine).")]
Workers = Annotated[int | None, typer.Option(min=1, help="Parallel runs.", show_default="the number of cores")]
UnsafeOption = Annotated[
    bool,
    typer.Option(
        "--unsafe-no-isolation",
        envvar="CPDATA_UNSAFE_NO_ISOLATION",
        help="Run untrusted code even without bubblewrap's namespaces (it could reach the network, your files and "
        "your processes). Only for code you trust.",
    ),
]


ExecutorOption = Annotated[
    ExecutorKind, typer.Option("--executor", help="Where runs happen: this machine's cores, or a Ray cluster.")
]
RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        metavar="auto|HOST:PORT",
        help="The Ray cluster for --executor ray (needs cpdata[ray]).",
        show_default="a new local cluster",
    ),
]


@contextmanager
def open_executor(kind: ExecutorKind, workers: int | None, unsafe: bool, ray_address: str | None) -> Iterator[Executor]:
    """The executor a command runs its jobs on, its sandbox described first (stderr)."""
    if kind == "ray":
        from cpdata.curation.judging.ray_executor import RayExecutor, RayUnavailable

        try:
            ray = RayExecutor(ray_address, allow_unsafe=unsafe, num_cpus=workers)
            mode = ray.sandbox_mode
        except RayUnavailable as exc:
            raise fail(str(exc)) from exc
        except Exception as exc:  # a worker could not make its sandbox: Ray wraps the SandboxUnavailable
            raise fail(f"a Ray worker cannot run code safely: {exc}") from exc
        stderr.print(f"executor: ray ({ray_address or 'local cluster'}); workers' sandbox: {mode}", markup=False)
        try:
            yield ray
        finally:
            ray.shutdown()
        return
    from cpdata.curation.judging.judge import LocalExecutor

    with open_sandbox(unsafe) as sandbox:
        yield LocalExecutor(workers, sandbox)


@contextmanager
def open_sandbox(unsafe: bool) -> Iterator[Sandbox]:
    """The sandbox for a command, with its mode and what it does not protect against printed first (stderr)."""
    from cpdata.curation.sandbox.sandbox import Sandbox, SandboxUnavailable

    try:
        sandbox = Sandbox(allow_unsafe=unsafe)
    except SandboxUnavailable as exc:
        raise fail(str(exc)) from exc
    stderr.print(sandbox.describe(), style="bold yellow" if sandbox.mode != "bwrap" else "dim", markup=False, highlight=False)
    with sandbox:
        yield sandbox


@COMMANDS.command(
    example=[
        "cpdata verify --site codeforces",
        "cpdata verify --problem codeforces/1368/A --limit 10 --json",
        "cpdata sql 'SELECT * FROM verification_disagreements'",
    ]
)
def verify(
    site: SiteFilter = None,
    problem: ProblemFilter = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many solutions per problem.", show_default="all")] = None,
    time_factor: TimeFactor = 2.0,
    workers: Workers = None,
    unsafe: UnsafeOption = False,
    executor: ExecutorOption = "local",
    ray_address: RayAddressOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run stored solutions on their problems' tests in the sandbox; record whether we agree with the site's verdict.

    Results are cached (solution, test, limits): a second run, or a run after Ctrl-C, runs only what is new."""
    from cpdata.curation.judging.verify import verify as run_verify

    with (
        open_store(db, create=False) as store,
        open_executor(executor, workers, unsafe, ray_address) as runner,
        progress_bar("verify runs", None, enabled=not json_output) as bar,
    ):
        summary = run_verify(
            store,
            site=site,
            problem=problem,
            limit=limit,
            time_factor=time_factor,
            executor=runner,
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
    for language, count in sorted(summary.skipped.items()):
        stderr.print(f"skipped {count} solutions in {language}: not run under another compiler", markup=False)
    if summary.sandbox_errors:
        stderr.print(
            f"{summary.sandbox_errors} runs failed in the sandbox itself (not the programs' fault; see cpdata doctor): "
            "their solutions are left unjudged and run again next time",
            style="yellow",
            markup=False,
        )
    rows = [
        (lang, c["agree"], c["disagree"], c["accepted_but_failed"], c["rejected_but_passed"])
        for lang, c in sorted(summary.by_language.items())
    ]
    print_rows(
        ["language", "agree", "disagree", "accepted but failed here", "rejected but passed here"], rows, OutputFormat.table
    )


@COMMANDS.command(
    "gen-tests",
    example=[
        "cpdata gen-tests --min-agree 30",
        "cpdata gen-tests --problem codeforces/1368/A --budget 120 --json",
        "cpdata gen-tests --search --search-seconds 300 --keep 40",
    ],
)
def gen_tests(
    site: SiteFilter = None,
    problem: ProblemFilter = None,
    min_agree: Annotated[int, typer.Option(min=1, help="Correct solutions that must agree on a generated test.")] = 30,
    max_tests: Annotated[int, typer.Option(min=1, help="Generated tests per problem at most.")] = 200,
    budget: Annotated[float, typer.Option(min=1, help="Seconds per problem at most.")] = 60.0,
    time_factor: TimeFactor = 2.0,
    seed: Annotated[int, typer.Option(help="Seed of the draws and mutations (the same seed gives the same tests).")] = 0,
    unvalidated: Annotated[
        bool,
        typer.Option(
            "--unvalidated",
            help="Where no validator or specification exists, mutate the known inputs anyway (AlphaCode's way): keep "
            "what every correct solution agrees on, marked as such (test.validated_by 'none'; in the export, "
            "generated_tests_validated false).",
        ),
    ] = False,
    search: Annotated[
        bool,
        typer.Option(
            "--search",
            help="Then search for inputs that break the problem's incorrect solutions (the guide half; the other half "
            "is held out to measure it), and keep a set cover of the pool: the problem's generated tests become it.",
        ),
    ] = False,
    search_seconds: Annotated[float, typer.Option(min=1, help="With --search: seconds of search per problem at most.")] = 120.0,
    search_runs: Annotated[
        int, typer.Option(min=1, help="With --search: runs of solutions (voters and guides) per problem at most.")
    ] = 4000,
    keep: Annotated[int, typer.Option(min=1, help="With --search: generated tests kept per problem after the set cover.")] = 40,
    workers: Workers = None,
    unsafe: UnsafeOption = False,
    executor: ExecutorOption = "local",
    ray_address: RayAddressOption = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Generate tests: valid inputs from each problem's specification (the largest it allows, small ones, values drawn
    several ways) and mutations of known inputs, kept when its validator accepts them and the correct solutions all
    finish and agree (under its checker; an interactive problem's interactor accepts them all).

    Hack inputs (output unknown) get their outputs the same way. Stored as tests of kind 'generated'. With --search,
    the drawn tests are the start of a search guided by half of each problem's incorrect solutions."""
    from cpdata.curation.testgen.generate import GenerateOptions, generate_tests
    from cpdata.curation.testgen.search import SearchOptions

    options = GenerateOptions(
        min_agree=min_agree,
        max_tests=max_tests,
        budget_seconds=budget,
        time_factor=time_factor,
        seed=seed,
        unvalidated=unvalidated,
        search=SearchOptions(seconds=search_seconds, runs=search_runs, keep=keep) if search else None,
    )
    with (
        open_store(db, create=False) as store,
        open_executor(executor, workers, unsafe, ray_address) as runner,
        progress_bar("gen-tests", None, enabled=not json_output) as bar,
    ):
        summary = generate_tests(
            store,
            site=site,
            problem=problem,
            options=options,
            executor=runner,
            progress=bar.update,
            searching=lambda name, broken, targets: bar.describe(f"gen-tests: {name}: {broken}/{targets} guides broken"),
        )
    if json_output:
        print_json(summary.as_dict())
        return
    for warning in summary.warnings[:20]:
        stderr.print(f"warning: {warning}", style="yellow", markup=False, highlight=False)
    for name, reason in list(summary.no_spec.items())[:20]:
        stderr.print(f"no specification for {name}: {reason}; nothing generated", style="yellow", markup=False)
    for name, reason in summary.inferred.items():
        stderr.print(f"inferred a specification for {name}: {reason} (cpdata spec {name})", markup=False)
    for name in list(summary.narrow)[:20]:
        stderr.print(
            f"{name}: some bounds come from the known inputs (the statement states none): its tests stay as small",
            style="yellow",
            markup=False,
        )
    for name, reason in list(summary.mutations_only.items())[:20]:
        stderr.print(f"warning: {name}: {reason}", style="yellow", markup=False)
    for name, count in list(summary.unvalidated.items())[:20]:
        stderr.print(f"{name}: {count} tests from mutations, not validated (--unvalidated)", style="yellow", markup=False)
    for name, reason in list(summary.generator_specification.items())[:20]:
        stderr.print(f"proposing inputs for {name} from its inferred structure: {reason}", markup=False)
    for entry in summary.not_compiling[:20]:
        stderr.print(f"correct solution does not compile here, left out of the vote: {entry}", markup=False)
    for name, found in summary.searched.items():
        stderr.print(
            f"searched {name}: {found['broken']} of {found['targets']} guides the known tests miss are broken "
            f"({found['guides']} guides, {found['held_out']} held out); {found['kept']} tests kept, "
            f"{found['covering']} by the set cover; {found['runs']} runs; {found['stopped']}",
            markup=False,
        )
    for name, reason in list(summary.not_searched.items())[:20]:
        stderr.print(f"not searched {name}: {reason}", markup=False)
    stdout.print(
        f"{summary.generated} tests generated for {summary.problems} problems from {summary.candidates} candidates, "
        f"{summary.valid_candidates} valid by the problems' validators ({dict(summary.rejected)}); "
        f"{summary.hack_outputs} hack inputs labelled; {len(summary.no_spec)} problems without a specification"
    )


def _first(names: list[str], shown: int = 8) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


@COMMANDS.command(
    example=["cpdata validate", "cpdata validate --problem package/nwerc2022/alternativeart --json"],
)
def validate(
    site: SiteFilter = None,
    problem: ProblemFilter = None,
    unsafe: UnsafeOption = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run each problem's input validators (the jury's, or a specification gen-tests inferred) on its stored tests,
    and list the tests they reject: official tests that fail their own validator, or generated ones.

    Verdicts are cached; the export reports the share of generated tests the validators accept. Exits 1 when a
    test is rejected."""
    from cpdata.curation.judging.validate import validate_tests

    with (
        open_store(db, create=False) as store,
        open_sandbox(unsafe) as sandbox,
        progress_bar("validate problems", None, enabled=not json_output) as bar,
    ):
        summary = validate_tests(store, site=site, problem=problem, sandbox=sandbox, progress=bar.update)
    rejected = sum(len(r.invalid) for r in summary.problems.values())
    if json_output:
        print_json(summary.as_dict())
    else:
        rows = [
            (name, sum(r.checked.values()), sum(r.valid.values()), _first(r.invalid), r.no_verdict)
            for name, r in sorted(summary.problems.items())
        ]  # fmt: skip
        print_rows(["problem", "checked", "valid", "rejected tests", "no verdict"], rows, OutputFormat.table)
        for name, reason in summary.unavailable.items():
            stderr.print(f"{name}: validator unavailable here: {reason}", style="yellow", markup=False)
        stdout.print(
            f"{len(summary.problems)} problems validated, {rejected} tests rejected; "
            f"{summary.without_validator} problems have no validator (gen-tests infers one where it can)",
            markup=False,
        )
    if rejected:
        raise typer.Exit(1)


@COMMANDS.command(example=["cpdata doctor", "cpdata doctor --json", "cpdata doctor --db data/cpdata.sqlite"])
def doctor(
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What this machine gives the sandbox: bubblewrap and user namespaces, cgroups, seccomp, a uid per run,
    compilers and interpreters with their versions, and what is missing with the package that brings it; and the
    libraries the store's jury programs include (Boost, GMP), with the Debian package for each.

    Exits 1 when untrusted code cannot be run with isolation here."""
    from cpdata.curation.sandbox.doctor import examine

    report = examine()
    needs = _library_needs(db)
    if json_output:
        print_json({**report.as_dict(), "jury_programs_need": needs})
    else:
        print_rows(
            ["check", "ok", "what it means here"],
            [(c.name, "yes" if c.ok else "NO", c.detail) for c in report.checks],
            OutputFormat.table,
            title="sandbox",
        )
        print_rows(
            ["language", "tool", "version"],
            [(lang, tool, version or "missing") for lang, tools in report.languages.items() for tool, version in tools.items()],
            OutputFormat.table,
        )
        for item in report.missing:
            stdout.print(f"missing {item['what']} (for {item['for']}): apt-get install {item['package']}", markup=False)
        for need in needs:
            stdout.print(f"{need['program']} needs {need['library']}", markup=False)
    if not report.isolated:
        raise typer.Exit(1)


def _library_needs(db: str | None) -> list[dict[str, str]]:
    """The store's jury programs (validators, checkers, interactors) that include a library beyond the standard one
    (nothing when the store does not exist: the doctor examines the machine first)."""
    from pathlib import Path

    from cpdata.curation.judging.checkers import needed_libraries
    from cpdata.schema.location import resolve_db_url

    url = resolve_db_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    found = []
    with open_store(db, create=False, write=False) as store:
        for batch in store.iter_problem_batches():
            for problem, _ in batch:
                for program in store.programs_for(problem.key):
                    for library in needed_libraries(program):
                        found.append({"program": f"{'/'.join(problem.key)}: {program.name}", "library": library})
    return found


@COMMANDS.command(
    example=[
        "cpdata spec atcoder/abc998/A",
        "cpdata spec package/winter-contest-2023/infinityissues --json",
        "cpdata spec --all --site codechef",
        "cpdata spec --all --json > coverage.json",
    ]
)
def spec(
    problem: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROBLEM]", help="site/contest/index, or the site's problem id.", show_default="with --all: every problem"
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every problem of the store: its specification or why none, and totals by reason.")
    ] = False,
    site: SiteFilter = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show a problem's input specification: its jury validators, the one cpdata inferred (stored by gen-tests), or
    what would be inferred now from its statement and samples, and why not when nothing can be.

    With --all, every problem's status (jury validator; inferred with every bound stated; inferred with some bounds
    taken from the known inputs; none, and why) and the totals: what gen-tests will be able to do before it runs."""
    from cpdata.curation.testgen.coverage import SpecStatus, Totals, specification_status

    if (problem is None) == (not every):
        raise fail("give a PROBLEM, or --all")
    with open_store(db, create=False, write=False) as store:
        chosen = [
            p
            for batch in store.iter_problem_batches()
            for p, _ in batch
            if (problem is None or "/".join(p.key) == problem or p.problem_id == problem)
            and (site is None or p.site.value == site)
        ]
        if not chosen:
            raise fail(f"no problem {problem!r} in the store" if problem else "no problem in the store matches")
        statuses: list[SpecStatus] = []
        with progress_bar("reading statements", len(chosen), enabled=every and not json_output) as bar:
            for found in chosen:
                programs = store.programs_for(found.key)
                tests = store.tests_for([found.key])[found.key]
                inputs = [t.input for t in tests if t.input and t.kind.value != "generated"]
                interactor = found.validation == "custom interactive" and any(p.role == "output_validator" for p in programs)
                statuses.append(specification_status(found, inputs, programs, interactor=interactor))
                bar.advance()
    if every:
        totals = Totals.of(statuses).as_dict()
        if json_output:
            print_json({"totals": totals, "problems": [s.as_dict() for s in statuses]})
            return
        rows = [(s.problem, s.status, s.reason[:160]) for s in statuses]
        print_rows(["problem", "specification", "what it covers, or why none"], rows, OutputFormat.table)
        stdout.print(
            f"{totals['with_specification']} of {totals['problems']} problems have a specification "
            f"({totals['by_status']}); without one, by reason: {totals['without_specification_by_reason']}",
            markup=False,
        )
        return
    (status,) = statuses
    if json_output:
        print_json({**status.as_dict(), "script": status.script})
        return
    stdout.print(f"[bold]{status.problem}[/]: {status.status}", highlight=False)
    stdout.print(status.reason, markup=False, highlight=False)
    if status.script:
        stdout.print(status.script, markup=False, highlight=False)
