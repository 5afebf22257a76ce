"""Kill a real scrape (a `cpdata scrape` process) at random moments; each resumed run must end with a store
identical to one uninterrupted run, and fetch nothing twice that it had already received."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cpdata.schema import Store
from tests.conftest import ROOT
from tests.scraper.helpers import dump, replay

TRIALS = 10


def _command(server_url: str, workdir: Path) -> list[str]:
    return [
        sys.executable, "-m", "cpdata", "scrape", "codeforces", "--since", "2021-01-01", "--solutions", "2",
        "--base-url", server_url, "--cache", str(workdir / "cache"), "--db", str(workdir / "store.sqlite"),
        "--api-interval", "0.04", "--html-interval", "0.02", "--json",
    ]  # fmt: skip


def _run(server_url: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(server_url, workdir), capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


@pytest.mark.slow
def test_killed_scrapes_resume_to_the_same_store(tmp_path: Path) -> None:
    stamps: list[float] = []

    def stamp(handler: object, key: str, seen: int) -> bool:
        stamps.append(time.monotonic())
        return False

    with replay(stamp) as server:
        reference_run = _run(server.base_url, tmp_path / "reference")
        crawl_span = stamps[-1] - stamps[0]  # from the first request to the last, start-up excluded
        assert reference_run.returncode == 0, reference_run.stderr
        with Store(tmp_path / "reference" / "store.sqlite") as store:
            reference = dump(store)
        assert len(reference["submission"]) == 22
        total_requests = sum(server.hits.values())

    rng = random.Random(20261122)
    killed_mid_crawl = 0
    for trial in range(TRIALS):
        workdir = tmp_path / f"trial{trial}"
        with replay() as server:
            process = subprocess.Popen(
                _command(server.base_url, workdir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + 60
            while not server.hits and time.monotonic() < deadline:  # the interpreter is still starting
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, crawl_span * 0.9))
            how = signal.SIGINT if trial % 3 == 2 else signal.SIGKILL  # Ctrl-C now and then, kill -9 mostly
            os.kill(process.pid, how)
            process.wait(timeout=30)
            before = dict(server.hits)
            if process.returncode != 0 and 0 < sum(before.values()) < total_requests:
                killed_mid_crawl += 1
            resumed = _run(server.base_url, workdir)
            assert resumed.returncode == 0, resumed.stderr
            # Only a request in flight at the moment of the kill may be asked again (its answer was never kept);
            # at most one per concurrent slot (API 1 + HTML 2).
            repeated = [k for k, n in server.hits.items() if n > 1]
            assert len(repeated) <= 3, repeated
            assert all(server.hits[k] == 2 for k in repeated) and all(k in before for k in repeated)
        with Store(workdir / "store.sqlite") as store:
            assert dump(store) == reference, f"trial {trial} (killed with {how.name} after {sum(before.values())} requests)"
    assert killed_mid_crawl >= TRIALS // 2  # the kills really landed mid-crawl
