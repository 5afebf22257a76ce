"""Parse throughput of cpdata's Codeforces whole-contest parser (entities, Markdown with TeX, sectioned HTML) against
two baselines doing less, in the same run: the floor, a bare lexbor (selectolax) selection of the same parts (per
problem: index, title, limits, file I/O, sample texts, section texts, no Markdown), and BeautifulSoup (lxml) doing
that same extraction, the tool a user would pick. Goal: at least 0.4 of the floor.

Runs on the real recorded pages in ../shared/real-pages/codeforces when present (else on the demo's pages).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from cpdata.scraper.base import Page
from cpdata.scraper.registry import get_site

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real-pages" / "codeforces"
DEMO = ROOT / "data" / "demo" / "codeforces" / "html"
SECONDS = 3.0


def _pages() -> list[tuple[str, bytes]]:
    files = sorted(REAL.glob("contest_*_problems_page_*.html")) if REAL.is_dir() else sorted(DEMO.glob("contest_*_problems.html"))
    out = []
    for path in files:
        contest = re.search(r"contest_(\d+)", path.name)
        out.append((f"https://codeforces.com/contest/{contest.group(1) if contest else 1}/problems", path.read_bytes()))
    return out


def _bs_block(pre: Any) -> str:
    lines = pre.select("div.test-example-line")
    if lines:
        return "\n".join(line.get_text() for line in lines) + "\n"
    for br in pre.find_all("br"):
        br.replace_with("\n")
    return pre.get_text()


def baseline(body: bytes) -> list[dict[str, Any]]:
    soup = BeautifulSoup(body, "lxml")
    problems = []
    for holder in soup.select("div.problemindexholder"):
        statement = holder.select_one("div.problem-statement")
        if statement is None:
            continue
        header = statement.select_one(".header")
        limits = {}
        for name in ("time-limit", "memory-limit", "input-file", "output-file"):
            node = header.select_one(f".{name}") if header else None
            title = node.select_one(".property-title") if node else None
            limits[name] = node.get_text().replace(title.get_text(), "", 1).strip() if node and title else None
        sections = {}
        for child in statement.find_all("div", recursive=False):
            classes = child.get("class") or []
            sections[" ".join(classes) or "legend"] = child.get_text(" ", strip=True)
        problems.append(
            {
                "index": holder.get("problemindex"),
                "title": header.select_one(".title").get_text(strip=True) if header else None,
                **limits,
                "inputs": [_bs_block(p) for p in statement.select(".sample-test .input pre")],
                "outputs": [_bs_block(p) for p in statement.select(".sample-test .output pre")],
                "sections": sections,
            }
        )
    return problems


def floor(body: bytes) -> list[dict[str, Any]]:
    """The same parts as ``baseline``, selected with lexbor and read as plain text: what parsing cannot go below."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(body)
    problems = []
    for holder in tree.css("div.problemindexholder"):
        statement = holder.css_first("div.problem-statement")
        if statement is None:
            continue
        header = statement.css_first(".header")
        limits = {}
        for name in ("time-limit", "memory-limit", "input-file", "output-file"):
            node = header.css_first(f".{name}") if header else None
            limits[name] = node.text(deep=True) if node else None
        problems.append(
            {
                "index": holder.attributes.get("problemindex"),
                "title": header.css_first(".title").text(deep=True) if header else None,
                **limits,
                "inputs": [p.text(deep=True) for p in statement.css(".sample-test .input pre")],
                "outputs": [p.text(deep=True) for p in statement.css(".sample-test .output pre")],
                "sections": [child.text(deep=True, separator=" ", strip=True) for child in statement.iter()],
            }
        )
    return problems


def _rate(work: Any, pages: list[tuple[str, bytes]]) -> tuple[float, int]:
    done = problems = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        for url, body in pages:
            problems += work(url, body)
            done += 1
    return done / (time.perf_counter() - started), problems


def run() -> dict[str, Any]:
    pages = _pages()
    site = get_site("codeforces")

    def ours(url: str, body: bytes) -> int:
        return sum(1 for e in site.parse(Page(url, 200, body)).entities if e.entity == "problem")

    def theirs(url: str, body: bytes) -> int:
        return len(baseline(body))

    def bare(url: str, body: bytes) -> int:
        return len(floor(body))

    assert ours(*pages[0]) == theirs(*pages[0]) == bare(*pages[0]) > 0  # the same problems found
    ours_rate, _ = _rate(ours, pages)
    floor_rate, _ = _rate(bare, pages)
    base_rate, _ = _rate(theirs, pages)
    return {
        "pages": [url for url, _ in pages],
        "page_bytes": sum(len(b) for _, b in pages),
        "cpdata_pages_per_s": round(ours_rate, 1),
        "floor_lexbor_selection_pages_per_s": round(floor_rate, 1),
        "ratio_cpdata_over_floor": round(ours_rate / floor_rate, 3),
        "bs4_lxml_pages_per_s": round(base_rate, 1),
        "speedup_cpdata_over_bs4": round(ours_rate / base_rate, 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
