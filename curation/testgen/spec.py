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
from dataclasses import dataclass, field, replace
from fractions import Fraction

from cpdata.curation.testgen.ctdcheck import CompiledScript, ScriptError
from cpdata.curation.testgen.layout import Column, Layout, Section, read_layouts
from cpdata.curation.testgen.specification import Field, FieldKind, Part, Specification
from cpdata.curation.testgen.statement import hints
from cpdata.curation.testgen.statement.bounds import Bounds, Range, labelled_names, read_bounds
from cpdata.curation.testgen.statement.names import index_names, input_names, variable_words
from cpdata.curation.testgen.statement.sections import find_sections
from cpdata.curation.testgen.statement.text import plain
from cpdata.schema import Problem, ProblemProgram
from cpdata.schema.models import INFERRED_SPECIFICATION

__all__ = ["INFERRED_NAME", "Inference", "canonical", "infer_spec", "read_statement"]

INFERRED_NAME = INFERRED_SPECIFICATION
_INT = re.compile(r"-?(?:0|[1-9]\d{0,18})")
_REAL = re.compile(r"-?\d+(?:\.\d+)?")
_KEYWORDS = {"int", "rep", "set", "end", "eof"}


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


@dataclass
class Reading:
    """What the statement says, read once."""

    bounds: Bounds
    names: list[str]
    indices: set[str]
    """Names the statement uses as indices (``i`` in ``A_i``): a column only where nothing else fits."""
    cases: bool
    alphabets: list[str]
    decimals: int | None
    line_counts: list[tuple[str, int]]
    """Counts of lines the Input section names, in order (``N - 1 lines``): (name, how many fewer)."""
    primes: set[str]
    """Names the statement says are primes."""
    speaks_of_queries: bool
    queries: dict[str, list[str]]
    """The forms of queries the Input section shows (``1 x y``, ``2 l r``): type -> the names that follow it."""
    text: str
    """The statement in the plain notation (hints are looked for in it)."""


def read_statement(statement: str) -> Reading:
    sections = find_sections(statement)
    words, labels = variable_words(statement), labelled_names(plain(statement))
    bounds = read_bounds(plain(sections.primary), words, labels=labels)
    if not sections.constraints and sections.headed:  # old statements bound variables anywhere
        bounds.merge(read_bounds(plain(statement), words, equalities=False, labels=labels))
    if sections.subtasks:  # a subtask's bound only where nothing else says
        bounds.merge(read_bounds(plain(sections.subtasks), words, widest=True, labels=labels))
    indices = index_names(statement)
    names = input_names(sections.input, set(bounds.ranges), indices, words, labels)
    text = plain(statement)
    queries = hints.query_forms(plain(sections.input))
    return Reading(
        bounds,
        names,
        indices,
        hints.speaks_of_cases(statement),
        hints.alphabets(text),
        hints.decimals(text),
        hints.line_counts(plain(sections.input)),
        hints.primes(text),
        hints.mentions(statement, "quer", "operation", "type", "command", "event", "instruction", "request"),
        queries,
        text,
    )


def infer_spec(problem: Problem, inputs: list[str], *, for_generation: bool = False) -> Inference:
    """A specification of the problem's input, proved against every known input, or why there is none."""
    known = [canonical(text) for text in inputs if text and text.strip()]
    if not known:
        return Inference(None, "no sample or official input to learn the shape from", category="no sample")
    reading = read_statement(problem.statement or "")
    layouts = read_layouts(known, cases=reading.cases, queries=reading.speaks_of_queries)
    if isinstance(layouts, str):
        return Inference(None, layouts, category="structure")
    # Several readings of the inputs may fit them (n = 2 then "2 3" / "1 2": an array, or two lines of a block):
    # the one the statement explains best wins (most bounds stated, fewest parts), the statement's own hint of
    # test cases breaking ties.
    candidates: list[tuple[float, int, _Built]] = []
    unusable: _Unusable | None = None
    for order, layout in enumerate(layouts):
        try:
            built = _Builder(layout, reading, for_generation=for_generation).build()
        except _Unusable as exc:
            unusable = unusable or exc
            continue
        candidates.append((-built.score(), order, built))
    if not candidates:
        assert unusable is not None
        return Inference(None, str(unusable), category=unusable.category)
    first: Inference | None = None
    for _, _, built in sorted(candidates, key=lambda c: (c[0], c[1])):
        inference = _prove(built, known, for_generation=for_generation)
        if inference.script is not None:
            return inference
        first = first or inference
    assert first is not None
    return first


class _Unusable(ValueError):
    def __init__(self, message: str, category: str) -> None:
        super().__init__(message)
        self.category = category


