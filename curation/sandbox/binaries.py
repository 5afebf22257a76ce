"""Compile once: a content-addressed cache of builds, shared by verify, gen-tests and strength, across rounds and runs.

The key is the toolchain (dialect, commands, compiler versions) and the source: the same solution compiled by the
same compiler is the same binary. An entry holds the build's plain files and the compile result, compile errors
included (a solution that does not compile is not compiled again each round); a failure of the sandbox while
compiling is never stored. Entries are written into a temporary directory and renamed into place, so a crash or
a concurrent writer leaves either no entry or a whole one. The cache lives in ``~/.cache/cpdata/binaries``
(``$XDG_CACHE_HOME``), private to its user, as the runner does; ``CPDATA_BINARY_CACHE`` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cpdata.curation.sandbox.isolation import private_cache

__all__ = ["ENV_BINARY_CACHE", "BinaryCache", "CachedBuild"]

ENV_BINARY_CACHE = "CPDATA_BINARY_CACHE"
_RESULT = "cpdata-compile.json"


@dataclass(frozen=True)
class CachedBuild:
    directory: Path
    status: str
    stderr: str
    detail: str


class BinaryCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = private_cache("binaries", root or os.environ.get(ENV_BINARY_CACHE))
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(toolchain: str, code: str) -> str:
        return hashlib.sha256(f"{toolchain}\0{code}".encode()).hexdigest()

    def get(self, key: str) -> CachedBuild | None:
        entry = self.root / key[:2] / key
        try:
            result = json.loads((entry / _RESULT).read_text())
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return CachedBuild(entry, str(result["status"]), str(result.get("stderr", "")), str(result.get("detail", "")))

    def put(self, key: str, build: Path, status: str, stderr: str, detail: str) -> None:
        """Store a finished build (its plain files) and how the compile ended; an existing entry stays."""
        shelf = self.root / key[:2]
        shelf.mkdir(exist_ok=True, mode=0o700)
        final = shelf / key
        if final.exists():
            return
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=shelf))
        try:
            for entry in os.scandir(build):
                if entry.is_file(follow_symlinks=False):
                    shutil.copyfile(entry.path, staging / entry.name, follow_symlinks=False)
                    mode = os.lstat(entry.path).st_mode
                    os.chmod(staging / entry.name, 0o755 if mode & stat.S_IXUSR else 0o644)
            (staging / _RESULT).write_text(json.dumps({"status": status, "stderr": stderr[-4000:], "detail": detail}))
            os.rename(staging, final)  # atomic: readers see no entry or a whole one
        except OSError:
            pass  # another process stored the same build first, or the disk is full: the build is still usable
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)

    def restore(self, cached: CachedBuild, build: Path) -> None:
        """Copy a cached build's files into a fresh build directory."""
        for entry in os.scandir(cached.directory):
            if entry.name != _RESULT and entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, build / entry.name, follow_symlinks=False)
                os.chmod(build / entry.name, os.lstat(entry.path).st_mode & 0o777)
