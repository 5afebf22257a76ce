"""The one polite HTTP client. All traffic goes through it.

- Per host and path prefix: a minimum interval between requests and a bound on requests in flight.
- Retries with exponential backoff and jitter on 429, 5xx, timeouts, dropped connections and truncated bodies,
  honouring ``Retry-After``; a "slow down" from the site pushes back every later request to that host too.
- An honest User-Agent naming cpdata.
- Block and login pages (Cloudflare, the Codeforces RCPC challenge, 403, a site's login wall) raise
  ``SiteBlocked``: the crawl stops with advice. Nothing here tries to get past them.
- ``host_map`` sends a site's canonical URLs to another server (the offline demo's loopback server) while pages
  keep their canonical URL, so the cache and the store look exactly as they would after a real scrape.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import httpx

from cpdata.scraper.base import Page, RateLimited, RateRule, SiteBlocked, SiteScraper, WireRequest
from cpdata.version import __version__

__all__ = ["FetchFailed", "FetchPolicy", "Fetcher", "user_agent"]

_RETRY_STATUSES = {429, 500, 502, 503, 504}
_CHALLENGE_MARKERS = (
    (b'document.cookie="RCPC="', "the Codeforces RCPC JavaScript challenge"),
    (b"slowAES.decrypt", "a JavaScript cookie challenge"),
    (b"cf-browser-verification", "a Cloudflare browser check"),
    (b"challenge-platform", "a Cloudflare challenge"),
    (b"<title>Just a moment...</title>", "a Cloudflare challenge"),
    (b"Attention Required! | Cloudflare", "a Cloudflare block page"),
)


def user_agent() -> str:
    return f"cpdata/{__version__} (dataset builder; polite crawler; +https://pypi.org/project/cpdata/)"


class FetchFailed(RuntimeError):
    """A request that still failed after every retry."""


@dataclass
class FetchPolicy:
    timeout: float = 30.0
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    retry_after_cap: float = 600.0
    default_interval: float = 1.0
    default_concurrency: int = 2


@dataclass
class _Gate:
    """Spacing and concurrency for one (host, path prefix)."""

    interval: float
    semaphore: asyncio.Semaphore
    next_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def wait_turn(self) -> None:
        async with self.lock:
            now = time.monotonic()
            if self.next_at > now:
                await asyncio.sleep(self.next_at - now)
                now = time.monotonic()
            self.next_at = max(now, self.next_at) + self.interval

    def push_back(self, seconds: float) -> None:
        self.next_at = max(self.next_at, time.monotonic() + seconds)


class Fetcher:
    def __init__(
        self,
        *,
        rules: Sequence[RateRule] = (),
        policy: FetchPolicy | None = None,
        cookies: Mapping[str, str] | None = None,
        host_map: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.rules = sorted(rules, key=lambda r: len(r.path_prefix), reverse=True)
        self.host_map = dict(host_map or {})
        self._cookie_header = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        self._gates: dict[tuple[str, str], _Gate] = {}
        self.stats: Counter[str] = Counter()
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent(), "Accept-Language": "en"},
            timeout=self.policy.timeout,
            follow_redirects=True,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _gate(self, url: str) -> _Gate:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        rule = next((r for r in self.rules if host.endswith(r.host) and parts.path.startswith(r.path_prefix)), None)
        key = (host, rule.path_prefix) if rule else (host, "")
        gate = self._gates.get(key)
        if gate is None:
            interval = rule.interval if rule else self.policy.default_interval
            concurrency = rule.concurrency if rule else self.policy.default_concurrency
            gate = self._gates[key] = _Gate(interval, asyncio.Semaphore(concurrency))
        return gate

    def _wire_url(self, url: str) -> str:
        parts = urlsplit(url)
        target = self.host_map.get(parts.hostname or "")
        if target is None:
            return url
        mapped = urlsplit(target)
        return urlunsplit((mapped.scheme, mapped.netloc, parts.path, parts.query, ""))

    def _backoff(self, attempt: int) -> float:
        delay = min(self.policy.backoff_cap, self.policy.backoff_base * 2.0 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # jitter: spread retries out

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
            except (TypeError, ValueError):
                return None
        return max(0.0, min(seconds, self.policy.retry_after_cap))

    async def fetch(self, url: str, site: SiteScraper, wire: WireRequest | None = None) -> Page:
        """The response for ``url`` (any status but the retried ones), or an exception that says why not.

        ``wire`` is the request actually sent when it is not a plain GET of ``url``; the page keeps ``url``."""
        wire = wire or WireRequest(url.partition("#")[0])
        gate = self._gate(wire.url)
        last_error = "no attempt made"
        for attempt in range(1, self.policy.max_attempts + 1):
            wait: float | None = None
            async with gate.semaphore:
                await gate.wait_turn()
                try:
                    response = await self._client.request(
                        wire.method,
                        self._wire_url(wire.url),
                        headers={**self._headers_for(wire.url, site), **wire.headers},
                        content=wire.content,
                    )
                    body = response.content
                except httpx.TimeoutException as exc:
                    last_error = f"timed out ({type(exc).__name__})"
                except httpx.TransportError as exc:  # refused, dropped, truncated body
                    last_error = f"connection failed ({type(exc).__name__}: {exc})"
                else:
                    self.stats["responses"] += 1
                    page = Page(
                        url=url,
                        status=response.status_code,
                        body=body,
                        headers=self._kept_headers(response, url),
                        fetched_at=datetime.now(UTC),
                    )
                    self._detect_block(page, site)
                    try:
                        site.check(page)
                    except RateLimited as exc:
                        last_error = str(exc)
                        wait = self._backoff(attempt) * 4
                    else:
                        if response.status_code not in _RETRY_STATUSES:
                            return page
                        last_error = f"HTTP {response.status_code}"
                        wait = self._retry_after(response)
                        if wait is None and response.status_code == 429 and site.rate_limit_pause:
                            wait = site.rate_limit_pause  # slow down for the site, do not retry in a loop
            self.stats["retries"] += 1
            delay = wait if wait is not None else self._backoff(attempt)
            gate.push_back(delay)  # the whole host slows down, not just this request
            if attempt < self.policy.max_attempts:
                await asyncio.sleep(delay)
        self.stats["failures"] += 1
        raise FetchFailed(f"{url}: {last_error} (after {self.policy.max_attempts} attempts)")

    def _headers_for(self, url: str, site: SiteScraper) -> dict[str, str]:
        # A user's cookies go only to the site they belong to, and live only in memory.
        if self._cookie_header and site.owns(url):
            return {"Cookie": self._cookie_header}
        return {}

    @staticmethod
    def _kept_headers(response: httpx.Response, url: str) -> dict[str, str]:
        headers = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() in ("content-type", "last-modified", "etag", "date", "retry-after", "server", "cf-ray")
        }
        if response.history:
            final = urlsplit(str(response.url))
            original = urlsplit(url)
            headers["x-final-url"] = urlunsplit((original.scheme, original.netloc, final.path, final.query, ""))
        return headers

    @staticmethod
    def _detect_block(page: Page, site: SiteScraper) -> None:
        head = page.body[:20000]
        advice = (
            "cpdata does not try to get past it. Slow down (a larger interval), try again later, or "
            f"{site.login_hint} from a browser session you are entitled to use."
        )
        for marker, what in _CHALLENGE_MARKERS:
            if marker in head:
                raise SiteBlocked(site.site.value, page.url, f"the site answered with {what}", advice)
        if page.status == 403:
            raise SiteBlocked(site.site.value, page.url, "HTTP 403 Forbidden", advice)
