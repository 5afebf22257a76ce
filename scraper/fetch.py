"""The one polite HTTP client. All traffic goes through it.

- Per host and path prefix: a minimum interval between requests and a bound on requests in flight.
- Retries with exponential backoff and jitter on 429, 5xx, timeouts, dropped connections and truncated bodies,
  honouring ``Retry-After``; a "slow down" from the site pushes back every later request to that host too.
- An honest User-Agent naming cpdata.
- Block and login pages (Cloudflare, the Codeforces RCPC challenge, 403, a site's login wall) raise
  ``SiteBlocked``: the crawl stops with advice. Nothing here tries to get past them.
- ``host_map`` sends a site's canonical URLs to another server (the offline demo's loopback server) while pages
  keep their canonical URL, so the cache and the store look exactly as they would after a real scrape.
- Hostile servers are bounded: a body is streamed and cut off past a cap on its decoded size (a 2 GiB body or a
  gzip bomb costs at most the cap, and such a page is never cached); every attempt has a total deadline (a server
  that trickles a byte at a time cannot hold a request for longer); only hosts the site declares are contacted,
  redirects are followed only to them, and cookies and a request's own headers (tokens) never go to another host.
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
from urllib.parse import urljoin, urlsplit, urlunsplit

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
    """A request that still failed after every retry, or one that must not be retried (too big, off-site)."""


class _Refused(Exception):
    """An answer we will not take, whatever the retries: a body over the cap, a redirect to another host."""


_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass
class FetchPolicy:
    timeout: float = 30.0
    """Seconds for connecting and for each read."""
    deadline: float = 120.0
    """Seconds for a whole attempt, body included (a server trickling bytes cannot hold a request longer)."""
    max_body_bytes: int = 64 << 20
    """The largest decoded body accepted (unless the site sets a cap for the page kind, e.g. test archives)."""
    max_redirects: int = 5
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
                # The next slot follows this one's plan, not the moment we woke: a timer that oversleeps would
                # otherwise add its lateness to every interval. Requests never start before their slot, and slots are
                # an interval apart, so the rate never goes above the limit.
                self.next_at += self.interval
            else:  # idle for a while: the next slot counts from now
                self.next_at = now + self.interval

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
            follow_redirects=False,  # followed by hand: only to the site's own hosts, without its secrets elsewhere
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

    def _retry_after(self, headers: httpx.Headers) -> float | None:
        value = headers.get("retry-after")
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

    async def fetch(self, url: str, site: SiteScraper, wire: WireRequest | None = None, kind: str | None = None) -> Page:
        """The response for ``url`` (any status but the retried ones), or an exception that says why not.

        ``wire`` is the request actually sent when it is not a plain GET of ``url``; the page keeps ``url``.
        ``kind`` (the page kind) picks the site's body cap for it."""
        wire = wire or WireRequest(url.partition("#")[0])
        host = urlsplit(wire.url).hostname or ""
        if host not in site.contacted_hosts:
            raise FetchFailed(f"{url}: {site.site.value} does not declare the host {host!r}; not contacted")
        cap = site.body_caps.get(kind or "", self.policy.max_body_bytes)
        gate = self._gate(wire.url)
        last_error = "no attempt made"
        for attempt in range(1, self.policy.max_attempts + 1):
            wait: float | None = None
            async with gate.semaphore:
                await gate.wait_turn()
                try:
                    async with asyncio.timeout(self.policy.deadline):
                        status, headers, body, final = await self._exchange(wire, site, cap)
                except _Refused as exc:
                    self.stats["refused"] += 1
                    raise FetchFailed(f"{url}: {exc}") from None
                except TimeoutError:
                    last_error = f"no complete answer within {self.policy.deadline:g} s"
                except httpx.TimeoutException as exc:
                    last_error = f"timed out ({type(exc).__name__})"
                except httpx.TransportError as exc:  # refused, dropped, truncated body
                    last_error = f"connection failed ({type(exc).__name__}: {exc})"
                else:
                    self.stats["responses"] += 1
                    page = Page(
                        url=url,
                        status=status,
                        body=body,
                        headers=self._kept_headers(headers, wire.url, final),
                        fetched_at=datetime.now(UTC),
                    )
                    self._detect_block(page, site)
                    try:
                        site.check(page)
                    except RateLimited as exc:
                        last_error = str(exc)
                        wait = self._backoff(attempt) * 4
                    else:
                        if status not in _RETRY_STATUSES:
                            return page
                        last_error = f"HTTP {status}"
                        wait = self._retry_after(headers)
                        if wait is None and status == 429 and site.rate_limit_pause:
                            wait = site.rate_limit_pause  # slow down for the site, do not retry in a loop
            self.stats["retries"] += 1
            delay = wait if wait is not None else self._backoff(attempt)
            gate.push_back(delay)  # the whole host slows down, not just this request
            if attempt < self.policy.max_attempts:
                await asyncio.sleep(delay)
        self.stats["failures"] += 1
        raise FetchFailed(f"{url}: {last_error} (after {self.policy.max_attempts} attempts)")

    async def _exchange(self, wire: WireRequest, site: SiteScraper, cap: int) -> tuple[int, httpx.Headers, bytes, str]:
        """(status, headers, body, final URL) of one attempt, following same-site redirects by hand."""
        origin = urlsplit(wire.url).hostname
        method, target, content = wire.method, wire.url, wire.content
        for _ in range(self.policy.max_redirects + 1):
            headers = self._headers_for(target, site)
            if urlsplit(target).hostname == origin:
                headers.update(wire.headers)  # a token or CSRF header was made for that host only
            request = self._client.build_request(method, self._wire_url(target), headers=headers, content=content)
            response = await self._client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    nxt = self._canonical(urljoin(target, location), target)
                    if (urlsplit(nxt).hostname or "") not in site.contacted_hosts:
                        raise _Refused(f"redirected to {nxt}, a host {site.site.value} does not declare; not followed")
                    if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                        method, content = "GET", None
                    target = nxt
                    continue
                body = bytearray()
                async for chunk in response.aiter_bytes():  # decoded: a gzip bomb is measured by what it expands to
                    body += chunk
                    if len(body) > cap:
                        raise _Refused(f"the body is larger than {cap} bytes (decoded); not kept (raise the cap to fetch it)")
                return response.status_code, response.headers, bytes(body), target
            finally:
                await response.aclose()
        raise _Refused(f"more than {self.policy.max_redirects} redirects")

    def _canonical(self, url: str, current: str) -> str:
        """A URL the (mapped) server sent, in the site's own terms: a Location on the mapped server's address is the
        same host as the request that led to it."""
        parts = urlsplit(url)
        mapped = {urlsplit(target).netloc for target in self.host_map.values()}
        if parts.netloc in mapped:
            here = urlsplit(current)
            return urlunsplit((here.scheme, here.netloc, parts.path, parts.query, ""))
        return url

    def _headers_for(self, url: str, site: SiteScraper) -> dict[str, str]:
        # A user's cookies go only to the domain they belong to, and live only in memory.
        if self._cookie_header and site.session_host(url):
            return {"Cookie": self._cookie_header}
        return {}

    @staticmethod
    def _kept_headers(response_headers: httpx.Headers, url: str, final: str) -> dict[str, str]:
        headers = {
            k.lower(): v
            for k, v in response_headers.items()
            if k.lower() in ("content-type", "last-modified", "etag", "date", "retry-after", "server", "cf-ray")
        }
        if final != url:
            headers["x-final-url"] = final  # where the answer really came from, host included
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
