"""Judging: output comparison, run jobs, the executor they run on, and the results cache in the store.

A job is one solution on a list of inputs (compiled once, run on each). Results are kept in ``execution_result``
keyed by (solution hash, test hash, limits), so nothing runs twice: a killed ``verify`` or ``gen-tests`` resumes
by running only what has no result yet. The executor is pluggable: ``LocalExecutor`` runs jobs on a thread pool
(each run is its own sandboxed process, so threads give real parallelism); a cluster engine fits the same
``Executor`` protocol (``map`` jobs to results), e.g. Ray's ``ray.util.multiprocessing.Pool.imap_unordered``.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from sqlalchemy import select, tuple_

from cpdata.curation.sandbox.sandbox import Program, RunLimits, RunResult, RunStatus, Sandbox, language_supported
from cpdata.curation.sandbox.toolchains import recipe_for
from cpdata.schema import Language, Problem, ProblemProgram, Store, Submission
from cpdata.schema.tables import ExecutionResultRow

__all__ = [
    "CompareMode",
    "Executor",
    "Job",
    "JobResult",
    "LocalExecutor",
    "Outcome",
    "ResultCache",
    "input_key",
    "limits_for",
    "normalize_output",
    "outputs_match",
    "run_job",
    "solution_key",
]

CompareMode = Literal["exact", "lenient", "tokens"]
_KEEP_OUTPUT = 1 << 20


def normalize_output(text: str) -> str:
    """Line ends as LF, no trailing spaces on a line, no trailing blank lines: what 'exact' compares."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _tokens_match(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a.casefold() == b.casefold()
    if a.lstrip("+-").isdigit() and b.lstrip("+-").isdigit():
        return int(a) == int(b)
    return math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-5)


@dataclass(frozen=True)
class ValidatorFlags:
    """The Kattis default output validator's options (a package's ``validator_flags``)."""

    case_sensitive: bool = False
    space_change_sensitive: bool = False
    absolute_tolerance: float | None = None
    relative_tolerance: float | None = None

    @classmethod
    def parse(cls, text: str | None) -> ValidatorFlags:
        words = (text or "").split()
        found: dict[str, Any] = {}
        for position, word in enumerate(words):
            value = float(words[position + 1]) if position + 1 < len(words) and _is_number(words[position + 1]) else None
            if word == "case_sensitive":
                found["case_sensitive"] = True
            elif word == "space_change_sensitive":
                found["space_change_sensitive"] = True
            elif word in ("float_tolerance", "float_absolute_tolerance") and value is not None:
                found["absolute_tolerance"] = value
            if word in ("float_tolerance", "float_relative_tolerance") and value is not None:
                found["relative_tolerance"] = value
        return cls(**found)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _kattis_tokens_match(got: str, expected: str, flags: ValidatorFlags) -> bool:
    if flags.space_change_sensitive and re.findall(r"\s+", got.strip()) != re.findall(r"\s+", expected.strip()):
        return False  # the whitespace between tokens must be the judge's own
    a, b = got.split(), expected.split()
    if len(a) != len(b):
        return False
    tolerant = flags.absolute_tolerance is not None or flags.relative_tolerance is not None
    for team, judge in zip(a, b, strict=True):
        if (team if flags.case_sensitive else team.casefold()) == (judge if flags.case_sensitive else judge.casefold()):
            continue
        if not tolerant or not (_is_number(team) and _is_number(judge)):
            return False
        x, y = float(team), float(judge)
        if not (
            (flags.absolute_tolerance is not None and abs(x - y) <= flags.absolute_tolerance)
            or (flags.relative_tolerance is not None and abs(x - y) <= flags.relative_tolerance * abs(y))
        ):
            return False
    return True


def outputs_match(got: str, expected: str, mode: CompareMode = "lenient", flags: str | None = None) -> bool:
    """exact: equal after ``normalize_output``. lenient (CodeContests' OutputsMatch): whitespace-separated tokens,
    case-insensitive, integers equal, floats within 1e-5. tokens: the Kattis default output validator with a
    package's ``validator_flags`` (case- and space-insensitive unless told otherwise, floats only with a tolerance)."""
    if mode == "exact":
        return normalize_output(got) == normalize_output(expected)
    if mode == "tokens":
        return _kattis_tokens_match(got, expected, ValidatorFlags.parse(flags))
    a, b = got.split(), expected.split()
    return len(a) == len(b) and all(_tokens_match(x, y) for x, y in zip(a, b, strict=True))


