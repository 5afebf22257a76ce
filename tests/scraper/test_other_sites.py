"""AOJ, CodeChef and yukicoder parsers on pages we wrote in their formats (field names from the reference; see
each module's docstring for what no recording confirmed), plus the real CodeChef API objects and the goldens."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from cpdata.schema import Contest, Problem, Submission, Test, TestKind, TestOrigin, Verdict
from cpdata.scraper.base import Page, ParseContext, ParseError, ScrapeOptions, SiteBlocked
from cpdata.scraper.registry import get_site
from tests.conftest import FIXTURES, real_pages


def parse(site: str, url: str, body: bytes | Path, options: ScrapeOptions | None = None, **meta):  # type: ignore[no-untyped-def]
    data = body.read_bytes() if isinstance(body, Path) else body
    return get_site(site).parse(Page(url=url, status=200, body=data), ParseContext(options or ScrapeOptions(), dict(meta)))


def of(kind, entities):  # type: ignore[no-untyped-def]
    return [e for e in entities if isinstance(e, kind)]


AOJ = FIXTURES / "aoj"
CC = FIXTURES / "codechef"
YUKI = FIXTURES / "yukicoder"


# ---- AOJ -------------------------------------------------------------------------------------------------


def test_aoj_volume_gives_problems_in_their_volume_and_all_follow_ups() -> None:
    parsed = parse("aoj", "https://judgeapi.u-aizu.ac.jp/problems/volumes/100", AOJ / "volume_cpdemo.json")
    (contest,) = of(Contest, parsed.entities)
    assert (contest.contest_id, contest.kind, contest.start_time) == ("volume100", "volume", None)
    problems = of(Problem, parsed.entities)
    assert [(p.index, p.time_limit_ms, p.memory_limit_bytes) for p in problems] == [
        ("10000", 1000, 128 << 20),
        ("10001", 8000, 64 << 20),
    ]
    kinds = [r.kind for r in parsed.follow]
    assert kinds == ["description", "samples", "test_header", "submissions"] * 2


def test_aoj_both_api_bases_are_routed() -> None:
    old = parse("aoj", "https://judgeapi.u-aizu.ac.jp/problems/volumes/100", AOJ / "volume_cpdemo.json")
    new = parse("aoj", "https://onlinejudge.u-aizu.ac.jp/api/problems/volumes/100", AOJ / "volume_cpdemo.json")
    assert old.follow[0].url == "https://judgeapi.u-aizu.ac.jp/resources/descriptions/en/10000"
    assert new.follow[0].url == "https://onlinejudge.u-aizu.ac.jp/api/resources/descriptions/en/10000"


def test_aoj_description_and_japanese_fallback() -> None:
    parsed = parse("aoj", "https://judgeapi.u-aizu.ac.jp/resources/descriptions/en/10000", AOJ / "description_en_10000.json")
    (problem,) = of(Problem, parsed.entities)
    assert (problem.contest_id, problem.name, problem.time_limit_ms, problem.statement_language) == (
        "volume100",
        "Hello World Twice",
        1000,
        "en",
    )
    assert problem.published_at is not None and problem.published_at.isoformat() == "2021-07-01T00:00:00+00:00"
    assert "![image](https://judgeapi.u-aizu.ac.jp/IMAGE1/hello.png)" in (problem.statement or "")  # images made absolute
    missing = parse("aoj", "https://judgeapi.u-aizu.ac.jp/resources/descriptions/en/10001", AOJ / "description_en_missing.json")
    assert [r.url for r in missing.follow] == ["https://judgeapi.u-aizu.ac.jp/resources/descriptions/ja/10001"]
    with pytest.raises(ParseError, match="RESOURCE_NOT_EXIST_ERROR"):
        parse("aoj", "https://judgeapi.u-aizu.ac.jp/resources/descriptions/ja/10001", AOJ / "description_en_missing.json")


def test_aoj_samples_and_the_fallback_to_the_description() -> None:
    parsed = parse("aoj", "https://judgedat.u-aizu.ac.jp/testcases/samples/10000", AOJ / "samples_10000.json")
    assert [(t.ordinal, t.input, t.output) for t in of(Test, parsed.entities)] == [
        (0, "2\n", "Hello World\nHello World\n"),
        (1, "1\n", "Hello World\n"),
    ]
    empty = parse("aoj", "https://judgedat.u-aizu.ac.jp/testcases/samples/10001", b"[]")
    assert [(r.kind, r.meta) for r in empty.follow] == [("description", {"samples_only": True})]
    from_html = parse("aoj", empty.follow[0].url, AOJ / "description_ja_10001.json", **empty.follow[0].meta)
    assert [(t.input, t.output) for t in of(Test, from_html.entities)] == [("1 2\n", "3\n")]


def test_aoj_hidden_tests_come_whole_from_the_raw_endpoints() -> None:
    header = parse("aoj", "https://judgedat.u-aizu.ac.jp/testcases/10000/header", AOJ / "header_10000.json")
    assert [r.url for r in header.follow] == [
        f"https://judgedat.u-aizu.ac.jp/testcases/10000/{s}/{side}" for s in (1, 2) for side in ("in", "out")
    ]
    big = ("7\n" * 200_000).encode()  # the JSON form would truncate this; the raw one does not
    (test,) = of(Test, parse("aoj", "https://judgedat.u-aizu.ac.jp/testcases/10000/2/in", big).entities)
    assert (test.kind, test.origin, test.ordinal, len(test.input or ""), test.output) == (
        TestKind.private,
        TestOrigin.official,
        2,
        400_000,
        None,
    )


def test_aoj_submissions_numeric_verdicts_and_public_code_only() -> None:
    parsed = parse(
        "aoj", "https://judgeapi.u-aizu.ac.jp/submission_records/problems/10000?page=0&size=100", AOJ / "submissions_10000.json"
    )
    subs = of(Submission, parsed.entities)
    assert [(s.submission_id, s.verdict, s.language, s.time_ms, s.passed_tests) for s in subs] == [
        ("7000001", Verdict.accepted, "cpp", 30, 2),
        ("7000002", Verdict.wrong_answer, "python3", 20, 0),
    ]
    review = parse("aoj", "https://judgeapi.u-aizu.ac.jp/reviews/7000002", AOJ / "review_7000002.json")
    assert of(Submission, review.entities)[0].source_code == "n = int(input())\nprint('Hello World')\n"


def test_aoj_410_gone_stops_with_the_other_base_as_advice() -> None:
    with pytest.raises(SiteBlocked, match=re.escape("--api-base https://onlinejudge.u-aizu.ac.jp/api")):
        get_site("aoj").check(Page("https://judgeapi.u-aizu.ac.jp/problems?page=0&size=1000", 410, b"Gone"))


def test_aoj_goldens_agree_with_description_samples() -> None:
    golden = json.loads((real_pages("aoj") / "golden" / "competitive-companion" / "beta_problem_normal.json").read_text())[
        "result"
    ]
    html = "".join(
        f"<h3>Sample Input {n}</h3><pre>{t['input']}</pre><h3>Sample Output {n}</h3><pre>{t['output']}</pre>"
        for n, t in enumerate(golden["tests"], start=1)
    )
    body = json.dumps({"html": html, "problem_id": "0652"}).encode()
    parsed = parse("aoj", "https://judgeapi.u-aizu.ac.jp/resources/descriptions/en/0652#samples", body, samples_only=True)
    assert [(t.input, t.output) for t in of(Test, parsed.entities)] == [(t["input"], t["output"]) for t in golden["tests"]]


def test_aoj_real_problem_list_2020() -> None:
    path = real_pages("aoj") / "problems_page0_size2500_2020-02-08.json"
    parsed = parse("aoj", "https://judgeapi.u-aizu.ac.jp/problems?page=0&size=2500", path)
    problems = of(Problem, parsed.entities)
    assert len(problems) == 2497 and not parsed.rejects
    first = next(p for p in problems if p.problem_id == "0000")
    assert (first.name, first.contest_id, first.time_limit_ms, first.memory_limit_bytes) == ("QQ", "volume0", 1000, 131072 * 1024)


AOJ_RECORDS = "https://judgeapi.u-aizu.ac.jp/submission_records/problems/2214?page=0&size=10000"


def test_aoj_real_submission_records_without_policy_accuracy_null_or_bare() -> None:
    path = real_pages("aoj") / "submission_records_2214_page0_size10000_2020-02-08.json"
    records = json.loads(path.read_text())
    subs = of(Submission, parse("aoj", AOJ_RECORDS, path).entities)
    # no record carries a policy: every one is kept for its verdict (the review API decides about the code)
    assert len(subs) == len(records) == 92 and all("policy" not in r for r in records)
    by_id = {s.submission_id: s for s in subs}
    for record in records:
        passed = by_id[str(record["judgeId"])].passed_tests
        assert passed == (None if record["accuracy"] is None else int(record["accuracy"].split("/")[0]))
    # what other real pages carry: cpuTime -1, a bare "0" accuracy, one broken record among good ones
    records[0]["cpuTime"], records[1]["accuracy"], records[2]["memory"] = -1, "0", -1
    del records[3]["judgeId"]
    parsed = parse("aoj", AOJ_RECORDS, json.dumps(records).encode())
    subs = of(Submission, parsed.entities)
    assert len(subs) == 91 and len(parsed.rejects) == 1 and parsed.rejects[0].record == "[3]"
    by_id = {s.submission_id: s for s in subs}
    assert by_id[str(records[0]["judgeId"])].time_ms is None and by_id[str(records[1]["judgeId"])].passed_tests == 0
    assert by_id[str(records[2]["judgeId"])].memory_bytes is None


# ---- CodeChef --------------------------------------------------------------------------------------------


def test_codechef_contest_list_and_division_children() -> None:
    listing = parse(
        "codechef",
        "https://www.codechef.com/api/list/contests/all?sort_by=START&sorting_order=desc&offset=0&mode=all",
        CC / "contest_list.json",
        ScrapeOptions(since=__import__("datetime").date(2021, 1, 1)),
    )
    contests = {c.contest_id: c for c in of(Contest, listing.entities)}
    assert (
        contests["START900"].start_time is not None and contests["START900"].start_time.isoformat() == "2021-09-30T14:30:00+00:00"
    )
    assert contests["START900"].duration_seconds == 7200
    assert [r.url for r in listing.follow] == ["https://www.codechef.com/api/contests/START900"]  # COOK800 is before --since
    parent = parse("codechef", "https://www.codechef.com/api/contests/START900", CC / "contest_START900.json")
    children = [c for c in of(Contest, parent.entities) if c.parent_contest_id == "START900"]
    assert [c.contest_id for c in children] == ["START900A", "START900B"]
    div2 = parse("codechef", "https://www.codechef.com/api/contests/START900B", CC / "contest_START900B.json")
    assert [r.url.rsplit("/", 1)[1] for r in div2.follow] == ["SUMTWO", "OLDFMT"]


def test_codechef_problem_markdown_samples_skip_deleted() -> None:
    parsed = parse("codechef", "https://www.codechef.com/api/contests/START900B/problems/SUMTWO", CC / "problem_SUMTWO.json")
    (problem,) = of(Problem, parsed.entities)
    assert (problem.time_limit_ms, problem.difficulty, problem.category, problem.tags) == (
        1500,
        812.0,
        "easy",
        ["math", "simple"],
    )
    assert problem.statement and problem.statement.startswith("Print $A + B$.") and "## Input Format" in problem.statement
    assert [(t.input, t.output) for t in of(Test, parsed.entities)] == [("2\n1 2\n3 4\n", "3\n7\n")]  # the deleted one is gone
    old = parse("codechef", "https://www.codechef.com/api/contests/START900B/problems/OLDFMT", CC / "problem_OLDFMT.json")
    assert [(t.input, t.output) for t in of(Test, old.entities)] == [("hello big world\n", "3\n")]
    assert of(Problem, old.entities)[0].difficulty is None  # -1 means unrated


def test_codechef_submissions_need_a_session_and_give_verdicts_and_code() -> None:
    url = "https://www.codechef.com/api/contests/START900B/problems/SUMTWO"
    assert parse("codechef", url, CC / "problem_SUMTWO.json").follow == []
    with_cookie = parse("codechef", url, CC / "problem_SUMTWO.json", ScrapeOptions(extra={"cookies": True}))
    assert [r.kind for r in with_cookie.follow] == ["submissions"]
    subs = of(Submission, parse("codechef", with_cookie.follow[0].url, CC / "submissions_SUMTWO.json").entities)
    assert [(s.verdict, s.language, s.time_ms) for s in subs] == [
        (Verdict.accepted, "cpp", 10),
        (Verdict.wrong_answer, "python3", 20),
    ]
    source = parse(
        "codechef",
        "https://www.codechef.com/api/submission-code/60000002",
        CC / "source_60000002.json",
        contest_id="START900B",
        index="SUMTWO",
    )
    assert of(Submission, source.entities)[0].source_code == "t = int(input())\nfor _ in range(t):\n    print(input())\n"
    wire = get_site("codechef").wire(with_cookie.follow[0].url, ScrapeOptions(extra={"csrf_token": "tok"}))
    assert wire.headers == {"x-csrf-token": "tok"}


def test_codechef_failed_answers_name_the_url() -> None:
    with pytest.raises(ParseError, match=r"api/contests/NOPE: the API answered status 'error'"):
        parse(
            "codechef", "https://www.codechef.com/api/contests/NOPE", b'{"status": "error", "message": "contest does not exist"}'
        )


@pytest.mark.parametrize(
    ("name", "code", "samples"),
    [
        ("NUMCOMP1_api_fields_newformat_frontmatter.md", "NUMCOMP1", [("3\n2\n4\n8\n", "1\n2\n3\n")]),
        ("RECTQUER_api_fields_frontmatter.md", "RECTQUER", None),
    ],
)
def test_codechef_real_problem_objects(name: str, code: str, samples: list[tuple[str, str]] | None) -> None:
    text = (real_pages("codechef") / name).read_text()
    front = json.loads(text.split("---")[1])
    front.pop("layout", None)  # added by the page's recorder, not CodeChef
    if "body" not in front:
        front["body"] = text.split("---", 2)[2]
    parsed = parse("codechef", f"https://www.codechef.com/api/contests/PRACTICE/problems/{code}", json.dumps(front).encode())
    (problem,) = of(Problem, parsed.entities)
    assert problem.index == code and problem.time_limit_ms == 1000 and problem.category == "easy"
    tests = [(t.input, t.output) for t in of(Test, parsed.entities)]
    if samples is not None:
        assert tests == samples
    else:
        assert tests and all(i.endswith("\n") and o.endswith("\n") for i, o in tests)  # type: ignore[union-attr]


CC_PROBLEM = "https://www.codechef.com/api/contests/PRACTICE/problems/{}"
ADANTS_IN, ADANTS_OUT = "5\n0 0\n2 4\n4 3\n5 1\n3 0\n", "2\n4 1 2 3 4\n3 1 3 5\n"


@pytest.mark.parametrize(
    ("code", "limit_ms", "fmt", "tags", "samples", "level"),
    [
        ("FCTRL2", 1000, "html", [], [("4\n1\n2\n5\n3\n", "1\n2\n120\n6\n")], None),  # 2017: "Sample input:" + <pre>
        ("PALIN", 2076, "html", [], [("2\n808\n2133\n", "818\n2222\n")], "Simple"),  # 2022: <tt><b>Input:</b></tt><br>
        ("ADANTS", 7000, "markdown", ["challenge", "tmwilliamlin"], [(ADANTS_IN, ADANTS_OUT)], None),  # Markdown fences
    ],
)  # fmt: skip
def test_codechef_raw_problem_answers(
    code: str, limit_ms: int, fmt: str, tags: list[str], samples: list[tuple[str, str]], level: str | None
) -> None:
    path = real_pages("codechef") / f"problem_api_PRACTICE_{code}.json"
    parsed = parse("codechef", CC_PROBLEM.format(code), path)
    (problem,) = of(Problem, parsed.entities)
    assert (problem.time_limit_ms, problem.statement_format, problem.difficulty_label) == (limit_ms, fmt, level)
    # tags were an HTML string of links; the author and the contest code among them are not tags
    assert problem.tags == tags
    assert [(t.input, t.output) for t in of(Test, parsed.entities)] == samples  # sampleTestCases was empty: from the body
    assert "<p" not in (problem.statement or "") and "<tt>" not in (problem.statement or "")  # HTML became Markdown
    assert problem.difficulty is None  # difficulty_rating is absent from every real answer


def test_codechef_markdown_with_a_stray_tag_stays_markdown() -> None:
    answer = json.loads((real_pages("codechef") / "problem_api_PRACTICE_ADANTS.json").read_text())
    statement = answer["problemComponents"]["statement"]
    assert "### Example Input" in statement
    answer["problemComponents"]["statement"] = statement.replace("### Example Input", "one<br>two<p>\n\n### Example Input", 1)
    (problem,) = of(Problem, parse("codechef", CC_PROBLEM.format("ADANTS"), json.dumps(answer).encode()).entities)
    assert problem.statement_format == "markdown" and "### Example Input" in (problem.statement or "")


def test_codechef_a_time_limit_range_and_the_old_version_answer() -> None:
    answer = json.loads((real_pages("codechef") / "problem_api_PRACTICE_PALIN.json").read_text())
    answer["max_timelimit"] = "2.13807 - 17.1046"  # per-language limits, as 2.4% of real answers send
    (problem,) = of(Problem, parse("codechef", CC_PROBLEM.format("PALIN"), json.dumps(answer).encode()).entities)
    assert problem.time_limit_ms == 2138
    old = {"status": "success", "old_version": True, "title": "The Next Palindrome", "body": answer["body"]}
    parsed = parse("codechef", CC_PROBLEM.format("PALIN"), json.dumps(old).encode())
    (problem,) = of(Problem, parsed.entities)
    assert problem.name == "The Next Palindrome" and problem.tags is None and problem.time_limit_ms is None
    assert [(t.input, t.output) for t in of(Test, parsed.entities)] == [("2\n808\n2133\n", "818\n2222\n")]


def test_codechef_contest_answer_with_epoch_times_and_other_divisions_problems() -> None:
    # the contest answer's shape as issue 13 describes it (no raw contest answer is recorded): epoch seconds, minutes,
    # and unscored practice problems of other divisions in the list
    answer = {
        "status": "success",
        "name": "Starters 900 (Div. 2)",
        "time": {"start": 1633012200, "end": 1633019400, "current": 1643798005},
        "duration": "120",
        "problems": {
            "SUMTWO": {"code": "SUMTWO", "category_name": "main", "contest_code": "START900B"},
            "HARDONE": {"code": "HARDONE", "category_name": "unscored", "contest_code": "START900B"},
            "DIVONE": {"code": "DIVONE", "category_name": "main", "contest_code": "START900A"},
        },
    }
    parsed = parse("codechef", "https://www.codechef.com/api/contests/START900B", json.dumps(answer).encode())
    (contest,) = of(Contest, parsed.entities)
    assert contest.start_time is not None and contest.start_time.isoformat() == "2021-09-30T14:30:00+00:00"
    assert contest.duration_seconds == 7200
    assert [r.url.rsplit("/", 1)[1] for r in parsed.follow] == ["SUMTWO"]
    del answer["time"]["end"]
    (contest,) = of(
        Contest, parse("codechef", "https://www.codechef.com/api/contests/START900B", json.dumps(answer).encode()).entities
    )
    assert contest.duration_seconds == 7200  # from the minutes


def test_codechef_429_holds_off_a_minute() -> None:
    assert get_site("codechef").rate_limit_pause == 60.0


# ---- yukicoder -------------------------------------------------------------------------------------------


def test_yukicoder_contest_problem_statement_chain() -> None:
    contests = parse("yukicoder", "https://yukicoder.me/api/v1/contest/past", YUKI / "contest_past.json")
    (contest,) = of(Contest, contests.entities)
    assert contest.start_time is not None and contest.start_time.isoformat() == "2021-10-01T12:20:00+00:00"
    assert contest.duration_seconds == 7200
    assert [(r.url, r.meta) for r in contests.follow] == [
        ("https://yukicoder.me/api/v1/problems/7001", {"contest_id": "900", "index": "A"}),
        ("https://yukicoder.me/api/v1/problems/7002", {"contest_id": "900", "index": "B"}),
    ]
    problem = parse(
        "yukicoder", "https://yukicoder.me/api/v1/problems/7001", YUKI / "problem_7001.json", contest_id="900", index="A"
    )
    (p,) = of(Problem, problem.entities)
    assert (p.problem_id, p.name, p.difficulty, p.tags) == ("9001", "Reverse Twice", 1.5, ["文字列", "実装"])
    assert [r.kind for r in problem.follow] == ["statement", "submissions"]
    statement = parse(
        "yukicoder", "https://yukicoder.me/problems/no/9001", YUKI / "statement_9001.html", contest_id="900", index="A"
    )
    (s,) = of(Problem, statement.entities)
    assert (s.time_limit_ms, s.memory_limit_bytes, s.interactive) == (2000, 512 << 20, False)
    assert [(t.input, t.output) for t in of(Test, statement.entities)] == [("abc\n", "abc\n"), ("yukicoder\n", "yukicoder\n")]


@pytest.mark.parametrize("problem_type", [0, 2, 4])
def test_yukicoder_problem_type_is_not_an_interactive_flag(problem_type: int) -> None:
    # 2 is a score-based problem, 4 an unproved one (the API's documentation): neither says "interactive"
    body = json.loads((YUKI / "problem_7001.json").read_text()) | {"ProblemType": problem_type}
    url = "https://yukicoder.me/api/v1/problems/7001"
    (problem,) = of(Problem, parse("yukicoder", url, json.dumps(body).encode(), contest_id="900", index="A").entities)
    assert problem.interactive is None  # left to the statement page, which says so in words


def test_yukicoder_hidden_tests_through_the_file_api_with_a_key() -> None:
    options = ScrapeOptions(extra={"api_key": "k3y"})
    problem = parse(
        "yukicoder", "https://yukicoder.me/api/v1/problems/7001", YUKI / "problem_7001.json", options, contest_id="900", index="A"
    )
    assert "test_names" in [r.kind for r in problem.follow]
    names = parse(
        "yukicoder",
        "https://yukicoder.me/api/v1/problems/no/9001/file/in",
        YUKI / "file_in_list.txt",
        contest_id="900",
        index="A",
    )
    assert [r.url.rsplit("/file/", 1)[1] for r in names.follow] == [
        "in/01_sample_01.txt",
        "out/01_sample_01.txt",
        "in/02_random_01.txt",
        "out/02_random_01.txt",
    ]
    assert get_site("yukicoder").wire(names.follow[0].url, options).headers == {"Authorization": "Bearer k3y"}
    content = parse("yukicoder", names.follow[1].url, b"abc\n", **names.follow[1].meta)
    assert [(t.ordinal, t.input, t.output) for t in of(Test, content.entities)] == [(0, None, "abc\n")]


def test_yukicoder_test_zip_pairs_inputs_and_outputs() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("test_in/a.txt", "1\n")
        archive.writestr("test_out/a.txt", "2\n")
        archive.writestr("test_in/b.txt", "3\n")
        archive.writestr("test_out/b.txt", "6\n")
        archive.writestr("checker.cpp", "int main(){}")
    parsed = parse(
        "yukicoder", "https://yukicoder.me/problems/no/9001/testcase.zip", buffer.getvalue(), contest_id="900", index="A"
    )
    assert [(t.ordinal, t.input, t.output) for t in of(Test, parsed.entities)] == [(0, "1\n", "2\n"), (1, "3\n", "6\n")]


def test_yukicoder_submissions_take_the_latest_verdict_of_a_rejudge() -> None:
    parsed = parse(
        "yukicoder",
        "https://yukicoder.me/problems/no/9001/submissions?page=1",
        YUKI / "submissions_9001.html",
        contest_id="900",
        index="A",
    )
    subs = of(Submission, parsed.entities)
    assert [(s.submission_id, s.verdict_raw, s.language, s.time_ms) for s in subs] == [
        ("800001", "AC", "python3", 31),
        ("800002", "AC", "cpp", 1999),
    ]
    assert subs[0].created_at is not None and subs[0].created_at.isoformat() == "2021-10-01T12:30:05+00:00"
    # a row whose link is gone is one reject; the other row is kept
    broken = (YUKI / "submissions_9001.html").read_bytes().replace(b'href="/submissions/800001"', b'href="/x"', 1)
    url = "https://yukicoder.me/problems/no/9001/submissions?page=1"
    damaged = parse("yukicoder", url, broken, contest_id="900", index="A")
    assert [s.submission_id for s in of(Submission, damaged.entities)] == ["800002"] and len(damaged.rejects) == 1
    source = parse(
        "yukicoder", "https://yukicoder.me/submissions/800001/source", YUKI / "source_800001.txt", contest_id="900", index="A"
    )
    assert of(Submission, source.entities)[0].source_code == "S = input()\nprint(S[::-1][::-1])\n"


def test_yukicoder_golden_samples() -> None:
    golden = json.loads(
        (real_pages("yukicoder") / "golden" / "competitive-companion" / "problem_normal_no1020.json").read_text()
    )["result"]
    samples = "".join(
        f'<div class="sample"><h5>サンプル{n}</h5><div class="paragraph"><h6>入力</h6><pre>{t["input"]}</pre>'
        f"<h6>出力</h6><pre>{t['output']}</pre></div></div>"
        for n, t in enumerate(golden["tests"], start=1)
    )
    limits = "<div>実行時間制限 : 1ケース 2.000秒 / メモリ制限 : 512 MB</div>"
    page = f'<div id="content"><h3>{golden["name"]}</h3>{limits}{samples}</div>'
    parsed = parse("yukicoder", "https://yukicoder.me/problems/no/1020", page.encode(), contest_id="1", index="A")
    assert [(t.input, t.output) for t in of(Test, parsed.entities)] == [(t["input"], t["output"]) for t in golden["tests"]]
    assert of(Problem, parsed.entities)[0].time_limit_ms == golden["timeLimit"]
