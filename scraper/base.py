"""The site protocol: what every site module provides, and the small value types the engine passes around.

A site declares routes (URL pattern with named groups -> page kind) and pure parse functions from a recorded
``Page`` to entities plus follow-up ``Request``s. No network, clock or database inside a parser: that is what lets
us test every parser on recorded pages, re-parse the whole cache, and offer ``cpdata parse URL FILE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from cpdata.schema import Contest, Language, Problem, Site, Submission, Test, TestKind, TestOrigin

__all__ = [
    "AnyEntity",
    "Page",
    "ParseContext",
    "ParseError",
    "Parsed",
    "RateLimited",
    "RateRule",
    "Reject",
    "Request",
    "Route",
    "ScrapeOptions",
    "SiteBlocked",
    "SiteScraper",
    "WireRequest",
    "hidden_test_half",
    "record_name",
]

AnyEntity = Contest | Problem | Test | Submission


@dataclass(frozen=True)
class Page:
    """A response as it was served: what the cache keeps and what a parser reads."""

    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None

    @property
    def text(self) -> str:
        # Sites sometimes omit the charset (AtCoder); everything we scrape is UTF-8.
        return self.body.decode("utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(frozen=True)
class WireRequest:
    """What actually goes over the wire for a unit's URL, when that is not a plain GET: an API that wants a POST
    or a key in a header. Secrets live here, in memory, never in the unit's URL (which the store and cache keep)."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


@dataclass(frozen=True)
class Request:
    """A unit of work: a URL to fetch and the page kind its route gives it. ``meta`` carries what a parser may
    need but the page may not say (e.g. the problem a submission belongs to)."""

    url: str
    kind: str
    priority: int = 5
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    """One record of a page that could not be read: reported, while the page's other records are kept."""

    url: str
    record: str
    """Which record: its id, or its position on the page (``row 3``, ``[17]``)."""
    field: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f" field {self.field}" if self.field else ""
        got = f" = {self.value}" if self.value is not None else ""
        return f"{self.url} record {self.record}{where}{got}: {self.reason}"


def record_name(item: object, key: str, position: int) -> str:
    """How a reject names a record of a JSON list: its id field when it has one, else its position (``[17]``)."""
    if isinstance(item, dict) and key in item:
        return str(item[key])
    return f"[{position}]"


@dataclass
class Parsed:
    entities: list[AnyEntity] = field(default_factory=list)
    follow: list[Request] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    @contextmanager
    def record(self, url: str, record: str) -> Iterator[None]:
        """Read one record inside this block: if it does not validate, it becomes one reject (with the field, the
        value and the reason) and the page's other records are kept.

        ``with parsed.record(page.url, "row 3"): parsed.entities.append(Submission(...))``"""
        from pydantic import ValidationError

        try:
            yield
        except ValidationError as exc:
            error = exc.errors()[0]
            name = ".".join(str(part) for part in error.get("loc", ())) or None
            self.rejects.append(Reject(url, record, name, repr(error.get("input"))[:120], error.get("msg", str(exc))))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            self.rejects.append(Reject(url, record, None, None, f"{type(exc).__name__}: {str(exc)[:200]}"))


@dataclass(frozen=True)
class Route:
    kind: str
    source: str
    """A regular expression matched against the URL's path and query (``/contest/1368/problems``); named groups
    become parameters."""

    @classmethod
    def of(cls, kind: str, pattern: str) -> Route:
        return cls(kind, pattern)

    @property
    def pattern(self) -> re.Pattern[str]:
        # Compiled on first use (re caches it): importing the five sites compiles none of their ~40 routes, so a
        # command that reads one site's page does not pay for the others.
        return re.compile(self.source)


@dataclass(frozen=True)
class RateRule:
    """At most one request per ``interval`` seconds to URLs under ``host`` + ``path_prefix``; ``concurrency``
    requests in flight at once. The most specific rule (longest prefix) wins."""

    host: str
    path_prefix: str
    interval: float
    concurrency: int = 1


@dataclass(frozen=True)
class ScrapeOptions:
    contests: tuple[str, ...] = ()
    since: date | None = None
    solutions: int = 0
    """Source codes to fetch per problem, language family and outcome (accepted / rejected)."""
    languages: frozenset[Language] = frozenset({Language.cpp, Language.python3, Language.java})
    gym: bool = False
    max_status_pages: int = 5
    status_page_size: int = 1000
    extra: dict[str, Any] = field(default_factory=dict)
    """Site-specific options (a Dropbox token, an API key), never stored."""


@dataclass(frozen=True)
class ParseContext:
    options: ScrapeOptions = ScrapeOptions()
    meta: dict[str, Any] = field(default_factory=dict)

    def problem_key(self, url: str, what: str, *needed: str) -> tuple[str, str]:
        """(contest_id, index) for a page that does not say which problem it belongs to: the unit that led to it
        does. Raises a ParseError naming the page when they (or the other ``needed`` meta fields) are missing."""
        contest_id, index = self.meta.get("contest_id"), self.meta.get("index")
        if not contest_id or not index or any(name not in self.meta for name in needed):
            raise ParseError(url, f"{what} without its contest and problem (it is reached from a contest)")
        return str(contest_id), str(index)


