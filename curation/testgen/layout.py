"""The structure the known inputs share, read from them alone: lines of fixed width, a line of ``n`` values (``n``
read before it), a line that starts with its own count (``k v_1 ... v_k``), a block of ``n`` or ``n - 1`` lines of
one width, and several test cases (``T``, then ``T`` blocks of one shape, each with its own counts).

Every input is read at once, section by section ("in lockstep"), so a count is trusted only where the inputs show it
(a count of 2 or more somewhere). Where the first reading that fits goes wrong later (an array of one element read as
a fixed line), the reader backs up and tries the next one (a bounded search). Test cases are read the same way over
every case of every input, once the first cases have shown where each case ends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["Column", "Layout", "Section", "read_layout", "read_layouts"]

_INT = re.compile(r"[-+]?\d+")
_COMMAND = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,24}")
_BUDGET = 4000  # readings tried before giving up: every input of a real problem is read in far fewer
_MAX_DETOURS = 2  # readings other than the likeliest taken on one path, when looking for several readings
_MAX_CASE_SECTIONS = 12
_MAX_SECTIONS = 12  # a test case of a real problem has fewer parts; more means the reading went astray


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
    count of the rest), ``block`` (``count`` lines of fixed width), ``queries`` (``count`` lines whose first token, a
    type, decides how many tokens follow: ``1 x y``, ``2 l``; ``columns`` holds the type column), ``matrix``
    (``count`` lines of ``width`` values: one column of every value), ``rest`` (lines of fixed width up to the end of
    the input, with no count before them: "The input is terminated by end of file")."""
    columns: list[Column]
    count: str = ""
    """The variable (and ``- 1``) an array's length or a block's lines come from: ``x0``, ``x1 - 1``."""
    variants: dict[str, list[Column]] = field(default_factory=dict)
    """``queries``: the columns after the first token, for each value of the first token (``1 x y``, ``2 l``)."""
    width: str = ""
    """``matrix``: the variable each line's number of values comes from."""


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

    def __init__(
        self,
        streams: list[list[list[str]]],
        starts: list[int],
        ends: list[int | None],
        *,
        queries: bool = True,
        until_eof: bool = False,
    ) -> None:
        self.queries = queries
        self.until_eof = until_eof
        """Whether lines may run to the end of the input uncounted (the statement says the input ends at its end)."""
        """Whether lines of several shapes chosen by their first token may be read (the statement speaks of queries)."""
        self.streams = streams
        self.at = list(starts)
        self.ends = ends
        self.values: list[dict[str, int]] = [{} for _ in streams]
        self.order: list[str] = []
        self.sections: list[Section] = []

    def copy(self) -> _State:
        other = _State(self.streams, self.at, self.ends, queries=self.queries, until_eof=self.until_eof)
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
        if line >= self.end(stream):
            raise _Ended
        return self.streams[stream][line]


class _Ended(Exception):
    """A reading asked for a line past a stream's end (one input ends where another goes on)."""


_Reader = TypeVar("_Reader", bound=Callable[..., "_State | None"])


def _within_streams(reader: _Reader) -> _Reader:
    """A section reader that gives no reading, rather than failing, where a stream has ended."""

    @functools.wraps(reader)
    def read(*args: Any, **kwargs: Any) -> _State | None:
        try:
            return reader(*args, **kwargs)
        except _Ended:
            return None

    return read  # type: ignore[return-value]


