"""An input specification: one definition that validates (as the checktestdata script it writes) and generates
(``cpdata.curation.testgen.draw``).

A specification is a list of parts, each a line of fields, an array (one line of ``count`` values), a line that
starts with its own count, or a block (``count`` lines of fields); optionally repeated as test cases, with sums over
the cases (``the sum of N over all test cases does not exceed 2*10^5``). Fields are integers, words (strings over an
alphabet, with a length) and reals. Bounds are checktestdata expressions over the variables read before them
(``1``, ``n``, ``2*n``, ``l``), so a field's range is the largest of its lows to the smallest of its highs.
Structures go beside the parts that hold them: distinct or sorted values, a permutation, the edges of a tree or of a
connected or simple graph. Each is both a check in the script and a way to draw.

The specification is stored as JSON beside its script (``spec.json`` and ``spec.ctd``): the script is what
validates, and what a user reads with ``cpdata spec``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Field", "FieldKind", "Part", "PartKind", "Specification"]

FieldKind = Literal["int", "word", "real"]
PartKind = Literal["line", "array", "listline", "block", "queries", "matrix", "rest"]


@dataclass
class Field:
    kind: FieldKind
    var: str
    """Its checktestdata variable (every field has one: later bounds, counts and checks may name it)."""
    name: str | None = None
    """The statement's name for it (``A`` for ``A_1 ... A_N``), when the statement names it."""
    low: list[str] = field(default_factory=list)
    high: list[str] = field(default_factory=list)
    """Bounds, as checktestdata expressions: the value is at least every ``low`` and at most every ``high``. For a
    word, bounds of its length."""
    stated: bool = True
    """Whether the statement states its bounds (else they are the range the known inputs show, which is valid but
    narrow: the reason says so)."""
    alphabet: str = ""
    """A word's characters, written out (``abcdefghijklmnopqrstuvwxyz``, ``01``, ``.#``)."""
    first_alphabet: str = ""
    """A word's first character where the statement gives it other letters than the rest (a capital first)."""
    contains: str = ""
    """Characters of which a word holds at least one (a vowel)."""
    decimals: int = 0
    """A real's greatest number of digits after the point."""
    not_equal: list[str] = field(default_factory=list)
    """Variables of the same line it must differ from (``u ≠ v``, ``s ≠ t``)."""
    prime: bool = False
    """An integer the statement says is a prime (checked by trial division; drawn as a prime)."""
    parity: int | None = None
    """An integer the statement says is odd (1) or even (0)."""
    seen: list[str] = field(default_factory=list)
    """The least and greatest value (a word's length) the known inputs show: what a bound falls back to when the
    statement's own proves wrong (not part of the script)."""


@dataclass
class Part:
    kind: PartKind
    fields: list[Field]
    count: str = ""
    """An array's length or a block's lines, as an expression (``n``, ``n - 1``); a list line's count is its first
    field."""
    distinct: bool = False
    """An array's values (a block's first column) are pairwise different."""
    order: str = ""
    """``<`` (increasing) or ``<=`` (non-decreasing): an array's values, or a block's first column."""
    permutation: bool = False
    """An array of ``count`` values that is a permutation of 1..count."""
    rows: list[int] = field(default_factory=list)
    """``rest`` (lines of one shape until the end of the input, no count before them): the least and most lines."""
    graph: str = ""
    """For a block whose first two fields are vertices: ``tree``, ``connected`` (a connected graph) or ``dag`` (a
    directed graph without cycles: its edges go from earlier to later in some order of the vertices)."""
    vertices: str = ""
    """The number of vertices, as an expression, when ``graph`` (or ``simple``)."""
    simple: bool = False
    """Drawn with no vertex joined to itself and no edge twice."""
    unique_edges: bool = False
    """The statement says no edge appears twice (a simple graph, "no multiple edges"): checked, not only drawn so."""
    directed: bool = False
    """Unique edges are ordered pairs (``u v`` and ``v u`` are two edges), else the same edge."""
    variants: dict[str, list[Field]] = field(default_factory=dict)
    """``queries``: ``count`` lines, each its type (``fields[0]``) then the fields of that type (``1 x y``, ``2 l``)."""
    width: str = ""
    """``matrix``: each of the ``count`` lines holds this many values (an expression: ``m``)."""


