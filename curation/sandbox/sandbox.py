"""Compile and run untrusted solutions with limits: the sandbox under ``cpdata verify`` and ``cpdata gen-tests``.

Isolation modes (``Sandbox.mode``; ``cpdata doctor`` prints what this machine gives):

- ``bwrap`` (bubblewrap installed and working): new user, mount, network, PID, IPC and UTS namespaces. The program
  sees ``/usr`` and ``/etc`` read-only, its build read-only as ``/program``, a fresh sized tmpfs as its working
  directory ``/sandbox`` and another as ``/tmp``, and nothing else: no home, no store, no other process (its
  ``/proc`` shows only its own), no network at all. Everything it started dies with the namespace.
- ``rlimits`` (no usable bubblewrap): limits and a process group only; the program can read what its uid can read
  and use the network. It is refused unless asked for (``allow_unsafe``, ``--unsafe-no-isolation``).

In both modes: CPU-time and wall-time limits, an address-space limit (RLIMIT_AS; for Java the heap limit ``-Xmx``
instead) that also bounds the stack (as judges do: deep recursion may use the whole memory limit), a file-size
limit, a process limit, an output cap, and a seccomp filter (in the runner) that refuses ``ptrace`` and
cross-process memory access. When cpdata runs as root, each run gets a uid of its own (``uids``),
and when the machine lets us make cgroups, a cgroup with a hard memory limit and a process limit (``cgroups``).
Files and directories follow the rules in ``isolation``. A failure of the sandbox itself (bubblewrap could not
make a namespace, an interpreter is missing) is ``sandbox_error``: retried, never cached, never a verdict.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from cpdata.curation.sandbox.binaries import BinaryCache
from cpdata.curation.sandbox.cgroups import Cgroups, RunCgroup
from cpdata.curation.sandbox.isolation import (
    SandboxUnavailable,
    hand_over,
    install_runner,
    private_directory,
    take_back,
    verify_private,
)
from cpdata.curation.sandbox.toolchains import Recipe, recipe_for, toolchain_id
from cpdata.curation.sandbox.uids import UidPool, processes_of
from cpdata.schema import Language

__all__ = [
    "LANGUAGES",
    "Program",
    "RunLimits",
    "RunResult",
    "RunStatus",
    "Sandbox",
    "SandboxUnavailable",
    "Wiring",
    "language_supported",
]


class RunStatus(StrEnum):
    ok = "ok"
    wrong_answer = "wrong_answer"
    time_limit = "time_limit"
    memory_limit = "memory_limit"
    runtime_error = "runtime_error"
    compile_error = "compile_error"
    output_limit = "output_limit"
    sandbox_error = "sandbox_error"
    """Our failure, not the program's: never cached, never reported as a verdict about the program."""


@dataclass(frozen=True)
class RunLimits:
    time_ms: int = 2000
    memory_bytes: int = 256 << 20
    wall_factor: float = 3.0
    """Wall-clock limit as a multiple of the CPU limit (a sleeping program uses no CPU)."""
    output_bytes: int = 64 << 20
    processes: int = 256
    file_bytes: int = 64 << 20
    """The largest file the program may write, and the size of each of its tmpfs mounts (/sandbox and /tmp)."""

    @property
    def key(self) -> str:
        # "-s": runs since the stack may grow to the memory limit; results from before (8 MiB) are not reused.
        return f"t{self.time_ms}-m{self.memory_bytes}-o{self.output_bytes}-s"


@dataclass
class RunResult:
    status: RunStatus
    time_ms: int = 0
    memory_bytes: int = 0
    exit_code: int | None = None
    stdout: bytes = b""
    stderr: str = ""
    detail: str = ""

    @property
    def output_sha256(self) -> str:
        return hashlib.sha256(self.stdout).hexdigest()