@dataclass
class _Built:
    spec: Specification
    unstated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line_counts: list[tuple[str, int]] = field(default_factory=list)

    def score(self) -> float:
        """How well the statement explains this reading: fewer bounds left to the inputs, fewer parts (a reading that
        splits a block into a shorter block and a line explains less), and blocks whose number of lines the statement
        names (``N - 1 lines follow``)."""
        fields = self.spec.fields()
        stated = sum(1 for f in fields if f.stated)
        names = {f.var: f.name for f in fields}
        named_blocks, at = 0, 0  # blocks whose counts the statement names, in the order it names them
        for part in self.spec.parts:
            if part.kind in ("block", "queries") and part.count:
                var, _, less = part.count.partition(" - ")
                wanted = (names.get(var), 1 if less else 0)
                if wanted in self.line_counts[at:]:
                    at += self.line_counts[at:].index(wanted) + 1
                    named_blocks += 1
        return -2 * (len(fields) - stated) - 0.5 * len(self.spec.parts) + 2 * named_blocks


def _prove(built: _Built, known: list[str], *, for_generation: bool) -> Inference:
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
            notes = [*built.notes, *([f"dropped because a known input contradicts it: {relaxed_by}"] if relaxed_by else [])]
            if built.unstated:
                notes.append(f"bounds from the known inputs (the statement states none): {', '.join(built.unstated)}")
            reason = _describe(spec) + ("; " + "; ".join(notes) if notes else "")
            stated = for_generation or (not built.unstated and all(f.stated for f in spec.fields()))
            return Inference(script.text, reason, spec, stated=stated)
        first_rejection = first_rejection or rejection
    return Inference(None, f"the specification rejects a known input ({first_rejection})", category="rejects an input")


