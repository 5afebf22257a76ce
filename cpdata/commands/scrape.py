"""``cpdata scrape``, ``cpdata parse``, ``cpdata reparse``: sites into the store, saved pages into entity streams."""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cpdata.commands.options import Commands, DbOption, JsonOption, fail, open_store, parse_date
from cpdata.output import OutputFormat, print_json, print_rows, progress_bar, stderr, stdout

if TYPE_CHECKING:
    from cpdata.scraper.run import CrawlSummary

__all__ = ["COMMANDS"]

COMMANDS = Commands()

SITE_NAMES = "codeforces, atcoder, aoj, codechef or yukicoder"
# The page cache's default home (cpdata.scraper.cache.DEFAULT_CACHE_DIR, which a test keeps equal to this); named
# here so that --help does not import the scraper.
DEFAULT_CACHE = Path("data") / "cache"
CacheOption = Annotated[Path, typer.Option("--cache", metavar="DIR", help="The raw page cache.")]


def _parse_cookies(values: list[str]) -> dict[str, str]:
    cookies = {}
    for value in values:
        name, sep, content = value.partition("=")
        if not sep or not name.strip():
            raise fail(f"--cookie takes NAME=VALUE, not {value!r}")
        cookies[name.strip()] = content.strip()
    return cookies


