"""Changes to a known valid input that keep its shape: the mutations gen-tests proposes beside its draws, and the
moves of the search (``search``): a token changed, a line's values sorted, reversed or made equal, values pushed to
the input's own extremes, and two inputs of one shape crossed line by line. None of them knows the constraints:
every result goes through the problem's validator before it is run."""

from __future__ import annotations

import random
import re

__all__ = ["crossover", "mutate", "reshape"]

_TOKEN = re.compile(r"\S+|\s+")
_INTEGER = re.compile(r"-?\d+")


def _mutate_token(token: str, rng: random.Random) -> str:
    if re.fullmatch(r"-?\d+", token):
        value = int(token)
        choice = rng.random()
        if choice < 0.5:
            value += rng.choice((-1, 1))
        elif choice < 0.65:
            value = value * 2 if rng.random() < 0.5 else value // 2
        elif choice < 0.8:
            value = -value
        else:
            value = rng.choice((0, 1, -1))
        return str(value)
    if re.fullmatch(r"[01]+", token) and len(token) > 1:  # a binary string: flip a bit
        position = rng.randrange(len(token))
        return token[:position] + ("1" if token[position] == "0" else "0") + token[position + 1 :]
    if len(token) > 1 and rng.random() < 0.5:  # swap two characters
        i, j = rng.sample(range(len(token)), 2)
        chars = list(token)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    position = rng.randrange(len(token))  # change a character, within its class
    char = token[position]
    pool = (
        "abcdefghijklmnopqrstuvwxyz"
        if char.islower()
        else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if char.isupper()
        else "0123456789"
        if char.isdigit()
        else char
    )
    return token[:position] + rng.choice(pool) + token[position + 1 :]


def mutate(text: str, rng: random.Random, changes: int = 1) -> str:
    """The input with ``changes`` tokens mutated; whitespace (so lines and token counts) is kept exactly, which keeps
    the format, though not always the constraints: agreement of the correct solutions is the filter."""
    parts = _TOKEN.findall(text)
    tokens = [i for i, part in enumerate(parts) if not part.isspace()]
    if not tokens:
        return text
    # A leading count (of the tokens or lines that follow) is left alone: changing it breaks the input's shape.
    first = parts[tokens[0]]
    rest_lines = text.strip().count("\n")
    if first.isdigit() and int(first) in (len(tokens) - 1, rest_lines) and len(tokens) > 1:
        tokens = tokens[1:]
    for index in rng.choices(tokens, k=changes):
        parts[index] = _mutate_token(parts[index], rng)
    return "".join(parts)


def _lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.rstrip("\n").split("\n")]


def _join(lines: list[list[str]]) -> str:
    return "\n".join(" ".join(line) for line in lines) + "\n"


def reshape(text: str, rng: random.Random) -> str:
    """The input with one line's values rearranged the way slow and careless solutions meet their worst: sorted,
    reverse-sorted, all equal, or some values pushed to the input's own least or greatest (a leading line of counts
    is left alone, as ``mutate`` leaves a leading count)."""
    lines = _lines(text)
    numeric = [i for i, line in enumerate(lines) if i > 0 and len(line) >= 2 and all(_INTEGER.fullmatch(t) for t in line)]
    numbers = [int(t) for line in lines[1:] for t in line if _INTEGER.fullmatch(t)]
    column = len(lines) > 2 and all(len(line) == 1 and _INTEGER.fullmatch(line[0]) for line in lines[1:])
    if (not numeric and not column) or not numbers:
        return mutate(text, rng)
    if column and (not numeric or rng.random() < 0.5):  # one value per line (``n`` lines of ``a_i``): one column
        target = [line[0] for line in lines[1:]]
        values = _rearranged([int(t) for t in target], numbers, rng)
        return _join([lines[0], *([str(v)] for v in values)])
    target = lines[rng.choice(numeric)]
    target[:] = [str(v) for v in _rearranged([int(t) for t in target], numbers, rng)]
    return _join(lines)


def _rearranged(values: list[int], numbers: list[int], rng: random.Random) -> list[int]:
    move = rng.choice(("sorted", "reversed", "equal", "extremes"))
    if move == "sorted":
        values.sort()
    elif move == "reversed":
        values.sort(reverse=True)
    elif move == "equal":
        values = [rng.choice(values)] * len(values)
    else:
        extreme = rng.choice((min(numbers), max(numbers)))
        for position in rng.sample(range(len(values)), max(1, len(values) // 3)):
            values[position] = extreme
    return values


def crossover(first: str, second: str, rng: random.Random) -> str | None:
    """Two inputs of one shape (the same number of tokens on every line) crossed line by line, or None when their
    shapes differ. The first line (the counts) is the first input's."""
    a, b = _lines(first), _lines(second)
    if len(a) != len(b) or [len(x) for x in a] != [len(y) for y in b] or len(a) < 3:
        return None
    cut = rng.randrange(1, len(a))
    if rng.random() < 0.5:
        mixed = a[:cut] + b[cut:]
    else:
        mixed = [a[0]] + [x if rng.random() < 0.5 else y for x, y in zip(a[1:], b[1:], strict=True)]
    return _join(mixed)
