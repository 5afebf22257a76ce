"""Aizu Online Judge: everything through its JSON APIs, including the complete hidden tests.

Hosts (reference: sites.md section 3): ``judgeapi.u-aizu.ac.jp`` (metadata, submissions) and
``judgedat.u-aizu.ac.jp`` (tests); the newer ``onlinejudge.u-aizu.ac.jp/api`` serves the judge API under ``/api``
(choose it with ``--api-base``). AOJ has no contests with start times: a problem's "contest" is its volume
(``volume0`` for problem 0000-0099) or its course (``ITP1`` for ITP1_1_A), and its date is its own ``created_at``.

Tests come from the raw ``/in`` and ``/out`` endpoints: the JSON form truncates large cases.

Confirmed by real answers (``../shared/real-pages/aoj``, recorded 2020-02-08):
- ``problems_page0_size2500_2020-02-08.json``: ``/problems`` is a bare list (2,497 problems) with ``id``, ``name``,
  ``problemTimeLimit`` (seconds), ``problemMemoryLimit`` (KB), ``solvedUser``, ``submissions``, ``successRate``.
- ``submission_records_2214_page0_size10000_2020-02-08.json``: submission records are a bare list with
  ``judgeId``, ``problemId``, ``submissionDate`` (epoch ms), ``language`` (no ``version``), ``status`` (a number),
  ``cpuTime`` (centiseconds; ``-1`` when not measured, elsewhere), ``memory`` (KB), ``accuracy`` (``"n/m"``,
  ``null`` on about half the records, sometimes a bare ``"0"``). They carry **no** ``policy`` field: whether a
  submission's code is public is not in the record, so every record is kept for its verdict and the code is asked
  of the review API, whose refusal leaves that submission without code (a failed review unit, passed over). A record
  that does carry a ``policy`` other than ``public`` is skipped (its code would never be shown).
Still assumed (no raw answer here): descriptions, the judgedat samples, test headers and files, reviews.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cpdata.schema import Contest, Problem, Site, Submission, Test, TestKind
from cpdata.scraper.base import (
    Page,
    ParseContext,
    Parsed,
    ParseError,
    Parser,
    RateRule,
    Request,
    Route,
    ScrapeOptions,
    SiteBlocked,
    SiteScraper,
    hidden_test_half,
    record_name,
)
from cpdata.scraper.extract import html_tree, json_body, normalize_sample, to_markdown

__all__ = ["AOJ"]

JUDGE_API = "https://judgeapi.u-aizu.ac.jp"
NEW_JUDGE_API = "https://onlinejudge.u-aizu.ac.jp/api"
JUDGE_DAT = "https://judgedat.u-aizu.ac.jp"
_PAGE_SIZE = 1000


def _api(options: ScrapeOptions) -> str:
    return str(options.extra.get("api_base") or JUDGE_API).rstrip("/")


def contest_of(problem_id: str) -> tuple[str, str]:
    """(contest_id, kind): ITP1_1_A -> ITP1 (course); 0000..0099 -> volume0; 2001 -> volume20."""
    if "_" in problem_id:
        return problem_id.split("_", 1)[0], "course"
    if problem_id.isdigit():
        return f"volume{int(problem_id) // 100}", "volume"
    return "other", "other"


def _epoch_ms(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC) if isinstance(value, int | float) and value > 0 else None


def _problem_follow(api: str, problem_id: str, options: ScrapeOptions) -> list[Request]:
    follow = [
        Request(f"{api}/resources/descriptions/en/{problem_id}", "description", priority=2),
        Request(f"{JUDGE_DAT}/testcases/samples/{problem_id}", "samples", priority=2),
        Request(f"{JUDGE_DAT}/testcases/{problem_id}/header", "test_header", priority=4),
    ]
    if options.max_status_pages > 0:
        follow.append(Request(f"{api}/submission_records/problems/{problem_id}?page=0&size=100", "submissions", priority=3))
    return follow


def parse_problem_list(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """A page of /problems, a volume or a course: the problems, their limits, and everything to fetch for each."""
    body = json_body(page.url, page.body)
    items = body.get("problems") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise ParseError(page.url, "no list of problems")
    api = page.url.split("/problems", 1)[0]
    parsed = Parsed()
    contests: set[tuple[str, str]] = set()
    for number, item in enumerate(items):
        with parsed.record(page.url, record_name(item, "id", number)):
            if not isinstance(item, dict) or "id" not in item:
                raise ValueError("a problem without 'id'")
            problem_id = str(item["id"])
            contest_id, kind = contest_of(problem_id)
            memory_kb = _measured(item.get("problemMemoryLimit")) or None  # 0 or -1: not stated
            seconds = item.get("problemTimeLimit")
            time_ms = round(float(seconds) * 1000) if seconds not in (None, "") and float(seconds) > 0 else None
            parsed.entities.append(
                Problem(
                    site=Site.aoj,
                    contest_id=contest_id,
                    index=problem_id,
                    problem_id=problem_id,
                    name=item.get("name"),
                    time_limit_ms=time_ms,
                    memory_limit_bytes=memory_kb * 1024 if memory_kb is not None else None,
                    url=f"https://onlinejudge.u-aizu.ac.jp/problems/{problem_id}",
                )
            )
            contests.add((contest_id, kind))
            parsed.follow += _problem_follow(api, problem_id, context.options)
    parsed.entities[:0] = [Contest(site=Site.aoj, contest_id=c, name=c, kind=k) for c, k in sorted(contests)]
    query = parse_qs(urlsplit(page.url).query)
    if "page" in query and len(items) >= int(query.get("size", [str(_PAGE_SIZE)])[0]):
        parsed.follow.append(
            Request(f"{api}/problems?page={int(query['page'][0]) + 1}&size={query['size'][0]}", "problem_list", priority=0)
        )
    return parsed


def parse_description(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    if context.meta.get("samples_only"):
        return parse_description_samples(page, params, context)
    problem_id, language = params["problem_id"], params["lang"]
    body = json_body(page.url, page.body)
    if isinstance(body, list):  # [{"code": "RESOURCE_NOT_EXIST_ERROR", ...}]
        if language == "en":
            api = page.url.split("/resources", 1)[0]
            return Parsed(follow=[Request(f"{api}/resources/descriptions/ja/{problem_id}", "description", priority=2)])
        raise ParseError(page.url, f"no description: {body[0].get('code') if body and isinstance(body[0], dict) else body}")
    if not isinstance(body, dict) or "html" not in body:
        raise ParseError(page.url, "description without 'html'")
    contest_id, _ = contest_of(problem_id)
    html = str(body["html"])
    tree = html_tree(html)
    title = tree.css_first("h1")
    time_limit, memory_kb = body.get("time_limit"), body.get("memory_limit")
    text = tree.body.text(deep=True) if tree.body is not None else ""
    problem = Problem(
        site=Site.aoj,
        contest_id=contest_id,
        index=problem_id,
        problem_id=problem_id,
        name=title.text(deep=True).strip() if title is not None else None,
        statement=to_markdown(tree.body, JUDGE_API + "/"),
        statement_html=html,
        statement_format="html",
        statement_language=str(body.get("language") or language),
        time_limit_ms=round(float(time_limit) * 1000) if time_limit is not None else None,
        memory_limit_bytes=int(memory_kb) * 1024 if memory_kb is not None else None,
        interactive=("reactive" in (text or "").lower() or "インタラクティブ" in (text or "")) or False,
        published_at=_epoch_ms(body.get("created_at")),
        url=f"https://onlinejudge.u-aizu.ac.jp/problems/{problem_id}",
    )
    return Parsed(entities=[problem], follow=[])


def _description_samples(html: str) -> list[tuple[str, str]]:
    """Samples from a description when the samples API has none: 'Sample Input' / '入力例' headings + pre."""
    tree = html_tree(html)
    inputs, outputs = [], []
    for heading in tree.css("h2, h3, h4"):
        title = heading.text(deep=True) or ""
        node = heading.next
        while node is not None and node.tag != "pre" and node.tag not in ("h2", "h3", "h4"):
            node = node.next
        if node is None or node.tag != "pre":
            continue
        if re.search(r"Sample Input|入力例", title):
            inputs.append(normalize_sample(node.text(deep=True) or ""))
        elif re.search(r"Sample Output|出力例", title):
            outputs.append(normalize_sample(node.text(deep=True) or ""))
    return list(zip(inputs, outputs, strict=False))


def parse_samples(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    problem_id = params["problem_id"]
    body = json_body(page.url, page.body)
    if not isinstance(body, list):
        raise ParseError(page.url, "samples are not a list")
    contest_id, _ = contest_of(problem_id)
    tests = []
    for ordinal, item in enumerate(sorted((s for s in body if isinstance(s, dict)), key=lambda s: s.get("serial", 0))):
        tests.append(
            Test(
                site=Site.aoj,
                contest_id=contest_id,
                index=problem_id,
                kind=TestKind.public,
                ordinal=ordinal,
                input=normalize_sample(str(item.get("in", ""))),
                output=normalize_sample(str(item.get("out", ""))),
            )
        )
    # Some ICPC and arena problems have no samples here (oj #207/#371): the description's pre blocks are the fallback.
    api = _api(context.options)
    follow = (
        []
        if tests
        else [
            Request(
                f"{api}/resources/descriptions/en/{problem_id}#samples", "description", priority=2, meta={"samples_only": True}
            )
        ]
    )
    return Parsed(entities=list(tests), follow=follow)


def parse_description_samples(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    problem_id = params["problem_id"]
    body = json_body(page.url, page.body)
    if not isinstance(body, dict) or "html" not in body:
        return Parsed()
    contest_id, _ = contest_of(problem_id)
    return Parsed(
        entities=[
            Test(site=Site.aoj, contest_id=contest_id, index=problem_id, kind=TestKind.public, ordinal=n, input=i, output=o)
            for n, (i, o) in enumerate(_description_samples(str(body["html"])))
        ]
    )


def parse_test_header(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    problem_id = params["problem_id"]
    body = json_body(page.url, page.body)
    headers = body.get("headers") if isinstance(body, dict) else None
    if not isinstance(headers, list):
        raise ParseError(page.url, "test header without 'headers'")
    follow = []
    for header in headers:
        serial = header.get("serial") if isinstance(header, dict) else None
        if serial is None:
            raise ParseError(page.url, "a test header without 'serial'")
        for side in ("in", "out"):
            follow.append(Request(f"{JUDGE_DAT}/testcases/{problem_id}/{serial}/{side}", "test_file", priority=5))
    return Parsed(follow=follow)


def parse_test_file(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    problem_id = params["problem_id"]
    contest_id, _ = contest_of(problem_id)
    return Parsed(entities=[hidden_test_half(Site.aoj, contest_id, problem_id, int(params["serial"]), params["side"], page.body)])


def _measured(value: Any) -> int | None:
    """AOJ's numbers with -1 (or "", null) for "not measured": None, never a negative time or memory."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    number = int(value)
    return number if number >= 0 else None


