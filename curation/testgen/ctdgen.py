"""Random valid inputs from a checktestdata script: the script is the input's specification, so it can write inputs
as well as read them.

A subset of checktestdata is understood: ``INT(lo, hi[, var])``, ``SPACE``, ``NEWLINE``, ``EOF``, ``REP(n[, sep])``
and ``REPI(i, n[, sep])`` ... ``END``, ``REGEX("[class]*|+", var)`` with the length an ``ASSERT(STRLEN(var) <= k)``
or ``== k`` right after it sets, other ``ASSERT``s (left to the validator), and expressions over the variables
(``+ - * / % ^``, ``INT(1, w)``). A script outside the subset is refused (``UnsupportedScript``), never guessed at.

Each input is drawn by a ``profile``, a size mode and a value mode (``max/few``). Sizes (repetition counts, bounds of
other integers, string lengths, factors of an asserted product) are the largest the script allows (``max``: an
assertion such as ``h*w <= 10^5`` over sizes already read is met by the largest value that holds, so the input is as
big as allowed, not refused), log-uniform (``random``), ``small`` or ``min``. Values are ``uniform`` in their range,
``few`` (one to three distinct values per field, two or three letters per string: the equal keys and repeated
letters that expose too-slow and wrong solutions), ``skewed`` (one value nearly everywhere, a letter missing),
``high`` or ``low`` (every value at its bound: overflow), or ``spread`` (log-uniform). Whatever is drawn is still
checked by the real validator before it may become a test: the generator proposes, the validator decides.
"""

from __future__ import annotations

import functools
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

__all__ = [
    "SIZES",
    "VALUES",
    "Drawing",
    "Script",
    "TooLarge",
    "UnsupportedScript",
    "draw_size",
    "is_prime",
    "largest_fitting",
    "parse_script",
    "prime_near",
    "split_profile",
]

_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)"
    r'|(?P<string>"(?:[^"\\]|\\.)*")|(?P<op><=|>=|==|!=|&&|\|\||[-+*/%^(),<>!=\[\]]))'
)
_MAX_CHARS = 4_000_000  # a candidate larger than this is not worth running 30 solutions on


class UnsupportedScript(ValueError):
    """A checktestdata construct this generator does not write."""


class TooLarge(ValueError):
    """This draw cannot be used (over the size budget, e.g. the largest height times the largest width, or a value
    the script defines after the fact, such as a total, out of its range): draw again, the script itself is fine."""


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


_COMMANDS = ("INT", "REGEX", "REP", "REPI", "ASSERT", "SET", "UNSET", "FLOAT", "FLOATP", "STRING", "WHILE", "WHILEI", "IF")


@dataclass
class _Node:
    kind: str
    args: list[Any] = field(default_factory=list)
    body: list[_Node] = field(default_factory=list)
    otherwise: list[_Node] = field(default_factory=list)
    """An IF's ELSE branch."""


class _Retry(Exception):
    """An assertion the draw broke (``ASSERT(n % 2 == 1)``, ``ASSERT(a != b)``): the enclosing repetition, or the whole
    input, is drawn again."""


_RETRIES = 30


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
        if word in _COMMANDS:
            args = self.arguments()
            node = _Node(word, args)
            if word in ("REP", "REPI", "WHILE", "WHILEI"):
                node.body = self.block("END")
            elif word == "IF":
                node.body = self.block_until(("ELSE", "END"))
                if self.take() == "ELSE":
                    node.otherwise = self.block("END")
            return node
        raise UnsupportedScript(f"{word} is not in the subset this generator writes")

    def block_until(self, ends: tuple[str, ...]) -> list[_Node]:
        nodes = []
        while (token := self.peek()) is not None and token not in ends:
            nodes.append(self.statement())
        return nodes

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


def _unique(*arrays: dict[Any, Any]) -> bool:
    """checktestdata's UNIQUE(a[, b...]): no two indices hold the same value (the same tuple of values)."""
    keys = sorted(arrays[0]) if arrays else []
    rows = [tuple(array.get(k) for array in arrays) for k in keys]
    return len(set(rows)) == len(rows)


def _in_array(value: Any, array: dict[Any, Any]) -> bool:
    return value in array.values()


_FUNCTIONS: dict[str, Any] = {"len": len, "__unique": _unique, "__inarray": _in_array}


