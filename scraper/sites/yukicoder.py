"""yukicoder: the v1 API for contests and problems, statement pages for limits and samples, hidden tests through the
file API (``--api-key``) or the test-case zip (a login cookie), submission lists and plain-text sources.

Reference: sites.md section 5. A contest's problems are its ``ProblemIdList``; their index is their position
(A, B, ...). Field names follow the v1 API's Swagger file as other clients use it; no raw yukicoder response was
available to confirm them (the competitive-companion goldens in ``../shared/real-pages/yukicoder/golden`` confirm the
statement page's limits and samples only).

Enums: ``ProblemType`` is not an interactive flag: 2 means a score-based problem and 4 an "unproved" one (issue 13,
from the API's documentation). cpdata has no field for either, so they are not stored; whether a problem is
interactive comes from its statement page ("リアクティブ" / "インタラクティブ"), never from ``ProblemType``.
``Level`` is the difficulty (stars, a float); submission results are the verdict strings sites.md lists.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from cpdata.schema import Contest, Problem, Site, Submission, Test, TestKind, TestOrigin
from cpdata.schema.archive import ArchiveError, pair_tests, read_zip
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
    WireRequest,
    hidden_test_half,
    record_name,
)
from cpdata.scraper.extract import block_text, collapse_ws, html_tree, json_body, letters, normalize_sample, to_markdown

__all__ = ["Yukicoder"]

BASE = "https://yukicoder.me"
_TIME = re.compile(r"([0-9.]+)\s*秒")
_MEMORY = re.compile(r"(\d+)\s*MB")


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def _contest(item: dict[str, Any]) -> Contest:
    start, end = _when(item.get("Date")), _when(item.get("EndDate"))
    return Contest(
        site=Site.yukicoder,
        contest_id=str(item["Id"]),
        name=item.get("Name"),
        start_time=start,
        duration_seconds=int((end - start).total_seconds()) if start and end else None,
        url=f"{BASE}/contests/{item['Id']}",
        kind="contest",
    )


def _contest_follow(item: dict[str, Any]) -> list[Request]:
    contest_id = str(item["Id"])
    return [
        Request(
            f"{BASE}/api/v1/problems/{problem_id}",
            "problem_api",
            priority=1,
            meta={"contest_id": contest_id, "index": letters(position)},
        )
        for position, problem_id in enumerate(item.get("ProblemIdList") or [])
    ]


def parse_contest_list(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = json_body(page.url, page.body)
    if not isinstance(body, list):
        raise ParseError(page.url, "the contest list is not a list")
    parsed = Parsed()
    options = context.options
    for position, item in enumerate(body):
        with parsed.record(page.url, record_name(item, "Id", position)):
            if not isinstance(item, dict) or "Id" not in item:
                raise ValueError("a contest without 'Id'")
            contest = _contest(item)
            parsed.entities.append(contest)
            if not options.contests and (
                options.since is None or (contest.start_time and contest.start_time.date() >= options.since)
            ):
                parsed.follow += _contest_follow(item)
    return parsed


def parse_contest(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = json_body(page.url, page.body)
    if not isinstance(body, dict) or "Id" not in body:
        raise ParseError(page.url, "no contest 'Id'")
    return Parsed(entities=[_contest(body)], follow=_contest_follow(body))


def parse_problem_api(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = json_body(page.url, page.body)
    if not isinstance(body, dict) or "No" not in body:
        raise ParseError(page.url, "no problem 'No'")
    contest_id, index = context.problem_key(page.url, "a problem")
    number = str(body["No"])
    tags = [t.strip() for t in str(body.get("Tags") or "").split(",") if t.strip()]
    problem = Problem(
        site=Site.yukicoder,
        contest_id=contest_id,
        index=index,
        problem_id=number,
        name=body.get("Title"),
        difficulty=float(body["Level"]) if body.get("Level") is not None else None,
        tags=tags,
        interactive=None,  # ProblemType says nothing about it (2 is score-based, 4 unproved): the statement page does
        published_at=_when(body.get("Date")),
        url=f"{BASE}/problems/no/{number}",
    )
    options = context.options
    meta = {"contest_id": contest_id, "index": index}
    follow = [Request(f"{BASE}/problems/no/{number}", "statement", priority=2, meta=meta)]
    if options.extra.get("api_key"):
        follow.append(Request(f"{BASE}/api/v1/problems/no/{number}/file/in", "test_names", priority=4, meta=meta))
    elif options.extra.get("cookies"):
        follow.append(Request(f"{BASE}/problems/no/{number}/testcase.zip", "test_zip", priority=4, meta=meta))
    if options.max_status_pages > 0:
        follow.append(Request(f"{BASE}/problems/no/{number}/submissions?page=1", "submissions", priority=3, meta=meta))
    return Parsed(entities=[problem], follow=follow)


def parse_statement(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    number = params["number"]
    contest_id, index = context.problem_key(page.url, "a problem page")
    tree = html_tree(page.body)
    content = tree.css_first("#content")
    if content is None:
        raise ParseError(page.url, "no #content")
    limits = collapse_ws(" ".join(d.text(deep=True) or "" for d in content.css("div") if "秒" in (d.text(deep=True) or "")))
    time_limit, memory = _TIME.search(limits), _MEMORY.search(limits)
    if time_limit is None or memory is None:
        raise ParseError(page.url, f"no time or memory limit in {limits[:120]!r}")
    samples = []
    for block in content.css(".sample"):
        pres = block.css("pre")
        if len(pres) >= 2:
            samples.append((normalize_sample(block_text(pres[0])), normalize_sample(block_text(pres[1]))))
    statement = content.css_first("#content .block") or content
    title = content.css_first("h3")
    problem = Problem(
        site=Site.yukicoder,
        contest_id=contest_id,
        index=index,
        problem_id=number,
        name=re.sub(r"^No\.\d+\s*", "", collapse_ws(title.text(deep=True) or "")) if title is not None else None,
        statement=to_markdown(statement, BASE),
        statement_html=statement.html,
        statement_format="html",
        statement_language="ja",
        time_limit_ms=round(float(time_limit.group(1)) * 1000),
        memory_limit_bytes=int(memory.group(1)) * 1024 * 1024,
        interactive=("リアクティブ" in limits or "インタラクティブ" in limits),
    )
    tests = [
        Test(site=Site.yukicoder, contest_id=contest_id, index=index, kind=TestKind.public, ordinal=n, input=i, output=o)
        for n, (i, o) in enumerate(samples)
    ]
    return Parsed(entities=[problem, *tests])


def parse_test_names(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """The file API's list of input names (a JSON array, or one name per line), then each input and output."""
    text = page.body.decode("utf-8", errors="replace").strip()
    names: list[str]
    if text.startswith("["):
        loaded = json_body(page.url, page.body)
        names = [str(n) for n in loaded] if isinstance(loaded, list) else []
    else:
        names = [line.strip() for line in text.splitlines() if line.strip()]
    number = params["number"]
    follow = []
    for ordinal, name in enumerate(sorted(names)):
        for side in ("in", "out"):
            follow.append(
                Request(
                    f"{BASE}/api/v1/problems/no/{number}/file/{side}/{quote(name)}",
                    "test_file",
                    priority=5,
                    meta={**context.meta, "ordinal": ordinal},
                )
            )
    return Parsed(follow=follow)