def solution_key(language: Language | str, code: str, language_raw: str | None = None) -> str:
    """The results cache's name for a solution: its code and the dialect it runs as here (C++17 and C++20 builds of
    one source are different programs; so are PyPy and CPython runs)."""
    recipe = recipe_for(language, code, language_raw)
    # the command is part of it: the same source run another way (python3 -S, then -E -s) is another program's result
    dialect = f"{recipe.dialect}\0{' '.join(recipe.run)}" if recipe is not None else "unrunnable"
    return hashlib.sha256(f"{language}:{dialect}\0{code}".encode()).hexdigest()


def submission_key(submission: Submission) -> str:
    return solution_key(submission.language or "", submission.source_code or "", submission.language_raw)


def input_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def limits_for(problem: Problem, time_factor: float = 2.0) -> RunLimits:
    """The problem's own limits, the time scaled for a machine that is not the judge's (default 2x); a time limit
    calibrated on this machine (``calibrate``) is used as it is."""
    memory = problem.memory_limit_bytes or 256 << 20
    if problem.calibrated_time_limit_ms:
        return RunLimits(time_ms=problem.calibrated_time_limit_ms, memory_bytes=memory)
    return RunLimits(time_ms=round((problem.time_limit_ms or 2000) * time_factor), memory_bytes=memory)


@dataclass(frozen=True)
class Outcome:
    """What one run left behind, as kept in the cache."""

    status: str
    time_ms: int | None
    memory_bytes: int | None
    output_sha256: str | None
    output: str | None
    detail: str | None = None

    @classmethod
    def of(cls, result: RunResult) -> Outcome:
        text = result.stdout.decode("utf-8", "replace") if len(result.stdout) <= _KEEP_OUTPUT else None
        return cls(result.status.value, result.time_ms, result.memory_bytes, result.output_sha256, text, result.detail or None)


@dataclass
class Job:
    key: Any
    language: Language
    code: str
    inputs: list[tuple[str, str]]
    """(input hash, input text)."""
    limits: RunLimits
    language_raw: str | None = None
    """The site's name for the language: picks the dialect (C++ standard, PyPy)."""
    stop_on_failure: bool = False
    """Stop at the first input the solution fails to finish (a verdict needs no more); the rest get no outcome."""
    interactor: ProblemProgram | None = None
    """An interactive problem's interactor: each input runs with it on the other end of the pipes (``interactive``)."""
    answers: dict[str, str] = field(default_factory=dict)
    """Input hash -> the judge's answer file, which an interactor reads."""
    flags: str | None = None
    """The problem's validator flags, passed to its interactor."""
    files: dict[str, str] = field(default_factory=dict)
    """Files the jury gives every submission beside its source (a package's ``include/``). Not in the solution's
    name in the results cache: they belong to the problem, as the tests do, and a problem's tests are its own."""

    @property
    def solution(self) -> str:
        return solution_key(self.language, self.code, self.language_raw)


@dataclass
class JobResult:
    key: Any
    solution: str
    limits: RunLimits
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    compile_error: str | None = None


def run_job(sandbox: Sandbox, job: Job, *, batch: bool = True) -> JobResult:
    """Compile once, run every input in one sandbox (a fresh process and scratch directory per input), clean up."""
    if job.interactor is not None:
        from cpdata.curation.judging.interactive import run_interactive_job

        return run_interactive_job(sandbox, job)
    result = JobResult(job.key, job.solution, job.limits)
    program = sandbox.prepare(job.language, job.code, language_raw=job.language_raw, files=job.files)
    try:
        if not program.ok:
            return unbuilt(result, program, job)
        inputs = [text.encode() for _, text in job.inputs]
        if batch:
            runs = sandbox.run_batch(program, inputs, job.limits, stop_on_failure=job.stop_on_failure)
        else:  # one sandbox per test: slower, for anything that needs each run apart
            runs = []
            for stdin in inputs:
                runs.append(sandbox.run(program, stdin, job.limits))
                if job.stop_on_failure and runs[-1].status is not RunStatus.ok:
                    break
        for (digest, _), run in zip(job.inputs, runs, strict=False):  # fewer runs than inputs after a stop
            result.outcomes[digest] = Outcome.of(run)
    finally:
        sandbox.cleanup(program)
    return result


