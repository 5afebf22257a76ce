"""A statement read once, for every reader at once: its bounds (the Input and Constraints sections, then the whole
text and the subtasks where those say nothing), the Input section's names in order, and its hints."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cpdata.curation.testgen.statement import hints
from cpdata.curation.testgen.statement.bounds import UNNAMED_INTEGERS, Bounds, labelled_names, read_bounds
from cpdata.curation.testgen.statement.names import index_names, input_names, label_subscripts, variable_words
from cpdata.curation.testgen.statement.sections import find_sections
from cpdata.curation.testgen.statement.text import plain

__all__ = ["Reading", "read_statement"]


@dataclass
class Reading:
    """What the statement says, read once."""

    bounds: Bounds
    names: list[str]
    indices: set[str]
    """Names the statement uses as indices (``i`` in ``A_i``): a column only where nothing else fits."""
    cases: bool
    alphabets: list[str]
    eof_rows: tuple[int | None, int | None] | None
    """Lines that run to the end of the input (no count before them), with the least and most the statement gives."""
    letters: hints.LetterRule
    """The first letter's case apart from the others', and letters one of which must appear."""
    decimals: int | None
    line_counts: list[tuple[str, int]]
    """Counts of lines the Input section names, in order (``N - 1 lines``): (name, how many fewer)."""
    primes: set[str]
    """Names the statement says are primes."""
    parities: dict[str, int]
    """Names the statement says are odd (1) or even (0)."""
    speaks_of_queries: bool
    queries: dict[str, list[str]]
    """The forms of queries the Input section shows (``1 x y``, ``2 l r``): type -> the names that follow it."""
    text: str
    """The statement in the plain notation (hints are looked for in it)."""


_SUBTASK_LINE = re.compile(r"(?i)^[\W_]*(?:subtask|sub-task)\b|[\[(]\s*\d+\s*(?:points?|pts|marks|%)\s*[\])]")
_SECTION_LINE = re.compile(r"(?i)^\s*(?:#|\*\*|<h\d)|^\s*(?:examples?|samples?|input|output|explanation|notes?)\b")


def _split_subtask_lines(text: str) -> tuple[str, str]:
    """The text without its subtasks, and the subtasks: a Constraints list that ends with "Subtask #1 [22 points]:
    1 ≤ N ≤ 500" (PUPPYCT) bounds N by 10^6 overall, not by the smallest subtask's 500. A subtask's line and the lines
    under it (XETF's "Subtask 2 (10 points):" then "- K = 0") up to the next heading are the subtask's."""
    kept: list[str] = []
    subtasks: list[str] = []
    inside = False
    for line in text.split("\n"):
        if _SUBTASK_LINE.search(line):
            inside = True
        elif inside and _SECTION_LINE.search(line):
            inside = False
        (subtasks if inside else kept).append(line)
    return "\n".join(kept), "\n".join(subtasks)


def read_statement(statement: str) -> Reading:
    sections = find_sections(statement)
    words = variable_words(statement)
    labels = labelled_names(plain(statement)) | label_subscripts(statement)
    primary, inline_subtasks = _split_subtask_lines(sections.primary)
    bounds = read_bounds(plain(primary), words, labels=labels)
    if not sections.constraints and sections.headed:  # old statements bound variables anywhere
        everywhere, subtasks_anywhere = _split_subtask_lines(statement)
        bounds.merge(read_bounds(plain(everywhere), words, equalities=False, labels=labels))
        inline_subtasks = "\n".join(text for text in (inline_subtasks, subtasks_anywhere) if text)
    subtasks = "\n".join(text for text in (sections.subtasks, inline_subtasks) if text)
    if subtasks:  # a subtask's bound only where nothing else says
        bounds.merge(read_bounds(plain(subtasks), words, widest=True, labels=labels))
    indices = index_names(statement)
    names = input_names(sections.input, set(bounds.ranges) - {UNNAMED_INTEGERS}, indices, words, labels)
    text = plain(statement)
    queries = hints.query_forms(plain(sections.input))
    return Reading(
        bounds,
        names,
        indices,
        hints.speaks_of_cases(statement),
        hints.alphabets(text),
        hints.eof_rows(plain(sections.input) or text),
        hints.letter_rule(text),
        hints.decimals(text),
        hints.line_counts(plain(sections.input)),
        hints.primes(text),
        hints.parities(text),
        hints.mentions(statement, "quer", "operation", "type", "command", "event", "instruction", "request"),
        queries,
        text,
    )
