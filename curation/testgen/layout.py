"""The structure the known inputs share, read from them alone: lines of fixed width, a line of ``n`` values (``n``
read before it), a line that starts with its own count (``k v_1 ... v_k``), a block of ``n`` or ``n - 1`` lines of
one width, and several test cases (``T``, then ``T`` blocks of one shape, each with its own counts).

Every input is read at once, section by section ("in lockstep"), so a count is trusted only where the inputs show it
(a count of 2 or more somewhere). Where the first reading that fits goes wrong later (an array of one element read as
a fixed line), the reader backs up and tries the next one (a bounded search). Test cases are read the same way over
every case of every input, once the first cases have shown where each case ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Column", "Layout", "Section", "read_layout"]

_INT = re.compile(r"[-+]?\d+")
_BUDGET = 4000  # readings tried before giving up: every input of a real problem is read in far fewer
_MAX_CASE_SECTIONS = 12  # a test case of a real problem has fewer parts; more means the reading went astray


@dataclass
class Column:
    """One token column: its tokens across every stream, and the stream each came from."""

    tokens: list[str]
    owners: list[int]
    var: str = ""
    """Its variable when it is an integer read on a fixed line (a later count, bound or total may refer to it)."""

    @property
    def integer(self) -> bool:
        return bool(self.tokens) and all(_INT.fullmatch(t) for t in self.tokens)


@dataclass
class Section:
    kind: str
    """``line`` (fixed width), ``array`` (one line of ``count`` tokens), ``listline`` (a line whose first token is the
    count of the rest), ``block`` (``count`` lines of fixed width)."""
    columns: list[Column]
    count: str = ""
    """The variable (and ``- 1``) an array's length or a block's lines come from: ``x0``, ``x1 - 1``."""


@dataclass
class Layout:
    sections: list[Section]
    """The sections of the whole input, or of one test case when ``cases``."""
    cases: Column | None = None
    """The leading test-case count (its column), when the input is ``T`` test cases."""
    case_owner: list[int] = field(default_factory=list)
    """For each stream a section's column owners refer to: the input it belongs to (a case is a stream)."""
    values: list[dict[str, int]] = field(default_factory=list)
    """Per stream, the integer variables read on fixed lines."""
    order: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[Column]:
        head = [self.cases] if self.cases is not None else []
        return [*head, *(c for s in self.sections for c in s.columns)]


def _split(text: str) -> list[list[str]]:
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n") if text.strip() else []
    return [line.split() for line in lines]


class _State:
    """A reading in progress: where each stream is, and the integers read so far (per stream)."""

    def __init__(self, streams: list[list[list[str]]], starts: list[int], ends: list[int | None]) -> None:
        self.streams = streams
        self.at = list(starts)
        self.ends = ends
        self.values: list[dict[str, int]] = [{} for _ in streams]
        self.order: list[str] = []
        self.sections: list[Section] = []

    def copy(self) -> _State:
        other = _State(self.streams, self.at, self.ends)
        other.values = [dict(v) for v in self.values]
        other.order = list(self.order)
        other.sections = list(self.sections)
        return other

    def end(self, stream: int) -> int:
        found = self.ends[stream]
        return len(self.streams[stream]) if found is None else found

    def finished(self) -> bool:
        return all(at == self.end(i) for i, at in enumerate(self.at))

    def row(self, stream: int, line: int) -> list[str]:
        return self.streams[stream][line]


def _alternatives(state: _State, *, open_ended: bool) -> list[_State]:
    """The readings of the next section, most likely first. ``open_ended``: streams may end anywhere (the first test
    case of each input, whose end is not known yet)."""
    out: list[_State] = []
    live = [i for i in range(len(state.streams)) if state.at[i] < state.end(i)]
    if len(live) != len(state.streams):
        return out
    if open_ended and len(state.sections) >= _MAX_CASE_SECTIONS:
        return out
    strong, weak = [], []
    for var in reversed(state.order):  # the latest integer first: a count is usually read just before its data
        for less in (0, 1):
            counts = [values.get(var, -1) - less for values in state.values]
            if min(counts) < 0:
                continue
            evidence = max(counts) >= 2
            block = _block(state, var, less, counts)
            array = _array(state, var, counts) if less == 0 else None
            # both fit (n = 2, then "2 3" and "1 2"): a line of n values is the likelier reading
            for reading in (array, block):
                if reading is not None:
                    (strong if evidence else weak).append(reading)
    out += strong
    listline = _listline(state)
    if listline is not None:
        out.append(listline)
    line = _line(state)
    if line is not None:
        out.append(line)
    out += weak
    del open_ended
    return out