def _alternatives(state: _State, *, open_ended: bool) -> list[_State]:
    """The readings of the next section, most likely first. ``open_ended``: streams may end anywhere (the first test
    case of each input, whose end is not known yet)."""
    out: list[_State] = []
    if all(state.at[i] >= state.end(i) for i in range(len(state.streams))):
        return out
    if open_ended and len(state.sections) >= _MAX_CASE_SECTIONS:
        return out
    strong: list[_State] = []
    weak: list[_State] = []
    rest = _rest(state) if state.until_eof and not open_ended else None
    if rest is not None:
        out.append(rest)
    for var in reversed(state.order):  # the latest integer first: a count is usually read just before its data
        for less in (0, 1):
            counts = [values.get(var, -1) - less for values in state.values]
            if min(counts) < 0:
                continue
            evidence = max(counts) >= 2
            block = _block(state, var, less, counts)
            array = _array(state, var, counts) if less == 0 else None
            # both fit (n = 2, then "2 3" and "1 2"): a line of n values is the likelier reading
            queries = _queries(state, var, counts) if less == 0 and block is None and state.queries else None
            matrices = [_matrix(state, var, less, counts, width) for width in state.order] if block is None else []
            for reading in (array, block, queries, *matrices):
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


@_within_streams
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


def _rest(state: _State) -> _State | None:
    """Every line left, of one width, in every input: lines up to the end of the input (at least two somewhere, so
    that the inputs show lines repeat)."""
    rows = [(s, line) for s in range(len(state.streams)) for line in range(state.at[s], state.end(s))]
    counts = [state.end(s) - state.at[s] for s in range(len(state.streams))]
    widths = {len(state.row(s, line)) for s, line in rows}
    if max(counts) < 2 or min(counts) < 1 or len(widths) != 1 or widths == {0}:
        return None
    (width,) = widths
    owners = [s for s, _ in rows]
    columns = [Column([state.row(s, line)[c] for s, line in rows], owners) for c in range(width)]
    return _advance(state, Section("rest", columns), counts)


@_within_streams
def _matrix(state: _State, var: str, less: int, counts: list[int], width_var: str) -> _State | None:
    """``count`` lines of ``width_var`` values each (an n by m matrix), where the width varies between inputs."""
    widths = [values.get(width_var, -1) for values in state.values]
    if min(widths) < 1 or len(set(widths)) < 2 or width_var == var:
        return None
    spans = []
    for stream, (count, width) in enumerate(zip(counts, widths, strict=True)):
        if state.at[stream] + count > state.end(stream):
            return None
        for k in range(count):
            if len(state.row(stream, state.at[stream] + k)) != width:
                return None
            spans.append((stream, state.at[stream] + k))
    pairs = [(s, t) for s, line in spans for t in state.row(s, line)]
    if not pairs:
        return None  # no value in any input: nothing to learn its kind or range from
    column = Column([t for _, t in pairs], [s for s, _ in pairs])
    lines = var if not less else f"{var} - 1"
    return _advance(state, Section("matrix", [column], lines, width=width_var), counts)


@_within_streams
def _queries(state: _State, var: str, counts: list[int]) -> _State | None:
    """``count`` lines of several shapes, the first token of each naming its shape (a query's type)."""
    spans = []
    for stream, count in enumerate(counts):
        if state.at[stream] + count > state.end(stream):
            return None
        spans += [(stream, state.at[stream] + k) for k in range(count)]
    rows = [state.row(s, line) for s, line in spans]
    if not rows or any(not row for row in rows):
        return None
    numbered = all(_INT.fullmatch(row[0]) and abs(int(row[0])) <= 100 for row in rows)
    named = all(_COMMAND.fullmatch(row[0]) for row in rows)  # "INSERT_LEFT b", "Q 1 5"
    if not numbered and not named:
        return None
    widths: dict[str, int] = {}
    for row in rows:
        if widths.setdefault(row[0], len(row)) != len(row):
            return None  # one type, two shapes: not queries
    if len(widths) < 2:
        return None
    kinds = Column([row[0] for row in rows], [s for s, _ in spans])
    variants = {}
    if len(widths) > 12:
        return None  # not a handful of types: words that happen to start the lines
    for kind, width in sorted(widths.items(), key=lambda item: int(item[0]) if numbered else item[0]):
        chosen = [(s, row) for (s, _), row in zip(spans, rows, strict=True) if row[0] == kind]
        variants[kind] = [Column([row[c] for _, row in chosen], [s for s, _ in chosen]) for c in range(1, width)]
    return _advance(state, Section("queries", [kinds], var, variants), counts)


