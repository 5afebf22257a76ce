"""`cpdata scrape`, `cpdata parse` and `cpdata reparse` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cpdata.cli import app
from cpdata.schema import Store
from tests.conftest import FIXTURES
from tests.scraper.helpers import DEMO_RECORDING, dump, replay

runner = CliRunner()


def _scrape(server_url: str, workdir: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["scrape", "codeforces", "--contest", "1001", "--contest", "1002", "--solutions", "1",
                                 "--base-url", server_url, "--cache", str(workdir / "cache"), "--db", str(workdir / "s.sqlite"),
                                 "--api-interval", "0", "--html-interval", "0", "--json", *extra])  # fmt: skip
    return result.exit_code, json.loads(result.stdout)


def test_scrape_prints_a_summary_by_page_kind(tmp_path: Path) -> None:
    with replay() as server:
        code, summary = _scrape(server.base_url, tmp_path)
    assert code == 0
    assert summary["by_kind"]["api_standings"] == {"fetched": 2, "parsed": 2}
    assert summary["by_kind"]["contest_problems"] == {"fetched": 2, "parsed": 2}
    assert summary["entities"]["problem"] >= 4 and summary["failed"] == 0 and summary["blocked"] is None
    assert summary["units"] == {"done": summary["parsed"]}


def test_scrape_exit_code_says_something_failed(tmp_path: Path) -> None:
    with replay() as server:
        server.add("https://codeforces.com/api/contest.hacks?contestId=1002", b'{"status":"FAILED","comment":"hacks are hidden"}')
        code, summary = _scrape(server.base_url, tmp_path)
    assert code == 1 and summary["failures"][0]["reason"].endswith("API answered FAILED: hacks are hidden")


def test_bad_options_are_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scrape", "topcoder", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2 and "no site named 'topcoder'" in result.stderr
    result = runner.invoke(app, ["scrape", "codeforces", "--cookie", "nonsense", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2 and "--cookie takes NAME=VALUE" in result.stderr
    result = runner.invoke(app, ["scrape", "codeforces", "--max-age", "soon", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2 and "--max-age" in result.stderr


def test_parse_prints_the_entity_stream_that_ingest_reads(tmp_path: Path) -> None:
    page = DEMO_RECORDING / "html" / "contest_1002_problems.html"
    result = runner.invoke(app, ["parse", "https://codeforces.com/contest/1002/problems", str(page)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["entity"], e.get("index")) for e in lines if e["entity"] == "problem"] == [("problem", "A"), ("problem", "B")]
    (tmp_path / "stream.jsonl").write_text(result.stdout)
    ingested = runner.invoke(app, ["ingest", str(tmp_path / "stream.jsonl"), "--db", str(tmp_path / "s.sqlite"), "--json"])
    assert ingested.exit_code == 0 and json.loads(ingested.stdout)["read"] == {"problem": 2, "test": 3}


def test_parse_failure_names_the_url_and_what_was_missing(tmp_path: Path) -> None:
    page = tmp_path / "maintenance.html"
    page.write_text("<html><body><p>Codeforces is temporarily unavailable</p></body></html>")
    result = runner.invoke(app, ["parse", "https://codeforces.com/contest/1/problem/A", str(page)])
    assert result.exit_code == 1
    assert "https://codeforces.com/contest/1/problem/A: no div.problem-statement" in " ".join(result.stderr.split())
    wall = runner.invoke(
        app, ["parse", "https://codeforces.com/contest/1/problem/A", str(FIXTURES / "codeforces" / "login_page.html")]
    )
    assert wall.exit_code == 2 and "log in" in wall.stderr.lower()  # a login wall, as the crawl would see it
    result = runner.invoke(app, ["parse", "https://example.org/x", str(FIXTURES / "codeforces" / "login_page.html")])
    assert result.exit_code == 1 and "no site owns this host" in result.stderr


def test_reparse_rebuilds_the_store_from_the_cache_alone(tmp_path: Path) -> None:
    with replay() as server:
        assert _scrape(server.base_url, tmp_path)[0] == 0
    with Store(tmp_path / "s.sqlite") as store:
        before = dump(store)
        store.run_sql("DELETE FROM submission")
        store.run_sql("DELETE FROM test")
        store.run_sql("DELETE FROM problem")
        store.run_sql("DELETE FROM contest")
    # the server is gone: a reparse that touched the network would fail
    result = runner.invoke(app, ["reparse", "--cache", str(tmp_path / "cache"), "--db", str(tmp_path / "s.sqlite"), "--json"])
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["failed"] == 0
    with Store(tmp_path / "s.sqlite") as store:
        assert dump(store) == before


def test_parse_says_what_happened_on_real_login_walls_and_foreign_pages_without_a_traceback() -> None:
    from tests.conftest import real_pages

    folder = real_pages("atcoder")
    url = "https://atcoder.jp/contests/abc399/submissions?page=1"
    wall = runner.invoke(app, ["parse", url, str(folder / "login_page_2024_ja_loggedout.html")])
    assert wall.exit_code == 2 and "login needed" in wall.output and "--cookie" in wall.output
    foreign = runner.invoke(app, ["parse", url, str(folder / "home_logged_out_2020-05_en.html")])
    assert foreign.exit_code == 1 and "no submission table" in foreign.output
    for result in (wall, foreign):
        assert "Traceback" not in result.output and "--debug" not in result.output
    good = runner.invoke(app, ["parse", url, str(folder / "abc399_submissions_list_2025-04_ja.html")])
    assert good.exit_code == 0 and len(good.stdout.splitlines()) == 20
