"""CodeChef: its JSON API for contests (with division child contests), problems and submissions.

The site itself is a React app with hashed class names, so only the API is used (reference: sites.md section 4).
A problem's key is (contest code, problem code). Statements are Markdown with ``$...$`` already (older ones are
HTML). Submissions need the CSRF token and cookies of a logged-in browser (``--csrf-token``, ``--cookie``).
CodeChef answers 429 when pushed: the fetcher then holds off the whole host for 60 s, rather than retry in a loop.
The problem fields are confirmed by the recorded API objects in real-pages; the contest-list, submission-list and
submission-code fields follow the reference and client code, unconfirmed by a recording.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
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
    SiteScraper,
    WireRequest,
)
from cpdata.scraper.extract import html_tree, json_body, normalize_sample, to_markdown

__all__ = ["CodeChef"]

BASE = "https://www.codechef.com"
_IST = timedelta(hours=5, minutes=30)


def _items(value: Any) -> list[Any]:
    """CodeChef sends some lists as objects keyed "0", "1", ... (sampleTestCases, tags, languages_supported)."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=lambda k: int(k) if str(k).isdigit() else 0)]
    return list(value) if isinstance(value, list) else []


def _ok(page: Page) -> dict[str, Any]:
    body = json_body(page.url, page.body)
    if not isinstance(body, dict):
        raise ParseError(page.url, "the API answer is not an object")
    if body.get("status") not in (None, "success"):
        raise ParseError(
            page.url, f"the API answered status {body.get('status')!r}: {body.get('message') or body.get('errors') or ''}"
        )
    return body


