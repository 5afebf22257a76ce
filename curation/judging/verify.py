"""``cpdata verify``: run stored solutions on their problem's tests and record whether our outcome agrees with the
site's verdict. An accepted solution that fails here shows an environment difference (or a wrong test); a
rejected one that passes shows tests too weak to catch it."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cpdata.curation.judging.checkers import Judge
from cpdata.curation.judging.judge import (
    Executor,
    Job,
    LocalExecutor,
    Outcome,
    ResultCache,
    limits_for,
    runnable,
)
from cpdata.curation.sandbox.sandbox import RunLimits, RunStatus, Sandbox
from cpdata.curation.sandbox.toolchains import missing_toolchain
from cpdata.schema import Language, Problem, ProblemKey, Store, Submission, Test, TestKind
from cpdata.schema.tables import VerificationRow

__all__ = ["VerifySummary", "judge_solution", "problems_with_tests", "tests_job", "verify"]


@dataclass
class VerifySummary:
    solutions: int = 0
    ran: int = 0
    from_cache: int = 0
    agree: int = 0
    disagree: int = 0
    undecided: int = 0
    checker_errors: int = 0
    """Solutions whose problem's checker failed on their output (left unjudged, asked again next time)."""
    sandbox_errors: int = 0
    """Runs the sandbox itself failed (not cached; the next verify retries them). Their solutions stay unjudged."""
    by_language: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_problem: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    sandbox_mode: str = ""
    skipped: Counter[str] = field(default_factory=Counter)
    """Solutions not run, by language and reason (no toolchain here for their dialect): never run as another."""
    interactive: Counter[str] = field(default_factory=Counter)
    """Interactive problems not run, because no interactor came with them."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "solutions": self.solutions,
            "runs": self.ran,
            "runs_from_cache": self.from_cache,
            "agree": self.agree,
            "disagree": self.disagree,
            "undecided": self.undecided,
            "sandbox_errors": self.sandbox_errors,
            "checker_errors": self.checker_errors,
            "sandbox": self.sandbox_mode,
            "skipped_no_toolchain": dict(self.skipped),
            "interactive_without_interactor": sorted(self.interactive),
            "by_language": {k: dict(v) for k, v in sorted(self.by_language.items())},
            "by_problem": {k: dict(v) for k, v in sorted(self.by_problem.items()) if v["disagree"]},
        }


def judge_solution(tests: list[Test], outcomes: dict[str, Outcome], judge: Judge) -> tuple[str, int, int, str | None] | None:
    """(outcome, tests run, tests passed, first failure) of one solution over tests that have outputs, judged by the
    problem's checker or comparison; None when the checker itself failed on one of them (no verdict to give)."""
    keys = [(t, judge.test_key(t.input, t.output)) for t in tests]
    ran = [(t, outcomes[key]) for t, key in keys if key in outcomes]
    finished = [(t, o) for t, o in ran if o.status == RunStatus.ok.value]
    verdicts = judge.accepts([(t.input or "", t.output or "", o.output or "") for t, o in finished])
    if any(v is None for v in verdicts):
        return None
    accepted = {id(t) for (t, _), v in zip(finished, verdicts, strict=True) if v}
    passed = 0
    first: tuple[str, str] | None = None
    for test, outcome in ran:
        status = outcome.status
        if status == RunStatus.ok.value:
            status = "ok" if id(test) in accepted else RunStatus.wrong_answer.value
        if status == "ok":
            passed += 1
        elif first is None:
            first = (status, f"{test.kind} test {test.ordinal}: {status}" + (f" ({outcome.detail})" if outcome.detail else ""))
    verdict = "ok" if ran and passed == len(ran) else (first[0] if first else "no_tests")
    return verdict, len(ran), passed, first[1] if first else None


_KIND_ORDER = {TestKind.public: 0, TestKind.private: 1, TestKind.generated: 2}


