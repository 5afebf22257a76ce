"""Site scrapers: the polite fetcher, the page cache, the crawl loop and one module per site."""

from scraper.base import Page, ParseContext, Parsed, ParseError, Request, ScrapeOptions, SiteBlocked, SiteScraper
from scraper.cache import DEFAULT_CACHE_DIR, PageCache
from scraper.fetch import Fetcher, FetchFailed, FetchPolicy
from scraper.registry import SITES, UnknownURL, get_site, route_url, site_for_url
from scraper.run import Crawl, CrawlSummary

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
