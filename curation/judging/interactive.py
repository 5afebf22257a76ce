"""Interactive problems: the solution and the problem's interactor talk through pipes, each in a sandbox of its own.

The ICPC / Kattis convention: ``interactor input judge_answer feedback_dir [flags] < solution_out > solution_in``,
exit 42 when the solution is accepted, 43 when it is not. A small harness in the interactor's sandbox reads the
test's input and answer from a descriptor of its own (the interactor's stdin and stdout belong to the solution),
writes them as files, and runs the interactor.

The verdict is a judge's: the solution's own failure (time, memory, a crash) comes first, since an interactor whose
partner is gone reports a wrong answer; otherwise 42 is ``ok`` and 43 ``wrong_answer``. An interactor that ends in
any other way gives no verdict about the program: ``sandbox_error``, never cached, asked again next time.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from cpdata.curation.judging.judge import Job, JobResult, Outcome, unbuilt
from cpdata.curation.sandbox.sandbox import Program, RunLimits, RunResult, RunStatus, Sandbox, Wiring

__all__ = ["HARNESS_NAME", "INTERACTOR_HARNESS", "interactor_limits", "run_interactive", "run_interactive_job"]

ACCEPTED, REJECTED = 42, 43
HARNESS_NAME = "cpdata_interact.py"
INTERACTOR_HARNESS = """import os, subprocess, sys
fd = int(sys.argv[1])
chunks = []
while True:
    chunk = os.read(fd, 1 << 16)
    if not chunk:
        break
    chunks.append(chunk)
os.close(fd)
data, parts, at = b"".join(chunks), [], 0
for _ in range(2):
    size = int.from_bytes(data[at:at + 8], "big"); at += 8
    parts.append(data[at:at + size]); at += size
os.makedirs("feedback", exist_ok=True)
open("input", "wb").write(parts[0]); open("answer", "wb").write(parts[1])
split = sys.argv.index("--")
command, extra = sys.argv[2:split], sys.argv[split + 1:]
# SIGPIPE stays ignored: a solution that leaves early is an error the interactor reports, not its silent death.
done = subprocess.run(command + ["input", "answer", "feedback/"] + extra, restore_signals=False)
try:
    sys.stderr.write(open("feedback/judgemessage.txt", errors="replace").read()[:2000])
except OSError:
    pass
sys.exit(done.returncode)
"""
_SOLUTION_FAILURES = (RunStatus.time_limit, RunStatus.memory_limit, RunStatus.runtime_error, RunStatus.output_limit)


def interactor_limits(limits: RunLimits) -> RunLimits:
    """The interactor mostly waits for its partner: it may run as long as the solution may, and then some."""
    return RunLimits(
        time_ms=max(10_000, 2 * limits.time_ms), memory_bytes=1 << 30, wall_factor=limits.wall_factor + 1.0, output_bytes=1 << 20
    )


def _feed(handle: int, data: bytes) -> None:
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except OSError:  # the interactor never started, or left without reading: its own result says so
        pass


def run_interactive(
    sandbox: Sandbox,
    solution: Program,
    interactor: Program,
    input_text: str,
    answer: str,
    limits: RunLimits,
    flags: list[str] | None = None,
) -> RunResult:
    """Run one test of an interactive problem: ``interactor`` is built with the harness (``HARNESS_NAME``) beside it.
    The result is the solution's run, its status the verdict, its detail the interactor's message."""
    if not solution.ok:
        assert solution.compile_result is not None
        compiled = solution.compile_result
        return RunResult(compiled.status, detail=(compiled.stderr or compiled.detail)[:2000])
    to_solution_read, to_solution_write = os.pipe()
    from_solution_read, from_solution_write = os.pipe()
    data_read, data_write = os.pipe()
    wired = dataclasses.replace(
        interactor, run=["python3", "-S", f"{{PROGRAM}}/{HARNESS_NAME}", str(data_read), *interactor.run, "--", *(flags or [])]
    )
    from cpdata.curation.judging.checkers import pack_files

    feeder = threading.Thread(target=_feed, args=(data_write, pack_files(input_text, answer)), daemon=True)
    feeder.start()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cpdata-interactive") as pool:
        judge_side = pool.submit(
            sandbox.run_wired, wired, Wiring(from_solution_read, to_solution_write, (data_read,)), interactor_limits(limits)
        )
        solution_side = pool.submit(sandbox.run_wired, solution, Wiring(to_solution_read, from_solution_write), limits)
        judged, ran = judge_side.result(), solution_side.result()
    feeder.join(timeout=5)
    return verdict(ran, judged)


def verdict(ran: RunResult, judged: RunResult) -> RunResult:
    """The solution's run with the judge's verdict as its status (see the module's rules)."""
    message = judged.stderr.strip()[-2000:]
    if RunStatus.sandbox_error in (ran.status, judged.status):
        failed = ran if ran.status is RunStatus.sandbox_error else judged
        return dataclasses.replace(ran, status=RunStatus.sandbox_error, detail=failed.detail or "the sandbox failed")
    rejected = judged.exit_code == REJECTED
    if ran.status in _SOLUTION_FAILURES and not (rejected and ran.exit_code == -signal.SIGPIPE):
        return ran  # (a solution killed by writing to an interactor that had already rejected it: a wrong answer)
    if judged.exit_code == ACCEPTED and judged.status is RunStatus.runtime_error:
        return dataclasses.replace(ran, status=RunStatus.ok, detail=message)
    if rejected:
        return dataclasses.replace(ran, status=RunStatus.wrong_answer, detail=message or "the interactor rejected it")
    why = judged.detail or f"exit code {judged.exit_code}"
    return dataclasses.replace(ran, status=RunStatus.sandbox_error, detail=f"the interactor failed ({why}): no verdict")


def run_interactive_job(sandbox: Sandbox, job: Job) -> JobResult:
    """A job of an interactive problem: build the solution and the interactor once, then run each input with both."""
    from cpdata.curation.judging.checkers import CheckerUnavailable, validator_program

    assert job.interactor is not None
    result = JobResult(job.key, job.solution, job.limits)
    program = sandbox.prepare(job.language, job.code, language_raw=job.language_raw, files=job.files)
    try:
        if not program.ok:
            return unbuilt(result, program, job)
        try:
            interactor = validator_program(sandbox, job.interactor, beside={HARNESS_NAME: INTERACTOR_HARNESS})
        except CheckerUnavailable as exc:  # no verdict about the program: not cached, asked again
            for digest, _ in job.inputs:
                result.outcomes[digest] = Outcome(RunStatus.sandbox_error.value, None, None, None, None, str(exc)[:2000])
            return result
        flags = (job.flags or "").split()
        try:
            for digest, text in job.inputs:
                answer = job.answers.get(digest, "")
                run = run_interactive(sandbox, program, interactor, text, answer, job.limits, flags)
                for _ in range(sandbox.retries):
                    if run.status is not RunStatus.sandbox_error:
                        break
                    run = run_interactive(sandbox, program, interactor, text, answer, job.limits, flags)
                result.outcomes[digest] = Outcome.of(run)
                if job.stop_on_failure and run.status is not RunStatus.ok:
                    break
        finally:
            sandbox.cleanup(interactor)
    finally:
        sandbox.cleanup(program)
    return result
