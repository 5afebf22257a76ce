"""Command-line start-up: whole-process wall time of ``cpdata --help``, ``cpdata --version`` and ``cpdata parse URL
FILE`` on a small page, against bare interpreter start-up (``python -c pass``) in the same run; plus the
slowest imports of each (``python -X importtime``). Goal: each within 0.3 s of the bare interpreter. Also timed:
importing typer with the pydantic adapters it builds for every command's parameters, the floor of any command."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "data" / "demo" / "codeforces" / "html" / "contest_1001_problems.html"
PAGE_URL = "https://codeforces.com/contest/1001/problems"
RUNS = 15
GOAL_SECONDS = 0.3
# As a user's machine runs it: bytecode written once and reused (some sandboxes set PYTHONDONTWRITEBYTECODE, which
# would make every start compile our modules afresh), and one warm-up run before timing.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpdata() -> list[str]:
    script = Path(sys.executable).parent / "cpdata"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cpdata"]


def _median_seconds(command: list[str]) -> float:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _slowest_imports(code: str, top: int = 8) -> list[dict[str, Any]]:
    """The imports with the largest cumulative time, outermost first, from ``-X importtime``."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True, env=ENV)
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, _self_us, cumulative_us, raw_name = line.replace("import time:", "|", 1).split("|")
        if len(raw_name) - len(raw_name.lstrip()) > 5:
            continue  # nested three levels deep or more: counted in its parents
        name = raw_name.strip()
        rows.append({"module": name, "cumulative_ms": round(int(cumulative_us) / 1000, 1)})
    return sorted(rows, key=lambda r: -r["cumulative_ms"])[:top]


def run() -> dict[str, Any]:
    bare = _median_seconds([sys.executable, "-c", "pass"])
    commands = {
        "cpdata --help": [*_cpdata(), "--help"],
        "cpdata --version": [*_cpdata(), "--version"],
        "cpdata parse URL FILE": [*_cpdata(), "parse", PAGE_URL, str(PAGE)],
    }
    # What every typer command pays before any of ours runs: typer imports pydantic to coerce parameters.
    floor = _median_seconds([sys.executable, "-c", "import typer, typer._adapters"])
    figures: dict[str, Any] = {
        "runs": RUNS,
        "python -c pass (s)": round(bare, 3),
        "import typer + its pydantic adapters (s)": round(floor, 3),
    }
    for label, command in commands.items():
        seconds = _median_seconds(command)
        figures[label] = {
            "median_s": round(seconds, 3),
            "over_bare_s": round(seconds - bare, 3),
            "ratio_to_bare": round(seconds / bare, 1),
            "over_typer_floor_s": round(seconds - floor, 3),
            "within_goal": seconds - bare <= GOAL_SECONDS,
        }
    figures["slowest_imports: cpdata.cli"] = _slowest_imports("import cpdata.cli")
    figures["slowest_imports: parse path"] = _slowest_imports(
        "import cpdata.cli; from cpdata.scraper.registry import route_url; from cpdata.schema.stream import write_stream"
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
