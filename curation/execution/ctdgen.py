"""Random valid inputs from a checktestdata script: the script is the input's specification, so it can write inputs
as well as read them.

A subset of checktestdata is understood: ``INT(lo, hi[, var])``, ``SPACE``, ``NEWLINE``, ``EOF``, ``REP(n[, sep])``
and ``REPI(i, n[, sep])`` ... ``END``, ``REGEX("[class]*|+", var)`` with the length an ``ASSERT(STRLEN(var) <= k)``
or ``== k`` right after it sets, other ``ASSERT``s (left to the validator), and expressions over the variables
(``+ - * / % ^``, ``INT(1, w)``). A script outside the subset is refused (``UnsupportedScript``), never guessed at.

Values are drawn per ``profile``: ``random`` (log-uniform, so that products of sizes stay plausible), ``max`` and
``min`` (the extremes that expose overflow and too-slow solutions), ``small``. Whatever is drawn is still checked by
the real validator before it may become a test: the generator proposes, the validator decides.
"""

from __future__ import annotations

import functools
import math
import random
import re
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

__all__ = ["PROFILES", "Script", "TooLarge", "UnsupportedScript", "parse_script"]

PROFILES = ("random", "small", "max", "min")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)"
    r'|(?P<string>"(?:[^"\\]|\\.)*")|(?P<op><=|>=|==|!=|&&|\|\||[-+*/%^(),<>!]))'
)
_MAX_CHARS = 4_000_000  # a candidate larger than this is not worth running 30 solutions on


class UnsupportedScript(ValueError):
    """A checktestdata construct this generator does not write."""


class TooLarge(ValueError):
    """This draw would make an input over the size budget (e.g. the largest height times the largest width, which
    the script's own product assertion forbids): draw again, the script itself is fine."""


def _tokens(text: str) -> list[str]:
    text = re.sub(r"#.*", "", text)
    found, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if not match:
            raise UnsupportedScript(f"cannot read the script near {text[at : at + 20]!r}")
        found.append(match.group(match.lastgroup or "op"))
        at = match.end()
    return found


@dataclass
class _Node:
    kind: str
    args: list[Any] = field(default_factory=list)
    body: list[_Node] = field(default_factory=list)


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise UnsupportedScript(f"expected {expected!r}, found {token!r}")
        self.at += 1
        return token

    def block(self, until: str | None = None) -> list[_Node]:
        nodes = []
        while (token := self.peek()) is not None and token != until:
            nodes.append(self.statement())
        if until is not None:
            self.take(until)
        return nodes

    def statement(self) -> _Node:
        word = self.take()
        if word in ("SPACE", "NEWLINE", "EOF"):
            return _Node(word)
        if word in ("INT", "REGEX", "REP", "REPI", "ASSERT"):
            args = self.arguments()
            node = _Node(word, args)
            if word in ("REP", "REPI"):
                node.body = self.block("END")
            return node
        raise UnsupportedScript(f"{word} is not in the subset this generator writes")

    def arguments(self) -> list[Any]:
        self.take("(")
        args: list[Any] = []
        depth, current = 0, list[str]()
        while True:
            token = self.take()
            if token == "(":
                depth += 1
            elif token == ")":
                if depth == 0:
                    args.append(current)
                    return [a for a in args if a]
                depth -= 1
            elif token == "," and depth == 0:
                args.append(current)
                current = []
                continue
            current.append(token)


def _value(tokens: list[str], variables: dict[str, Any]) -> Any:
    """Evaluate an expression (numbers, variables, + - * / % ^, comparisons, STRLEN) over the variables so far."""
    if len(tokens) == 1 and tokens[0].lstrip("-").isdigit():
        return int(tokens[0])  # the common case (INT(1, 100000)): no expression to evaluate
    code, names = _compiled(tuple(tokens))
    missing = next((name for name in names if name not in variables), None)
    if missing is not None:
        raise UnsupportedScript(f"{missing} is used before it is read")
    return eval(code, {"__builtins__": {}, "len": len}, {"__v": variables})


@functools.lru_cache(maxsize=4096)
def _compiled(tokens: tuple[str, ...]) -> tuple[CodeType, tuple[str, ...]]:
    """An expression as Python byte code, compiled once (an INT inside a loop of 10^6 is evaluated 10^6 times)."""
    text = []
    names = []
    for position, token in enumerate(tokens):
        if token == "STRLEN":
            text.append("len")
        elif token == "^":
            text.append("**")
        elif token == "&&":
            text.append(" and ")
        elif token == "||":
            text.append(" or ")
        elif token == "!" and (position + 1 >= len(tokens) or tokens[position + 1] != "="):
            text.append(" not ")
        elif re.fullmatch(r"[A-Za-z_]\w*", token):
            names.append(token)
            text.append(f"__v[{token!r}]")
        elif token == "/":
            text.append("//")
        else:
            text.append(token)
    return compile("".join(text), "<checktestdata expression>", "eval"), tuple(names)


