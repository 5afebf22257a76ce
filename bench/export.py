"""Export: peak memory of the same export of a 10,000- and a 100,000-problem store (goal: flat, ratio near 1),
what finding duplicates adds to it (goal: at most 20%), and the read path against plain sqlite3 (goal: within 3x).

Each store has, per problem, 2 public and 3 private tests and 4 submissions with source code. Each export runs
in a fresh subprocess that reports its own time and peak resident memory (ru_maxrss), so the figures compare:
without dedup (`--no-dedup`) and with the default `cpdata export` (which finds the clusters itself), alternately,
BENCH_EXPORT_REPEAT times each (default 5), the ratio taken of the fastest runs. The read path: every problem with
its contest, tests and solutions as the export reads them (`iter_items`: entities ready for the curation steps)
against the same rows read with plain sqlite3 into tuples, in the same run (the fastest of REPEAT each).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cpdata.schema import Contest, Problem, Store, Submission, Test

SIZES = [int(x) for x in os.environ.get("BENCH_EXPORT_SIZES", "10000,100000").split(",")]
PROBLEMS_PER_CONTEST = 8
REPEAT = int(os.environ.get("BENCH_EXPORT_REPEAT", "5"))

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cpdata.curation.formats.export import export_codecontests
from cpdata.curation.steps.pipeline import CurationOptions
from cpdata.schema import Store
started = time.perf_counter()
with Store(sys.argv[1], create=False) as store:
    dedup = sys.argv[4] == "dedup"
    result = export_codecontests(store, Path(sys.argv[2]), fmt=sys.argv[3], curation=CurationOptions(dedup=dedup))
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
problems = sum(c["problems"] for c in result.counts.values())
print(json.dumps({"seconds": time.perf_counter() - started, "peak_rss_mb": peak_mb, "problems": problems}))
"""


