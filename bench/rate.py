"""Rate limiting: the achieved request rate against a loopback server with a 20 requests/s limit, over the allowed
rate (goal: at least 0.995, and never above 1.0).

The real Fetcher (one gate for the host, 4 concurrent callers) fetches 200 recorded pages from a real HTTP
server on 127.0.0.1. A baseline in the same run: the same 200 requests through a bare httpx client with no
limit, which shows what the server could give.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from cpdata.scraper.base import RateRule
from cpdata.scraper.fetch import Fetcher, FetchPolicy
from cpdata.scraper.registry import get_site
from cpdata.scraper.replay import ReplayServer

REQUESTS = 200
ALLOWED_PER_S = 20.0


async def _limited(server: ReplayServer, urls: list[str]) -> float:
    site = get_site("codeforces")
    fetcher = Fetcher(
        rules=[RateRule("codeforces.com", "/", interval=1 / ALLOWED_PER_S, concurrency=4)],
        policy=FetchPolicy(timeout=5),
        host_map={h: server.base_url for h in site.contacted_hosts},
    )
    queue = list(urls)

    async def worker() -> None:
        while queue:
            page = await fetcher.fetch(queue.pop(), site)
            assert page.status == 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(4)))
    elapsed = time.perf_counter() - started
    await fetcher.aclose()
    return elapsed


async def _unlimited(server: ReplayServer, urls: list[str]) -> float:
    async with httpx.AsyncClient() as client:
        started = time.perf_counter()
        for url in urls:
            (await client.get(server.base_url + url.removeprefix("https://codeforces.com"))).raise_for_status()
        return time.perf_counter() - started


def run() -> dict[str, Any]:
    server = ReplayServer()
    urls = [f"https://codeforces.com/contest/{1000 + i}/problems" for i in range(REQUESTS)]
    for url in urls:
        server.add(url, "<html><body>" + "x" * 2000 + "</body></html>")
    with server:
        limited = asyncio.run(_limited(server, urls))
        unlimited = asyncio.run(_unlimited(server, urls))
    # n requests spaced by 1/rate span (n - 1) intervals
    achieved = (REQUESTS - 1) / limited
    return {
        "requests": REQUESTS,
        "allowed_per_s": ALLOWED_PER_S,
        "achieved_per_s": round(achieved, 2),
        "achieved_over_allowed": round(achieved / ALLOWED_PER_S, 3),
        "baseline_unlimited_per_s": round(REQUESTS / unlimited, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
