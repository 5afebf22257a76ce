"""Corpus build throughput and memory: ``cpdata corpus build`` against a floor that only walks the same git objects
and hashes their contents, in the same run, on the shared real repositories (``../shared/git-repos``) at 1x and
10x (ten copies of each, under other names: every file read and filtered, the copies then dropped as duplicates).

The floor: for each repository, ``git ls-tree -r`` at its head and every blob through one ``git cat-file --batch``,
SHA-256 of each content, in one process. Ours: the whole build (filters, exact duplicates, shards, manifest) in a
fresh process that reports its peak memory, with the sources spread over the cores (``--workers``). Both read the
same bare repositories, cloned from the bundles beforehand. Reported: files/s and MB/s of each and their ratio,
peak memory at 1x and 10x (goal: flat), and what 86 million files (AlphaCode's corpus) would take at the measured
rate on this machine's cores and on a Ray cluster of N such machines (the per-source stage scales with machines;
the corpus-wide duplicate pass is one sorted SQLite index, measured here as part of the build).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLES = ROOT.parent / "shared" / "git-repos"
ALPHACODE_FILES = 86_000_000

_BUILD = """
import json, resource, sys, time
from datetime import datetime, UTC
from pathlib import Path
from cpdata.curation.corpus.build import CorpusOptions, build_corpus
from cpdata.curation.corpus.sources import discover_sources
sources = discover_sources([Path(sys.argv[1])])
started = time.perf_counter()
options = CorpusOptions(as_of=datetime(2030, 1, 1, tzinfo=UTC))
manifest = build_corpus(sources, Path(sys.argv[2]), options, workers=int(sys.argv[3]))
elapsed = time.perf_counter() - started
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
files = sum(s["files"] for s in manifest["sources"])
size = sum(s["bytes"] for s in manifest["sources"])
print(json.dumps({"seconds": elapsed, "files": files, "bytes": size, "kept": manifest["files"], "peak_rss_mb": peak / 1024}))
"""


def _floor(repos: Path) -> dict[str, float]:
    """Walk every blob at each head with git cat-file --batch and hash it: what any corpus build must at least do."""
    started = time.perf_counter()
    files = size = 0
    for repo in sorted(repos.iterdir()):
        listing = subprocess.run(["git", f"--git-dir={repo}", "ls-tree", "-r", "-z", "HEAD"], capture_output=True, check=True)
        ids = [r.split()[2] for r in listing.stdout.split(b"\0") if r and r.split()[1] == b"blob"]
        process = subprocess.Popen(
            ["git", f"--git-dir={repo}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"\n".join(ids) + b"\n")
        process.stdin.close()
        for _ in ids:
            header = process.stdout.readline().split()
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)
            hashlib.sha256(data).hexdigest()
            files += 1
            size += len(data)
        process.wait()
    return {"seconds": time.perf_counter() - started, "files": files, "bytes": size}


def _prepare(scratch: Path, copies: int) -> Path:
    repos = scratch / f"repos-{copies}x"
    repos.mkdir()
    for bundle in sorted(BUNDLES.glob("*.bundle")):
        for copy in range(copies):
            name = bundle.stem if copy == 0 else f"{bundle.stem}-copy{copy}"
            subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(repos / f"{name}.git")], check=True)
    return repos


def _ours(repos: Path, out: Path, workers: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(repos), str(out), str(workers)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run() -> dict[str, Any]:
    if not BUNDLES.is_dir():
        return {"skipped": f"{BUNDLES} is absent: the shared repositories are only beside the project in development"}
    cores = os.cpu_count() or 1
    figures: dict[str, Any] = {"cores": cores}
    with tempfile.TemporaryDirectory(prefix="cpdata-bench-corpus-") as scratch:
        for copies in (1, 10):
            repos = _prepare(Path(scratch), copies)
            floor = _floor(repos)
            ours = _ours(repos, Path(scratch) / f"out-{copies}", cores)
            assert ours["files"] == floor["files"], (ours, floor)  # the same objects walked
            figures[f"{copies}x"] = {
                "files": ours["files"],
                "mb": round(ours["bytes"] / 1e6, 1),
                "kept": ours["kept"],
                "cpdata_seconds": round(ours["seconds"], 2),
                "cpdata_files_per_s": round(ours["files"] / ours["seconds"]),
                "cpdata_mb_per_s": round(ours["bytes"] / 1e6 / ours["seconds"], 1),
                "floor_seconds": round(floor["seconds"], 2),
                "floor_files_per_s": round(floor["files"] / floor["seconds"]),
                "floor_mb_per_s": round(floor["bytes"] / 1e6 / floor["seconds"], 1),
                "ratio_cpdata_over_floor_time": round(ours["seconds"] / floor["seconds"], 2),
                "peak_rss_mb": round(ours["peak_rss_mb"], 1),
            }
            shutil.rmtree(repos)
    figures["peak_ratio_10x_over_1x"] = round(figures["10x"]["peak_rss_mb"] / figures["1x"]["peak_rss_mb"], 2)
    rate = figures["10x"]["cpdata_files_per_s"]
    figures["estimate_86M_files_hours_here"] = round(ALPHACODE_FILES / rate / 3600, 1)
    figures["estimate_86M_files_hours_ray_100_machines_of_this_size"] = round(ALPHACODE_FILES / rate / 3600 / 100, 2)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
