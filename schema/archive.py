"""Read archives safely: nothing written to disk, no path that leaves the archive's folder, per-file and total sizes
capped while decompressing (a zip bomb is refused with a clear error, not discovered by an OOM). Test archives
(``read_zip``, in memory) and the pre-training corpus's source archives (``iter_archive``, zip or tar, one member at
a time) follow the same rules.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["ArchiveError", "ArchiveLimits", "is_archive", "iter_archive", "pair_tests", "read_zip"]


class ArchiveError(ValueError):
    """An archive we refuse to read; the message says which rule it broke."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_file_bytes: int = 256 << 20
    max_total_bytes: int = 1 << 30
    max_files: int = 10_000
    max_ratio: int = 200
    """A member that decompresses to more than this many times its compressed size is a bomb."""


def _safe_name(name: str) -> str:
    normalized = posixpath.normpath(name.replace("\\", "/"))
    if normalized.startswith(("/", "../")) or normalized == ".." or ":" in normalized.split("/")[0]:
        raise ArchiveError(f"member {name!r} points outside the archive")
    return normalized


_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, zlib.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError, KeyError)  # fmt: skip
"""A corrupt member, an unknown compression method, an encrypted file, a truncated archive."""


def read_zip(data: bytes, limits: ArchiveLimits = ArchiveLimits(), source: str = "archive") -> dict[str, bytes]:
    """Every regular file in the zip, by its normalized path."""
    try:
        return dict(_zip_members(io.BytesIO(data), limits, source))
    except ArchiveError:
        raise
    except _UNREADABLE as exc:
        what = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else "unreadable zip archive"
        raise ArchiveError(f"{source}: {what} ({type(exc).__name__}: {exc})") from exc


_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def is_archive(path: Path) -> bool:
    """A zip or tar archive, by its name."""
    name = path.name.lower()
    return name.endswith(".zip") or name.endswith(_TAR_SUFFIXES)


def iter_archive(path: Path, limits: ArchiveLimits = ArchiveLimits()) -> Iterator[tuple[str, bytes]]:
    """Every regular file of a zip or tar archive on disk, one at a time (memory holds one member), by the same
    rules as ``read_zip``. Links, devices and directories are skipped; a bad archive is an ``ArchiveError``."""
    source = str(path)
    try:
        if path.name.lower().endswith(".zip"):
            with path.open("rb") as handle:
                yield from _zip_members(handle, limits, source)
        else:
            yield from _tar_members(path, limits, source)
    except ArchiveError:
        raise
    except _UNREADABLE as exc:
        raise ArchiveError(f"{source}: unreadable archive ({type(exc).__name__}: {exc})") from exc


def _tar_members(path: Path, limits: ArchiveLimits, source: str) -> Iterator[tuple[str, bytes]]:
    # A compressed tar is one stream: the ratio rule is judged on the whole (what came out over the file's size).
    allowed_total = max(path.stat().st_size, 1) * limits.max_ratio + (1 << 20)
    total = files = 0
    with tarfile.open(path, "r:*") as archive:
        for member in archive:
            if not member.isfile():
                continue
            files += 1
            if files > limits.max_files:
                raise ArchiveError(f"{source}: more than the limit of {limits.max_files} files")
            name = _safe_name(member.name)
            if member.size > limits.max_file_bytes:
                raise ArchiveError(
                    f"{source}: {name} declares {member.size} bytes, over the per-file limit {limits.max_file_bytes}"
                )
            stream = archive.extractfile(member)
            if stream is None:
                continue
            data = _capped(stream, name, limits.max_total_bytes - total, None, limits, source)
            total += len(data)
            if total > allowed_total:
                raise ArchiveError(f"{source}: expands more than {limits.max_ratio}x its size: refused as a bomb")
            yield name, data


def _capped(stream: IO[bytes], name: str, room: int, allowed: int | None, limits: ArchiveLimits, source: str) -> bytes:
    """A member's bytes, stopping as soon as they pass the per-file cap, the ``room`` left of the total, or the ratio
    rule (declared sizes can lie)."""
    chunks = []
    size = 0
    while chunk := stream.read(1 << 16):
        size += len(chunk)
        if size > limits.max_file_bytes:
            raise ArchiveError(f"{source}: {name} is larger than the per-file limit {limits.max_file_bytes}")
        if size > room:
            raise ArchiveError(f"{source}: more than {limits.max_total_bytes} bytes in all: refused as a zip bomb")
        if allowed is not None and size > allowed:
            raise ArchiveError(f"{source}: {name} expands more than {limits.max_ratio}x: refused as a zip bomb")
        chunks.append(chunk)
    return b"".join(chunks)


def _zip_members(handle: IO[bytes], limits: ArchiveLimits, source: str) -> Iterator[tuple[str, bytes]]:
    archive = zipfile.ZipFile(handle)
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > limits.max_files:
        raise ArchiveError(f"{source}: {len(members)} files, more than the limit of {limits.max_files}")
    total = 0
    for member in members:
        name = _safe_name(member.filename)
        if member.file_size > limits.max_file_bytes:
            raise ArchiveError(
                f"{source}: {name} declares {member.file_size} bytes, over the per-file limit {limits.max_file_bytes}"
            )
        # Every member counts, small ones too: a thousand 1 MiB members at 1000x each are a bomb all the same. The
        # ratio is judged on what really comes out (declared sizes can lie), with a little room for tiny files.
        allowed = max(member.compress_size, 1) * limits.max_ratio + 4096
        with archive.open(member) as stream:
            data = _capped(stream, name, limits.max_total_bytes - total, allowed, limits, source)
        total += len(data)
        yield name, data


def pair_tests(files: dict[str, bytes], input_dir: str, output_dir: str) -> list[tuple[str, bytes, bytes]]:
    """(name, input, output) for every file under ``input_dir`` with a same-named file under ``output_dir``;
    other files (checkers, READMEs) are ignored."""
    inputs = {posixpath.basename(k): v for k, v in files.items() if posixpath.dirname(k).endswith(input_dir)}
    outputs = {posixpath.basename(k): v for k, v in files.items() if posixpath.dirname(k).endswith(output_dir)}
    return [(name, inputs[name], outputs[name]) for name in sorted(inputs) if name in outputs]
