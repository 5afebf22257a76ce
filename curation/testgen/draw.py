"""Inputs drawn from a specification (``specification.Specification``), structure by structure.

Sizes and values are drawn apart, by the profiles ``ctdgen`` uses (``max/few``: the largest sizes allowed, values
from a pool of one to three; ``small/small``, ``random/special``: primes and highly composite numbers, ...), with
``ctdgen.Drawing`` doing the drawing of single integers and strings, so a jury's script and an inferred
specification draw alike. What a script cannot draw, this does:

- test cases whose sizes fill a stated sum (``the sum of N over all test cases does not exceed 2*10^5``: at the
  largest size, the cases share the whole sum);
- trees of many shapes (random, path, star, caterpillar, binary, broom, deep), relabelled and with each edge's
  ends in random order; connected graphs (a tree plus extra edges), simple when the statement says so;
- permutations (random, identity, reversed, one swap away), distinct values, sorted sequences;
- strings (random, over few letters, one letter, periodic, palindromes), grids (as strings, or mazes carved through
  walls), reals at the stated precision.

Every draw still goes through the specification's validator before it is run: the drawer proposes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cpdata.curation.testgen.ctdgen import Drawing, TooLarge, draw_size, prime_near, split_profile
from cpdata.curation.testgen.specification import Field, Part, Specification

__all__ = ["SpecGenerator"]

_MAX_CHARS = 4_000_000
_TREE_SHAPES = ("random", "path", "star", "caterpillar", "binary", "broom", "deep")


def _evaluate(expression: str, env: dict[str, Any]) -> int | Fraction:
    """A bound's expression over the variables drawn so far (``n``, ``2*n``, ``n - 1``, ``1000000000``)."""
    if re.fullmatch(r"-?\d+", expression):
        return int(expression)
    if re.fullmatch(r"-?\d+\.\d+", expression):
        return Fraction(expression)
    python = re.sub(r"[a-z][a-z0-9]*", lambda m: f"__env[{m.group(0)!r}]", expression).replace("^", "**")
    python = python.replace("/", "//")
    value = eval(python, {"__builtins__": {}}, {"__env": env})  # our own expressions, over integers drawn here
    return value if isinstance(value, Fraction) else int(value)


def _length(value: Any) -> Any:
    return len(value) if isinstance(value, str) else value


@dataclass
class SpecGenerator:
    """A specification as a generator, with the ``generate(rng, profile)`` of a checktestdata ``Script``."""

    spec: Specification

    def generate(self, rng: random.Random, profile: str = "random") -> str:
        size, value = split_profile(profile)
        return _Draw(self.spec, Drawing(rng, size, value, set()), rng).run()