def unbuilt(result: JobResult, program: Program, job: Job) -> JobResult:
    """A program that did not build: every input gets its compile error (or sandbox_error, our failure)."""
    assert program.compile_result is not None
    failed = program.compile_result.status  # compile_error, or sandbox_error when the sandbox failed
    detail = program.compile_result.stderr[-2000:] or program.compile_result.detail
    if failed is RunStatus.compile_error:
        result.compile_error = detail
    for digest, _ in job.inputs:
        result.outcomes[digest] = Outcome(failed.value, None, None, None, None, detail)
    return result


class Executor(Protocol):
    """Where jobs run: this machine's cores (``LocalExecutor``) or a Ray cluster (``ray_executor.RayExecutor``).
    An executor owns its sandboxes (one per worker), so a job carries only data."""

    @property
    def sandbox_mode(self) -> str:
        """The isolation runs get (``bwrap`` or ``rlimits``)."""
        ...

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        """Results in any order, as they finish."""
        ...


class LocalExecutor:
    """Jobs on this machine, ``workers`` at a time (default: the cores), each in the given sandbox."""

    def __init__(self, workers: int | None = None, sandbox: Sandbox | None = None, *, batch: bool = True) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._sandbox = sandbox
        self.batch = batch
        """Run a job's tests in one sandbox (default), or each in its own."""

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = Sandbox()
        return self._sandbox

    @property
    def sandbox_mode(self) -> str:
        return self.sandbox.mode

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        sandbox = self.sandbox
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="cpdata-judge") as pool:
            pending = {pool.submit(run_job, sandbox, job, batch=self.batch) for job in jobs}
            try:
                for future in as_completed(pending):
                    yield future.result()
            finally:  # an interrupted caller (Ctrl-C) does not wait for the queue to drain
                for future in pending:
                    future.cancel()


class ResultCache:
    """execution_result as a lookup: which (solution, input, limits) already ran, and what came out."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = ExecutionResultRow.__table__  # type: ignore[attr-defined]

    def get(self, solution: str, inputs: list[str], limits: RunLimits) -> dict[str, Outcome]:
        if not inputs:
            return {}
        t = self.table
        found: dict[str, Outcome] = {}
        with self.store.engine.connect() as conn:
            for start in range(0, len(inputs), 500):
                chunk = inputs[start : start + 500]
                query = select(t).where((t.c.solution_hash == solution) & (t.c.limits == limits.key) & t.c.test_hash.in_(chunk))
                for row in conn.execute(query).mappings():
                    found[row["test_hash"]] = Outcome(
                        row["status"], row["time_ms"], row["memory_bytes"], row["output_sha256"], row["output"], row["detail"]
                    )
        return found

    def get_many(self, pairs: list[tuple[str, str]], limits: RunLimits) -> dict[tuple[str, str], Outcome]:
        t = self.table
        found: dict[tuple[str, str], Outcome] = {}
        with self.store.engine.connect() as conn:
            for start in range(0, len(pairs), 400):
                chunk = pairs[start : start + 400]
                query = select(t).where((t.c.limits == limits.key) & tuple_(t.c.solution_hash, t.c.test_hash).in_(chunk))
                for row in conn.execute(query).mappings():
                    found[(row["solution_hash"], row["test_hash"])] = Outcome(
                        row["status"], row["time_ms"], row["memory_bytes"], row["output_sha256"], row["output"], row["detail"]
                    )
        return found

    def put(self, result: JobResult) -> None:
        """Store what the runs said about the program; a sandbox_error (our failure) is never stored, so the next
        run asks again instead of serving a verdict the program never earned."""
        outcomes = {d: o for d, o in result.outcomes.items() if o.status != RunStatus.sandbox_error.value}
        if not outcomes:
            return
        now = datetime.now(UTC)
        rows = [
            {
                "solution_hash": result.solution,
                "test_hash": digest,
                "limits": result.limits.key,
                "status": o.status,
                "time_ms": o.time_ms,
                "memory_bytes": o.memory_bytes,
                "output_sha256": o.output_sha256,
                "output": o.output,
                "detail": o.detail,
                "created_at": now,
            }
            for digest, o in outcomes.items()
        ]
        insert = self.store.insert(self.table).on_conflict_do_nothing()
        with self.store.engine.begin() as conn:
            conn.execute(insert, rows)


def runnable(submission: Submission) -> bool:
    """Has source code, and a toolchain here for its language as the site names it."""
    return (
        bool(submission.source_code)
        and submission.language is not None
        and language_supported(submission.language, submission.language_raw)
    )
