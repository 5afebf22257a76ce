"""A layout of the known inputs and a reading of the statement joined into a specification (``spec`` proves it).

Names are tied to the layout's columns by an alignment that keeps their order and lets each name's bounds vote
(``_align``); each column becomes a field of its kind (an integer, a real or a word) with the statement's bounds, or
the range the inputs show where the statement states none (said, and ``stated`` False); the parts take the layout's
counts; totals, sums over the test cases, assertions over several variables and structures (``structures``) are
added. Several readings of the inputs are built and scored (``Built.score``): the statement decides between them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from cpdata.curation.testgen.ctdgen import is_prime
from cpdata.curation.testgen.layout import Column, Layout, Section
from cpdata.curation.testgen.specification import Field, FieldKind, Part, Specification
from cpdata.curation.testgen.statement.bounds import UNNAMED_INTEGERS, Bounds, Range
from cpdata.curation.testgen.statement.hints import letter_of
from cpdata.curation.testgen.statement.reading import Reading
from cpdata.curation.testgen.structures import mark_structures

__all__ = ["Builder", "Built", "Unusable"]

_INT = re.compile(r"-?(?:0|[1-9]\d{0,18})")
_REAL = re.compile(r"-?\d+(?:\.\d+)?")
_KEYWORDS = {"int", "rep", "set", "end", "eof"}


class Unusable(ValueError):
    def __init__(self, message: str, category: str) -> None:
        super().__init__(message)
        self.category = category


@dataclass
class Built:
    spec: Specification
    unstated: dict[str, str] = field(default_factory=dict)
    """Fields bounded by the inputs where the statement states nothing: variable -> what is missing, as said."""
    line_counts: list[tuple[str, int]] = field(default_factory=list)
    widened: dict[str, str] = field(default_factory=dict)
    """Fields stated from 1 that a known input shows from 0 (a 0-based sample): variable -> what was done."""

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

    def unread_line_counts(self) -> list[str]:
        """The counts of lines the Input section names ("m pairs of lines", "N - 1 lines follow") that count nothing
        in this reading: the statement says the input is shaped otherwise (navigation's m records read as k - 1
        lines of constants fits the samples, and draws inputs the jury's validator refuses)."""
        counted = {(self.spec.cases.name or "").lower()} if self.spec.cases is not None else set()
        names = {f.var: (f.name or "").lower() for f in self.spec.fields()}
        for part in self.spec.parts:
            counted |= {names.get(v, "") for v in re.findall(r"[a-z][a-z0-9]*", part.count)}
            counted |= {names.get(v, "") for v in re.findall(r"[a-z][a-z0-9]*", part.width)}
            if part.kind == "listline":
                counted.add((part.fields[0].name or "").lower())
        return [name for name, _ in self.line_counts if name.lower() not in counted]


_SUM_WORDS = re.compile(r"\bsum\b|\btotal\b|\\sum|∑|\badds? up\b", re.I)


def _states_a_total(text: str, total: str | None, column: str | None) -> bool:
    """Does one sentence of the statement name the total (and the column, where it has a name) and speak of a sum
    ("N is equal to the sum of all A_i"; legendarylanparty's "n and m, ... the total number of ports", whose ports
    per switch are an unnamed column)?"""
    if not total:
        return False
    named = [re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])") for name in (total, column) if name]
    sentences = re.split(r"(?<=[.;])\s+|\n", text)
    return any(_SUM_WORDS.search(s) and all(n.search(s) for n in named) for s in sentences)


