"""Per-run cgroups survive what a killed cpdata leaves behind (CI failed on this: a reused pid met its old cgroup)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cpdata.curation.sandbox import cgroups
from cpdata.curation.sandbox.cgroups import Cgroups

FOUND = Cgroups.detect()
needs_cgroups = pytest.mark.skipif(FOUND is None, reason="no writable cgroup with memory and pids controllers here")


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@needs_cgroups
def test_a_cgroup_left_by_a_killed_process_with_our_pid_does_not_stop_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    assert FOUND is not None
    parent = next(iter(FOUND.parents.values()))
    pid = _dead_pid()
    monkeypatch.setattr(cgroups.os, "getpid", lambda: pid)  # as if the killed process's pid came back to us
    counter = cgroups._counter
    monkeypatch.setattr(cgroups, "_counter", iter(range(3)))
    planted = [parent / f"cpdata-{pid}-{n}" for n in range(3)]  # the old naming, which collided
    for path in planted:
        path.mkdir(exist_ok=True)
    try:
        runs = [FOUND.create(64 << 20, 8) for _ in range(3)]
        for run in runs:
            assert all(path.is_dir() for path in run.paths)
            assert not set(run.paths) & set(planted)
            run.remove()
            assert not any(path.exists() for path in run.paths)
    finally:
        monkeypatch.setattr(cgroups, "_counter", counter)
        for path in planted:
            if path.exists():
                path.rmdir()


@needs_cgroups
def test_empty_cgroups_of_dead_makers_are_swept_and_live_ones_kept() -> None:
    assert FOUND is not None
    parent = next(iter(FOUND.parents.values()))
    dead = parent / f"cpdata-{_dead_pid()}-0-00000000"
    probe = parent / f"cpdata-probe-{_dead_pid()}-1-00000000"
    live = FOUND.create(64 << 20, 8)
    for path in (dead, probe):
        path.mkdir()
    try:
        again = Cgroups.detect()
        assert again == FOUND
        assert not dead.exists() and not probe.exists()
        assert all(path.is_dir() for path in live.paths)  # its maker (this process) is alive
    finally:
        live.remove()
        for path in (dead, probe):
            if path.exists():
                path.rmdir()