def _parse_age(value: str | None) -> timedelta | None:
    if value is None:
        return None
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhdw]?)", value.strip())
    if not found:
        raise fail(f"--max-age takes a number with a unit s, m, h, d or w (e.g. 12h, 7d), not {value!r}")
    seconds = float(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[found.group(2)]
    return timedelta(seconds=seconds)


@COMMANDS.command(
    example=[
        "cpdata scrape codeforces --contest 1368 --solutions 20",
        "cpdata scrape atcoder --since 2024-01-01 --cookie REVEL_SESSION=...",
        "cpdata scrape codeforces --offline --contest 1368     # only what the cache holds",
    ]
)
def scrape(
    site: Annotated[str, typer.Argument(metavar="SITE", help=f"The site: {SITE_NAMES}.")],
    contest: Annotated[
        list[str] | None, typer.Option("--contest", metavar="ID", help="A contest id; repeat for several. Default: all.")
    ] = None,
    since: Annotated[
        date | None,
        typer.Option(parser=parse_date, metavar="DATE", help="Only contests that started on or after this date (UTC)."),
    ] = None,
    solutions: Annotated[
        int, typer.Option(min=0, help="Source codes per problem, language and outcome (accepted/rejected).")
    ] = 0,
    languages: Annotated[
        str, typer.Option(metavar="LIST", help="Language families for --solutions, comma-separated.")
    ] = "cpp,python3,java",
    gym: Annotated[bool, typer.Option("--gym", help="Codeforces: Gym contests instead of regular ones.")] = False,
    max_status_pages: Annotated[int, typer.Option(min=0, help="Submission list pages per contest (0: no submissions).")] = 5,
    status_page_size: Annotated[int, typer.Option(min=1, help="Submissions per list page.")] = 1000,
    cookie: Annotated[
        list[str] | None, typer.Option("--cookie", metavar="NAME=VALUE", help="Your own session cookie; never stored.")
    ] = None,
    dropbox_token: Annotated[
        str | None,
        typer.Option(envvar="CPDATA_DROPBOX_TOKEN", metavar="TOKEN", help="AtCoder: a Dropbox API token, for hidden tests."),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="CPDATA_API_KEY", metavar="KEY", help="yukicoder: your API key, for hidden tests.")
    ] = None,
    csrf_token: Annotated[
        str | None, typer.Option(metavar="TOKEN", help="CodeChef: the CSRF token of your logged-in session.")
    ] = None,
    api_base: Annotated[
        str | None, typer.Option(metavar="URL", help="AOJ: the judge API base (https://onlinejudge.u-aizu.ac.jp/api).")
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="Fetch again every page the crawl visits (not submission sources: they never change)."),
    ] = False,
    max_age: Annotated[
        str | None, typer.Option(metavar="AGE", help="Fetch again what is older than this (e.g. 12h, 7d).")
    ] = None,
    api_interval: Annotated[
        float | None, typer.Option(metavar="SECONDS", help="Seconds between API calls.", show_default="the site's rule")
    ] = None,
    html_interval: Annotated[
        float | None, typer.Option(metavar="SECONDS", help="Seconds between HTML pages.", show_default="the site's rule")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Use only the cache; fetch nothing.")] = False,
    max_body_mb: Annotated[
        float,
        typer.Option(min=0.001, metavar="MB", help="Largest page body accepted (decoded); bigger ones are refused, not kept."),
    ] = 64.0,
    deadline: Annotated[
        float, typer.Option(min=1, metavar="SECONDS", help="Longest one request may take, body included.")
    ] = 120.0,
    base_url: Annotated[
        str | None, typer.Option(metavar="URL", help="Send requests to this server instead (a mirror or a local replay).")
    ] = None,
    cache_dir: CacheOption = DEFAULT_CACHE,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Crawl a site into the store. Resumable: run it again after a crash or Ctrl-C and it goes on."""
    from cpdata.schema.enums import Language
    from cpdata.scraper.base import ScrapeOptions
    from cpdata.scraper.fetch import FetchPolicy
    from cpdata.scraper.registry import UnknownURL, get_site
    from cpdata.scraper.session import ScrapeSettings
    from cpdata.scraper.session import scrape as run_scrape

    try:
        scraper_site = get_site(site)
        families = frozenset(Language(x.strip()) for x in languages.split(",") if x.strip())
    except (UnknownURL, ValueError) as exc:
        raise fail(str(exc)) from exc
    options = ScrapeOptions(
        contests=tuple(contest or ()),
        since=since,
        solutions=solutions,
        languages=families,
        gym=gym,
        max_status_pages=max_status_pages,
        status_page_size=status_page_size,
        # secrets and switches for the sites that need them; held in memory only, never stored
        extra={
            k: v
            for k, v in {
                "cookies": bool(cookie),
                "dropbox_token": dropbox_token,
                "api_key": api_key,
                "csrf_token": csrf_token,
                "api_base": api_base,
            }.items()
            if v
        },
    )
    if site in ("atcoder", "codechef") and max_status_pages > 0 and not cookie:
        stderr.print(
            f"note: {site} shows submission lists only to logged-in users; pass --cookie to collect submissions",
            markup=False,
            highlight=False,
        )
    intervals = {k: v for k, v in (("/api/", api_interval), ("/", html_interval)) if v is not None}
    settings = ScrapeSettings(
        cache_dir=cache_dir,
        refresh=refresh,
        max_age=_parse_age(max_age),
        offline=offline,
        cookies=_parse_cookies(cookie or []),
        host_map={host: base_url for host in scraper_site.contacted_hosts} if base_url else {},
        intervals=intervals,
        policy=FetchPolicy(max_body_bytes=int(max_body_mb * (1 << 20)), deadline=deadline),
    )
    with open_store(db) as store, progress_bar(f"scrape {site}", None, enabled=not json_output) as bar:
        try:
            summary = run_scrape(store, scraper_site, options, settings, progress=bar.update)
        except KeyboardInterrupt:
            stderr.print("interrupted: everything stored so far is kept; run the same command again to resume")
            raise typer.Exit(130) from None
    _print_crawl(summary, json_output)
    raise typer.Exit(summary.exit_code)


def _print_crawl(summary: CrawlSummary, json_output: bool) -> None:
    if json_output:
        print_json(summary.to_dict())
    else:
        rows = [(kind, c["fetched"], c["from_cache"], c["parsed"], c["failed"]) for kind, c in sorted(summary.by_kind.items())]
        print_rows(
            ["page kind", "fetched", "from cache", "parsed", "failed"],
            rows,
            OutputFormat.table,
            title=f"{summary.site}: units {summary.units}",
        )
        stored = ", ".join(f"{n} {k}s" for k, n in sorted(summary.entities.items())) or "nothing"
        stdout.print(f"stored {stored}")
        for failure in summary.failures[:20]:
            stderr.print(f"failed: {failure['reason']}", style="yellow", markup=False, highlight=False)
    if summary.blocked:
        stderr.print(f"blocked: {summary.blocked}", style="bold red", markup=False, highlight=False)


@COMMANDS.command(
    example=[
        "cpdata parse https://codeforces.com/contest/1368/problems saved.html",
        "cpdata parse https://atcoder.jp/contests/abc300/tasks/abc300_a task.html | cpdata ingest -",
    ]
)
def parse(
    url: Annotated[str, typer.Argument(metavar="URL", help="The URL the page was served at; it picks the site and the parser.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The saved response body (HTML or JSON).")],
) -> None:
    """Parse a saved page as if served at URL, and print the entity stream (one JSON object per line).

    Follow-up requests the page leads to are listed on stderr, and so is each record that was rejected (the others
    are printed). A page that does not parse exits 1, naming the URL and what was missing; a login wall or a block
    page exits 2 with what to do."""
    from cpdata.schema.stream import write_stream
    from cpdata.scraper.base import Page, ParseError, RateLimited, SiteBlocked
    from cpdata.scraper.registry import UnknownURL, route_url

    try:
        site_scraper, route, _params = route_url(url)
        body = file.read_bytes()
    except (UnknownURL, OSError) as exc:
        raise fail(str(exc), 1) from exc
    page = Page(url=url, status=200, body=body)
    try:
        site_scraper.check(page)  # a login wall or a "too fast" page, as the crawl would see it
        parsed = site_scraper.parse(page)
    except (SiteBlocked, RateLimited) as exc:
        raise fail(f"this page is not the {route.kind} it should be: {exc}", 2) from exc
    except ParseError as exc:
        raise fail(f"cannot parse as {site_scraper.site.value} {route.kind}: {exc}", 1) from exc
    write_stream(parsed.entities, sys.stdout)
    for reject in parsed.rejects:
        stderr.print(f"rejected: {reject}", style="yellow", markup=False, highlight=False)
    for request in parsed.follow:
        stderr.print(f"follow: {request.kind} {request.url}", markup=False, highlight=False)


@COMMANDS.command(
    example=[
        "cpdata reparse                       # every cached page, into data/cpdata.sqlite",
        "cpdata reparse --site atcoder --db rebuilt.sqlite",
    ]
)
def reparse(
    site: Annotated[str | None, typer.Option(metavar="SITE", help="Only this site's pages.", show_default="every site")] = None,
    cache_dir: CacheOption = DEFAULT_CACHE,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rebuild the store from the page cache with the current parsers, without any network."""
    from cpdata.scraper.session import reparse as run_reparse

    if not cache_dir.is_dir():
        raise fail(f"no page cache at {cache_dir}")
    with open_store(db) as store, progress_bar("reparse", None, enabled=not json_output) as bar:
        summary = run_reparse(store, cache_dir, site, progress=bar.update)
    result = {
        "parsed": summary.parsed,
        "skipped": summary.skipped,
        "failed": len(summary.failures),
        "entities": summary.entities,
        "failures": summary.failures,
    }
    if json_output:
        print_json(result)
    else:
        stdout.print(
            f"reparsed {summary.parsed} pages ({summary.skipped} skipped, {len(summary.failures)} failed): {summary.entities}"
        )
        for failure in summary.failures[:20]:
            stderr.print(f"failed: {failure['reason']}", style="yellow", markup=False, highlight=False)
    if summary.failures:
        raise typer.Exit(1)
