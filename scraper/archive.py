"""Read test archives (zip) safely: nothing written to disk, no path that leaves the archive's folder, per-file and
total sizes capped while decompressing (a zip bomb is refused with a clear error, not discovered by an OOM).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass

__all__ = ["ArchiveError", "ArchiveLimits", "pair_tests", "read_zip"]


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


def read_zip(data: bytes, limits: ArchiveLimits = ArchiveLimits(), source: str = "archive") -> dict[str, bytes]:
    """Every regular file in the zip, by its normalized path."""
    try:
        return _read(data, limits, source)
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError, KeyError) as exc:  # fmt: skip
        # a corrupt member, an unknown compression method, an encrypted file, a truncated archive
        what = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else "unreadable zip archive"
        raise ArchiveError(f"{source}: {what} ({type(exc).__name__}: {exc})") from exc


def _read(data: bytes, limits: ArchiveLimits, source: str) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > limits.max_files:
        raise ArchiveError(f"{source}: {len(members)} files, more than the limit of {limits.max_files}")
    files: dict[str, bytes] = {}
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
        # Declared sizes can lie: count what really comes out, and stop at the limits.
        chunks = []
        size = 0
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 16):
                size += len(chunk)
                total += len(chunk)
                if size > limits.max_file_bytes:
                    raise ArchiveError(f"{source}: {name} is larger than the per-file limit {limits.max_file_bytes}")
                if size > allowed:
                    raise ArchiveError(f"{source}: {name} expands more than {limits.max_ratio}x: refused as a zip bomb")
                if total > limits.max_total_bytes:
                    raise ArchiveError(f"{source}: more than {limits.max_total_bytes} bytes in all: refused as a zip bomb")
                chunks.append(chunk)
        files[name] = b"".join(chunks)
    return files


def pair_tests(files: dict[str, bytes], input_dir: str, output_dir: str) -> list[tuple[str, bytes, bytes]]:
    """(name, input, output) for every file under ``input_dir`` with a same-named file under ``output_dir``;
    other files (checkers, READMEs) are ignored."""
    inputs = {posixpath.basename(k): v for k, v in files.items() if posixpath.dirname(k).endswith(input_dir)}
    outputs = {posixpath.basename(k): v for k, v in files.items() if posixpath.dirname(k).endswith(output_dir)}
    return [(name, inputs[name], outputs[name]) for name in sorted(inputs) if name in outputs]
