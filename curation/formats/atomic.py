"""Write an output directory all at once: into a staging directory beside it, then renamed into place.

An export killed half-way (Ctrl-C, kill -9, a full disk) leaves the previous export whole and loadable, never
empty split files under an old manifest. The target holds exactly one export: the new one replaces the old one as
a whole, so files of another format cannot linger beside it. A directory that is not an export (it has files but
no manifest) is never replaced: it may be someone's work.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["NotAnExportDirectory", "staged_directory"]

_STAGING = ".cpdata-staging-"
_RETIRED = ".cpdata-retired-"


class NotAnExportDirectory(RuntimeError):
    """The target exists and holds files that no export of ours wrote."""


def _leftovers(target: Path) -> Iterator[Path]:
    for prefix in (_STAGING, _RETIRED):
        yield from target.parent.glob(f"{prefix}{target.name}-*")


def _recover(target: Path, marker: str) -> None:
    """A run killed between its two renames left the old export retired and no target: put it back."""
    if target.exists():
        return
    retired = [p for p in target.parent.glob(f"{_RETIRED}{target.name}-*") if (p / marker).is_file()]
    if retired:
        os.replace(max(retired, key=lambda p: p.stat().st_mtime), target)


@contextmanager
def staged_directory(target: Path, marker: str) -> Iterator[Path]:
    """Yield an empty staging directory; on success it becomes ``target`` (``marker``, e.g. ``manifest.json``, must
    be in it: written last, it is what says an export is complete). On any failure the staging directory goes and
    ``target`` is as it was."""
    target = Path(target)
    _recover(target, marker)
    if target.exists() and not target.is_dir():
        raise NotAnExportDirectory(f"{target} is a file, not a directory")
    if target.is_dir() and any(target.iterdir()) and not (target / marker).is_file():
        raise NotAnExportDirectory(
            f"{target} is not empty and holds no {marker}: it is not an export, so it is not replaced; choose an "
            "empty or new directory"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in _leftovers(target):  # from a run that was killed: never a complete export
        shutil.rmtree(leftover, ignore_errors=True)
    staging = target.parent / f"{_STAGING}{target.name}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        yield staging
        if not (staging / marker).is_file():
            raise RuntimeError(f"internal error: the export wrote no {marker}")
        retired = None
        if target.exists():
            retired = target.parent / f"{_RETIRED}{target.name}-{uuid.uuid4().hex[:8]}"
            os.replace(target, retired)
        os.replace(staging, target)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
