"""Deduplication at scale: near-duplicate detection on 100,000 synthetic statements, and exact
whitespace-insensitive deduplication of 1,000,000 solutions. Time and peak memory, each in a fresh process.

The statements: distinct ones, 1% planted near copies of earlier ones with 5% of their words changed at random
places (recall: how many are found), and 1% "siblings", different problems of one contest that share half their
text (false matches: how many are merged). Ours reads them as a lazy sequence (made on demand, never all in memory).

Baselines in the same run: datatrove's MinHash deduplication (its four stages, defaults: 5-grams, 14 buckets of 8
hashes) on the same statements from a JSONL file, in a virtual environment of its own (``bench/.datatrove-venv``,
made on first use; set ``BENCH_DATATROVE_PYTHON`` to use another); exact pairwise Jaccard over shingle sets (what
LSH avoids) on a 1,000-statement sample, extrapolated quadratically; for solutions, hashing the raw text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

STATEMENTS = int(os.environ.get("BENCH_DEDUP_STATEMENTS", "100000"))
SOLUTIONS = int(os.environ.get("BENCH_DEDUP_SOLUTIONS", "1000000"))
SAMPLE = 1000
DATATROVE = ["datatrove[processing]==0.10.1", "orjson", "spacy"]

_COMMON = """
import json, random, resource, sys, time
def word(i):  # letters only: datatrove's normalization turns every digit into 0, so "w12" and "w34" would be one word
    letters = "".join(chr(97 + d) for d in (i // 676 % 26, i // 26 % 26, i % 26))
    return "q" + letters
WORDS = [word(i) for i in range(3000)]
def statement(i, length=150):
    r = random.Random(i)
    return " ".join(r.choice(WORDS) for _ in range(length))
def report(**kw):
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    kw["peak_rss_mb"] = round(max(usage) / 1024, 1)
    print(json.dumps(kw))
class Corpus:
    # n statements: distinct ones, then 1% near copies (5% of words changed), then 1% siblings sharing half their text
    def __init__(self, n):
        self.n, self.planted = n, n // 100
        self.distinct = n - 2 * self.planted
    def __len__(self):
        return self.n
    def original_of(self, i):
        return (i - self.distinct) * 97 % self.distinct
    def __getitem__(self, i):
        if i < self.distinct:
            return statement(i)
        if i < self.distinct + self.planted:
            words, r = statement(self.original_of(i)).split(), random.Random(-i)
            for at in r.sample(range(len(words)), len(words) // 20):
                words[at] = "z" + word(r.randint(0, 17575))
            return " ".join(words)
        return statement(-1, 75) + " " + statement(10**7 + i, 75)
"""

_NEAR = (
    _COMMON
    + """
from cpdata.curation.steps.dedup import find_clusters
corpus = Corpus(int(sys.argv[1]))
started = time.perf_counter()
exact, roots, sim = find_clusters(corpus, threshold=0.8)
elapsed = time.perf_counter() - started
copies = range(corpus.distinct, corpus.distinct + corpus.planted)
found = sum(1 for i in copies if roots[i] == roots[corpus.original_of(i)])
siblings = range(corpus.distinct + corpus.planted, corpus.n)
false = sum(1 for i in siblings if roots[i] != i)
report(statements=corpus.n, seconds=round(elapsed, 1), planted=corpus.planted, planted_found=found,
       recall=round(found / corpus.planted, 4), siblings=corpus.planted, siblings_merged=false)
"""
)

_WRITE = (
    _COMMON
    + """
corpus = Corpus(int(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    for i in range(len(corpus)):
        out.write(json.dumps({"id": str(i), "text": corpus[i]}) + "\\n")
"""
)

_DATATROVE = (
    _COMMON
    + """
import gzip, shutil
from pathlib import Path
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers.jsonl import JsonlWriter
corpus, source, work = Corpus(int(sys.argv[1])), sys.argv[2], Path(sys.argv[3])
config = MinhashConfig()
def stage(pipeline, tasks, name):
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(work / f"logs-{name}")).run()
started = time.perf_counter()
stage([JsonlReader(source), MinhashDedupSignature(output_folder=str(work / "sigs"), config=config)], 1, "sigs")
stage([MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"), config=config)],
      config.num_buckets, "buckets")
stage([MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"), config=config)], 1, "cluster")
stage([JsonlReader(source), MinhashDedupFilter(input_folder=str(work / "remove"),
       exclusion_writer=JsonlWriter(str(work / "removed"))), JsonlWriter(str(work / "kept"))], 1, "filter")
elapsed = time.perf_counter() - started
removed = set()
for path in (work / "removed").glob("*.jsonl.gz"):
    with gzip.open(path, "rt") as handle:
        removed.update(json.loads(line)["id"] for line in handle)
copies = range(corpus.distinct, corpus.distinct + corpus.planted)
found = sum(1 for i in copies if str(i) in removed or str(corpus.original_of(i)) in removed)
siblings = range(corpus.distinct + corpus.planted, corpus.n)
report(statements=corpus.n, seconds=round(elapsed, 1), planted=corpus.planted, planted_found=found,
       recall=round(found / corpus.planted, 4), siblings=corpus.planted,
       siblings_merged=sum(1 for i in siblings if str(i) in removed))
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


def _run(script: str, *args: object, python: str = sys.executable) -> dict[str, Any]:
    result = subprocess.run([python, "-c", script, *map(str, args)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _datatrove_python() -> str | None:
    """The Python of an environment with datatrove (made once under bench/), or None with the reason printed."""
    if os.environ.get("BENCH_DATATROVE_PYTHON"):
        return os.environ["BENCH_DATATROVE_PYTHON"]
    venv = Path(__file__).resolve().parent / ".datatrove-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, check=False)
        installed = (
            made.returncode == 0
            and subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", *DATATROVE], capture_output=True, text=True, check=False
            ).returncode
            == 0
        )
        if not installed:
            print("datatrove baseline skipped: cannot install it into bench/.datatrove-venv", file=sys.stderr)
            return None
    return str(python)


def _datatrove(n: int) -> dict[str, Any] | None:
    python = _datatrove_python()
    if python is None:
        return None
    with tempfile.TemporaryDirectory(prefix="cpdata-datatrove-") as scratch:
        source = Path(scratch) / "statements.jsonl"
        _run(_WRITE + "\nreport()", n, source)
        return _run(_DATATROVE, n, source, Path(scratch) / "work", python=python)


def run() -> dict[str, Any]:
    near = _run(_NEAR, STATEMENTS)
    datatrove = _datatrove(STATEMENTS)
    pairwise = _run(_PAIRWISE, SAMPLE)
    extrapolated = pairwise["seconds"] * (STATEMENTS / SAMPLE) ** 2
    normalized = _run(_SOLUTIONS, SOLUTIONS, "normalized")
    raw = _run(_SOLUTIONS, SOLUTIONS, "raw")
    figures: dict[str, Any] = {"near_duplicates": near, "baseline_datatrove": datatrove}
    if datatrove is not None:
        figures["ratio_time_ours_over_datatrove"] = round(near["seconds"] / max(datatrove["seconds"], 0.01), 2)
        figures["ratio_memory_ours_over_datatrove"] = round(near["peak_rss_mb"] / datatrove["peak_rss_mb"], 2)
    return {
        **figures,
        "baseline_pairwise_sample": pairwise,
        "baseline_pairwise_extrapolated_seconds": round(extrapolated),
        "speedup_lsh_over_pairwise": round(extrapolated / max(near["seconds"], 0.01), 1),
        "exact_solutions_normalized": normalized,
        "baseline_solutions_raw_hash": raw,
        "ratio_normalized_over_raw": round(normalized["seconds"] / max(raw["seconds"], 0.01), 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