def tests_job(
    key: Any,
    language: Language,
    code: str,
    language_raw: str | None,
    tests: list[Test],
    judge: Judge,
    limits: RunLimits,
    *,
    stop_on_failure: bool = True,
) -> Job:
    """A solution's run on a problem's tests: public, then private, then generated, as a judge runs them (equal tests
    once), named as the judge names them in the results cache, with the interactor an interactive problem needs."""
    ordered = sorted(tests, key=lambda t: (_KIND_ORDER.get(t.kind, 3), t.ordinal))
    keyed: dict[str, Test] = {}
    for test in ordered:
        keyed.setdefault(judge.test_key(test.input, test.output), test)
    inputs = [(name, t.input or "") for name, t in keyed.items()]
    answers = {name: t.output or "" for name, t in keyed.items()} if judge.interactor is not None else {}
    return Job(key, language, code, inputs, limits, language_raw, stop_on_failure=stop_on_failure,
               interactor=judge.interactor, answers=answers, flags=judge.problem.validator_flags,
               files=judge.files_for(language))  # fmt: skip


class _Judges:
    """One judge per problem, made on first use (a checker is built once per verify)."""

    def __init__(self, store: Store, sandbox: Sandbox | None) -> None:
        self.store = store
        self.sandbox = sandbox
        self._judges: dict[tuple[str, str, str], Judge] = {}

    def __call__(self, problem: Problem) -> Judge:
        judge = self._judges.get(problem.key)
        if judge is None:
            judge = Judge.for_problem(self.store, problem, self.sandbox)
            if judge.checker is not None and judge.sandbox is None:  # a remote executor: the checker runs here
                judge.sandbox = self.sandbox = Sandbox()
            self._judges[problem.key] = judge
        return judge


def problems_with_tests(
    store: Store,
    site: str | None,
    problem: str | None,
    kinds: tuple[TestKind, ...],
    skipped: Counter[str] | None = None,
    interactive: Counter[str] | None = None,
    with_interactors: bool = False,
) -> Iterator[tuple[Problem, list[Test], list[Submission]]]:
    """Each chosen problem with its usable tests and its labelled solutions that can run here; the ones that cannot
    (no toolchain for their dialect) are counted in ``skipped``. Interactive problems are left out and counted in
    ``interactive``, except, ``with_interactors``, those that have an interactor to run them with."""
    for batch in store.iter_problem_batches():
        chosen = [
            (p, c)
            for p, c in batch
            if (site is None or p.site.value == site)
            and (problem is None or "/".join(p.key) == problem or p.problem_id == problem)
        ]
        if not chosen:
            continue
        keys: list[ProblemKey] = [p.key for p, _ in chosen]
        tests = store.tests_for(keys)
        solutions = store.submissions_for(keys)
        for p, _ in chosen:
            if p.interactive and not (with_interactors and any(x.role == "interactor" for x in store.programs_for(p.key))):
                if interactive is not None:  # a judge must talk to it: stdin/stdout tests cannot (CodeContests skips them too)
                    interactive["/".join(p.key)] += 1
                continue
            usable = [t for t in tests[p.key] if t.kind in kinds and t.input is not None and t.output is not None]
            labelled = [s for s in solutions[p.key] if s.source_code and s.language and s.is_correct is not None]
            for s in labelled:
                if skipped is not None and not runnable(s):
                    skipped[f"{s.language} ({missing_toolchain(s.language or '', s.language_raw)})"] += 1
            yield p, usable, [s for s in labelled if runnable(s)]


