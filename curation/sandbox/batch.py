"""Many tests in one sandbox: the isolation (namespaces, uid lease, cgroup) is set up once per solution, and the
runner inside it (``native/runner.c --batch``) runs the tests one after another.

Per test, the guarantees of a single run hold: CPU, wall and memory limits, the output cap, status, time and peak
memory measured for that test alone. Between tests the runner kills every process the test left (it is the
namespace's subreaper) and empties the scratch directories (the working directory and ``/tmp``); a test's input,
output and error streams are memfds, so no test sees another's files. The host sends one test at a time and reads
its result before sending the next, which also tells it which test a cgroup OOM kill belongs to.

A program that kills the runner itself ends its own test as a runtime error; the tests after it run in a fresh
sandbox. A failure of the sandbox (bubblewrap cannot start) is a ``sandbox_error`` for the tests it left, retried.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from cpdata.curation.sandbox.isolation import hand_over, private_directory

if TYPE_CHECKING:
    from cpdata.curation.sandbox.cgroups import RunCgroup
    from cpdata.curation.sandbox.sandbox import Program, RunLimits, RunResult, Sandbox

__all__ = ["run_batch"]

_STDERR_KEPT = 64 << 10


def run_batch(
    sandbox: Sandbox, program: Program, inputs: Sequence[bytes], limits: RunLimits, *, stop_on_failure: bool = False
) -> list[RunResult]:
    """One result per input, in order; with ``stop_on_failure``, the results up to the first test the program failed
    to finish (time, memory, crash, output): what a judge does, and what a verdict needs."""
    from cpdata.curation.sandbox.sandbox import RunResult, RunStatus

    if not program.ok:
        assert program.compile_result is not None
        compiled = program.compile_result
        failed = RunResult(compiled.status, detail=(compiled.stderr or compiled.detail)[:2000])
        return [failed for _ in inputs]
    results: list[RunResult] = []
    failures = 0
    while len(results) < len(inputs):
        done, failure = _one_batch(sandbox, program, inputs[len(results) :], limits, stop_on_failure)
        results += done
        if failure is None:
            if stop_on_failure and results and results[-1].status is not RunStatus.ok:
                break
            continue
        failures += 1
        if failures > sandbox.retries:
            results += [failure] * (len(inputs) - len(results))
            break
        time.sleep(0.25 * 4 ** (failures - 1))
    return results


def _one_batch(
    sandbox: Sandbox, program: Program, inputs: Sequence[bytes], limits: RunLimits, stop_on_failure: bool = False
) -> tuple[list[RunResult], RunResult | None]:
    """Results of the first tests of ``inputs`` this sandbox got through, and the sandbox's failure if it stopped."""
    from cpdata.curation.sandbox.sandbox import WORK_INSIDE, RunResult, RunStatus, language_is_java

    java = language_is_java(program.language)
    command = sandbox.command_for(program, limits)
    with sandbox.identity() as uid, contextlib.ExitStack() as stack:
        workdir = None
        if sandbox.mode != "bwrap":
            workdir = private_directory("run-", sandbox.root)
            stack.callback(shutil.rmtree, str(workdir), True)
            if uid is not None:
                hand_over(workdir, uid, uid)
        cgroup = sandbox.make_cgroup(limits, java=java)
        if cgroup is not None:
            stack.callback(cgroup.remove)
        # "ns": kill everything but us and init in the PID namespace (or, without namespaces, everything of the
        # leased uid); "group": only the test's process group (no namespace, no uid of its own).
        scope = "ns" if sandbox.mode == "bwrap" or uid is not None else "group"
        wipe = f"{WORK_INSIDE}:/tmp" if sandbox.mode == "bwrap" else str(workdir)
        status_read, status_write = os.pipe()
        control_read, control_write = os.pipe()
        preexec, procs = sandbox.child_setup(limits, uid, cgroup, per_test=False)
        try:
            runner = [sandbox.runner_path(), "--batch", str(status_write), str(control_read), scope, wipe]
            process = subprocess.Popen(
                [*sandbox.wrapper(limits, program.directory), *runner, *command],
                cwd=workdir or sandbox.root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                preexec_fn=preexec,
                env=sandbox.environment(workdir),
                close_fds=True,
                pass_fds=(status_write, control_read),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            os.close(status_read)
            os.close(control_write)
            return [], RunResult(RunStatus.sandbox_error, detail=f"could not start the sandbox: {exc}")
        finally:
            os.close(status_write)
            os.close(control_read)
            for handle in procs:
                os.close(handle)
        stderr = _Drain(process.stderr)
        status = os.fdopen(status_read, "rb")
        control = os.fdopen(control_write, "wb")
        try:
            return _drive(sandbox, process, status, control, stderr, cgroup, inputs, limits, java, stop_on_failure)
        finally:
            with contextlib.suppress(OSError):
                control.close()
            status.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, 9)
                process.wait()


