"""AtCoder, with AtCoder Problems (kenkoooo.com) for difficulty and AtCoder's Dropbox folder for hidden tests.

Flow (reference: sites.md section 2):
  archive pages (all, start in JST -> UTC, duration) + the permanent-contest table   | or --contest: contest page
    -> /contests/{c}/tasks (index, task id, name, limits)
       -> task pages (statement en + ja, score, samples, interactive flag)
       -> problem-models.json (difficulty; fetched once, parsed once per contest)
       -> submission lists (need a login cookie since 2023-04) -> submission pages (source code)
       -> Dropbox listings and files (hidden tests; with --dropbox-token)

Confirmed by real recordings (``../shared/real-pages/atcoder``): the task page (``abc307_c_task_page_2023-06_ja_guest.html``),
the task list (``abc107_tasks_list_2019_en.html``), the archive and permanent-contest pages (2021), submission lists
in the 2020 layout (``arc001_my_submissions_*``: numbered ``ul.pagination``) and the 2025 one
(``abc399_submissions_list_2025-04_ja.html``: ``ul.pager`` with only Prev/Next), and the login and home pages used to
recognise a login wall. Submission columns are read by their header text (English and Japanese). Still assumed: the
submission (source) page, the rejudge-rights layout (an extra leading column; the parser only relies on headers),
problem-models.json (AtCoder Problems' format) and the Dropbox API answers.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from selectolax.lexbor import LexborNode

from cpdata.schema import Contest, Problem, Site, Submission, Test, TestKind
from cpdata.scraper.base import (
    Page,
    ParseContext,
    Parsed,
    ParseError,
    Parser,
    RateRule,
    Reject,
    Request,
    Route,
    ScrapeOptions,
    SiteBlocked,
    SiteScraper,
    WireRequest,
    hidden_test_half,
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

__all__ = ["AtCoder"]

BASE = "https://atcoder.jp"
MODELS_URL = "https://kenkoooo.com/atcoder/resources/problem-models.json"
# AtCoder's official shared folder of test cases (older contests); listing it needs a Dropbox API token.
DROPBOX_SHARED = "https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa"
_JST = "+0900"

_SAMPLE_INPUT = re.compile(r"^(?:Sample Input|入力例)\s*(\d+)", re.I)
_SAMPLE_OUTPUT = re.compile(r"^(?:Sample Output|出力例)\s*(\d+)", re.I)
_INTERACTIVE = ("This is an interactive task", "This is a reactive problem", "インタラクティブな問題", "リアクティブ")
_SCORE = re.compile(r"(?:Score|配点)\s*[:：]\s*\$?\\?\(?\s*(\d+(?:\.\d+)?)")


def tasks_url(contest_id: str) -> str:
    return f"{BASE}/contests/{contest_id}/tasks?lang=en"


def submissions_url(contest_id: str, page: int) -> str:
    return f"{BASE}/contests/{contest_id}/submissions?orderBy=created&page={page}"


def _time(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S%z").astimezone(UTC)


def _duration(text: str) -> int | None:
    found = re.fullmatch(r"(\d+):(\d{2})", text.strip())
    return int(found.group(1)) * 3600 + int(found.group(2)) * 60 if found else None


def _kind(contest_id: str) -> str:
    prefix = re.match(r"[a-z]+", contest_id)
    return prefix.group(0) if prefix and prefix.group(0) in ("abc", "arc", "agc", "ahc") else "other"


def _page_number(url: str) -> int:
    return int(parse_qs(urlsplit(url).query).get("page", ["1"])[0])


def _last_page(tree: Any) -> int:
    numbers = [int(a.text(deep=True)) for a in tree.css("ul.pagination li a") if (a.text(deep=True) or "").strip().isdigit()]
    return max(numbers, default=1)


def _logged_out(page: Page, tree: Any) -> bool:
    final = urlsplit(page.headers.get("x-final-url", page.url)).path
    has_login_form = tree.css_first('input[name="username"]') is not None and tree.css_first('input[name="password"]') is not None
    return final.startswith("/login") or has_login_form


def _login_needed(page: Page) -> SiteBlocked:
    return SiteBlocked(
        "atcoder",
        page.url,
        "login needed: AtCoder shows submission lists only to logged-in users since 2023-04",
        "Log in with a browser and pass its session cookie with --cookie REVEL_SESSION=... (logins have a CAPTCHA, so "
        "cpdata never logs in for you).",
    )


# ---- contests --------------------------------------------------------------------------------------------


def parse_archive(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    tree = html_tree(page.body)
    rows = tree.css("table tbody tr")
    parsed = Parsed()
    options = context.options
    for row in rows:
        cells = [c for c in row.iter() if c.tag == "td"]
        when = row.css_first("time")
        link = row.css_first('a[href^="/contests/"]')
        if when is None or link is None or len(cells) < 3:
            continue
        contest_id = (link.attributes.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
        start = _time(when.text(deep=True) or "")
        parsed.entities.append(
            Contest(
                site=Site.atcoder,
                contest_id=contest_id,
                name=collapse_ws(link.text(deep=True) or ""),
                start_time=start,
                duration_seconds=_duration(cells[2].text(deep=True) or ""),
                url=f"{BASE}/contests/{contest_id}",
                kind=_kind(contest_id),
            )
        )
        if not options.contests and (options.since is None or start.date() >= options.since):
            parsed.follow.append(Request(tasks_url(contest_id), "tasks", priority=1))
    if not parsed.entities:
        if tree.css_first("table") is None:
            raise ParseError(page.url, "no contest table: not an archive page")
        return parsed  # a page past the last one: an empty table, nothing more to follow
    number = _page_number(page.url)
    if number < _last_page(tree):
        parsed.follow.append(Request(f"{BASE}/contests/archive?lang=ja&page={number + 1}", "archive", priority=0))
    return parsed


def parse_contests_top(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """The /contests/ page: only its permanent-contest table (no start time: such problems stay in train)."""
    table = html_tree(page.body).css_first("#contest-table-permanent")
    if table is None:
        raise ParseError(page.url, "no #contest-table-permanent")
    parsed = Parsed()
    for link in table.css('tbody a[href^="/contests/"]'):
        contest_id = (link.attributes.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
        parsed.entities.append(
            Contest(
                site=Site.atcoder,
                contest_id=contest_id,
                name=collapse_ws(link.text(deep=True) or ""),
                url=f"{BASE}/contests/{contest_id}",
                kind="permanent",
            )
        )
        if not context.options.contests and context.options.since is None:
            parsed.follow.append(Request(tasks_url(contest_id), "tasks", priority=1))
    return parsed


def parse_contest_page(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id = params["contest_id"]
    tree = html_tree(page.body)
    times = [t.text(deep=True) or "" for t in tree.css("small.contest-duration time")]
    title = tree.css_first(".contest-title") or tree.css_first("h1")
    if title is None:
        raise ParseError(page.url, "no contest title (.contest-title)")
    start = _time(times[0]) if times else None
    duration = int((_time(times[1]) - start).total_seconds()) if start is not None and len(times) > 1 else None
    contest = Contest(
        site=Site.atcoder,
        contest_id=contest_id,
        name=collapse_ws(title.text(deep=True) or ""),
        start_time=start,
        duration_seconds=duration,
        url=f"{BASE}/contests/{contest_id}",
        kind=_kind(contest_id),
    )
    return Parsed(entities=[contest], follow=[Request(tasks_url(contest_id), "tasks", priority=1)])


# ---- tasks -----------------------------------------------------------------------------------------------


def parse_tasks(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id = params["contest_id"]
    tree = html_tree(page.body)
    if _logged_out(page, tree) and tree.css_first("table") is None:
        raise ParseError(page.url, "the task list is hidden (contest not started, or only for participants)")
    parsed = Parsed()
    tasks: dict[str, str] = {}
    for row in tree.css("table tbody tr"):
        cells = [c for c in row.iter() if c.tag == "td"]
        link = row.css_first(f'a[href*="/contests/{contest_id}/tasks/"]')
        if link is None or len(cells) < 4:
            continue
        task_id = (link.attributes.get("href") or "").rsplit("/", 1)[-1]
        index = collapse_ws(cells[0].text(deep=True) or "")
        tasks[task_id] = index
        parsed.entities.append(
            Problem(
                site=Site.atcoder,
                contest_id=contest_id,
                index=index,
                problem_id=task_id,
                name=collapse_ws(cells[1].text(deep=True) or ""),
                time_limit_ms=parse_duration_ms(cells[2].text(deep=True) or ""),
                memory_limit_bytes=parse_memory_bytes(cells[3].text(deep=True) or ""),
                url=f"{BASE}/contests/{contest_id}/tasks/{task_id}",
            )
        )
        parsed.follow.append(Request(f"{BASE}/contests/{contest_id}/tasks/{task_id}?lang=en", "task", priority=2))
    if not tasks:
        raise ParseError(page.url, "no task rows (table tbody tr with a task link)")
    options = context.options
    # One response, parsed once per contest: the fragment tells the units apart, the cache keeps one copy.
    parsed.follow.append(
        Request(f"{MODELS_URL}#{contest_id}", "problem_models", priority=2, meta={"contest_id": contest_id, "tasks": tasks})
    )
    if options.max_status_pages > 0 and options.extra.get("cookies"):
        parsed.follow.append(Request(submissions_url(contest_id, 1), "submissions", priority=3))
    if options.extra.get("dropbox_token"):
        parsed.follow.append(
            Request(
                _dropbox_list_url(""),
                "dropbox_list",
                priority=4,
                meta={"contest_id": contest_id, "tasks": tasks, "level": "root"},
            )
        )
    return parsed


def _samples(block: LexborNode) -> list[tuple[str, str]]:
    inputs: dict[int, str] = {}
    outputs: dict[int, str] = {}
    for heading in block.css("h3"):
        title = collapse_ws(heading.text(deep=True) or "")
        found_in, found_out = _SAMPLE_INPUT.match(title), _SAMPLE_OUTPUT.match(title)
        if not (found_in or found_out):
            continue
        # layout 1: h3 + pre; layout 2 (old): h3 + section > pre
        pre = heading.next
        while pre is not None and pre.tag not in ("pre", "section", "h3"):
            pre = pre.next
        if pre is not None and pre.tag == "section":
            pre = pre.css_first("pre")
        if pre is None or pre.tag != "pre":
            continue
        text = normalize_sample(block_text(pre))
        if found_in:
            inputs[int(found_in.group(1))] = text
        elif found_out:
            outputs[int(found_out.group(1))] = text
    # layout 3 (very old): <p>Sample Input 1</p><pre class="literal-block">
    for paragraph in block.css("p"):
        title = collapse_ws(paragraph.text(deep=True) or "")
        found_in, found_out = _SAMPLE_INPUT.match(title), _SAMPLE_OUTPUT.match(title)
        pre = paragraph.next
        while pre is not None and pre.tag == "-text":
            pre = pre.next
        if (
            (found_in or found_out)
            and pre is not None
            and pre.tag == "pre"
            and "literal-block" in (pre.attributes.get("class") or "")
        ):
            target = inputs if found_in else outputs
            number = int((found_in or found_out).group(1))  # type: ignore[union-attr]
            target.setdefault(number, normalize_sample(block_text(pre)))
    return [(inputs[n], outputs[n]) for n in sorted(inputs) if n in outputs]


def parse_task(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id, task_id = params["contest_id"], params["task_id"]
    tree = html_tree(page.body)
    title_node = tree.css_first("span.h2")
    statement_node = tree.css_first("#task-statement")
    if title_node is None or statement_node is None:
        raise ParseError(page.url, "no span.h2 title or #task-statement")
    title = collapse_ws(
        next(
            (
                n.text_content or ""
                for n in title_node.iter(include_text=True)
                if n.tag == "-text" and (n.text_content or "").strip()
            ),
            "",
        )
    )
    found = re.match(r"^(\w+)\s+-\s+(.*)$", title)
    if not found:
        raise ParseError(page.url, f"title {title!r} is not 'INDEX - Name'")
    index, name = found.group(1), found.group(2)
    limits_text = next(
        (
            collapse_ws(p.text(deep=True) or "")
            for p in tree.css("p")
            if "sec" in (p.text(deep=True) or "")
            and ("Memory" in (p.text(deep=True) or "") or "メモリ" in (p.text(deep=True) or ""))
        ),
        "",
    )
    english, japanese = statement_node.css_first("span.lang-en"), statement_node.css_first("span.lang-ja")
    # Old contests have only Japanese, without the span.lang wrapper.
    primary = english or japanese or statement_node
    samples = _samples(primary)  # from one language only, so that each sample counts once
    score = _SCORE.search(collapse_ws(primary.text(deep=True) or ""))
    text = (english or statement_node).text(deep=True) or ""
    problem = Problem(
        site=Site.atcoder,
        contest_id=contest_id,
        index=index,
        problem_id=task_id,
        name=name,
        statement=to_markdown(primary, BASE),
        statement_html=primary.html,
        statement_format="html",
        statement_language="en" if english is not None else "ja",
        untranslated_statement=to_markdown(japanese, BASE) if english is not None and japanese is not None else None,
        time_limit_ms=parse_duration_ms(limits_text.split("/")[0]) if limits_text else None,
        memory_limit_bytes=parse_memory_bytes(limits_text.split("/")[-1]) if limits_text else None,
        interactive=any(marker in text for marker in _INTERACTIVE) or None,
        points=float(score.group(1)) if score else None,
        url=f"{BASE}/contests/{contest_id}/tasks/{task_id}",
    )
    if problem.interactive is None:
        problem = problem.model_copy(update={"interactive": False})
    tests = [
        Test(site=Site.atcoder, contest_id=contest_id, index=index, kind=TestKind.public, ordinal=n, input=i, output=o)
        for n, (i, o) in enumerate(samples)
    ]
    return Parsed(entities=[problem, *tests])


def parse_problem_models(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """AtCoder Problems' difficulty model, for the tasks of one contest (named in the unit's meta)."""
    try:
        models = json.loads(page.body)
    except ValueError as exc:
        raise ParseError(page.url, f"problem-models.json is not JSON ({exc})") from exc
    contest_id = context.meta.get("contest_id")
    tasks: dict[str, str] = context.meta.get("tasks", {})
    if not isinstance(models, dict) or not contest_id:
        raise ParseError(page.url, "problem-models.json is not an object, or no contest is named for it")
    parsed = Parsed()
    for task_id, index in tasks.items():
        model = models.get(task_id)
        if isinstance(model, dict) and model.get("difficulty") is not None:
            parsed.entities.append(
                Problem(
                    site=Site.atcoder,
                    contest_id=contest_id,
                    index=index,
                    problem_id=task_id,
                    difficulty=float(model["difficulty"]),
                )
            )
    return parsed


# ---- submissions -----------------------------------------------------------------------------------------


# Submission-list columns by their header text, in both UI languages. Columns are found by header, never by
# position: accounts with rejudge rights see a leading checkbox column, and WJ/CE rows merge three cells.
_SUBMISSION_COLUMNS = {
    "submission time": "time", "提出日時": "time",
    "task": "task", "問題": "task",
    "user": "user", "ユーザ": "user",
    "language": "language", "言語": "language",
    "score": "score", "得点": "score",
    "code size": "size", "コード長": "size",
    "status": "status", "結果": "status",
    "exec time": "time_ms", "実行時間": "time_ms",
    "memory": "memory", "メモリ": "memory",
}  # fmt: skip


def _submission_columns(page: Page, table: LexborNode) -> dict[str, int]:
    """Column name -> position, from the header row. Unnamed headers (checkboxes, the details link) are skipped; a
    named header we do not know, or a missing one we need, stops the parse: silently misreading is worse."""
    columns: dict[str, int] = {}
    position = 0
    for th in table.css("thead th"):
        label = collapse_ws(th.text(deep=True) or "").lower()
        if label:
            name = _SUBMISSION_COLUMNS.get(label)
            if name is None:
                raise ParseError(page.url, f"submission table: unknown column header {label!r}; the page layout changed")
            columns[name] = position
        position += int(th.attributes.get("colspan") or 1)
    missing = {"task", "language", "status"} - set(columns)
    if missing:
        raise ParseError(page.url, f"submission table: no {', '.join(sorted(missing))} column among its headers")
    return columns


def _cells_by_position(row: LexborNode) -> dict[int, LexborNode]:
    """Each column position -> the cell covering it (a cell with colspan=3 covers three)."""
    covering: dict[int, LexborNode] = {}
    position = 0
    for cell in (c for c in row.iter() if c.tag == "td"):
        span = int(cell.attributes.get("colspan") or 1)
        for offset in range(span):
            covering[position + offset] = cell
        position += span
    return covering


def _says_no_submissions(tree: Any) -> bool:
    """An empty list (a filter with no match, a page past the last) shows a message instead of the table."""
    text = collapse_ws(tree.body.text(deep=True) if tree.body is not None else "").lower()
    return any(phrase in text for phrase in ("no submissions", "提出がありません", "提出はありません"))


def _is_submission_table(table: LexborNode) -> bool:
    headers = {collapse_ws(th.text(deep=True) or "").lower() for th in table.css("thead th")}
    return table.css_first("tbody") is not None and any(_SUBMISSION_COLUMNS.get(h) == "task" for h in headers)


def _submission_link(anchor: LexborNode) -> bool:
    """A link to one submission (``/submissions/64188418``), not to a filtered list (``/submissions?f.User=x``)."""
    return (anchor.attributes.get("href") or "").rsplit("/", 1)[-1].isdigit()


def _next_page(tree: Any, number: int) -> bool:
    """Is there a page after this one? The 2025 layout has only "Next >" in ``ul.pager`` (disabled on the last
    page); the older one numbered links in ``ul.pagination``."""
    for link in tree.css("ul.pager li"):
        anchor = link.css_first("a")
        if anchor is not None and "next" in (anchor.text(deep=True) or "").lower():
            return "disabled" not in (link.attributes.get("class") or "") and bool(anchor.attributes.get("href"))
    return number < _last_page(tree)


def parse_submissions(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id = params["contest_id"]
    tree = html_tree(page.body)
    if _logged_out(page, tree):
        raise _login_needed(page)
    table = next((t for t in tree.css("table") if _is_submission_table(t)), None)
    if table is None and not _says_no_submissions(tree):
        raise ParseError(page.url, "no submission table on the page (not a submission list, or its layout changed)")
    parsed = Parsed()
    columns = _submission_columns(page, table) if table is not None else {}
    for number, row in enumerate(table.css("tbody tr") if table is not None else []):
        cells = _cells_by_position(row)
        task = row.css_first(f'a[href*="/contests/{contest_id}/tasks/"]')
        details = next((a for a in row.css(f'a[href*="/contests/{contest_id}/submissions/"]') if _submission_link(a)), None)
        status = row.css_first("span.label")
        if task is None or details is None or status is None:
            parsed.rejects.append(Reject(page.url, f"row {number}", None, None, "no task link, details link or status label"))
            continue
        submission_id = (details.attributes.get("href") or "").rsplit("/", 1)[-1]
        index = collapse_ws(task.text(deep=True) or "").split(" - ", 1)[0]
        when = row.css_first("time")
        with parsed.record(page.url, submission_id):
            parsed.entities.append(_submission_row(contest_id, submission_id, index, task, status, when, cells, columns))
    number = _page_number(page.url)
    if parsed.entities and _next_page(tree, number) and number < context.options.max_status_pages:
        parsed.follow.append(Request(_with_page(page.url, number + 1), "submissions", priority=3))
    return parsed


def _submission_row(
    contest_id: str,
    submission_id: str,
    index: str,
    task: LexborNode,
    status: LexborNode,
    when: LexborNode | None,
    cells: dict[int, LexborNode],
    columns: dict[str, int],
) -> Submission:
    status_cell = cells.get(columns["status"])

    def text(name: str) -> str | None:
        cell = cells.get(columns[name]) if name in columns else None
        if cell is None or (name != "status" and cell is status_cell):
            return None  # WJ and CE rows merge the status, time and memory cells (colspan=3)
        return collapse_ws(cell.text(deep=True) or "")

    memory_kb = _number(text("memory"))
    return Submission(
        site=Site.atcoder,
        submission_id=submission_id,
        contest_id=contest_id,
        index=index,
        problem_id=(task.attributes.get("href") or "").rsplit("/", 1)[-1],
        language_raw=text("language"),
        verdict_raw=collapse_ws(status.text(deep=True) or ""),
        created_at=_time(when.text(deep=True) or "") if when is not None else None,
        time_ms=_number(text("time_ms")),
        memory_bytes=memory_kb * 1024 if memory_kb is not None else None,
        score=_score(text("score")),
    )


def _score(text: str | None) -> float | None:
    cleaned = collapse_ws(text or "")
    try:
        return float(cleaned) if cleaned else None
    except ValueError:
        return None


def _with_page(url: str, page: int) -> str:
    """The same list (all submissions, or /me) at another page."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["page"] = str(page)
    return f"{BASE}{parts.path}?" + "&".join(f"{k}={quote(v)}" for k, v in query.items())