def _relaxations(spec: Specification) -> list[tuple[str, Specification]]:
    """Weaker specifications, each dropping more of what the statement was read to say."""
    out = []
    structures = Specification(
        [replace(p, distinct=False, order="", permutation=False, graph="", vertices="", simple=False) for p in spec.parts],
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
            return f"{label} a string over {_alphabet_label(f.alphabet)} of length [{low}, {high}]"
        kind = "a real" if f.kind == "real" else "a prime" if f.prime else ""
        return f"{label}{' ' + kind if kind else ''} in [{low}, {high}]"

    parts = []
    for part in spec.parts:
        fields = "; ".join(shown(f) for f in part.fields)
        extra = [x for x in ("distinct" if part.distinct else "", f"sorted {part.order}" if part.order else "") if x]
        extra += ["a permutation"] if part.permutation else []
        extra += [f"edges of a {part.graph} on {part.vertices} vertices"] if part.graph else []
        label = part.kind if part.kind == "line" else f"{part.kind} of {part.count}" if part.count else part.kind
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


class _Builder:
    """A layout and a statement reading joined into a specification."""

    def __init__(self, layout: Layout, reading: Reading, *, for_generation: bool) -> None:
        self.layout = layout
        self.reading = reading
        self.for_generation = for_generation
        self.unstated: list[str] = []
        self.notes: list[str] = []
        self.used_vars: set[str] = set()
        self.var_of: dict[int, str] = {}
        """id(column) -> its checktestdata variable."""
        self.layout_var: dict[str, str] = {}
        """The layout's own variables (x0, x1, ...) -> checktestdata variables."""
        self.reversed: dict[str, list[tuple[str, str]]] = {}
        """Bounds that name a variable read later (``a ≤ n`` with ``a`` before ``n``): that name -> (side, variable),
        given to the later variable the other way round (``n ≥ a``)."""

    def build(self) -> _Built:
        columns = self.layout.columns
        names = _align(columns, self.reading.names, self.reading.bounds, self.reading.indices)
        for column in columns:
            self.var_of[id(column)] = self.new_var(names.get(id(column)))
            if column.var:
                self.layout_var[column.var] = self.var_of[id(column)]
        visible: dict[str, str] = {}  # statement name -> variable, for bounds that name variables
        cases = None
        sums: dict[str, str] = {}
        if self.layout.cases is not None:
            cases = self.field(self.layout.cases, names.get(id(self.layout.cases)), visible, [])
            if cases.kind != "int":
                raise _Unusable("the test-case count is not an integer", "structure")
            cases.low = [str(max(1, int(v))) if re.fullmatch(r"-?\d+", v) else v for v in cases.low]
        parts = []
        for section in self.layout.sections:
            parts.append(self.part(section, names, visible))
        if self.layout.cases is not None:
            for part in parts:
                for f in part.fields:
                    limit = self.sum_limit(f)
                    if limit is not None:
                        sums[f.var] = limit
        assertions = self.assertions(visible)
        spec = Specification(parts, cases, sums, assertions, self.totals(parts))
        self.structures(spec)
        return _Built(spec, self.unstated, self.notes, self.reading.line_counts)

    def new_var(self, name: str | None) -> str:
        base = re.sub(r"[^a-z0-9]", "", (name or "").lower()) or "v"
        if not base[0].isalpha():
            base = "v" + base
        base = base[:8]
        var, k = base, 1
        while var in self.used_vars or var in _KEYWORDS or var.startswith("zz"):
            k += 1
            var = f"{base}{k}"
        self.used_vars.add(var)
        return var

    def sum_limit(self, f: Field) -> str | None:
        found = self.reading.bounds.get(f.name) if f.name else None
        if found is not None and found.sum_limit is not None:
            return _ctd_number(found.sum_limit)
        total = self.reading.bounds.get("*")
        if f.kind == "word" and total is not None and total.sum_limit is not None:
            return _ctd_number(total.sum_limit)
        return None

    def part(self, section: Section, names: dict[int, str], visible: dict[str, str]) -> Part:
        row_visible = dict(visible)
        fields = [self.field(c, names.get(id(c)), row_visible, section.columns) for c in section.columns]
        count = ""
        if section.count:
            var, _, less = section.count.partition(" - ")
            count = self.layout_var[var] + (" - 1" if less else "")
        width = self.layout_var.get(section.width, "")
        if section.kind == "line":
            visible.update(row_visible)  # a fixed line's values stay readable (counts, bounds of what follows)
        variants: dict[str, list[Field]] = {}
        if section.kind == "queries":
            kind = fields[0]
            kind.low, kind.high, kind.stated = [min(section.variants, key=int)], [max(section.variants, key=int)], True
            self.unstated = [
                u
                for u in self.unstated
                if not u.startswith(kind.name or f"column {self.layout.columns.index(section.columns[0]) + 1} ")
            ]
            for value, columns in section.variants.items():
                query_visible = dict(visible)
                named = self.reading.queries.get(value, [])
                labels = named if len(named) == len(columns) else [None] * len(columns)
                made = []
                for column, label in zip(columns, labels, strict=True):
                    self.var_of[id(column)] = self.new_var(label)
                    made.append(self.field(column, label, query_visible, columns, f"query {value}"))
                variants[value] = made
        return Part(section.kind, fields, count, variants=variants, width=width)  # type: ignore[arg-type]

    def field(self, column: Column, name: str | None, visible: dict[str, str], row: list[Column], where: str = "") -> Field:
        var = self.var_of[id(column)]
        found = self.reading.bounds.get(name) if name else None
        tokens = column.tokens
        if name:
            label = name
        elif where:
            label = f"{where}, column {row.index(column) + 2}"
        else:
            label = f"column {self.layout.columns.index(column) + 1}"
        digit_strings = any(set(a) <= set("0123456789") for a in self.reading.alphabets)
        kind = _kind(column, found, digit_strings)
        made = Field(kind, var, name)
        if kind == "int":
            values = [int(t) for t in tokens]
            self.int_bounds(made, found, values, visible, label)
            made.prime = name in self.reading.primes and all(_is_prime(v) for v in values)
        elif kind == "real":
            self.real_bounds(made, found, tokens, label)
        else:
            self.word(made, found, column, visible, label)
        if name is not None:
            visible[name] = var
            if found is not None:
                made.not_equal = [visible[n] for n in found.not_equal if n in visible and visible[n] != var]
        return made

    def expressions(self, texts: list[str], visible: dict[str, str]) -> list[str]:
        out = []
        for text in texts:
            names = [n for n in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if n not in ("min", "max")]
            if names and all(n in visible for n in names):
                out.append(re.sub(r"[A-Za-z][A-Za-z0-9_]*", lambda m: visible.get(m.group(0), m.group(0)), text))
        return out

    def int_bounds(self, made: Field, found: Range | None, values: list[int], visible: dict[str, str], label: str) -> None:
        low: list[str] = []
        high: list[str] = []
        if found is not None:
            if found.low is not None:
                low.append(_ctd_number(_ceil(found.low)))
            if found.high is not None:
                high.append(_ctd_number(_floor(found.high)))
            if found.length_high is not None and found.low is None and found.high is None:  # |x| ≤ 10^9
                low.append(str(-found.length_high))
                high.append(str(found.length_high))
            low += self.expressions(found.low_exprs, visible)
            high += self.expressions(found.high_exprs, visible)
            for texts, side in ((found.high_exprs, "low"), (found.low_exprs, "high")):
                for text in texts:
                    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text) and text not in visible:
                        self.reversed.setdefault(text, []).append((side, made.var))
            if not high and found.sum_limit is not None:
                high.append(_ctd_number(found.sum_limit))  # a count bounded only by its sum over the cases
        for side, other in self.reversed.pop(made.name or "", []):
            (low if side == "low" else high).append(other)
        self.fill(made, low, high, min(values), max(values), label)

    def fill(self, made: Field, low: list[str], high: list[str], seen_low: int, seen_high: int, label: str) -> None:
        made.seen = [str(seen_low), str(seen_high)]
        low, high = list(dict.fromkeys(low)), list(dict.fromkeys(high))  # "l ≤ u" read from both ends
        if self.for_generation:
            if not low:
                low = [str(min(0, seen_low) if seen_low <= 0 else 1)]
            if not high:
                high = [str(max(seen_high, 10 * seen_high, 1))]
        else:
            missing = [side for side, values in (("low", low), ("high", high)) if not values]
            if missing:
                self.unstated.append(f"{label} ({' and '.join(missing)})")
                made.stated = False
            low = low or [str(seen_low)]
            high = high or [str(seen_high)]
        made.low, made.high = low, high

    def real_bounds(self, made: Field, found: Range | None, tokens: list[str], label: str) -> None:
        values = [Fraction(t) for t in tokens]
        low = [_ctd_number(found.low)] if found is not None and found.low is not None else []
        high = [_ctd_number(found.high)] if found is not None and found.high is not None else []
        made.decimals = max([len(t.partition(".")[2]) for t in tokens] + [self.reading.decimals or 0])
        seen = [float(v) for v in values]
        if not low or not high:
            if self.for_generation:
                low = low or [str(min(0.0, min(seen)))]
                high = high or [str(max(seen) * 10 or 1)]
            else:
                self.unstated.append(label)
                made.stated = False
                low = low or [_ctd_number(min(values))]
                high = high or [_ctd_number(max(values))]
        made.low, made.high = low, high

    def word(self, made: Field, found: Range | None, column: Column, visible: dict[str, str], label: str) -> None:
        tokens = column.tokens
        observed = "".join(sorted(set("".join(tokens))))
        made.alphabet = next((a for a in self.reading.alphabets if set(observed) <= set(a)), observed) or "a"
        low: list[str] = []
        high: list[str] = []
        equal = self.equal_length(column, visible)
        if equal is not None:
            low, high = [equal], [equal]
        if found is not None:
            if found.length_low is not None:
                low.append(str(max(1, found.length_low)))  # a token is never empty
            if found.length_high is not None:
                high.append(str(found.length_high))
            high += self.expressions(found.length_exprs, visible)
        lengths = [len(t) for t in tokens]
        if not low and high:
            low = [str(min(1, min(lengths)))]  # a string of at most k letters: one letter at least, as every input
        self.fill(made, low, high, min(lengths), max(lengths), label)

    def equal_length(self, column: Column, visible: dict[str, str]) -> str | None:
        """A variable read before a string that equals its length in every input (``n``, then a string of n)."""
        if max(len(t) for t in column.tokens) < 2:
            return None
        for var in self.layout.order:
            target = self.layout_var.get(var)
            if target is None or target not in visible.values():
                continue
            if all(var in self.layout.values[owner] for owner in column.owners) and all(
                self.layout.values[owner][var] == len(token) for owner, token in zip(column.owners, column.tokens, strict=True)
            ):
                return target
        return None

    def totals(self, parts: list[Part]) -> dict[str, str]:
        """Integer columns (of an array or a block) that an integer read before them totals in every input (``m``, the
        sum of the ports): the script checks the total, and a draw writes it after the column."""
        found: dict[str, str] = {}
        streams = len(self.layout.values)
        # a variable that counts or bounds something is drawn first, never written after a column as its total
        used = {v for part in parts for text in (part.count, part.width) for v in re.findall(r"[a-z][a-z0-9]*", text)}
        used |= {v for part in parts for f in part.fields for b in (*f.low, *f.high) for v in re.findall(r"[a-z][a-z0-9]*", b)}
        for part, section in zip(parts, self.layout.sections, strict=True):
            if section.kind not in ("array", "block"):
                continue
            for f, column in zip(part.fields, section.columns, strict=True):
                if f.kind != "int" or len(column.tokens) <= streams:
                    continue
                sums = [0] * streams
                for owner, token in zip(column.owners, column.tokens, strict=True):
                    sums[owner] += int(token)
                for var in self.layout.order:
                    counted = section.count.split(" ")[0] == var and all(token == "1" for token in column.tokens)
                    if counted or var not in self.layout_var or self.layout_var[var] in {*found.values(), *used}:
                        continue  # a column of ones totals its own count: nothing learned
                    if all(values.get(var) == total for values, total in zip(self.layout.values, sums, strict=True)):
                        found[f.var] = self.layout_var[var]
                        break
        return found

    def assertions(self, visible: dict[str, str]) -> list[str]:
        out = []
        for assertion in self.reading.bounds.assertions:
            names = re.findall(r"[A-Za-z][A-Za-z0-9_]*", assertion)
            if names and all(n in visible for n in names):
                out.append(re.sub(r"[A-Za-z][A-Za-z0-9_]*", lambda m: visible[m.group(0)], assertion))
        return out

    def structures(self, spec: Specification) -> None:
        from cpdata.curation.testgen.structures import mark_structures

        bounded = mark_structures(spec, self.layout, self.reading.text, self.var_of)
        if bounded:
            labels = {f.var: f.name for f in spec.fields()}
            self.unstated = [u for u in self.unstated if not any(u.startswith(f"{labels[v] or v} (") for v in bounded)]