@dataclass(frozen=True)
class Wiring:
    """Where a run's stdin and stdout go instead of pipes to us (an interactive run: two programs talk to each other),
    and descriptors it inherits besides. Each belongs to this one run: they are closed here once it has started."""

    stdin: int
    stdout: int
    extra: tuple[int, ...] = ()

    def close(self) -> None:
        for handle in (self.stdin, self.stdout, *self.extra):
            with contextlib.suppress(OSError):
                os.close(handle)


LANGUAGES = (Language.cpp, Language.c, Language.python3, Language.java, Language.kotlin, Language.rust, Language.go)


def language_supported(language: Language, language_raw: str | None = None) -> bool:
    """Can this machine build and run the language (the dialect ``language_raw`` names, if given)?"""
    return recipe_for(language, "", language_raw) is not None


@dataclass
class Program:
    """A compiled (or ready-to-run) solution in its own build directory."""

    language: Language
    directory: Path
    run: list[str]
    compile_result: RunResult | None = None
    recipe: Recipe | None = None
    from_cache: bool = False
    """The build came from the binary cache (no compiler ran)."""

    @property
    def ok(self) -> bool:
        return self.compile_result is None or self.compile_result.status is RunStatus.ok


RUNNER_INSIDE = "/.cpdata-runner"
PROGRAM_INSIDE = "/program"
WORK_INSIDE = "/sandbox"
_PATH = "/usr/local/bin:/usr/bin:/bin"
# Memory the cgroup allows beyond the problem's limit: the loader, libc and bubblewrap need a little; a JVM needs
# far more than its heap (metaspace, code cache, threads), and is judged on its heap (-Xmx) instead.
_CGROUP_SLACK = 64 << 20
_CGROUP_SLACK_JAVA = 320 << 20
# What stderr says when the sandbox, not the program, failed: bubblewrap's messages and the runner's own.
_OUR_FAILURES = ("bwrap: ", "cpdata-runner: ")


UNSAFE_ENV = "CPDATA_UNSAFE_NO_ISOLATION"