def _entities(n: int) -> Any:
    start = datetime(2019, 1, 1, tzinfo=UTC)
    code = "#include <bits/stdc++.h>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a+b;}\n" * 4
    for p in range(n):
        contest_id = str(1000 + p // PROBLEMS_PER_CONTEST)
        index = "ABCDEFGH"[p % PROBLEMS_PER_CONTEST]
        if p % PROBLEMS_PER_CONTEST == 0:
            yield Contest(
                site="codeforces", contest_id=contest_id, name=f"Round {contest_id}", start_time=start + timedelta(hours=p)
            )
        yield Problem(
            site="codeforces",
            contest_id=contest_id,
            index=index,
            name=f"P{p}",
            statement="Read $n$ numbers. " * 40,
            time_limit_ms=2000,
            memory_limit_bytes=256 << 20,
            tags=["math", "greedy"],
            rating=1500,
        )
        for k in range(5):
            yield Test(
                site="codeforces",
                contest_id=contest_id,
                index=index,
                kind="public" if k < 2 else "private",
                ordinal=k,
                input=f"{k} {p}\n" * 20,
                output=f"{k + p}\n",
            )
        for k in range(4):
            yield Submission(
                site="codeforces",
                submission_id=f"{p}-{k}",
                contest_id=contest_id,
                index=index,
                language_raw="GNU C++17",
                verdict_raw="OK" if k % 2 == 0 else "WRONG_ANSWER",
                source_code=code,
            )


def _measure(db: Path, out: Path, fmt: str, dedup: bool = False) -> dict[str, Any]:
    args = [sys.executable, "-c", _CHILD, str(db), str(out), fmt, "dedup" if dedup else "no-dedup"]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    shutil.rmtree(out, ignore_errors=True)  # 100k problems of output: not kept for the next run's page cache
    return dict(json.loads(result.stdout))


_READ = """
import json, sqlite3, sys, time
from cpdata.curation.steps.pipeline import iter_items
from cpdata.schema import Store
db = sys.argv[1]
def read_ours():
    with Store(db, create=False) as store:
        return sum(1 + len(item.tests) + len(item.solutions) for item in iter_items(store))
def read_plain():
    connection = sqlite3.connect(db)
    problems = connection.execute(
        'SELECT * FROM problem p JOIN contest c ON c.site = p.site AND c.contest_id = p.contest_id '
        'ORDER BY p.site, p.contest_id, p."index"'
    ).fetchall()
    tests, solutions = {}, {}
    for row in connection.execute('SELECT * FROM test ORDER BY site, contest_id, "index", kind, ordinal'):
        tests.setdefault(row[:3], []).append(row)
    for row in connection.execute('SELECT * FROM submission WHERE source_code IS NOT NULL ORDER BY created_at, submission_id'):
        solutions.setdefault((row[0], row[2], row[3]), []).append(row)
    return len(problems) + sum(map(len, tests.values())) + sum(map(len, solutions.values()))
times = {"ours": [], "plain": []}
for _ in range(int(sys.argv[2])):  # alternately; the fastest of each
    for name, read in (("ours", read_ours), ("plain", read_plain)):
        started = time.perf_counter()
        counted = read()
        times[name].append(time.perf_counter() - started)
        if name == "ours": items = counted
        else: rows = counted
print(json.dumps({"ours_s": min(times["ours"]), "plain_sqlite3_s": min(times["plain"]), "rows": items, "plain_rows": rows}))
"""


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            db = Path(tmp) / f"store-{n}.sqlite"
            started = time.perf_counter()
            with Store(db) as store:
                store.ingest(_entities(n))
            build = time.perf_counter() - started
            for fmt in ("jsonl", "parquet"):
                measured = _measure(db, Path(tmp) / f"out-{n}-{fmt}", fmt)
                assert measured["problems"] == n
                figures[f"{n}_{fmt}"] = {
                    "build_store_s": round(build, 1),
                    "export_s": round(measured["seconds"], 1),
                    "peak_rss_mb": round(measured["peak_rss_mb"], 1),
                }
        large = max(SIZES)
        db = Path(tmp) / f"store-{large}.sqlite"
        # With and without dedup, alternately, REPEAT times each: one export's time varies by up to a tenth on a
        # shared machine, as much as the difference measured. The ratio is of the fastest runs (of the medians too).
        plain_runs, dedup_runs = [], []
        for attempt in range(REPEAT):
            with Store(db, create=False) as store:
                store.replace_clusters([])  # as a store that was never deduplicated, like the first exports above
            plain_runs.append(_measure(db, Path(tmp) / f"out-{large}-plain-{attempt}", "parquet"))
            dedup_runs.append(_measure(db, Path(tmp) / f"out-{large}-dedup-{attempt}", "parquet", dedup=True))
        plain_s, dedup_s = [r["seconds"] for r in plain_runs], [r["seconds"] for r in dedup_runs]
        figures[f"{large}_parquet_default_dedup"] = {
            "export_s": round(min(dedup_s), 1),
            "peak_rss_mb": round(min(r["peak_rss_mb"] for r in dedup_runs), 1),
        }
        figures["dedup_runs"] = {"no_dedup_s": [round(x, 2) for x in plain_s], "dedup_s": [round(x, 2) for x in dedup_s]}
        figures["dedup_time_ratio"] = round(min(dedup_s) / min(plain_s), 2)
        figures["dedup_time_ratio_of_medians"] = round(statistics.median(dedup_s) / statistics.median(plain_s), 2)
        figures["dedup_memory_ratio"] = round(
            min(r["peak_rss_mb"] for r in dedup_runs) / min(r["peak_rss_mb"] for r in plain_runs), 2
        )
        small_db = Path(tmp) / f"store-{min(SIZES)}.sqlite"
        read = subprocess.run(
            [sys.executable, "-c", _READ, str(small_db), str(REPEAT)], capture_output=True, text=True, check=True
        )
        measured = json.loads(read.stdout)
        assert measured["rows"] == measured["plain_rows"]
        figures["read_path"] = {
            "problems": min(SIZES),
            "rows": measured["rows"],
            "ours_s_per_1k_problems": round(measured["ours_s"] / min(SIZES) * 1000, 3),
            "plain_sqlite3_s_per_1k_problems": round(measured["plain_sqlite3_s"] / min(SIZES) * 1000, 3),
            "ratio": round(measured["ours_s"] / measured["plain_sqlite3_s"], 2),
        }
    small, large = min(SIZES), max(SIZES)
    for fmt in ("jsonl", "parquet"):
        figures[f"peak_ratio_{large}_over_{small}_{fmt}"] = round(
            figures[f"{large}_{fmt}"]["peak_rss_mb"] / figures[f"{small}_{fmt}"]["peak_rss_mb"], 2
        )
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