@_within_streams
def _array(state: _State, var: str, counts: list[int]) -> _State | None:
    for stream, count in enumerate(counts):
        if len(state.row(stream, state.at[stream])) != count:
            return None
    pairs = [(s, t) for s in range(len(state.streams)) for t in state.row(s, state.at[s])]
    if not pairs:
        return None  # every array empty: an empty line is read as a line
    column = Column([t for _, t in pairs], [s for s, _ in pairs])
    return _advance(state, Section("array", [column], var), [1] * len(state.streams))


@_within_streams
def _listline(state: _State, *, need_evidence: bool = True) -> _State | None:
    """``k v_1 ... v_k`` on one line (an adjacency list, a set given with its size)."""
    rows = [state.row(s, state.at[s]) for s in range(len(state.streams))]
    if not all(row and _INT.fullmatch(row[0]) and int(row[0]) == len(row) - 1 for row in rows):
        return None
    if need_evidence and (max(len(row) for row in rows) < 3 or len({len(row) for row in rows}) < 2):
        return None  # no evidence: a fixed line reads it as well
    head = Column([row[0] for row in rows], list(range(len(rows))))
    pairs = [(s, t) for s, row in enumerate(rows) for t in row[1:]]
    body = Column([t for _, t in pairs], [s for s, _ in pairs])
    return _advance(state, Section("listline", [head, body]), [1] * len(rows))


@_within_streams
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


def _search(
    state: _State,
    budget: list[int],
    found: list[_State],
    limit: int,
    done: Callable[[_State], bool] | None = None,
    depth: int = 99,
    detours: int = 0,
) -> None:
    """Depth first over the alternatives, collecting up to ``limit`` complete readings: every stream read to its end
    (or, with ``done``, a reading of the first cases that ``done`` accepts), at most ``depth`` more sections, taking
    a reading other than the likeliest at most ``detours`` times (a limited-discrepancy search: readings that differ
    early are found, not only variations of the first one's end)."""
    if budget[0] <= 0 or len(found) >= limit:
        return
    budget[0] -= 1
    if (state.sections and done(state)) if done is not None else state.finished():
        if all(_signature(state) != _signature(other) for other in found):
            found.append(state)
        return
    if depth == 0:
        return
    for rank, alternative in enumerate(_alternatives(state, open_ended=done is not None)):
        cost = 1 if rank else 0
        if cost > detours:
            break
        _search(alternative, budget, found, limit, done, depth - 1, detours - cost)


def _signature(state: _State) -> tuple[tuple[str, str, int, str], ...]:
    return tuple((s.kind, s.count, len(s.columns), s.width) for s in state.sections)


def _read(streams: list[list[list[str]]], limit: int, queries: bool, until_eof: bool = False) -> list[_State]:
    found: list[_State] = []
    start = _State(streams, [0] * len(streams), [None] * len(streams), queries=queries, until_eof=until_eof)
    for detours in range(_MAX_DETOURS + 1):
        _search(start, [_BUDGET], found, limit, detours=detours)
    # a reading of many parts with no repetition between them describes the sample, not the input format
    return [state for state in found if len(state.sections) <= _MAX_SECTIONS]


def _replay(sections: list[Section], streams: list[list[list[str]]]) -> _State | None:
    """The same sections read again over other streams (every case, once the first cases showed where each ends)."""
    state = _State(streams, [0] * len(streams), [None] * len(streams), queries=True)
    for section in sections:
        if any(at >= state.end(i) for i, at in enumerate(state.at)):
            return None
        moved = _read_again(state, section)
        if moved is None:
            return None
        state = moved
    return state if state.finished() else None


