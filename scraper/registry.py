"""The ordered registry of sites, and URL -> (site, route) lookup. A URL has exactly one owner."""

from __future__ import annotations

from cpdata.scraper.base import Route, SiteScraper
from cpdata.scraper.sites.aoj import AOJ
from cpdata.scraper.sites.atcoder import AtCoder
from cpdata.scraper.sites.codechef import CodeChef
from cpdata.scraper.sites.codeforces import Codeforces
from cpdata.scraper.sites.yukicoder import Yukicoder

__all__ = ["SITES", "UnknownURL", "get_site", "route_url", "site_for_url"]

SITES: tuple[SiteScraper, ...] = (Codeforces(), AtCoder(), AOJ(), CodeChef(), Yukicoder())


class UnknownURL(LookupError):
    pass


def get_site(name: str) -> SiteScraper:
    for site in SITES:
        if site.site.value == name:
            return site
    raise UnknownURL(f"no site named {name!r} (known: {', '.join(s.site.value for s in SITES)})")


def site_for_url(url: str) -> SiteScraper:
    for site in SITES:
        if site.owns(url):
            return site
    raise UnknownURL(f"{url}: no site owns this host (known: {', '.join(h for s in SITES for h in s.hosts)})")


def route_url(url: str) -> tuple[SiteScraper, Route, dict[str, str]]:
    site = site_for_url(url)
    matched = site.match(url)
    if matched is None:
        raise UnknownURL(f"{url}: {site.site.value} has no route for this page")
    return site, matched[0], matched[1]
