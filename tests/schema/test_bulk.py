"""The parallel ingest (worker processes validate, the parent writes) stores what the serial one stores, and
reports the same bad lines with the same numbers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, ProgrammingError

from cpdata.schema import Store
from cpdata.schema.bulk import chunk_lines, ingest_lines
from cpdata.schema.models import Submission
from cpdata.schema.store import compiled_upsert, table_of
from tests.schema.test_store import _dump


def _lines() -> list[str]:
    lines = []
    for n in range(3000):
        contest = str(1000 + n // 100)
        lines.append(
            json.dumps(
                {
                    "entity": "submission",
                    "site": "codeforces",
                    "submission_id": str(n),
                    "contest_id": contest,
                    "index": "AB"[n % 2],
                    "language_raw": "GNU C++17" if n % 3 else "Python 3",
                    "verdict_raw": "OK" if n % 4 else "WRONG_ANSWER",
                    "created_at": 1_600_000_000 + n,
                }
            )
        )
        if n % 700 == 0:
            lines.append("{broken")
        if n % 500 == 0:
            lines.append(
                json.dumps({"entity": "problem", "site": "codeforces", "contest_id": contest, "index": "A", "name": f"P{n}"})
            )
    lines.append("")
    return lines


def test_parallel_ingest_equals_serial_ingest(tmp_path: Path) -> None:
    lines = _lines()
    with Store(tmp_path / "serial.sqlite") as serial, Store(tmp_path / "parallel.sqlite") as parallel:
        serial_report, serial_errors = ingest_lines(serial, lines, batch_size=400, workers=1)
        parallel_report, parallel_errors = ingest_lines(parallel, lines, batch_size=400, workers=2)
        assert _dump(serial) == _dump(parallel)
        assert parallel_report.stored == serial_report.stored == {"submission": 3000, "problem": 6}
        assert [(e.line, e.reason) for e in parallel_errors] == [(e.line, e.reason) for e in serial_errors]
        assert [e.line for e in parallel_errors] == [n + 1 for n, line in enumerate(lines) if line == "{broken"]
        again, _ = ingest_lines(parallel, lines, batch_size=400, workers=2)
        assert sum(again.changed.values()) == 0


def test_prepared_writes_keep_foreign_keys_whole_and_checked_afterwards(tmp_path: Path) -> None:
    """The prepared write skips SQLite's per-row foreign-key lookups (it inserts the parents itself): the store must
    still be whole, and every pooled connection must check foreign keys again afterwards, even after a failed write."""
    with Store(tmp_path / "s.sqlite") as store:
        ingest_lines(store, _lines(), batch_size=400, workers=1)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        upsert = compiled_upsert(store.engine.dialect, table_of(Submission), False)
        too_short = {"submission": (upsert.sql, [("codeforces", "x", "1", "A")])}
        with pytest.raises(ProgrammingError, match="number of bindings"):
            store.write_prepared(too_short, set(), set(), Counter())
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            orphan = "INSERT INTO submission (site, submission_id, contest_id, \"index\") VALUES ('aoj', '1', 'none', 'X')"
            with pytest.raises(IntegrityError, match="FOREIGN KEY"):
                conn.exec_driver_sql(orphan)
        assert store.count("submission") == 3000


def test_an_interrupted_parallel_ingest_leaves_no_pool_thread_running(tmp_path: Path) -> None:
    """After Ctrl-C the pool's manager thread must be gone before the error propagates: left running, it races
    CPython's exit hook, which then prints a traceback about a closed pipe (seen in CI)."""
    import threading

    lines = _lines()

    def interrupted() -> Iterator[str]:
        for number, line in enumerate(lines):
            if number == 2500:  # a few chunks are with the workers
                raise KeyboardInterrupt
            yield line

    with Store(tmp_path / "s.sqlite") as store, pytest.raises(KeyboardInterrupt):
        ingest_lines(store, interrupted(), batch_size=200, workers=2)
    assert [t.name for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread"] == []


def test_lines_are_read_in_numbered_chunks_without_blank_lines_and_with_undecodable_ones_named() -> None:
    lines: list[bytes] = [b'{"a": 1}\n', b"\n", b"  \t\r\n", b'{"b": "\xff"}\n', b'{"c": 3}\n', "\u00a0\n".encode(), b'{"d"}']
    chunks = list(chunk_lines(lines, 3))
    assert [[number for number, _ in chunk] for chunk, _ in chunks] == [[1], [5], [7]]
    assert [[error.line for error in bad] for _, bad in chunks] == [[], [4], []]
    assert "byte 0xff at column 8" in chunks[1][1][0].reason
    assert chunks[2][0] == [(7, '{"d"}')] and list(chunk_lines([], 3)) == []
    assert [chunk for chunk, _ in chunk_lines(["x\n", " \n", "y"], 1)] == [[(1, "x\n")], [(3, "y")]]