class Builder:
    """A layout and a statement reading joined into a specification."""

    def __init__(self, layout: Layout, reading: Reading, *, for_generation: bool) -> None:
        self.layout = layout
        self.reading = reading
        self.for_generation = for_generation
        self.unstated: dict[str, str] = {}
        self.widened: dict[str, str] = {}
        self.used_vars: set[str] = set()
        self.var_of: dict[int, str] = {}
        """id(column) -> its checktestdata variable."""
        self.layout_var: dict[str, str] = {}
        """The layout's own variables (x0, x1, ...) -> checktestdata variables."""
        self.reversed: dict[str, list[tuple[str, str]]] = {}
        """Bounds that name a variable read later (``a ≤ n`` with ``a`` before ``n``): that name -> (side, variable),
        given to the later variable the other way round (``n ≥ a``)."""

    def build(self) -> Built:
        columns = self.layout.columns
        names = _align(columns, self.reading.names, self.reading.bounds, self.reading.indices)
        # A name only the constraints give (``1 ≤ A_i ≤ 10^9`` beside "N space-separated integers"), for the columns
        # the Input section left unnamed, in the constraints' order, where its bounds hold every value.
        unnamed = [c for c in columns if id(c) not in names]
        spare = [
            n
            for n in self.reading.bounds.ranges
            if n not in names.values() and n not in self.reading.indices and n != UNNAMED_INTEGERS
        ]
        if unnamed and spare:
            names.update(_align(unnamed, [n for n in spare if n != "*"], self.reading.bounds, set(), strict=True))
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
                raise Unusable("the test-case count is not an integer", "structure")
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
        return Built(spec, self.unstated, self.reading.line_counts, self.widened)

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
            if kind.kind == "int":
                kind.low, kind.high = [min(section.variants, key=int)], [max(section.variants, key=int)]
            else:  # command names: their own lengths, checked by the script's alternatives
                kind.low, kind.high = [str(min(map(len, section.variants)))], [str(max(map(len, section.variants)))]
            kind.stated = True
            self.unstated.pop(kind.var, None)
            for value, columns in section.variants.items():
                query_visible = dict(visible)
                named = self.reading.queries.get(value, [])
                labels = named if len(named) == len(columns) else [None] * len(columns)
                made = []
                for column, label in zip(columns, labels, strict=True):
                    self.var_of[id(column)] = self.new_var(label)
                    made.append(self.field(column, label, query_visible, columns, f"query {value}"))
                variants[value] = made
        rows = self.eof_rows(section) if section.kind == "rest" else []
        return Part(section.kind, fields, count, variants=variants, width=width, rows=rows)  # type: ignore[arg-type]

    def eof_rows(self, section: Section) -> list[int]:
        """The least and most lines that run to the end of the input: the statement's, else what the inputs show
        (then not every bound is stated, and the reason says so)."""
        stated = self.reading.eof_rows or (None, None)
        per_input = Counter(section.columns[0].owners)
        least = stated[0] if stated[0] is not None else 1
        most = stated[1]
        if most is None:
            most = max(per_input.values())
            self.unstated["lines"] = "the number of lines up to the end of the input"
        return [least, most]

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
            found = found if found is not None else self.unnamed(column, values)
            self.int_bounds(made, found, values, visible, label)
            # "p_1, p_2 are primes": the hint names the letter, the fields are its labelled values
            said_prime = name is not None and (name in self.reading.primes or letter_of(name) in self.reading.primes)
            made.prime = said_prime and all(is_prime(v) for v in values)
            parity = self.reading.parities.get(name or "")
            if parity is not None and all(v % 2 == parity for v in values):
                made.parity = parity
        elif kind == "real":
            self.real_bounds(made, found, tokens, label)
        else:
            self.word(made, found, column, visible, label)
        if name is not None:
            visible[name] = var
            if found is not None:  # "a ≠ b" with b read after a: b is checked against a
                made.not_equal = [visible[n] for n in found.not_equal if n in visible and visible[n] != var]
                for later in (n for n in found.not_equal if n not in visible):
                    self.reversed.setdefault(later, []).append(("not equal", var))
            made.not_equal += [other for side, other in self.reversed.get(name, []) if side == "not equal"]
        return made

    def unnamed(self, column: Column, values: list[int]) -> Range | None:
        """The statement's range for integers it bounds without naming them ("a pair of integers, between 0 and
        10^15"), for a value it names no bound of, where every known value lies in it; never for a count (a count
        of 10^15 lines is not what such a sentence means)."""
        found = self.reading.bounds.get(UNNAMED_INTEGERS)
        counts = {part for section in self.layout.sections for part in (section.count.split(" - ")[0], section.width)}
        if found is None or found.low is None or found.high is None or (column.var and column.var in counts):
            return None
        return found if all(found.low <= v <= found.high for v in values) else None

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
            if found.low == 1 and values and min(values) == 0:
                low.append(str(min(values)))
                self.widened[made.var] = f"{label} from {min(values)} (stated {_ctd_number(_ceil(found.low))})"
            elif found.low is not None:
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
        for side, other in self.reversed.get(made.name or "", []):
            if side in ("low", "high"):
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
                self.unstated[made.var] = f"{label} ({' and '.join(missing)})"
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
                self.unstated[made.var] = label
                made.stated = False
                low = low or [_ctd_number(min(values))]
                high = high or [_ctd_number(max(values))]
        made.low, made.high = low, high

    def word(self, made: Field, found: Range | None, column: Column, visible: dict[str, str], label: str) -> None:
        tokens = column.tokens
        observed = "".join(sorted(set("".join(tokens))))
        made.alphabet = next((a for a in self.reading.alphabets if set(observed) <= set(a)), observed) or "a"
        self.letters(made, tokens)
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

    def letters(self, made: Field, tokens: list[str]) -> None:
        """The statement's rule for the letters of its strings (a first letter of either case and lowercase others, a
        vowel somewhere), where every known token keeps it: a rule that a sample breaks is about something else."""
        rule = self.reading.letters
        first = "".join(c for c in made.alphabet if c in rule.first) if rule.first else made.alphabet
        rest = "".join(c for c in made.alphabet if c in rule.rest) if rule.rest else made.alphabet
        contains = "".join(c for c in rule.contains if c in made.alphabet)
        if not first or not rest or (first == rest == made.alphabet and not contains):
            return
        if all(t and t[0] in first and set(t[1:]) <= set(rest) and (not contains or set(t) & set(contains)) for t in tokens):
            made.first_alphabet = first if first != rest else ""
            made.alphabet = rest
            made.contains = contains

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
                        # the statement must say so: one or two samples often add up by chance (altruisticamphibians'
                        # pit depth 19 = 5 + 4 + 10, the frogs' weights), and a wrong total refuses every draw
                        total_name = next((g.name for p in parts for g in p.fields if g.var == self.layout_var[var]), None)
                        if _states_a_total(self.reading.text, total_name, f.name):
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
        for var in mark_structures(spec, self.layout, self.reading.text):
            self.unstated.pop(var, None)  # the ends of an edge are bounded by the vertices


