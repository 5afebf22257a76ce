"""One uid per concurrent run, when cpdata runs as root.

All runs used to share ``nobody``, so a fork bomb in one run (or merely many runs at once) exhausted the shared
RLIMIT_NPROC and made other runs fail to start; and whatever one run left behind could signal or read the next.
Now each run leases a uid of its own from a range (``CPDATA_SANDBOX_UIDS``, default 2100000000-2100001023:
far from real accounts and from the usual /etc/subuid ranges). A lease is an exclusive ``flock`` on a lock file
in a root-only directory, so concurrent threads and concurrent cpdata processes never share a uid. When a lease is
returned, every process of that uid is killed, so nothing of one run survives into the next.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cpdata.curation.sandbox.isolation import SandboxUnavailable, verify_private

__all__ = ["DEFAULT_UID_RANGE", "ENV_UIDS", "UidPool", "parse_uid_range"]

ENV_UIDS = "CPDATA_SANDBOX_UIDS"
DEFAULT_UID_RANGE = (2_100_000_000, 2_100_001_023)


def parse_uid_range(text: str) -> tuple[int, int]:
    first, sep, last = text.partition("-")
    try:
        low, high = int(first), int(last if sep else first)
    except ValueError:
        raise SandboxUnavailable(f"{ENV_UIDS} takes FIRST-LAST (e.g. 2100000000-2100001023), not {text!r}") from None
    if not 1000 <= low <= high < 2**32 - 2:
        raise SandboxUnavailable(f"{ENV_UIDS}={text!r}: a range of unused uids above 1000 is needed")
    return low, high


def _lock_directory() -> Path:
    parent = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    directory = parent / "cpdata-sandbox-uids"
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700)
    verify_private(directory)  # a directory another user planted would let them steal or block leases
    return directory


@dataclass
class UidPool:
    """Leases of uids from ``[first, last]``; ``killer`` is the runner binary (``--kill-all``)."""

    first: int
    last: int
    killer: Path

    @classmethod
    def from_environment(cls, killer: Path) -> UidPool:
        text = os.environ.get(ENV_UIDS)
        first, last = parse_uid_range(text) if text else DEFAULT_UID_RANGE
        return cls(first, last, killer)

    def __post_init__(self) -> None:
        self.directory = _lock_directory()
        self._local = threading.Lock()
        self.leased: set[int] = set()
        """Every uid this pool has handed out (for checks that nothing of ours is left)."""

    @contextlib.contextmanager
    def lease(self) -> Iterator[int]:
        uid, handle = self._acquire()
        try:
            yield uid
        finally:
            try:
                self.kill_all(uid)
            finally:
                os.close(handle)

    def _acquire(self) -> tuple[int, int]:
        candidates = list(range(self.first, self.last + 1))
        random.shuffle(candidates)  # concurrent processes start their search in different places
        with self._local:
            for uid in candidates:
                handle = os.open(self.directory / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(handle)
                    continue
                self.kill_all(uid)  # a crashed run of another cpdata may have left something behind
                self.leased.add(uid)
                return uid, handle
        raise SandboxUnavailable(f"all {len(candidates)} sandbox uids ({self.first}-{self.last}) are in use; widen {ENV_UIDS}")

    def leftovers(self) -> dict[int, list[int]]:
        """Live processes of uids this pool leased that nobody holds now: there should be none."""
        found = {}
        for uid in sorted(self.leased):
            handle = os.open(self.directory / f"{uid}.lock", os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # leased again meanwhile (by us or another cpdata): its processes are that run's
            else:
                if alive := processes_of(uid):
                    found[uid] = alive
            finally:
                os.close(handle)
        return found

    def kill_all(self, uid: int) -> None:
        """SIGKILL every process of ``uid``: the runner does ``kill(-1)`` as that uid, which reaches nothing else;
        repeated until /proc shows none alive (a fork bomb may be forking while the first sweep runs)."""
        for _ in range(200):
            if not processes_of(uid):
                return
            subprocess.run([str(self.killer), "--kill-all"], user=uid, group=uid, extra_groups=[], check=False, timeout=30)
            time.sleep(0.001)
        raise SandboxUnavailable(f"processes of sandbox uid {uid} survive SIGKILL; refusing to reuse it")


def processes_of(uid: int) -> list[int]:
    """Live processes (not zombies, which hold nothing but their pid) whose real uid is ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as handle:
                status = handle.read(2048)
        except OSError:
            continue  # gone meanwhile
        state = status.partition(b"\nState:")[2].split(maxsplit=1)[:1]
        uids = status.partition(b"\nUid:")[2].split()[:1]
        if uids and int(uids[0]) == uid and state != [b"Z"]:
            found.append(int(entry.name))
    return found
