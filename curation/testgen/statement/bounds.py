"""Bounds as statements state them, read from text in the plain notation (``statement.text.plain``).

- Chains of relations: ``1 ≤ N ≤ 10^5``, ``1 ≤ K ≤ N ≤ 4*10^5`` (K gets 1 and 4*10^5, and N as its upper bound),
  ``0 < c ≤ 10^9`` (strict: 1 for an integer), ``l_i ≤ r_i``, ``|x_i|, |y_i| ≤ 10^9``, ``1 ≤ |S| ≤ 100``,
  ``2*N``, ``min(100, N)``, ``10^9 + 7``, ``N ≥ 2``, ``T = 5``; products and sums of variables (``n*m ≤ 10^6``) as
  assertions.
- Words: ``N is at most 10^5``, ``does not exceed``, ``between 1 and 100, inclusive``, ``at least 2``.
- Sums over test cases: ``the sum of N over all test cases does not exceed 2*10^5``, ``Σ N ≤ 10^5``, ``the total
  length of all strings ≤ 10^6``.

A name is the variable a bound is about, without its index: ``A_i``, ``A_{i}`` and ``A_1`` are ``A``. Names are
case-sensitive (``n`` and ``N`` are two variables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from cpdata.curation.testgen.statement.text import NumberError, number

__all__ = ["UNNAMED_INTEGERS", "Bounds", "Range", "base_name", "labelled_names", "read_bounds"]

Value = int | Fraction

_RELATIONS = {"≤": "<=", "<": "<", "≥": ">=", ">": ">", "=": "==", "≠": "!="}
_NAME = r"[A-Za-z](?:_(?:\{[^{}]{1,12}\}|[A-Za-z0-9]+)|[0-9]{1,2}(?![0-9]))?(?:'{1,2})?"
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?(?:e[+-]?\d+)?)|(?P<func>min|max)(?=\s*\()|(?P<name>{_NAME})(?![A-Za-z])"
    r"|(?P<rel>[≤<≥>=≠])|(?P<op>[-+*/^()|,Σ])|(?P<dots>\.\.\.)|(?P<word>[A-Za-z][A-Za-z']*)|(?P<other>\S)"
)
_WORDS_OK_IN_MATH = {"sum"}


def base_name(name: str, labels: frozenset[str] = frozenset()) -> str:
    """``A_i``, ``A_{i,j}``, ``A_1``, ``A1``, ``A_{i+1}`` -> ``A``; ``y_{i,1}`` -> ``y_1`` (the first of two values per
    index, flappy's intervals); ``A_{min}`` stays ``A_min`` (a word as a subscript
    names another variable, PSGRADE's A_{min} beside A), and so does a name in ``labels`` (``H_A``: see
    ``labelled_names``); ``x'`` stays ``x'``; ``N`` -> ``N``."""
    name = name.strip()
    labelled = re.sub(r"_\{(\w+)\}$", r"_\1", name)
    if labelled in labels:
        return labelled
    column = re.fullmatch(r"([A-Za-z])_\{\s*[a-z]\s*,\s*(\d)\s*\}", name)  # y_{i,1}, y_{i,2}: two columns of y
    if column:
        return f"{column.group(1)}_{column.group(2)}"
    word = re.fullmatch(r"([A-Za-z]+)_\{?([A-Za-z]{2,})\}?", name)
    if word and word.group(2).lower() not in ("ij", "ji"):
        return f"{word.group(1)}_{word.group(2)}"
    name = re.sub(r"_.*$", "", name)
    return re.sub(r"(?<=[A-Za-z])\d+$", "", name)


@dataclass
class Range:
    """What the statement says about one variable."""

    low: Value | None = None
    high: Value | None = None
    low_exprs: list[str] = field(default_factory=list)
    """Lower bounds that name other variables, as checktestdata expressions (``l``, ``N - 1``)."""
    high_exprs: list[str] = field(default_factory=list)
    length_low: int | None = None
    length_high: int | None = None
    """``|S| ≤ 100``: a string's length (or, for an integer, its absolute value: ``|x| ≤ 10^9``)."""
    length_exprs: list[str] = field(default_factory=list)
    sum_limit: Value | None = None
    """The sum of this variable over all test cases (of its length, for a string) is at most this."""
    not_equal: list[str] = field(default_factory=list)

    widest: bool = False
    """Several bounds of one variable are alternatives (subtasks), not all true at once: keep the widest."""

    def add_low(self, value: Value) -> None:
        pick = min if self.widest else max
        self.low = value if self.low is None else pick(self.low, value)

    def add_high(self, value: Value) -> None:
        pick = max if self.widest else min
        self.high = value if self.high is None else pick(self.high, value)


