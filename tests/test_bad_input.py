"""Bad input that used to escape its error type: every parser on malformed bodies, corrupt zips, zip bombs made
of small members, out-of-range numbers and dates, NaN, a killed ingest, and a store another process holds."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpdata.cli import app
from cpdata.curation.formats.codecontests import CodeContestsRecord
from cpdata.curation.formats.writers import JsonlWriter
from cpdata.schema import Store
from cpdata.schema.archive import ArchiveError, ArchiveLimits, read_zip
from cpdata.scraper.base import Page, Parsed, ParseError
from cpdata.scraper.cache import PageCache
from cpdata.scraper.registry import SITES, UnknownURL, route_url
from cpdata.scraper.session import reparse
from tests.conftest import REAL_PAGES, ROOT

WRONG_BODIES = [
    b"",
    b"{",
    b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the interpreter's recursion limit
    b'{"status":"OK","result":{"a":1}}',
    b'{"status":"OK","result":[1,2,3]}',
    b'{"status":"OK","result":[{"id":null,"name":7}]}',
    b'{"status":"OK","result":{"problems":{"x":1},"problemStatistics":"y"}}',
    b"null",
    b'"just a string"',
    b"[]",
    b"{}",
    b'{"result": [], "contents": {"list": 5}}',
    b"\xff\xfe\x00garbage\x00",
    b"<html><body><div class='problem-statement'></div><table><tr><td></td></tr></table></body></html>",
    b"<html><body>" + b"<div>" * 5000 + b"</body></html>",
]


def _recorded_pages() -> list[tuple[str, bytes]]:
    """(URL, body) of every recording we have: the demo's sites, and the real pages in ../shared when present."""
    pages = []
    for site in ("codeforces", "atcoder"):
        root = ROOT / "data" / "demo" / site
        for entry in json.loads((root / "index.json").read_text()):
            if entry.get("method", "GET") == "GET":
                pages.append(
                    (
                        entry["url"] if "://" in entry["url"] else f"https://{_host(site)}{entry['url']}",
                        (root / entry["file"]).read_bytes(),
                    )
                )
    provenance = REAL_PAGES / "PROVENANCE.tsv"
    if provenance.exists():
        for row in csv.DictReader(provenance.open(encoding="utf-8"), delimiter="\t"):
            url = (row.get("url") or "").split(" ")[0]
            path = REAL_PAGES / row["local_file"]
            if url.startswith("http") and path.is_file():
                pages.append((url, path.read_bytes()))
    return pages


def _host(site: str) -> str:
    return {"codeforces": "codeforces.com", "atcoder": "atcoder.jp"}[site]


def _parses_or_says_why(url: str, body: bytes) -> None:
    try:
        site, _, _ = route_url(url)
    except UnknownURL:
        return
    try:
        assert isinstance(site.parse(Page(url=url, status=200, body=body)), Parsed)
    except ParseError as exc:
        assert exc.url == url if hasattr(exc, "url") else url in str(exc)


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.site.value)
def test_every_route_turns_a_malformed_body_into_a_parse_error(site) -> None:  # type: ignore[no-untyped-def]
    for url, _kind in site.examples:
        for body in WRONG_BODIES:
            _parses_or_says_why(url, body)


def test_truncated_recordings_and_real_pages_fail_cleanly() -> None:
    pages = _recorded_pages()
    assert len(pages) > 40
    for url, body in pages:
        _parses_or_says_why(url, body)
        for fraction in (0.1, 0.5, 0.9):
            _parses_or_says_why(url, body[: int(len(body) * fraction)])


def test_reparse_records_a_page_that_does_not_parse_and_goes_on(tmp_path: Path) -> None:
    with PageCache(tmp_path / "cache") as cache:
        cache.put(Page("https://codeforces.com/api/contest.list?gym=false", 200, b'{"status":"OK","result":{"a":1}}'), "1")
        good = ROOT / "data" / "demo" / "codeforces" / "html" / "contest_1001_problems.html"
        cache.put(Page("https://codeforces.com/contest/1001/problems?locale=en", 200, good.read_bytes()), "1")
    with Store(tmp_path / "s.sqlite") as store:
        summary = reparse(store, tmp_path / "cache")
    assert len(summary.failures) == 1 and "contest.list" in summary.failures[0]["url"]
    assert summary.parsed == 1 and summary.entities.get("problem", 0) > 0


# -- archives --------------------------------------------------------------------------------------------------
def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _corrupt_data() -> bytes:
    data = bytearray(_zip({"in/1.txt": os.urandom(4000)}))
    data[60:80] = b"\x00" * 20  # inside the compressed stream
    return bytes(data)


def _unknown_method() -> bytes:
    data = bytearray(_zip({"in/1.txt": b"1 2\n" * 100}))
    for offset in (8, data.rfind(b"PK\x01\x02") + 10):  # local header and central directory: method 99
        data[offset : offset + 2] = (99).to_bytes(2, "little")
    return bytes(data)


