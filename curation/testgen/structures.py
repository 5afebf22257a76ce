"""Structures a specification's parts hold beyond bounds: distinct or sorted values, permutations, the edges of a
tree, a connected graph or a directed acyclic graph. ``mark_structures`` finds them (the statement says so and every
known input agrees); the specification's script checks them and ``draw`` generates them."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

from cpdata.curation.testgen.layout import Layout
from cpdata.curation.testgen.specification import Part, Specification
from cpdata.curation.testgen.statement.hints import mentions

__all__ = ["mark_structures"]


def _per_stream(tokens: list[str], owners: list[int]) -> list[list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for owner, token in zip(owners, tokens, strict=True):
        grouped[owner].append(int(token))
    return list(grouped.values())


def _sorted_claim(text: str, name: str | None) -> str:
    """``A_1 < A_2 < ... < A_N`` or ``A_1 ≤ A_2 ≤ ...``: the order the statement states for an array."""
    if name is None:
        return ""
    following = rf"(?:{re.escape(name)}_?\{{?2\}}?\s*[<≤]|\.\.\.|…)"  # x_1 < x_2 < ..., or x_1 < ... < x_n
    pattern = rf"{re.escape(name)}_?\{{?1\}}?\s*([<≤])\s*{following}"
    match = re.search(pattern, text)
    if match:
        return "<" if match.group(1) == "<" else "<="
    return ""


_GRAPH_WORDS = ("edge", "vertex", "vertices", "vertice", "node", "tree", "graph", "road", "connected")


def mark_structures(spec: Specification, layout: Layout, text: str) -> set[str]:
    """Mark the structures the statement claims and the known inputs show. Returns the variables whose bounds the
    structure states (the ends of an edge lie among the vertices, a permutation's values in 1..n) though the statement's
    bounds did not."""
    bounded: set[str] = set()
    for part, section in zip(spec.parts, layout.sections, strict=True):
        if part.kind == "array" and part.fields[0].kind == "int":
            _array(part, section.columns[0].tokens, section.columns[0].owners, text)
            if part.permutation:  # a permutation of 1..n: its values are bounded by it
                bounded.add(part.fields[0].var)
        elif part.kind == "block" and len(part.fields) >= 2 and all(f.kind == "int" for f in part.fields[:2]):
            bounded |= _edges(spec, part, [c.tokens for c in section.columns[:2]], text)
            if not part.graph:
                _block_order(part, section.columns[0].tokens, section.columns[0].owners, text)
    return bounded


def _block_order(part: Part, tokens: list[str], owners: list[int], text: str) -> None:
    """``x_1 < x_2 < ... < x_n`` for a block's first column (flappy's intervals, sorted by position)."""
    order = _sorted_claim(text, part.fields[0].name)
    columns = _per_stream(tokens, owners)
    if order and columns and all(all((x < y) if order == "<" else (x <= y) for x, y in itertools.pairwise(c)) for c in columns):
        part.order = order


def _array(part: Part, tokens: list[str], owners: list[int], text: str) -> None:
    element = part.fields[0]
    arrays = _per_stream(tokens, owners)
    if not arrays or max(len(a) for a in arrays) < 2:
        return
    all_distinct = all(len(set(a)) == len(a) for a in arrays)
    if mentions(text, "permutation") and all(sorted(a) == list(range(1, len(a) + 1)) for a in arrays):
        part.permutation = True
        element.low, element.high, element.stated = ["1"], [part.count], True
        return
    if all_distinct and _says_distinct(text, element.name):
        part.distinct = True
    order = _sorted_claim(text, element.name)
    if order and all(all((x < y) if order == "<" else (x <= y) for x, y in itertools.pairwise(a)) for a in arrays):
        part.order = order


_DISTINCT = re.compile(r"(?i)\b(?:distinct|pairwise different|all different|unique|different integers)")
_VALUES = re.compile(r"(?i)\b(?:integers|numbers|elements|values)\b")


def _says_distinct(text: str, name: str | None) -> bool:
    """A sentence that says the values are distinct: it speaks of them (their name, or "integers", "elements"), not
    only of something else that is (COOLCHEF's "the number of distinct orders of spices")."""
    named = re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])") if name else None
    for sentence in re.split(r"(?<=[.;:])\s+|\n", text):
        if _DISTINCT.search(sentence) and (_VALUES.search(sentence) or (named is not None and named.search(sentence))):
            return True
    return False


def _vertices(spec: Specification, part: Part) -> str:
    """The variable that counts the vertices: the bound the statement gives an edge's end (``u ≤ n``), the count of a
    tree's ``n - 1`` edges, or the integer read just before the edges' count on its line (``n m``, then m edges)."""
    u = part.fields[0]
    named = next((h for h in u.high if re.fullmatch(r"[a-z][a-z0-9]*", h)), "")
    if named:
        return named
    if part.count.endswith(" - 1"):
        return part.count[: -len(" - 1")]
    for other in spec.parts:
        variables = [f.var for f in other.fields]
        if other.kind == "line" and part.count in variables and variables.index(part.count) > 0:
            before = other.fields[variables.index(part.count) - 1]
            if before.kind == "int" and (before.name or "") in ("n", "N", "v", "V"):
                return before.var
    return ""


# A simple graph in the statement's words; u ≠ v alone forbids loops, not repeated edges (YASPP's coloured edges).
_KINDS_OF_REPEATS = r"(?:multiple|multi-?|parallel|duplicate|repeated) ?edges"
_UNIQUE_EDGES = (
    "simple graph", "graph is simple", rf"(?:no|without) (?:self[- ]?loops? (?:or|and|nor) )?{_KINDS_OF_REPEATS}",
    "no two edges connect the same", "at most one edge between", "each pair of (?:vertices|nodes) is connected by at most one",
)  # fmt: skip
_REPEATS_ALLOWED = ("not necessarily simple", rf"(?:may|can|might) (?:contain|have)[^.]{{0,30}}{_KINDS_OF_REPEATS}")


def _edges(spec: Specification, part: Part, columns: list[list[str]], text: str) -> set[str]:
    u, v = part.fields[0], part.fields[1]
    vertices = _vertices(spec, part)
    if not vertices or not mentions(text, *_GRAPH_WORDS):
        return set()
    for end in (u, v):  # an end bounded by another count (FIBTREE's misread ``x ≤ M``) is no vertex of this graph
        if end.stated and any(re.fullmatch(r"[a-z][a-z0-9]*", h) and h != vertices for h in end.high):
            return set()
    bounded = set()
    values = [int(x) for column in columns for x in column]
    base = 0 if min(values) == 0 else 1
    for end in (u, v):
        if not end.stated:  # the statement bounds neither end: the vertices do
            end.low, end.high, end.stated = [str(base)], [vertices if base else f"{vertices} - 1"], True
            bounded.add(end.var)
    if u.not_equal or v.not_equal or mentions(text, "no self[- ]loops", *_UNIQUE_EDGES):
        part.simple, part.vertices = True, vertices
    if mentions(text, *_UNIQUE_EDGES) and not mentions(text, *_REPEATS_ALLOWED):
        part.unique_edges = True
        part.directed = mentions(text, "directed") and not mentions(text, "undirected")
    if mentions(text, "acyclic", "DAG") and mentions(text, "directed"):
        part.graph, part.vertices = "dag", vertices
    elif part.count == f"{vertices} - 1" and mentions(text, "tree"):
        part.graph, part.vertices = "tree", vertices
    elif mentions(text, "connected") and not mentions(text, "not connected", "disconnected", "not necessarily connected"):
        part.graph, part.vertices = "connected", vertices
    return bounded
