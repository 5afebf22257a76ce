"""A statement's sections found by what their headings mean, not by one spelling of them.

Headings come as Markdown (``### Input``, ``## Input Format``, ``###Input:``), bold lines (``**Input**``,
``**Input:**``), bare lines (``Input:``, ``Input format``), LaTeX (``\\section*{Input}``, ``\\begin{Input}``) and
Japanese (``入力``, ``制約``). ``Sample Input`` is a sample, not the Input section; ``Constraints and Subtasks`` is
the constraints. A statement with no Input heading keeps its whole text as the place names and bounds are looked
for (old statements state ``1 ≤ N ≤ 100`` anywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Sections", "find_sections"]

_HEADING = re.compile(
    r"^(?:#{1,6}\s*(?P<md>[^\n]{1,80}?)\s*#*\s*"
    r"|\*\*\s*(?P<bold>[^*\n]{1,60}?)\s*\*\*\s*:?\s*"
    r"|__(?P<under>[^_\n]{1,60})__\s*:?\s*"
    r"|\\(?:sub)*section\*?\{(?P<tex>[^}]{1,60})\}\s*"
    r"|\\begin\{(?P<begin>[A-Za-z]+)\}\s*"
    r"|\\end\{(?P<end>[A-Za-z]+)\}\s*"
    r"|(?P<bare>[A-Za-z\u3040-\u30ff\u4e00-\u9fff][A-Za-z \u3040-\u30ff\u4e00-\u9fff]{1,40}?)\s*:?\s*)$",
    re.M,
)


# What a heading means, first match wins: a sample's "Sample Input" before the Input section's "Input".
_MEANINGS = (
    ("sample", r".*(?:sample|example|示例|入力例|出力例).*"),
    ("subtasks", r".*(?:subtask|部分点).*"),
    ("input", r"(?:the )?input(?: format| specification| data|s)?|入力|input and output(?: format)?"),
    ("output", r"(?:the )?output(?: format| specification| data)?|出力"),
    ("constraints", r"constraints?(?: and subtasks| & subtasks)?|limits|limitations|制約|bounds|data range"),
    ("interaction", r"interaction(?: format| protocol)?|protocol"),
    ("notes", r"explanations?|notes?|hints?|scoring|test generation(?: process)?|test case generation|read problems?.*"),
    ("legend", r"(?:problem )?(?:statement|description)|problem"),
)


def _meaning(title: str) -> str | None:
    title = re.sub(r"\s+", " ", title.strip().rstrip(":").strip().lower())
    return next((meaning for meaning, pattern in _MEANINGS if re.fullmatch(pattern, title)), None)


@dataclass
class Sections:
    input: str = ""
    constraints: str = ""
    subtasks: str = ""
    output: str = ""
    legend: str = ""
    other: list[str] = field(default_factory=list)
    headed: bool = False
    """Whether an Input heading was found (else ``input`` is the whole statement)."""

    @property
    def primary(self) -> str:
        """Where the overall bounds are: the Input section (bounds inline, as Codeforces writes them) and the
        constraints (a statement with neither heading has its whole text as ``input``)."""
        return "\n".join(p for p in (self.input, self.constraints) if p)


def find_sections(statement: str) -> Sections:
    """The sections of a statement by meaning. Unknown headings are kept with the section before them only when
    that section is the Input or the Constraints (a ``For each test case:`` line inside the Input section)."""
    found = Sections()
    marks = []
    for match in _HEADING.finditer(statement):
        title = next((g for g in match.groupdict().values() if g), "")
        if match.group("end"):
            marks.append((match.start(), match.end(), "end"))
            continue
        # the statement's title (``# Sample Problem``, ``# Input Validation``) names the problem, it heads no section
        is_title = match.group("md") and not statement[: match.start()].strip() and statement[match.start() + 1] != "#"
        meaning = "legend" if is_title else _meaning(title)
        if meaning is None and match.group("bare"):
            continue  # a bare line that is only text
        marks.append((match.start(), match.end(), meaning or "unknown"))
    current, start = "legend", 0
    chunks: dict[str, list[str]] = {}
    for begin, end, meaning in marks:
        chunks.setdefault(current, []).append(statement[start:begin])
        if meaning in ("unknown",) and current in ("input", "constraints"):
            start = begin  # a sub-heading inside a section: stays in it
            continue
        if meaning in ("input", "output") and (current == "sample" or meaning in chunks):
            meaning = "sample"  # Codeforces' ``## Examples`` then ``### Input``: a sample's parts
        current = "other" if meaning in ("unknown", "end") else meaning
        start = end
    chunks.setdefault(current, []).append(statement[start:])
    for meaning, parts in chunks.items():
        text = "\n".join(parts).strip("\n")
        if meaning in ("input", "constraints", "subtasks", "output", "legend"):
            setattr(found, meaning, text)
        else:
            found.other.append(text)
    found.headed = bool(found.input)
    if not found.headed:
        found.input = found.legend
    return found
