"""The fetcher against real loopback servers that attack it: endless bodies, gzip bombs, byte-by-byte trickles,
redirects to other hosts, and a mirror setup that must not leak a token to the real host."""

from __future__ import annotations

import asyncio
import gzip
import resource
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpdata.cli import app
from cpdata.schema import Store
from cpdata.scraper.base import WireRequest
from cpdata.scraper.cache import PageCache
from cpdata.scraper.fetch import Fetcher, FetchFailed, FetchPolicy
from cpdata.scraper.registry import get_site
from cpdata.scraper.replay import ReplayServer
from tests.conftest import ROOT
from tests.scraper.helpers import CF, crawl, replay

PROBLEMS = "/contest/1001/problems?locale=en"
SMALL = FetchPolicy(timeout=1.0, deadline=2.0, max_attempts=2, backoff_base=0.01, max_body_bytes=1 << 20)


def _fetch(server: ReplayServer, url: str, policy: FetchPolicy = SMALL, site=CF, wire=None):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        fetcher = Fetcher(
            policy=policy, host_map={h: server.base_url for h in site.contacted_hosts}, cookies={"JSESSIONID": "secret"}
        )
        try:
            return await fetcher.fetch(url, site, wire)
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def _endless(handler: BaseHTTPRequestHandler, total: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(total))
    handler.end_headers()
    chunk = b"x" * (1 << 20)
    try:
        for _ in range(total >> 20):
            handler.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client hung up at its cap, as it should


def test_a_huge_body_is_cut_at_the_cap_and_never_cached(tmp_path: Path) -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        if key == PROBLEMS:
            _endless(handler, 2 << 30)  # 2 GiB
            return True
        return False

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with replay(misbehave) as server:
        summary, store = crawl(server, tmp_path, policy=SMALL)
        cache = PageCache(tmp_path / "cache")
        assert cache.get(f"https://codeforces.com{PROBLEMS}") is None
        reasons = [f["reason"] for f in summary.failures]
        store.close()
    assert any("larger than 1048576 bytes" in r for r in reasons), reasons
    assert time.monotonic() - started < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 << 10  # KiB: far below 2 GiB


def test_a_gzip_bomb_is_measured_by_what_it_expands_to() -> None:
    bomb = gzip.compress(b"\0" * (256 << 20), compresslevel=9)  # about 250 KB on the wire, 256 MiB decoded

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        handler.answer(200, bomb, "text/html", {"Content-Encoding": "gzip"})  # type: ignore[attr-defined]
        return True

    with ReplayServer(misbehave=misbehave) as server, pytest.raises(FetchFailed, match="larger than"):
        _fetch(server, f"https://codeforces.com{PROBLEMS}")
    assert len(bomb) < 1 << 20


def test_a_trickling_server_cannot_hold_a_request_past_its_deadline() -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Length", "20")
        handler.end_headers()
        try:
            for _ in range(20):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.5)  # under the 1 s read timeout every time: only a total deadline stops it
        except (BrokenPipeError, ConnectionResetError):
            pass
        return True

    started = time.monotonic()
    with ReplayServer(misbehave=misbehave) as server, pytest.raises(FetchFailed, match="within 2 s"):
        _fetch(server, f"https://codeforces.com{PROBLEMS}")
    assert time.monotonic() - started < 2 * 2.0 + 2  # two attempts of at most 2 s each, and a short backoff


def test_a_redirect_to_another_host_is_not_followed_and_gets_no_cookie() -> None:
    with ReplayServer(misbehave=lambda h, k, s: _remember(h, evil_seen)) as evil:
        evil_seen: list[dict[str, str]] = []

        def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
            handler.answer(302, b"", "text/html", {"Location": f"{evil.base_url}/steal"})  # type: ignore[attr-defined]
            return True

        with ReplayServer(misbehave=misbehave) as server, pytest.raises(FetchFailed, match="does not declare"):
            _fetch(server, f"https://codeforces.com{PROBLEMS}")
    assert evil_seen == []


def _remember(handler: BaseHTTPRequestHandler, seen: list[dict[str, str]]) -> bool:
    seen.append(dict(handler.headers))
    handler.answer(200, b"stolen", "text/html")  # type: ignore[attr-defined]
    return True


def test_a_same_site_redirect_is_followed_and_the_final_url_recorded() -> None:
    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen: int) -> bool:
        if key.startswith("/old"):
            handler.answer(301, b"", "text/html", {"Location": "/contest/1001/problems?locale=en"})  # type: ignore[attr-defined]
            return True
        return False

    with replay(misbehave) as server:
        page = _fetch(server, "https://codeforces.com/old")
    assert page.status == 200 and page.url == "https://codeforces.com/old"
    assert page.headers["x-final-url"] == f"https://codeforces.com{PROBLEMS}"


def test_a_token_goes_only_to_the_host_it_was_made_for() -> None:
    atcoder = get_site("atcoder")
    seen: dict[str, dict[str, str]] = {}

    def misbehave(handler: BaseHTTPRequestHandler, key: str, seen_count: int) -> bool:
        seen[handler.path.split("?")[0]] = dict(handler.headers)
        if handler.command == "POST":
            # Dropbox's API sends us to the shared folder on www.dropbox.com (a host AtCoder declares too)
            handler.answer(  # type: ignore[attr-defined]
                303, b"", "text/html", {"Location": "https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?x=1"}
            )
        else:
            handler.answer(200, b"{}", "application/json")  # type: ignore[attr-defined]
        return True

    wire = WireRequest("https://api.dropboxapi.com/2/files/list_folder", "POST", {"Authorization": "Bearer tok"}, b'{"path": ""}')
    with ReplayServer(misbehave=misbehave) as server:
        _fetch(server, "https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?list=", site=atcoder, wire=wire)
    posted = seen["/2/files/list_folder"]
    followed = seen["/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa"]
    assert posted.get("Authorization") == "Bearer tok"
    assert "Authorization" not in followed and "Cookie" not in followed


def test_an_undeclared_host_is_never_contacted() -> None:
    with ReplayServer(misbehave=lambda h, k, s: _remember(h, hits)) as server:
        hits: list[dict[str, str]] = []
        with pytest.raises(FetchFailed, match="does not declare"):
            _fetch(server, "https://codeforces.com/x", wire=WireRequest("https://tracker.example.com/x"))
    assert hits == []


def test_base_url_covers_every_host_a_site_contacts(tmp_path: Path) -> None:
    """A mirror setup (--base-url) sends AtCoder's Dropbox API calls, and the token, to the mirror too."""
    atcoder = get_site("atcoder")
    assert {"api.dropboxapi.com", "content.dropboxapi.com"} <= set(atcoder.contacted_hosts)
    with ReplayServer(ROOT / "data" / "demo" / "atcoder") as server:
        result = CliRunner().invoke(
            app,
            [
                "scrape", "atcoder", "--contest", "abc998", "--base-url", server.base_url, "--dropbox-token", "demo-token",
                "--cookie", "REVEL_SESSION=x", "--html-interval", "0", "--api-interval", "0",
                "--cache", str(tmp_path / "cache"), "--db", str(tmp_path / "s.sqlite"), "--json",
            ],
        )  # fmt: skip
        dropbox_calls = [k for k in server.hits if k.startswith("POST /2/")]
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "s.sqlite") as store:
        hidden = store.run_sql("SELECT COUNT(*) FROM test WHERE kind = 'private' AND origin = 'official'")[1][0][0]
    assert dropbox_calls and hidden > 0