def _iso(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def contest_url(code: str) -> str:
    return f"{BASE}/api/contests/{code}"


def parse_contest_list(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = _ok(page)
    parsed = Parsed()
    options = context.options
    for item in _items(body.get("past_contests")) + _items(body.get("present_contests")):
        if not isinstance(item, dict) or "contest_code" not in item:
            raise ParseError(page.url, "a contest without 'contest_code'")
        start, end = _iso(item.get("contest_start_date_iso")), _iso(item.get("contest_end_date_iso"))
        contest = Contest(
            site=Site.codechef,
            contest_id=str(item["contest_code"]),
            name=item.get("contest_name"),
            start_time=start,
            duration_seconds=int((end - start).total_seconds()) if start and end else None,
            url=f"{BASE}/{item['contest_code']}",
            kind="contest",
        )
        parsed.entities.append(contest)
        if not options.contests and (options.since is None or (start is not None and start.date() >= options.since)):
            parsed.follow.append(Request(contest_url(contest.contest_id), "contest", priority=1))
    # The list is newest first: page on while this page still reached back to --since (or always, without it).
    offset = int(parse_qs(urlsplit(page.url).query).get("offset", ["0"])[0])
    past = [c for c in parsed.entities if isinstance(c, Contest) and c.start_time is not None]
    reached_since = options.since is not None and any(
        c.start_time is not None and c.start_time.date() < options.since for c in past
    )
    if past and not reached_since and not options.contests:
        parsed.follow.append(Request(_list_url(offset + len(_items(body.get("past_contests")))), "contest_list", priority=0))
    return parsed


def _list_url(offset: int) -> str:
    return f"{BASE}/api/list/contests/all?sort_by=START&sorting_order=desc&offset={offset}&mode=all"


def parse_contest(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    code = params["code"]
    body = _ok(page)
    start = _iso(body.get("contest_start_date_iso")) or _ist(body.get("start_date"))
    end = _iso(body.get("contest_end_date_iso")) or _ist(body.get("end_date"))
    parsed = Parsed(
        entities=[
            Contest(
                site=Site.codechef,
                contest_id=code,
                name=body.get("name"),
                start_time=start,
                duration_seconds=int((end - start).total_seconds()) if start and end else None,
                url=f"{BASE}/{code}",
                kind="contest",
                parent_contest_id=body.get("parent_contest_code"),
            )
        ]
    )
    # A Starters parent (START154) has division children (START154A..D) with the problems.
    for child in _items(body.get("child_contests")) or list((body.get("child_contests") or {}).values()):
        child_code = child.get("contest_code") if isinstance(child, dict) else None
        if child_code:
            parsed.entities.append(
                Contest(
                    site=Site.codechef,
                    contest_id=child_code,
                    parent_contest_id=code,
                    start_time=start,
                    url=f"{BASE}/{child_code}",
                    kind="division",
                )
            )
            parsed.follow.append(Request(contest_url(child_code), "contest", priority=1))
    problems = body.get("problems") or {}
    for problem_code in problems if isinstance(problems, dict) else [p.get("code") for p in problems if isinstance(p, dict)]:
        parsed.follow.append(Request(f"{BASE}/api/contests/{code}/problems/{problem_code}", "problem", priority=2))
    return parsed


def _ist(value: Any) -> datetime | None:
    """'2021-08-06 15:00:00' in India time, as CodeChef prints it."""
    if not value:
        return None
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) - _IST
    except ValueError:
        return None


_OLD_SAMPLE = re.compile(r"Input:?\s*</b>(.*?)<b>\s*Output:?\s*</b>(.*?)(?:</pre>|<b>)", re.S | re.I)


def _samples(body: dict[str, Any]) -> list[tuple[str, str]]:
    components = body.get("problemComponents") or {}
    cases = _items(components.get("sampleTestCases")) if isinstance(components, dict) else []
    samples = [
        (normalize_sample(str(c.get("input", ""))), normalize_sample(str(c.get("output", ""))))
        for c in cases
        if isinstance(c, dict) and not c.get("isDeleted")
    ]
    if samples or not body.get("body"):
        return samples
    # the old format: <pre><b>Input:</b> ... <b>Output:</b> ...</pre> in an HTML body
    found = []
    for raw_in, raw_out in _OLD_SAMPLE.findall(str(body["body"])):
        found.append((normalize_sample(html_tree(raw_in).text() or ""), normalize_sample(html_tree(raw_out).text() or "")))
    return found


def _statement(body: dict[str, Any]) -> str:
    components = body.get("problemComponents")
    if isinstance(components, dict) and components.get("statement"):
        parts = [str(components["statement"])]
        for key, title in (
            ("inputFormat", "Input Format"),
            ("outputFormat", "Output Format"),
            ("constraints", "Constraints"),
            ("subtasks", "Subtasks"),
        ):
            if components.get(key):
                parts.append(f"## {title}\n\n{components[key]}")
        return "\n\n".join(parts).replace("\r\n", "\n")
    text = str(body.get("body") or "")
    return to_markdown(html_tree(text).body, BASE) if "<" in text else text.replace("\r\n", "\n")


def parse_problem(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    code, problem_code = params["code"], params["problem_code"]
    body = _ok(page)
    if "problem_code" not in body:
        raise ParseError(page.url, "no 'problem_code' in the problem")
    limit = body.get("max_timelimit")
    rating = body.get("difficulty_rating")
    added = body.get("date_added")
    published = None
    if added:
        try:
            published = datetime.combine(datetime.strptime(str(added), "%d-%m-%Y").date(), datetime.min.time(), tzinfo=UTC)
        except ValueError:
            published = None
    tags = [str(t) for t in _items(body.get("tags")) if str(t) != str(body.get("problem_author"))]
    statement = _statement(body)
    problem = Problem(
        site=Site.codechef,
        contest_id=code,
        index=problem_code,
        problem_id=problem_code,
        name=body.get("problem_name"),
        statement=statement,
        statement_html=str(body.get("body")) if body.get("body") else None,
        statement_format="markdown" if isinstance(body.get("problemComponents"), dict) else "html",
        statement_language="en",
        time_limit_ms=round(float(limit) * 1000) if limit not in (None, "") else None,
        # CodeChef's problems run with 256 MB unless said otherwise; the API does not say.
        memory_limit_bytes=None,
        interactive="interactive problem" in statement.lower(),
        difficulty=float(rating) if rating not in (None, "", -1, "-1") else None,
        category=body.get("category_name"),
        tags=tags,
        published_at=published,
        url=f"{BASE}/{code}/problems/{problem_code}",
    )
    tests = [
        Test(site=Site.codechef, contest_id=code, index=problem_code, kind=TestKind.public, ordinal=n, input=i, output=o)
        for n, (i, o) in enumerate(_samples(body))
    ]
    follow = []
    if context.options.max_status_pages > 0 and context.options.extra.get("cookies"):
        follow.append(Request(_submissions_url(code, problem_code, 0), "submissions", priority=3))
    return Parsed(entities=[problem, *tests], follow=follow)


def _submissions_url(code: str, problem_code: str, page: int) -> str:
    return f"{BASE}/api/submissions/{code}/{problem_code}?limit=20&page={page}"


def parse_submissions(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    code, problem_code = params["code"], params["problem_code"]
    body = _ok(page)
    rows = body.get("data")
    if isinstance(rows, dict):
        rows = rows.get("content") or rows.get("submissions")
    if not isinstance(rows, list):
        raise ParseError(page.url, "no list of submissions in 'data'")
    parsed = Parsed()
    for row in rows:
        if not isinstance(row, dict) or "id" not in row:
            raise ParseError(page.url, "a submission without 'id'")
        verdict = row.get("result_code") or row.get("result") or row.get("status")
        score = row.get("score")
        parsed.entities.append(
            Submission(
                site=Site.codechef,
                submission_id=str(row["id"]),
                contest_id=code,
                index=problem_code,
                problem_id=problem_code,
                language_raw=row.get("language"),
                verdict_raw=f"{verdict} ({score})"
                if verdict and score not in (None, "") and str(verdict).lower() == "accepted"
                else verdict,
                created_at=_ist(row.get("date")),
                time_ms=round(float(row["time"]) * 1000) if _is_number(row.get("time")) else None,
                memory_bytes=round(float(str(row["memory"]).rstrip("M")) * 1024 * 1024)
                if _is_number(str(row.get("memory", "")).rstrip("M"))
                else None,
            )
        )
    number = int(parse_qs(urlsplit(page.url).query).get("page", ["0"])[0])
    if len(rows) >= 20 and number + 1 < context.options.max_status_pages:
        parsed.follow.append(Request(_submissions_url(code, problem_code, number + 1), "submissions", priority=3))
    return parsed


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def parse_source(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    body = _ok(page)
    data: dict[str, Any] = body["data"] if isinstance(body.get("data"), dict) else {}
    code = data.get("code")
    if not isinstance(code, str):
        raise ParseError(page.url, "no 'data.code' (viewing others' code may need a login)")
    contest_id, index = context.problem_key(page.url, "a submission's code")
    language: dict[str, Any] = data["language"] if isinstance(data.get("language"), dict) else {}
    return Parsed(
        entities=[
            Submission(
                site=Site.codechef,
                submission_id=params["submission_id"],
                contest_id=contest_id,
                index=index,
                source_code=code.replace("\r\n", "\n"),
                language_raw=language.get("short_name"),
            )
        ]
    )


class CodeChef(SiteScraper):
    site = Site.codechef
    hosts = ("www.codechef.com", "codechef.com")
    routes = (
        Route.of("contest_list", r"/api/list/contests/all(?:\?.*)?"),
        Route.of("contest", r"/api/contests/(?P<code>[A-Za-z0-9_]+)"),
        Route.of("problem", r"/api/contests/(?P<code>[A-Za-z0-9_]+)/problems/(?P<problem_code>[A-Za-z0-9_]+)"),
        Route.of("submissions", r"/api/submissions/(?P<code>[A-Za-z0-9_]+)/(?P<problem_code>[A-Za-z0-9_]+)(?:\?.*)?"),
        Route.of("source", r"/api/submission-code/(?P<submission_id>\d+)"),
    )
    examples = (
        ("https://www.codechef.com/api/list/contests/all?sort_by=START&sorting_order=desc&offset=0&mode=all", "contest_list"),
        ("https://www.codechef.com/api/contests/START154", "contest"),
        ("https://www.codechef.com/api/contests/PRACTICE/problems/NUMCOMP1", "problem"),
        ("https://www.codechef.com/api/submissions/START154A/SOLVE?limit=20&page=0", "submissions"),
        ("https://www.codechef.com/api/submission-code/1234567", "source"),
    )
    rate_rules = (RateRule("codechef.com", "/", interval=1.0),)  # clist: at most 1 request a second
    rate_limit_pause = 60.0  # and back off a minute after a 429
    login_hint = "pass your logged-in session with --cookie NAME=VALUE and --csrf-token TOKEN"

    def parsers(self) -> dict[str, Parser]:
        return {
            "contest_list": parse_contest_list,
            "contest": parse_contest,
            "problem": parse_problem,
            "submissions": parse_submissions,
            "source": parse_source,
        }

    def seeds(self, options: ScrapeOptions) -> list[Request]:
        if options.contests:
            return [Request(contest_url(c), "contest", priority=0) for c in options.contests]
        return [Request(_list_url(0), "contest_list", priority=0)]

    def wire(self, url: str, options: ScrapeOptions) -> WireRequest:
        token = options.extra.get("csrf_token")
        if token and "/api/submissions/" in url:
            return WireRequest(url, headers={"x-csrf-token": str(token)})
        return super().wire(url, options)

    def submission_request(self, submission: Submission, options: ScrapeOptions) -> Request | None:
        return Request(
            f"{BASE}/api/submission-code/{submission.submission_id}",
            "source",
            priority=6,
            meta={"contest_id": submission.contest_id, "index": submission.index},
        )
