"""gen-tests on the demo's store: wall time and runs per second with one sandbox per test and a compile per round
(the old way), against one sandbox per solution and the binary cache (now), on copies of the same store, in the
same run. 2 workers (the cores here)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from cpdata.curation.judging.judge import LocalExecutor
from cpdata.curation.sandbox.sandbox import Sandbox
from cpdata.curation.testgen.generate import GenerateOptions, generate_tests
from cpdata.demo import run_demo
from cpdata.schema import Store

OPTIONS = GenerateOptions(min_agree=2, max_tests=100, budget_seconds=120, seed=3)


def _arm(store_path: Path, *, batch: bool, binary_cache: bool) -> dict[str, Any]:
    with Store(store_path) as store, Sandbox(binary_cache=binary_cache) as sandbox:
        executor = LocalExecutor(2, sandbox, batch=batch)
        before = store.count("execution_result")
        started = time.perf_counter()
        summary = generate_tests(store, options=OPTIONS, executor=executor)
        seconds = time.perf_counter() - started
        runs = store.count("execution_result") - before
    return {
        "seconds": round(seconds, 1),
        "runs": runs,
        "runs_per_s": round(runs / seconds, 1),
        "generated": summary.generated,
        "candidates": summary.candidates,
    }


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cpdata-bench-") as scratch:
        work = Path(scratch)
        run_demo(work / "demo", quiet=True)
        source = work / "demo" / "cpdata.sqlite"
        for name in ("old", "new"):
            shutil.copy(source, work / f"{name}.sqlite")
        cache = work / "binaries"
        import os

        os.environ["CPDATA_BINARY_CACHE"] = str(cache)  # a cold cache for this run only
        old = _arm(work / "old.sqlite", batch=False, binary_cache=False)
        new = _arm(work / "new.sqlite", batch=True, binary_cache=True)
        del os.environ["CPDATA_BINARY_CACHE"]
    return {
        "one_sandbox_per_test_no_binary_cache": old,
        "one_sandbox_per_solution_binary_cache": new,
        "speedup_wall": round(old["seconds"] / new["seconds"], 1) if new["seconds"] else None,
        "same_tests_generated": old["generated"] == new["generated"],
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
