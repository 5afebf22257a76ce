"""Deduplication at scale: near-duplicate detection (MinHash + LSH) on 100,000 synthetic statements, and exact
whitespace-insensitive deduplication of 1,000,000 solutions. Time and peak memory, each in a fresh process.

Baselines in the same run: for near duplicates, exact pairwise Jaccard over shingle sets (what LSH avoids) on a
1,000-statement sample, extrapolated quadratically to the full set; for solutions, hashing the raw text (no
whitespace normalization). 1% of the statements are planted near copies; the report says how many were found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

STATEMENTS = int(os.environ.get("BENCH_DEDUP_STATEMENTS", "100000"))
SOLUTIONS = int(os.environ.get("BENCH_DEDUP_SOLUTIONS", "1000000"))
SAMPLE = 1000

_COMMON = """
import json, random, resource, sys, time
rng = random.Random(7)
WORDS = [f"w{i}" for i in range(3000)]
def statement(i):
    r = random.Random(i)
    return " ".join(r.choice(WORDS) for _ in range(150))
def near(text):
    words = text.split(); words[70] = "changed"; return " ".join(words)
def report(**kw):
    kw["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(kw))
"""

_NEAR = (
    _COMMON
    + """
from cpdata.curation.steps.dedup import find_clusters
n = int(sys.argv[1]); planted = n // 100
texts = [statement(i) for i in range(n - planted)] + [near(statement(i)) for i in range(planted)]
started = time.perf_counter()
exact, roots, sim = find_clusters(texts, threshold=0.8)
elapsed = time.perf_counter() - started
found = sum(1 for i in range(n - planted, n) if roots[i] == i - (n - planted))
report(statements=n, seconds=round(elapsed, 1), planted=planted, planted_found=found,
       clusters=len(set(r for i, r in enumerate(roots) if r != i)))
"""
)

_PAIRWISE = (
    _COMMON
    + """
from cpdata.curation.steps.dedup import shingles
n = int(sys.argv[1])
sets = [shingles(statement(i)) for i in range(n)]
started = time.perf_counter()
pairs = 0
for i in range(n):
    a = sets[i]
    for j in range(i):
        b = sets[j]
        if len(a & b) / len(a | b) >= 0.8:
            pairs += 1
report(statements=n, seconds=round(time.perf_counter() - started, 2), pairs=pairs)
"""
)

_SOLUTIONS = (
    _COMMON
    + """
from cpdata.curation.steps.dedup import solution_hash
import hashlib
n, mode = int(sys.argv[1]), sys.argv[2]
body = "#include <bits/stdc++.h>\\nint main() {\\n    long long a, b;\\n    std::cin >> a >> b;\\n    std::cout << a + b;\\n}\\n"
seen = set(); duplicates = 0
started = time.perf_counter()
for i in range(n):
    code = body.replace("a + b", f"a + b + {i % (n // 2)}")  # every solution twice, the second reformatted
    if i >= n // 2:
        code = code.replace("    ", "\\t")
    digest = solution_hash(code) if mode == "normalized" else hashlib.sha1(code.encode()).hexdigest()
    if digest in seen:
        duplicates += 1
    else:
        seen.add(digest)
report(solutions=n, mode=mode, seconds=round(time.perf_counter() - started, 2), duplicates=duplicates)
"""
)


def _run(script: str, *args: object) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run() -> dict[str, Any]:
    near = _run(_NEAR, STATEMENTS)
    pairwise = _run(_PAIRWISE, SAMPLE)
    extrapolated = pairwise["seconds"] * (STATEMENTS / SAMPLE) ** 2
    normalized = _run(_SOLUTIONS, SOLUTIONS, "normalized")
    raw = _run(_SOLUTIONS, SOLUTIONS, "raw")
    return {
        "near_duplicates": near,
        "baseline_pairwise_sample": pairwise,
        "baseline_pairwise_extrapolated_seconds": round(extrapolated),
        "speedup_lsh_over_pairwise": round(extrapolated / max(near["seconds"], 0.01), 1),
        "exact_solutions_normalized": normalized,
        "baseline_solutions_raw_hash": raw,
        "ratio_normalized_over_raw": round(normalized["seconds"] / max(raw["seconds"], 0.01), 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
