"""The crawl: units of work -> cache or fetch -> parse -> validate -> upsert -> follow.

Unit state lives in the store and changes in the same transaction that stores a unit's entities and its
follow-up units. Responses are cached before they are parsed. So a crawl killed at any moment (Ctrl-C,
``kill -9``) resumes where it stopped: done units are not redone, and a pending unit whose response was
already fetched is served from the cache. A page that does not parse marks its unit failed with the URL and
the reason, and the crawl goes on; a block or login wall stops the crawl of that site with advice.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cpdata.schema import Store, Submission
from cpdata.schema.store import CrawlUnit
from cpdata.scraper.base import Page, ParseContext, ParseError, Request, ScrapeOptions, SiteBlocked, SiteScraper
from cpdata.scraper.cache import PageCache
from cpdata.scraper.fetch import Fetcher, FetchFailed

__all__ = ["PARSER_VERSION", "Crawl", "CrawlSummary", "ProgressCallback"]

PARSER_VERSION = "1"
"""Recorded in the cache index beside each response; bump it when parsers change what they extract."""

ProgressCallback = Callable[[int, int], None]
_CONCURRENT_UNITS = 4
_SELECTION_ROUNDS = 4


@dataclass
class CrawlSummary:
    site: str
    by_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    entities: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, str]] = field(default_factory=list)
    blocked: str | None = None
    units: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> int:
        return sum(c[what] for c in self.by_kind.values())

    @property
    def exit_code(self) -> int:
        if self.blocked:
            return 2
        return 1 if self.failures else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "fetched": self.count("fetched"),
            "from_cache": self.count("from_cache"),
            "parsed": self.count("parsed"),
            "failed": self.count("failed"),
            "rejected_records": self.count("rejected_records"),
            "by_kind": {kind: dict(c) for kind, c in sorted(self.by_kind.items())},
            "entities": dict(self.entities),
            "failures": self.failures,
            "blocked": self.blocked,
            "units": self.units,
        }


def _unit(site: SiteScraper, request: Request) -> CrawlUnit:
    return CrawlUnit(site.site.value, request.url, request.kind, request.priority, dict(request.meta))


class Crawl:
    def __init__(
        self,
        store: Store,
        cache: PageCache,
        fetcher: Fetcher | None,
        site: SiteScraper,
        options: ScrapeOptions,
        *,
        refresh: bool = False,
        max_age: timedelta | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.store = store
        self.cache = cache
        self.fetcher = fetcher  # None: offline, the cache is all there is
        self.site = site
        self.options = options
        self.progress = progress
        started = datetime.now(UTC)
        # Work (and cached pages) older than this is done again: everything with --refresh, the stale with --max-age.
        self.cutoff: datetime | None = started if refresh else (started - max_age if max_age else None)
        self.summary = CrawlSummary(site.site.value)
        self._done = 0

    async def run(self) -> CrawlSummary:
        site_name = self.site.site.value
        self.store.requeue_failed(site_name)
        self.store.add_units([_unit(self.site, r) for r in self.site.seeds(self.options)], self.cutoff)
        rounds = 0
        while self.summary.blocked is None:
            units = self.store.next_units(site_name, _CONCURRENT_UNITS)
            if not units:
                if self.options.solutions > 0 and rounds < _SELECTION_ROUNDS:
                    rounds += 1
                    if self.store.add_units(self._solution_units(), self.cutoff):
                        continue
                break
            await asyncio.gather(*(self._process(unit) for unit in units))
        self.summary.units = self.store.unit_states(site_name)
        return self.summary

    def _report_progress(self) -> None:
        if self.progress is not None:
            states = self.store.unit_states(self.site.site.value)
            self.progress(self._done, self._done + states.get("pending", 0))

    async def _page(self, unit: CrawlUnit) -> Page:
        stats = self.summary.by_kind[unit.kind]
        # A fragment only tells units apart (one page parsed for several contests); the response is the same.
        key = unit.url.partition("#")[0]
        cached = self.cache.get(key)
        if cached is not None and (self.cutoff is None or (cached.fetched_at is not None and cached.fetched_at >= self.cutoff)):
            stats["from_cache"] += 1
            return Page(unit.url, cached.status, cached.body, cached.headers, cached.fetched_at)
        if self.fetcher is None:
            raise FetchFailed(f"{key}: not in the cache, and this run is offline")
        page = await self.fetcher.fetch(key, self.site, self.site.wire(unit.url, self.options), kind=unit.kind)
        self.cache.put(page, PARSER_VERSION)
        stats["fetched"] += 1
        return page

    async def _process(self, unit: CrawlUnit) -> None:
        if self.summary.blocked is not None:
            return
        stats = self.summary.by_kind[unit.kind]
        try:
            page = await self._page(unit)
            if page.status >= 400:
                raise ParseError(unit.url, f"HTTP {page.status}")
            if page.url != unit.url:
                page = Page(unit.url, page.status, page.body, page.headers, page.fetched_at)
            self.cache.remember_unit(unit.url, unit.meta)  # so that reparse needs nothing but the cache
            parsed = self.site.parse(page, ParseContext(self.options, unit.meta))
        except SiteBlocked as exc:
            self.summary.blocked = str(exc)
            return  # the unit stays pending: a later run, with cookies or patience, picks it up
        except (ParseError, FetchFailed) as exc:
            self._fail(unit, str(exc))
            return
        except Exception as exc:  # a parser bug must not stop the crawl; it is recorded like a parse failure
            self._fail(unit, f"{unit.url}: parser error {type(exc).__name__}: {exc}")
            return
        written, _ = self.store.finish_unit(unit, parsed.entities, [_unit(self.site, r) for r in parsed.follow], self.cutoff)
        for reject in parsed.rejects:  # the page is done and its good records kept; each bad one is reported
            self.summary.failures.append(
                {
                    "url": reject.url,
                    "kind": f"{unit.kind} record",
                    "record": reject.record,
                    "field": reject.field or "",
                    "value": reject.value or "",
                    "reason": str(reject),
                }
            )
            self.summary.by_kind[unit.kind]["rejected_records"] += 1
        self.summary.entities.update(written)
        stats["parsed"] += 1
        self._done += 1
        self._report_progress()

    def _fail(self, unit: CrawlUnit, reason: str) -> None:
        self.store.fail_unit(unit, reason)
        self.summary.by_kind[unit.kind]["failed"] += 1
        self.summary.failures.append({"url": unit.url, "kind": unit.kind, "reason": reason})
        self._done += 1
        self._report_progress()

    def _solution_units(self) -> list[CrawlUnit]:
        """Submission pages to fetch: up to ``--solutions`` per problem, language family and outcome, counting
        the ones whose code we already have; submissions whose page failed are passed over for others."""
        site = self.site.site.value
        wanted = self.options.solutions
        languages = sorted(language.value for language in self.options.languages)
        params: dict[str, Any] = {"site": site}
        where = ["site = :site", "is_correct IS NOT NULL", "language IS NOT NULL"]
        if languages:
            where.append("language IN (" + ", ".join(f":lang{i}" for i in range(len(languages))) + ")")
            params.update({f"lang{i}": lang for i, lang in enumerate(languages)})
        if self.options.contests:
            where.append("contest_id IN (" + ", ".join(f":c{i}" for i in range(len(self.options.contests))) + ")")
            params.update({f"c{i}": c for i, c in enumerate(self.options.contests)})
        _, rows = self.store.run_sql(
            'SELECT submission_id, contest_id, "index", language, is_correct, source_code IS NOT NULL FROM submission WHERE '
            + " AND ".join(where)
            + ' ORDER BY contest_id, "index", language, is_correct, submission_id',
            params,
        )
        _, known = self.store.run_sql("SELECT url FROM crawl_unit WHERE site = :site AND kind = 'submission'", {"site": site})
        queued = {url for (url,) in known}
        groups: dict[tuple[str, str, str, bool], list[tuple[str, bool]]] = defaultdict(list)
        for submission_id, contest_id, index, language, is_correct, has_code in rows:
            groups[(contest_id, index, language, bool(is_correct))].append((submission_id, bool(has_code)))
        units: list[CrawlUnit] = []
        for (contest_id, index, _language, _correct), members in groups.items():
            have = sum(has_code for _, has_code in members)
            for submission_id, has_code in members:
                if have >= wanted:
                    break
                if has_code:
                    continue
                request = self.site.submission_request(
                    Submission(site=self.site.site, submission_id=submission_id, contest_id=contest_id, index=index), self.options
                )
                if request is None or request.url in queued:
                    continue
                units.append(_unit(self.site, request))
                have += 1
        return units
