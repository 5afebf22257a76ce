"""A page cache is worth keeping only if it rebuilds everything: crawl the demo's recorded sites, then rebuild a new
store from the cache alone and compare every table, row by row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cpdata.demo import DEMO_INPUTS, DEMO_INTERVALS, DEMO_SITES
from cpdata.schema import Store
from cpdata.scraper.base import ScrapeOptions
from cpdata.scraper.fetch import FetchPolicy
from cpdata.scraper.registry import get_site
from cpdata.scraper.replay import ReplayServer
from cpdata.scraper.session import ScrapeSettings, reparse, scrape

TABLES = {
    "contest": "site, contest_id",
    "problem": 'site, contest_id, "index"',
    "test": 'site, contest_id, "index", kind, ordinal',
    "submission": "site, submission_id",
}


def _rows(store: Store, table: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in store.run_sql(f"SELECT * FROM {table} ORDER BY {TABLES[table]}")[1]]


def test_reparse_rebuilds_the_demo_store_exactly(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with Store(tmp_path / "crawled.sqlite") as crawled:
        for name, extra in DEMO_SITES:
            site = get_site(name)
            with ReplayServer(DEMO_INPUTS / name) as server:
                settings = ScrapeSettings(
                    cache_dir=cache,
                    host_map={host: server.base_url for host in site.contacted_hosts},
                    intervals=DEMO_INTERVALS,
                    policy=FetchPolicy(timeout=5.0, max_attempts=2, backoff_base=0.05),
                )
                summary = scrape(crawled, site, ScrapeOptions(since=date(2021, 1, 1), solutions=2, extra=extra), settings)
                assert summary.exit_code == 0, summary.failures
        expected = {table: _rows(crawled, table) for table in TABLES}
    assert all(expected.values())  # every table has rows: the comparison below compares something
    with Store(tmp_path / "rebuilt.sqlite") as rebuilt:  # a new store: nothing but the cache to go on
        result = reparse(rebuilt, cache)
        assert result.failures == []
        for table in TABLES:
            assert _rows(rebuilt, table) == expected[table], table