class _Draw:
    def __init__(self, spec: Specification, drawing: Drawing, rng: random.Random) -> None:
        self.spec = spec
        self.drawing = drawing
        self.rng = rng
        self.out: list[str] = []
        self.written = 0
        self.sizes = _size_vars(spec)
        self.lower_ends = _lower_ends(spec)
        self.implied = _implied_lows(spec)
        self.implied_highs = _implied_highs(self.implied, spec)
        self.counted = _counted_parts(spec)
        self.tree_shape = rng.choice(_TREE_SHAPES)
        self.held: dict[str, tuple[int, int, int]] = {}
        """Totals written before the values they total: variable -> (its place in the output, low, high)."""
        self.totalled = {total: column for column, total in spec.totals.items()}
        self.running: dict[str, int] = {}
        """The sums so far of the columns being drawn whose totals are held."""

    def emit(self, text: str) -> None:
        self.written += len(text)
        if self.written > _MAX_CHARS:
            raise TooLarge(f"the input would exceed {_MAX_CHARS} characters")
        self.out.append(text)

    def run(self) -> str:
        env: dict[str, Any] = {}
        spec = self.spec
        if spec.cases is None:
            for part in spec.parts:
                self.part(part, env, {})
            return "".join(self.out)
        cases = self.integer(spec.cases, env, is_size=True)
        if spec.sums and self.drawing.size == "max":
            # the largest inputs fill each stated sum: few cases, each large (a sum of 2*10^5 with T up to 10^4 is
            # more often broken by one case of 2*10^5 than by 10^4 cases of 20)
            cases = self.rng.choice((int(_evaluate(spec.cases.low[0], env)), min(cases, self.rng.randint(1, 4)), cases))
            cases = max(cases, max(int(_evaluate(v, env)) for v in spec.cases.low))
        self.emit(f"{cases}\n")
        remaining = {var: int(_evaluate(limit, env)) for var, limit in spec.sums.items()}
        for number in range(cases):
            case_env = dict(env)
            budget = {var: (left, cases - number) for var, left in remaining.items()}
            for part in spec.parts:
                self.part(part, case_env, budget)
            for var in remaining:
                remaining[var] -= int(_length(case_env.get(var, 0)))
                if remaining[var] < 0:
                    raise TooLarge("a sum over the test cases is exceeded")
        return "".join(self.out)

    # --- single values

    def bounds(self, f: Field, env: dict[str, Any]) -> tuple[int | Fraction, int | Fraction]:
        try:
            low = max(_evaluate(v, env) for v in f.low)
            high = min(_evaluate(v, env) for v in f.high)
        except (KeyError, ZeroDivisionError, TypeError) as exc:
            raise TooLarge(f"a bound of {f.var} cannot be evaluated ({exc})") from exc
        for var, offset in self.implied.get(f.var, ()):
            if var in env and isinstance(env[var], int):  # pushed up as far as it goes, never made empty
                low = max(low, min(high, env[var] + offset))
        for later, offset in self.implied_highs.get(f.var, ()):  # room left above it for what must lie above
            try:
                room = min(_evaluate(v, env) for v in later.high) - offset
            except (KeyError, ZeroDivisionError, TypeError, ValueError):
                continue
            high = max(low, min(high, room))
        if low > high:
            raise TooLarge(f"{f.var}: an empty range [{low}, {high}]")
        return low, high

    def hold(self, f: Field, env: dict[str, Any]) -> str:
        """A total is drawn last: leave its place, filled in when the column it totals has been drawn."""
        low, high = (int(b) for b in self.bounds(f, env))
        self.held[f.var] = (len(self.out), low, high)
        env[f.var] = 0
        return "\x00"

    def fill(self, column: str, total: int) -> None:
        var = self.spec.totals[column]
        place, low, high = self.held.pop(var)
        if not low <= total <= high:
            raise TooLarge(f"{var} = {total}, the total of {column}, is out of [{low}, {high}]")
        self.out[place] = self.out[place].replace("\x00", str(total), 1)
        self.written += len(str(total))

    def integer(self, f: Field, env: dict[str, Any], *, is_size: bool, budget: tuple[int, int] | None = None) -> int:
        low, high = (int(b) for b in self.bounds(f, env))
        if budget is not None:  # a share of what a sum over the cases leaves, so that later cases still fit
            left, cases_left = budget
            share = left - (cases_left - 1) * low
            high = min(high, share if self.drawing.size != "max" else max(low, share))
            if self.drawing.size == "max" and cases_left > 1:
                high = min(high, max(low, left // cases_left))
            if high < low:
                raise TooLarge(f"{f.var}: the sum over the test cases leaves no room")
        fits = self.fits(f, env) if is_size else None
        # a value that only ever bounds others from below makes them largest when it is smallest: mirrored
        mirrored = is_size and fits is None and f.var in self.lower_ends
        for attempt in range(20):
            value = self.drawing.integer(f, low, high, is_size=is_size, fits=fits)
            if mirrored:
                value = low + high - value
            if f.prime:
                near = prime_near(value, low, min(high, value + 10_000))
                if near is None:
                    raise TooLarge(f"{f.var}: no prime near {value} in [{low}, {high}]")
                value = near
            if f.parity is not None and value % 2 != f.parity:
                value += 1 if value + 1 <= high else -1
                if value < low or value % 2 != f.parity:
                    raise TooLarge(f"{f.var}: no value of its parity in [{low}, {high}]")
            if not any(env.get(other) == value for other in f.not_equal):
                break
            if attempt >= 5 and low < high:  # a pool of few values may hold only the one to avoid
                value = self.rng.randint(low, high)
                if not any(env.get(other) == value for other in f.not_equal):
                    break
        else:
            raise TooLarge(f"{f.var}: no value differs from {f.not_equal}")
        env[f.var] = value
        return value

    def fits(self, f: Field, env: dict[str, Any]) -> Any:
        """The assertions over this size and sizes drawn before (``n*m <= 10^6``) as a test of a candidate value."""
        checks = [a for a in self.spec.assertions if f.var in re.findall(r"[a-z][a-z0-9]*", a)]
        # the size budget as a bound too: flappy's 10^6 lines of three 10^9 numbers are 33 MB, so its largest input
        # is as many lines as fit (about 10^5, which still sinks a quadratic solution), not a draw refused each time
        width = sum(_unit_width(part, env) for part in self.counted.get(f.var, ()))
        room = _MAX_CHARS - self.written
        if not checks and not width:
            return None

        def fits(candidate: int) -> bool:
            if candidate * width > room:
                return False
            trial = {**env, f.var: candidate}
            for assertion in checks:
                left, relation, right = re.split(r"\s*(<=|<|>=|>|==|!=)\s*", assertion, maxsplit=1)
                try:
                    a, b = _evaluate(left, trial), _evaluate(right, trial)
                except KeyError:
                    continue  # a variable not drawn yet: the later one takes the room left
                if not {"<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b, "==": a == b, "!=": a != b}[relation]:
                    return False
            return True

        return fits

    def value(self, f: Field, env: dict[str, Any], budget: dict[str, tuple[int, int]]) -> str:
        if f.var in self.totalled:
            return self.hold(f, env)
        if f.kind == "int":
            value = self.integer(f, env, is_size=f.var in self.sizes, budget=budget.get(f.var))
            if f.var in self.running:
                self.running[f.var] += value
            return str(value)
        if f.kind == "real":
            return self.real(f, env)
        return self.word(f, env, budget.get(f.var))

    def real(self, f: Field, env: dict[str, Any]) -> str:
        low, high = self.bounds(f, env)
        scale = 10**f.decimals
        lo, hi = (
            int(Fraction(low) * scale + Fraction(scale - 1, scale)) if low != int(low) else int(low) * scale,
            int(Fraction(high) * scale),
        )
        if hi < lo:
            raise TooLarge(f"{f.var}: no value at {f.decimals} decimals in [{low}, {high}]")
        units = self.drawing.integer(f, lo, hi, is_size=False)
        value = Fraction(units, scale)
        env[f.var] = value
        if f.decimals == 0:
            return str(units)
        sign = "-" if units < 0 else ""
        whole, frac = divmod(abs(units), scale)
        return f"{sign}{whole}.{frac:0{f.decimals}d}"

    def word(self, f: Field, env: dict[str, Any], budget: tuple[int, int] | None) -> str:
        low, high = (int(b) for b in self.bounds(f, env))
        if budget is not None:
            left, cases_left = budget
            high = min(
                high, max(low, left - (cases_left - 1) * low) if self.drawing.size != "max" else max(low, left // cases_left)
            )
        room = _MAX_CHARS - self.written
        if low > room:
            raise TooLarge("a string would exceed the size budget")
        high = min(high, room)
        length = low if low == high else draw_size(low, high, self.rng, self.drawing.size)
        text = self.drawing.text(f, f.alphabet, length)
        if f.first_alphabet and text:
            text = self.rng.choice(f.first_alphabet) + text[1:]
        if f.contains and text and not set(text) & set(f.contains):
            text = self.with_one_of(f, text)
        env[f.var] = text
        return text

    def with_one_of(self, f: Field, text: str) -> str:
        """A word given one of the letters it must hold (a vowel), at a place whose alphabet has it."""
        places = [
            i for i in range(len(text)) if set(f.contains) & set(f.first_alphabet if i == 0 and f.first_alphabet else f.alphabet)
        ]
        at = self.rng.choice(places)
        allowed = f.first_alphabet if at == 0 and f.first_alphabet else f.alphabet
        return text[:at] + self.rng.choice([c for c in f.contains if c in allowed]) + text[at + 1 :]

    # --- parts

    def part(self, part: Part, env: dict[str, Any], budget: dict[str, tuple[int, int]]) -> None:
        totalled = [f.var for f in part.fields if f.var in self.spec.totals]
        self.running = dict.fromkeys(totalled, 0)
        self.draw_part(part, env, budget)
        for var in totalled:
            self.fill(var, self.running[var])

    def draw_part(self, part: Part, env: dict[str, Any], budget: dict[str, tuple[int, int]]) -> None:
        if part.kind == "line":
            self.emit(" ".join(self.value(f, env, budget) for f in part.fields) + "\n")
        elif part.kind == "listline":
            head, body = part.fields
            count = self.integer(head, env, is_size=True)
            scratch = dict(env)
            self.emit(" ".join([str(count), *(self.value(body, scratch, budget) for _ in range(count))]) + "\n")
        elif part.kind == "array":
            count = int(_evaluate(part.count, env))
            if count * 2 > _MAX_CHARS - self.written:
                raise TooLarge("an array would exceed the size budget")
            self.emit(" ".join(self.array(part, count, env, budget)) + "\n")
        elif part.kind == "matrix":
            lines, width = int(_evaluate(part.count, env)), int(_evaluate(part.width, env))
            if lines * width * 2 > _MAX_CHARS - self.written:
                raise TooLarge("a matrix would exceed the size budget")
            scratch = dict(env)
            for _ in range(lines):
                self.emit(" ".join(self.value(part.fields[0], scratch, budget) for _ in range(width)) + "\n")
        elif part.kind == "queries":
            count = int(_evaluate(part.count, env))
            kind = part.fields[0]
            types = list(part.variants)
            for _ in range(count):
                row_env = dict(env)
                chosen = self.rng.choice(types)
                row_env[kind.var] = int(chosen) if kind.kind == "int" else chosen
                values = [self.value(f, row_env, budget) for f in part.variants[chosen]]
                self.emit(" ".join([chosen, *values]) + "\n")
        elif part.kind == "rest":  # lines until the end of the input: as many as the profile's size asks
            least, most = part.rows
            for _ in range(draw_size(least, most, self.rng, self.drawing.size)):
                row_env = dict(env)
                self.emit(" ".join(self.value(f, row_env, budget) for f in part.fields) + "\n")
        elif self.is_grid(part) and self.rng.random() < 0.3:
            self.maze(part, int(_evaluate(part.count, env)), env)
        else:
            count = int(_evaluate(part.count, env))
            if count * (2 * len(part.fields)) > _MAX_CHARS - self.written:
                raise TooLarge("a block would exceed the size budget")
            edges = self.edges(part, count, env) if part.graph or (part.simple and part.vertices) else None
            ordered = self.ordered_column(part, count, env) if part.order and not part.graph else None
            for number in range(count):
                row_env = dict(env)
                values = []
                for position, f in enumerate(part.fields):
                    if edges is not None and position < 2:
                        row_env[f.var] = edges[number][position]
                        values.append(str(edges[number][position]))
                    elif ordered is not None and position == 0:
                        row_env[f.var] = ordered[number]
                        values.append(str(ordered[number]))
                    else:
                        values.append(self.value(f, row_env, budget))
                self.emit(" ".join(values) + "\n")

    def ordered_column(self, part: Part, count: int, env: dict[str, Any]) -> list[int]:
        """A block's sorted first column, drawn whole (its bounds may name only what was read before the block)."""
        low, high = (int(b) for b in self.bounds(part.fields[0], env))
        if part.order == "<":
            if high - low + 1 < count:
                raise TooLarge("fewer values than the block's rows for a strictly increasing column")
            return sorted(_distinct(self.rng, low, high, count, self.drawing.value))
        return sorted(self.rng.randint(low, high) for _ in range(count))

    @staticmethod
    def is_grid(part: Part) -> bool:
        """A block of one word per line, every word as long as a count read before it, over a few cell kinds."""
        if part.kind != "block" or len(part.fields) != 1:
            return False
        cell = part.fields[0]
        return cell.kind == "word" and cell.low == cell.high and not cell.low[0].isdigit() and 2 <= len(cell.alphabet) <= 4

    def maze(self, part: Part, rows: int, env: dict[str, Any]) -> None:
        """A maze: corridors of one cell kind carved through walls of another by a random depth-first walk."""
        cell = part.fields[0]
        width = int(_evaluate(cell.low[0], env))
        if rows * (width + 1) > _MAX_CHARS - self.written:
            raise TooLarge("a grid would exceed the size budget")
        alphabet = cell.alphabet
        wall = "#" if "#" in alphabet else alphabet[-1]
        corridor = "." if "." in alphabet else next(c for c in alphabet if c != wall)
        for line in _maze(self.rng, rows, width, corridor, wall):
            self.emit(line + "\n")

    def array(self, part: Part, count: int, env: dict[str, Any], budget: dict[str, tuple[int, int]]) -> list[str]:
        element = part.fields[0]
        if part.permutation:
            order = list(range(1, count + 1))
            shape = self.rng.choice(("random", "random", "identity", "reversed", "swap"))
            if shape == "random":
                self.rng.shuffle(order)
            elif shape == "reversed":
                order.reverse()
            elif shape == "swap" and count >= 2:
                i, j = self.rng.sample(range(count), 2)
                order[i], order[j] = order[j], order[i]
            return [str(v) for v in order]
        if element.kind == "int" and (part.distinct or part.order == "<"):
            low, high = (int(b) for b in self.bounds(element, env))
            if high - low + 1 < count:
                raise TooLarge("fewer distinct values than the array's length")
            values = _distinct(self.rng, low, high, count, self.drawing.value)
            if part.order:
                values.sort()
            elif self.rng.random() < 0.2:
                values.sort(reverse=self.rng.random() < 0.5)
            return [str(v) for v in values]
        scratch = dict(env)  # an element's own variable is overwritten by the next
        drawn = [self.value(element, scratch, budget) for _ in range(count)]
        if part.order and element.kind == "int":
            drawn = [str(v) for v in sorted(int(v) for v in drawn)]
        return drawn

    def edges(self, part: Part, count: int, env: dict[str, Any]) -> list[tuple[int, int]]:
        vertices = int(_evaluate(part.vertices, env))
        base = int(self.bounds(part.fields[0], env)[0])  # 0- or 1-based, as the bounds say
        u, v = part.fields[0], part.fields[1]
        forward = any(re.search(rf"\b{u.var}\b", low) for low in v.low)  # ``x < y``: every edge from smaller to larger
        backward = any(re.search(rf"\b{v.var}\b", low) for low in u.low)
        pairs = self.edge_shape(part, count, vertices, keep_order=forward or backward)
        if forward:
            pairs = [(min(a, b), max(a, b)) for a, b in pairs]
        elif backward:
            pairs = [(max(a, b), min(a, b)) for a, b in pairs]
        return [(a + base, b + base) for a, b in pairs]

    def edge_shape(self, part: Part, count: int, vertices: int, keep_order: bool) -> list[tuple[int, int]]:
        """Edges over vertices ``0 .. vertices - 1``: a tree, a DAG (from earlier to later in a hidden order) or a
        connected graph, relabelled at random unless the ends must be ordered (then a DAG keeps its own order)."""
        if part.graph == "tree":
            if count != vertices - 1:
                raise TooLarge("a tree needs one edge fewer than its vertices")
            pairs = _tree(self.rng, vertices, self.tree_shape)
        elif part.graph == "dag":  # edges from earlier to later in the numbering, then relabelled: any DAG's shape
            if part.simple and count > vertices * (vertices - 1) // 2:
                raise TooLarge("more edges than a simple DAG has")
            chain = [(i, i + 1) for i in range(min(count, vertices - 1))] if self.rng.random() < 0.5 else []  # a long path
            seen = set(chain)
            pairs = list(chain)
            while len(pairs) < count:
                a, b = sorted(self.rng.sample(range(vertices), 2)) if vertices > 1 else (0, 0)
                if a == b or (part.simple and (a, b) in seen):
                    if vertices < 2:
                        raise TooLarge("a DAG with one vertex has no edge")
                    continue
                seen.add((a, b))
                pairs.append((a, b))
            self.rng.shuffle(pairs)
            labels = list(range(vertices))
            if not keep_order:
                self.rng.shuffle(labels)
            return [(labels[a], labels[b]) for a, b in pairs]  # direction kept: from earlier to later
        else:  # a connected graph grows from a spanning tree; a simple graph that need not be connected, from nothing
            if part.graph == "connected" and count < vertices - 1:
                raise TooLarge("a connected graph needs at least one edge fewer than its vertices")
            pairs = _tree(self.rng, vertices, self.tree_shape) if part.graph == "connected" else []
            limit = vertices * (vertices - 1) // 2
            if part.simple and count > limit:
                raise TooLarge("more edges than a simple graph has")
            if keep_order and vertices < 2 and count > len(pairs):
                raise TooLarge("ordered ends need two vertices")
            seen = {(min(a, b), max(a, b)) for a, b in pairs}
            while len(pairs) < count:
                a, b = self.rng.randrange(vertices), self.rng.randrange(vertices)
                if (keep_order and a == b) or (part.simple and (a == b or (min(a, b), max(a, b)) in seen)):
                    continue
                seen.add((min(a, b), max(a, b)))
                pairs.append((a, b))
            self.rng.shuffle(pairs)
        labels = list(range(vertices))
        if self.rng.random() < 0.8:  # relabelled, but sometimes kept in the shape's own order (a path 1-2-3...)
            self.rng.shuffle(labels)
        out = []
        for a, b in pairs:
            if self.rng.random() < 0.5:
                a, b = b, a
            out.append((labels[a], labels[b]))
        return out


def _size_vars(spec: Specification) -> set[str]:
    """Variables used as sizes: counts, bounds of other fields, lengths, factors of asserted products."""
    found: set[str] = set()
    for part in spec.parts:
        found |= set(re.findall(r"[a-z][a-z0-9]*", part.count)) | set(re.findall(r"[a-z][a-z0-9]*", part.width))
        if part.kind == "listline":
            found.add(part.fields[0].var)
        for f in [*part.fields, *(f for fields in part.variants.values() for f in fields)]:
            for bound in [*f.low, *f.high]:
                found |= set(re.findall(r"[a-z][a-z0-9]*", bound))
    for assertion in spec.assertions:
        found |= set(re.findall(r"[a-z][a-z0-9]*", assertion))
    found |= set(spec.sums)
    return found


def _lower_ends(spec: Specification) -> set[str]:
    """Variables that appear only in other fields' lower bounds (``x_s`` in ``x_s < x_i``, ``y_1`` in ``y_1 < y_2``):
    the largest input has them small."""
    names = re.compile(r"[a-z][a-z0-9]*")
    in_lows: set[str] = set()
    elsewhere: set[str] = set(spec.sums)
    for part in spec.parts:
        elsewhere |= set(names.findall(part.count)) | set(names.findall(part.width)) | set(names.findall(part.vertices))
        for f in [*part.fields, *(f for fields in part.variants.values() for f in fields)]:
            in_lows |= {v for bound in f.low for v in names.findall(bound)}
            elsewhere |= {v for bound in f.high for v in names.findall(bound)}
    for assertion in spec.assertions:
        elsewhere |= set(names.findall(assertion))
    return in_lows - elsewhere


_VAR_PLUS = re.compile(r"([a-z][a-z0-9]*)(?: ([+-]) (\d+))?")


def _counted_parts(spec: Specification) -> dict[str, list[Part]]:
    """Size variable -> the parts that repeat once per unit of it (``n`` lines, ``n - 1`` edges, ``n`` values)."""
    found: dict[str, list[Part]] = {}
    for part in spec.parts:
        counted = _VAR_PLUS.fullmatch(part.count) if part.kind != "listline" else None
        if counted:
            found.setdefault(counted[1], []).append(part)
    return found


def _field_width(f: Field, env: dict[str, Any]) -> int:
    """The most characters one value of the field takes, as far as its bounds are known yet (else a 10-digit guess)."""
    try:
        ends = [_evaluate(v, env) for v in [*f.low, *f.high]]
    except (KeyError, ZeroDivisionError, TypeError):
        return 11
    if f.kind == "word":
        return int(min((e for e in ends[len(f.low) :]), default=10)) + 1
    digits = max((len(str(int(e))) for e in ends), default=10)
    return digits + 1 + (f.decimals + 1 if f.kind == "real" else 0)


def _unit_width(part: Part, env: dict[str, Any]) -> int:
    """The characters one unit of a counted part takes at most: a value of an array, a line of a block or matrix."""
    if part.kind == "array":
        return _field_width(part.fields[0], env)
    if part.kind == "matrix":
        try:
            return int(_evaluate(part.width, env)) * _field_width(part.fields[0], env)
        except (KeyError, ZeroDivisionError, TypeError):
            return 0  # its width is drawn later: the draw checks the whole matrix then
    if part.kind == "queries":
        return 1 + max((sum(_field_width(f, env) for f in fields) for fields in part.variants.values()), default=0)
    return sum(_field_width(f, env) for f in part.fields)


def _implied_lows(spec: Specification) -> dict[str, list[tuple[str, int]]]:
    """Bounds the statement implies without stating: where a later value lies in ``[a + c, b - d]`` (flappy's
    ``x_s < x_i < x_t``), ``b`` is at least ``a + c + d``, so ``b`` is drawn there (else the range would be empty
    half the time, and always at the smallest sizes). ``b -> [(a, c + d)]``."""
    found: dict[str, list[tuple[str, int]]] = {}
    for part in spec.parts:
        for f in part.fields:
            lows = [m for m in map(_VAR_PLUS.fullmatch, f.low) if m]
            highs = [m for m in map(_VAR_PLUS.fullmatch, f.high) if m]
            for low in lows:
                for high in highs:
                    c = int(low[3] or 0) * (-1 if low[2] == "-" else 1)
                    d = int(high[3] or 0) * (-1 if high[2] == "+" else 1)
                    if low[1] != high[1]:
                        found.setdefault(high[1], []).append((low[1], c + d))
    return found


def _implied_highs(lows: dict[str, list[tuple[str, int]]], spec: Specification) -> dict[str, list[tuple[Field, int]]]:
    """The other side of ``_implied_lows``: ``a`` drawn first is at most ``b``'s highest value less ``c + d`` (the
    largest inputs put ``x_s`` at 10^9, which left no ``x_t`` above it and no x between them)."""
    fields = {f.var: f for f in spec.fields()}
    found: dict[str, list[tuple[Field, int]]] = {}
    for upper, below in lows.items():
        if upper in fields:
            for lower, offset in below:
                found.setdefault(lower, []).append((fields[upper], offset))
    return found


def _distinct(rng: random.Random, low: int, high: int, count: int, mode: str) -> list[int]:
    if mode in ("high", "low") or high - low + 1 <= 2 * count:  # as tight as allowed: the top or bottom of the range
        pool = list(range(high - count + 1, high + 1)) if mode != "low" else list(range(low, low + count))
        if high - low + 1 <= 2 * count:
            pool = rng.sample(range(low, high + 1), count)
        return pool
    chosen: set[int] = set()
    while len(chosen) < count:
        chosen.add(rng.randint(low, high))
    return list(chosen)


def _maze(rng: random.Random, rows: int, cols: int, corridor: str, wall: str) -> list[str]:
    """A grid of walls with corridors carved from a random cell by a depth-first walk in steps of two (every corridor
    cell reachable from every other)."""
    grid = [[wall] * cols for _ in range(rows)]
    if rows == 0 or cols == 0:
        return ["".join(row) for row in grid]
    start = (rng.randrange(0, rows, 2) if rows > 1 else 0, rng.randrange(0, cols, 2) if cols > 1 else 0)
    grid[start[0]][start[1]] = corridor
    stack = [start]
    while stack:
        r, c = stack[-1]
        steps = [(dr, dc) for dr, dc in ((2, 0), (-2, 0), (0, 2), (0, -2)) if 0 <= r + dr < rows and 0 <= c + dc < cols]
        fresh = [(dr, dc) for dr, dc in steps if grid[r + dr][c + dc] == wall]
        if not fresh:
            stack.pop()
            continue
        dr, dc = rng.choice(fresh)
        grid[r + dr // 2][c + dc // 2] = corridor
        grid[r + dr][c + dc] = corridor
        stack.append((r + dr, c + dc))
    return ["".join(row) for row in grid]


def _tree(rng: random.Random, n: int, shape: str) -> list[tuple[int, int]]:
    """The edges of a tree on vertices 0..n-1, in the given shape (before relabelling)."""
    if n <= 1:
        return []
    if shape == "path":
        return [(i, i + 1) for i in range(n - 1)]
    if shape == "star":
        return [(0, i) for i in range(1, n)]
    if shape == "binary":
        return [((i - 1) // 2, i) for i in range(1, n)]
    if shape == "caterpillar":  # a spine with legs
        spine = max(1, n // 2)
        return [(i, i + 1) for i in range(spine - 1)] + [(rng.randrange(spine), i) for i in range(spine, n)]
    if shape == "broom":  # a long handle, then a star
        handle = max(1, (2 * n) // 3)
        return [(i, i + 1) for i in range(handle - 1)] + [(handle - 1, i) for i in range(handle, n)]
    if shape == "deep":  # each vertex joins one of the last few: depth about n / 3
        return [(rng.randrange(max(0, i - 3), i), i) for i in range(1, n)]
    return [(rng.randrange(i), i) for i in range(1, n)]
