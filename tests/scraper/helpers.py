"""Shared pieces for scraper tests: a replay of the demo's recorded Codeforces, and a quick crawl against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cpdata.schema import Store
from cpdata.scraper.base import ScrapeOptions
from cpdata.scraper.fetch import FetchPolicy
from cpdata.scraper.registry import get_site
from cpdata.scraper.replay import Misbehaviour, ReplayServer
from cpdata.scraper.run import CrawlSummary
from cpdata.scraper.session import ScrapeSettings, scrape
from tests.conftest import ROOT

DEMO_RECORDING = ROOT / "data" / "demo" / "codeforces"
CF = get_site("codeforces")
FAST = {"/api/": 0.0, "/": 0.0}


def replay(misbehave: Misbehaviour | None = None) -> ReplayServer:
    return ReplayServer(DEMO_RECORDING, misbehave=misbehave)


def crawl(
    server: ReplayServer,
    workdir: Path,
    options: ScrapeOptions | None = None,
    policy: FetchPolicy | None = None,
    **settings: Any,
) -> tuple[CrawlSummary, Store]:
    store = Store(workdir / "store.sqlite")
    config = ScrapeSettings(
        cache_dir=workdir / "cache",
        host_map={host: server.base_url for host in CF.hosts},
        intervals=settings.pop("intervals", FAST),
        policy=policy or FetchPolicy(timeout=2.0, max_attempts=3, backoff_base=0.01),
        **settings,
    )
    summary = scrape(store, CF, options or ScrapeOptions(contests=("1001",), solutions=1), config)
    return summary, store


def dump(store: Store) -> dict[str, list[str]]:
    """Every entity row, and every unit's state, as sorted JSON lines: equal dumps mean equal stores."""
    out = {}
    for table, order in (
        ("contest", "site, contest_id"),
        ("problem", 'site, contest_id, "index"'),
        ("test", 'site, contest_id, "index", kind, ordinal'),
        ("submission", "site, submission_id"),
        ("crawl_unit", "site, url"),
    ):
        columns = "site, url, kind, state, error" if table == "crawl_unit" else "*"
        names, rows = store.run_sql(f"SELECT {columns} FROM {table} ORDER BY {order}")
        out[table] = [json.dumps(dict(zip(names, row, strict=True)), default=str, sort_keys=True) for row in rows]
    return out