@dataclass
class Bounds:
    ranges: dict[str, Range] = field(default_factory=dict)
    widest: bool = False
    """Read from subtasks: each bound holds in some subtask, so a variable's range is the widest of them."""
    equalities: bool = True
    """Whether ``T = 5`` is read as a bound (not in a legend's prose, where ``a = 2`` is an example)."""
    labels: frozenset[str] = frozenset()
    """Names whose subscript is a label (``labelled_names``)."""
    assertions: list[str] = field(default_factory=list)
    """Relations over several variables (``N*M <= 1000000``), as checktestdata expressions."""
    problems: list[str] = field(default_factory=list)
    """Bounds seen but not usable, and why (``10^{10^9}``)."""

    def range(self, name: str) -> Range:
        return self.ranges.setdefault(name, Range(widest=self.widest))

    def get(self, name: str) -> Range | None:
        return self.ranges.get(name)

    def merge(self, other: Bounds) -> None:
        """Another section's bounds where this one says nothing about a variable (subtasks after the constraints)."""
        for name, found in other.ranges.items():
            mine = self.ranges.get(name)
            if mine is None:
                self.ranges[name] = found
                continue
            for attribute in ("low", "high", "length_low", "length_high", "sum_limit"):
                if getattr(mine, attribute) is None:
                    setattr(mine, attribute, getattr(found, attribute))
            for attribute in ("low_exprs", "high_exprs", "length_exprs"):
                if not getattr(mine, attribute):
                    setattr(mine, attribute, getattr(found, attribute))


@dataclass
class _Operand:
    text: str
    kind: str  # "number", "names", "lengths", "expr"
    value: Value | None = None
    names: list[str] = field(default_factory=list)
    expr: str = ""


def labelled_names(statement: str) -> frozenset[str]:
    """Names whose subscript is a label, not an index: ``H_A``, ``W_B``, ``x_s`` (abc307_c's sheet sizes, flappy's start
    point), where the letter before it never takes a number or an index (no ``H_1``, no ``H_i``). ``A_N`` in
    ``A_1, ..., A_N`` is an element of A, not a label."""
    found = re.findall(r"(?<![A-Za-z\\])([A-Za-z])_\{?([A-Za-z0-9]+)\}?(?![A-Za-z0-9])", statement)
    indexed = {base for base, sub in found if sub.isdigit() or sub in ("i", "j", "k")}
    return frozenset(
        f"{base}_{sub}" for base, sub in found if base not in indexed and not sub.isdigit() and sub not in ("i", "j", "k")
    )