def _value(tokens: list[str], variables: dict[str, Any]) -> Any:
    """Evaluate an expression (numbers, variables and array elements, + - * / % ^, comparisons, STRLEN, UNIQUE,
    INARRAY) over the variables so far."""
    if len(tokens) == 1 and tokens[0].lstrip("-").isdigit():
        return int(tokens[0])  # the common case (INT(1, 100000)): no expression to evaluate
    code, names = _compiled(tuple(tokens))
    missing = next((name for name in names if name not in variables), None)
    if missing is not None:
        raise UnsupportedScript(f"{missing} is used before it is read")
    return eval(code, {"__builtins__": {}, **_FUNCTIONS}, {"__v": variables})


@functools.lru_cache(maxsize=4096)
def _compiled(tokens: tuple[str, ...]) -> tuple[CodeType, tuple[str, ...]]:
    """An expression as Python byte code, compiled once (an INT inside a loop of 10^6 is evaluated 10^6 times)."""
    text = []
    names = []
    for position, token in enumerate(tokens):
        if token == "STRLEN":
            text.append("len")
        elif token in ("UNIQUE", "INARRAY"):
            text.append(f"__{token.lower()}")
        elif token in ("ISEOF", "MATCH"):
            raise UnsupportedScript(f"{token} depends on the input being read, not on values drawn")
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


# A profile is how big an input is and how its values are drawn. Sizes are the variables the script uses as sizes
# (repetition counts, bounds of other integers, string lengths, factors of an asserted product); the rest are values.
SIZES = ("max", "random", "small", "min")
VALUES = ("uniform", "few", "skewed", "high", "spread", "low", "small", "special", "mixed")
Fits = Callable[[int], bool]
"""Whether a size's value meets the assertions over it and the sizes read before it."""
_MIXED = ("uniform", "few", "skewed", "high", "low", "small", "special")
"""``mixed``: each field of the input draws its values its own way (large costs with short lengths, say)."""
# The single-word profiles of the first generator: every integer at its bound, or all drawn one way.
_PLAIN = {"max": ("max", "high"), "min": ("min", "low"), "random": ("random", "spread"), "small": ("small", "small")}


def split_profile(profile: str) -> tuple[str, str]:
    """``"max/few"`` -> (size mode, value mode); the plain ``"max"`` and friends as before."""
    if profile in _PLAIN:
        return _PLAIN[profile]
    size, _, value = profile.partition("/")
    if size not in SIZES or value not in VALUES:
        raise ValueError(f"unknown profile {profile!r}: sizes {SIZES}, values {VALUES}")
    return size, value


def _names(tokens: list[str]) -> set[str]:
    return {t for t in tokens if re.fullmatch(r"[A-Za-z_]\w*", t) and t != "STRLEN"}


def _size_names(nodes: list[_Node]) -> set[str]:
    """The variables a script uses as sizes: counts of repetitions, bounds of other integers, string lengths, and the
    factors of an asserted product (``ASSERT(h*w <= 100000)``)."""
    found: set[str] = set()
    for node in nodes:
        if node.kind in ("REP", "REPI"):
            found |= _names(node.args[1 if node.kind == "REPI" else 0])
            found |= _size_names(node.body)
        elif node.kind in ("IF", "WHILE", "WHILEI"):
            found |= _size_names(node.body) | _size_names(node.otherwise)
        elif node.kind == "INT":
            found |= _names(node.args[0]) | _names(node.args[1])
        elif node.kind == "ASSERT":
            tokens = node.args[0]
            if "STRLEN" in tokens:
                found |= _names(tokens) - {tokens[tokens.index("STRLEN") + 2]}
            elif "*" in tokens:
                found |= _names(tokens)
    return found