def _advance(state: _State, section: Section, moves: list[int]) -> _State:
    moved = state.copy()
    moved.at = [at + m for at, m in zip(state.at, moves, strict=True)]
    moved.sections.append(section)
    return moved


def _block(state: _State, var: str, less: int, counts: list[int]) -> _State | None:
    spans = []
    for stream, count in enumerate(counts):
        if state.at[stream] + count > state.end(stream):
            return None
        spans += [(stream, state.at[stream] + k) for k in range(count)]
    widths = {len(state.row(s, line)) for s, line in spans}
    if len(widths) != 1 or widths == {0}:
        return None
    (width,) = widths
    rows = [state.row(s, line) for s, line in spans]
    owners = [s for s, _ in spans]
    columns = [Column([row[c] for row in rows], owners) for c in range(width)]
    return _advance(state, Section("block", columns, var if not less else f"{var} - 1"), counts)


def _array(state: _State, var: str, counts: list[int]) -> _State | None:
    for stream, count in enumerate(counts):
        if len(state.row(stream, state.at[stream])) != count:
            return None
    pairs = [(s, t) for s in range(len(state.streams)) for t in state.row(s, state.at[s])]
    column = Column([t for _, t in pairs], [s for s, _ in pairs])
    return _advance(state, Section("array", [column], var), [1] * len(state.streams))


def _listline(state: _State) -> _State | None:
    """``k v_1 ... v_k`` on one line (an adjacency list, a set given with its size)."""
    rows = [state.row(s, state.at[s]) for s in range(len(state.streams))]
    if not all(row and _INT.fullmatch(row[0]) and int(row[0]) == len(row) - 1 for row in rows):
        return None
    if max(len(row) for row in rows) < 3 or len({len(row) for row in rows}) < 2:
        return None  # no evidence: a fixed line reads it as well
    head = Column([row[0] for row in rows], list(range(len(rows))))
    pairs = [(s, t) for s, row in enumerate(rows) for t in row[1:]]
    body = Column([t for _, t in pairs], [s for s, _ in pairs])
    return _advance(state, Section("listline", [head, body]), [1] * len(rows))


def _line(state: _State) -> _State | None:
    rows = [state.row(s, state.at[s]) for s in range(len(state.streams))]
    if len({len(row) for row in rows}) != 1:
        return None
    width = len(rows[0])
    columns = [Column([row[c] for row in rows], list(range(len(rows)))) for c in range(width)]
    moved = _advance(state, Section("line", columns), [1] * len(rows))
    for column in columns:
        if column.integer and all(abs(int(t)) < 10**7 for t in column.tokens):  # a count, bound or total
            column.var = f"x{len(moved.order)}"
            moved.order.append(column.var)
            for values, token in zip(moved.values, column.tokens, strict=True):
                values[column.var] = int(token)
    return moved


def _search(state: _State, budget: list[int], done: Callable[[_State], bool] | None = None, depth: int = 99) -> _State | None:
    """Depth first over the alternatives until every stream is read to its end (or ``done`` says a reading of the
    first cases is complete), reading at most ``depth`` more sections."""
    if budget[0] <= 0:
        return None
    budget[0] -= 1
    if done is not None:
        if state.sections and done(state):
            return state
    elif state.finished():
        return state
    if depth == 0:
        return None
    for alternative in _alternatives(state, open_ended=done is not None):
        found = _search(alternative, budget, done, depth - 1)
        if found is not None:
            return found
    return None


def _shortest(state: _State, done: Callable[[_State], bool]) -> _State | None:
    """The reading of the first cases with the fewest sections that ``done`` accepts (iterative deepening: a wrong
    early guess is not followed through every later line of the input)."""
    for depth in range(1, _MAX_CASE_SECTIONS + 1):
        found = _search(state, [_BUDGET], done, depth)
        if found is not None:
            return found
    return None


