"""Ingest throughput: 1,000,000 synthetic submissions through `Store.ingest` vs plain sqlite3.executemany.

Both sides read the same JSONL file line by line and write the same table (same indexes) in batches of 5,000
rows, one transaction per batch. cpdata as `cpdata ingest` runs it (validating worker processes, one per core),
and all in one process for comparison (with the part of it spent before SQLite: validating and building rows).
cpdata also validates every line with pydantic, derives the normalized fields, creates missing parents and
upserts; the baseline does a bare INSERT. Goal: within 1.3x, in one process too.
Peak memory of a one-process ingest of 100k, 200k, 500k and 1M lines, each in a fresh process (goal: flat, within
10% from 100k to 1M).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cpdata.schema import Store
from cpdata.schema.bulk import chunk_lines, ingest_lines, prepare_chunk
from cpdata.schema.collection import batch_collection

N = int(os.environ.get("BENCH_INGEST_N", "1000000"))
BATCH = 5000
LANGS = ["GNU G++17 7.3.0", "Python 3", "PyPy 3-64", "Java 11", "Kotlin 1.7"]
VERDICTS = ["OK", "WRONG_ANSWER", "TIME_LIMIT_EXCEEDED", "RUNTIME_ERROR", "COMPILATION_ERROR"]


def _write_stream(path: Path, n: int) -> None:
    with path.open("w") as out:
        for i in range(n):
            contest = 1000 + (i // 2000)
            out.write(
                json.dumps(
                    {
                        "entity": "submission",
                        "site": "codeforces",
                        "submission_id": str(10_000_000 + i),
                        "contest_id": str(contest),
                        "index": "ABCDEF"[i % 6],
                        "problem_id": f"{contest}{'ABCDEF'[i % 6]}",
                        "language_raw": LANGS[i % 5],
                        "verdict_raw": VERDICTS[(i // 5) % 5],
                        "created_at": 1_600_000_000 + i,
                        "time_ms": i % 2000,
                        "memory_bytes": (i % 256) * 1024,
                        "passed_tests": i % 50,
                    }
                )
                + "\n"
            )


def _cpdata(stream: Path, db: Path, workers: int) -> float:
    """What `cpdata ingest` does: the file read as bytes, validating worker processes (1: all in this process), the
    parent writes."""
    started = time.perf_counter()
    with Store(db) as store, stream.open("rb") as handle:
        report, errors = ingest_lines(store, handle, batch_size=BATCH, workers=workers)
    assert report.stored["submission"] == N and not errors
    return time.perf_counter() - started


def _prepare_only(stream: Path) -> float:
    """What one process spends before SQLite: reading, validating and building the rows, nothing written. With the
    baseline's insert time this bounds how close a one-process ingest can get (see the result's floor)."""
    started = time.perf_counter()
    with batch_collection(), stream.open("rb") as handle:  # as ingest_lines reads and collects garbage
        for chunk, _ in chunk_lines(handle, BATCH):
            prepare_chunk("sqlite://", chunk)
    return time.perf_counter() - started


def _baseline(stream: Path, db: Path) -> float:
    Store(db).close()  # the same schema and indexes, created by cpdata; then plain sqlite3
    columns = [
        "site",
        "submission_id",
        "contest_id",
        "index",
        "problem_id",
        "language_raw",
        "verdict_raw",
        "created_at",
        "time_ms",
        "memory_bytes",
        "passed_tests",
    ]
    sql = f"INSERT INTO submission ({', '.join(chr(34) + c + chr(34) for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=OFF")  # the baseline writes no parents
    batch: list[tuple[Any, ...]] = []
    with stream.open() as handle:
        for line in handle:
            row = json.loads(line)
            batch.append(tuple(row[c] for c in columns))
            if len(batch) >= BATCH:
                with connection:
                    connection.executemany(sql, batch)
                batch = []
    if batch:
        with connection:
            connection.executemany(sql, batch)
    connection.close()
    return time.perf_counter() - started


_PEAK = """
import json, resource, sys
from cpdata.schema import Store
from cpdata.schema.bulk import ingest_lines
with Store(sys.argv[2]) as store, open(sys.argv[1], "rb") as handle:
    report, errors = ingest_lines(store, handle, batch_size=5000, workers=1)
print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _peak(stream: Path, lines: int, folder: Path) -> float:
    """Peak resident memory of ingesting the first ``lines`` lines of the stream, in a fresh process."""
    import subprocess

    part = folder / f"part-{lines}.jsonl"
    with stream.open() as source, part.open("w") as out:
        for _ in range(lines):
            out.write(source.readline())
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(part), str(folder / f"peak-{lines}.sqlite")], capture_output=True, text=True, check=True
    )
    part.unlink()
    return float(json.loads(done.stdout)["peak_rss_mb"])


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stream = folder / "submissions.jsonl"
        _write_stream(stream, N)
        baseline = _baseline(stream, folder / "baseline.sqlite")
        ours = _cpdata(stream, folder / "cpdata.sqlite", workers=os.cpu_count() or 1)
        serial = _cpdata(stream, folder / "serial.sqlite", workers=1)
        prepare = _prepare_only(stream)
        again = _cpdata(stream, folder / "cpdata.sqlite", workers=os.cpu_count() or 1)  # idempotent re-ingest
        sizes = [n for n in (100_000, 200_000, 500_000, 1_000_000) if n <= N]
        peaks = {n: round(_peak(stream, n, folder), 1) for n in sizes}
    result = {
        "submissions": N,
        "baseline_seconds": round(baseline, 2),
        "baseline_rows_per_s": round(N / baseline),
        "cpdata_seconds": round(ours, 2),
        "cpdata_rows_per_s": round(N / ours),
        "ratio_cpdata_over_baseline": round(ours / baseline, 2),
        "cpdata_one_process_seconds": round(serial, 2),
        "ratio_one_process_over_baseline": round(serial / baseline, 2),
        "one_process_validate_and_build_rows_seconds": round(prepare, 2),
        "one_process_write_seconds": round(serial - prepare, 2),
        "cpdata_reingest_seconds": round(again, 2),
        "one_process_peak_rss_mb_by_lines": peaks,
        "peak_ratio_largest_over_smallest": round(peaks[max(peaks)] / peaks[min(peaks)], 2) if peaks else None,
    }
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2), file=sys.stdout)