@dataclass
class Drawing:
    """One input being drawn (by a script here, or by a specification in ``draw``): its size and value modes, the
    pools of its ``few`` and ``skewed`` values, and its text so far (with the integers written before the values that
    define them, such as a total, still to fill in)."""

    rng: random.Random
    size: str
    value: str
    sizes: set[str]
    out: list[str] = field(default_factory=list)
    written: int = 0
    pending: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Integers written before the values that define them (``m``, then lines whose lengths must sum to ``m``):
    name -> (their place in the output, low, high), filled in at the assertion that defines them."""
    pools: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)
    alphabets: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)
    modes: dict[int, str] = field(default_factory=dict)

    def emit(self, text: str) -> None:
        self.written += len(text)
        if self.written > _MAX_CHARS:
            raise TooLarge(f"the input would exceed {_MAX_CHARS} characters")
        self.out.append(text)

    def hold(self, name: str, low: int, high: int) -> None:
        """Leave room for an integer a later assertion defines (``ASSERT(m == total)``)."""
        self.out.append("")
        self.pending[name] = (len(self.out) - 1, low, high)

    def define(self, tokens: list[str], variables: dict[str, Any]) -> bool:
        """At ``ASSERT(name == expression)``: write a held integer, now that its value is known (True when it did)."""
        name = tokens[0] if len(tokens) > 2 and tokens[1] == "==" else None
        if name is None or name not in self.pending:
            return False
        place, low, high = self.pending.pop(name)
        value = int(_value(tokens[2:], variables))
        if not low <= value <= high:
            raise TooLarge(f"{name} = {value} is out of its range [{low}, {high}]")
        variables[name] = value
        self.out[place] = str(value)
        self.written += len(self.out[place])
        return True

    def mode(self, node: object) -> str:
        if self.value != "mixed":
            return self.value
        found = self.modes.get(id(node))
        if found is None:
            found = self.modes[id(node)] = self.rng.choice(_MIXED)
        return found

    def _pooled(self, low: int, high: int) -> int:
        """A value for a pool: the bounds and their neighbours often (1s and 2s, the largest value), else any."""
        roll = self.rng.random()
        if roll < 0.25:
            return low
        if roll < 0.4:
            return high
        if roll < 0.5:
            return min(high, low + 1)
        return self.rng.randint(low, high)

    def integer(self, node: object, low: int, high: int, *, is_size: bool, fits: Fits | None = None, defer: bool = False) -> int:
        if high < low:
            raise UnsupportedScript(f"an empty range [{low}, {high}]")
        if is_size:
            mode = "random" if defer and self.size == "max" else self.size
            number = draw_size(low, high, self.rng, mode)
            if fits is not None and not fits(number):  # an assertion over sizes already read: the largest that holds
                largest = largest_fitting(low, high, fits)
                number = largest if mode == "max" else draw_size(low, largest, self.rng, mode)
            return number
        mode = self.mode(node)
        if mode in ("few", "skewed"):
            pool = self.pools.get((id(node), low, high))
            if pool is None:
                pool = self.pools[(id(node), low, high)] = [self._pooled(low, high) for _ in range(self.rng.randint(1, 3))]
            if mode == "few":
                return self.rng.choice(pool)
            if self.rng.random() < 0.97:  # one value nearly everywhere, the others rare
                return pool[0]
            return self.rng.choice(pool[1:]) if len(pool) > 1 else self.rng.randint(low, high)
        if mode == "uniform":
            return self.rng.randint(low, high)
        if mode == "special":  # a few extremes per field, found once (a primality search per value is slow)
            key = (-id(node), low, high)
            found = self.pools.get(key)
            if found is None:
                found = self.pools[key] = [special_number(low, high, self.rng) for _ in range(4)]
            return self.rng.choice(found)
        return draw_size(low, high, self.rng, {"high": "max", "low": "min", "spread": "random", "small": "small"}[mode])

    def text(self, node: object, alphabet: str, length: int) -> str:
        mode = self.mode(node)
        if len(alphabet) == 1 or mode == "uniform":
            return "".join(self.rng.choices(alphabet, k=length))
        if mode in ("spread", "special"):  # periodic: a random word repeated (borders, repeated substrings)
            period = self.rng.randint(1, max(1, min(length, 1 + int(length**0.5))))
            word = "".join(self.rng.choices(alphabet, k=period))
            return (word * (length // period + 1))[:length]
        if mode == "small":  # a palindrome
            half = "".join(self.rng.choices(alphabet, k=(length + 1) // 2))
            return half + half[: length // 2][::-1]
        if mode in ("high", "low"):
            return (alphabet[-1] if mode == "high" else alphabet[0]) * length
        chosen = self.alphabets.get((id(node), alphabet))
        if chosen is None:  # few: two or three characters; skewed: one character nearly everywhere, one never
            letters = self.rng.sample(alphabet, min(len(alphabet), self.rng.randint(2, 3)))
            rest = alphabet.replace(letters[0], "")
            rest = rest.replace(self.rng.choice(rest), "") or rest
            chosen = self.alphabets[(id(node), alphabet)] = ("".join(letters), letters[0] + rest)
        if mode == "few":
            return "".join(self.rng.choices(chosen[0], k=length))
        dominant, others = chosen[1][0], chosen[1][1:]
        return "".join(dominant if self.rng.random() < 0.995 else self.rng.choice(others) for _ in range(length))


# Highly composite numbers (more divisors than any smaller number): the inputs that slow divisor loops most.
_HIGHLY_COMPOSITE = (
    1, 2, 4, 6, 12, 24, 36, 48, 60, 120, 180, 240, 360, 720, 840, 1260, 1680, 2520, 5040, 7560, 10080, 15120, 20160,
    25200, 27720, 45360, 50400, 55440, 83160, 110880, 166320, 221760, 277200, 332640, 498960, 554400, 665280, 720720,
    1081080, 1441440, 2162160, 2882880, 3603600, 4324320, 6486480, 7207200, 8648640, 10810800, 21621600, 32432400,
    61261200, 73513440, 110270160, 245044800, 294053760, 367567200, 551350800, 698377680, 735134400, 1102701600,
    1396755360, 2095133040, 2205403200, 2327925600, 2793510720, 3491888400, 4655851200, 5587021440, 6983776800,
    10475665200, 13967553600, 20951330400, 27935107200, 41902660800, 48886437600, 64250746560, 73329656400,
    80313433200, 97772875200, 128501493120, 146659312800, 160626866400, 240940299600, 293318625600, 321253732800,
    481880599200, 642507465600, 963761198400, 1124388064800, 1606268664000, 1686582097200, 1927522396800,
    2248776129600, 3212537328000, 3373164194400, 4497552259200, 6746328388800, 8995104518400, 9316358251200,
    13492656777600, 18632716502400, 26985313555200, 33108590316000, 37265433004800, 56423405047200, 74530866009600,
    897612484786617600,
)  # fmt: skip


def is_prime(n: int) -> bool:
    """Miller-Rabin with the bases that decide every 64-bit integer (and, beyond, with high probability)."""
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def prime_near(value: int, low: int, high: int) -> int | None:
    """The largest prime in [low, value], else the smallest in [value, high] (None when the range holds none)."""
    for candidate in range(value, max(low, 2) - 1, -1):
        if is_prime(candidate):
            return candidate
    return next((c for c in range(max(value, 2), high + 1) if is_prime(c)), None)


def special_number(low: int, high: int, rng: random.Random) -> int:
    """A number-theoretic extreme in [low, high]: the largest prime, a highly composite number, a power of two (or
    one less), or a prime near a random point. Falls back to any value where the range holds none of them."""
    roll = rng.random()
    if roll < 0.35:
        start = high if roll < 0.2 else rng.randint(low, high)
        for candidate in range(start, max(low, start - 2000) - 1, -1):  # primes are dense: a gap of 2000 is rare
            if is_prime(candidate):
                return candidate
    elif roll < 0.7:
        fitting = [h for h in _HIGHLY_COMPOSITE if low <= h <= high]
        if fitting:
            return fitting[-1] if roll < 0.6 else rng.choice(fitting)
    else:
        powers = [p for k in range(0, 64) for p in (1 << k, (1 << k) - 1) if low <= p <= high]
        if powers:
            return rng.choice(powers[-4:])
    return rng.randint(low, high)


def largest_fitting(low: int, high: int, fits: Fits) -> int:
    """The largest value in [low, high] an assertion allows, for assertions that hold up to a point (sizes whose
    product is bounded); ``low`` when none does (the validator will then decide)."""
    if not fits(low):
        return low
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


@dataclass
class Script:
    nodes: list[_Node]
    _sizes: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._sizes = _size_names(self.nodes)

    def generate(self, rng: random.Random, profile: str = "random") -> str:
        """One input the script would (very likely) accept; the validator has the last word. Raises TooLarge for a
        draw over the size budget, before building it. ``profile`` is ``SIZE/VALUES`` (``max/few``: the largest
        sizes the script allows, values from a pool of one to three) or one of the plain ``max``, ``min``,
        ``random``, ``small``."""
        size, value = split_profile(profile)
        for _ in range(_RETRIES):
            drawing = Drawing(rng, size, value, self._sizes)
            try:
                self._run(self.nodes, {}, drawing)
            except _Retry:
                continue  # an assertion outside any repetition broke: the whole input again
            return "".join(drawing.out)
        raise TooLarge(f"{_RETRIES} draws in a row broke an assertion of the script")

    def _run(self, nodes: list[_Node], variables: dict[str, Any], draw: Drawing) -> None:
        for position, node in enumerate(nodes):
            following = nodes[position + 1 :]
            if node.kind == "SPACE":
                draw.emit(" ")
            elif node.kind == "NEWLINE":
                draw.emit("\n")
            elif node.kind == "EOF":
                continue
            elif node.kind == "STRING":
                draw.emit(_literal(node.args[0][0]))
            elif node.kind == "ASSERT":
                _check(node.args[0], variables, draw)
            elif node.kind == "SET":
                for assignment in node.args:
                    if "=" not in assignment:
                        raise UnsupportedScript(f"SET({' '.join(assignment)}) is not an assignment")
                    split = assignment.index("=")
                    _assign(assignment[:split], _value(assignment[split + 1 :], variables), variables)
            elif node.kind == "UNSET":
                for name in node.args:
                    variables.pop(name[0], None)
            elif node.kind == "INT":
                self._integer(node, following, variables, draw)
            elif node.kind in ("FLOAT", "FLOATP"):
                text, number = _real(node, variables, draw)
                if len(node.args) > (2 if node.kind == "FLOAT" else 4):
                    _assign(node.args[2 if node.kind == "FLOAT" else 4], number, variables)
                draw.emit(text)
            elif node.kind == "REGEX":
                text = _string(node, following, variables, draw, _MAX_CHARS - draw.written)
                if len(node.args) > 1:
                    _assign(node.args[1], text, variables)
                draw.emit(text)
            elif node.kind == "IF":
                self._run(node.body if _value(node.args[0], variables) else node.otherwise, variables, draw)
            elif node.kind in ("WHILE", "WHILEI"):
                self._loop(node, following, variables, draw)
            elif node.kind in ("REP", "REPI"):
                first = 1 if node.kind == "REPI" else 0  # REPI(i, n, sep) names its counter first
                count_expr = node.args[first]
                separator = node.args[first + 1] if len(node.args) > first + 1 else None
                self._repeat(node, int(_value(count_expr, variables)), separator, variables, draw)

    def _integer(self, node: _Node, following: list[_Node], variables: dict[str, Any], draw: Drawing) -> None:
        low, high = int(_value(node.args[0], variables)), int(_value(node.args[1], variables))
        target = node.args[2] if len(node.args) > 2 else None
        name = target[0] if target is not None and len(target) == 1 else None
        if name is not None and _defined_later(name, following, variables):
            draw.hold(name, low, high)  # written when the assertion that defines it is reached
            return
        if target is not None:  # ASSERT(x < y) after reading y, with x known: y is drawn above x, not by chance
            low, high = _narrowed(target[0], low, high, following, variables)
            if low > high:
                raise _Retry
        is_size = name is not None and name in draw.sizes
        fits, defer = _constraints(name, following, variables) if is_size else (None, False)
        number = draw.integer(node, low, high, is_size=is_size, fits=fits, defer=defer)
        if target is not None:
            _assign(target, number, variables)
        draw.emit(str(number))

    def _repeat(self, node: _Node, times: int, separator: list[str] | None, variables: dict[str, Any], draw: Drawing) -> None:
        """The body ``times`` times; an iteration whose assertion breaks is drawn again (up to ``_RETRIES`` times)."""
        counter = node.args[0][0] if node.kind in ("REPI", "WHILEI") else None
        for index in range(times):
            if index and separator:
                self._run([_Node(separator[0])], variables, draw)
            for attempt in range(_RETRIES):
                mark, written = len(draw.out), draw.written
                scalars = {k: v for k, v in variables.items() if not isinstance(v, dict)}
                if counter is not None:
                    variables[counter] = index
                try:
                    self._run(node.body, variables, draw)
                    break
                except _Retry:
                    if attempt == _RETRIES - 1:
                        raise
                    del draw.out[mark:]
                    draw.written = written
                    variables.update(scalars)

    def _loop(self, node: _Node, following: list[_Node], variables: dict[str, Any], draw: Drawing) -> None:
        """``WHILE(!ISEOF)``: the body as many times as a size (at most what an assertion after the loop allows on the
        variable the body counts with, else 20)."""
        condition = node.args[-1]
        if condition not in (["!", "ISEOF"], ["!", "(", "ISEOF", ")"]):
            raise UnsupportedScript(f"WHILE({' '.join(condition)}): only a loop to the end of the input is drawn")
        limit = _loop_limit(node, following) or 20
        times = draw_size(1, limit, draw.rng, draw.size)
        self._repeat(node, times, None, variables, draw)


def _literal(token: str) -> str:
    return token[1:-1].encode().decode("unicode_escape")


def _assign(target: list[str], value: Any, variables: dict[str, Any]) -> None:
    """``x``, or an array element ``a[i]`` / ``a[i, j]`` (an array is a dict from its index, or tuple of indices)."""
    if len(target) == 1:
        variables[target[0]] = value
        return
    if len(target) < 4 or target[1] != "[" or target[-1] != "]":
        raise UnsupportedScript(f"cannot assign to {' '.join(target)}")
    parts, depth, current = [], 0, list[str]()
    for token in target[2:-1]:
        if token in ("(", "["):
            depth += 1
        elif token in (")", "]"):
            depth -= 1
        if token == "," and depth == 0:
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    index = tuple(_value(part, variables) for part in parts)
    array = variables.setdefault(target[0], {})
    array[index[0] if len(index) == 1 else index] = value


def _check(tokens: list[str], variables: dict[str, Any], draw: Drawing) -> None:
    """An assertion: a total it defines is written now; one the draw broke draws again; one that cannot be evaluated
    here is left to the validator."""
    if draw.define(tokens, variables):
        return
    try:
        holds = _value(tokens, variables)
    except (UnsupportedScript, KeyError, TypeError, ZeroDivisionError, IndexError):
        return
    if not holds:
        raise _Retry


_COMPARISON = {"<": (1, 0), "<=": (0, 0), ">": (0, 1), ">=": (0, 0)}


def _narrowed(name: str, low: int, high: int, following: list[_Node], variables: dict[str, Any]) -> tuple[int, int]:
    """The range of an integer about to be drawn, narrowed by the assertions of its block that compare it with what
    is known (``ASSERT(xp < x)``, ``ASSERT(y0 < y1)``, ``ASSERT(x <= 2 * n)``)."""
    for node in following:
        if node.kind in ("REP", "REPI", "WHILE", "WHILEI", "IF"):
            break
        if node.kind != "ASSERT":
            continue
        tokens = node.args[0]
        relation = next((t for t in tokens if t in _COMPARISON), None)
        if relation is None or "&&" in tokens or "||" in tokens:
            continue
        split = tokens.index(relation)
        left, right = tokens[:split], tokens[split + 1 :]
        try:
            if left == [name] and name not in _names(right):
                bound = int(_value(right, variables))
                if relation in ("<", "<="):
                    high = min(high, bound - (relation == "<"))
                else:
                    low = max(low, bound + (relation == ">"))
            elif right == [name] and name not in _names(left):
                bound = int(_value(left, variables))
                if relation in ("<", "<="):
                    low = max(low, bound + (relation == "<"))
                else:
                    high = min(high, bound - (relation == ">"))
        except (UnsupportedScript, KeyError, TypeError, ZeroDivisionError, ValueError):
            continue
    return low, high


def _loop_limit(node: _Node, following: list[_Node]) -> int | None:
    """The most iterations an assertion after a loop allows the variable its body increments (``cases <= 40``)."""
    counted = {a[0] for n in node.body if n.kind == "SET" for a in n.args if len(a) > 3 and a[0] in a[2:] and "+" in a}
    for later in following:
        tokens = later.args[0] if later.kind == "ASSERT" else []
        for at, token in enumerate(tokens[:-2]):
            if token in counted and tokens[at + 1] in ("<=", "<") and str(tokens[at + 2]).isdigit():
                return int(tokens[at + 2]) - int(tokens[at + 1] == "<")
    return None


def _real(node: _Node, variables: dict[str, Any], draw: Drawing) -> tuple[str, float]:
    """A real in [low, high] for FLOAT (up to 6 decimals) or FLOATP (between its least and greatest decimals), drawn
    as an integer number of its last decimal, so the value stays in range once written."""
    low, high = float(_value(node.args[0], variables)), float(_value(node.args[1], variables))
    if node.kind == "FLOATP":
        least, most = int(_value(node.args[2], variables)), int(_value(node.args[3], variables))
        decimals = draw.rng.randint(least, min(most, max(least, 9)))
    else:
        decimals = draw.rng.choice((0, 1, 2, 6))
    scale = 10**decimals
    units_low, units_high = math.ceil(low * scale), math.floor(high * scale)
    if units_low > units_high:
        raise _Retry
    units = draw.integer(node, units_low, units_high, is_size=False)
    whole, fraction = divmod(abs(units), scale)
    sign = "-" if units < 0 else ""
    text = f"{sign}{whole}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"
    if text in ("-0", "-0." + "0" * decimals):
        text = text[1:]  # checktestdata refuses a signed zero
    return text, units / scale


def _defined_later(name: str, following: list[_Node], variables: dict[str, Any]) -> bool:
    """Whether a later ``ASSERT(name == expression)`` defines this integer from values not read yet (a total)."""
    for node in following:
        tokens = node.args[0] if node.kind == "ASSERT" else []
        if tokens[:2] == [name, "=="] and _names(tokens[2:]) - set(variables) - {name}:
            return True
    return False


def _constraints(name: str | None, following: list[_Node], variables: dict[str, Any]) -> tuple[Fits | None, bool]:
    """For a size about to be drawn: a test that the assertions over it and the sizes read so far hold (or None),
    and whether a later size shares an assertion with it (then this one is drawn freely and the later one takes the
    room that is left: ``h`` anywhere, ``w`` as large as ``h * w <= 10^5`` allows)."""
    if name is None:
        return None, False
    later = {n.args[2][0] for n in following if n.kind == "INT" and len(n.args) > 2}
    checks, defer = [], False
    for node in following:
        if node.kind != "ASSERT" or "STRLEN" in node.args[0] or name not in _names(node.args[0]):
            continue
        unknown = _names(node.args[0]) - set(variables) - {name}
        if not unknown:
            checks.append(node.args[0])
        elif unknown <= later:
            defer = True
    if not checks:
        return None, defer

    def fits(number: int) -> bool:
        trial = {**variables, name: number}
        try:
            return all(bool(_value(tokens, trial)) for tokens in checks)
        except (ArithmeticError, UnsupportedScript, TypeError):
            return True  # an assertion we cannot evaluate is left to the validator

    return fits, defer


def draw_size(low: int, high: int, rng: random.Random, profile: str) -> int:
    if high < low:
        raise UnsupportedScript(f"an empty range [{low}, {high}]")
    if profile == "max":
        return high
    if profile == "min":
        return low
    if profile == "small":
        return rng.randint(low, min(high, low + 10))
    if low >= 1 and high > 10 * low:  # log-uniform: sizes spread over magnitudes, products of sizes stay plausible
        if high < 2**1000:
            return min(high, max(low, int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))))
        bits = rng.randint(low.bit_length(), high.bit_length())  # beyond floats (s < 10^1000): by binary length
        return min(high, max(low, rng.getrandbits(bits) | (1 << (bits - 1))))
    return rng.randint(low, high)


def _string(node: _Node, following: list[_Node], variables: dict[str, Any], draw: Drawing, room: int) -> str:
    pattern = _literal(node.args[0][0])
    match = re.fullmatch(r"\[((?:[^\]\\]|\\.)+)\]([*+])", pattern)
    if not match:  # any other expression: drawn from its structure; a length assertion after it is checked
        text = _Regex(pattern).sample(draw.rng, draw_size(1, 40, draw.rng, draw.size if draw.size != "max" else "random"))
        if len(text) > room:
            raise TooLarge(f"a string of {len(text)} characters would exceed the size budget")
        return text
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
                length = draw_size(max(shortest, 0), high, draw.rng, draw.size) if high >= shortest else shortest
    if length is None:
        length = draw_size(shortest, max(shortest, 20), draw.rng, draw.size if draw.size != "max" else "random")
    if length > room:
        raise TooLarge(f"a string of {length} characters would exceed the size budget")
    return draw.text(node, alphabet, length)


_PRINTABLE = "".join(chr(c) for c in range(33, 127))


def _characters(spec: str) -> str:
    """A character class's characters: ranges, escapes (``\\-``, ``\\]``), and ``^`` as the printable ones left."""
    negated = spec.startswith("^")
    spec = spec[1:] if negated else spec
    chars: list[str] = []
    at = 0
    while at < len(spec):
        char = spec[at]
        if char == "\\" and at + 1 < len(spec):
            char, at = spec[at + 1], at + 1
        if at + 2 < len(spec) and spec[at + 1] == "-":
            end = spec[at + 2] if spec[at + 2] != "\\" or at + 3 >= len(spec) else spec[at + 3]
            chars += [chr(c) for c in range(ord(char), ord(end) + 1)]
            at += 3 + (spec[at + 2] == "\\")
        else:
            chars.append(char)
            at += 1
    found = "".join(dict.fromkeys(chars))
    return "".join(c for c in _PRINTABLE if c not in found) if negated else found


