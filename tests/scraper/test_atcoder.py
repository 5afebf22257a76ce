"""AtCoder parsers on the demo's recorded AtCoder (pages we wrote in the real formats) and on real recordings."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cpdata.schema import Contest, Problem, Submission, Test, TestKind, TestOrigin, Verdict
from cpdata.scraper.base import Page, ParseContext, ParseError, ScrapeOptions, SiteBlocked
from cpdata.scraper.registry import get_site
from tests.conftest import ROOT, real_pages

AT = get_site("atcoder")
DEMO = ROOT / "data" / "demo" / "atcoder"


def parse(url: str, path_or_body, options: ScrapeOptions | None = None, **meta):  # type: ignore[no-untyped-def]
    body = path_or_body if isinstance(path_or_body, bytes) else path_or_body.read_bytes()
    return AT.parse(Page(url=url, status=200, body=body), ParseContext(options or ScrapeOptions(), dict(meta)))


def of(kind, entities):  # type: ignore[no-untyped-def]
    return [e for e in entities if isinstance(e, kind)]


def test_archive_converts_jst_to_utc_and_follows_recent_contests() -> None:
    parsed = parse(
        "https://atcoder.jp/contests/archive?lang=ja&page=1",
        DEMO / "html" / "archive_1.html",
        ScrapeOptions(since=date(2021, 7, 1)),
    )
    contests = {c.contest_id: c for c in of(Contest, parsed.entities)}
    assert contests["abc998"].start_time is not None and contests["abc998"].start_time.isoformat() == "2021-06-12T12:00:00+00:00"
    assert (contests["abc998"].duration_seconds, contests["arc999"].duration_seconds) == (6000, 7200)
    assert [r.url for r in parsed.follow] == ["https://atcoder.jp/contests/arc999/tasks?lang=en"]  # only since July


def test_task_page_modern_layout_counts_each_sample_once() -> None:
    parsed = parse("https://atcoder.jp/contests/abc998/tasks/abc998_a?lang=en", DEMO / "html" / "task_abc998_a.html")
    (problem,) = of(Problem, parsed.entities)
    assert (problem.index, problem.name, problem.problem_id, problem.points) == ("A", "Double It", "abc998_a", 100.0)
    assert (problem.time_limit_ms, problem.memory_limit_bytes, problem.interactive) == (2000, 1 << 30, False)
    assert problem.statement_language == "en" and problem.statement and "Given an integer $N$, print $2N$." in problem.statement
    assert problem.untranslated_statement and "整数 $N$ が与えられます" in problem.untranslated_statement
    tests = of(Test, parsed.entities)
    assert [(t.input, t.output) for t in tests] == [("3\n", "6\n"), ("1000000000\n", "2000000000\n")]


def test_task_page_old_and_very_old_layouts() -> None:
    old = parse("https://atcoder.jp/contests/arc999/tasks/arc999_a", DEMO / "html" / "task_arc999_a.html")
    (problem,) = of(Problem, old.entities)
    assert (problem.name, problem.statement_language, problem.untranslated_statement) == ("古い形式", "ja", None)
    assert (problem.time_limit_ms, problem.memory_limit_bytes) == (2000, 256 << 20)
    assert [(t.input, t.output) for t in of(Test, old.entities)] == [("3 8\n", "5\n"), ("10 2\n", "8\n")]
    very_old = parse("https://atcoder.jp/contests/arc999/tasks/arc999_b", DEMO / "html" / "task_arc999_b.html")
    assert [(t.input, t.output) for t in of(Test, very_old.entities)] == [("atcoder\n", "ATCODER\n")]
    assert of(Problem, very_old.entities)[0].memory_limit_bytes == 64 << 20


def test_interactive_tasks_are_flagged() -> None:
    parsed = parse("https://atcoder.jp/contests/abc998/tasks/abc998_b", DEMO / "html" / "task_abc998_b.html")
    assert of(Problem, parsed.entities)[0].interactive is True and of(Test, parsed.entities) == []


def test_tasks_list_follows_tasks_models_and_with_a_cookie_submissions() -> None:
    url = "https://atcoder.jp/contests/abc998/tasks?lang=en"
    without = parse(url, DEMO / "html" / "tasks_abc998.html")
    assert [r.kind for r in without.follow] == ["task", "task", "problem_models"]
    assert without.follow[-1].meta == {"contest_id": "abc998", "tasks": {"abc998_a": "A", "abc998_b": "B"}}
    with_cookie = parse(url, DEMO / "html" / "tasks_abc998.html", ScrapeOptions(extra={"cookies": True, "dropbox_token": "t"}))
    assert [r.kind for r in with_cookie.follow][-2:] == ["submissions", "dropbox_list"]
    problems = of(Problem, without.entities)
    assert [(p.index, p.problem_id, p.time_limit_ms, p.memory_limit_bytes) for p in problems] == [
        ("A", "abc998_a", 2000, 1 << 30),
        ("B", "abc998_b", 2000, 1 << 30),
    ]


def test_problem_models_give_difficulty_not_rating() -> None:
    parsed = parse(
        "https://kenkoooo.com/atcoder/resources/problem-models.json#abc998",
        DEMO / "json" / "problem-models.json",
        contest_id="abc998",
        tasks={"abc998_a": "A", "abc998_b": "B"},
    )
    assert [(p.index, p.difficulty, p.rating) for p in of(Problem, parsed.entities)] == [("A", -512.3, None), ("B", 1203.7, None)]


def test_submission_list_with_short_ce_and_wj_rows() -> None:
    parsed = parse(
        "https://atcoder.jp/contests/abc998/submissions?orderBy=created&page=1", DEMO / "html" / "submissions_abc998.html"
    )
    subs = of(Submission, parsed.entities)
    assert len(subs) == 7
    by_verdict = {s.verdict_raw: s for s in subs}
    assert by_verdict["CE"].verdict is Verdict.compile_error and by_verdict["CE"].time_ms is None
    assert by_verdict["WJ"].verdict is Verdict.pending and by_verdict["WJ"].is_correct is None
    ac = subs[0]
    assert (ac.index, ac.language, ac.time_ms, ac.memory_bytes, ac.score) == ("A", "cpp", 1, 3580 * 1024, 100.0)


def test_a_logged_out_submission_list_is_login_needed_not_empty() -> None:
    login = (
        b'<html><body><form class="form-horizontal" method="POST">'
        b'<input name="username"><input name="password" type="password"></form></body></html>'
    )
    with pytest.raises(SiteBlocked, match=r"login needed.*REVEL_SESSION"):
        parse("https://atcoder.jp/contests/abc998/submissions?orderBy=created&page=1", login)


def test_submission_page_gives_source() -> None:
    parsed = parse("https://atcoder.jp/contests/abc998/submissions/50000003", DEMO / "html" / "submission_50000003.html")
    (sub,) = of(Submission, parsed.entities)
    assert (sub.index, sub.source_code) == ("A", "print(2 * int(input()))\n")


def test_dropbox_walk_finds_the_contest_folder_then_files() -> None:
    meta = {"contest_id": "abc998", "tasks": {"abc998_a": "A", "abc998_b": "B"}, "level": "root"}
    root = parse(
        "https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?list=",
        DEMO / "json" / "dropbox_list_root.json",
        **meta,
    )
    assert [(r.url.rsplit("?", 1)[1], r.meta["level"]) for r in root.follow] == [("list=/ABC998", "contest")]
    files = parse(
        "https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?list=/ABC998/A/in",
        DEMO / "json" / "dropbox_list_ABC998_A_in.json",
        contest_id="abc998",
        index="A",
        level="in",
    )
    assert len(files.follow) == 6 and files.follow[1].url.endswith("file=/ABC998/A/out/00_sample_01.txt")
    content = parse(files.follow[1].url, b"6\n", **files.follow[1].meta)
    (test,) = of(Test, content.entities)
    assert (test.kind, test.origin, test.ordinal, test.input, test.output) == (
        TestKind.private,
        TestOrigin.official,
        0,
        None,
        "6\n",
    )


def test_dropbox_requests_carry_the_token_only_on_the_wire() -> None:
    options = ScrapeOptions(extra={"dropbox_token": "secret-token"})
    unit = "https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?file=/ABC998/A/in/x.txt"
    wire = AT.wire(unit, options)
    assert wire.method == "POST" and wire.url == "https://content.dropboxapi.com/2/sharing/get_shared_link_file"
    assert wire.headers["Authorization"] == "Bearer secret-token" and "secret-token" not in unit
    assert json.loads(wire.headers["Dropbox-API-Arg"])["path"] == "/ABC998/A/in/x.txt"


# ---- real recordings -------------------------------------------------------------------------------------


def test_real_task_page_2023() -> None:
    parsed = parse(
        "https://atcoder.jp/contests/abc307/tasks/abc307_c", real_pages("atcoder") / "abc307_c_task_page_2023-06_ja_guest.html"
    )
    (problem,) = of(Problem, parsed.entities)
    assert (problem.index, problem.name, problem.points, problem.time_limit_ms, problem.memory_limit_bytes) == (
        "C",
        "Ideal Sheet",
        300.0,
        2000,
        1 << 30,
    )
    assert problem.statement_language == "en" and problem.untranslated_statement is not None
    tests = of(Test, parsed.entities)
    assert len(tests) == 4 and tests[0].output == "Yes\n" and tests[1].output == "No\n"  # once each, not per language
    assert tests[0].input.startswith("3 5\n#.#..\n")  # type: ignore[union-attr]


def test_real_task_list_archive_and_permanent_table() -> None:
    folder = real_pages("atcoder")
    tasks = parse("https://atcoder.jp/contests/abc107/tasks", folder / "abc107_tasks_list_2019_en.html")
    assert [(p.index, p.problem_id, p.name) for p in of(Problem, tasks.entities)] == [
        ("A", "abc107_a", "Train"),
        ("B", "abc107_b", "Grid Compression"),
        ("C", "arc101_a", "Candles"),
        ("D", "arc101_b", "Median of Medians"),
    ]
    archive = parse("https://atcoder.jp/contests/archive?lang=ja&page=1", folder / "contests_archive_page1_2021-04_ja.html")
    contests = of(Contest, archive.entities)
    assert len(contests) == 50 and contests[1].contest_id == "agc039"
    assert contests[1].start_time is not None and contests[1].start_time.isoformat() == "2019-10-05T12:00:00+00:00"
    assert contests[1].duration_seconds == 9000
    assert archive.follow[-1].url == "https://atcoder.jp/contests/archive?lang=ja&page=2"  # the last page is 13
    top = parse("https://atcoder.jp/contests/", folder / "contests_current_with_permanent_2021-04_ja.html")
    assert [c.contest_id for c in of(Contest, top.entities)] == ["practice", "APG4b", "abs", "practice2"]


def test_real_submission_lists() -> None:
    folder = real_pages("atcoder")
    recent = parse(
        "https://atcoder.jp/contests/abc399/submissions?orderBy=created&page=1",
        folder / "abc399_submissions_list_2025-04_ja.html",
    )
    subs = of(Submission, recent.entities)
    assert len(subs) == 20 and {s.verdict for s in subs} == {Verdict.accepted}
    assert (
        subs[0].submission_id == "64188418"
        and subs[0].memory_bytes == 605208 * 1024
        and subs[0].language_raw == "C++ 23 (gcc 12.2)"
    )
    mine = parse(
        "https://atcoder.jp/contests/arc001/submissions/me", folder / "arc001_my_submissions_after_submit_post_2020-05_ja.html"
    )
    verdicts = [s.verdict for s in of(Submission, mine.entities)]
    assert verdicts.count(Verdict.compile_error) == 7 and verdicts.count(Verdict.wrong_answer) == 13


def test_real_login_page_is_recognised() -> None:
    with pytest.raises(SiteBlocked, match="login needed"):
        parse(
            "https://atcoder.jp/contests/abc399/submissions?page=1", real_pages("atcoder") / "login_page_2024_ja_loggedout.html"
        )


def test_real_pages_of_other_kinds_fail_clearly() -> None:
    with pytest.raises(ParseError, match=r"abc399/tasks: no task rows"):
        parse("https://atcoder.jp/contests/abc399/tasks", real_pages("atcoder") / "home_logged_out_2020-05_en.html")


def test_golden_abc096_a_matches_a_page_in_its_format() -> None:
    golden = json.loads((real_pages("atcoder") / "golden" / "competitive-companion" / "problem_normal.json").read_text())[
        "result"
    ]
    # Facts from the golden, rebuilt as a page in AtCoder's format: our parser must read them back.
    samples = "".join(
        f'<div class="part"><section><h3>Sample Input {n}</h3><pre>{t["input"]}</pre></section></div>'
        f'<div class="part"><section><h3>Sample Output {n}</h3><pre>{t["output"]}</pre></section></div>'
        for n, t in enumerate(golden["tests"], start=1)
    )
    page = (
        f'<span class="h2">{golden["name"]}</span><p>Time Limit: {golden["timeLimit"] // 1000} sec / Memory Limit: '
        f'{golden["memoryLimit"]} MB</p><div id="task-statement"><span class="lang"><span class="lang-en">{samples}'
        "</span></span></div>"
    ).encode()
    parsed = parse("https://atcoder.jp/contests/abc096/tasks/abc096_a", page)
    assert [(t.input, t.output) for t in of(Test, parsed.entities)] == [(t["input"], t["output"]) for t in golden["tests"]]
    assert of(Problem, parsed.entities)[0].time_limit_ms == golden["timeLimit"]


def test_pages_past_the_last_one_end_the_walk_without_error() -> None:
    empty = (
        b'<html><body><ul class="pagination"><li><a href="/contests/archive?page=1">1</a></li></ul>'
        b"<table><thead><tr><th>Start</th></tr></thead><tbody></tbody></table></body></html>"
    )
    archive = parse("https://atcoder.jp/contests/archive?lang=ja&page=14", empty)
    assert archive.entities == [] and archive.follow == []
    none = b"<html><body><h2>All Submissions</h2><p>No Submissions</p></body></html>"
    submissions = parse("https://atcoder.jp/contests/abc998/submissions?orderBy=created&page=9", none)
    assert submissions.entities == [] and submissions.follow == []
    with pytest.raises(ParseError, match="no submission table"):  # a page of another kind is not an empty list
        parse("https://atcoder.jp/contests/abc998/submissions?orderBy=created&page=9", empty)
    with pytest.raises(ParseError, match="no contest table"):
        parse("https://atcoder.jp/contests/archive?lang=ja&page=1", b"<html><body>maintenance</body></html>")


def test_codeforces_status_page_past_the_last_one_is_empty_and_final() -> None:
    page = Page(
        "https://codeforces.com/api/contest.status?contestId=1001&from=2001&count=1000", 200, b'{"status":"OK","result":[]}'
    )
    parsed = get_site("codeforces").parse(page)
    assert parsed.entities == [] and parsed.follow == []


# ---- issue 13: what the real 2025 submission list, task pages and statements break ---------------------------------

ABC399 = "https://atcoder.jp/contests/abc399/submissions?orderBy=created&page=1"


def _abc399() -> bytes:
    return (real_pages("atcoder") / "abc399_submissions_list_2025-04_ja.html").read_bytes()


def test_real_2025_pager_with_only_next_is_followed_and_stops_past_the_last_page() -> None:
    first = parse(ABC399, _abc399())
    assert [r.url for r in first.follow] == ["https://atcoder.jp/contests/abc399/submissions?orderBy=created&page=2"]
    # the last page: the same real layout with "Next" disabled, as the site serves it
    last = _abc399().replace(
        b'<li><a href="/contests/abc399/submissions?orderBy=created&amp;page=2">Next &gt;</a></li>',
        b'<li class="disabled"><a>Next &gt;</a></li>',
    )
    final = parse("https://atcoder.jp/contests/abc399/submissions?orderBy=created&page=2", last)
    assert len(of(Submission, final.entities)) == 20 and final.follow == []


def test_columns_are_found_by_header_so_an_extra_checkbox_column_changes_nothing() -> None:
    plain = of(Submission, parse(ABC399, _abc399()).entities)
    # accounts with rejudge rights see a leading checkbox column (header and every row)
    body = _abc399().replace(b'<th width="12%">', b'<th width="1%"></th><th width="12%">', 1)
    body = body.replace(b'<td class="no-break"><time', b'<td><input type="checkbox"></td><td class="no-break"><time')
    wide = of(Submission, parse(ABC399, body).entities)
    assert wide == plain and wide[0].language_raw == "C++ 23 (gcc 12.2)" and wide[0].time_ms == 3086


def test_a_submission_table_with_headers_we_do_not_know_fails_loudly() -> None:
    body = _abc399().replace("<th>言語</th>".encode(), "<th>コンパイラ</th>".encode())
    with pytest.raises(ParseError, match="unknown column header"):
        parse(ABC399, body)


def test_a_bad_row_is_one_reject_and_the_other_rows_are_kept() -> None:
    body = _abc399().replace(b"2025-03-27 11:31:31+0900", b"not a time", 1)
    parsed = parse(ABC399, body)
    assert len(of(Submission, parsed.entities)) == 19
    (reject,) = parsed.rejects
    assert reject.record == "64216946" and "not a time" in reject.reason


def test_format_blocks_keep_their_tex_as_math_and_tables_keep_captions() -> None:
    parsed = parse(
        "https://atcoder.jp/contests/abc307/tasks/abc307_c", real_pages("atcoder") / "abc307_c_task_page_2023-06_ja_guest.html"
    )
    (problem,) = of(Problem, parsed.entities)
    statement = problem.statement or ""
    assert "$H_A$ $W_A$  \n$A_1$  \n$A_2$  \n$\\vdots$" in statement
    assert "```\nH_A" not in statement and "\n\\vdots" not in statement  # no raw TeX in a code block
    table = b"<div><table><caption>Scores</caption><tr><th>a</th></tr><tr><td>1</td></tr></table></div>"
    from cpdata.scraper.extract import html_tree, to_markdown

    markdown = to_markdown(html_tree(table).css_first("table"), "https://atcoder.jp/")
    assert markdown.startswith("*Scores*\n\n| a |")