@dataclass
class Specification:
    parts: list[Part]
    cases: Field | None = None
    """The count of test cases, read first; then ``parts`` once per case."""
    sums: dict[str, str] = field(default_factory=dict)
    """A case variable (a string's variable: its length) -> the limit of its sum over all cases."""
    assertions: list[str] = field(default_factory=list)
    """Relations over several variables of one case (``n*m <= 1000000``), checked once all are read."""
    totals: dict[str, str] = field(default_factory=dict)
    """A column's variable -> the integer read before it that is the column's total (``m``, then ports summing to
    m): checked after the column, and written after the column when drawing."""

    def fields(self) -> list[Field]:
        head = [self.cases] if self.cases is not None else []
        variants = [f for part in self.parts for fields in part.variants.values() for f in fields]
        return [*head, *(f for part in self.parts for f in part.fields), *variants]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Specification:
        data = json.loads(text)

        def make_field(raw: dict[str, Any]) -> Field:
            return Field(**raw)

        parts = [
            Part(
                **{
                    **p,
                    "fields": [make_field(f) for f in p["fields"]],
                    "variants": {k: [make_field(f) for f in v] for k, v in p.get("variants", {}).items()},
                }
            )
            for p in data["parts"]
        ]
        cases = make_field(data["cases"]) if data.get("cases") else None
        return cls(parts, cases, dict(data.get("sums", {})), list(data.get("assertions", [])), dict(data.get("totals", {})))

    def script(self) -> str:
        """The checktestdata script that accepts exactly the inputs this specification describes."""
        return _Writer(self).write()


def _word_pattern(f: Field) -> str:
    """A word's regular expression: its alphabet, its first letter's where that differs, and a letter it must hold."""
    rest = _regex_class(f.alphabet)
    first = _regex_class(f.first_alphabet) if f.first_alphabet else rest
    if not f.contains:
        return f"[{first}][{rest}]*" if f.first_alphabet else f"[{rest}]*"
    options = []
    if first_held := "".join(c for c in f.contains if c in (f.first_alphabet or f.alphabet)):
        options.append(f"[{_regex_class(first_held)}][{rest}]*")
    if rest_held := "".join(c for c in f.contains if c in f.alphabet):
        options.append(f"[{first}][{rest}]*[{_regex_class(rest_held)}][{rest}]*")
    return "(" + "|".join(options) + ")"


def _regex_class(alphabet: str) -> str:
    """A checktestdata character class for the alphabet: runs of letters and digits as ranges, the rest escaped."""
    chars = sorted(set(alphabet))
    out = []
    at = 0
    while at < len(chars):
        end = at
        while end + 1 < len(chars) and ord(chars[end + 1]) == ord(chars[end]) + 1 and chars[end + 1].isalnum():
            end += 1
        if end - at >= 2 and chars[at].isalnum():
            out.append(f"{chars[at]}-{chars[end]}")
        else:
            out += [("\\" + c if c in "\\]-^[" else c) for c in chars[at : end + 1]]
        at = end + 1
    return "".join(out).replace('"', '\\"')