class _Regex:
    """checktestdata's regular expressions as a generator: literals, ``.``, classes, groups with ``|``, and ``?``,
    ``*``, ``+``, ``{m}``, ``{m,}``, ``{m,n}``. An open repetition takes a share of a target length."""

    def __init__(self, pattern: str) -> None:
        self.pattern, self.at = pattern, 0
        self.tree = self._alternatives()
        if self.at != len(pattern):
            raise UnsupportedScript(f"REGEX {pattern!r}: cannot read it near position {self.at}")

    def _alternatives(self) -> list[list[tuple[Any, int, int | None]]]:
        options = [self._sequence()]
        while self.at < len(self.pattern) and self.pattern[self.at] == "|":
            self.at += 1
            options.append(self._sequence())
        return options

    def _sequence(self) -> list[tuple[Any, int, int | None]]:
        items: list[tuple[Any, int, int | None]] = []
        while self.at < len(self.pattern) and self.pattern[self.at] not in "|)":
            atom = self._atom()
            least, most = self._quantifier()
            items.append((atom, least, most))
        return items

    def _atom(self) -> Any:
        char = self.pattern[self.at]
        if char == "(":
            self.at += 1
            inner = self._alternatives()
            if self.at >= len(self.pattern) or self.pattern[self.at] != ")":
                raise UnsupportedScript(f"REGEX {self.pattern!r}: an unclosed group")
            self.at += 1
            return inner
        if char == "[":
            end = self.at + 1
            while end < len(self.pattern) and (self.pattern[end] != "]" or end == self.at + 1):
                end += 2 if self.pattern[end] == "\\" else 1
            if end >= len(self.pattern):
                raise UnsupportedScript(f"REGEX {self.pattern!r}: an unclosed class")
            chars = _characters(self.pattern[self.at + 1 : end])
            self.at = end + 1
            return chars
        if char == ".":
            self.at += 1
            return _PRINTABLE
        if char == "\\" and self.at + 1 < len(self.pattern):
            self.at += 2
            return self.pattern[self.at - 1]
        self.at += 1
        return char

    def _quantifier(self) -> tuple[int, int | None]:
        if self.at >= len(self.pattern):
            return 1, 1
        char = self.pattern[self.at]
        if char in "?*+":
            self.at += 1
            return {"?": (0, 1), "*": (0, None), "+": (1, None)}[char]
        found = re.match(r"\{(\d*)(,?)(\d*)\}", self.pattern[self.at :])
        if char == "{" and found:
            self.at += found.end()
            least = int(found.group(1) or 0)
            most = least if not found.group(2) else int(found.group(3)) if found.group(3) else None
            return least, most
        return 1, 1

    def sample(self, rng: random.Random, target: int) -> str:
        return self._draw(self.tree, rng, target)

    def _draw(self, options: list[list[tuple[Any, int, int | None]]], rng: random.Random, target: int) -> str:
        items = rng.choice(options)
        open_items = sum(1 for _, _, most in items if most is None) or 1
        out = []
        for atom, least, most in items:
            share = max(0, target // open_items)
            times = rng.randint(least, most if most is not None else least + share)
            for _ in range(times):
                out.append(rng.choice(atom) if isinstance(atom, str) else self._draw(atom, rng, max(1, share)))
        return "".join(out)


def parse_script(text: str) -> Script:
    """A checktestdata script as a generator, or UnsupportedScript."""
    return Script(_Parser(_tokens(text)).block())