def _encrypted() -> bytes:
    data = bytearray(_zip({"in/1.txt": b"1 2\n" * 100}))
    for offset in (6, data.rfind(b"PK\x01\x02") + 8):  # the "encrypted" flag bit
        data[offset] |= 1
    return bytes(data)


@pytest.mark.parametrize(
    "archive",
    [_corrupt_data(), _unknown_method(), _encrypted(), _zip({"in/1.txt": b"x" * 10000})[:-30], b"PK\x03\x04" + b"\0" * 40],
    ids=["corrupt data", "unknown method", "encrypted", "truncated", "just a header"],
)
def test_a_damaged_zip_is_an_archive_error(archive: bytes) -> None:
    with pytest.raises(ArchiveError):
        read_zip(archive, source="https://yukicoder.me/problems/no/1/testcase.zip")


def test_small_members_count_towards_the_zip_bomb_rule() -> None:
    bomb = _zip({f"in/{i}.txt": b"\0" * (1 << 20) for i in range(64)})  # 64 MiB from about 70 KB, 1 MiB a member
    assert len(bomb) < 200_000
    with pytest.raises(ArchiveError, match="zip bomb"):
        read_zip(bomb, ArchiveLimits(max_total_bytes=1 << 30))
    assert read_zip(_zip({"in/1.txt": b"1 2\n3 4\n"})) == {"in/1.txt": b"1 2\n3 4\n"}  # a small, honest file is fine


# -- the entity stream: numbers and dates out of range, NaN -----------------------------------------------------------
def test_huge_integers_overflowing_dates_and_nan_are_rejected_lines(tmp_path: Path) -> None:
    good = '{"entity": "contest", "site": "codeforces", "contest_id": "1", "name": "ok"}'
    bad = [
        json.dumps({"entity": "problem", "site": "codeforces", "contest_id": "1", "index": "A", "time_limit_ms": 2**70}),
        '{"entity": "contest", "site": "codeforces", "contest_id": "2", "start_time": "9999-12-31T23:00:00-05:00"}',
        '{"entity": "problem", "site": "codeforces", "contest_id": "1", "index": "B", "points": NaN}',
        '{"entity": "problem", "site": "codeforces", "contest_id": "1", "index": "C", "difficulty": Infinity}',
    ]
    result = CliRunner().invoke(
        app, ["ingest", "-", "--db", str(tmp_path / "s.sqlite"), "--json", "--workers", "1"], input="\n".join([good, *bad]) + "\n"
    )
    summary = json.loads(result.stdout)
    assert result.exit_code == 1 and summary["invalid_lines"] == 4 and summary["read"] == {"contest": 1}
    assert {e["line"] for e in summary["errors"]} == {2, 3, 4, 5}


def test_a_jsonl_export_never_holds_nan(tmp_path: Path) -> None:
    fields = {"name": "x", "site": "codeforces", "contest_id": "1", "index": "A", "cf_points": float("nan")}
    record = CodeContestsRecord.model_validate(fields)
    writer = JsonlWriter(tmp_path / "train.jsonl")
    writer.write(record)
    writer.close()
    line = (tmp_path / "train.jsonl").read_text()

    def refuse(value: str) -> float:
        raise ValueError(f"{value} is not JSON")

    parsed = json.loads(line, parse_constant=refuse)
    assert parsed["cf_points"] is None and not any(isinstance(v, float) and not math.isfinite(v) for v in parsed.values())


# -- a killed ingest, a locked store --------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_a_killed_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    stream = tmp_path / "big.jsonl"
    with stream.open("w") as handle:
        for i in range(400_000):
            handle.write(json.dumps({"entity": "contest", "site": "codeforces", "contest_id": str(i), "name": f"c{i}"}) + "\n")
    command = [sys.executable, "-m", "cpdata", "ingest", str(stream), "--db", str(tmp_path / "s.sqlite"), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = [c for c in _children(process.pid) if "spawn" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")]
        time.sleep(0.1)
    assert len(workers) >= 2, "the workers did not start"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]


@pytest.mark.parametrize("command", [["ingest", "-"], ["scrape", "codeforces", "--offline", "--contest", "1"]])
def test_a_store_locked_by_another_writer_is_waited_for_then_a_clean_error(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "s.sqlite"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "cpdata", *command, "--db", str(db)]
            + (["--cache", str(tmp_path / "c")] if command[0] == "scrape" else []),
            input='{"entity": "contest", "site": "codeforces", "contest_id": "1"}\n',
            capture_output=True,
            text=True,
            env={**os.environ, "CPDATA_LOCK_TIMEOUT": "2"},
            timeout=60,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "waiting:" in done.stderr and "locked by another writer" in done.stderr
    assert time.monotonic() - started >= 2
