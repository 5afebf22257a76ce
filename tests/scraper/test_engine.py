"""The engine against a real loopback server that misbehaves on purpose. Each case ends as the engine promises:
retried, or stopped with a clear message, and nothing stored twice."""

from __future__ import annotations

import itertools
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from cpdata.scraper.base import ScrapeOptions
from cpdata.scraper.cache import PageCache
from cpdata.scraper.fetch import FetchPolicy
from cpdata.scraper.replay import ReplayServer
from tests.conftest import FIXTURES
from tests.scraper.helpers import crawl, dump, replay

STANDINGS = "/api/contest.standings?contestId=1001&count=1&from=1"
PROBLEMS = "/contest/1001/problems?locale=en"
STATUS = "/api/contest.status?contestId=1001&count=1000&from=1"
EXPECTED = {"contest": 1, "problem": 2, "test": 5, "submission": 10}


def _reference(tmp_path: Path) -> dict[str, list[str]]:
    with replay() as server:
        summary, store = crawl(server, tmp_path / "reference")
        assert summary.exit_code == 0
        reference = dump(store)
        store.close()
    return reference


def _counts(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {t: store.count(t) for t in EXPECTED}


def _answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> bool:
    handler.answer(status, body, "text/html", headers)  # type: ignore[attr-defined]
    return True


def test_an_undisturbed_crawl_stores_each_entity_once(tmp_path: Path) -> None:
    with replay() as server:
        summary, store = crawl(server, tmp_path)
        assert summary.exit_code == 0 and summary.failures == []
        assert _counts(store) == EXPECTED
        assert max(server.hits.values()) == 1  # every page fetched once
        # --solutions 1: one source per problem, language and outcome
        _, rows = store.run_sql(
            'SELECT "index", language, is_correct FROM submission WHERE source_code IS NOT NULL ORDER BY 1, 2, 3'
        )
        assert [(i, lang, bool(ok)) for i, lang, ok in rows] == [
            ("A", "cpp", False),
            ("A", "cpp", True),
            ("A", "java", True),
            ("A", "python3", False),
            ("A", "python3", True),
            ("B", "cpp", False),
            ("B", "cpp", True),
            ("B", "python3", False),
            ("B", "python3", True),
        ]


def test_429_with_retry_after_is_honoured(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return key == STANDINGS and seen == 0 and _answer(handler, 429, b"slow down", **{"Retry-After": "1"})

    with replay(misbehave) as server:
        started = time.monotonic()
        summary, store = crawl(server, tmp_path)
        assert time.monotonic() - started >= 0.95  # waited as told
        assert server.hits[STANDINGS] == 2 and summary.exit_code == 0
        assert dump(store) == _reference(tmp_path)


def test_503_is_retried_with_backoff(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return key == PROBLEMS and seen < 2 and _answer(handler, 503, b"overloaded")

    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path)
        assert server.hits[PROBLEMS] == 3 and summary.exit_code == 0
        assert _counts(store) == EXPECTED


def test_slow_answers_past_the_timeout_are_retried(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        if key == STATUS and seen == 0:
            time.sleep(1.0)
        return False

    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path, policy=FetchPolicy(timeout=0.3, max_attempts=3, backoff_base=0.01))
        assert server.hits[STATUS] == 2 and summary.exit_code == 0
        assert _counts(store) == EXPECTED


def test_dropped_connections_and_truncated_bodies_are_retried(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        if key == STANDINGS and seen == 0:  # close without a word
            handler.close_connection = True
            return True
        if key == PROBLEMS and seen == 0:  # promise 100000 bytes, send 50
            handler.send_response(200)
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            handler.wfile.write(b"<html><body>partial" + b" " * 31)
            handler.close_connection = True
            return True
        return False

    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path)
        assert (server.hits[STANDINGS], server.hits[PROBLEMS]) == (2, 2) and summary.exit_code == 0
        assert dump(store) == _reference(tmp_path)
        with PageCache(tmp_path / "cache") as cache:  # the truncated body was never kept
            page = cache.get("https://codeforces.com/contest/1001/problems?locale=en")
            assert page is not None and b"partial" not in page.body


def test_the_api_call_limit_answer_is_a_rate_limit(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        body = b'{"status":"FAILED","comment":"Call limit exceeded"}'
        return key == STATUS and seen == 0 and _answer(handler, 503, body)

    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path)
        assert server.hits[STATUS] == 2 and summary.exit_code == 0
        assert store.count("submission") == 10


@pytest.mark.parametrize(
    ("fixture", "status", "reason"),
    [
        ("rcpc_challenge.html", 200, "RCPC"),
        ("cloudflare_challenge.html", 503, "Cloudflare"),
        (None, 403, "403 Forbidden"),
    ],
)
def test_challenges_and_403_stop_the_crawl_with_advice(tmp_path: Path, fixture: str | None, status: int, reason: str) -> None:
    body = (FIXTURES / "codeforces" / fixture).read_bytes() if fixture else b"Forbidden"

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return key == PROBLEMS and _answer(handler, status, body)

    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path)
        assert summary.exit_code == 2
        assert summary.blocked is not None and reason in summary.blocked and "does not try to get past it" in summary.blocked
        assert "--cookie" in summary.blocked
        assert server.hits[PROBLEMS] == 1  # not retried: hammering a challenge is what gets a crawler banned
        _, rows = store.run_sql("SELECT state FROM crawl_unit WHERE kind = 'contest_problems'")
        assert rows == [("pending",)]  # left for a later run
        with PageCache(tmp_path / "cache") as cache:
            assert cache.get("https://codeforces.com/contest/1001/problems?locale=en") is None
    # a later run, once the site lets us in again, finishes the job and matches an undisturbed crawl
    with replay() as server:
        summary, store = crawl(server, tmp_path)
        assert summary.exit_code == 0 and dump(store) == _reference(tmp_path)


def test_a_login_page_stops_the_crawl_and_asks_for_cookies(tmp_path: Path) -> None:
    login = (FIXTURES / "codeforces" / "login_page.html").read_bytes()

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return "/submission/" in key and _answer(handler, 200, login)

    with replay(misbehave) as server:
        summary, _ = crawl(server, tmp_path)
        assert summary.exit_code == 2 and summary.blocked is not None
        assert "asks to log in" in summary.blocked and "--cookie" in summary.blocked


def test_a_page_that_keeps_failing_is_recorded_and_the_crawl_goes_on(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return key == PROBLEMS and _answer(handler, 502, b"bad gateway")

    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path)
        assert summary.exit_code == 1 and server.hits[PROBLEMS] == 3
        assert [f["kind"] for f in summary.failures] == ["contest_problems"]
        assert "HTTP 502 (after 3 attempts)" in summary.failures[0]["reason"]
        assert store.count("submission") == 10  # the rest went on
        _, rows = store.run_sql("SELECT state, error FROM crawl_unit WHERE kind = 'contest_problems'")
        assert rows[0][0] == "failed" and "codeforces.com/contest/1001/problems" in rows[0][1]


def test_a_page_that_does_not_parse_names_its_url(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return key == PROBLEMS and _answer(handler, 200, b"<html><body>maintenance</body></html>")

    with replay(misbehave) as server:
        summary, _ = crawl(server, tmp_path)
        assert summary.exit_code == 1
        assert summary.failures[0]["reason"] == (
            "https://codeforces.com/contest/1001/problems?locale=en: no div.problemindexholder: not a whole-contest problems page"
        )


def test_cookies_are_sent_but_never_kept(tmp_path: Path) -> None:
    seen_headers: list[str] = []

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        seen_headers.append(f"{handler.headers.get('Cookie')}|{handler.headers.get('User-Agent')}")
        return False

    with replay(misbehave) as server:
        summary, _store = crawl(server, tmp_path, cookies={"JSESSIONID": "s3cr3t-session"})
        assert summary.exit_code == 0
    assert seen_headers and all(h.startswith("JSESSIONID=s3cr3t-session|cpdata/") for h in seen_headers)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"s3cr3t-session" not in path.read_bytes(), path


def test_rate_limits_space_requests_per_host(tmp_path: Path) -> None:
    times: list[float] = []

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        if key.startswith("/api/"):
            times.append(time.monotonic())
        return False

    with replay(misbehave) as server:
        crawl(server, tmp_path, intervals={"/api/": 0.2, "/": 0.0})
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 3 and min(gaps) >= 0.18


def test_a_second_run_uses_the_cache_and_refresh_fetches_again(tmp_path: Path) -> None:
    with replay() as server:
        crawl(server, tmp_path)
        first = sum(server.hits.values())
        again, _ = crawl(server, tmp_path, options=ScrapeOptions(contests=("1001",), solutions=1))
        assert sum(server.hits.values()) == first and again.count("fetched") == 0
        # a fresh store over the same cache: everything comes from the cache, nothing from the network
        (tmp_path / "store.sqlite").unlink()
        rebuilt, store = crawl(server, tmp_path)
        assert sum(server.hits.values()) == first and rebuilt.count("from_cache") == first
        assert dump(store) == _reference(tmp_path)
        refreshed, _ = crawl(server, tmp_path, refresh=True)
        # every page that can change is fetched again; submission sources, which never change, are not
        changing = {k for k in server.hits if "/submission/" not in k}
        assert refreshed.count("fetched") == len(changing) == 4
        assert all(server.hits[k] == 2 for k in changing)


def test_offline_runs_never_touch_the_network(tmp_path: Path) -> None:
    with ReplayServer() as empty:
        summary, _ = crawl(empty, tmp_path, offline=True)
        assert sum(empty.hits.values()) == 0
        assert summary.exit_code == 1 and "this run is offline" in summary.failures[0]["reason"]


def test_a_429_without_retry_after_holds_off_for_the_sites_pause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cpdata.scraper.sites.codeforces import Codeforces

    monkeypatch.setattr(Codeforces, "rate_limit_pause", 0.5)  # CodeChef's is 60 s; the mechanism is the same

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return key == STANDINGS and seen == 0 and _answer(handler, 429, b"too many requests")

    with replay(misbehave) as server:
        started = time.monotonic()
        summary, _ = crawl(server, tmp_path)
        assert time.monotonic() - started >= 0.5 and server.hits[STANDINGS] == 2 and summary.exit_code == 0


def test_atcoder_login_wall_on_submission_lists_stops_with_login_needed(tmp_path: Path) -> None:
    from cpdata.schema import Store
    from cpdata.scraper.registry import get_site
    from cpdata.scraper.session import ScrapeSettings, scrape
    from tests.conftest import ROOT

    login = (
        b'<html><body><form class="form-horizontal" method="POST">'
        b'<input name="username"><input name="password" type="password"></form></body></html>'
    )

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        return "/submissions?" in key and _answer(handler, 200, login)

    site = get_site("atcoder")
    with ReplayServer(ROOT / "data" / "demo" / "atcoder", misbehave=misbehave) as server, Store(tmp_path / "s.sqlite") as store:
        settings = ScrapeSettings(
            cache_dir=tmp_path / "cache",
            host_map={h: server.base_url for h in site.contacted_hosts},
            intervals={"/": 0.0},
            policy=FetchPolicy(timeout=2, max_attempts=2, backoff_base=0.01),
        )
        summary = scrape(store, site, ScrapeOptions(contests=("abc998",), extra={"cookies": True}), settings)
        assert summary.exit_code == 2 and summary.blocked is not None and "login needed" in summary.blocked
        assert store.count("problem") == 2  # the problems were collected before the wall
        assert store.run_sql("SELECT state FROM crawl_unit WHERE kind = 'submissions'")[1] == [("pending",)]


def test_the_rate_gate_keeps_its_slots_whatever_the_timer_oversleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each sleep here oversleeps by 5 ms, as a loaded machine's timer does. Slots planned from the wake-up time
    # drifted by that much every request (0.98 of the allowed rate); planned from the slot, they keep the rate, and
    # no request ever starts before its slot (never faster than the limit).
    import asyncio

    from cpdata.scraper import fetch

    clock = [1000.0]
    monkeypatch.setattr(fetch.time, "monotonic", lambda: clock[0])

    async def oversleeping(seconds: float) -> None:
        clock[0] += seconds + 0.005

    monkeypatch.setattr(fetch.asyncio, "sleep", oversleeping)
    gate = fetch._Gate(interval=0.05, semaphore=asyncio.Semaphore(1))
    starts = []

    async def requests() -> None:
        for _ in range(101):
            await gate.wait_turn()
            starts.append(clock[0])

    asyncio.run(requests())
    assert all(start >= starts[0] + k * 0.05 - 1e-9 for k, start in enumerate(starts))
    achieved = 100 / (starts[-1] - starts[0])
    assert 0.995 * 20 <= achieved <= 20 + 1e-6
