"""Time limits measured on this machine, the way a jury sets them: a multiple of its slowest accepted submission.

A jury package's time limit was set on the jury's machines (BAPCtools and problemtools: ``time_multiplier`` times
the slowest accepted submission, 2 by default for the packages BAPCtools makes; some packages ship no limit at
all). Scaling it by a fixed factor for another machine lets too-slow submissions pass where the machine is faster
or the factor generous: on the shared packages, 19 of brickwork's 27 incorrect submissions and all of Looking for
Waldo's are too slow, and a 2x factor let them through. So, where the jury's accepted submissions are at hand, the
limit is set again here by the jury's own rule: every accepted submission runs on the official tests (public and
private) under a generous limit, the slowest one that passes them all sets the pace, and the limit is the
multiplier times its slowest test, rounded up to 100 ms. Runs then use that limit as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cpdata.curation.judging.checkers import Judge
from cpdata.curation.judging.judge import Executor, ResultCache, runnable
from cpdata.curation.judging.verify import judge_solution, tests_job
from cpdata.curation.sandbox.sandbox import RunLimits, RunStatus
from cpdata.schema import Problem, Store, TestKind

__all__ = ["DEFAULT_MULTIPLIER", "Calibration", "calibrate_time_limit"]

DEFAULT_MULTIPLIER = 2.0
"""BAPCtools' default ``time_multiplier`` (the tool that made the packages without one)."""
_FLOOR_MS = 500
"""Never below half a second: process start-up alone varies by tens of milliseconds."""


@dataclass
class Calibration:
    problem: str
    time_limit_ms: int | None
    """None: nothing to measure by (no accepted submission passed the official tests here)."""
    slowest_ms: int | None = None
    slowest_solution: str | None = None
    multiplier: float = DEFAULT_MULTIPLIER
    solutions: int = 0
    """Accepted submissions that passed every official test here (the ones measured)."""
    failed: int = 0
    """Accepted submissions that did not pass here (not measured; verify reports them)."""


def calibrate_time_limit(store: Store, problem: Problem, executor: Executor) -> Calibration:
    """Measure and store the problem's time limit on this machine (``problem.calibrated_time_limit_ms``)."""
    name = "/".join(problem.key)
    multiplier = problem.time_multiplier or DEFAULT_MULTIPLIER
    tests = [
        t
        for t in store.tests_for([problem.key])[problem.key]
        if t.kind in (TestKind.public, TestKind.private) and t.input is not None and t.output is not None
    ]
    accepted = [s for s in store.submissions_for([problem.key])[problem.key] if s.is_correct and runnable(s)]
    result = Calibration(name, None, multiplier=multiplier)
    if not tests or not accepted:
        return result
    generous = RunLimits(
        time_ms=max(10_000, 3 * (problem.time_limit_ms or 2000)), memory_bytes=problem.memory_limit_bytes or 2 << 30
    )
    judge = Judge.for_problem(store, problem, getattr(executor, "sandbox", None))
    cache = ResultCache(store)
    jobs = {}
    for solution in accepted:
        assert solution.language is not None and solution.source_code is not None
        job = tests_job(
            solution.submission_id, solution.language, solution.source_code, solution.language_raw, tests, judge, generous
        )
        jobs[job.key] = job
    try:
        for run in executor.run(list(jobs.values())):
            cache.put(run)
        for key, job in jobs.items():
            outcomes = cache.get(job.solution, [d for d, _ in job.inputs], job.limits)
            judged = judge_solution(tests, outcomes, judge)
            if judged is None or judged[0] != "ok" or any(o.status != RunStatus.ok.value for o in outcomes.values()):
                result.failed += 1
                continue
            result.solutions += 1
            slowest = max((o.time_ms or 0) for o in outcomes.values())
            if result.slowest_ms is None or slowest > result.slowest_ms:
                result.slowest_ms, result.slowest_solution = slowest, str(key)
    finally:
        judge.close()
    if result.slowest_ms is None:
        return result
    result.time_limit_ms = max(_FLOOR_MS, math.ceil(multiplier * result.slowest_ms / 100) * 100)
    store.write([problem.model_copy(update={"calibrated_time_limit_ms": result.time_limit_ms})])
    return result
