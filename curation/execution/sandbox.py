"""Compile and run untrusted solutions with limits: the sandbox under ``cpdata verify`` and ``cpdata gen-tests``.

Isolation modes, strongest first (``Sandbox.mode`` says which one this machine gives; ``cpdata sandbox`` prints it):

- ``bwrap`` (bubblewrap installed): a new user, mount, network, PID, IPC and UTS namespace. The program sees
  ``/usr`` and ``/etc`` read-only, a private empty ``/tmp``, its own working directory read-write as ``/sandbox``,
  and nothing else (no home, no ``/root``, no other files of ours); no network at all; it dies with us.
- ``rlimits`` (no bubblewrap): limits and a process group only. The program can read what the user running it can
  read and write where it can write, and it has the network. Install bubblewrap (Debian: ``apt-get install
  bubblewrap``) for anything untrusted.

In both modes: CPU-time (RLIMIT_CPU) and wall-time limits, an address-space limit (RLIMIT_AS; for Java the heap
limit ``-Xmx`` instead, as the JVM reserves far more address space than it uses), a file-size limit, a process
count limit (RLIMIT_NPROC), an output-size limit (the pipe is read with a cap and the run killed past it), a fresh
working directory, and the whole process group killed at the end. When cpdata runs as root, the program runs as
the unprivileged user ``nobody``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from cpdata.schema import Language

__all__ = ["LANGUAGES", "NOBODY", "Program", "RunLimits", "RunResult", "RunStatus", "Sandbox", "language_supported"]

NOBODY = 65534


class RunStatus(StrEnum):
    ok = "ok"
    wrong_answer = "wrong_answer"
    time_limit = "time_limit"
    memory_limit = "memory_limit"
    runtime_error = "runtime_error"
    compile_error = "compile_error"
    output_limit = "output_limit"
    sandbox_error = "sandbox_error"


@dataclass(frozen=True)
class RunLimits:
    time_ms: int = 2000
    memory_bytes: int = 256 << 20
    wall_factor: float = 3.0
    """Wall-clock limit as a multiple of the CPU limit (a sleeping program uses no CPU)."""
    output_bytes: int = 64 << 20
    processes: int = 256
    file_bytes: int = 64 << 20

    @property
    def key(self) -> str:
        return f"t{self.time_ms}-m{self.memory_bytes}-o{self.output_bytes}"


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
class _Recipe:
    source_name: str
    compile: list[str] | None
    run: list[str]
    needs: tuple[str, ...]


def _java_class(code: str) -> str:
    found = re.search(r"public\s+(?:final\s+)?class\s+(\w+)", code)
    return found.group(1) if found else "Main"


def _recipes(code: str) -> dict[Language, _Recipe]:
    java = _java_class(code)
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else (shutil.which("python3") or "python3")
    return {
        Language.cpp: _Recipe(
            "main.cpp", ["g++", "-std=gnu++17", "-O2", "-pipe", "-o", "main", "main.cpp"], ["./main"], ("g++",)
        ),
        Language.c: _Recipe("main.c", ["gcc", "-std=gnu11", "-O2", "-pipe", "-o", "main", "main.c", "-lm"], ["./main"], ("gcc",)),
        Language.python3: _Recipe(
            "main.py", None, [python, "-S", "main.py"] if not shutil.which("pypy3") else [python, "main.py"], (python,)
        ),
        Language.java: _Recipe(
            f"{java}.java", ["javac", "-encoding", "UTF-8", f"{java}.java"], ["java", "-Xss64m", "{XMX}", java], ("javac", "java")
        ),
    }


LANGUAGES = (Language.cpp, Language.c, Language.python3, Language.java)


@lru_cache(maxsize=32)
def language_supported(language: Language) -> bool:
    recipe = _recipes("").get(language)
    return recipe is not None and all(shutil.which(tool) or Path(tool).exists() for tool in recipe.needs)


@dataclass
class Program:
    """A compiled (or ready-to-run) solution in its own build directory."""

    language: Language
    directory: Path
    run: list[str]
    compile_result: RunResult | None = None

    @property
    def ok(self) -> bool:
        return self.compile_result is None or self.compile_result.status is RunStatus.ok


@dataclass
class Sandbox:
    root: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "cpdata-sandbox")
    mode: str = ""

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o711)
        self.runner = _build_runner(self.root)
        if not self.mode:
            self.mode = "bwrap" if shutil.which("bwrap") and self._bwrap_works() else "rlimits"

    @property
    def drops_privileges(self) -> bool:
        return os.geteuid() == 0

    # -- building ---------------------------------------------------------------------------------------
    def prepare(self, language: Language, code: str, compile_limits: RunLimits | None = None) -> Program:
        """Write the source into a fresh build directory and compile it (inside the sandbox: compilers read what
        the code tells them to, e.g. ``#include "/etc/shadow"``)."""
        recipe = _recipes(code).get(language)
        if recipe is None:
            raise ValueError(f"no sandbox recipe for {language}")
        directory = Path(tempfile.mkdtemp(prefix=f"{language}-", dir=self.root))
        (directory / recipe.source_name).write_text(code, encoding="utf-8")
        self._hand_over(directory)
        program = Program(language, directory, recipe.run)
        if recipe.compile is not None:
            limits = compile_limits or RunLimits(time_ms=30_000, memory_bytes=2 << 30, wall_factor=2.0, output_bytes=1 << 20)
            result = self._execute(recipe.compile, directory, b"", limits, java=language is Language.java)
            if result.status is not RunStatus.ok or result.exit_code != 0:
                result.status = RunStatus.compile_error
            program.compile_result = result
        return program

    def cleanup(self, program: Program) -> None:
        shutil.rmtree(program.directory, ignore_errors=True)

    # -- running ----------------------------------------------------------------------------------------
    def run(self, program: Program, stdin: bytes, limits: RunLimits) -> RunResult:
        """Run a prepared program on one input, in a fresh working directory holding a copy of its build."""
        if not program.ok:
            assert program.compile_result is not None
            return RunResult(RunStatus.compile_error, detail=program.compile_result.stderr[:2000])
        workdir = Path(tempfile.mkdtemp(prefix="run-", dir=self.root))
        try:
            for item in program.directory.iterdir():
                if item.is_file():
                    shutil.copy2(item, workdir / item.name)
            self._hand_over(workdir)
            command = [part.replace("{XMX}", f"-Xmx{max(limits.memory_bytes >> 20, 32)}m") for part in program.run]
            return self._execute(command, workdir, stdin, limits, java=program.language is Language.java)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _hand_over(self, directory: Path) -> None:
        if self.drops_privileges:
            for path in [directory, *directory.iterdir()]:
                os.chown(path, NOBODY, NOBODY)

    def _command(self, command: list[str], workdir: Path, status_fd: int) -> list[str]:
        measured = [_RUNNER_INSIDE if self.mode == "bwrap" else str(self.runner), str(status_fd), *command]
        if self.mode != "bwrap":
            return measured
        wrapper = [
            "bwrap",
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--ro-bind",
            "/usr",
            "/usr",
            "--ro-bind",
            "/etc",
            "/etc",
        ]
        for link in ("/bin", "/lib", "/lib64", "/sbin"):
            if os.path.islink(link):
                wrapper += ["--symlink", os.readlink(link), link]
            elif os.path.isdir(link):
                wrapper += ["--ro-bind", link, link]
        wrapper += [
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
            "--bind",
            str(workdir),
            "/sandbox",
            "--chdir",
            "/sandbox",
            "--ro-bind",
            str(self.runner),
            _RUNNER_INSIDE,
            "--setenv",
            "HOME",
            "/sandbox",
            "--setenv",
            "PATH",
            "/usr/local/bin:/usr/bin:/bin",
            "--",
        ]
        return wrapper + measured

    def _execute(self, command: list[str], workdir: Path, stdin: bytes, limits: RunLimits, *, java: bool) -> RunResult:
        cpu_seconds = max(1, -(-limits.time_ms // 1000))
        wall = limits.time_ms / 1000 * limits.wall_factor + 1.0
        address_space = None if java else limits.memory_bytes + (64 << 20)  # the loader and libc need a little room
        drop = self.drops_privileges

        def limit_child() -> None:  # runs in the child between fork and exec
            os.setsid()
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
            if address_space is not None:
                resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if drop:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)

        environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8"}
        status_read, status_write = os.pipe()  # the runner reports the program's own usage here
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                self._command(command, workdir, status_write),
                cwd=workdir,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=limit_child,
                env=environment,
                close_fds=True,
                pass_fds=(status_write,),
            )
        except OSError as exc:
            os.close(status_read)
            os.close(status_write)
            return RunResult(RunStatus.sandbox_error, detail=f"could not start {command[0]}: {exc}")
        os.close(status_write)
        reader = _CappedReader(process, limits.output_bytes)
        reader.start(stdin)
        # A timer kills the group at the wall limit; meanwhile we block in wait4 (no polling latency).
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _kill_group(process.pid)

        timer = threading.Timer(wall, expire)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            _kill_group(process.pid)  # stragglers it left behind
        timed_out = expired.is_set()
        stdout, stderr = reader.finish()
        elapsed = time.monotonic() - started
        with os.fdopen(status_read, "rb") as report:
            measured = report.read(200).split()
        if len(measured) == 3:  # the program's own wait status, CPU time and peak memory
            status, cpu_ms, memory = int(measured[0]), int(measured[1]), int(measured[2]) * 1024
        else:  # killed before the runner could report (a wall timeout): the outer numbers are the best we have
            cpu_ms, memory = round((usage.ru_utime + usage.ru_stime) * 1000), 0
        process.returncode = os.waitstatus_to_exitcode(status)
        result = RunResult(RunStatus.ok, cpu_ms, memory, process.returncode, stdout, stderr.decode("utf-8", "replace")[-4000:])
        signal_number = -process.returncode if process.returncode < 0 else None
        if reader.overflow:
            result.status, result.detail = RunStatus.output_limit, f"more than {limits.output_bytes} bytes of output"
        elif timed_out or cpu_ms > limits.time_ms or signal_number in (signal.SIGXCPU,):
            result.status = RunStatus.time_limit
            result.detail = f"wall {elapsed:.1f}s" if timed_out else f"cpu {cpu_ms} ms"
        elif _out_of_memory(result, limits):
            result.status, result.detail = RunStatus.memory_limit, f"peak {memory >> 20} MiB"
        elif signal_number == signal.SIGXFSZ:
            result.status, result.detail = RunStatus.output_limit, "file size limit"
        elif process.returncode != 0:
            result.status = RunStatus.runtime_error
            result.detail = f"signal {signal.Signals(signal_number).name}" if signal_number else f"exit code {process.returncode}"
        return result

    def _bwrap_works(self) -> bool:
        probe = Path(tempfile.mkdtemp(prefix="probe-", dir=self.root))
        try:
            self._hand_over(probe)
            self.mode = "bwrap"
            result = self._execute(["/bin/true"], probe, b"", RunLimits(time_ms=2000), java=False)
            return result.status is RunStatus.ok
        finally:
            self.mode = ""
            shutil.rmtree(probe, ignore_errors=True)


_RUNNER_INSIDE = "/.cpdata-runner"
_RUNNER_SOURCE = Path(__file__).resolve().parent / "native" / "runner.c"


def _build_runner(root: Path) -> Path:
    """Compile the run helper once per source version (a few KB of C; gcc is needed for C++ anyway)."""
    source = _RUNNER_SOURCE.read_bytes()
    binary = root / f"runner-{hashlib.sha256(source).hexdigest()[:12]}"
    if not binary.exists():
        temporary = binary.with_suffix(f".tmp{os.getpid()}")
        built = subprocess.run(
            ["gcc", "-O2", "-o", str(temporary), str(_RUNNER_SOURCE)], capture_output=True, text=True, check=False
        )
        if built.returncode != 0:
            raise RuntimeError(f"cannot build the sandbox's run helper with gcc: {built.stderr.strip()[:500]}")
        os.chmod(temporary, 0o755)
        os.replace(temporary, binary)
    return binary


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
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(stdin)
                self.process.stdin.close()
            except (BrokenPipeError, OSError):
                pass

        def drain(stream: Any, sink: list[bytes], cap: int, is_stdout: bool) -> None:
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