def _max(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ""


class _Writer:
    def __init__(self, spec: Specification) -> None:
        self.spec = spec
        self.lines: list[str] = []

    def emit(self, text: str, depth: int) -> None:
        self.lines.append("  " * depth + text)

    def write(self) -> str:
        spec, depth = self.spec, 0
        if spec.cases is not None:
            for var in spec.sums:
                self.emit(f"SET(zzsum{var} = 0)", 0)
            self.emit(self.token(spec.cases) + " NEWLINE", 0)
            self.emit(f"REP({spec.cases.var})", 0)
            depth = 1
        pending = list(spec.assertions)
        seen: set[str] = set()
        for part in spec.parts:
            totalled = [f.var for f in part.fields if f.var in spec.totals]
            for var in totalled:
                self.emit(f"SET(zztotal{var} = 0)", depth)
            self.part(part, depth)
            for var in totalled:
                self.emit(f"ASSERT({spec.totals[var]} == zztotal{var})", depth)
            seen |= {f.var for f in part.fields}
            ready = [a for a in pending if set(_names(a)) <= seen]
            for assertion in ready:
                self.emit(f"ASSERT({assertion})", depth)
                pending.remove(assertion)
        if spec.cases is not None:
            for var in spec.sums:
                kind = next((f.kind for f in spec.fields() if f.var == var), "int")
                added = f"STRLEN({var})" if kind == "word" else var
                self.emit(f"SET(zzsum{var} = zzsum{var} + {added})", 1)
            arrays = [f.var for p in spec.parts if self.uses_array(p) for f in p.fields[:1]]
            arrays += [f"zz{name}{p.fields[0].var}" for p in spec.parts if p.graph for name in _GRAPH_ARRAYS[p.graph]]
            arrays += [f"zz{name}{p.fields[0].var}" for p in spec.parts if self.checks_repeats(p) for name in ("lo", "hi")]
            if arrays:
                self.emit(f"UNSET({', '.join(dict.fromkeys(arrays))})", 1)
            self.emit("END", 0)
            for var, limit in spec.sums.items():
                self.emit(f"ASSERT(zzsum{var} <= {limit})", 0)
        self.emit("EOF", 0)
        return "\n".join(self.lines) + "\n"

    @staticmethod
    def checks_repeats(part: Part) -> bool:
        """A simple graph's edges, kept to check for loops and repeats (a tree's own check already refuses both)."""
        return part.unique_edges and part.graph not in ("tree", "dag") and not (part.distinct or part.order)

    @staticmethod
    def uses_array(part: Part) -> bool:
        return (part.kind == "array" and (part.distinct or bool(part.order) or part.permutation)) or (
            part.kind == "block" and (part.distinct or bool(part.order))
        )

    def token(self, f: Field, index: str = "") -> str:
        target = f"{f.var}[{index}]" if index else f.var
        if f.kind == "int":
            low, high = self.numeric(f.low, max), self.numeric(f.high, min)
            return f"INT({low}, {high}, {target})"
        if f.kind == "real":
            low, high = self.numeric(f.low, max), self.numeric(f.high, min)
            return f"FLOATP({low}, {high}, 0, {f.decimals}, {target})"
        low = self.numeric(f.low, max)
        high = self.numeric(f.high, min)
        return f'REGEX("{_word_pattern(f)}", {target}) ASSERT(STRLEN({target}) >= {low} && STRLEN({target}) <= {high})'

    @staticmethod
    def numeric(values: list[str], pick: Any) -> str:
        """The range's bound as one expression: the numbers folded into one; a variable bound stays an expression
        (checked by ASSERTs beside the token when there are several)."""
        numbers = [int(v) for v in values if re.fullmatch(r"-?\d+", v)]
        others = [v for v in values if not re.fullmatch(r"-?\d+", v)]
        if numbers:
            return str(pick(numbers))
        if others:
            return others[0]
        raise ValueError("a field without a bound")

    def checks(self, f: Field, index: str = "") -> list[str]:
        """ASSERTs for the bounds the token itself does not carry (several, of which some name variables)."""
        target = f"{f.var}[{index}]" if index else f.var
        value = f"STRLEN({target})" if f.kind == "word" else target
        out = []
        for values, relation, pick in ((f.low, ">=", max), (f.high, "<=", min)):
            used = self.numeric(values, pick)
            out += [f"ASSERT({value} {relation} {v})" for v in values if v != used and not re.fullmatch(r"-?\d+", v)]
        out += [f"ASSERT({target} != {other})" for other in f.not_equal]
        if f.parity is not None:
            out.append(f"ASSERT({target} % 2 == {f.parity})")
        if f.prime:  # trial division: a prime up to 10^12 takes 10^6 steps at most, checked once per value
            trial = f"WHILE(zzd * zzd <= {target}) ASSERT({target} % zzd != 0) SET(zzd = zzd + 1) END"
            out.append(f"ASSERT({target} >= 2) SET(zzd = 2) {trial}")
        return out

    def row(self, fields: list[Field], index: str = "") -> str:
        tokens = []
        for f in fields:
            added = (
                [f"SET(zztotal{f.var} = zztotal{f.var} + {f.var}{f'[{index}]' if index else ''})"]
                if f.var in self.spec.totals
                else []
            )
            tokens.append(" ".join([self.token(f, index), *self.checks(f, index), *added]))
        return " SPACE ".join(tokens)

    def part(self, part: Part, depth: int) -> None:
        if part.kind == "line":
            self.emit(self.row(part.fields) + " NEWLINE" if part.fields else "NEWLINE", depth)
        elif part.kind == "listline":
            head, body = part.fields
            self.emit(self.row([head]), depth)
            self.emit(f"REP({head.var}) SPACE {self.row([body])} END NEWLINE", depth)
        elif part.kind == "array":
            (element,) = part.fields
            if self.uses_array(part):
                self.emit(f"REPI(zzi, {part.count}, SPACE) {self.row([element], 'zzi')}", depth)
                if part.order:
                    self.emit(f"  IF(zzi > 0) ASSERT({element.var}[zzi-1] {part.order} {element.var}[zzi]) END", depth)
                self.emit("END NEWLINE", depth)
                if part.distinct or part.permutation:
                    self.emit(f"ASSERT(UNIQUE({element.var}))", depth)
            else:
                self.emit(f"REP({part.count}, SPACE) {self.row([element])} END NEWLINE", depth)
        elif part.kind == "queries":
            self.queries(part, depth)
        elif part.kind == "matrix":
            self.emit(f"REP({part.count})", depth)
            self.emit(f"  REP({part.width}, SPACE) {self.row(part.fields)} END NEWLINE", depth)
            self.emit("END", depth)
        elif part.kind == "rest":
            least, most = part.rows
            self.emit("SET(zzrows = 0)", depth)
            self.emit(f"WHILE(!ISEOF) {self.row(part.fields)} NEWLINE SET(zzrows = zzrows + 1) END", depth)
            self.emit(f"ASSERT(zzrows >= {least} && zzrows <= {most})", depth)
        else:
            self.block(part, depth)

    def queries(self, part: Part, depth: int) -> None:
        """Each line: its type, then the fields that type has (checktestdata's IF ... ELSE ... END, nested)."""
        kind = part.fields[0]
        types = [t if kind.kind == "int" else f'"{t}"' for t in part.variants]
        self.emit(f"REP({part.count})", depth)
        if kind.kind == "int":
            self.emit(f"  {self.row([kind])}", depth)
            self.emit(f"  ASSERT({' || '.join(f'{kind.var} == {t}' for t in types)})", depth)
        else:  # a command's name: exactly one of the names seen
            self.emit(f'  REGEX("{"|".join(part.variants)}", {kind.var})', depth)
        for position, (value, fields) in enumerate(zip(types, part.variants.values(), strict=True)):
            body = f"SPACE {self.row(fields)} " if fields else ""
            prefix = "IF" if position == 0 else "ELSE IF"
            if position == len(types) - 1:
                self.emit(f"  {'ELSE' if position else 'IF(' + kind.var + ' == ' + value + ')'} {body}".rstrip(), depth)
            else:
                self.emit(f"  {prefix}({kind.var} == {value}) {body}".rstrip(), depth)
        self.emit("  " + "END " * max(1, len(types) - 1), depth)
        self.emit("  NEWLINE", depth)
        self.emit("END", depth)

    def block(self, part: Part, depth: int) -> None:
        u = part.fields[0].var
        if part.graph == "dag":
            self.dag(part, depth)
            return
        if part.graph:
            self.emit(f"REPI(zzj, {part.vertices} + 1) SET(zzdsu{u}[zzj] = zzj, zzsize{u}[zzj] = 1) END", depth)
            self.emit(f"SET(zzparts{u} = {part.vertices})", depth)
        if part.distinct or part.order:
            first = part.fields[0].var
            rest = f" SPACE {self.row(part.fields[1:])}" if part.fields[1:] else ""
            self.emit(f"REPI(zzi, {part.count})", depth)
            self.emit(f"  {self.row(part.fields[:1], 'zzi')}{rest} NEWLINE", depth)
            if part.order:
                self.emit(f"  IF(zzi > 0) ASSERT({first}[zzi-1] {part.order} {first}[zzi]) END", depth)
        elif self.checks_repeats(part):
            v, low, high = part.fields[1].var, f"zzlo{u}", f"zzhi{u}"
            self.emit(f"REPI(zzi, {part.count})", depth)
            self.emit(f"  {self.row(part.fields)} NEWLINE ASSERT({u} != {v})", depth)
            if part.directed:
                self.emit(f"  SET({low}[zzi] = {u}, {high}[zzi] = {v})", depth)
            else:
                self.emit(
                    f"  IF({u} < {v}) SET({low}[zzi] = {u}, {high}[zzi] = {v}) ELSE SET({low}[zzi] = {v}, {high}[zzi] = {u}) END",
                    depth,
                )
        else:
            self.emit(f"REP({part.count})", depth)
            self.emit(f"  {self.row(part.fields)} NEWLINE", depth)
        if part.graph:
            self.graph_step(part, depth + 1)
        self.emit("END", depth)
        if part.distinct:
            self.emit(f"ASSERT(UNIQUE({u}))", depth)
        elif self.checks_repeats(part):
            self.emit(f"IF({part.count} > 1) ASSERT(UNIQUE(zzlo{u}, zzhi{u})) END", depth)
        if part.graph in ("tree", "connected"):
            self.emit(f"ASSERT(zzparts{u} == 1)", depth)

    def dag(self, part: Part, depth: int) -> None:
        """The edges kept in arrays as they are read, then Kahn's algorithm: every vertex (and the spare slot 0 or n
        a 0- or 1-based numbering leaves) leaves the queue exactly when the edges make no cycle."""
        u, v = part.fields[0].var, part.fields[1].var
        eu, ev, head, nxt, indeg, queue = (f"zz{name}{u}" for name in ("eu", "ev", "head", "next", "indeg", "queue"))
        self.emit(f"REPI(zzi, {part.count})", depth)
        self.emit(f"  {self.row(part.fields)} NEWLINE", depth)
        self.emit(f"  SET({eu}[zzi] = {u}) SET({ev}[zzi] = {v})", depth)
        self.emit("END", depth)
        self.emit(f"REPI(zzj, {part.vertices} + 1) SET({head}[zzj] = -1) SET({indeg}[zzj] = 0) END", depth)
        self.emit(f"REPI(zzj, {part.count})", depth)
        self.emit(f"  SET({nxt}[zzj] = {head}[{eu}[zzj]]) SET({head}[{eu}[zzj]] = zzj)", depth)
        self.emit(f"  SET({indeg}[{ev}[zzj]] = {indeg}[{ev}[zzj]] + 1)", depth)
        self.emit("END", depth)
        self.emit("SET(zzq = 0) SET(zzt = 0)", depth)
        sources = f"IF({indeg}[zzj] == 0) SET({queue}[zzt] = zzj) SET(zzt = zzt + 1) END"
        self.emit(f"REPI(zzj, {part.vertices} + 1) {sources} END", depth)
        self.emit("WHILE(zzq < zzt)", depth)
        self.emit(f"  SET(zzx = {queue}[zzq]) SET(zzq = zzq + 1) SET(zze = {head}[zzx])", depth)
        self.emit("  WHILE(zze != -1)", depth)
        self.emit(f"    SET(zzy = {ev}[zze]) SET({indeg}[zzy] = {indeg}[zzy] - 1)", depth)
        self.emit(f"    IF({indeg}[zzy] == 0) SET({queue}[zzt] = zzy) SET(zzt = zzt + 1) END", depth)
        self.emit(f"    SET(zze = {nxt}[zze])", depth)
        self.emit("  END", depth)
        self.emit("END", depth)
        self.emit(f"ASSERT(zzt == {part.vertices} + 1)", depth)

    def graph_step(self, part: Part, depth: int) -> None:
        """Union-find by size over the edges read so far: a tree joins two parts with every edge; a connected graph
        ends as one part. (Vertices from 0 or 1 alike: the sets have room for 0..vertices.)"""
        u, v = part.fields[0].var, part.fields[1].var
        dsu, size, parts = f"zzdsu{u}", f"zzsize{u}", f"zzparts{u}"
        self.emit(f"SET(zzru = {u}) WHILE({dsu}[zzru] != zzru) SET(zzru = {dsu}[zzru]) END", depth)
        self.emit(f"SET(zzrv = {v}) WHILE({dsu}[zzrv] != zzrv) SET(zzrv = {dsu}[zzrv]) END", depth)
        if part.graph == "tree":
            self.emit("ASSERT(zzru != zzrv)", depth)
        self.emit("IF(zzru != zzrv)", depth)
        self.emit(f"  IF({size}[zzru] < {size}[zzrv]) SET({dsu}[zzru] = zzrv, {size}[zzrv] = {size}[zzrv] + {size}[zzru])", depth)
        self.emit(f"  ELSE SET({dsu}[zzrv] = zzru, {size}[zzru] = {size}[zzru] + {size}[zzrv]) END", depth)
        self.emit(f"  SET({parts} = {parts} - 1)", depth)
        self.emit("END", depth)


# The arrays a structure's check keeps, emptied between test cases.
_GRAPH_ARRAYS = {
    "tree": ("dsu", "size"),
    "connected": ("dsu", "size"),
    "dag": ("eu", "ev", "head", "next", "indeg", "queue"),
}


def _names(expression: str) -> list[str]:
    return re.findall(r"[a-z][a-z0-9]*", expression)
