"""Test archives are read safely: no path leaves the archive, sizes are capped, bombs are refused clearly."""

from __future__ import annotations

import io
import zipfile

import pytest

from cpdata.schema.archive import ArchiveError, ArchiveLimits, pair_tests, read_zip


def _zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_regular_archives_are_read_and_paired() -> None:
    files = read_zip(
        _zip({"test_in/01.txt": b"1\n", "test_out/01.txt": b"2\n", "test_in/02.txt": b"3\n", "judge/checker.cpp": b"x"})
    )
    assert pair_tests(files, "test_in", "test_out") == [("01.txt", b"1\n", b"2\n")]


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b.txt", "C:/windows/x.txt", "..\\win.txt"])
def test_paths_that_leave_the_folder_are_refused(name: str) -> None:
    with pytest.raises(ArchiveError, match="points outside the archive"):
        read_zip(_zip({name: b"x"}))


def test_a_zip_bomb_is_refused_by_its_ratio() -> None:
    bomb = _zip({"test_in/big.txt": b"0" * (64 << 20)})  # 64 MiB of zeros squeeze into ~65 KB
    assert len(bomb) < 1 << 20
    with pytest.raises(ArchiveError, match="refused as a zip bomb"):
        read_zip(bomb)


def test_per_file_and_total_caps_hold_even_when_sizes_lie() -> None:
    limits = ArchiveLimits(max_file_bytes=1000, max_total_bytes=1500, max_ratio=10**9)
    with pytest.raises(ArchiveError, match="over the per-file limit"):
        read_zip(_zip({"a.txt": b"x" * 2000}), limits)
    with pytest.raises(ArchiveError, match="more than 1500 bytes in all"):
        read_zip(_zip({"a.txt": b"x" * 900, "b.txt": b"y" * 900}), limits)
    with pytest.raises(ArchiveError, match="files, more than the limit"):
        read_zip(_zip({f"{i}.txt": b"" for i in range(5)}), ArchiveLimits(max_files=3))


def test_not_a_zip_is_a_clear_error() -> None:
    with pytest.raises(ArchiveError, match="not a zip archive"):
        read_zip(b"<html>login</html>", source="https://yukicoder.me/problems/no/1/testcase.zip")