def _drive(
    sandbox: Sandbox,
    process: subprocess.Popen[bytes],
    status: IO[bytes],
    control: IO[bytes],
    stderr: _Drain,
    cgroup: RunCgroup | None,
    inputs: Sequence[bytes],
    limits: RunLimits,
    java: bool,
    stop_on_failure: bool,
) -> tuple[list[RunResult], RunResult | None]:
    from cpdata.curation.sandbox.sandbox import RunResult, RunStatus, classify, our_failure_line

    results: list[RunResult] = []
    wall_ms = round(limits.time_ms * limits.wall_factor) + 1000
    address = 0 if java else limits.memory_bytes + (64 << 20)
    file_bytes = max(limits.output_bytes, limits.file_bytes) + 1
    oom_seen = cgroup.oom_kills() if cgroup is not None else 0
    watchdog = _Watchdog(lambda: _kill(process, cgroup))
    try:
        for stdin in inputs:
            header = (
                f"RUN {len(stdin)} {limits.time_ms} {address} {file_bytes} {limits.processes} {wall_ms} {limits.output_bytes}\n"
            )
            watchdog.arm(wall_ms / 1000 + 10)  # in case the runner hangs: well past the wall limit it enforces itself
            try:
                try:
                    control.write(header.encode() + stdin)
                    control.flush()
                except OSError:
                    pass  # the runner is gone; its report (or the lack of it) says why below
                line = status.readline().split()
                if len(line) != 9 or line[0] != b"RESULT":
                    return results, _broken(process, stderr, results, watchdog.fired)
                wait_status, cpu, rss, wall, timed_out, out_len, err_len, overflow = (int(v) for v in line[1:])
                out = status.read(out_len)
                err = status.read(err_len).decode("utf-8", "replace")
            finally:
                watchdog.disarm()
            oom_now = cgroup.oom_kills() if cgroup is not None else 0
            exit_code = os.waitstatus_to_exitcode(wait_status)
            result = RunResult(RunStatus.ok, cpu, rss * 1024, exit_code, out, err)
            ours = exit_code in (126, 127) and our_failure_line(err) is not None
            ended = {"timed_out": bool(timed_out), "overflow": bool(overflow), "oom": oom_now > oom_seen}
            classify(result, limits, elapsed=wall / 1000, ours=ours, **ended)
            oom_seen = oom_now
            if result.status is RunStatus.sandbox_error:
                return results, result
            results.append(result)
            if stop_on_failure and result.status is not RunStatus.ok:
                break
    finally:
        watchdog.stop()
    control.write(b"END\n")
    control.flush()
    return results, None


def _broken(process: subprocess.Popen[bytes], stderr: _Drain, results: list[RunResult], hung: bool) -> RunResult | None:
    """The runner stopped answering. If bubblewrap or the runner said why, the sandbox failed (retry from here);
    otherwise the program killed it, and the test it was running is that program's runtime error."""
    from cpdata.curation.sandbox.sandbox import RunResult, RunStatus, our_failure_line

    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    text = stderr.finish()
    reason = our_failure_line(text)
    if reason is not None or hung:
        return RunResult(RunStatus.sandbox_error, detail=reason or "the sandbox's runner stopped answering")
    results.append(RunResult(RunStatus.runtime_error, exit_code=process.returncode, detail="the program killed its sandbox"))
    return None


def _kill(process: subprocess.Popen[bytes], cgroup: RunCgroup | None) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, 9)
    if cgroup is not None:
        cgroup.kill_all()


class _Watchdog:
    """One thread per batch (not a timer per test: starting a thread costs more than a C++ test runs) that calls
    ``on_expiry`` when an armed deadline passes."""

    def __init__(self, on_expiry: Callable[[], None]) -> None:
        self._on_expiry = on_expiry
        self._deadline: float | None = None
        self._stopped = False
        self.fired = False
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def arm(self, seconds: float) -> None:
        with self._condition:
            self._deadline = time.monotonic() + seconds
            self._condition.notify()

    def disarm(self) -> None:
        with self._condition:
            self._deadline = None

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _watch(self) -> None:
        with self._condition:
            while not self._stopped:
                if self._deadline is None:
                    self._condition.wait()
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                self.fired, self._deadline = True, None
                self._on_expiry()


class _Drain:
    """Reads bubblewrap's and the runner's own stderr (the programs' goes to memfds) so it never blocks them."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        while chunk := stream.read(4096):
            if self._size < _STDERR_KEPT:
                self._chunks.append(chunk)
                self._size += len(chunk)
        stream.close()

    def finish(self) -> str:
        self._thread.join(timeout=5)
        return b"".join(self._chunks).decode("utf-8", "replace")
