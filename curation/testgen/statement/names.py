"""The variables an Input section names, in the order it names them.

Names come from the section's mathematics (``$N$``, ``**N**``, ``\\(N\\)``, backquoted text) and, in plain text,
from the variables the constraints bound (``The first line contains N and M`` with ``1 ≤ N, M ≤ 10^5`` below).
Indexed names are arrays: ``A_1, A_2, ..., A_N``, ``A_{i}``, ``A1 A2 ... AN`` are all ``A``. Index variables are not
tokens: ``i`` in ``A_i`` or ``the i-th line`` is dropped, unless the statement bounds it as a value of its own.
Names are case-sensitive.
"""

from __future__ import annotations

import re

from cpdata.curation.testgen.statement.bounds import base_name
from cpdata.curation.testgen.statement.text import plain

__all__ = ["index_names", "input_names", "label_subscripts", "variable_words"]

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\*\*(.+?)\*\*|\\\((.+?)\\\)|`([^`\n]+)`|<var>(.+?)</var>", re.S)
_IDENTIFIER = re.compile(
    r"(?<![\\A-Za-z0-9_])([A-Za-z](?:_(?:\{[^{}]{1,12}\}|[A-Za-z0-9]+)|[0-9]{1,2}(?![0-9]))?'?)(?![A-Za-z(])"
)
_FUNCTIONS = {"min", "max", "gcd", "lcm", "mod", "log", "sum", "le", "ge", "lt", "gt", "cdot", "dots", "ldots"}
# words statements set in bold for emphasis, not as variables
_EMPHASIS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "zero", "and", "or", "not", "no",
    "yes", "only", "exactly", "strictly", "distinct", "different", "all", "any", "each", "every", "first", "last",
    "next", "must", "will", "can", "cannot", "minimum", "maximum", "minimal", "maximal", "least", "most", "at",
    "impossible", "possible", "none", "the", "of", "is", "are", "be", "integer", "integers", "string", "strings",
    "note", "input", "output", "example", "explanation", "modulo", "mod", "odd", "even", "positive", "negative",
    "lowercase", "uppercase", "unique", "subsequence", "substring", "subarray", "permutation", "tree", "graph",
}  # fmt: skip
# plain-text capitals that are English words, not variables, unless they carry an index
_ENGLISH = {"A", "I", "a"}


def variable_words(statement: str) -> frozenset[str]:
    """Names longer than one letter that the statement writes as mathematics on their own (``**jacketCost**``,
    ``$cnt$``): variables, where plain text would read them as words."""
    found = set()
    for match in _MATH.finditer(statement):
        body = plain(next(g for g in match.groups() if g is not None)).strip()
        parts = [part.strip() for part in re.split(r",|\band\b", body)]  # **jacketCost, sockCost, money**
        if not all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,24}", part) for part in parts):
            continue
        for part in parts:
            indexed = re.fullmatch(r"[A-Za-z]_?\d+|[A-Za-z]_\w+", part)
            if len(part) > 1 and part.lower() not in _FUNCTIONS | _EMPHASIS and not indexed:
                found.add(part)
    return frozenset(found)


def _alone(statement: str) -> set[str]:
    """Single letters the statement writes as variables of their own (``$n$``, ``**n**``)."""
    return {m.group(1) for m in re.finditer(r"(?:\$|\*\*)\s*([A-Za-z])\s*(?:\$|\*\*)", statement)}


def label_subscripts(statement: str) -> frozenset[str]:
    """Names whose one-letter subscript labels them rather than indexes them: flappy's ``x_s``, ``y_t`` (start and
    target) beside its ``x_i``. A subscript that is an index letter (i, j, k), or that ends a list (the ``n`` of
    ``x_1 < ... < x_n``, ``A_1, A_2, \\ldots, A_N``), indexes."""
    ends = {
        (m.group(1), m.group(2))
        for m in re.finditer(r"(?:\.\.\.|\\[lc]?dots|…)\s*[<≤,]?\s*([A-Za-z])_\{?([A-Za-z])\}?(?![A-Za-z0-9])", statement)
    }
    found = set()
    for base, subscript in re.findall(r"(?<![A-Za-z\\])([A-Za-z])_\{?([a-z])\}?(?![A-Za-z0-9])", statement):
        if subscript not in ("i", "j", "k") and (base, subscript) not in ends:
            found.add(f"{base}_{subscript}")
    # digits label too where the letter is never indexed nor listed (COOLCHEF's four integers L_1, L_2, R_1, R_2; a
    # segment's x_1, y_1, x_2, y_2), not in an array's ``S_0, S_1, \ldots, S_{N-1}`` or beside an ``A_i``
    indexed = {m.group(1) for m in re.finditer(r"(?<![A-Za-z\\])([A-Za-z])_\{?(?:[a-zA-Z]|[a-zA-Z]?\s*[-+])", statement)}
    listed = {m.group(1) for m in re.finditer(r"(?<![A-Za-z\\])([A-Za-z])_\{?\d\}?\s*,?\s*(?:\.\.\.|\\[lc]?dots|…)", statement)}
    for base, subscript in re.findall(r"(?<![A-Za-z\\])([A-Za-z])_\{?(\d)\}?(?![A-Za-z0-9,}])", statement):
        if base not in indexed and base not in listed:
            found.add(f"{base}_{subscript}")
    return frozenset(found)


def index_names(statement: str) -> set[str]:
    """Names used as indices: ``i`` and ``j`` as subscripts (``A_i``, ``a_{i,j}``), any other letter as a subscript only
    where it never stands alone (``a_k``, but not the ``n`` of ``a_1, ..., a_n`` beside ``$n$``), and ordinals
    (``the i-th``, ``i^{th}``)."""
    subscripts: set[str] = set()
    for match in re.finditer(r"_(?:\{([a-z](?:\s*,\s*[a-z])*)\}|([a-z]))(?![A-Za-z0-9])", statement):
        subscripts |= set(re.split(r"\s*,\s*", match.group(1) or match.group(2)))
    alone = _alone(statement)
    labels = {name.partition("_")[2] for name in label_subscripts(statement)}
    found = {s for s in subscripts if s in ("i", "j") or (s not in alone and s not in labels)}
    for match in re.finditer(r"(?<![A-Za-z])([a-z])\s*(?:-th|th\b|\^\{?th\}?|\$-th|\$th)", statement):
        found.add(match.group(1))
    return found


def input_names(
    section: str, known: set[str], indices: set[str], words: frozenset[str] = frozenset(), labels: frozenset[str] = frozenset()
) -> list[str]:
    """The base names the Input section mentions, in order of first mention. ``known``: names the constraints bound
    (recognised in plain text too); ``indices``: names used as indices, kept only where the constraints bound them
    (``1 ≤ i ≤ n`` may bound a query's position as well as an index: the alignment decides)."""
    mentions: list[tuple[int, str]] = []
    spans = []
    for match in _MATH.finditer(section):
        body = next(g for g in match.groups() if g is not None)
        spans.append((match.start(), match.end()))
        body = plain(body)
        for long_name in re.finditer(r"(?<![\\A-Za-z0-9_])[A-Za-z][A-Za-z0-9]{1,24}(?![A-Za-z0-9_])", body):
            if long_name.group(0) in words:
                mentions.append((match.start() + long_name.start(), long_name.group(0)))
        for name in _IDENTIFIER.finditer(body):
            mentions.append((match.start() + name.start(), name.group(1)))
    rest = section
    for start, end in reversed(spans):
        rest = rest[:start] + " " * (end - start) + rest[end:]
    for name in _IDENTIFIER.finditer(rest):
        word = name.group(1)
        base = base_name(word, labels)
        if base in known and (word not in _ENGLISH or word != base):
            mentions.append((name.start(), word))
    names: list[str] = []
    for _, word in sorted(mentions):
        base = base_name(word, labels)
        if base.lower() in _FUNCTIONS or not base:
            continue
        if base in indices and base not in known:
            continue
        if base not in names:
            names.append(base)
    return names
