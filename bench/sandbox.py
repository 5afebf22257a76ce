"""Sandbox overhead: runs per second of a trivial C++ and Python program through the sandbox, against plain
``subprocess.run`` of the same binary (the overhead ratio). Sequential runs, one core; compile time excluded."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from cpdata.curation.execution.sandbox import RunLimits, Sandbox
from cpdata.schema import Language

RUNS = 100
PROGRAMS = {
    Language.cpp: '#include <cstdio>\nint main(){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}',
    Language.python3: "a, b = map(int, input().split())\nprint(a + b)",
}


def run() -> dict[str, Any]:
    sandbox = Sandbox()
    figures: dict[str, Any] = {"sandbox_mode": sandbox.mode, "runs": RUNS}
    for language, code in PROGRAMS.items():
        program = sandbox.prepare(language, code)
        limits = RunLimits(time_ms=2000)
        started = time.perf_counter()
        for _ in range(RUNS):
            assert sandbox.run(program, b"2 3\n", limits).stdout == b"5\n"
        sandboxed = RUNS / (time.perf_counter() - started)
        command = (
            [str(program.directory / "main")]
            if language is Language.cpp
            else ["/usr/bin/python3", "-S", str(program.directory / "main.py")]
        )
        started = time.perf_counter()
        for _ in range(RUNS):
            assert subprocess.run(command, input=b"2 3\n", capture_output=True, check=True).stdout == b"5\n"
        plain = RUNS / (time.perf_counter() - started)
        sandbox.cleanup(program)
        figures[str(language)] = {
            "sandboxed_runs_per_s": round(sandboxed, 1),
            "plain_subprocess_runs_per_s": round(plain, 1),
            "overhead_ratio": round(plain / sandboxed, 2),
        }
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
