"""``cpdata demo``: the whole pipeline offline, in seconds, with the real scraper.

1. Loopback HTTP servers serve a small recorded Codeforces and AtCoder (``data/demo/codeforces``,
   ``data/demo/atcoder``: API bodies and pages we wrote in the sites' real formats).
2. The real scrapers crawl them into a fresh store, through the polite fetcher (rate limits scaled down for
   loopback) and the page cache. Codeforces: contest.list since 2021, standings, whole-contest problem pages,
   status pages, hacks, then source code for 2 submissions per problem, language and outcome. AtCoder: the
   contest archive, task lists, task pages in three layouts, AtCoder Problems' difficulty, submission lists (with a
   stand-in session cookie), sources, and hidden tests from the Dropbox API (with a stand-in token).
3. A second crawl shows the resume path: everything is done or served from the cache, nothing is fetched.
4. The store is exported as a CodeContests dataset (JSONL and Parquet) and loaded back.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from cpdata import load_dataset
from cpdata.curation.formats.export import export_codecontests
from cpdata.output import stdout
from cpdata.schema import Store
from cpdata.scraper.base import ScrapeOptions
from cpdata.scraper.fetch import FetchPolicy
from cpdata.scraper.registry import get_site
from cpdata.scraper.replay import ReplayServer
from cpdata.scraper.session import ScrapeSettings, scrape

__all__ = ["DEFAULT_WORKDIR", "DEMO_INPUTS", "DemoDirectoryInUse", "run_demo"]

# The recorded sites ship inside the package (cpdata/demo_data links to data/demo in the source tree), so the demo
# runs from an installed wheel too. Its output goes beside the store, relative to where it is run, like the store.
DEMO_INPUTS = Path(__file__).resolve().parent / "demo_data"
DEFAULT_WORKDIR = Path("data") / "demo-run"
# Loopback answers in microseconds; keep the limiter in the path but scaled down (real defaults: 2 s API, 1 s HTML).
DEMO_INTERVALS = {"/api/": 0.05, "/": 0.02}
# (site, site options): AtCoder gets stand-ins for a session cookie and a Dropbox token, so that its login-only
# submission lists and its hidden tests (from Dropbox's API hosts, which it declares) are part of the demo.
DEMO_SITES: list[tuple[str, dict[str, object]]] = [
    ("codeforces", {}),
    ("atcoder", {"cookies": True, "dropbox_token": "demo-token"}),
]


# The demo marks its run directory, and a later run removes only what it made there: never a directory it did not
# create, and never a file a person put beside its own.
MARKER = ".cpdata-demo-run"
DEMO_OUTPUTS = ("cpdata.sqlite", "cpdata.sqlite-wal", "cpdata.sqlite-shm", "cpdata.sqlite-journal", "cache", "export-jsonl",
                "export-parquet")  # fmt: skip


class DemoDirectoryInUse(RuntimeError):
    """The demo's directory holds things the demo did not make: it refuses to touch them."""


def prepare_workdir(workdir: Path) -> None:
    """An empty or new directory is taken (and marked); the demo's own earlier run is cleared of the demo's outputs;
    anything else is refused."""
    if workdir.exists() and not workdir.is_dir():
        raise DemoDirectoryInUse(f"{workdir} is a file, not a directory; choose another --workdir")
    # (a directory holding nothing but the demo's outputs is an earlier version's run, from before the marker)
    foreign = workdir.is_dir() and any(p.name not in DEMO_OUTPUTS for p in workdir.iterdir())
    if foreign and not (workdir / MARKER).is_file():
        raise DemoDirectoryInUse(
            f"{workdir} is not empty and was not made by cpdata demo; nothing was changed. Choose an empty or new "
            "--workdir (the demo only ever removes what it made itself)"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    for name in DEMO_OUTPUTS:
        target = workdir / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
    (workdir / MARKER).write_text("made by cpdata demo: a later run removes only its own outputs here\n")


def run_demo(workdir: Path = DEFAULT_WORKDIR, *, quiet: bool = False) -> dict[str, Any]:
    def say(message: str) -> None:
        if not quiet:
            stdout.print(message)

    prepare_workdir(workdir)
    summary: dict[str, Any] = {"workdir": str(workdir)}
    ok = True
    with Store(workdir / "cpdata.sqlite") as store:
        for name, extra in DEMO_SITES:
            site = get_site(name)
            options = ScrapeOptions(since=date(2021, 1, 1), solutions=2, extra=extra)
            with ReplayServer(DEMO_INPUTS / name) as server:
                say(f"[bold]1. serve[/] a recorded {name} on {server.base_url} ({len(server.recordings)} responses)")
                settings = ScrapeSettings(
                    cache_dir=workdir / "cache",
                    host_map={host: server.base_url for host in site.contacted_hosts},
                    intervals=DEMO_INTERVALS,
                    policy=FetchPolicy(timeout=5.0, max_attempts=2, backoff_base=0.05),
                )
                crawl = scrape(store, site, options, settings)
                summary[f"scrape_{name}"] = crawl.to_dict()
                say(
                    f"[bold]2. scrape[/] {name} --since 2021-01-01 --solutions 2: {crawl.count('fetched')} pages fetched, "
                    f"{crawl.count('parsed')} parsed, {crawl.count('failed')} failed; wrote "
                    + ", ".join(f"{n} {kind}s" for kind, n in sorted(crawl.entities.items()))
                )
                again = scrape(store, site, options, settings)
                summary[f"rescrape_{name}"] = again.to_dict()
                say(
                    f"[bold]3. resume[/] the same scrape again: {again.count('fetched')} fetched, "
                    f"{again.count('from_cache')} from cache"
                )
                ok = ok and crawl.exit_code == 0 and again.count("fetched") == 0
        counts = {t: store.count(t) for t in ("contest", "problem", "test", "submission")}
        with_code = store.run_sql("SELECT COUNT(*) FROM submission WHERE source_code IS NOT NULL")[1][0][0]
        summary["store"] = {**counts, "submissions_with_code": with_code}
        say(f"   store: {counts}, {with_code} submissions with source code")
        for fmt in ("jsonl", "parquet"):
            result = export_codecontests(store, workdir / f"export-{fmt}", fmt=fmt)
            summary[f"export_{fmt}"] = {s: c["problems"] for s, c in result.counts.items()}
        say(
            "[bold]4. export[/] CodeContests JSONL and Parquet: "
            + ", ".join(f"{s} {n}" for s, n in summary["export_parquet"].items())
            + f" problems in {workdir}/export-parquet"
        )
    loaded = {split: load_dataset(workdir / "export-parquet", split=split) for split in ("train", "valid", "test")}
    summary["loaded"] = {split: len(records) for split, records in loaded.items()}
    first = loaded["train"][0]
    say(
        f"[bold]5. load[/] {summary['loaded']}; e.g. {first.name!r}: {len(first.public_tests.input)} public tests, "
        f"{len(first.solutions.solution)} correct and {len(first.incorrect_solutions.solution)} incorrect solutions"
    )
    summary["ok"] = ok and sum(summary["loaded"].values()) > 0
    return summary