def _tokens(clause: str, words: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The clause's tokens; a word the statement uses as a variable (``jacketCost``) is a name."""
    found = [(m.lastgroup or "other", m.group(0)) for m in _TOKEN.finditer(clause)]
    return [("name", text) if kind == "word" and text in words else (kind, text) for kind, text in found]


def _balanced(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An operand without the brackets and commas around it that belong to the sentence: ``(1`` and ``w),``."""
    while tokens and tokens[-1][1] in ",.":
        tokens = tokens[:-1]
    while tokens and tokens[0][1] in ",":
        tokens = tokens[1:]
    while tokens and tokens[0][1] == "(" and sum(t == "(" for _, t in tokens) > sum(t == ")" for _, t in tokens):
        tokens = tokens[1:]
    while tokens and tokens[-1][1] == ")" and sum(t == ")" for _, t in tokens) > sum(t == "(" for _, t in tokens):
        tokens = tokens[:-1]
        while tokens and tokens[-1][1] in ",.":
            tokens = tokens[:-1]
    return tokens


def _operand(tokens: list[tuple[str, str]], bounds: Bounds) -> _Operand | None:
    tokens = _balanced(tokens)
    text = "".join(t if k != "word" else f" {t} " for k, t in tokens).strip()
    if not text:
        return None
    try:
        value = number(text.replace(" ", ""))
    except NumberError as exc:
        bounds.problems.append(str(exc))
        return None
    if value is not None:
        return _Operand(text, "number", value=value)
    value = _number_before_aside(tokens)  # 9223372036854775807 (2^63-1)
    if value is not None:
        return _Operand(text[: text.rindex("(")].strip(), "number", value=value)
    parts = _split_commas(tokens)
    names = []
    lengths = []
    for part in parts:
        kinds = [k for k, _ in part]
        if kinds == ["name"]:
            names.append(base_name(part[0][1], bounds.labels))
        elif kinds == ["op", "name", "op"] and part[0][1] == "|" and part[2][1] == "|":
            lengths.append(base_name(part[1][1], bounds.labels))
        else:
            break
    else:
        if names and not lengths:
            return _Operand(text, "names", names=names)
        if lengths and not names:
            return _Operand(text, "lengths", names=lengths)
        if names and lengths:  # 1 ≤ T, |s| ≤ 10^5: both kinds in one list
            return _Operand(text, "mixed", names=[*names, *(f"|{n}" for n in lengths)])
    expr = _expression(tokens, bounds.labels)
    if expr is None:
        return None
    return _Operand(text, "expr", expr=expr)


def _split_commas(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    parts: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for kind, text in tokens:
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        if text == "," and depth == 0:
            parts.append([])
        else:
            parts[-1].append((kind, text))
    return [p for p in parts if p]


def _expression(tokens: list[tuple[str, str]], labels: frozenset[str]) -> str | None:
    """A checktestdata expression for ``2*N``, ``N - 1``, ``n*m``, ``min(100, N)`` (as ``min(100,N)``, split by the
    caller), or None where it is something else."""
    out = []
    for kind, text in tokens:
        if kind == "name":
            out.append(_ctd_name(base_name(text, labels)))
        elif kind == "num" or kind == "func" or (kind == "op" and text in "+-*/^(),"):
            out.append(text)
        else:
            return None
    expr = "".join(out)
    if expr.count("(") != expr.count(")") or re.search(r"[-+*/^(,]$|^[*/^),]", expr):
        return None
    if "," in re.sub(r"(?:min|max)\([^()]*\)", "", expr):
        return None  # A_{i,1}: an index, not an expression
    if not re.search(r"[A-Za-z]", expr.replace("min", "").replace("max", "")):
        return None
    if re.search(r"\w\s+[A-Za-z_]|(?<![a-z])(?!min\(|max\()[A-Za-z_]\w*\(", expr):
        return None  # two names side by side (an implied product) or a function we do not know
    return expr


def _ctd_name(name: str) -> str:
    return name.replace("'", "p")


def _clauses(text: str) -> list[str]:
    """Lines, bullets and sentences; a comma list of relations stays in one clause (split later). A sentence wrapped
    mid-way (LaTeX sources: "a pair of integers,\nbetween 0 and 10^15") is one line again."""
    out = []
    for line in re.sub(r"(?<=[a-z,])[ \t]*\n[ \t]*(?=[a-z(])", " ", text).split("\n"):
        line = re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", line)
        out += [c for c in re.split(r"(?<=[a-z0-9)\]])\.\s+(?=[A-Z])|;\s*", line) if c.strip()]
    return out


def _chains(tokens: list[tuple[str, str]]) -> list[tuple[list[_Part], list[str]]]:
    """Runs of math separated by relations: ([operand tokens...], [relations]). An operand ends at a word or at a
    bracket it did not open (``n (1 ≤ n ≤ 10^5)``: the chain is inside the brackets)."""

    def is_math(token: tuple[str, str]) -> bool:
        return token[0] in ("num", "name", "op", "func", "dots") or token[1] in _WORDS_OK_IN_MATH

    chains = []
    at = 0
    while at < len(tokens):
        if tokens[at][0] != "rel":
            at += 1
            continue
        start, depth = at, 0
        while start > 0 and is_math(tokens[start - 1]):
            if start < at and _juxtaposed(tokens[start - 1], tokens[start]):
                break  # "100 1 ≤ N": the end of one chain, then the start of the next
            text = tokens[start - 1][1]
            if text == ")":
                depth += 1
            elif text == "(":
                if depth == 0:
                    break
                depth -= 1
            start -= 1
        operands: list[_Part] = [tokens[start:at]]
        relations = []
        while at < len(tokens) and tokens[at][0] == "rel":
            relations.append(tokens[at][1])
            end, depth = at + 1, 0
            while end < len(tokens) and is_math(tokens[end]):
                if end > at + 1 and _juxtaposed(tokens[end - 1], tokens[end]):
                    break
                text = tokens[end][1]
                if text == "(":
                    depth += 1
                elif text == ")":
                    if depth == 0:
                        break
                    depth -= 1
                end += 1
            operands.append(tokens[at + 1 : end])
            at = end
        chains.append((operands, relations))
    return chains


_Part = list[tuple[str, str]]


def _juxtaposed(left: tuple[str, str], right: tuple[str, str]) -> bool:
    """Two values side by side with no operator between them: two clauses run together (``≤ 100 1 ≤``)."""
    return left[0] in ("num", "name") and right[0] in ("num", "name")


def _split_on_chain_commas(operands: list[_Part], relations: list[str]) -> list[tuple[list[_Part], list[str]]]:
    """``1 ≤ a ≤ 10^9, 1 ≤ b ≤ 10^9`` reads as one run: split where a comma ends one chain and starts another (an
    operand like ``10^9, 1``: a number, then more; or ``n, u`` in ``1 ≤ u, v ≤ n, u ≠ v``, where the relation after it
    is of another kind)."""
    out: list[tuple[list[_Part], list[str]]] = []
    current: list[_Part] = [operands[0]]
    current_relations: list[str] = []
    for position, (relation, operand) in enumerate(zip(relations, operands[1:], strict=True)):
        parts = _split_commas(operand) if not _is_number_part(operand) else [operand]
        following = relations[position + 1] if position + 1 < len(relations) else None
        changes_kind = following is not None and (following in "=≠") != (relation in "=≠")
        if len(parts) > 1 and (changes_kind or not all(_is_name_part(p) for p in parts)):
            head, rest = (parts[:-1], parts[-1:]) if changes_kind else (parts[:1], parts[1:])
            current.append([t for p in head for t in [*p, ("op", ",")]][:-1])
            current_relations.append(relation)
            out.append((current, current_relations))
            current, current_relations = [[t for p in rest for t in [*p, ("op", ",")]][:-1]], []
            continue
        current.append(operand)
        current_relations.append(relation)
    out.append((current, current_relations))
    return out


def _is_number_part(part: _Part) -> bool:
    """``100,000``: one number with a thousands separator, not two operands (also ``100,000 (10^5)``)."""
    tokens = _balanced(part)
    try:
        if number("".join(text for _, text in tokens)) is not None:
            return True
    except NumberError:
        return True
    return _number_before_aside(tokens) is not None


def _number_before_aside(tokens: _Part) -> Value | None:
    """A number followed by the same in other words in brackets: ``9223372036854775807 (2^63-1)``, ``100,000 (10^5)``."""
    if not tokens or tokens[-1][1] != ")" or "(" not in (t for _, t in tokens):
        return None
    opening = max(i for i, (_, t) in enumerate(tokens) if t == "(")
    if not opening:
        return None
    try:
        return number("".join(t for _, t in tokens[:opening]).replace(" ", ""))
    except NumberError:
        return None


def _is_name_part(part: _Part) -> bool:
    kinds = [k for k, _ in part]
    return kinds == ["name"] or (kinds == ["op", "name", "op"] and part[0][1] == "|")


def _trim_leading(part: _Part) -> _Part:
    """The first operand of a chain starts after any leading comma list that is not part of it (``a, b and 1 ≤ n``)."""
    while part and part[0][0] == "op" and part[0][1] in ",)":
        part = part[1:]
    pieces = _split_commas(part)
    if len(pieces) > 1 and _is_number_part(pieces[-1]) and not _is_number_part(part):
        return pieces[-1]  # "an integer t, 1 ≤ t ≤ 100" (FCTRL2): the name before the comma introduces the chain
    return part


def read_bounds(
    text: str,
    words: frozenset[str] = frozenset(),
    *,
    widest: bool = False,
    equalities: bool = True,
    labels: frozenset[str] = frozenset(),
) -> Bounds:
    """Every bound stated in ``text`` (in the plain notation). ``words``: names longer than a letter that the
    statement uses as variables (``names.variable_words``). ``widest``: the text is subtasks, each bound holds in one
    of them (a variable's range is the widest). ``equalities``: read ``T = 5`` as a bound (not in a legend's prose,
    where ``a = 2`` is an example)."""
    bounds = Bounds(widest=widest, equalities=equalities, labels=labels)
    for clause in _clauses(text):
        _read_sums(clause, bounds)
        _read_words(clause, bounds)
        tokens = _tokens(clause, words)
        for operands, relations in _chains(tokens):
            for chain, chain_relations in _split_on_chain_commas(operands, relations):
                if len(chain) < 2:
                    continue
                chain[0] = _trim_leading(chain[0])
                if _is_sum_clause(clause):
                    continue  # "the sum of N over all test cases ≤ 10^5": read by _read_sums, not a bound of N
                _apply_chain([_operand(part, bounds) for part in chain], chain_relations, bounds)
    return bounds


def _is_sum_clause(clause: str) -> bool:
    return bool(re.search(r"(?i)\b(?:sum|total)\b.*\b(?:over|across|for|in)\b.*\b(?:test|cases?|tests|files?|input)\b", clause))


def _flip(relation: str) -> str:
    return {"≥": "≤", ">": "<", "≤": "≥", "<": ">"}.get(relation, relation)


def _apply_chain(operands: list[_Operand | None], relations: list[str], bounds: Bounds) -> None:
    if all(r in "≥>" for r in relations):  # 10^5 ≥ N ≥ 1: read it the other way round
        operands, relations = operands[::-1], [_flip(r) for r in relations[::-1]]
    if not all(r in "≤<" for r in relations):
        if relations == ["="] and not bounds.equalities:
            return
        if len(operands) == 2 and relations[0] in "=≠" and operands[0] is not None and operands[1] is not None:
            _apply_pair(operands[0], relations[0], operands[1], bounds)
        elif len(operands) == 2 and relations[0] in "≥>" and operands[0] is not None and operands[1] is not None:
            _apply_pair(operands[1], _flip(relations[0]), operands[0], bounds)
        return
    for position, operand in enumerate(operands):
        if operand is None or operand.kind not in ("names", "lengths", "mixed"):
            continue
        low = _reach(operands, relations, position, -1)
        high = _reach(operands, relations, position, +1)
        for name in operand.names:
            is_length = operand.kind == "lengths" or name.startswith("|")
            name = name.lstrip("|")
            found = bounds.range(name)
            for bound, strict, is_low in (*((b, s, True) for b, s in low), *((b, s, False) for b, s in high)):
                _apply_bound(found, bound, strict, is_low, is_length, name)
    # a product or sum of variables bounded by a number: an assertion over them
    for position, operand in enumerate(operands):
        if operand is None or operand.kind != "expr" or "min" in operand.expr or "max" in operand.expr:
            continue
        if position + 1 < len(operands) and (right := operands[position + 1]) is not None and right.kind == "number":
            relation = _RELATIONS[relations[position]]
            bounds.assertions.append(f"{operand.expr} {relation} {_ctd_value(right.value)}")


def _ctd_value(value: Value | None) -> str:
    if isinstance(value, Fraction):
        return str(float(value))
    return str(value)


def _reach(operands: list[_Operand | None], relations: list[str], position: int, step: int) -> list[tuple[_Operand, int]]:
    """The bounds of the operand at ``position`` on one side: the nearest number that way (through the names between,
    counting strict relations), and the names or expressions on the way (as variable bounds)."""
    found: list[tuple[_Operand, int]] = []
    strict = 0
    at = position
    while 0 <= at + step < len(operands):
        relation = relations[at if step > 0 else at - 1]
        strict += relation == "<"
        at += step
        operand = operands[at]
        if operand is None:
            break
        if operand.kind == "number":
            found.append((operand, strict))
            break
        if operand.kind in ("names", "expr") and (operand.kind == "expr" or len(operand.names) == 1):
            # every variable that way, the farther ones too: in ``1 ≤ L_i ≤ R_i ≤ N`` L is read before R, so only
            # N can bound it when it is read (STQ); the nearest one stays first
            found.append((operand, strict))
    return found


def _apply_bound(found: Range, bound: _Operand, strict: int, is_low: bool, is_length: bool, name: str) -> None:
    if bound.kind == "number":
        assert bound.value is not None
        value = bound.value
        if isinstance(value, Fraction) or strict == 0:
            adjusted: Value = value
        else:
            adjusted = value + strict if is_low else value - strict
        if is_length:
            if is_low:
                found.length_low = max(found.length_low or 0, int(adjusted))
            else:
                found.length_high = int(adjusted) if found.length_high is None else min(found.length_high, int(adjusted))
                if not isinstance(value, Fraction) and found.low is None and found.high is None:
                    pass
        elif is_low:
            found.add_low(adjusted)
        else:
            found.add_high(adjusted)
        return
    expressions = _split_min_max(bound.names[0] if bound.kind == "names" else bound.expr, is_low)
    for expression in expressions:
        if isinstance(expression, int):
            if is_length:
                if not is_low:
                    found.length_high = expression if found.length_high is None else min(found.length_high, expression)
            elif is_low:
                found.add_low(expression)
            else:
                found.add_high(expression)
            continue
        if expression == _ctd_name(name):
            continue
        text = expression if not strict else f"{expression} {'+' if is_low else '-'} {strict}"
        target = found.length_exprs if is_length else found.low_exprs if is_low else found.high_exprs
        if not is_length or not is_low:
            target.append(text)


def _split_min_max(expression: str, is_low: bool) -> list[str | int]:
    """``min(100,N)`` as an upper bound is two: 100 and N (``max`` likewise for a lower one); anything else as is."""
    match = re.fullmatch(r"(min|max)\((.*)\)", expression)
    if match is None or (match.group(1) == "min") == is_low:
        return [expression] if "min(" not in expression and "max(" not in expression else []
    out: list[str | int] = []
    for part in match.group(2).split(","):
        value = number(part) if re.fullmatch(r"[\d^*+\-e]+", part) else None
        out.append(int(value) if isinstance(value, int) else part)
    return out


def _apply_pair(left: _Operand, relation: str, right: _Operand, bounds: Bounds) -> None:
    """``T = 5``, ``s ≠ t``, ``N ≥ 2``."""
    if left.kind in ("names", "lengths") and right.kind == "number" and right.value is not None:
        for name in left.names:
            found = bounds.range(name)
            if relation == "=":
                if left.kind == "lengths":
                    found.length_low = found.length_high = int(right.value)
                else:
                    found.add_low(right.value)
                    found.add_high(right.value)
            elif relation in "≥>":
                if left.kind == "lengths":
                    found.length_low = int(right.value) + (relation == ">")
                else:
                    found.add_low(right.value + (relation == ">" and isinstance(right.value, int)))
    elif relation == "≠" and left.kind == "names" and right.kind == "names":
        for name in left.names:
            bounds.range(name).not_equal += [n for n in right.names if n != name]


_NUMBER_WORDS = r"(-?\s*[\d(][\d\s^*+\-().,e]*)"
_NAMES_WORDS = rf"((?:\|?{_NAME}\|?\s*(?:,|and)\s*)*\|?{_NAME}\|?)"
_AT_MOST = re.compile(
    rf"(?<![A-Za-z]){_NAMES_WORDS}\s+(?:(?:is|are|will be|shall be|must be|lies?)\s+)?"
    rf"(?:at most|not more than|no more than|not greater than|less than or equal to|smaller than or equal to|not exceeding|"
    rf"does not exceed|do not exceed|doesn't exceed|don't exceed|won't exceed|will not exceed|up to)\s+{_NUMBER_WORDS}"
)
_AT_LEAST = re.compile(
    rf"(?<![A-Za-z]){_NAMES_WORDS}\s+(?:(?:is|are|will be|shall be|must be)\s+)?"
    rf"(?:at least|not less than|no less than|greater than or equal to)\s+{_NUMBER_WORDS}"
)
_BETWEEN = re.compile(
    rf"(?<![A-Za-z]){_NAMES_WORDS}\s+(?:(?:is|are|will be|shall be|must be|lies?|lie)\s+)?(?:an? \w+\s+)?"
    rf"(?:between|from|in the range(?: from)?)\s+{_NUMBER_WORDS}\s+(?:and|to)\s+{_NUMBER_WORDS}"
)
_UNNAMED_INTEGERS = re.compile(
    rf"(?i)\bintegers?,?\s+(?:each\s+|all\s+)?(?:(?:is|are)\s+)?(?:between|in\s+the\s+range(?:\s+from)?|from)\s+"
    rf"{_NUMBER_WORDS}\s+(?:and|to)\s+{_NUMBER_WORDS}"
)
UNNAMED_INTEGERS = "#integers"
"""The range of integers the statement bounds without naming them ("a pair of integers, between 0 and 10^15")."""
_SUM = re.compile(
    rf"(?i)(?:the\s+)?(?:sum|total)\s+(?:of\s+)?(?:(?:all\s+)?(?:the\s+)?(?:values?\s+of\s+)?)?(?P<what>\|?{_NAME}\|?|lengths?\s+of\s+(?:all\s+)?(?:the\s+)?\w+|Σ\s*\|?{_NAME}\|?)"
    rf"(?:\s+(?:over|across|for|in|of)\s+(?:all|every|each)?\s*(?:the\s+)?(?:test\s*cases?|tests?|testcases?|cases|queries|input\s+files?|files?)[^≤<]*?)?"
    rf"\s*(?:does\s+not\s+exceed|doesn't\s+exceed|do\s+not\s+exceed|don't\s+exceed|will\s+not\s+exceed|won't\s+exceed|shall\s+not\s+exceed|"
    rf"is\s+at\s+most|are\s+at\s+most|is\s+not\s+more\s+than|is\s+no\s+more\s+than|is\s+not\s+greater\s+than|≤|<|is\s+less\s+than(?:\s+or\s+equal\s+to)?|"
    rf"will\s+be\s+at\s+most|(?:will\s+)?not\s+be\s+(?:more|greater)\s+than|can't\s+exceed|cannot\s+exceed)\s*(?:is\s+)?{_NUMBER_WORDS}"
)
_SIGMA = re.compile(rf"Σ\s*(?:[A-Za-z_{{}}=\d]*\s+)?(\|?{_NAME}\|?)\s*(≤|<)\s*{_NUMBER_WORDS}")


def _numbers_in(text: str) -> Value | None:
    text = text.strip().rstrip(".,)")
    for candidate in (text, text.split(" ")[0]):
        try:
            value = number(candidate.replace(" ", ""))
        except NumberError:
            return None
        if value is not None:
            return value
    return None


def _names_in(text: str, labels: frozenset[str]) -> list[str]:
    return [
        ("|" if "|" in part else "") + base_name(part.strip(" |"), labels)
        for part in re.split(r"\s*(?:,|\band\b)\s*", text)
        if part.strip(" |")
    ]


def _read_words(clause: str, bounds: Bounds) -> None:
    """``N is at most 10^5``, ``at least 2``, ``between 1 and 100``: each bound applied to every name before it; and
    integers bounded with no name (``two integers, between 0 and 10^15``), for the integers the statement names not."""
    for match in _UNNAMED_INTEGERS.finditer(clause):
        values = [_numbers_in(match.group(1)), _numbers_in(match.group(2))]
        if values[0] is not None and values[1] is not None and values[0] <= values[1] and UNNAMED_INTEGERS not in bounds.ranges:
            _bound_side(bounds.range(UNNAMED_INTEGERS), ("low", "high"), values, length=False)
    for pattern, sides in ((_AT_MOST, ("high",)), (_AT_LEAST, ("low",)), (_BETWEEN, ("low", "high"))):
        for match in pattern.finditer(clause):
            values = [_numbers_in(match.group(2 + k)) for k in range(len(sides))]
            if any(v is None for v in values) or (len(values) == 2 and values[0] > values[1]):  # type: ignore[operator]
                continue
            for name in _names_in(match.group(1), bounds.labels):
                _bound_side(bounds.range(name.lstrip("|")), sides, values, length=name.startswith("|"))


def _bound_side(found: Range, sides: tuple[str, ...], values: list[Value | None], *, length: bool) -> None:
    for side, value in zip(sides, values, strict=True):
        assert value is not None
        if length:
            setattr(found, f"length_{side}", int(value))
        elif side == "low":
            found.add_low(value)
        else:
            found.add_high(value)


def _read_sums(clause: str, bounds: Bounds) -> None:
    for match in [*_SUM.finditer(clause), *_SIGMA.finditer(clause)]:
        what = match.group(1) if match.re is _SIGMA else match.group("what")
        limit_text = match.groups()[-1]
        value = _numbers_in(limit_text)
        if value is None:
            continue
        what = what.replace("Σ", "").strip()
        # "the total length of the strings" names no variable: "*", the case's string
        name = "*" if what.lower().startswith("length") else base_name(what.strip("| "), bounds.labels)
        target = bounds.range(name)
        target.sum_limit = value if target.sum_limit is None else min(target.sum_limit, value)
