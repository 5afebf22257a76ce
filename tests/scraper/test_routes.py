"""A URL has exactly one owner: every example URL of every site matches exactly one route, with the kind it
declares, and no other site claims it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from cpdata.scraper.registry import SITES, UnknownURL, route_url

EXAMPLES = [(site.site.value, url, kind) for site in SITES for url, kind in site.examples]


@pytest.mark.parametrize(("site_name", "url", "kind"), EXAMPLES, ids=[u for _, u, _ in EXAMPLES])
def test_each_example_matches_exactly_one_route(site_name: str, url: str, kind: str) -> None:
    owners = [site for site in SITES if site.owns(url)]
    assert [s.site.value for s in owners] == [site_name]
    site = owners[0]
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    matching = [route for route in site.routes if route.pattern.fullmatch(target)]
    assert len(matching) == 1, [r.kind for r in matching]
    found_site, route, _ = route_url(url)
    assert (found_site.site.value, route.kind) == (site_name, kind)


def test_every_site_declares_examples_for_every_page_kind() -> None:
    for site in SITES:
        assert {r.kind for r in site.routes} == {kind for _, kind in site.examples}, site.site.value


def test_unknown_hosts_and_pages_are_refused_clearly() -> None:
    with pytest.raises(UnknownURL, match="no site owns this host"):
        route_url("https://example.com/contest/1/problems")
    with pytest.raises(UnknownURL, match="codeforces has no route for this page"):
        route_url("https://codeforces.com/blog/entry/1")