def _read(streams: list[list[list[str]]]) -> _State | None:
    state = _State(streams, [0] * len(streams), [None] * len(streams))
    return _search(state, [_BUDGET])


def _match(sections: list[Section], lines: list[list[str]], at: int, values: dict[str, int]) -> int | None:
    """Where one case ends when read with ``sections`` from line ``at`` (None if it does not fit)."""
    for section in sections:
        if section.kind == "line":
            if at >= len(lines) or len(lines[at]) != len(section.columns):
                return None
            for column, token in zip(section.columns, lines[at], strict=True):
                if column.var:
                    if not _INT.fullmatch(token):
                        return None
                    values[column.var] = int(token)
            at += 1
        elif section.kind == "listline":
            if at >= len(lines) or not lines[at] or not _INT.fullmatch(lines[at][0]):
                return None
            if int(lines[at][0]) != len(lines[at]) - 1:
                return None
            at += 1
        else:
            var, _, less = section.count.partition(" - ")
            count = values.get(var, -1) - (1 if less else 0)
            if count < 0:
                return None
            if section.kind == "array":
                if at >= len(lines) or len(lines[at]) != count:
                    return None
                at += 1
            else:
                if at + count > len(lines) or any(len(lines[at + k]) != len(section.columns) for k in range(count)):
                    return None
                at += count
    return at


def _case_bounds(sections: list[Section], inputs: list[list[list[str]]]) -> list[list[tuple[int, int]]] | None:
    """Each input's cases as (first line, end) when every input is exactly its ``T`` cases read with ``sections``."""
    found = []
    for lines in inputs:
        count = int(lines[0][0])
        at, cases = 1, []
        for _ in range(count):
            end = _match(sections, lines, at, {})
            if end is None or end == at:
                return None
            cases.append((at, end))
            at = end
        if at != len(lines):
            return None
        found.append(cases)
    return found


def _read_cases(inputs: list[list[list[str]]]) -> Layout | None:
    if not all(lines and len(lines[0]) == 1 and _INT.fullmatch(lines[0][0]) for lines in inputs):
        return None
    counts = [int(lines[0][0]) for lines in inputs]
    if min(counts) < 1 or any(c > len(lines) - 1 for c, lines in zip(counts, inputs, strict=True)):
        return None

    def complete(state: _State) -> bool:
        return _case_bounds(state.sections, inputs) is not None

    first = _State(inputs, [1] * len(inputs), [None] * len(inputs))
    found = _shortest(first, complete)
    if found is None:
        return None
    bounds = _case_bounds(found.sections, inputs)
    assert bounds is not None
    # Read again over every case of every input (now that each case's lines are known): more evidence per count.
    streams = [inputs[i][start:end] for i, cases in enumerate(bounds) for start, end in cases]
    owner = [i for i, cases in enumerate(bounds) for _ in cases]
    again = _read(streams)
    if again is None or _case_bounds(again.sections, inputs) != bounds:
        again = _State(streams, [0] * len(streams), [None] * len(streams))
        refined = _search(again, [_BUDGET])
        if refined is None:
            return None
        again = refined
    head = Column([lines[0][0] for lines in inputs], list(range(len(inputs))))
    return Layout(again.sections, cases=head, case_owner=owner, values=again.values, order=again.order)


def read_layout(inputs: list[str], *, cases: bool | None = None) -> Layout | str:
    """The structure every input shares, or the reason there is none. ``cases``: True when the statement speaks of
    test cases (then that reading is tried first), False when it does not (then last), None when unknown."""
    streams = [_split(text) for text in inputs]
    if any(not lines for lines in streams):
        return "an input is empty"
    readers = [lambda: _read_cases(streams), lambda: _whole(streams)]
    if cases is False:
        readers.reverse()
    for reader in readers:
        found = reader()
        if found is not None:
            return found
    return "the inputs differ in shape in a way no count read before explains"


def _whole(streams: list[list[list[str]]]) -> Layout | None:
    found = _read(streams)
    if found is None:
        return None
    return Layout(found.sections, case_owner=list(range(len(streams))), values=found.values, order=found.order)