@dataclass
class Sandbox:
    """Compile and run untrusted code. Make one per process (it owns a fresh private directory) and ``close()`` it,
    or use it as a context manager; it is thread-safe."""

    parent: Path | None = None
    """Where the sandbox makes its private directory (default: the system's temporary directory)."""
    mode: str = ""
    """``bwrap`` or ``rlimits``; empty: the strongest this machine gives."""
    allow_unsafe: bool = field(default_factory=lambda: os.environ.get(UNSAFE_ENV) == "1")
    """Run without namespace isolation when bubblewrap is missing or unusable (``--unsafe-no-isolation``, or
    ``CPDATA_UNSAFE_NO_ISOLATION=1`` for every sandbox of the process, e.g. a test suite of trusted programs)."""
    retries: int = 2
    """How often a ``sandbox_error`` (our failure) is retried before it is reported."""
    use_cgroups: bool = True
    binary_cache: bool = True
    """Keep builds in the content-addressed binary cache (``binaries``), shared across runs and processes."""
    root: Path = field(init=False)

    def __post_init__(self) -> None:
        if self.parent is not None:
            verify_private(self.parent, traversable=True)
        self.root = private_directory("cpdata-sandbox-", self.parent, traversable=True)
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.root), True)
        try:
            self.runner = install_runner(self.root)
            self.uids = UidPool.from_environment(self.runner) if self.drops_privileges else None
            self.cgroups = Cgroups.detect() if self.use_cgroups else None
            self.binaries = BinaryCache() if self.binary_cache else None
            if not self.mode:
                self.mode = "bwrap" if shutil.which("bwrap") and self._bwrap_works() else "rlimits"
        except BaseException:
            self.close()
            raise
        if self.mode == "rlimits" and not self.allow_unsafe:
            self.close()
            raise SandboxUnavailable(
                "no namespace isolation here: bubblewrap is "
                + ("installed but cannot make namespaces (see `cpdata doctor`)" if shutil.which("bwrap") else "not installed")
                + ". Untrusted code would reach the network, your files and your other processes. Install it "
                "(Debian/Ubuntu: apt-get install bubblewrap), or pass --unsafe-no-isolation (CPDATA_UNSAFE_NO_ISOLATION=1) to "
                "run anyway."
            )

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def drops_privileges(self) -> bool:
        return os.geteuid() == 0

    def describe(self) -> str:
        """One paragraph for the start of every run: the mode, and what it does not protect against."""
        parts = [f"sandbox: {self.mode}"]
        if self.mode == "bwrap":
            parts.append("namespaces (no network, no host files but /usr and /etc read-only, own /proc)")
        else:
            parts.append("NO ISOLATION: the code can read what its uid reads, use the network and signal its uid's processes")
        parts.append(f"a uid of its own per run ({self.uids.first}-{self.uids.last})" if self.uids else "runs as you")
        if self.cgroups:
            parts.append(f"memory and process limits by {self.cgroups.describe()}")
        else:
            parts.append(
                "no cgroup: memory bounded by RLIMIT_AS (not for Java: -Xmx only), processes by RLIMIT_NPROC"
                + ("" if self.uids else " (shared with your own processes)")
            )
        return "; ".join(parts)

    # -- building ---------------------------------------------------------------------------------------
    def prepare(
        self,
        language: Language,
        code: str,
        compile_limits: RunLimits | None = None,
        language_raw: str | None = None,
        files: dict[str, str] | None = None,
    ) -> Program:
        """Write the source into a fresh build directory and compile it inside the sandbox (compilers read what the
        code tells them to, e.g. ``#include "/etc/shadow"``), or take the build from the binary cache. The build is
        then read-only for every run. ``language_raw`` picks the dialect (C++20, PyPy, ...); ``files`` are written
        beside the source (headers such as a validator's validate.h)."""
        recipe = recipe_for(language, code, language_raw)
        if recipe is None:
            raise ValueError(f"no toolchain for {language} ({language_raw or 'any dialect'}) on this machine")
        directory = private_directory(f"build-{language}-", self.root)
        program = Program(language, directory, list(recipe.run), recipe=recipe)
        extra = dict(sorted((files or {}).items()))
        everything = code + "".join(f"\0{name}\0{text}" for name, text in extra.items())
        key = self.binaries.key(toolchain_id(recipe), everything) if self.binaries is not None else ""
        cached = self.binaries.get(key) if self.binaries is not None and recipe.compile is not None else None
        if cached is not None and self.binaries is not None:
            self.binaries.restore(cached, directory)
            program.from_cache = True
            program.compile_result = RunResult(RunStatus(cached.status), stderr=cached.stderr, detail=cached.detail)
            if cached.status == RunStatus.ok.value:
                program.compile_result = None
            take_back(directory)
            return program
        (directory / recipe.source_name).write_text(code, encoding="utf-8")
        for name, text in extra.items():
            if "/" in name or name.startswith(".") or name == recipe.source_name:
                raise ValueError(f"{name!r} is not a plain file name beside the source")
            (directory / name).write_text(text, encoding="utf-8")
        if recipe.compile is not None:
            limits = compile_limits or RunLimits(time_ms=30_000, memory_bytes=2 << 30, wall_factor=2.0, output_bytes=1 << 20)
            java = language_is_java(language)
            command = list(recipe.compile)
            result = self._retrying(lambda: self._execute(command, limits, build=directory, java=java))
            for fallback in recipe.fallbacks:  # an older standard, as the judges of the package's day built it
                if result.status is RunStatus.sandbox_error or (result.status is RunStatus.ok and result.exit_code == 0):
                    break
                retried = self._retrying(functools.partial(self._execute, list(fallback), limits, build=directory, java=java))
                if retried.status is RunStatus.ok and retried.exit_code == 0:
                    result = retried
            if result.status is not RunStatus.sandbox_error and (result.status is not RunStatus.ok or result.exit_code != 0):
                result.status = RunStatus.compile_error
            program.compile_result = result
        take_back(directory)  # the compiler's uid is gone; keep only plain files, ours and read-only
        if recipe.compile is not None and self.binaries is not None and program.compile_result is not None:
            compiled = program.compile_result
            if compiled.status is not RunStatus.sandbox_error:  # our failure says nothing about the code
                self.binaries.put(key, directory, compiled.status.value, compiled.stderr, compiled.detail)
        if program.compile_result is not None and program.compile_result.status is RunStatus.ok:
            program.compile_result = None
        return program

    def cleanup(self, program: Program) -> None:
        shutil.rmtree(program.directory, ignore_errors=True)

    # -- running ----------------------------------------------------------------------------------------
    def run(self, program: Program, stdin: bytes, limits: RunLimits) -> RunResult:
        """Run a prepared program on one input, in a fresh, empty working directory."""
        if not program.ok:
            assert program.compile_result is not None
            status = program.compile_result.status
            return RunResult(status, detail=(program.compile_result.stderr or program.compile_result.detail)[:2000])
        java = language_is_java(program.language)
        command = self.command_for(program, limits)
        return self._retrying(lambda: self._execute(command, limits, program=program.directory, stdin=stdin, java=java))

    def run_wired(self, program: Program, wiring: Wiring, limits: RunLimits) -> RunResult:
        """Run a prepared program once with its stdin and stdout wired to descriptors (``interactive``), not retried:
        the other end of the wire cannot replay what it already said."""
        if not program.ok:
            wiring.close()
            assert program.compile_result is not None
            status = program.compile_result.status
            return RunResult(status, detail=(program.compile_result.stderr or program.compile_result.detail)[:2000])
        java = language_is_java(program.language)
        command = self.command_for(program, limits)
        return self._execute(command, limits, program=program.directory, java=java, wiring=wiring)

    def run_batch(
        self, program: Program, inputs: Sequence[bytes], limits: RunLimits, *, stop_on_failure: bool = False
    ) -> list[RunResult]:
        """Run a prepared program on many inputs in one sandbox (``batch``): the same guarantees per test as ``run``,
        at a fraction of the cost, since the isolation is set up once. ``stop_on_failure``: stop at the first test it
        fails to finish (the results are then fewer than the inputs)."""
        from cpdata.curation.sandbox.batch import run_batch

        return run_batch(self, program, inputs, limits, stop_on_failure=stop_on_failure)

    def command_for(self, program: Program, limits: RunLimits) -> list[str]:
        """The program's command line inside the sandbox (its build directory, its heap limit filled in)."""
        heap = f"-Xmx{max(limits.memory_bytes >> 20, 32)}m"
        return [part.replace("{XMX}", heap).replace("{PROGRAM}", self._program_path(program)) for part in program.run]

    def _program_path(self, program: Program) -> str:
        return PROGRAM_INSIDE if self.mode == "bwrap" else str(program.directory)

    def _retrying(self, attempt: Any) -> RunResult:
        result: RunResult = attempt()
        for tries in range(self.retries):
            if result.status is not RunStatus.sandbox_error:
                break
            time.sleep(0.25 * 4**tries)  # 0.25 s, then 1 s: long enough for a neighbour's fork bomb to be killed
            result = attempt()
        return result

    @contextlib.contextmanager
    def identity(self) -> Iterator[int | None]:
        """The uid a run uses: a fresh lease when we are root, else our own (None: no change)."""
        if self.uids is None:
            yield None
        else:
            with self.uids.lease() as uid:
                yield uid

    def wrapper(self, limits: RunLimits, program: Path | None = None, build: Path | None = None) -> list[str]:
        """The bubblewrap command line a run starts with (nothing in rlimits mode): what the program may see."""
        if self.mode != "bwrap":
            return []
        wrapper = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
        wrapper += ["--ro-bind", "/etc", "/etc"]
        for link in ("/bin", "/lib", "/lib64", "/sbin"):
            if os.path.islink(link):
                wrapper += ["--symlink", os.readlink(link), link]
            elif os.path.isdir(link):
                wrapper += ["--ro-bind", link, link]
        size = str(limits.file_bytes)
        wrapper += ["--dev", "/dev", "--proc", "/proc", "--size", size, "--tmpfs", "/tmp"]
        if build is not None:  # compiling: the build directory is the working directory
            wrapper += ["--bind", str(build), WORK_INSIDE]
        else:
            wrapper += ["--size", size, "--tmpfs", WORK_INSIDE]
            if program is not None:
                wrapper += ["--ro-bind", str(program), PROGRAM_INSIDE]
        wrapper += ["--chdir", WORK_INSIDE, "--ro-bind", str(self.runner), RUNNER_INSIDE]
        return [*wrapper, "--setenv", "HOME", WORK_INSIDE, "--setenv", "PATH", _PATH, "--"]

    def runner_path(self) -> str:
        return RUNNER_INSIDE if self.mode == "bwrap" else str(self.runner)

    def _execute(
        self,
        command: list[str],
        limits: RunLimits,
        *,
        program: Path | None = None,
        build: Path | None = None,
        stdin: bytes = b"",
        java: bool = False,
        wiring: Wiring | None = None,
    ) -> RunResult:
        with self.identity() as uid, contextlib.ExitStack() as stack:
            workdir = build
            if workdir is None and self.mode != "bwrap":
                workdir = private_directory("run-", self.root)
                stack.callback(shutil.rmtree, str(workdir), True)
            if uid is not None and workdir is not None:
                hand_over(workdir, uid, uid)
            cgroup = self.make_cgroup(limits, java=java)
            if cgroup is not None:
                stack.callback(cgroup.remove)
            return self._spawn(command, limits, uid, cgroup, workdir, program, build, stdin, java, wiring)

    def _spawn(
        self,
        command: list[str],
        limits: RunLimits,
        uid: int | None,
        cgroup: RunCgroup | None,
        workdir: Path | None,
        program: Path | None,
        build: Path | None,
        stdin: bytes,
        java: bool,
        wiring: Wiring | None = None,
    ) -> RunResult:
        wall = limits.time_ms / 1000 * limits.wall_factor + 1.0
        limit_child, procs = self.child_setup(limits, uid, cgroup, per_test=True, java=java)
        environment = self.environment(workdir)
        status_read, status_write = os.pipe()  # the runner reports the program's own usage here
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                [*self.wrapper(limits, program, build), self.runner_path(), str(status_write), *command],
                cwd=workdir or self.root,
                stdin=subprocess.PIPE if wiring is None else wiring.stdin,
                stdout=subprocess.PIPE if wiring is None else wiring.stdout,
                stderr=subprocess.PIPE,
                preexec_fn=limit_child,
                env=environment,
                close_fds=True,
                pass_fds=(status_write, *(wiring.extra if wiring is not None else ())),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            os.close(status_read)
            return RunResult(RunStatus.sandbox_error, detail=f"could not start {command[0]}: {exc}")
        finally:
            os.close(status_write)
            for handle in procs:
                os.close(handle)
            if wiring is not None:  # the child has its copies; ours would keep the other end from seeing EOF
                wiring.close()
        reader = _CappedReader(process, limits.output_bytes)
        reader.start(stdin)
        # A timer kills the group at the wall limit; meanwhile we block in wait4 (no polling latency).
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _kill_group(process.pid)
            if cgroup is not None:
                cgroup.kill_all()

        timer = threading.Timer(wall, expire)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            _kill_group(process.pid)  # stragglers it left behind
            if cgroup is not None:
                cgroup.kill_all()
        timed_out = expired.is_set()
        stdout, stderr_bytes = reader.finish()
        stderr = stderr_bytes.decode("utf-8", "replace")
        elapsed = time.monotonic() - started
        with os.fdopen(status_read, "rb") as report:
            measured = report.read(200).split()
        outer_cpu = round((usage.ru_utime + usage.ru_stime) * 1000)
        reported = len(measured) == 3
        if reported:  # the program's own wait status, CPU time and peak memory, as its parent saw them
            status, cpu_ms, memory = int(measured[0]), int(measured[1]), int(measured[2]) * 1024
            cpu_ms = max(cpu_ms, outer_cpu - 50) if outer_cpu > cpu_ms + 50 else cpu_ms  # never less than seen outside
        else:  # killed before the runner could report (a wall timeout): the outer numbers are the best we have
            cpu_ms, memory = outer_cpu, 0
        peak = cgroup.peak_memory() if cgroup is not None else None
        oom = cgroup.oom_killed() if cgroup is not None else False
        exit_code = os.waitstatus_to_exitcode(status)
        result = RunResult(RunStatus.ok, cpu_ms, memory, exit_code, stdout, stderr[-4000:])
        ours = not timed_out and _our_failure(reported, exit_code, stderr)
        classify(result, limits, timed_out=timed_out, overflow=reader.overflow, oom=oom, elapsed=elapsed, ours=ours)
        if peak is not None and result.status is RunStatus.ok and peak > limits.memory_bytes + _CGROUP_SLACK_JAVA:
            result.status, result.detail = RunStatus.memory_limit, f"cgroup peak {peak >> 20} MiB"
        return result

    def make_cgroup(self, limits: RunLimits, *, java: bool) -> RunCgroup | None:
        if self.cgroups is None:
            return None
        return self.cgroups.create(limits.memory_bytes + (_CGROUP_SLACK_JAVA if java else _CGROUP_SLACK), limits.processes)

    def environment(self, workdir: Path | None) -> dict[str, str]:
        home = WORK_INSIDE if self.mode == "bwrap" else str(workdir)
        return {"PATH": _PATH, "HOME": home, "LANG": "C.UTF-8"}

    def child_setup(
        self, limits: RunLimits, uid: int | None, cgroup: RunCgroup | None, *, per_test: bool, java: bool = False
    ) -> tuple[Callable[[], None], list[int]]:
        """The function that prepares the sandbox's first process between fork and exec (new session, the cgroup,
        rlimits, the leased uid), and the cgroup files it writes (close them after the start). With ``per_test``
        the test's own CPU, memory and file limits are set here too (a batch sets them per test in the runner)."""
        cpu_seconds = max(1, -(-limits.time_ms // 1000))
        address_space = None if java else limits.memory_bytes + (64 << 20)  # the loader and libc need a little room
        processes = limits.processes
        if uid is None and cgroup is None:
            # RLIMIT_NPROC counts every process of the uid, and without root every run shares ours: a limit of
            # "what is running now plus this run's share" lets a fork bomb take only its share, and a run started
            # beside it still gets its own.
            processes += len(processes_of(os.getuid()))
        # Opened here, written in the child: joining the cgroup before exec puts everything it starts inside.
        procs = [os.open(path, os.O_WRONLY | os.O_CLOEXEC) for path in (cgroup.procs_files() if cgroup else [])]

        def setup() -> None:  # plain system calls only: this runs in a forked child of a threaded process
            os.setsid()
            pid = str(os.getpid()).encode()
            for handle in procs:
                os.write(handle, pid)
            if per_test:
                resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
                if address_space is not None:
                    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
                    resource.setrlimit(resource.RLIMIT_STACK, (address_space, address_space))  # as the judges allow
                resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)

        return setup, procs

    def _bwrap_works(self) -> bool:
        self.mode = "bwrap"
        try:
            result = self._execute(["/bin/true"], RunLimits(time_ms=2000))
            return result.status is RunStatus.ok
        finally:
            self.mode = ""


def classify(
    result: RunResult, limits: RunLimits, *, timed_out: bool, overflow: bool, oom: bool, elapsed: float, ours: bool
) -> None:
    """Set ``result.status`` and ``detail`` from how the run ended (the same rules for single runs and batches)."""
    exit_code = result.exit_code or 0
    signal_number = -exit_code if exit_code < 0 else None
    if ours:
        result.status = RunStatus.sandbox_error
        result.detail = next((line for line in result.stderr.splitlines() if line.startswith(_OUR_FAILURES)), "")[:500]
    elif overflow:
        result.status, result.detail = RunStatus.output_limit, f"more than {limits.output_bytes} bytes of output"
    elif timed_out or result.time_ms > limits.time_ms or signal_number in (signal.SIGXCPU,):
        result.status = RunStatus.time_limit
        result.detail = f"wall {elapsed:.1f}s" if timed_out else f"cpu {result.time_ms} ms"
    elif oom or _out_of_memory(result, limits):
        result.status = RunStatus.memory_limit
        result.detail = "killed by the cgroup's memory limit" if oom else f"peak {result.memory_bytes >> 20} MiB"
    elif signal_number == signal.SIGXFSZ:
        result.status, result.detail = RunStatus.output_limit, "file size limit"
    elif exit_code != 0:
        result.status = RunStatus.runtime_error
        result.detail = f"signal {signal.Signals(signal_number).name}" if signal_number else f"exit code {exit_code}"


def language_is_java(language: Language) -> bool:
    return language is Language.java


def our_failure_line(stderr: str) -> str | None:
    """The line in which bubblewrap or the runner says the sandbox failed, if there is one."""
    return next((line[:500] for line in stderr.splitlines() if line.startswith(_OUR_FAILURES)), None)


def _our_failure(reported: bool, exit_code: int, stderr: str) -> bool:
    """Did the sandbox fail (no report from the runner, and bubblewrap or the runner said why)?"""
    lines = stderr.splitlines()
    if not reported:
        return any(line.startswith(_OUR_FAILURES) for line in lines) or exit_code in (125, 126)
    return exit_code in (126, 127) and any(line.startswith("cpdata-runner: ") for line in lines)


_MEMORY_WORDS = ("MemoryError", "bad_alloc", "OutOfMemoryError", "Cannot allocate memory", "out of memory")


def _out_of_memory(result: RunResult, limits: RunLimits) -> bool:
    if result.exit_code == 0:
        return result.memory_bytes > limits.memory_bytes
    return result.memory_bytes > limits.memory_bytes * 0.9 or any(word in result.stderr for word in _MEMORY_WORDS)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class _CappedReader:
    """Feeds stdin and drains stdout/stderr in threads, stopping (and killing the run) past the output cap."""

    def __init__(self, process: subprocess.Popen[bytes], cap: int) -> None:
        self.process = process
        self.cap = cap
        self.overflow = False
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._threads: list[threading.Thread] = []

    def start(self, stdin: bytes) -> None:
        def feed() -> None:
            if self.process.stdin is None:  # wired to another program
                return
            try:
                self.process.stdin.write(stdin)
                self.process.stdin.close()
            except (BrokenPipeError, OSError):
                pass

        def drain(stream: Any, sink: list[bytes], cap: int, is_stdout: bool) -> None:
            if stream is None:  # wired to another program
                return
            size = 0
            while chunk := stream.read(1 << 16):
                size += len(chunk)
                if size > cap:
                    if is_stdout:
                        self.overflow = True
                    _kill_group(self.process.pid)
                    break
                sink.append(chunk)
            stream.close()

        self._threads = [
            threading.Thread(target=feed, daemon=True),
            threading.Thread(target=drain, args=(self.process.stdout, self._out, self.cap, True), daemon=True),
            threading.Thread(target=drain, args=(self.process.stderr, self._err, 1 << 20, False), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def finish(self) -> tuple[bytes, bytes]:
        for thread in self._threads:
            thread.join(timeout=5)
        return b"".join(self._out), b"".join(self._err)