def parse_test_file(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id, index = context.problem_key(page.url, "a test file", "ordinal")
    test = hidden_test_half(Site.yukicoder, contest_id, index, int(context.meta["ordinal"]), params["side"], page.body)
    return Parsed(entities=[test])


def parse_test_zip(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id, index = context.problem_key(page.url, "a test archive")
    try:
        files = read_zip(page.body, source=page.url)
    except ArchiveError as exc:
        raise ParseError(page.url, str(exc)) from exc
    pairs = pair_tests(files, "test_in", "test_out")  # the archive also holds checkers and such: ignored
    return Parsed(
        entities=[
            Test(
                site=Site.yukicoder,
                contest_id=contest_id,
                index=index,
                kind=TestKind.private,
                ordinal=n,
                origin=TestOrigin.official,
                input=i.decode("utf-8", "replace").replace("\r\n", "\n"),
                output=o.decode("utf-8", "replace").replace("\r\n", "\n"),
            )
            for n, (_name, i, o) in enumerate(pairs)
        ]
    )


def parse_submissions(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """The submission table: #, 提出日時, (icon), 提出者, 問題, 言語, 結果, 実行時間, コード長."""
    contest_id, index = context.problem_key(page.url, "a submission list")
    meta = context.meta
    tree = html_tree(page.body)
    table = tree.css_first("table tbody")
    if table is None:
        raise ParseError(page.url, "no submission table")
    parsed = Parsed()
    for position, row in enumerate(table.css("tr")):
        with parsed.record(page.url, f"row {position}"):  # one bad row is one reject, the page's other rows stay
            cells = [c for c in row.iter() if c.tag == "td"]
            link = row.css_first('a[href^="/submissions/"]')
            if link is None or len(cells) < 8:
                raise ValueError("a submission row without its /submissions/ link or columns")
            submission_id = (link.attributes.get("href") or "").strip("/").split("/")[1]
            # A rejudged row reads "TLE (最新)-- AC": the last verdict is the current one.
            verdicts = re.findall(r"[A-Z_]{2,}|NoOut|Judge", cells[6].text(deep=True) or "")
            time_ms = re.search(r"(\d+)\s*ms", cells[7].text(deep=True) or "")
            when = collapse_ws(cells[1].text(deep=True) or "")
            parsed.entities.append(
                Submission(
                    site=Site.yukicoder,
                    submission_id=submission_id,
                    contest_id=contest_id,
                    index=index,
                    problem_id=params["number"],
                    language_raw=collapse_ws(cells[5].text(deep=True) or ""),
                    verdict_raw=verdicts[-1] if verdicts else None,
                    time_ms=int(time_ms.group(1)) if time_ms else None,
                    created_at=datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) - _JST
                    if re.match(r"\d{4}-", when)
                    else None,
                )
            )
    number = int(parse_qs(urlsplit(page.url).query).get("page", ["1"])[0])
    has_next = any(
        "次" in (a.text(deep=True) or "") or (a.attributes.get("href") or "").endswith(f"page={number + 1}")
        for a in tree.css(".pagination a, ul.pagination a")
    )
    if parsed.entities and has_next and number < context.options.max_status_pages:
        parsed.follow.append(Request(page.url.split("?")[0] + f"?page={number + 1}", "submissions", priority=3, meta=meta))
    return parsed


_JST = datetime(2000, 1, 1, 9) - datetime(2000, 1, 1)  # yukicoder prints Japan time without an offset


def parse_source(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id, index = context.problem_key(page.url, "a source")
    if page.body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        raise ParseError(page.url, "an HTML page instead of plain-text source (hidden, or not found)")
    return Parsed(
        entities=[
            Submission(
                site=Site.yukicoder,
                submission_id=params["submission_id"],
                contest_id=contest_id,
                index=index,
                source_code=page.text.replace("\r\n", "\n"),
            )
        ]
    )


class Yukicoder(SiteScraper):
    site = Site.yukicoder
    hosts = ("yukicoder.me",)
    routes = (
        Route.of("contest_list", r"/api/v1/contest/(?:past|current|future)"),
        Route.of("contest", r"/api/v1/contest/id/(?P<contest_id>\d+)"),
        Route.of("problem_api", r"/api/v1/problems/(?P<problem_key>\d+)"),
        Route.of("test_names", r"/api/v1/problems/no/(?P<number>\d+)/file/in"),
        Route.of("test_file", r"/api/v1/problems/no/(?P<number>\d+)/file/(?P<side>in|out)/(?P<name>.+)"),
        Route.of("statement", r"/problems/no/(?P<number>\d+)/?"),
        Route.of("test_zip", r"/problems/no/(?P<number>\d+)/testcase\.zip"),
        Route.of("submissions", r"/problems/no/(?P<number>\d+)/submissions(?:\?.*)?"),
        Route.of("source", r"/submissions/(?P<submission_id>\d+)/source"),
    )
    examples = (
        ("https://yukicoder.me/api/v1/contest/past", "contest_list"),
        ("https://yukicoder.me/api/v1/contest/id/264", "contest"),
        ("https://yukicoder.me/api/v1/problems/4955", "problem_api"),
        ("https://yukicoder.me/api/v1/problems/no/1020/file/in", "test_names"),
        ("https://yukicoder.me/api/v1/problems/no/1020/file/out/01_sample_01.txt", "test_file"),
        ("https://yukicoder.me/problems/no/1020", "statement"),
        ("https://yukicoder.me/problems/no/1020/testcase.zip", "test_zip"),
        ("https://yukicoder.me/problems/no/1020/submissions?page=2", "submissions"),
        ("https://yukicoder.me/submissions/512345/source", "source"),
    )
    rate_rules = (RateRule("yukicoder.me", "/", interval=1.0),)  # none published; a page a second
    login_hint = "pass your logged-in session with --cookie REVEL_SESSION=..., or use --api-key for the test files"

    def parsers(self) -> dict[str, Parser]:
        return {
            "contest_list": parse_contest_list,
            "contest": parse_contest,
            "problem_api": parse_problem_api,
            "test_names": parse_test_names,
            "test_file": parse_test_file,
            "statement": parse_statement,
            "test_zip": parse_test_zip,
            "submissions": parse_submissions,
            "source": parse_source,
        }

    def seeds(self, options: ScrapeOptions) -> list[Request]:
        if options.contests:
            return [Request(f"{BASE}/api/v1/contest/id/{c}", "contest", priority=0) for c in options.contests]
        return [Request(f"{BASE}/api/v1/contest/past", "contest_list", priority=0)]

    def wire(self, url: str, options: ScrapeOptions) -> WireRequest:
        key = options.extra.get("api_key")
        if key and "/api/v1/problems/no/" in url and "/file/" in url:
            return WireRequest(url, headers={"Authorization": f"Bearer {key}"})
        return super().wire(url, options)

    def check(self, page: Page) -> None:
        if "/file/" in page.url and page.status == 401:
            raise SiteBlocked(
                "yukicoder",
                page.url,
                "the file API refused the API key (HTTP 401)",
                "Check --api-key (yukicoder: account settings, API key).",
            )

    def submission_request(self, submission: Submission, options: ScrapeOptions) -> Request | None:
        return Request(
            f"{BASE}/submissions/{submission.submission_id}/source",
            "source",
            priority=6,
            meta={"contest_id": submission.contest_id, "index": submission.index},
        )
