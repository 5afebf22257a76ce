"""Structures a specification's parts hold beyond bounds: distinct or sorted values, permutations, the edges of a
tree or a connected graph. ``mark_structures`` finds them (the statement says so and every known input agrees);
the specification's script checks them and ``draw`` generates them.
"""

from __future__ import annotations

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
    pattern = rf"{re.escape(name)}_?\{{?1\}}?\s*([<≤])\s*{re.escape(name)}_?\{{?2\}}?\s*[<≤]"
    match = re.search(pattern, text)
    if match:
        return "<" if match.group(1) == "<" else "<="
    return ""


def mark_structures(spec: Specification, layout: Layout, text: str, var_of: dict[int, str]) -> None:
    del var_of
    sections = layout.sections
    for part, section in zip(spec.parts, sections, strict=True):
        if part.kind == "array" and part.fields[0].kind == "int":
            _array(part, section.columns[0].tokens, section.columns[0].owners, text)
        elif part.kind == "block" and len(part.fields) >= 2 and all(f.kind == "int" for f in part.fields[:2]):
            _edges(part, [c.tokens for c in section.columns[:2]], section.columns[0].owners, text, layout)


def _array(part: Part, tokens: list[str], owners: list[int], text: str) -> None:
    element = part.fields[0]
    arrays = _per_stream(tokens, owners)
    if not arrays or max(len(a) for a in arrays) < 2:
        return
    all_distinct = all(len(set(a)) == len(a) for a in arrays)
    if mentions(text, "permutation") and all(sorted(a) == list(range(1, len(a) + 1)) for a in arrays):
        part.permutation = True
        element.low, element.high = ["1"], [part.count]
        return
    if all_distinct and (mentions(text, "distinct", "pairwise different", "all different", "unique", "different integers")):
        part.distinct = True
    order = _sorted_claim(text, element.name)
    if order and all(all((x < y) if order == "<" else (x <= y) for x, y in zip(a, a[1:], strict=False)) for a in arrays):
        part.order = order


def _edges(part: Part, columns: list[list[str]], owners: list[int], text: str, layout: Layout) -> None:
    u, v = part.fields[0], part.fields[1]
    vertices = next((h for h in u.high if re.fullmatch(r"[a-z][a-z0-9]*", h)), "")
    if not vertices and part.count.endswith(" - 1"):
        vertices = part.count[: -len(" - 1")]
    if not vertices:
        return
    if u.not_equal or v.not_equal or mentions(text, "no self[- ]loops", "simple graph", "u_i \\ne v_i"):
        part.simple = True
    if part.count == f"{vertices} - 1" and mentions(text, "tree"):
        part.graph, part.vertices = "tree", vertices
    elif mentions(text, "connected") and not mentions(text, "not connected", "disconnected", "not necessarily connected"):
        part.graph, part.vertices = "connected", vertices
    else:
        part.graph, part.vertices = "graph", vertices
    if part.graph == "graph":
        part.graph, part.vertices = "", ""  # nothing to check or draw beyond the bounds
    del columns, owners, layout
