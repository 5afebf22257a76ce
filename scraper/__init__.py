"""Site scrapers: the polite fetcher, the page cache, the crawl loop and one module per site. Imports ``cpdata.schema``.

Names load on first use (``cpdata.lazy``), so that one site's command does not import every site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cpdata.lazy import lazy_exports

if TYPE_CHECKING:
    from cpdata.scraper.base import Page, ParseContext, Parsed, ParseError, Request, ScrapeOptions, SiteBlocked, SiteScraper
    from cpdata.scraper.cache import DEFAULT_CACHE_DIR, PageCache
    from cpdata.scraper.fetch import Fetcher, FetchFailed, FetchPolicy
    from cpdata.scraper.registry import SITES, UnknownURL, get_site, route_url, site_for_url
    from cpdata.scraper.run import Crawl, CrawlSummary
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        globals(),
        {
            "Page": "cpdata.scraper.base",
            "ParseContext": "cpdata.scraper.base",
            "Parsed": "cpdata.scraper.base",
            "ParseError": "cpdata.scraper.base",
            "Request": "cpdata.scraper.base",
            "ScrapeOptions": "cpdata.scraper.base",
            "SiteBlocked": "cpdata.scraper.base",
            "SiteScraper": "cpdata.scraper.base",
            "DEFAULT_CACHE_DIR": "cpdata.scraper.cache",
            "PageCache": "cpdata.scraper.cache",
            "Fetcher": "cpdata.scraper.fetch",
            "FetchFailed": "cpdata.scraper.fetch",
            "FetchPolicy": "cpdata.scraper.fetch",
            "SITES": "cpdata.scraper.registry",
            "UnknownURL": "cpdata.scraper.registry",
            "get_site": "cpdata.scraper.registry",
            "route_url": "cpdata.scraper.registry",
            "site_for_url": "cpdata.scraper.registry",
            "Crawl": "cpdata.scraper.run",
            "CrawlSummary": "cpdata.scraper.run",
        },
    )

__all__ = [
    "DEFAULT_CACHE_DIR",
    "SITES",
    "Crawl",
    "CrawlSummary",
    "FetchFailed",
    "FetchPolicy",
    "Fetcher",
    "Page",
    "PageCache",
    "ParseContext",
    "ParseError",
    "Parsed",
    "Request",
    "ScrapeOptions",
    "SiteBlocked",
    "SiteScraper",
    "UnknownURL",
    "get_site",
    "route_url",
    "site_for_url",
]
