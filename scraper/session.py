"""One scrape of one site, wired up: store, cache, fetcher and crawl. Used by ``cpdata scrape`` and the demo."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from cpdata.schema import Store
from cpdata.scraper.base import RateRule, ScrapeOptions, SiteScraper
from cpdata.scraper.cache import PageCache
from cpdata.scraper.fetch import Fetcher, FetchPolicy
from cpdata.scraper.run import Crawl, CrawlSummary, ProgressCallback

__all__ = ["ScrapeSettings", "reparse", "scrape"]


@dataclass
class ScrapeSettings:
    cache_dir: Path
    refresh: bool = False
    max_age: timedelta | None = None
    offline: bool = False
    cookies: Mapping[str, str] = field(default_factory=dict)
    host_map: Mapping[str, str] = field(default_factory=dict)
    """Send a site's canonical host to another server (testing and the offline demo)."""
    intervals: Mapping[str, float] = field(default_factory=dict)
    """Path prefix -> seconds between requests, overriding the site's defaults (e.g. {"/": 2.0} for HTML)."""
    policy: FetchPolicy = field(default_factory=FetchPolicy)


def _rules(site: SiteScraper, intervals: Mapping[str, float]) -> list[RateRule]:
    rules = [replace(rule, interval=intervals.get(rule.path_prefix, rule.interval)) for rule in site.rate_rules]
    known = {rule.path_prefix for rule in rules}
    rules += [RateRule(site.hosts[0], prefix, interval) for prefix, interval in intervals.items() if prefix not in known]
    return rules


async def _scrape(
    store: Store, site: SiteScraper, options: ScrapeOptions, settings: ScrapeSettings, progress: ProgressCallback | None
) -> CrawlSummary:
    fetcher = (
        None
        if settings.offline
        else Fetcher(
            rules=_rules(site, settings.intervals), policy=settings.policy, cookies=settings.cookies, host_map=settings.host_map
        )
    )
    try:
        with PageCache(settings.cache_dir) as cache:
            crawl = Crawl(
                store, cache, fetcher, site, options, refresh=settings.refresh, max_age=settings.max_age, progress=progress
            )
            return await crawl.run()
    finally:
        if fetcher is not None:
            await fetcher.aclose()


def scrape(
    store: Store, site: SiteScraper, options: ScrapeOptions, settings: ScrapeSettings, progress: ProgressCallback | None = None
) -> CrawlSummary:
    return asyncio.run(_scrape(store, site, options, settings, progress))


@dataclass
class ReparseSummary:
    parsed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    skipped: int = 0
    entities: dict[str, int] = field(default_factory=dict)


def reparse(
    store: Store, cache_dir: Path, site_name: str | None = None, progress: ProgressCallback | None = None
) -> ReparseSummary:
    """Rebuild the store's entities from every cached response with the current parsers. No network at all."""
    import json
    from collections import Counter

    from cpdata.scraper.base import Page, ParseContext, ParseError
    from cpdata.scraper.registry import UnknownURL, route_url

    summary = ReparseSummary()
    written: Counter[str] = Counter()
    # A cached response may serve several units (a fragment tells them apart, each with its own meta): the cache
    # remembers them; a store's crawl units (from a crawl older than that memory) fill in the rest.
    stored_units: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for url, meta in store.run_sql("SELECT url, meta FROM crawl_unit")[1]:
        loaded = json.loads(meta) if isinstance(meta, str) else meta
        stored_units.setdefault(url.partition("#")[0], {})[url] = (url, loaded or {})
    with PageCache(cache_dir) as cache:
        units: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for response_url, remembered in cache.units().items():
            merged = {url: (url, meta) for url, meta in remembered} | stored_units.pop(response_url, {})
            units[response_url] = sorted(merged.values(), key=lambda unit: unit[0])
        for response_url, from_store in stored_units.items():
            units[response_url] = sorted(from_store.values(), key=lambda unit: unit[0])
        urls = list(cache.urls())
        for done, url in enumerate(urls, start=1):
            page = cache.get(url)
            try:
                site, _route, _params = route_url(url)
            except UnknownURL:
                summary.skipped += 1
                continue
            if page is None or (site_name and site.site.value != site_name) or page.status >= 400:
                summary.skipped += 1
                continue
            for unit_url, meta in units.get(url, [(url, {})]):
                try:
                    parsed = site.parse(
                        Page(unit_url, page.status, page.body, page.headers, page.fetched_at), ParseContext(meta=meta)
                    )
                except ParseError as exc:
                    summary.failures.append({"url": unit_url, "reason": str(exc)})
                    continue
                summary.failures.extend({"url": r.url, "reason": str(r)} for r in parsed.rejects)
                stored, _ = store.write(parsed.entities)
                written.update(stored)
                summary.parsed += 1
            if progress is not None:
                progress(done, len(urls))
    summary.entities = dict(written)
    return summary