@dataclass
class Script:
    nodes: list[_Node]
    _size: int = field(default=0, init=False, repr=False, compare=False)

    def generate(self, rng: random.Random, profile: str = "random") -> str:
        """One input the script would (very likely) accept; the validator has the last word. Raises TooLarge for a
        draw over the size budget, before building it."""
        out: list[str] = []
        self._size = 0
        self._run(self.nodes, {}, rng, profile, out)
        return "".join(out)

    def _emit(self, out: list[str], text: str) -> None:
        self._size += len(text)
        if self._size > _MAX_CHARS:
            raise TooLarge(f"the input would exceed {_MAX_CHARS} characters")
        out.append(text)

    def _run(self, nodes: list[_Node], variables: dict[str, Any], rng: random.Random, profile: str, out: list[str]) -> None:
        for position, node in enumerate(nodes):
            if node.kind == "SPACE":
                self._emit(out, " ")
            elif node.kind == "NEWLINE":
                self._emit(out, "\n")
            elif node.kind in ("EOF", "ASSERT"):
                continue  # the validator checks what the assertions say
            elif node.kind == "INT":
                low, high = int(_value(node.args[0], variables)), int(_value(node.args[1], variables))
                number = _draw(low, high, rng, profile)
                if len(node.args) > 2:
                    variables[node.args[2][0]] = number
                self._emit(out, str(number))
            elif node.kind == "REGEX":
                text = _string(node, nodes[position + 1 :], variables, rng, profile, _MAX_CHARS - self._size)
                if len(node.args) > 1:
                    variables[node.args[1][0]] = text
                self._emit(out, text)
            elif node.kind in ("REP", "REPI"):
                first = 1 if node.kind == "REPI" else 0  # REPI(i, n, sep) names its counter first
                counter = node.args[0][0] if first else None
                count_expr = node.args[first]
                separator = node.args[first + 1] if len(node.args) > first + 1 else None
                times = int(_value(count_expr, variables))
                for index in range(times):
                    if index and separator:
                        self._run([_Node(separator[0])], variables, rng, profile, out)
                    if counter is not None:
                        variables[counter] = index
                    self._run(node.body, variables, rng, profile, out)


def _draw(low: int, high: int, rng: random.Random, profile: str) -> int:
    if high < low:
        raise UnsupportedScript(f"an empty range [{low}, {high}]")
    if profile == "max":
        return high
    if profile == "min":
        return low
    if profile == "small":
        return rng.randint(low, min(high, low + 10))
    if low >= 1 and high > 10 * low:  # log-uniform: sizes spread over magnitudes, products of sizes stay plausible
        return min(high, max(low, int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))))
    return rng.randint(low, high)


def _string(node: _Node, following: list[_Node], variables: dict[str, Any], rng: random.Random, profile: str, room: int) -> str:
    pattern = node.args[0][0].strip('"')
    match = re.fullmatch(r"\[([^\]]+)\]([*+])", pattern)
    if not match:
        raise UnsupportedScript(f"REGEX {pattern!r}: only a character class with * or + is written")
    alphabet = _characters(match.group(1))
    shortest = 1 if match.group(2) == "+" else 0
    length = None
    name = node.args[1][0] if len(node.args) > 1 else None
    for later in following:  # ASSERT(STRLEN(s) == w) or <= k right after the REGEX (and its separator) sets the length
        if later.kind in ("SPACE", "NEWLINE"):
            continue
        if later.kind != "ASSERT" or name is None:
            break
        tokens = later.args[0]
        if tokens[:4] == ["STRLEN", "(", name, ")"] and len(tokens) > 5:
            bound = int(_value(tokens[5:], variables))
            if tokens[4] == "==":
                length = bound
            elif tokens[4] in ("<=", "<"):
                high = bound - (tokens[4] == "<")
                length = _draw(max(shortest, 0), high, rng, profile) if high >= shortest else shortest
    if length is None:
        length = _draw(shortest, max(shortest, 20), rng, profile if profile != "max" else "random")
    if length > room:
        raise TooLarge(f"a string of {length} characters would exceed the size budget")
    return "".join(rng.choices(alphabet, k=length))


def _characters(spec: str) -> str:
    found = []
    at = 0
    while at < len(spec):
        if at + 2 < len(spec) and spec[at + 1] == "-":
            found += [chr(c) for c in range(ord(spec[at]), ord(spec[at + 2]) + 1)]
            at += 3
        else:
            found.append(spec[at])
            at += 1
    return "".join(found)


def parse_script(text: str) -> Script:
    """A checktestdata script as a generator, or UnsupportedScript."""
    return Script(_Parser(_tokens(text)).block())
