"""An input specification where no jury validator exists (scraped problems): the statement read as a contestant
reads it, and the known inputs read for their shape, joined and proved.

1. The known inputs give the structure (``layout``): fixed lines, arrays and blocks with counts read before them,
   lines that carry their own count, and test cases.
2. The statement gives names and bounds (``statement``): its sections by meaning, every bound in every notation, the
   variables its Input section names in order, and hints (alphabets, trees, graphs, permutations, distinct and
   sorted values, decimals).
3. Names are tied to the columns of the structure by an alignment that keeps their order and lets a name's bounds
   vote (a name bounded to [1, 10^5] does not take a column of words), so a variable the Input section mentions
   but the input does not carry is skipped, not shifted onto the next column.
4. A column whose bounds the statement does not state is bounded by what the known inputs show: valid, but narrow
   (the reason names every such column, and ``stated`` is False).
5. The specification (``specification.Specification``) is written as a checktestdata script and proved against
   every known input (their whitespace made canonical, since a scraped sample may carry a trailing space); a
   structure or bound they contradict is dropped, and if even the plain structure rejects one, nothing is used.

As a generator only (``for_generation=True``, when a jury's own validator decides what is valid), unstated bounds
are the inputs' range widened, and the jury's validator throws away what it does not accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cpdata.curation.testgen.builder import Builder, Built, Unusable
from cpdata.curation.testgen.ctdcheck import CompiledScript, ScriptError
from cpdata.curation.testgen.layout import read_layouts
from cpdata.curation.testgen.specification import Field, Specification
from cpdata.curation.testgen.statement.reading import read_statement
from cpdata.schema import Problem, ProblemProgram
from cpdata.schema.models import INFERRED_SPECIFICATION

__all__ = ["INFERRED_NAME", "Inference", "canonical", "infer_spec", "read_statement"]

INFERRED_NAME = INFERRED_SPECIFICATION


@dataclass(frozen=True)
class Inference:
    script: str | None
    reason: str
    """What the specification covers, or why none was inferred."""
    specification: Specification | None = None
    stated: bool = False
    """Every bound comes from the statement (not from the range of the known inputs)."""
    category: str = ""
    """Why there is none, as a short category for totals (``no sample``, ``structure``, ``rejects an input``)."""

    def as_program(self, problem: Problem) -> ProblemProgram | None:
        if self.script is None:
            return None
        files = {"spec.ctd": self.script}
        if self.specification is not None:
            files["spec.json"] = self.specification.to_json()
        return ProblemProgram(
            site=problem.site,
            contest_id=problem.contest_id,
            index=problem.index,
            role="input_validator",
            name=INFERRED_NAME,
            language="checktestdata",
            files=files,
            entry="spec.ctd",
        )


def canonical(text: str) -> str:
    """An input with one space between tokens and one newline after each line (how a specification writes it), and no
    blank line before its first or after its last (a scraped sample's page layout, not the input's)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n \t").split("\n")
    return "".join(" ".join(line.split()) + "\n" for line in lines) if text.strip() else ""


def infer_spec(problem: Problem, inputs: list[str], *, for_generation: bool = False) -> Inference:
    """A specification of the problem's input, proved against every known input, or why there is none."""
    known = [canonical(text) for text in inputs if text and text.strip()]
    if not known:
        return Inference(None, "no sample or official input to learn the shape from", category="no sample")
    reading = read_statement(problem.statement or "")
    layouts = read_layouts(known, cases=reading.cases, queries=reading.speaks_of_queries, until_eof=reading.eof_rows is not None)
    if isinstance(layouts, str):
        return Inference(None, layouts, category="structure")
    # Several readings of the inputs may fit them (n = 2 then "2 3" / "1 2": an array, or two lines of a block):
    # the one the statement explains best wins (most bounds stated, fewest parts), the statement's own hint of
    # test cases breaking ties.
    candidates: list[tuple[float, int, Built]] = []
    unusable: Unusable | None = None
    for order, layout in enumerate(layouts):
        try:
            built = Builder(layout, reading, for_generation=for_generation).build()
        except Unusable as exc:
            unusable = unusable or exc
            continue
        candidates.append((-built.score(), order, built))
    if not candidates:
        assert unusable is not None
        return Inference(None, str(unusable), category=unusable.category)
    # a reading that leaves a count of lines the statement names uncounted is not the statement's input: refused
    # (better no generated test than tests of another shape)
    faithful = [c for c in candidates if not c[2].unread_line_counts()]
    if not faithful:
        unread = ", ".join(dict.fromkeys(candidates[0][2].unread_line_counts()))
        return Inference(None, f"the statement's lines counted by {unread} are not where the known inputs put them",
                         category="structure")  # fmt: skip
    candidates = faithful
    first: Inference | None = None
    for _, _, built in sorted(candidates, key=lambda c: (c[0], c[1])):
        inference = _prove(built, known, for_generation=for_generation)
        if inference.script is not None:
            return inference
        first = first or inference
    assert first is not None
    return first