def _number(text: str | None) -> int | None:
    found = re.search(r"\d+", text or "")
    return int(found.group(0)) if found else None


def parse_submission(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    contest_id = params["contest_id"]
    tree = html_tree(page.body)
    code = tree.css_first("pre#submission-code")
    if code is None:
        if _logged_out(page, tree):
            raise _login_needed(page)
        raise ParseError(page.url, "no pre#submission-code")
    task = tree.css_first(f'a[href*="/contests/{contest_id}/tasks/"]')
    index = context.meta.get("index")
    if task is not None:
        index = collapse_ws(task.text(deep=True) or "").split(" - ", 1)[0] or index
    if not index:
        raise ParseError(page.url, "no task link on the page and no problem index known for this submission")
    source = (code.text(deep=True) or "").replace("\r\n", "\n")
    return Parsed(
        entities=[
            Submission(
                site=Site.atcoder, submission_id=params["submission_id"], contest_id=contest_id, index=index, source_code=source
            )
        ]
    )


# ---- hidden tests from Dropbox ------------------------------------------------------------------------------


def _dropbox_list_url(path: str) -> str:
    return f"{DROPBOX_SHARED}?list={quote(path)}"


def _dropbox_file_url(path: str) -> str:
    return f"{DROPBOX_SHARED}?file={quote(path)}"


def parse_dropbox_list(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    """Walk /<Contest>/<Problem>/{in,out}/<name>: find the contest's folder, its problems' folders, then files."""
    try:
        listing = json.loads(page.body)
        entries = listing["entries"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ParseError(page.url, f"Dropbox listing without 'entries' ({exc})") from exc
    meta = context.meta
    contest_id, tasks, level = meta.get("contest_id", ""), meta.get("tasks", {}), meta.get("level", "root")
    parsed = Parsed()
    folders = {e["name"]: e["path_display"] for e in entries if e.get(".tag") == "folder"}
    files = sorted(e["path_display"] for e in entries if e.get(".tag") == "file")

    def follow(path: str, **extra: Any) -> None:
        parsed.follow.append(Request(_dropbox_list_url(path), "dropbox_list", priority=4, meta={**meta, **extra}))

    if level == "root":
        # folder names vary in case and punctuation ("ABC107", "abc107"): match loosely
        wanted = re.sub(r"[^a-z0-9]", "", contest_id.lower())
        for name, path in folders.items():
            if re.sub(r"[^a-z0-9]", "", name.lower()) == wanted:
                follow(path, level="contest")
    elif level == "contest":
        indices = set(tasks.values())
        for name, path in folders.items():
            if name.upper() in {i.upper() for i in indices}:
                follow(path, level="problem", index=next(i for i in indices if i.upper() == name.upper()))
    elif level == "problem" and "in" in folders:
        follow(folders["in"], level="in")
    elif level == "in":
        for ordinal, path in enumerate(files):
            for side in ("in", "out"):
                file_path = path if side == "in" else re.sub(r"/in/([^/]+)$", r"/out/\1", path)
                parsed.follow.append(
                    Request(
                        _dropbox_file_url(file_path),
                        "dropbox_file",
                        priority=5,
                        meta={"contest_id": contest_id, "index": meta.get("index"), "ordinal": ordinal, "side": side},
                    )
                )
    if listing.get("has_more") and listing.get("cursor"):
        parsed.follow.append(
            Request(f"{DROPBOX_SHARED}?cursor={quote(listing['cursor'])}", "dropbox_list", priority=4, meta=meta)
        )
    return parsed


def parse_dropbox_file(page: Page, params: dict[str, str], context: ParseContext) -> Parsed:
    meta = context.meta
    if not meta.get("contest_id") or not meta.get("index") or "ordinal" not in meta:
        raise ParseError(page.url, "a Dropbox test file without its contest, problem and ordinal")
    test = hidden_test_half(
        Site.atcoder, meta["contest_id"], meta["index"], int(meta["ordinal"]), str(meta.get("side")), page.body
    )
    return Parsed(entities=[test])


class AtCoder(SiteScraper):
    site = Site.atcoder
    hosts = ("atcoder.jp", "kenkoooo.com", "www.dropbox.com")
    # Dropbox's API: listings and files of the shared folder of hidden tests (a POST with the user's token)
    api_hosts = ("api.dropboxapi.com", "content.dropboxapi.com")
    body_caps: ClassVar[dict[str, int]] = {"dropbox_file": 512 << 20}  # one official test file can be hundreds of MB
    routes = (
        Route.of("archive", r"/contests/archive(?:\?.*)?"),
        Route.of("contests_top", r"/contests/?(?:\?.*)?"),
        Route.of("tasks", r"/contests/(?P<contest_id>[\w-]+)/tasks/?(?:\?.*)?"),
        Route.of("task", r"/contests/(?P<contest_id>[\w-]+)/tasks/(?P<task_id>[\w-]+)(?:\?.*)?"),
        Route.of("submissions", r"/contests/(?P<contest_id>[\w-]+)/submissions(?:/me)?/?(?:\?.*)?"),
        Route.of("submission", r"/contests/(?P<contest_id>[\w-]+)/submissions/(?P<submission_id>\d+)(?:\?.*)?"),
        Route.of("contest_page", r"/contests/(?P<contest_id>(?!archive(?:[/?]|$))[\w-]+)/?(?:\?.*)?"),
        Route.of("problem_models", r"/atcoder/resources/problem-models\.json"),
        Route.of("dropbox_list", r"/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa\?(?:list|cursor)=.*"),
        Route.of("dropbox_file", r"/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa\?file=.*"),
    )
    examples = (
        ("https://atcoder.jp/contests/archive?lang=ja&page=2", "archive"),
        ("https://atcoder.jp/contests/", "contests_top"),
        ("https://atcoder.jp/contests/abc107/tasks", "tasks"),
        ("https://atcoder.jp/contests/abc307/tasks/abc307_c?lang=en", "task"),
        ("https://atcoder.jp/contests/abc399/submissions?orderBy=created&page=1", "submissions"),
        ("https://atcoder.jp/contests/arc001/submissions/me", "submissions"),
        ("https://atcoder.jp/contests/abc399/submissions/64188418", "submission"),
        ("https://atcoder.jp/contests/abc107", "contest_page"),
        ("https://kenkoooo.com/atcoder/resources/problem-models.json", "problem_models"),
        ("https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?list=/ABC107", "dropbox_list"),
        ("https://www.dropbox.com/sh/nx3tnilzqz7df8a/AAAYlTq2tiEHl5hsESw6-yfLa?file=/ABC107/A/in/01.txt", "dropbox_file"),
    )
    # AtCoder publishes no numbers; one page a second is gentler than any known client. AtCoder Problems asks for
    # at least 1 s between calls; Dropbox clients use 0.5 s.
    rate_rules = (
        RateRule("atcoder.jp", "/", interval=1.0, concurrency=1),
        RateRule("kenkoooo.com", "/", interval=1.0, concurrency=1),
        RateRule("dropboxapi.com", "/", interval=0.5, concurrency=1),
    )
    login_hint = "pass your logged-in session with --cookie REVEL_SESSION=..."

    def parsers(self) -> dict[str, Parser]:
        return {
            "archive": parse_archive,
            "contests_top": parse_contests_top,
            "contest_page": parse_contest_page,
            "tasks": parse_tasks,
            "task": parse_task,
            "problem_models": parse_problem_models,
            "submissions": parse_submissions,
            "submission": parse_submission,
            "dropbox_list": parse_dropbox_list,
            "dropbox_file": parse_dropbox_file,
        }

    def seeds(self, options: ScrapeOptions) -> list[Request]:
        if options.contests:
            return [Request(f"{BASE}/contests/{c}?lang=en", "contest_page", priority=0) for c in options.contests]
        return [
            Request(f"{BASE}/contests/archive?lang=ja&page=1", "archive", priority=0),
            Request(f"{BASE}/contests/?lang=ja", "contests_top", priority=0),
        ]

    def wire(self, url: str, options: ScrapeOptions) -> WireRequest:
        parts = urlsplit(url)
        if parts.hostname != "www.dropbox.com":
            return super().wire(url, options)
        token = str(options.extra.get("dropbox_token") or "")
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        query = parse_qs(parts.query)
        if "file" in query:
            arg = json.dumps({"path": query["file"][0], "url": DROPBOX_SHARED})
            return WireRequest(
                "https://content.dropboxapi.com/2/sharing/get_shared_link_file",
                "POST",
                {"Authorization": auth["Authorization"], "Dropbox-API-Arg": arg},
            )
        if "cursor" in query:
            body = {"cursor": query["cursor"][0]}
            return WireRequest("https://api.dropboxapi.com/2/files/list_folder/continue", "POST", auth, json.dumps(body).encode())
        body_list = {"path": query.get("list", [""])[0], "shared_link": {"url": DROPBOX_SHARED}}
        return WireRequest("https://api.dropboxapi.com/2/files/list_folder", "POST", auth, json.dumps(body_list).encode())

    def check(self, page: Page) -> None:
        if urlsplit(page.url).hostname == "www.dropbox.com" and page.status == 401:
            raise SiteBlocked(
                "atcoder",
                page.url,
                "Dropbox refused the token (HTTP 401)",
                "Check --dropbox-token: it needs the sharing.read scope.",
            )

    def submission_request(self, submission: Submission, options: ScrapeOptions) -> Request | None:
        return Request(
            f"{BASE}/contests/{submission.contest_id}/submissions/{submission.submission_id}",
            "submission",
            priority=6,
            meta={"index": submission.index},
        )
