"""``cpdata verify`` and ``cpdata gen-tests``: running stored code in the sandbox."""

from __future__ import annotations

from typing import Annotated

import typer

from cpdata.commands.options import Commands, DbOption, JsonOption, open_store
from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout

__all__ = ["COMMANDS"]

COMMANDS = Commands()

SiteFilter = Annotated[str | None, typer.Option(metavar="SITE", help="Only this site's problems.", show_default="every site")]
ProblemFilter = Annotated[
    str | None,
    typer.Option(metavar="KEY", help="Only this problem (site/contest/index, or the site's problem id).", show_default="all"),
]
TimeFactor = Annotated[float, typer.Option(min=0.1, help="Scale the problems' time limits (this is not the judge's machine).")]
Workers = Annotated[int | None, typer.Option(min=1, help="Parallel runs.", show_default="the number of cores")]


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
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run stored solutions on their problems' tests in the sandbox; record whether we agree with the site's verdict.

    Results are cached (solution, test, limits): a second run, or a run after Ctrl-C, runs only what is new."""
    from cpdata.curation.execution.judge import LocalExecutor
    from cpdata.curation.execution.verify import verify as run_verify

    with open_store(db, create=False) as store, progress_bar("verify", None, enabled=not json_output) as bar:
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


@COMMANDS.command(
    "gen-tests",
    example=["cpdata gen-tests --min-agree 30", "cpdata gen-tests --problem codeforces/1368/A --budget 120 --json"],
)
def gen_tests(
    site: SiteFilter = None,
    problem: ProblemFilter = None,
    min_agree: Annotated[int, typer.Option(min=1, help="Correct solutions that must agree on a generated test.")] = 30,
    max_tests: Annotated[int, typer.Option(min=1, help="Generated tests per problem at most.")] = 200,
    budget: Annotated[float, typer.Option(min=1, help="Seconds per problem at most.")] = 60.0,
    time_factor: TimeFactor = 2.0,
    seed: Annotated[int, typer.Option(help="Seed of the mutations (the same seed gives the same tests).")] = 0,
    workers: Workers = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Generate tests as CodeContests did: mutate inputs, keep those on which the correct solutions all agree.

    Hack inputs (output unknown) get their outputs the same way. Stored as tests of kind 'generated'."""
    from cpdata.curation.execution.generate import GenerateOptions, generate_tests
    from cpdata.curation.execution.judge import LocalExecutor

    options = GenerateOptions(min_agree=min_agree, max_tests=max_tests, budget_seconds=budget, time_factor=time_factor, seed=seed)
    with open_store(db, create=False) as store, progress_bar("gen-tests", None, enabled=not json_output) as bar:
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
