"""Export peak memory: the same export of a 10,000- and a 100,000-problem store (goal: flat, ratio near 1).

Each store has, per problem, 2 public and 3 private tests and 4 submissions with source code. Each export runs
in a fresh subprocess that reports its own peak resident memory (ru_maxrss), so the two figures are comparable.
The export streams; finding near-duplicate clusters (which `cpdata export` does first unless `--no-dedup`) holds
one MinHash signature per problem, so it is measured on its own, in bench/dedup.py. Here the clusters are found
first (`cpdata curate dedup`), and the export uses them (`--no-dedup`).
"""

from __future__ import annotations

import json
import os
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

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cpdata.curation.formats.export import export_codecontests
from cpdata.curation.steps.pipeline import CurationOptions
from cpdata.schema import Store
started = time.perf_counter()
with Store(sys.argv[1], create=False) as store:
    result = export_codecontests(store, Path(sys.argv[2]), fmt=sys.argv[3], curation=CurationOptions(dedup=False))
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


def _measure(db: Path, out: Path, fmt: str) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-c", _CHILD, str(db), str(out), fmt], capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout))


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
    small, large = min(SIZES), max(SIZES)
    for fmt in ("jsonl", "parquet"):
        figures[f"peak_ratio_{large}_over_{small}_{fmt}"] = round(
            figures[f"{large}_{fmt}"]["peak_rss_mb"] / figures[f"{small}_{fmt}"]["peak_rss_mb"], 2
        )
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