def _ceil(value: int | Fraction) -> int:
    """An integer's least value from a bound that may be a fraction (``0.5 ≤ x``: 1)."""
    return math.ceil(value)


def _floor(value: int | Fraction) -> int:
    return math.floor(value)


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


def _fits(column: Column, found: Range | None) -> float:
    """How well a name fits a column: 4 its stated bounds hold every token, 1.5 they do but for a 0 under a stated
    least of 1, 1 it states nothing, -1 they contradict (the name is not this column's)."""
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
            if found.high is not None and max(values) > found.high:
                return -1
            if found.low is not None and min(values) < found.low:
                # a 0 under a stated least of 1 (KMHAMHA's cell 0 0 under "1 ≤ X, Y ≤ 10^9": a 0-based sample of a
                # 1-based statement) still names the column; the field starts from 0 (no other gap is forgiven: a
                # test-case count T = 1 under "2 ≤ N" is not N)
                return 1.5 if integer and found.low == 1 and min(values) == 0 else -1
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
        if found.length_low is not None and min(lengths) < found.length_low:
            return -1
        return 4
    return 1


def _align(columns: list[Column], names: list[str], bounds: Bounds, indices: set[str], *, strict: bool = False) -> dict[int, str]:
    """Names to columns, in order, each used once: the alignment whose names fit their columns best. ``strict``: only
    names whose stated bounds hold every value (not names the statement bounds nowhere)."""
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
                    fit = 0.1  # an index names a column only where nothing else does
                if strict and fit < 3:
                    fit = 0
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
