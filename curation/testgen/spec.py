"""An input specification where no jury validator exists (scraped problems), inferred from the samples and the
statement, written as a checktestdata script so that it validates and generates like a jury's.

The samples give the structure, read section by section across all of them at once: a line of fixed width; a line
whose number of tokens is an integer read before it (``n``, then ``a_1 ... a_n``); or a block of lines of one width
whose number of lines is such an integer, or one less (``n``, then ``n - 1`` edges). A reading must fit every sample
and official input, and a count is preferred only where the inputs show it (a count of 2 or more somewhere).
Integers are named after the variables the statement's Input section mentions, in order (``a_i`` as ``a``), and
bounded by a constraint it states (``1 \\le n \\le 2 \\cdot 10^5``, ``1 \\le a, b \\le 10^9``, ``1 \\le b_i \\le w``).
Strings are words of the letters and digits the samples use, with a stated length bound (``|S| \\le 100``) or the
length an integer read before them gives in every sample.

As a validator (``infer_spec``), a token without a stated bound is not guessed: the problem gets no specification,
says why, and gets no generated tests; a specification that rejects any known input is discarded the same way. As a
generator only (``for_generation=True``, when a jury's own validator decides), a missing bound is taken from what the
inputs show, widened, and the jury's validator throws away what it does not accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cpdata.schema import Problem, ProblemProgram

__all__ = ["INFERRED_NAME", "Inference", "infer_spec"]

INFERRED_NAME = "cpdata-inferred"
_INT = re.compile(r"-?\d+")
_LE = r"(?:\\le(?:q)?|≤|<=)"
# a number as statements write bounds: 5, 100\,000, 2 \cdot 10^5, 10^{18}, 10^9 + 7, -10^9
_NUMBER = (
    r"(-?\s*(?:\d[\d,]*(?:\\,\d+)*(?:\s*(?:\\cdot|\\times|·|\*)\s*10\s*\^\s*\{?\d+\}?)?"
    r"|10\s*\^\s*\{?\d+\}?)(?:\s*[+-]\s*\d+)?)"
)
_NAME = r"[A-Za-z](?:_\{?\w+\}?)?"  # n, a_i, a_{i}
_NAMES = rf"((?:{_NAME}\s*,\s*)*{_NAME})"  # a, b
_CONSTRAINT = re.compile(rf"{_NUMBER}\s*{_LE}\s*{_NAMES}\s*{_LE}\s*{_NUMBER}(?=[\s$,.)]|$)")
_WORD = re.compile(r"[A-Za-z0-9]+")
_LENGTH = re.compile(rf"\|\s*({_NAME})\s*\|\s*{_LE}\s*{_NUMBER}")  # |S_i| <= 100
_VARIABLE_BOUND = re.compile(rf"{_NUMBER}\s*{_LE}\s*{_NAMES}\s*{_LE}\s*([A-Za-z])(?![A-Za-z_])")  # 1 <= b_i <= w


@dataclass(frozen=True)
class Inference:
    script: str | None
    reason: str
    """What the specification covers, or why none was inferred."""

    def as_program(self, problem: Problem) -> ProblemProgram | None:
        if self.script is None:
            return None
        return ProblemProgram(
            site=problem.site,
            contest_id=problem.contest_id,
            index=problem.index,
            role="input_validator",
            name=INFERRED_NAME,
            language="checktestdata",
            files={"spec.ctd": self.script},
            entry="spec.ctd",
        )


def _number(text: str) -> int | None:
    """``2 \\cdot 10^5``, ``10^{18}``, ``10^9+7``, ``100\\,000``, ``1e9`` as an integer."""
    cleaned = text.replace("\\,", "").replace(",", "").replace("{", "").replace("}", "").replace(" ", "")
    cleaned = cleaned.replace("\\cdot", "*").replace("·", "*").replace("\\times", "*").replace("x", "*")
    if not re.fullmatch(r"-?[\d*^+.e]+", cleaned):
        return None
    try:
        value = eval(cleaned.replace("^", "**"), {"__builtins__": {}}, {})
    except (SyntaxError, ValueError, TypeError, ArithmeticError):
        return None
    return int(value) if isinstance(value, int | float) and float(value).is_integer() else None


def _variables(statement: str) -> list[str]:
    """The variables the Input section names, in the order it names them (from its TeX)."""
    section = re.search(r"#+\s*Input\s*\n(.*?)(?:\n#+\s|\Z)", statement, flags=re.S | re.I)
    text = section.group(1) if section else ""
    # AtCoder's format block, the variables as laid out: lines made only of math (``$N$ $K$``, as the scraper writes
    # it), or a code block (older stores).
    layout = re.search(r"```\w*\n(.*?)```", text, flags=re.S)
    lines = [line for line in text.splitlines() if line.strip() and re.fullmatch(r"(?:\s*\$[^$]+\$)+\s*", line)]
    if layout is not None or lines:
        words = layout.group(1).split() if layout is not None else [w for line in lines for w in re.findall(r"\$([^$]+)\$", line)]
        # a layout with repetition (``A_1 A_2 \\ldots A_N``, ``\\vdots``): the names, without the dots
        dots = ("...", "\\vdots", "\\ldots", "\\cdots", "\\dots", ":", "⋮", "…")
        return [w.strip("$") for w in words if w not in dots and "..." not in w]
    names: list[str] = []
    for math in re.findall(r"\$([^$]+)\$", text):
        for name in re.findall(r"(?<![\\A-Za-z])([A-Za-z](?:_\{?\w+\}?)?)(?![A-Za-z])", math):
            if name not in names:
                names.append(name)
    return names


def _bounds(statement: str) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for math in re.findall(r"\$([^$]+)\$", statement):
        for low, names, high in _CONSTRAINT.findall(math):
            lo, hi = _number(low), _number(high)
            if lo is None or hi is None or lo > hi:
                continue
            for name in re.split(r"\s*,\s*", names.strip()):
                found.setdefault(name, (lo, hi))
    return found


def _base(name: str) -> str:
    """``a_i``, ``a_{i}``, ``A_1`` -> ``a``/``A``: the variable an indexed name belongs to."""
    return name.split("_", 1)[0]


@dataclass
class _Field:
    """One token column: an integer (bounds numeric or an earlier integer's variable) or a word."""

    name: str | None
    """The statement's name for it (``a`` for ``a_i``), when the Input section names enough."""
    tokens: list[str]
    owners: list[int]
    """The input each token came from."""
    var: str = ""
    """Its checktestdata variable, when something may refer to it (a count, a bound, a total)."""
    low: int | None = None
    """An integer's least value; a word's least length (0 when an input has an empty one)."""
    high: int | str | None = None
    """An integer's greatest value: a number, or an earlier integer's variable."""
    alphabet: str = ""
    """A word's characters, as a regex class body (``a-z``, ``A-Z0-9``)."""
    length: str | int | None = None
    """A word's length: a variable it equals in every input, or a stated upper bound."""
    total_of: str = ""
    """An integer read before this column that is its total in every input (``m``, the sum of the ports)."""

    @property
    def integer(self) -> bool:
        return all(_INT.fullmatch(t) for t in self.tokens)


@dataclass
class _Section:
    kind: str  # "line" (fixed width), "array" (one line of `count` tokens), "block" (`count` lines)
    fields: list[_Field]
    count: str = ""
    """The ctd expression of an array's length or a block's lines (``x0``, ``x0 - 1``)."""


class _Reading:
    """The sections of every input, read together (``read`` says why when no reading fits them all)."""

    def __init__(self, inputs: list[str]) -> None:
        self.lines = [text.rstrip("\n").split("\n") if text.strip() else [] for text in inputs]
        self.at = [0] * len(inputs)
        self.values: list[dict[str, int]] = [{} for _ in inputs]  # integer variables read so far, per input
        self.order: list[str] = []
        self.sections: list[_Section] = []

    def read(self) -> str | None:
        """Read every section; the reason it cannot, or None."""
        while any(at < len(lines) for at, lines in zip(self.at, self.lines, strict=True)):
            if any(at >= len(lines) for at, lines in zip(self.at, self.lines, strict=True)):
                return "the inputs differ in shape (one ends where another goes on)"
            if not (self._block() or self._array() or self._line()):
                return "the inputs differ in shape in a way no count read before explains"
        return None

    def _width(self, index: int, line: int) -> int:
        return len(self.lines[index][line].split())

    def _counts(self, var: str, less: int) -> list[int]:
        return [values[var] - less for values in self.values]

    def _block(self) -> bool:
        for var in self.order:
            for less in (0, 1):
                counts = self._counts(var, less)
                if max(counts) < 2 or min(counts) < 0:
                    continue  # no evidence of a count here (or a negative one)
                if any(at + count > len(lines) for at, count, lines in zip(self.at, counts, self.lines, strict=True)):
                    continue
                spans = [(i, at + k) for i, (at, count) in enumerate(zip(self.at, counts, strict=True)) for k in range(count)]
                widths = {self._width(i, line) for i, line in spans}
                if len(widths) != 1 or widths == {0}:
                    continue
                (width,) = widths
                rows = [self.lines[i][line].split() for i, line in spans]
                owners = [i for i, _ in spans]
                fields = [_Field(None, [row[c] for row in rows], owners) for c in range(width)]
                for i, count in enumerate(counts):
                    self.at[i] += count
                self.sections.append(_Section("block", fields, var if not less else f"{var} - 1"))
                return True
        return False

    def _array(self) -> bool:
        for var in self.order:
            counts = self._counts(var, 0)
            if max(counts) < 2 or min(counts) < 0:
                continue
            if all(self._width(i, at) == count for i, (at, count) in enumerate(zip(self.at, counts, strict=True))):
                pairs = [(i, t) for i, at in enumerate(self.at) for t in self.lines[i][at].split()]
                self.at = [at + 1 for at in self.at]
                field = _Field(None, [t for _, t in pairs], [i for i, _ in pairs])
                self.sections.append(_Section("array", [field], var))
                return True
        return False

    def _line(self) -> bool:
        widths = {self._width(i, at) for i, at in enumerate(self.at)}
        if len(widths) != 1:
            return False
        (width,) = widths
        rows = [self.lines[i][at].split() for i, at in enumerate(self.at)]
        fields = [_Field(None, [row[c] for row in rows], list(range(len(rows)))) for c in range(width)]
        for c, field in enumerate(fields):
            if field.integer:  # a later count may be this integer
                field.var = f"x{len(self.order)}"
                self.order.append(field.var)
                for values, row in zip(self.values, rows, strict=True):
                    values[field.var] = int(row[c])
        self.at = [at + 1 for at in self.at]
        self.sections.append(_Section("line", fields))
        return True


def _word_class(tokens: list[str]) -> str | None:
    if not all(_WORD.fullmatch(t) for t in tokens):
        return None
    seen = set("".join(tokens))
    parts = [
        ("a-z", any(c.islower() for c in seen)),
        ("A-Z", any(c.isupper() for c in seen)),
        ("0-9", any(c.isdigit() for c in seen)),
    ]
    return "".join(part for part, used in parts if used) or None


def infer_spec(problem: Problem, inputs: list[str], *, for_generation: bool = False) -> Inference:
    """A checktestdata script for the inputs' structure with the statement's names and bounds, or why not.
    ``for_generation``: bounds the statement does not state are taken from the inputs, widened (a jury validator
    decides what is valid, so the script only has to propose)."""
    if not inputs:
        return Inference(None, "no sample or official input to learn the shape from")
    reading = _Reading(inputs)
    reason = reading.read()
    if reason is not None:
        return Inference(None, reason)
    statement = problem.statement or ""
    names = list(dict.fromkeys(_base(v) for v in _variables(statement)))
    bounds = _bounds(statement)
    variable_bounds = _variable_bounds(statement)
    lengths = _lengths(statement)
    fields = [f for section in reading.sections for f in section.fields]
    by_name: dict[str, str] = {}  # statement name -> ctd variable, for bounds such as b <= w
    widest = max((high for _, high in bounds.values()), default=None)
    missing = []
    for position, field in enumerate(fields):
        field.name = names[position] if position < len(names) else None
        known = _lookup(bounds, field.name)
        if field.integer:
            if field.name is not None and field.var:
                by_name.setdefault(field.name, field.var)
            over = _lookup(variable_bounds, field.name)
            if known is not None:
                field.low, field.high = known
            elif over is not None and over[1] in by_name:
                field.low, field.high = over[0], by_name[over[1]]
            elif for_generation:
                seen = [int(t) for t in field.tokens]
                field.low = min(0, min(seen)) if min(seen) <= 0 else 1
                field.high = max(max(seen), widest or 0, 10 * max(seen))
            else:
                missing.append(field.name or f"token {position + 1}")
            continue
        alphabet = _word_class(field.tokens)
        if alphabet is None:
            return Inference(None, "the input has tokens that are neither integers nor words of letters and digits")
        field.alphabet = alphabet
        field.low = 0 if any(t == "" for t in field.tokens) else 1
        equal = _equal_length(reading, field)
        stated = _lookup(lengths, field.name)
        if equal is not None:
            field.length = equal
        elif stated is not None:
            field.length = stated
        elif for_generation:
            field.length = max(len(t) for t in field.tokens) * 2
        else:
            missing.append(f"the length of {field.name or f'token {position + 1}'}")
    if missing:
        return Inference(None, f"no stated bound for {', '.join(missing)}")
    _totals(reading)
    script = _script(reading.sections) + "EOF\n"
    for var in reading.order:  # an integer nothing refers to needs no name
        if len(re.findall(rf"\b{var}\b", script)) == 1:
            script = script.replace(f", {var})", ")")
    shown = []
    for field in fields:
        if field.integer:
            total = f" (summing to {_shown(field.total_of, fields)})" if field.total_of else ""
            shown.append(f"{field.name or '?'} in [{field.low}, {_shown(field.high, fields)}]{total}")
        else:
            shown.append(f"{field.name or '?'} a word of [{field.alphabet}] (length {_shown(field.length, fields)})")
    structure = ", ".join(
        section.kind if section.kind == "line" else f"{section.kind} of {_shown(section.count, fields)}"
        for section in reading.sections
    )
    return Inference(script, f"{structure}: {'; '.join(shown)}")


def _shown(value: object, fields: list[_Field]) -> str:
    text = str(value)
    for field in fields:
        if field.var and field.name:
            text = re.sub(rf"\b{field.var}\b", field.name, text)
    return text


def _lookup(table: dict[str, Any], name: str | None) -> Any:
    if name is None:
        return None
    for key in (name, f"{name}_i", f"{name}_{{i}}", f"{name}_1", name.upper(), name.lower()):
        if key in table:
            return table[key]
    return None


def _equal_length(reading: _Reading, field: _Field) -> str | None:
    """An integer read before a word that equals the word's length in every input (``n``, then a string of n; ``h w``,
    then h lines of w letters)."""
    for var in reading.order:
        lengths_match = all(var in values for values in reading.values) and all(
            reading.values[owner][var] == len(token) for owner, token in zip(field.owners, field.tokens, strict=True)
        )
        if lengths_match and max(len(t) for t in field.tokens) >= 2:
            return var
    return None


def _script(sections: list[_Section]) -> str:
    out = []
    for number, section in enumerate(sections):
        tokens = [_token(field, f"s{number}c{column}") for column, field in enumerate(section.fields)]
        summed = [field for field in section.fields if field.total_of]
        adds = "".join(f" SET(t{f.var[1:]} = t{f.var[1:]} + {f.var})" for f in summed)
        out += [f"SET(t{f.var[1:]} = 0)\n" for f in summed]
        if section.kind == "line":
            out.append(" SPACE ".join(tokens) + " NEWLINE\n" if tokens else "NEWLINE\n")
        elif section.kind == "array":
            out.append(f"REP({section.count}, SPACE) {tokens[0]}{adds} END NEWLINE\n")
        else:
            out.append(f"REP({section.count})\n  " + " SPACE ".join(tokens) + f" NEWLINE{adds}\nEND\n")
        out += [f"ASSERT({f.total_of} == t{f.var[1:]})\n" for f in summed]
    return "".join(out)


def _totals(reading: _Reading) -> None:
    """Mark each integer column (of an array or block) that an integer read before it totals in every input: the
    script then checks the total, and a generator writes it after drawing the column."""
    columns = [(s, f) for s in reading.sections if s.kind != "line" for f in s.fields if f.integer]
    for number, (section, column) in enumerate(columns):
        for var in reading.order:
            if section.count.split(" ")[0] == var and all(t == "1" for t in column.tokens):
                continue  # a column of ones totals its own count: nothing learned
            sums = [0] * len(reading.values)
            for owner, token in zip(column.owners, column.tokens, strict=True):
                sums[owner] += int(token)
            if len(column.tokens) > len(reading.values) and all(
                var in values and values[var] == total for values, total in zip(reading.values, sums, strict=True)
            ):
                column.var, column.total_of = f"y{number}", var
                break


def _token(field: _Field, word: str) -> str:
    if field.integer:
        named = f", {field.var}" if field.var else ""
        return f"INT({field.low}, {field.high}{named})"
    sign = "+" if field.low else "*"
    relation = "==" if isinstance(field.length, str) else "<="
    return f'REGEX("[{field.alphabet}]{sign}", {word}) ASSERT(STRLEN({word}) {relation} {field.length})'


def _variable_bounds(statement: str) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for math in re.findall(r"\$([^$]+)\$", statement):
        for low, names, high in _VARIABLE_BOUND.findall(math):
            lo = _number(low)
            if lo is None:
                continue
            for name in re.split(r"\s*,\s*", names.strip()):
                found.setdefault(name, (lo, high))
    return found


def _lengths(statement: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for math in re.findall(r"\$([^$]+)\$", statement):
        for name, high in _LENGTH.findall(math):
            value = _number(high)
            if value is not None:
                found.setdefault(name, value)
    return found