def verify(
    store: Store,
    *,
    site: str | None = None,
    problem: str | None = None,
    limit: int | None = None,
    time_factor: float = 2.0,
    kinds: tuple[TestKind, ...] = (TestKind.public, TestKind.private, TestKind.generated),
    executor: Executor | None = None,
    sandbox: Sandbox | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifySummary:
    executor = executor or LocalExecutor(sandbox=sandbox)
    cache = ResultCache(store)
    summary = VerifySummary(sandbox_mode=executor.sandbox_mode)
    judges = _Judges(store, getattr(executor, "sandbox", None) or sandbox)
    jobs: list[Job] = []
    context: dict[Any, tuple[Problem, list[Test], Submission]] = {}
    chosen = problems_with_tests(
        store, site, problem, kinds, skipped=summary.skipped, interactive=summary.interactive, with_interactors=True
    )
    for prob, tests, solutions in chosen:
        if not tests:
            continue
        limits = limits_for(prob, time_factor)
        judge = judges(prob)
        for solution in solutions[: limit or None]:
            assert solution.language is not None and solution.source_code is not None
            key = (solution.site.value, solution.submission_id)
            jobs.append(tests_job(key, solution.language, solution.source_code, solution.language_raw, tests, judge, limits))
            context[jobs[-1].key] = (prob, tests, solution)
    summary.solutions = len(jobs)
    pending: list[Job] = []
    for job in jobs:  # what the cache already answers is judged now; the rest runs
        cached = cache.get(job.solution, [d for d, _ in job.inputs], job.limits)
        summary.from_cache += len(cached)
        missing = [(d, t) for d, t in job.inputs if d not in cached]
        already_failed = any(o.status != RunStatus.ok.value for o in cached.values())
        if missing and not already_failed:
            pending.append(dataclasses.replace(job, inputs=missing))
        else:
            _record(store, summary, context[job.key], cached, job, judges)
    # Progress counts runs (tests run or to run), so that the bar's rate is runs per second and its ETA honest.
    total = sum(len(job.inputs) for job in pending)
    done = 0
    if progress is not None:
        progress(done, total)
    by_key = {job.key: job for job in jobs}
    for result in executor.run(pending):
        cache.put(result)  # one transaction per solution: a killed run resumes from here
        summary.ran += len(result.outcomes)
        job = by_key[result.key]
        outcomes = cache.get(result.solution, [d for d, _ in job.inputs], job.limits)
        failed = sum(1 for o in result.outcomes.values() if o.status == RunStatus.sandbox_error.value)
        if failed:  # judged on part of its tests it could look wrong: leave it unjudged until every test has run
            summary.sandbox_errors += failed
            summary.undecided += 1
        else:
            _record(store, summary, context[result.key], outcomes, job, judges)
        done += len(result.outcomes)
        if progress is not None:
            progress(done, total)
    return summary


def _record(
    store: Store,
    summary: VerifySummary,
    item: tuple[Problem, list[Test], Submission],
    outcomes: dict[str, Outcome],
    job: Job,
    judges: Callable[[Problem], Judge],
) -> None:
    prob, tests, solution = item
    judged = judge_solution(tests, outcomes, judges(prob))
    if judged is None:  # the checker failed: no verdict, and nothing recorded (a later verify asks again)
        summary.checker_errors += 1
        summary.undecided += 1
        return
    verdict, run, passed, first = judged
    agrees = None if solution.is_correct is None else ((verdict == "ok") == solution.is_correct)
    language = str(solution.language)
    key = "/".join(prob.key)
    if agrees is None:
        summary.undecided += 1
    elif agrees:
        summary.agree += 1
        summary.by_language[language]["agree"] += 1
    else:
        summary.disagree += 1
        summary.by_language[language]["disagree"] += 1
        summary.by_problem[key]["disagree"] += 1
        summary.by_language[language]["accepted_but_failed" if solution.is_correct else "rejected_but_passed"] += 1
    summary.by_problem[key]["verified"] += 1
    table = VerificationRow.__table__  # type: ignore[attr-defined]
    row = {
        "site": solution.site.value,
        "submission_id": solution.submission_id,
        "outcome": verdict,
        "agrees": agrees,
        "tests_run": run,
        "tests_passed": passed,
        "first_failure": first,
        "limits": job.limits.key,
        "verified_at": datetime.now(UTC),
    }
    insert = store.insert(table)
    statement = insert.on_conflict_do_update(
        index_elements=["site", "submission_id"], set_={k: insert.excluded[k] for k in row if k not in ("site", "submission_id")}
    )
    with store.engine.begin() as conn:
        conn.execute(statement, [row])
