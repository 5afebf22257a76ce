"""CodeChef: its JSON API for contests (with division child contests), problems and submissions.

The site itself is a React app with hashed class names, so only the API is used (reference: sites.md section 4).
A problem's key is (contest code, problem code). Statements are Markdown with ``$...$`` already (older ones are
HTML). Submissions need the CSRF token and cookies of a logged-in browser (``--csrf-token``, ``--cookie``).
CodeChef answers 429 when pushed: the fetcher then holds off the whole host for 60 s, rather than retry in a loop.
Confirmed by real answers (``../shared/real-pages/codechef``): ``problem_api_PRACTICE_FCTRL2.json`` (2017: HTML body,
"Sample input:" + ``<pre>``), ``problem_api_PRACTICE_PALIN.json`` (2022: an HTML statement inside
``problemComponents``, empty ``sampleTestCases``, samples as ``<tt><b>Input:</b></tt><br>`` lines, a decimal
``max_timelimit``, ``problem_difficulty_level``), ``problem_api_PRACTICE_ADANTS.json`` (2022 Markdown with ``### Example
Input`` fences), and two re-encoded objects (``*_frontmatter.md``). In all of them ``tags`` is an HTML string of links
(with the author and the contest among them) and ``difficulty_rating`` is absent. Still assumed (no raw answer
here): the contest list, the contest answer (``time.start``/``time.end`` in epoch seconds, ``duration`` in minutes,
unscored problems marked by ``category_name``), submission lists and submission code.
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
    record_name,
)
from cpdata.scraper.extract import collapse_ws, html_tree, json_body, normalize_sample, to_markdown

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
    for number, item in enumerate(_items(body.get("past_contests")) + _items(body.get("present_contests"))):
        with parsed.record(page.url, record_name(item, "contest_code", number)):
            if not isinstance(item, dict) or "contest_code" not in item:
                raise ValueError("a contest without 'contest_code'")
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
    times: dict[str, Any] = body["time"] if isinstance(body.get("time"), dict) else {}
    # ISO fields (the contest list), IST strings (old answers), or "time": {"start", "end"} in epoch seconds, which
    # is what the contest API sends (issue 13; no raw contest answer is recorded here)
    start = _iso(body.get("contest_start_date_iso")) or _ist(body.get("start_date")) or _epoch(times.get("start"))
    end = _iso(body.get("contest_end_date_iso")) or _ist(body.get("end_date")) or _epoch(times.get("end"))
    minutes = body.get("duration")
    parsed = Parsed(
        entities=[
            Contest(
                site=Site.codechef,
                contest_id=code,
                name=body.get("name"),
                start_time=start,
                duration_seconds=int((end - start).total_seconds())
                if start and end
                else (int(float(str(minutes)) * 60) if _is_number(minutes) and float(str(minutes)) > 0 else None),
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
    for problem_code in _own_problems(body.get("problems"), code):
        parsed.follow.append(Request(f"{BASE}/api/contests/{code}/problems/{problem_code}", "problem", priority=2))
    return parsed


def _own_problems(problems: Any, code: str) -> list[str]:
    """The codes of this contest's problems. The list also carries other divisions' unscored practice problems:
    entries whose ``category_name`` is "unscored", or that name another contest, are not filed under this one."""
    entries = list(problems.items()) if isinstance(problems, dict) else [(None, p) for p in problems or []]
    own = []
    for key, entry in entries:
        if isinstance(entry, dict):
            problem_code = entry.get("code") or key
            category = str(entry.get("category_name") or "").lower()
            other = entry.get("contest_code") not in (None, "", code)
            if problem_code and category != "unscored" and not other:
                own.append(str(problem_code))
        elif key is not None:
            own.append(str(key))
    return own


def _epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(float(value)), tz=UTC) if _is_number(value) and float(value) > 0 else None


def _ist(value: Any) -> datetime | None:
    """'2021-08-06 15:00:00' in India time, as CodeChef prints it."""
    if not value:
        return None
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) - _IST
    except ValueError:
        return None


# Sample layouts found in real answers when ``sampleTestCases`` is empty (2017-2022):
_MD_SAMPLE = re.compile(  # Markdown: "### Example Input" / "### Sample Input 1", a fenced block each
    r"#+\s*(?:Example|Sample)\s+Input[^\n]*\n+```[^\n]*\n(.*?)```.*?#+\s*(?:Example|Sample)\s+Output[^\n]*\n+```[^\n]*\n(.*?)```",
    re.S | re.I,
)
_TAG_B = r"<(?:b|strong)>\s*"
_END_B = r"\s*</(?:b|strong)>"
_HTML_SAMPLES = (
    # <pre><b>Input:</b> ... <b>Output:</b> ...</pre> (input and output in one pre), also <strong>
    re.compile(
        _TAG_B + r"(?:Sample\s+)?Input:?" + _END_B + r"(.*?)" + _TAG_B + r"(?:Sample\s+)?Output:?" + _END_B
        + r"(.*?)(?:</pre>|<(?:b|strong)>|</p>|<h\d)",
        re.S | re.I,
    ),
    # "Sample input:" + <pre>, "Sample output:" + <pre>
    re.compile(
        r"Sample\s+input:?\s*(?:</?\w+[^>]*>\s*)*<pre>(.*?)</pre>.*?Sample\s+output:?\s*(?:</?\w+[^>]*>\s*)*<pre>(.*?)</pre>",
        re.S | re.I,
    ),
    # <tt><b>Input:</b></tt><br> lines with <br> ... <tt><b>Output:</b></tt><br>
    re.compile(
        r"<tt>\s*<b>\s*Input:?\s*</b>\s*</tt>(.*?)<tt>\s*<b>\s*Output:?\s*</b>\s*</tt>(.*?)(?:</p>|<b>|<h\d|$)", re.S | re.I
    ),
)  # fmt: skip


def _html_text(fragment: str) -> str:
    """The text of an HTML fragment with ``<br>`` as a line end (old samples put one line per ``<br>``)."""
    fragment = re.sub(r"<br\s*/?>\s*\r?\n?", "\n", fragment, flags=re.I)
    return normalize_sample((html_tree(f"<pre>{fragment}</pre>").text() or "").lstrip("\r\n"))


def _samples(body: dict[str, Any]) -> list[tuple[str, str]]:
    components = body.get("problemComponents") or {}
    cases = _items(components.get("sampleTestCases")) if isinstance(components, dict) else []
    samples = [
        (normalize_sample(str(c.get("input", ""))), normalize_sample(str(c.get("output", ""))))
        for c in cases
        if isinstance(c, dict) and not c.get("isDeleted")
    ]
    text = str(body.get("body") or (components.get("statement") if isinstance(components, dict) else "") or "")
    if samples or not text:
        return samples
    text = text.replace("\r\n", "\n")
    found = [(normalize_sample(i), normalize_sample(o)) for i, o in _MD_SAMPLE.findall(text)]
    for pattern in _HTML_SAMPLES:
        if found:
            break
        found = [(_html_text(i), _html_text(o)) for i, o in pattern.findall(text)]
    return [(i, o) for i, o in found if i.strip() and o.strip()]


def _is_html(text: str) -> bool:
    """Markdown or HTML? A real 2022 answer carries an HTML statement inside ``problemComponents``, so the field
    names say nothing: the text does. HTML has block tags (``<p>``, ``<h3>``, ``<pre>``, ...); a Markdown statement
    may hold a stray ``<br>`` or ``<img>`` but has Markdown headings or code fences, and is kept as it is."""
    markdown = re.search(r"^(?:#{1,6} |```)", text, flags=re.M) is not None
    blocks = re.search(r"<(?:p|div|h[1-6]|pre|tt|ul|ol|table)\b[^>]*>", text, flags=re.I) is not None
    return blocks and not markdown


def _statement(body: dict[str, Any]) -> tuple[str, bool]:
    """(Markdown statement, was the source HTML)."""
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
        text = "\n\n".join(parts).replace("\r\n", "\n")
    else:
        text = str(body.get("body") or "").replace("\r\n", "\n")
    if _is_html(text):
        return to_markdown(html_tree(text).body, BASE), True
    return text, False


_CONTEST_CODE = re.compile(r"[a-z]+\d{2,}[a-d]?")  # march20, cook82, ltime96, start154a


def _tags(value: Any, body: dict[str, Any]) -> list[str]:
    """Tags come as a list, a keyed object, or (every real answer) an HTML string of
    ``<a href='/tags/problems/x'>x</a>`` links. CodeChef files people and contests there too (real ADANTS: its author
    ``alei``, its tester, its contest ``march20``, and one topic, ``challenge``): those are not tags."""
    people = {collapse_ws(str(body.get(k) or "")).lower() for k in ("problem_author", "problem_tester")}
    contests = {str(body.get(k) or "").lower() for k in ("intended_contest_code", "contest_code")}
    if isinstance(value, str):
        names = [collapse_ws(a.text(deep=True) or "") for a in html_tree(value).css("a")]
        if not names and "<" not in value:
            names = [collapse_ws(t) for t in value.split(",")]
    else:
        names = [collapse_ws(str(t)) for t in _items(value)]
    return [t for t in names if t and t.lower() not in people | contests and not _CONTEST_CODE.fullmatch(t.lower())]


def _time_limit_ms(value: Any) -> int | None:
    """Seconds, as a number or a string; a range such as ``"2.13807 - 17.1046"`` (per-language limits) gives the
    lowest, the limit of the fastest languages (C, C++)."""
    numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", str(value))] if value not in (None, "") else []
    return round(min(numbers) * 1000) if numbers and min(numbers) > 0 else None


_NO_LEVEL = {"", "unavailable", "none", "null"}


def parse_problem(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """The problem API. One URL has served three answer shapes over the years: 2017 (body, tags, time limit), 2021-2022
    (with ``problemComponents``) and an ``old_version`` one with only a ``body`` and a ``title``."""
    code, problem_code = params["code"], params["problem_code"]
    body = _ok(page)
    if "problem_code" not in body and not body.get("body"):
        raise ParseError(page.url, "neither 'problem_code' nor a 'body': not a problem")
    if str(body.get("problem_code") or problem_code) != problem_code:
        raise ParseError(page.url, f"the answer is problem {body.get('problem_code')!r}, not {problem_code!r}")
    rating = body.get("difficulty_rating")
    added = body.get("date_added")
    published = None
    if added:
        try:
            published = datetime.combine(datetime.strptime(str(added), "%d-%m-%Y").date(), datetime.min.time(), tzinfo=UTC)
        except ValueError:
            published = None
    statement, was_html = _statement(body)
    level = str(body.get("problem_difficulty_level") or "").strip()
    problem = Problem(
        site=Site.codechef,
        contest_id=code,
        index=problem_code,
        problem_id=problem_code,
        name=body.get("problem_name") or body.get("title"),
        statement=statement,
        statement_html=str(body.get("body")) if body.get("body") and was_html else None,
        statement_format="html" if was_html else "markdown",
        statement_language="en",
        time_limit_ms=_time_limit_ms(body.get("max_timelimit")),
        # CodeChef's problems run with 256 MB unless said otherwise; the API does not say.
        memory_limit_bytes=None,
        interactive="interactive problem" in statement.lower(),
        difficulty=float(str(rating)) if _is_number(rating) and float(str(rating)) >= 0 else None,
        difficulty_label=level if level.lower() not in _NO_LEVEL else None,
        category=body.get("category_name"),
        tags=_tags(body.get("tags"), body) if "tags" in body else None,
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
    for number, row in enumerate(rows):
        with parsed.record(page.url, record_name(row, "id", number)):
            if not isinstance(row, dict) or "id" not in row:
                raise ValueError("a submission without 'id'")
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