def _passed(accuracy: Any) -> int | None:
    """``"3/7"`` -> 3; a bare ``"0"`` -> 0; ``null`` -> unknown."""
    found = re.fullmatch(r"\s*(\d+)\s*(?:/\s*\d+\s*)?", str(accuracy)) if accuracy is not None else None
    return int(found.group(1)) if found else None


def _submission(record: dict[str, Any], source: str | None = None) -> Submission:
    problem_id = str(record["problemId"])
    contest_id, _ = contest_of(problem_id)
    cpu_time, memory = _measured(record.get("cpuTime")), _measured(record.get("memory"))
    return Submission(
        site=Site.aoj,
        submission_id=str(record["judgeId"]),
        contest_id=contest_id,
        index=problem_id,
        problem_id=problem_id,
        language_raw=" ".join(str(x) for x in (record.get("language"), record.get("version")) if x),
        verdict_raw=str(record["status"]) if record.get("status") is not None else None,
        created_at=_epoch_ms(record.get("submissionDate")),
        time_ms=cpu_time * 10 if cpu_time is not None else None,  # AOJ counts centiseconds
        memory_bytes=memory * 1024 if memory is not None else None,
        passed_tests=_passed(record.get("accuracy")),
        source_code=source,
    )


def parse_submissions(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = json_body(page.url, page.body)
    if not isinstance(body, list):
        raise ParseError(page.url, "submission records are not a list")
    parsed = Parsed()
    for number, record in enumerate(body):
        with parsed.record(page.url, record_name(record, "judgeId", number)):
            if not isinstance(record, dict) or "judgeId" not in record or "problemId" not in record:
                raise ValueError("a submission record without 'judgeId' or 'problemId'")
            if record.get("policy", "public") != "public":
                continue  # private code is never shown (real 2020 records have no policy at all: see the docstring)
            parsed.entities.append(_submission(record))
    query = parse_qs(urlsplit(page.url).query)
    number, size = int(query.get("page", ["0"])[0]), int(query.get("size", ["100"])[0])
    if len(body) >= size and number + 1 < context.options.max_status_pages:
        parsed.follow.append(Request(page.url.split("?")[0] + f"?page={number + 1}&size={size}", "submissions", priority=3))
    return parsed


def parse_review(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = json_body(page.url, page.body)
    if not isinstance(body, dict) or "sourceCode" not in body:
        raise ParseError(page.url, "no 'sourceCode' (the code is private, or not a review)")
    return Parsed(entities=[_submission(body, str(body["sourceCode"]).replace("\r\n", "\n"))])


_API_PREFIX = r"(?:/api)?"


class AOJ(SiteScraper):
    site = Site.aoj
    hosts = ("judgeapi.u-aizu.ac.jp", "judgedat.u-aizu.ac.jp", "onlinejudge.u-aizu.ac.jp")
    routes = (
        Route.of("problem_list", _API_PREFIX + r"/problems(?:/volumes/\d+|/courses/[\w-]+)?(?:\?.*)?"),
        Route.of("description", _API_PREFIX + r"/resources/descriptions/(?P<lang>ja|en)/(?P<problem_id>[\w-]+)"),
        Route.of("samples", r"/testcases/samples/(?P<problem_id>[\w-]+)"),
        Route.of("test_header", r"/testcases/(?P<problem_id>[\w-]+)/header"),
        Route.of("test_file", r"/testcases/(?P<problem_id>[\w-]+)/(?P<serial>\d+)/(?P<side>in|out)"),
        Route.of("submissions", _API_PREFIX + r"/submission_records/problems/(?P<problem_id>[\w-]+)(?:\?.*)?"),
        Route.of("review", _API_PREFIX + r"/reviews/(?P<judge_id>\d+)"),
    )
    examples = (
        ("https://judgeapi.u-aizu.ac.jp/problems?page=0&size=1000", "problem_list"),
        ("https://judgeapi.u-aizu.ac.jp/problems/volumes/0", "problem_list"),
        ("https://onlinejudge.u-aizu.ac.jp/api/problems/courses/ITP1", "problem_list"),
        ("https://judgeapi.u-aizu.ac.jp/resources/descriptions/en/ITP1_1_A", "description"),
        ("https://onlinejudge.u-aizu.ac.jp/api/resources/descriptions/ja/0000", "description"),
        ("https://judgedat.u-aizu.ac.jp/testcases/samples/ITP1_1_A", "samples"),
        ("https://judgedat.u-aizu.ac.jp/testcases/ITP1_1_A/header", "test_header"),
        ("https://judgedat.u-aizu.ac.jp/testcases/ITP1_1_A/3/out", "test_file"),
        ("https://judgeapi.u-aizu.ac.jp/submission_records/problems/ITP1_1_A?page=0&size=100", "submissions"),
        ("https://judgeapi.u-aizu.ac.jp/reviews/4212345", "review"),
    )
    # No documented limit; client scripts sleep about a second.
    rate_rules = (
        RateRule("judgeapi.u-aizu.ac.jp", "/", interval=1.0),
        RateRule("judgedat.u-aizu.ac.jp", "/", interval=0.5),
        RateRule("onlinejudge.u-aizu.ac.jp", "/", interval=1.0),
    )

    def parsers(self) -> dict[str, Parser]:
        return {
            "problem_list": parse_problem_list,
            "description": parse_description,
            "samples": parse_samples,
            "test_header": parse_test_header,
            "test_file": parse_test_file,
            "submissions": parse_submissions,
            "review": parse_review,
        }

    def seeds(self, options: ScrapeOptions) -> list[Request]:
        api = _api(options)
        if not options.contests:
            return [Request(f"{api}/problems?page=0&size={_PAGE_SIZE}", "problem_list", priority=0)]
        seeds = []
        for contest in options.contests:
            number = contest.removeprefix("volume")
            if number.isdigit():
                seeds.append(Request(f"{api}/problems/volumes/{int(number)}", "problem_list", priority=0))
            else:
                seeds.append(Request(f"{api}/problems/courses/{contest}", "problem_list", priority=0))
        return seeds

    def check(self, page: Page) -> None:
        if page.status == 410:
            raise SiteBlocked(
                "aoj", page.url, "HTTP 410 Gone: this API base has been retired", f"Use the newer one: --api-base {NEW_JUDGE_API}"
            )

    def submission_request(self, submission: Submission, options: ScrapeOptions) -> Request | None:
        return Request(f"{_api(options)}/reviews/{submission.submission_id}", "review", priority=6)