def _prove(built: Built, known: list[str], *, for_generation: bool) -> Inference:
    """The specification, relaxed step by step until it accepts every known input (or nothing is used)."""
    attempts = [("", built.spec), *_relaxations(built.spec)]
    first_rejection = ""
    for relaxed_by, spec in attempts:
        try:
            script = CompiledScript.compile(spec.script())
        except (ScriptError, ValueError) as exc:
            return Inference(None, f"the specification cannot be written: {exc}", category="internal")
        rejection = next((r for r in map(script.rejection, known) if r is not None), None)
        if rejection is None:
            notes = [f"dropped because a known input contradicts it: {relaxed_by}"] if relaxed_by else []
            if built.widened:
                notes.append(f"from 0 where the statement says 1, as the known inputs show: {', '.join(built.widened.values())}")
            if built.unstated:
                notes.append(f"bounds from the known inputs (the statement states none): {', '.join(built.unstated.values())}")
            reason = _describe(spec) + ("; " + "; ".join(notes) if notes else "")
            stated = for_generation or (not built.unstated and all(f.stated for f in spec.fields()))
            return Inference(script.text, reason, spec, stated=stated)
        first_rejection = first_rejection or rejection
    return Inference(None, f"the specification rejects a known input ({first_rejection})", category="rejects an input")


def _relaxations(spec: Specification) -> list[tuple[str, Specification]]:
    """Weaker specifications, each dropping more of what the statement was read to say."""
    out = []
    structures = Specification(
        [
            replace(p, distinct=False, order="", permutation=False, graph="", vertices="", simple=False, unique_edges=False)
            for p in spec.parts
        ],
        spec.cases,
        spec.sums,
        [],
    )
    for part in structures.parts:
        part.fields = [replace(f, not_equal=[]) for f in part.fields]
    out.append(("structures (distinct, sorted, trees, graphs) and relations between variables", structures))
    no_sums = Specification(structures.parts, structures.cases, {}, [])
    out.append(("sums over the test cases", no_sums))
    numeric = Specification(
        [replace(p, fields=[_numeric_only(f) for f in p.fields]) for p in no_sums.parts],
        _numeric_only(no_sums.cases) if no_sums.cases else None,
    )
    out.append(("bounds that name other variables", numeric))
    return out


def _numeric_only(f: Field) -> Field:
    """The field without bounds that name variables; a side left with none takes the range the inputs show."""
    keep_low = [v for v in f.low if re.fullmatch(r"-?\d+(?:\.\d+)?", v)]
    keep_high = [v for v in f.high if re.fullmatch(r"-?\d+(?:\.\d+)?", v)]
    if (keep_low == f.low and keep_high == f.high) or len(f.seen) != 2:
        return f
    stated = f.stated and bool(keep_low) and bool(keep_high)
    return replace(f, low=keep_low or [f.seen[0]], high=keep_high or [f.seen[1]], stated=stated)


def _describe(spec: Specification) -> str:
    def shown(f: Field) -> str:
        label = f.name or f.var
        low, high = ", ".join(f.low), ", ".join(f.high)
        if f.kind == "word":
            first = f" after a first letter of {_alphabet_label(f.first_alphabet)}" if f.first_alphabet else ""
            holding = f", holding one of {_alphabet_label(f.contains)}" if f.contains else ""
            return f"{label} a string over {_alphabet_label(f.alphabet)}{first} of length [{low}, {high}]{holding}"
        kind = "a real" if f.kind == "real" else "a prime" if f.prime else ""
        return f"{label}{' ' + kind if kind else ''} in [{low}, {high}]"

    parts = []
    for part in spec.parts:
        fields = "; ".join(shown(f) for f in part.fields)
        extra = [x for x in ("distinct" if part.distinct else "", f"sorted {part.order}" if part.order else "") if x]
        extra += ["a permutation"] if part.permutation else []
        extra += [f"edges of a {part.graph} on {part.vertices} vertices"] if part.graph else []
        label = part.kind if part.kind == "line" else f"{part.kind} of {part.count}" if part.count else part.kind
        if part.kind == "rest":
            label = f"lines until the end of the input ({part.rows[0]} to {part.rows[1]})"
        parts.append(f"{label} ({fields}{', ' + ', '.join(extra) if extra else ''})")
    body = ", ".join(parts)
    if spec.cases is not None:
        sums = "".join(f"; sum of {v} at most {limit}" for v, limit in spec.sums.items())
        count = f"[{', '.join(spec.cases.low)}, {', '.join(spec.cases.high)}]"
        return f"{spec.cases.name or 'T'} test cases in {count}, each: {body}{sums}"
    return body


def _alphabet_label(alphabet: str) -> str:
    for label, chars in (("a-z", "abcdefghijklmnopqrstuvwxyz"), ("A-Z", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), ("0-9", "0123456789")):
        if chars in alphabet:
            alphabet = alphabet.replace(chars, label)
    return f"[{alphabet}]"
