"""Codeforces parsers on pages we wrote in the real formats (tests/fixtures, data/demo) and on real recordings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cpdata.schema import Contest, Problem, Submission, Test, TestKind, TestOrigin, Verdict
from cpdata.scraper.base import Page, ParseContext, ParseError, ScrapeOptions
from cpdata.scraper.registry import get_site
from tests.conftest import FIXTURES, ROOT, real_pages

CF = get_site("codeforces")
DEMO = ROOT / "data" / "demo" / "codeforces"


def parse(url: str, path: Path, **meta: object):  # type: ignore[no-untyped-def]
    return CF.parse(Page(url=url, status=200, body=path.read_bytes()), ParseContext(ScrapeOptions(), dict(meta)))


def of(kind: type, entities: list) -> list:  # type: ignore[type-arg]
    return [e for e in entities if isinstance(e, kind)]


def test_whole_contest_page_with_plain_and_br_samples() -> None:
    parsed = parse("https://codeforces.com/contest/1001/problems?locale=en", DEMO / "html" / "contest_1001_problems.html")
    problems = {p.index: p for p in of(Problem, parsed.entities)}
    assert set(problems) == {"A", "B"}
    a = problems["A"]
    assert (a.name, a.time_limit_ms, a.memory_limit_bytes, a.interactive) == ("Sum of Two", 1000, 256 * 2**20, False)
    assert (a.input_file, a.output_file, a.statement_format) == (None, None, "html")
    assert a.statement is not None and a.statement.startswith("You are given two integers $a$ and $b$.")
    assert "## Input" in a.statement and "$-10^9 \\le a, b \\le 10^9$" in a.statement and "## Note" in a.statement
    assert '<section data-section="input">' in (a.statement_html or "")
    tests = [t for t in of(Test, parsed.entities) if t.index == "A"]
    assert [(t.kind, t.ordinal, t.input, t.output) for t in tests] == [
        (TestKind.public, 0, "3 5\n", "8\n"),
        (TestKind.public, 1, "-1000000000 1000000000\n", "0\n"),
    ]
    b_tests = [t for t in of(Test, parsed.entities) if t.index == "B"]
    assert [(t.input, t.output) for t in b_tests] == [("3\n-5 -2 -9\n", "-2\n")]  # <br>-separated lines
    # images become absolute URLs
    assert "![image](https://codeforces.com/predownloaded/demo/array.png)" in (problems["B"].statement or "")


def test_test_example_line_divs_number_subtests_not_lines() -> None:
    parsed = parse("https://codeforces.com/contest/1003/problems?locale=en", DEMO / "html" / "contest_1003_problems.html")
    squares = [t for t in of(Test, parsed.entities) if t.index == "A"]
    assert [(t.input, t.output) for t in squares] == [("3\n2\n10\n1000000000\n", "4\n100\n1000000000000000000\n")]
    problems = {p.index: p for p in of(Problem, parsed.entities)}
    assert problems["B"].interactive is True and problems["A"].interactive is False
    assert "## Interaction" in (problems["B"].statement or "")
    assert "$$n^2 = n \\cdot n$$" in (problems["A"].statement or "")  # display math


def test_entities_nbsp_and_several_samples_in_one_block() -> None:
    parsed = parse("https://codeforces.com/contest/1500/problems", FIXTURES / "codeforces" / "problems_entities_multi.html")
    tests = [(t.index, t.ordinal, t.input, t.output) for t in of(Test, parsed.entities)]
    assert tests == [
        ("A", 0, "1 2\n", "<\n"),
        ("A", 1, "5 5\n7 3\n", "=\n\n>\n"),
        ("A", 2, "3 3\n", "\n=\n"),  # a leading &nbsp; line is an empty first line (Codeforces 767A does this)
        ("B", 0, "2\n10 20\n", "30\n"),
    ]
    problems = {p.index: p for p in of(Problem, parsed.entities)}
    assert (
        problems["A"].name == "Compare & Print"
        and problems["A"].time_limit_ms == 500
        and problems["A"].memory_limit_bytes == 64 << 20
    )
    b = problems["B"]
    assert (b.input_file, b.output_file, b.time_limit_ms) == ("input.txt", "output.txt", 2000)
    assert "$a < b ≤ 10^{9}$" in (b.statement or "") and "$x_{1}$" in (b.statement or "")


def test_missing_problems_fall_back_to_single_pages() -> None:
    parsed = parse(
        "https://codeforces.com/contest/1001/problems?locale=en",
        DEMO / "html" / "contest_1001_problems.html",
        indices=["A", "B", "C"],
    )
    assert [(r.kind, r.url) for r in parsed.follow] == [("problem", "https://codeforces.com/contest/1001/problem/C?locale=en")]


def test_pdf_statements_are_recorded_with_limits_from_the_contest_page() -> None:
    parsed = parse("https://codeforces.com/gym/100999/problems", FIXTURES / "codeforces" / "problems_with_pdf.html")
    (problem,) = of(Problem, parsed.entities)
    assert (problem.index, problem.statement_format, problem.statement) == ("A", "pdf", None)
    assert [r.url for r in parsed.follow] == ["https://codeforces.com/gym/100999?locale=en"]
    limits = parse("https://codeforces.com/gym/100999?locale=en", FIXTURES / "codeforces" / "contest_page_pdf.html")
    (row,) = of(Problem, limits.entities)
    assert (row.index, row.name, row.time_limit_ms, row.memory_limit_bytes) == ("A", "Ancient Scroll", 2500, 512 << 20)
    pdf = CF.parse(Page("https://codeforces.com/gym/100999/problem/A", 200, b"%PDF-1.5 ..."))
    assert of(Problem, pdf.entities)[0].statement_format == "pdf"


def test_standings_give_contest_problems_and_follow_ups() -> None:
    parsed = parse(
        "https://codeforces.com/api/contest.standings?contestId=1001&from=1&count=1", DEMO / "api" / "contest.standings_1001.json"
    )
    (contest,) = of(Contest, parsed.entities)
    assert contest.start_time is not None and contest.start_time.isoformat() == "2021-05-02T14:35:00+00:00"
    assert (contest.duration_seconds, contest.kind) == (7200, "CF")
    problems = of(Problem, parsed.entities)
    assert [(p.index, p.rating, p.points, p.tags) for p in problems] == [
        ("A", 800, 500.0, ["implementation", "math"]),
        ("B", 900, 1000.0, ["greedy"]),
    ]
    assert [r.kind for r in parsed.follow] == ["contest_problems", "api_status", "api_hacks"]
    assert parsed.follow[0].meta == {"indices": ["A", "B"]}


def test_status_pages_follow_until_short_or_the_page_limit() -> None:
    body = json.loads((DEMO / "api" / "contest.status_1001.json").read_text())
    full = Page("https://codeforces.com/api/contest.status?contestId=1001&from=1&count=10", 200, json.dumps(body).encode())
    parsed = CF.parse(full, ParseContext(ScrapeOptions(max_status_pages=3)))
    assert [r.url for r in parsed.follow] == ["https://codeforces.com/api/contest.status?contestId=1001&from=11&count=10"]
    last = Page("https://codeforces.com/api/contest.status?contestId=1001&from=21&count=10", 200, full.body)
    assert CF.parse(last, ParseContext(ScrapeOptions(max_status_pages=3))).follow == []
    subs = {s.submission_id: s for s in of(Submission, parsed.entities)}
    first = subs["90000001"]
    assert (first.index, first.language, first.verdict, first.is_correct, first.time_ms) == (
        "A",
        "cpp",
        Verdict.accepted,
        True,
        15,
    )
    assert subs["90000006"].verdict is Verdict.compile_error and subs["90000006"].is_correct is False


def test_hacks_become_private_tests_with_unknown_output() -> None:
    parsed = parse("https://codeforces.com/api/contest.hacks?contestId=1001", DEMO / "api" / "contest.hacks_1001.json")
    tests = of(Test, parsed.entities)
    # the INVALID_INPUT hack is not a valid test
    assert [(t.ordinal, t.kind, t.origin, t.input, t.output) for t in tests] == [
        (7001, TestKind.private, TestOrigin.hack, "1000000000 1000000000\n", None),
        (7002, TestKind.private, TestOrigin.hack, "-7 7\n", None),
    ]


def test_submission_page_gives_source_code() -> None:
    parsed = parse("https://codeforces.com/contest/1001/submission/90000003", DEMO / "html" / "submission_90000003.html")
    (sub,) = of(Submission, parsed.entities)
    assert (sub.index, sub.source_code, sub.verdict, sub.language) == (
        "A",
        "a, b = map(int, input().split())\nprint(a + b)\n",
        None,
        None,
    )
    with pytest.raises(ParseError, match=r"submission/5: no pre#program-source-text"):
        parse("https://codeforces.com/contest/1001/submission/5", FIXTURES / "codeforces" / "submission_hidden.html")


def test_failed_api_answers_name_the_url_and_comment() -> None:
    page = Page(
        "https://codeforces.com/api/contest.standings?contestId=99999&from=1&count=1",
        400,
        b'{"status":"FAILED","comment":"contestId: Contest with id 99999 not found"}',
    )
    with pytest.raises(ParseError, match=r"contestId=99999.*FAILED: contestId: Contest with id 99999 not found"):
        CF.parse(page)


def test_contest_list_follows_finished_contests_since_a_date() -> None:
    parsed = CF.parse(
        Page("https://codeforces.com/api/contest.list?gym=false", 200, (DEMO / "api" / "contest.list.json").read_bytes()),
        ParseContext(ScrapeOptions(since=__import__("datetime").date(2021, 1, 1))),
    )
    assert len(of(Contest, parsed.entities)) == 5
    # one problemset.problems call for every chosen contest, not one standings call each
    (request,) = parsed.follow
    assert request.url == "https://codeforces.com/api/problemset.problems"
    assert sorted(request.meta["contests"]) == ["1001", "1002", "1003"]


# ---- real recordings (../shared/real-pages/codeforces; skipped when absent) ----------------------------------


def test_real_whole_contest_page_2020() -> None:
    folder = real_pages("codeforces")
    parsed = parse(
        "https://codeforces.com/contest/1368/problems",
        folder / "contest_1368_problems_page_2020.html",
        indices=["A", "B", "C", "D", "E", "F", "G", "H1", "H2"],
    )
    problems = {p.index: p for p in of(Problem, parsed.entities)}
    assert list(problems) == ["A", "B", "C", "D", "E", "F", "G", "H1", "H2"] and parsed.follow == []
    assert problems["A"].name == "C+=" and problems["A"].time_limit_ms == 2000 and problems["A"].memory_limit_bytes == 512 << 20
    assert problems["F"].interactive is True  # "Lamps on a Circle" has an Interaction section
    assert sum(p.interactive is True for p in problems.values()) == 1
    a_tests = [(t.input, t.output) for t in of(Test, parsed.entities) if t.index == "A"]
    assert a_tests == [("2\n1 2 3\n5 4 100\n", "2\n7\n")]
    assert len(of(Test, parsed.entities)) == 15
    for problem in problems.values():
        assert problem.statement and "$$$" not in problem.statement and "## Input" in problem.statement


def test_real_browser_saved_page_2022_with_line_divs() -> None:
    folder = real_pages("codeforces")
    parsed = parse("https://codeforces.com/contest/1715/problems", folder / "contest_1715_problems_page_2022_browser_dom.html")
    tests = [(t.index, t.input, t.output) for t in of(Test, parsed.entities)]
    assert tests[0] == ("A", "7\n7 5\n5 7\n1 1\n100000 100000\n57 228\n1 5\n5 1\n", "15\n15\n0\n299998\n340\n5\n5\n")
    problems = of(Problem, parsed.entities)
    assert [p.index for p in problems] == ["A", "B", "C", "D", "E", "F"]
    # MathJax had rendered the page; the TeX comes back from its script elements, the rendered copies are dropped
    assert "$n$ rows and $m$ columns" in (problems[0].statement or "")
    assert "MathJax" not in (problems[0].statement or "") and "Copy" not in (problems[0].statement or "")


@pytest.mark.parametrize(
    ("name", "url", "kind", "count"),
    [
        ("contest.list.body.json", "https://codeforces.com/api/contest.list", Contest, 499),
        (
            "contest.standings_374_from1_count50.body.json",
            "https://codeforces.com/api/contest.standings?contestId=374&from=1&count=50",
            Problem,
            5,
        ),
        (
            "contest.status_374_from1_count50.body.json",
            "https://codeforces.com/api/contest.status?contestId=374&from=1&count=50",
            Submission,
            50,
        ),
        ("contest.hacks_374.body.json", "https://codeforces.com/api/contest.hacks?contestId=374", Test, None),
        ("problemset.problems.body.json", "https://codeforces.com/api/problemset.problems", Problem, 2178),
    ],
)
def test_real_api_bodies(name: str, url: str, kind: type, count: int | None) -> None:
    folder = real_pages("codeforces") / "api_vcr"
    parsed = parse(url, folder / name)
    found = of(kind, parsed.entities)
    if count is not None:
        assert len(found) == count
    else:
        raw = json.loads((folder / name).read_text())["result"]
        usable = [h for h in raw if h["verdict"] in ("HACK_SUCCESSFUL", "HACK_UNSUCCESSFUL") and "test" in h]
        distinct = {(h["problem"]["index"], h["test"].replace("\r\n", "\n")) for h in usable}
        assert 0 < len(found) == len(distinct) < len(usable)  # each input once (the same input is hacked many times)
        assert all(t.output is None and "\r" not in (t.input or "") for t in found)
    if kind is Submission:
        verdicts = {s.verdict_raw: s.verdict for s in found}
        assert verdicts["OK"] is Verdict.accepted and verdicts["COMPILATION_ERROR"] is Verdict.compile_error
        assert {s.language for s in found} >= {"cpp", "c", "java", "python2"}


def test_real_api_bodies_that_are_not_our_pages_fail_clearly() -> None:
    folder = real_pages("codeforces") / "api_vcr"
    for name in ("problemset.recentStatus_count50.body.json", "user.status_Fefer_Ivan_count50.body.json"):
        # not a page kind we crawl, but the status parser reads the same Submission objects
        parsed = parse("https://codeforces.com/api/contest.status?contestId=0&from=1&count=50", folder / name)
        assert len(of(Submission, parsed.entities)) == 50


def _fragment_html(path: Path) -> bytes:
    text = path.read_text()
    start = text.index('<div class="header">')
    end = text.index("</div></div></div>", text.index('class="sample-tests"')) + len("</div></div></div>")
    return (
        '<div class="problemindexholder" problemindex="X"><div class="problem-statement">' + text[start:end] + "</div></div>"
    ).encode()


@pytest.mark.parametrize(
    ("name", "index", "samples"),
    [
        ("problem_727A_statement_2016_br_in_pre.md", "A", None),
        ("problem_1950F_statement_dom_2024_in_readme.md", "F", None),
    ],
)
def test_real_statement_fragments(name: str, index: str, samples: None) -> None:
    path = real_pages("codeforces") / "fragments" / name
    page = Page("https://codeforces.com/contest/1/problem/" + index, 200, _fragment_html(path))
    parsed = CF.parse(page)
    (problem,) = of(Problem, parsed.entities)
    tests = of(Test, parsed.entities)
    assert problem.time_limit_ms in (1000, 2000) and problem.memory_limit_bytes == 256 << 20
    assert tests and all(t.input.endswith("\n") and "<br" not in t.input for t in tests)
    if name.startswith("problem_727A"):
        assert tests[0].input == "2 162\n" and tests[0].output == "YES\n5\n2 4 8 81 162\n"
        assert "$1 ≤ a < b ≤ 10^{9}$" in (problem.statement or "")


def test_goldens_agree_on_the_facts_we_can_check() -> None:
    folder = real_pages("codeforces") / "golden" / "competitive-companion"
    golden = json.loads((folder / "problem_nbsp.json").read_text())["result"]
    # The golden's second output starts with an empty line: our normalisation keeps leading blank lines too.
    from cpdata.scraper.extract import normalize_sample

    assert normalize_sample(golden["tests"][1]["output"]) == golden["tests"][1]["output"]


def test_real_hacks_made_with_a_generator_keep_the_generator_and_no_input() -> None:
    folder = real_pages("codeforces") / "api_vcr"
    parsed = parse("https://codeforces.com/api/contest.hacks?contestId=374", folder / "contest.hacks_374.body.json")
    tests = of(Test, parsed.entities)
    generated = [t for t in tests if t.generator is not None]
    assert len(generated) == 4 and all(t.input is None and t.output is None for t in generated)
    assert all("The hack uses generator" not in (t.input or "") for t in tests)
    assert "int main" in (generated[1].generator or "") and generated[1].generator_args is None  # "no arguments"
    by_problem = {}
    for test in tests:
        by_problem.setdefault(test.index, set()).add(test.input)
    assert len(by_problem["A"]) == sum(t.index == "A" for t in tests) == 63


def test_real_problemset_gives_ratings_and_tags_for_the_crawled_contests_at_once() -> None:
    folder = real_pages("codeforces") / "api_vcr"
    body = (folder / "problemset.problems.body.json").read_bytes()
    page = Page("https://codeforces.com/api/problemset.problems", 200, body)
    everything = of(Problem, CF.parse(page).entities)
    assert len(everything) == 2178 and all(p.tags is not None for p in everything)
    assert sum(bool(p.tags) for p in everything) > 2000
    crawl = CF.parse(page, ParseContext(ScrapeOptions(), {"contests": ["508", "99998"]}))
    kept = of(Problem, crawl.entities)
    assert {p.contest_id for p in kept} == {"508"} and "E" in {p.index for p in kept}
    kinds = sorted(r.kind for r in crawl.follow)
    assert kinds == ["api_hacks", "api_standings", "api_status", "contest_problems"]  # 99998 is not in it: standings
    assert next(r for r in crawl.follow if r.kind == "contest_problems").meta["indices"] == [p.index for p in kept]


def test_a_bad_submission_record_is_one_reject_and_sentinels_are_unknown() -> None:
    folder = real_pages("codeforces") / "api_vcr"
    body = json.loads((folder / "contest.status_374_from1_count50.body.json").read_text())
    del body["result"][3]["problem"]
    body["result"][5]["timeConsumedMillis"] = -1
    url = "https://codeforces.com/api/contest.status?contestId=374&from=1&count=50"
    parsed = CF.parse(Page(url, 200, json.dumps(body).encode()))
    subs = of(Submission, parsed.entities)
    assert len(subs) == 49 and len(parsed.rejects) == 1 and parsed.rejects[0].record == str(body["result"][3]["id"])
    assert next(s for s in subs if s.submission_id == str(body["result"][5]["id"])).time_ms is None