class ParseError(ValueError):
    """A page that does not hold what its kind promises. Names the URL and what was missing."""

    def __init__(self, url: str, missing: str) -> None:
        super().__init__(f"{url}: {missing}")
        self.url = url
        self.missing = missing


class SiteBlocked(RuntimeError):
    """The site refused us (challenge page, 403, login wall). The crawl of that site stops; nothing is evaded."""

    def __init__(self, site: str, url: str, reason: str, advice: str) -> None:
        super().__init__(f"{site} stopped the crawl at {url}: {reason}. {advice}")
        self.site = site
        self.url = url
        self.reason = reason
        self.advice = advice


class RateLimited(RuntimeError):
    """The site said "too fast" in its own words (not a 429), e.g. Codeforces' "Call limit exceeded"."""


Parser = Callable[[Page, dict[str, str], ParseContext], Parsed]


class SiteScraper:
    """Base class of a site module. Subclasses set the class attributes and implement ``parsers`` and ``seeds``."""

    site: ClassVar[Site]
    hosts: ClassVar[tuple[str, ...]]
    """Hostnames this site owns; the first is canonical."""
    routes: ClassVar[Sequence[Route]]
    examples: ClassVar[Sequence[tuple[str, str]]]
    """(URL, expected kind) pairs: a test checks each matches exactly one route across all sites."""
    rate_rules: ClassVar[Sequence[RateRule]] = ()
    login_hint: ClassVar[str] = "pass your own logged-in session with --cookie NAME=VALUE"
    rate_limit_pause: ClassVar[float] = 0.0
    """Seconds to hold off the whole host after an HTTP 429 that names no Retry-After (CodeChef: 60)."""
    api_hosts: ClassVar[tuple[str, ...]] = ()
    """Hosts the site's requests go to that it does not own (a third party's API, e.g. Dropbox for AtCoder's
    hidden tests). With ``hosts``, every host the fetcher may contact for this site, and ``--base-url`` remaps."""
    body_caps: ClassVar[dict[str, int]] = {}
    """Page kind -> the largest decoded body accepted for it, where the fetcher's default is too small (archives)."""

    @property
    def contacted_hosts(self) -> tuple[str, ...]:
        return (*self.hosts, *self.api_hosts)

    @property
    def base_url(self) -> str:
        return f"https://{self.hosts[0]}"

    def session_host(self, url: str) -> bool:
        """Does the user's session (``--cookie``) belong to this URL's host? Only the site's own domain (the first
        host's, and its subdomains): AtCoder's cookie is for atcoder.jp, not for kenkoooo.com or Dropbox."""
        host = (urlsplit(url).hostname or "").lower()
        domain = self.hosts[0].removeprefix("www.")
        return host == domain or host.endswith(f".{domain}")

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host in self.hosts

    def match(self, url: str) -> tuple[Route, dict[str, str]] | None:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for route in self.routes:
            found = route.pattern.fullmatch(target)
            if found:
                return route, {k: v for k, v in found.groupdict().items() if v is not None}
        return None

    def parsers(self) -> dict[str, Parser]:
        raise NotImplementedError

    def parse(self, page: Page, context: ParseContext | None = None) -> Parsed:
        matched = self.match(page.url)
        if matched is None:
            raise ParseError(page.url, f"no {self.site.value} route matches this URL")
        route, params = matched
        try:
            return self.parsers()[route.kind](page, params, context or ParseContext())
        except ParseError:
            raise
        except (KeyError, IndexError, TypeError, AttributeError, ValueError, RecursionError, UnicodeError) as exc:
            # A body of the wrong shape (a dict where a list was, nesting a thousand deep, a number as a string):
            # one failed page with its URL and what broke, never a traceback that stops a crawl or a reparse.
            raise ParseError(page.url, f"unexpected {route.kind} content ({type(exc).__name__}: {str(exc)[:200]})") from exc

    def seeds(self, options: ScrapeOptions) -> list[Request]:
        raise NotImplementedError

    def check(self, page: Page) -> None:
        """Raise ``SiteBlocked`` for a login wall or ``RateLimited`` for the site's own "too fast" answer.
        Generic challenge pages and 403s are recognised by the fetcher for every site."""

    def wire(self, url: str, options: ScrapeOptions) -> WireRequest:
        """The HTTP request behind a unit's URL; a plain GET unless the site says otherwise."""
        return WireRequest(url.partition("#")[0])

    def submission_request(self, submission: Submission, options: ScrapeOptions) -> Request | None:
        """The page that holds a submission's source code, if the site has one."""
        return None


def hidden_test_half(site: Site, contest_id: str, index: str, ordinal: int, side: str, body: bytes) -> Test:
    """One side ("in" or "out") of an official hidden test served as its own file; the other side arrives in another
    response and the store merges the two (Dropbox, AOJ's raw endpoints, yukicoder's file API)."""
    text = body.decode("utf-8", errors="replace").replace("\r\n", "\n")
    content = {"input": text} if side == "in" else {"output": text}
    return Test(
        site=site,
        contest_id=contest_id,
        index=index,
        kind=TestKind.private,
        ordinal=ordinal,
        origin=TestOrigin.official,
        **content,
    )
