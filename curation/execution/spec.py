"""An input specification where no jury validator exists (scraped problems), inferred from the samples and the
statement, written as a checktestdata script so that it validates and generates like a jury's.

The inference is deliberately narrow, because a wrong specification makes invalid tests: it handles inputs of one
fixed shape (every sample has the same lines with the same number of integer tokens), names the integers after the
variables the statement's Input section mentions in order, and bounds each by a constraint the statement states
(``1 \\le n \\le 2 \\cdot 10^5``, ``1 \\le a, b \\le 10^9``). Anything else (arrays whose length is an input, strings,
a token without a stated bound) is not guessed: the problem gets no specification, says why, and gets no generated
tests. A specification that rejects any sample or official input is discarded the same way (``accepts_all``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_CONSTRAINT = re.compile(
    rf"{_NUMBER}\s*{_LE}\s*((?:[A-Za-z](?:_\{{?\w+\}}?)?\s*,\s*)*[A-Za-z](?:_\{{?\w+\}}?)?)\s*{_LE}\s*{_NUMBER}(?=[\s$,.)]|$)"
)


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
        if any(w in ("...", "\\vdots", ":", "⋮") or "..." in w for w in words):
            return []  # a layout with repetition: its length is read from the input, which is not inferred
        return [w.strip("$") for w in words]
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


def infer_spec(problem: Problem, inputs: list[str]) -> Inference:
    """A checktestdata script for inputs of one fixed shape of bounded integers, or why not."""
    if not inputs:
        return Inference(None, "no sample or official input to learn the shape from")
    shapes = set()
    for text in inputs:
        lines = text.rstrip("\n").split("\n")
        if any(not _INT.fullmatch(token) for line in lines for token in line.split()):
            return Inference(None, "the input has tokens that are not integers (strings are not inferred)")
        shapes.add(tuple(len(line.split()) for line in lines))
    if len(shapes) != 1:
        return Inference(None, "the inputs differ in shape (sizes read from the input are not inferred)")
    (shape,) = shapes
    names = _variables(problem.statement or "")
    bounds = _bounds(problem.statement or "")
    count = sum(shape)
    if len(names) < count:
        return Inference(None, f"the Input section names {len(names)} variables for {count} numbers")
    chosen = names[:count]
    missing = [name for name in chosen if name not in bounds]
    if missing:
        return Inference(None, f"no stated bound for {', '.join(missing)}")
    lines, position = [], 0
    for width in shape:
        fields = []
        for _ in range(width):
            name = chosen[position]
            low, high = bounds[name]
            fields.append(f"INT({low}, {high})")
            position += 1
        lines.append(" SPACE ".join(fields) + " NEWLINE" if fields else "NEWLINE")
    script = "\n".join(lines) + "\nEOF\n"
    covered = ", ".join(f"{name} in [{bounds[name][0]}, {bounds[name][1]}]" for name in chosen)
    return Inference(script, f"{len(shape)} lines of {count} integers: {covered}")
