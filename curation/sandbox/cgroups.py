"""A cgroup per run, when the machine lets us make one: a hard memory limit (swap included), a process limit, the
peak memory and the OOM kills measured by the kernel, and every process of the run killed at the end.

RLIMIT_AS cannot bound a JVM (it reserves far more address space than it uses), a child process, or a RAM-backed
``/tmp``; a memory cgroup bounds all of them together. Both layouts are supported:

- cgroup v2: a child of our own cgroup, when it has the ``memory`` and ``pids`` controllers delegated to it
  (``memory.max``, ``memory.swap.max``, ``pids.max``, ``memory.peak``, ``memory.events``, ``cgroup.kill``);
- cgroup v1 (hybrid hosts, many containers): children of our cgroup in the ``memory`` and ``pids`` hierarchies
  (``memory.limit_in_bytes``, ``memory.memsw.limit_in_bytes``, ``pids.max``, ``memory.max_usage_in_bytes``).

``Cgroups.detect()`` returns None when neither is writable (an unprivileged user without delegation): the sandbox
then relies on rlimits, and ``cpdata doctor`` says so.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cgroups", "RunCgroup"]

_ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()
# Our cgroups are named after the process that made them: a process killed with SIGKILL cannot remove its own, and
# a later process may get the same pid (containers count pids from 1), so names also carry a random part.
_OURS = re.compile(r"cpdata-(?:probe-)?(\d+)-")


def _unique_name(kind: str) -> str:
    return f"cpdata-{kind}{os.getpid()}-{next(_counter)}-{os.urandom(4).hex()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_leftovers(parent: Path) -> None:
    """Remove the empty cgroups that a killed cpdata left behind (their maker is gone).

    Only empty ones: a cgroup with processes may belong to a cpdata in another pid namespace that shares this
    hierarchy, whose pids mean nothing here. Ours are empty once the sandbox dies with its parent.
    """
    with contextlib.suppress(OSError):
        for child in parent.iterdir():
            match = _OURS.match(child.name)
            if match and child.is_dir() and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):  # busy: not empty, left alone
                    child.rmdir()


def _own_paths() -> dict[str, str]:
    """controller (or "" for v2) -> our cgroup's path, from /proc/self/cgroup."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _writable_child(parent: Path) -> bool:
    probe = parent / _unique_name("probe-")
    try:
        probe.mkdir()
    except OSError:
        return False
    with contextlib.suppress(OSError):
        probe.rmdir()
    return True


@dataclass(frozen=True)
class Cgroups:
    """Where per-run cgroups go: ``version`` 2 (``parents["unified"]``) or 1 (``parents["memory"]``, ``["pids"]``)."""

    version: int
    parents: dict[str, Path]

    @classmethod
    def detect(cls) -> Cgroups | None:
        try:
            own = _own_paths()
        except OSError:
            return None
        unified = _ROOT if (_ROOT / "cgroup.controllers").exists() else _ROOT / "unified"
        if "" in own and (unified / "cgroup.controllers").exists():
            base = unified / own[""].lstrip("/")
            controllers = (base / "cgroup.controllers").read_text().split() if (base / "cgroup.controllers").exists() else []
            if {"memory", "pids"} <= set(controllers) and _writable_child(base):
                with contextlib.suppress(OSError):  # fails unless we are at the root of our cgroup namespace
                    (base / "cgroup.subtree_control").write_text("+memory +pids")
                enabled = (base / "cgroup.subtree_control").read_text().split()
                if {"memory", "pids"} <= set(enabled):
                    _sweep_leftovers(base)
                    return cls(2, {"unified": base})
        if "memory" in own and "pids" in own:
            memory = _ROOT / "memory" / own["memory"].lstrip("/")
            pids = _ROOT / "pids" / own["pids"].lstrip("/")
            if (memory / "memory.limit_in_bytes").exists() and _writable_child(memory) and _writable_child(pids):
                _sweep_leftovers(memory)
                _sweep_leftovers(pids)
                return cls(1, {"memory": memory, "pids": pids})
        return None

    def describe(self) -> str:
        return f"cgroup v{self.version} ({', '.join(str(p) for p in self.parents.values())})"

    def create(self, memory_bytes: int, processes: int) -> RunCgroup:
        name = _unique_name("")
        if self.version == 2:
            path = self.parents["unified"] / name
            path.mkdir()
            run = RunCgroup(2, [path])
            run.write(path / "memory.max", memory_bytes)
            with contextlib.suppress(OSError):  # no swap accounting on this kernel: nothing to turn off
                run.write(path / "memory.swap.max", 0)
            run.write(path / "pids.max", processes)
            return run
        memory, pids = self.parents["memory"] / name, self.parents["pids"] / name
        memory.mkdir()
        pids.mkdir()
        run = RunCgroup(1, [memory, pids])
        run.write(memory / "memory.limit_in_bytes", memory_bytes)
        with contextlib.suppress(OSError):  # memsw exists only with swap accounting on; then swap counts too
            run.write(memory / "memory.memsw.limit_in_bytes", memory_bytes)
        with contextlib.suppress(OSError):
            run.write(memory / "memory.swappiness", 0)
        run.write(pids / "pids.max", processes)
        return run


@dataclass
class RunCgroup:
    version: int
    paths: list[Path]

    @staticmethod
    def write(path: Path, value: int | str) -> None:
        path.write_text(str(value))

    def procs_files(self) -> list[Path]:
        """The files a process writes its pid to (in every hierarchy) to join this run's cgroup."""
        return [path / "cgroup.procs" for path in self.paths]

    def _read(self, name: str) -> str:
        for path in self.paths:
            if (path / name).exists():
                with contextlib.suppress(OSError):
                    return (path / name).read_text()
        return ""

    def peak_memory(self) -> int | None:
        text = self._read("memory.peak" if self.version == 2 else "memory.max_usage_in_bytes").strip()
        return int(text) if text.isdigit() else None

    def oom_kills(self) -> int:
        """How many processes the kernel has killed in this cgroup for lack of memory so far."""
        try:  # read after every test of a batch: one open and read, no directory walk
            with open(self.paths[0] / ("memory.events" if self.version == 2 else "memory.oom_control"), "rb") as handle:
                text = handle.read().decode()
        except OSError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value)
        return 0

    def oom_killed(self) -> bool:
        return self.oom_kills() > 0

    def pids(self) -> list[int]:
        return [int(p) for p in self._read("cgroup.procs").split()]

    def kill_all(self) -> None:
        if self.version == 2 and (self.paths[0] / "cgroup.kill").exists():
            with contextlib.suppress(OSError):
                self.write(self.paths[0] / "cgroup.kill", 1)
        deadline = time.monotonic() + 10
        while (alive := self.pids()) and time.monotonic() < deadline:  # v1 (pids.max keeps this loop finite)
            for pid in alive:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.002)

    def remove(self) -> None:
        self.kill_all()
        for path in self.paths:
            for _ in range(200):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.005)  # the last processes are still being reaped