def _is_prime(value: int) -> bool:
    from cpdata.curation.testgen.ctdgen import is_prime

    return is_prime(value)


def _ceil(value: int | Fraction) -> int | Fraction:
    return value


def _floor(value: int | Fraction) -> int | Fraction:
    return value


def _ctd_number(value: int | Fraction | float) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{float(value):.10f}".rstrip("0").rstrip(".")
    return str(value)


def _kind(column: Column, found: Range | None, digit_strings: bool) -> FieldKind:
    """An integer, a real or a word. A column of digits is a word where its name has a length (``|S| ≤ 100``) and
    no value bound, and the statement speaks of strings of digits (``a binary string``): ``101`` is then a string."""
    tokens = column.tokens
    is_string_name = found is not None and (found.length_low is not None or found.length_high is not None)
    is_value_name = found is not None and (found.low is not None or found.high is not None)
    digits = all(t.isdigit() for t in tokens) and max(map(len, tokens)) > 1
    if all(_INT.fullmatch(t) for t in tokens) and not (is_string_name and not is_value_name and digits and digit_strings):
        return "int"
    if all(_REAL.fullmatch(t) for t in tokens) and any("." in t for t in tokens):
        return "real"
    return "word"


def _fits(column: Column, found: Range | None) -> int:
    """How well a name fits a column: 4 its stated bounds hold every token, 1 it states nothing, -1 they
    contradict (the name is not this column's)."""
    if found is None:
        return 1
    tokens = column.tokens
    integer = all(_INT.fullmatch(t) for t in tokens)
    real = all(_REAL.fullmatch(t) for t in tokens)
    has_values = found.low is not None or found.high is not None
    has_lengths = found.length_low is not None or found.length_high is not None
    if integer or real:
        if has_values:
            values = [Fraction(t) for t in tokens]
            if found.low is not None and min(values) < found.low:
                return -1
            if found.high is not None and max(values) > found.high:
                return -1
            return 4
        if has_lengths and integer:  # |x| ≤ 10^9 for a number, or a string of digits
            return 3
        return 2 if found.low_exprs or found.high_exprs or found.sum_limit is not None else 1
    if has_values:
        return -1
    if has_lengths:
        lengths = [len(t) for t in tokens]
        if found.length_high is not None and max(lengths) > found.length_high:
            return -1
        return 4
    return 1


def _align(columns: list[Column], names: list[str], bounds: Bounds, indices: set[str]) -> dict[int, str]:
    """Names to columns, in order, each used once: the alignment whose names fit their columns best."""
    m, k = len(columns), len(names)
    best = [[0.0] * (k + 1) for _ in range(m + 1)]
    move = [[""] * (k + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        for j in range(k + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i > 0:
                options.append((best[i - 1][j], "column"))
            if j > 0:
                options.append((best[i][j - 1], "name"))
            if i > 0 and j > 0:
                fit: float = _fits(columns[i - 1], bounds.get(names[j - 1]))
                if fit > 0 and names[j - 1] in indices:
                    fit = 0.5  # an index names a column only where nothing else does
                if fit > 0:
                    options.append((best[i - 1][j - 1] + fit + 0.001 * (i == j), "match"))
            best[i][j], move[i][j] = max(options)
    out: dict[int, str] = {}
    i, j = m, k
    while i > 0 or j > 0:
        step = move[i][j]
        if step == "match":
            out[id(columns[i - 1])] = names[j - 1]
            i, j = i - 1, j - 1
        elif step == "column":
            i -= 1
        else:
            j -= 1
    return out
