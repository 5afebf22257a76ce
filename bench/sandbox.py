"""Sandbox overhead per test: a trivial C++ and Python program run through the sandbox one sandbox per test
(``Sandbox.run``) and many tests per sandbox (``Sandbox.run_batch``), against plain ``subprocess.run`` of the same
binary in the same run (the ratio). Sequential runs, one core; compile time excluded (and reported separately:
a first compile, then a hit in the binary cache). Then the CodeContests-scale estimate from the measured rates."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from cpdata.curation.sandbox.sandbox import RunLimits, Sandbox
from cpdata.schema import Language

SINGLE_RUNS = 60
BATCH_RUNS = 400
PROGRAMS = {
    # <bits/stdc++.h>, as most contest C++ starts: its compile time is what a real solution's costs
    Language.cpp: '#include <bits/stdc++.h>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}',
    Language.python3: "a, b = map(int, input().split())\nprint(a + b)",
}
# CodeContests-scale test generation (the figures): problems x correct solutions x inputs.
PROBLEMS, SOLUTIONS, INPUTS = 13_000, 30, 200


def _per_test(seconds: float, runs: int) -> float:
    return seconds / runs * 1000


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with Sandbox() as sandbox:
        figures["sandbox"] = sandbox.describe()
        for language, code in PROGRAMS.items():
            salt = f"// {time.time_ns()}\n" if language is Language.cpp else f"# {time.time_ns()}\n"
            started = time.perf_counter()
            program = sandbox.prepare(language, salt + code)
            compile_s = time.perf_counter() - started
            started = time.perf_counter()
            sandbox.cleanup(sandbox.prepare(language, salt + code))
            cached_s = time.perf_counter() - started
            limits = RunLimits(time_ms=2000)
            started = time.perf_counter()
            for _ in range(SINGLE_RUNS):
                assert sandbox.run(program, b"2 3\n", limits).stdout == b"5\n"
            single = _per_test(time.perf_counter() - started, SINGLE_RUNS)
            started = time.perf_counter()
            results = sandbox.run_batch(program, [b"2 3\n"] * BATCH_RUNS, limits)
            batched = _per_test(time.perf_counter() - started, BATCH_RUNS)
            assert all(r.stdout == b"5\n" for r in results)
            command = (
                [str(program.directory / "main")]
                if language is Language.cpp
                else ["/usr/bin/python3", "-E", "-s", str(program.directory / "main.py")]  # as the sandbox runs it
            )
            started = time.perf_counter()
            for _ in range(BATCH_RUNS):
                assert subprocess.run(command, input=b"2 3\n", capture_output=True, check=True).stdout == b"5\n"
            plain = _per_test(time.perf_counter() - started, BATCH_RUNS)
            sandbox.cleanup(program)
            figures[str(language)] = {
                "plain_subprocess_ms_per_test": round(plain, 2),
                "one_sandbox_per_test_ms": round(single, 2),
                "batched_ms_per_test": round(batched, 2),
                "single_ratio_to_plain": round(single / plain, 2),
                "batched_ratio_to_plain": round(batched / plain, 2),
                "compile_s": round(compile_s, 3),
                "binary_cache_hit_s": round(cached_s, 3),
            }
    cpp = figures[str(Language.cpp)]
    runs = PROBLEMS * SOLUTIONS * INPUTS
    compiles = PROBLEMS * SOLUTIONS
    # C++ on 2 cores, one job per core: every run at the batched rate, every solution compiled once (cache after).
    # The trivial program's rate is the floor of a run; real solutions add their own CPU time on top of it.
    seconds_2 = (runs * cpp["batched_ms_per_test"] / 1000 + compiles * cpp["compile_s"]) / 2
    before_2 = (runs * cpp["one_sandbox_per_test_ms"] / 1000 + compiles * cpp["compile_s"] * INPUTS / 20) / 2
    figures["codecontests_scale_cpp"] = {
        "runs": runs,
        "compiles": compiles,
        "days_on_2_cores": round(seconds_2 / 86400, 1),
        "days_on_2_cores_with_one_sandbox_per_test_and_a_compile_per_round": round(before_2 / 86400, 1),
        "days_on_64_cores_ray": round(seconds_2 * 2 / 64 / 86400, 2),
        "how": "runs x batched ms/test + solutions x compile s, over the cores; 64 cores assumed to scale linearly "
        "(jobs are independent; the store writes are one small transaction per solution); before: one sandbox per "
        "test, and a compile every round of 20 candidates",
    }
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
