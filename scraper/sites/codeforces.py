"""Codeforces: the official API for metadata, verdicts and hacks; HTML for statements, samples and source code.

Flow for one contest (reference: sites.md section 1):
  contest.standings (contest + problems with rating, tags, points); in a full crawl, one problemset.problems call
  gives the problems of every contest at once, and only Gym contests need their standings
    -> /contest/{id}/problems (every statement on one page; single problem pages as the fallback)
    -> contest.status pages (submissions with verdicts) -> submission pages (source code, chosen by the crawl)
    -> contest.hacks (hack inputs as private tests, output unknown)
Without ``--contest``, contest.list gives every contest, and those finished since ``--since`` are followed.

Confirmed by real recordings (``../shared/real-pages/codeforces``): the whole-contest problem pages
(``contest_1368_problems_page_2020.html``, ``contest_1715_problems_page_2022_browser_dom.html``), statement
fragments (``fragments/*``: 2016 ``<br>`` samples, 2024 DOM), and the API bodies in ``api_vcr/`` from 2015:
``contest.list``, ``contest.standings``, ``contest.status`` (and ``problemset.recentStatus``/``user.status``, the same
Submission objects), ``contest.hacks`` (hacks made with a generator send a banner with the generator's source
instead of the input) and ``problemset.problems``. Those bodies predate ``rating``; the competitive-companion goldens
confirm limits and samples of single problem pages. Still assumed: single problem pages and submission (source)
pages as served today, Gym, and the fields added since 2015.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborNode

from cpdata.schema import Contest, Problem, Site, Submission, Test, TestKind, TestOrigin
from cpdata.scraper.base import (
    Page,
    ParseContext,
    Parsed,
    ParseError,
    Parser,
    RateLimited,
    RateRule,
    Request,
    Route,
    ScrapeOptions,
    SiteBlocked,
    SiteScraper,
    record_name,
)
from cpdata.scraper.extract import (
    block_text,
    collapse_ws,
    html_tree,
    normalize_sample,
    parse_duration_ms,
    parse_memory_bytes,
    to_markdown,
)

__all__ = ["Codeforces"]

BASE = "https://codeforces.com"
_MATH = ("$$$", "$$$")  # MathJax config on every statement page: inline $$$...$$$, display $$$$$$...$$$$$$
GYM_FIRST_ID = 100000  # contest ids >= 100000 are Gym (oj-api CodeforcesContest)
_HACK_INPUT_VERDICTS = {"HACK_SUCCESSFUL", "HACK_UNSUCCESSFUL"}  # others: invalid input, generator trouble, ignored


def _section(contest_id: str) -> str:
    return "gym" if int(contest_id) >= GYM_FIRST_ID else "contest"


def standings_url(contest_id: str) -> str:
    return f"{BASE}/api/contest.standings?contestId={contest_id}&from=1&count=1"


def status_url(contest_id: str, start: int, count: int) -> str:
    return f"{BASE}/api/contest.status?contestId={contest_id}&from={start}&count={count}"


PROBLEMSET_URL = f"{BASE}/api/problemset.problems"


def hacks_url(contest_id: str) -> str:
    return f"{BASE}/api/contest.hacks?contestId={contest_id}"


def problems_page_url(contest_id: str) -> str:
    return f"{BASE}/{_section(contest_id)}/{contest_id}/problems?locale=en"


def problem_page_url(contest_id: str, index: str) -> str:
    return f"{BASE}/{_section(contest_id)}/{contest_id}/problem/{index}?locale=en"


def contest_page_url(contest_id: str) -> str:
    return f"{BASE}/{_section(contest_id)}/{contest_id}?locale=en"


def submission_url(contest_id: str, submission_id: str) -> str:
    return f"{BASE}/{_section(contest_id)}/{contest_id}/submission/{submission_id}"


# ---- API ---------------------------------------------------------------------------------------------------


def _api_list(page: Page) -> list[Any]:
    """A ``result`` that must be a list (contests, submissions, hacks): another shape is a page that did not parse."""
    result = _api_result(page)
    if not isinstance(result, list):
        raise ParseError(page.url, f"API result is a {type(result).__name__}, not a list")
    return result


def _api_result(page: Page) -> Any:
    """The ``result`` of an API answer; a FAILED answer is an error, except the rate limit, which is retried."""
    try:
        body = json.loads(page.body)
    except ValueError as exc:
        raise ParseError(page.url, f"API answer is not JSON ({exc})") from exc
    if not isinstance(body, dict) or "status" not in body:
        raise ParseError(page.url, "API answer has no 'status'")
    if body["status"] != "OK":
        comment = str(body.get("comment", "no comment"))
        raise ParseError(page.url, f"API answered FAILED: {comment}")
    if "result" not in body:
        raise ParseError(page.url, "API answer has no 'result'")
    return body["result"]


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _known(value: Any) -> Any:
    """A sentinel (-1, "", "NA") is an unknown, not a negative time or memory."""
    return None if value in (-1, "", "NA", None) else value


def _epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value is not None else None


def _contest(data: dict[str, Any]) -> Contest:
    contest_id = str(data["id"])
    return Contest(
        site=Site.codeforces,
        contest_id=contest_id,
        name=data.get("name"),
        start_time=_epoch(data.get("startTimeSeconds")),
        duration_seconds=data.get("durationSeconds"),
        url=f"{BASE}/{_section(contest_id)}/{contest_id}",
        kind=data.get("type"),
    )


def _problem_from_api(data: dict[str, Any], contest_id: str) -> Problem:
    index = str(data["index"])
    return Problem(
        site=Site.codeforces,
        contest_id=contest_id,
        index=index,
        problem_id=f"{contest_id}{index}",
        name=data.get("name"),
        rating=data.get("rating"),
        tags=list(data.get("tags") or []),
        points=data.get("points"),
        url=f"{BASE}/{_section(contest_id)}/{contest_id}/problem/{index}",
    )


def parse_contest_list(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """Every contest; those finished since ``--since`` are crawled. Their problems (rating, tags, points) come from
    one ``problemset.problems`` call instead of one ``contest.standings`` call per contest; Gym contests, which the
    problemset does not hold, still go through their standings."""
    parsed = Parsed()
    options = context.options
    chosen: list[str] = []
    for number, item in enumerate(_api_list(page)):
        with parsed.record(page.url, record_name(item, "id", number)):
            contest = _contest(item)
            parsed.entities.append(contest)
            finished = item.get("phase") == "FINISHED"
            recent = options.since is None or (contest.start_time is not None and contest.start_time.date() >= options.since)
            if finished and recent and not options.contests:
                chosen.append(contest.contest_id)
    gym = [c for c in chosen if int(c) >= GYM_FIRST_ID]
    parsed.follow += [Request(standings_url(c), "api_standings", priority=1) for c in gym]
    if len(chosen) > len(gym):
        wanted = [c for c in chosen if int(c) < GYM_FIRST_ID]
        parsed.follow.append(Request(PROBLEMSET_URL, "api_problemset", priority=1, meta={"contests": wanted}))
    return parsed


def _contest_follow(contest_id: str, indices: list[str], options: ScrapeOptions) -> list[Request]:
    """What a contest's crawl reads once its problems are known: the statements, the status pages, the hacks."""
    follow = [Request(problems_page_url(contest_id), "contest_problems", priority=2, meta={"indices": indices})]
    if options.max_status_pages > 0:
        follow.append(Request(status_url(contest_id, 1, options.status_page_size), "api_status", priority=3))
    follow.append(Request(hacks_url(contest_id), "api_hacks", priority=4))
    return follow