def _read_again(state: _State, section: Section) -> _State | None:
    """One section of the same kind and count read at the streams' current lines."""
    var, _, less = section.count.partition(" - ")
    counts = [values.get(var, -1) - (1 if less else 0) for values in state.values]
    if section.count and min(counts) < 0:
        return None
    if section.kind == "line":
        return _line(state)
    if section.kind == "listline":
        return _listline(state, need_evidence=False)
    if section.kind == "array":
        return _array(state, var, counts)
    if section.kind == "block":
        return _block(state, var, 1 if less else 0, counts)
    if section.kind == "matrix":
        return _matrix(state, var, 1 if less else 0, counts, section.width)
    return _queries(state, var, counts)


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
            elif section.kind == "matrix":
                width = values.get(section.width, -1)
                if at + count > len(lines) or any(len(lines[at + k]) != width for k in range(count)):
                    return None
                at += count
            elif section.kind == "queries":
                widths = {kind: len(columns) + 1 for kind, columns in section.variants.items()}
                if at + count > len(lines) or any(
                    widths.get(lines[at + k][0] if lines[at + k] else "") != len(lines[at + k]) for k in range(count)
                ):
                    return None
                at += count
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


def _read_cases(inputs: list[list[list[str]]], limit: int, queries: bool) -> list[Layout]:
    if not all(lines and len(lines[0]) == 1 and _INT.fullmatch(lines[0][0]) for lines in inputs):
        return []
    counts = [int(lines[0][0]) for lines in inputs]
    if min(counts) < 1 or any(c > len(lines) - 1 for c, lines in zip(counts, inputs, strict=True)):
        return []

    def complete(state: _State) -> bool:
        return _case_bounds(state.sections, inputs) is not None

    first = _State(inputs, [1] * len(inputs), [None] * len(inputs), queries=queries)
    found: list[_State] = []
    for depth in range(1, _MAX_CASE_SECTIONS + 1):  # the fewest sections first: iterative deepening
        for detours in range(_MAX_DETOURS + 1):
            _search(first, [_BUDGET], found, limit, complete, depth, detours)
        if found:
            break
    layouts = []
    head = Column([lines[0][0] for lines in inputs], list(range(len(inputs))))
    for reading in found:
        bounds = _case_bounds(reading.sections, inputs)
        assert bounds is not None
        # read again over every case of every input: the columns then hold every case's tokens
        streams = [inputs[i][start:end] for i, cases in enumerate(bounds) for start, end in cases]
        owner = [i for i, cases in enumerate(bounds) for _ in cases]
        again = _replay(reading.sections, streams)
        if again is not None:
            layouts.append(Layout(again.sections, cases=head, case_owner=owner, values=again.values, order=again.order))
    return layouts


def read_layouts(
    inputs: list[str], *, cases: bool | None = None, queries: bool = True, limit: int = 10, until_eof: bool = False
) -> list[Layout] | str:
    """The structures every input shares (up to ``limit`` of each kind, likeliest first), or the reason there are
    none. ``cases``: True when the statement speaks of test cases (those readings come first), False when it does
    not (they come last), None when unknown. ``queries``: whether lines whose first token chooses their shape may be
    read (the statement speaks of queries or operations)."""
    streams = [_split(text) for text in inputs]
    if any(not lines for lines in streams):
        return "an input is empty"
    with_cases = _read_cases(streams, limit, queries)
    whole = [
        Layout(s.sections, case_owner=list(range(len(streams))), values=s.values, order=s.order)
        for s in _read(streams, limit, queries, until_eof)
    ]
    found = [*whole, *with_cases] if cases is False else [*with_cases, *whole]
    return found or "the inputs differ in shape in a way no count read before explains"


def read_layout(inputs: list[str], *, cases: bool | None = None) -> Layout | str:
    """The likeliest structure (``read_layouts``'s first), or the reason there is none."""
    found = read_layouts(inputs, cases=cases, limit=1)
    return found if isinstance(found, str) else found[0]