def parse_standings(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    result = _api_result(page)
    if not isinstance(result, dict) or "contest" not in result or "problems" not in result:
        raise ParseError(page.url, "contest.standings result lacks 'contest' or 'problems'")
    contest = _contest(result["contest"])
    cid = contest.contest_id
    problems = [_problem_from_api(p, cid) for p in result["problems"]]
    follow = _contest_follow(cid, [p.index for p in problems], context.options)
    return Parsed(entities=[contest, *problems], follow=follow)


def parse_problemset(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """``problemset.problems``: every problem of the problemset with its rating, tags and points in one answer.
    Reached from the contest list, it keeps the problems of the contests being crawled (``meta["contests"]``) and
    follows each one's statements, status and hacks; a contest it does not list goes through its standings. Parsed
    alone (``cpdata parse``), it keeps every problem."""
    result = _api_result(page)
    if not isinstance(result, dict) or not isinstance(result.get("problems"), list):
        raise ParseError(page.url, "problemset.problems result lacks 'problems'")
    wanted = context.meta.get("contests")
    keep = None if wanted is None else {str(c) for c in wanted}
    parsed = Parsed()
    indices: dict[str, list[str]] = {}
    for number, item in enumerate(result["problems"]):
        with parsed.record(page.url, f"problems[{number}]"):
            contest_id = str(item["contestId"])
            if keep is not None and contest_id not in keep:
                continue
            problem = _problem_from_api(item, contest_id)
            parsed.entities.append(problem)
            indices.setdefault(contest_id, []).append(problem.index)
    for contest_id in [str(c) for c in wanted or []]:
        if contest_id in indices:
            parsed.follow += _contest_follow(contest_id, indices[contest_id], context.options)
        else:
            parsed.follow.append(Request(standings_url(contest_id), "api_standings", priority=1))
    return parsed


def parse_status(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    result = _api_list(page)
    query = _query(page.url)
    contest_id = query.get("contestId")
    parsed = Parsed()
    for number, item in enumerate(result):
        record = record_name(item, "id", number)
        with parsed.record(page.url, record):
            problem = item.get("problem") or {}
            cid = str(item.get("contestId") or problem.get("contestId") or contest_id or "")
            if not cid or "index" not in problem or "id" not in item:
                raise ValueError("a submission lacks its id, contestId or problem index")
            parsed.entities.append(
                Submission(
                    site=Site.codeforces,
                    submission_id=str(item["id"]),
                    contest_id=cid,
                    index=str(problem["index"]),
                    problem_id=f"{cid}{problem['index']}",
                    language_raw=item.get("programmingLanguage"),
                    verdict_raw=item.get("verdict"),
                    created_at=_epoch(item.get("creationTimeSeconds")),
                    time_ms=_known(item.get("timeConsumedMillis")),
                    memory_bytes=_known(item.get("memoryConsumedBytes")),
                    passed_tests=item.get("passedTestCount"),
                    score=item.get("points"),
                )
            )
    start, count = int(query.get("from", "1")), int(query.get("count", "0") or 0)
    page_number = (start - 1) // count + 1 if count else 1
    if contest_id and count and len(result) >= count and page_number < context.options.max_status_pages:
        parsed.follow.append(Request(status_url(contest_id, start + count, count), "api_status", priority=3))
    return parsed


_GENERATOR_BANNER = "*** The hack uses generator ***"


def _generated_hack(text: str) -> tuple[str | None, str | None] | None:
    """(generator source, arguments) when a hack's ``test`` is the banner Codeforces shows for a hack made with a
    generator (banner, "** Command line arguments **", a shortened "** Generated test **", "** Generator source
    **"); None for a plain input. The excerpt of the generated test is cut short ("..."): never an input."""
    if _GENERATOR_BANNER not in text[:200]:
        return None
    sections: dict[str, str] = {}
    for found in re.finditer(r"^\*\* (.+?) \*\*\n(.*?)(?=^\*\* .+? \*\*\n|\Z)", text, flags=re.M | re.S):
        sections[found.group(1).strip().lower()] = found.group(2).replace("\r\n", "\n").strip("\n")
    arguments = sections.get("command line arguments", "").strip()
    source = sections.get("generator source")
    return (source + "\n" if source else None), (None if arguments in ("", "no arguments") else arguments)


def parse_hacks(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """Hack inputs as private tests (output unknown until correct solutions agree on it). A problem's hacks often
    repeat one input (one real contest: 475 hacks on a problem, far fewer distinct inputs): each input is kept once,
    under its first hack. Hacks made with a generator keep the generator, not its banner, and no input."""
    parsed = Parsed()
    seen: set[tuple[str, str, str | None, str | None]] = set()
    for number, hack in enumerate(sorted(_api_list(page), key=lambda h: (h.get("id") or 0) if isinstance(h, dict) else 0)):
        problem = hack.get("problem") or {}
        test = hack.get("test")  # absent when the test is too large to show
        if hack.get("verdict") not in _HACK_INPUT_VERDICTS or not isinstance(test, str):
            continue
        with parsed.record(page.url, str(hack.get("id", f"[{number}]"))):
            contest_id = str(problem.get("contestId") or _query(page.url)["contestId"])
            generated = _generated_hack(test)
            text = None if generated is not None else test.replace("\r\n", "\n").replace("\r", "\n")  # LF, as judges do
            source, arguments = generated if generated is not None else (None, None)
            identity = (contest_id, str(problem["index"]), text, source if arguments is None else f"{source}\0{arguments}")
            if identity in seen:
                continue
            seen.add(identity)
            parsed.entities.append(
                Test(
                    site=Site.codeforces,
                    contest_id=contest_id,
                    index=str(problem["index"]),
                    kind=TestKind.private,
                    ordinal=int(hack["id"]),
                    input=text,
                    output=None,
                    origin=TestOrigin.hack,
                    generator=source,
                    generator_args=arguments,
                )
            )
    return parsed


# ---- HTML --------------------------------------------------------------------------------------------------

_SECTION_CLASSES = {
    "input-specification": "Input",
    "output-specification": "Output",
    "interaction-specification": "Interaction",
    "note": "Note",
}
_INTERACTION_TITLES = {"interaction", "протокол взаимодействия"}
_STANDARD_IO = {"standard input", "standard output", "стандартный ввод", "стандартный вывод"}


def _last_text(node: LexborNode | None) -> str:
    """The value after a property title: '2 seconds' in <div class=time-limit><div>time limit</div>2 seconds</div>."""
    if node is None:
        return ""
    title = node.css_first(".property-title")
    text = node.text(deep=True) or ""
    if title is not None:
        text = text.replace(title.text(deep=True) or "", "", 1)
    return collapse_ws(text)


def _samples(statement: LexborNode, contest_id: str, index: str) -> list[Test]:
    inputs: list[str] = []
    outputs: list[str] = []
    for block in statement.css(".sample-test"):
        # several samples may share one block: pair the n-th input with the n-th output
        inputs += [normalize_sample(block_text(pre)) for pre in block.css(".input pre")]
        outputs += [normalize_sample(block_text(pre)) for pre in block.css(".output pre")]
    return [
        Test(site=Site.codeforces, contest_id=contest_id, index=index, kind=TestKind.public, ordinal=n, input=i, output=o)
        for n, (i, o) in enumerate(zip(inputs, outputs, strict=False))
    ]


def _statement_parts(statement: LexborNode, url: str) -> tuple[str, str, bool]:
    """(markdown, sectioned html, interactive) of a div.problem-statement."""
    markdown: list[str] = []
    html: list[str] = []
    interactive = False
    for child in statement.iter():
        classes = set((child.attributes.get("class") or "").split())
        if "header" in classes:
            continue
        title_node = child.css_first(".section-title")
        title = collapse_ws(title_node.text(deep=True) or "") if title_node is not None else ""
        if title.lower() in _INTERACTION_TITLES or "interaction-specification" in classes:
            interactive = True
        name = next((label for css, label in _SECTION_CLASSES.items() if css in classes), None)
        if "sample-tests" in classes:
            name = "Examples"
        elif name is None:
            name = title or "Legend"
        if title_node is not None:
            title_node.decompose()
        if "sample-tests" in classes:
            samples = []
            for block in child.css(".sample-test"):
                for side in block.iter():
                    label = "Input" if "input" in (side.attributes.get("class") or "") else "Output"
                    for pre in side.css("pre"):
                        samples.append(f"### {label}\n\n```\n{normalize_sample(block_text(pre))}```")
            body = "\n\n".join(samples)
        else:
            body = to_markdown(child, url, _MATH)
        if body:
            markdown.append(body if name == "Legend" else f"## {name}\n\n{body}")
        html.append(f'<section data-section="{name.lower()}">{child.html}</section>')
    return "\n\n".join(markdown), "\n".join(html), interactive


# A browser-saved page (contest 1715, 2022) carries MathJax's rendering of every formula beside its TeX (kept in a
# math/tex script): nine tenths of the statement's HTML. It is dropped before the statement is read or kept as HTML.
_RENDERED = ".MathJax, .MathJax_Preview, .MathJax_Display, .input-output-copier"


def _parse_statement(statement: LexborNode, url: str, contest_id: str, index: str | None) -> tuple[Problem, list[Test]]:
    for rendered in statement.css(_RENDERED):
        rendered.decompose()
    header = statement.css_first(".header")
    if header is None:
        raise ParseError(url, "div.problem-statement has no div.header")
    title_node = header.css_first(".title")
    title = collapse_ws(title_node.text(deep=True) or "" if title_node is not None else "")
    found = re.match(r"^(?:Problem\s+)?([A-Z][0-9]?)\.\s*(.*)$", title)
    index = index or (found.group(1) if found else None)
    if not index:
        raise ParseError(url, f"no problem index in the title {title!r}")
    name = found.group(2) if found else title
    time_text, memory_text = _last_text(header.css_first(".time-limit")), _last_text(header.css_first(".memory-limit"))
    time_limit, memory_limit = parse_duration_ms(time_text), parse_memory_bytes(memory_text)
    if time_limit is None or memory_limit is None:
        raise ParseError(url, f"problem {index}: no time or memory limit in the header ({time_text!r}, {memory_text!r})")
    input_file, output_file = _last_text(header.css_first(".input-file")), _last_text(header.css_first(".output-file"))
    tests = _samples(statement, contest_id, index)
    markdown, sections, interactive = _statement_parts(statement, url)
    problem = Problem(
        site=Site.codeforces,
        contest_id=contest_id,
        index=index,
        problem_id=f"{contest_id}{index}",
        name=name or None,
        statement=markdown,
        statement_html=sections,
        statement_format="html",
        statement_language="en",
        time_limit_ms=time_limit,
        memory_limit_bytes=memory_limit,
        input_file=None if input_file.lower() in _STANDARD_IO or not input_file else input_file,
        output_file=None if output_file.lower() in _STANDARD_IO or not output_file else output_file,
        interactive=interactive,
        url=f"{BASE}/{_section(contest_id)}/{contest_id}/problem/{index}",
    )
    return problem, tests


def _pdf_problem(contest_id: str, index: str) -> Problem:
    return Problem(
        site=Site.codeforces,
        contest_id=contest_id,
        index=index,
        problem_id=f"{contest_id}{index}",
        statement_format="pdf",
        url=f"{BASE}/{_section(contest_id)}/{contest_id}/problem/{index}",
    )


def parse_contest_problems(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """The whole-contest page: every statement of a contest in one request."""
    contest_id = params["contest_id"]
    tree = html_tree(page.body)
    parsed = Parsed()
    seen: set[str] = set()
    needs_contest_page = False
    for holder in tree.css("div.problemindexholder"):
        index = holder.attributes.get("problemindex")
        statement = holder.css_first("div.problem-statement")
        if not index:
            raise ParseError(page.url, "div.problemindexholder without a problemindex attribute")
        seen.add(index)
        if statement is None:
            if holder.css_first('embed[type="application/pdf"], object[type="application/pdf"], iframe') is not None:
                parsed.entities.append(_pdf_problem(contest_id, index))
                needs_contest_page = True
                continue
            raise ParseError(page.url, f"problem {index}: no div.problem-statement and no PDF")
        problem, tests = _parse_statement(statement, page.url, contest_id, index)
        parsed.entities += [problem, *tests]
    if not seen:
        raise ParseError(page.url, "no div.problemindexholder: not a whole-contest problems page")
    for index in context.meta.get("indices", []):
        if index not in seen:  # missing from the whole-contest page: fetch its own page
            parsed.follow.append(Request(problem_page_url(contest_id, index), "problem", priority=2))
    if needs_contest_page:
        parsed.follow.append(Request(contest_page_url(contest_id), "contest_page", priority=2))
    return parsed


def parse_problem(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id, index = params["contest_id"], params["index"].upper()
    if page.body[:5] == b"%PDF-" or "application/pdf" in page.content_type:
        return Parsed(entities=[_pdf_problem(contest_id, index)], follow=[Request(contest_page_url(contest_id), "contest_page")])
    statement = html_tree(page.body).css_first("div.problem-statement")
    if statement is None:
        raise ParseError(page.url, "no div.problem-statement")
    problem, tests = _parse_statement(statement, page.url, contest_id, index)
    return Parsed(entities=[problem, *tests])


_ROW_LIMITS = re.compile(r"(\d+(?:\.\d+)?)\s*s,\s*(\d+)\s*MB", re.I)


def parse_contest_page(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """The contest's own page: its problem table gives limits for problems whose statement is a PDF."""
    contest_id = params["contest_id"]
    rows = html_tree(page.body).css("table.problems tr")
    parsed = Parsed()
    for row in rows:
        cells = [c for c in row.iter() if c.tag == "td"]
        link = cells[0].css_first("a") if cells else None
        if link is None or len(cells) < 2:
            continue
        index = collapse_ws(link.text(deep=True) or "")
        limits = _ROW_LIMITS.search(collapse_ws(cells[1].text(deep=True) or ""))
        name_link = cells[1].css_first("a")
        parsed.entities.append(
            Problem(
                site=Site.codeforces,
                contest_id=contest_id,
                index=index,
                problem_id=f"{contest_id}{index}",
                name=collapse_ws(name_link.text(deep=True) or "") if name_link is not None else None,
                time_limit_ms=round(float(limits.group(1)) * 1000) if limits else None,
                memory_limit_bytes=int(limits.group(2)) * 1024 * 1024 if limits else None,
            )
        )
    if not parsed.entities:
        raise ParseError(page.url, "no rows in table.problems")
    return parsed


def parse_submission(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    tree = html_tree(page.body)
    source = tree.css_first("pre#program-source-text")
    if source is None:
        raise ParseError(page.url, "no pre#program-source-text (source code hidden, or not a submission page)")
    index = context.meta.get("index")
    for link in tree.css('.datatable a[href*="/problem/"], table a[href*="/problem/"]'):
        found = re.search(r"/problem/([A-Za-z0-9]+)", link.attributes.get("href") or "")
        if found:
            index = found.group(1)
            break
    if not index:
        raise ParseError(page.url, "no problem link on the page and no problem index known for this submission")
    code = (source.text(deep=True) or "").replace("\r\n", "\n")
    submission = Submission(
        site=Site.codeforces,
        submission_id=params["submission_id"],
        contest_id=params["contest_id"],
        index=index,
        source_code=code,
    )
    return Parsed(entities=[submission])


class Codeforces(SiteScraper):
    site = Site.codeforces
    hosts = ("codeforces.com", "www.codeforces.com", "m1.codeforces.com", "m2.codeforces.com", "m3.codeforces.com", "codeforc.es")
    routes = (
        Route.of("api_contest_list", r"/api/contest\.list(?:\?.*)?"),
        Route.of("api_standings", r"/api/contest\.standings\?.*"),
        Route.of("api_problemset", r"/api/problemset\.problems(?:\?.*)?"),
        Route.of("api_status", r"/api/contest\.status\?.*"),
        Route.of("api_hacks", r"/api/contest\.hacks\?.*"),
        Route.of("contest_problems", r"/(?:contest|gym)/(?P<contest_id>\d+)/problems(?:\?.*)?"),
        Route.of("problem", r"/(?:contest|gym)/(?P<contest_id>\d+)/problem/(?P<index>[A-Za-z][0-9]?)(?:\?.*)?"),
        Route.of("problem", r"/problemset/problem/(?P<contest_id>\d+)/(?P<index>[A-Za-z][0-9]?)(?:\?.*)?"),
        Route.of("submission", r"/(?:contest|gym)/(?P<contest_id>\d+)/submission/(?P<submission_id>\d+)(?:\?.*)?"),
        Route.of("contest_page", r"/(?:contest|gym)/(?P<contest_id>\d+)/?(?:\?.*)?"),
    )
    examples = (
        ("https://codeforces.com/api/contest.list?gym=false", "api_contest_list"),
        ("https://codeforces.com/api/contest.standings?contestId=1368&from=1&count=1", "api_standings"),
        ("https://codeforces.com/api/contest.status?contestId=1368&from=1&count=1000", "api_status"),
        ("https://codeforces.com/api/contest.hacks?contestId=374", "api_hacks"),
        ("https://codeforces.com/api/problemset.problems", "api_problemset"),
        ("https://codeforces.com/contest/1368/problems", "contest_problems"),
        ("https://codeforces.com/gym/100524/problems?locale=en", "contest_problems"),
        ("https://codeforces.com/contest/1368/problem/F2?locale=en", "problem"),
        ("https://codeforces.com/problemset/problem/118/A", "problem"),
        ("https://m1.codeforces.com/contest/1368/submission/84000001", "submission"),
        ("https://codeforces.com/contest/1368", "contest_page"),
    )
    # The API asks for at most one call per 2 seconds; HTML pages get 1 per second by default (--html-interval).
    rate_rules = (
        RateRule("codeforces.com", "/api/", interval=2.0, concurrency=1),
        RateRule("codeforces.com", "/", interval=1.0, concurrency=2),
    )

    def parsers(self) -> dict[str, Parser]:
        return {
            "api_contest_list": parse_contest_list,
            "api_standings": parse_standings,
            "api_status": parse_status,
            "api_hacks": parse_hacks,
            "api_problemset": parse_problemset,
            "contest_problems": parse_contest_problems,
            "problem": parse_problem,
            "contest_page": parse_contest_page,
            "submission": parse_submission,
        }

    def seeds(self, options: ScrapeOptions) -> list[Request]:
        if options.contests:
            return [Request(standings_url(c), "api_standings", priority=1) for c in options.contests]
        return [Request(f"{BASE}/api/contest.list?gym={'true' if options.gym else 'false'}", "api_contest_list", priority=0)]

    def check(self, page: Page) -> None:
        path = urlsplit(page.url).path
        if path.startswith("/api/") and b"Call limit exceeded" in page.body[:500]:
            raise RateLimited(f"{page.url}: Codeforces API: Call limit exceeded")
        final = urlsplit(page.headers.get("x-final-url", page.url)).path
        if not path.startswith("/api/") and (final.startswith("/enter") or b'id="enterForm"' in page.body):
            raise SiteBlocked(
                "codeforces",
                page.url,
                "the page asks to log in (gym and other users' submissions can be login-only)",
                f"Log in with a browser and {self.login_hint} (e.g. --cookie JSESSIONID=...).",
            )

    def submission_request(self, submission: Submission, options: ScrapeOptions) -> Request | None:
        return Request(
            submission_url(submission.contest_id, submission.submission_id),
            "submission",
            priority=6,
            meta={"index": submission.index},
        )
