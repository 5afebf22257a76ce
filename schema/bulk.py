"""Parallel ingest of an entity stream: worker processes validate lines (straight to row values, no model objects:
``cpdata.schema.rows``) and turn them into ready-made row tuples; the parent process only writes them.

Validation (msgspec where it can check a line exactly, pydantic for the rest) and building the parameters cost about
as much as SQLite's insert, and they hold the GIL, so a thread cannot overlap them with writing; a process can.
Chunks stay in input order, so errors keep their line numbers and the store ends the same as with a serial ingest
(each chunk is one transaction, as before). At most two chunks per worker are in flight, so memory stays flat however
long the stream is.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy.engine import make_url

from cpdata.schema.collection import BATCH_THRESHOLD, batch_collection
from cpdata.schema.models import Contest, Problem, Submission, Test
from cpdata.schema.rows import rows_by_entity
from cpdata.schema.store import IngestReport, Store, compiled_upsert, row_parent_keys, table_of
from cpdata.schema.stream import StreamError

__all__ = ["PreparedChunk", "chunk_lines", "ingest_lines", "prepare_chunk", "quiet_worker"]

_ORDER = (Contest, Problem, Test, Submission)


@dataclass
class PreparedChunk:
    rows: dict[str, tuple[str, list[Any]]] = field(default_factory=dict)
    """Entity name -> its upsert and the parameters, in the driver's own format (``_CompiledWrite.bound``)."""
    contests: set[tuple[str, str]] = field(default_factory=set)
    problems: set[tuple[str, str, str]] = field(default_factory=set)
    errors: list[StreamError] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


@cache
def _dialect(url: str) -> Any:
    return make_url(url).get_dialect()()


def prepare_chunk(url: str, chunk: list[tuple[int, str]]) -> PreparedChunk:
    """Validate numbered lines and build the parameters of their upserts (runs in a worker process)."""
    prepared = PreparedChunk()
    by_name, prepared.errors = rows_by_entity(chunk)
    prepared.contests, prepared.problems = row_parent_keys(by_name)
    dialect = _dialect(url)
    for model in _ORDER:
        rows = by_name.get(model.entity_name)
        if rows:
            upsert = compiled_upsert(dialect, table_of(model), False)
            prepared.rows[model.entity_name] = upsert.bound(rows)
            prepared.counts[model.entity_name] += len(rows)
    return prepared


def quiet_worker() -> None:
    """In each worker: collect cycles less often; leave Ctrl-C to the parent (which stops the pool and says how far
    it got); and die with the parent if it is killed (Linux), instead of validating on for nobody."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(BATCH_THRESHOLD)  # a worker only ever validates: see cpdata.schema.collection
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the line above
            os._exit(1)


def chunk_lines(lines: Iterable[str | bytes], size: int) -> Iterator[tuple[list[tuple[int, str]], list[StreamError]]]:
    """Numbered lines in chunks of ``size`` lines read (blank ones left out), with the lines of each chunk that are
    not UTF-8 (as errors, never as text)."""
    source = iter(lines)
    first = 1
    while raw := list(itertools.islice(source, size)):  # C-level reads; a loop step per line cost a tenth of a line
        numbers = range(first, first + len(raw))
        first += len(raw)
        texts, undecodable = _texts(raw, numbers)
        # isspace stops at a line's first other character, where strip would copy the whole line
        chunk = [(number, text) for number, text in zip(numbers, texts, strict=True) if text and not text.isspace()]
        if chunk or undecodable:
            yield chunk, undecodable


def _texts(raw: list[str | bytes], numbers: range) -> tuple[list[str], list[StreamError]]:
    """The lines as text; a line that is not UTF-8 becomes an error (and an empty line)."""
    try:
        return [line if isinstance(line, str) else line.decode("utf-8") for line in raw], []
    except UnicodeDecodeError:
        pass
    texts: list[str] = []
    undecodable: list[StreamError] = []
    for number, line in zip(numbers, raw, strict=True):
        if isinstance(line, str):
            texts.append(line)
            continue
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            byte = line[exc.start : exc.start + 1].hex()
            undecodable.append(StreamError(number, f"not UTF-8 text (byte 0x{byte} at column {exc.start + 1})"))
            texts.append("")
    return texts, undecodable


def ingest_lines(
    store: Store,
    lines: Iterable[str | bytes],
    *,
    batch_size: int = 5000,
    workers: int | None = None,
    on_chunk: Any = None,
) -> tuple[IngestReport, list[StreamError]]:
    """Ingest stream lines with ``workers`` validating processes (default: the cores; 1 means in this process).

    Lines may be bytes (a file or stdin read as bytes): a line that is not UTF-8 is one reported bad line, like a
    line that is not JSON, and the lines around it are stored."""
    with batch_collection():
        return _ingest_lines(store, lines, batch_size, workers, on_chunk)


def _ingest_lines(
    store: Store, lines: Iterable[str | bytes], batch_size: int, workers: int | None, on_chunk: Any
) -> tuple[IngestReport, list[StreamError]]:
    workers = workers or os.cpu_count() or 1
    report = IngestReport()
    errors: list[StreamError] = []

    def write(prepared: PreparedChunk, undecodable: list[StreamError]) -> None:
        report.add(store.write_prepared(prepared.rows, prepared.contests, prepared.problems, prepared.counts))
        errors.extend(sorted([*prepared.errors, *undecodable], key=lambda e: e.line))
        if on_chunk is not None:
            on_chunk(sum(prepared.counts.values()) + len(prepared.errors) + len(undecodable))

    chunks = chunk_lines(lines, batch_size)
    first = next(chunks, None)
    if first is None:
        return report, errors
    second = next(chunks, None)
    stream = itertools.chain([first], [second] if second else [], chunks)  # the rest is read as it is written
    if workers <= 1 or second is None:  # small input: a pool would cost more than it saves
        for chunk, undecodable in stream:
            write(prepare_chunk(store.url, chunk), undecodable)
        return report, errors
    context = multiprocessing.get_context("spawn")  # no inherited threads or locks from the parent
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=quiet_worker)
    try:
        pending: deque[tuple[Future[PreparedChunk], list[StreamError]]] = deque()
        for chunk, undecodable in stream:
            pending.append((pool.submit(prepare_chunk, store.url, chunk), undecodable))
            if len(pending) >= 2 * workers:
                future, bad = pending.popleft()
                write(future.result(), bad)
        while pending:
            future, bad = pending.popleft()
            write(future.result(), bad)
    except BaseException:
        # Ctrl-C, a killed reader, a store error: cancel what is queued; what was committed stays committed. Wait for
        # the pool's manager thread (the workers finish the chunk in hand, a fraction of a second): left running,
        # it races CPython's exit hook, which then writes to the pipe the thread is closing and prints a traceback
        # ("Bad file descriptor", seen once in CI after a Ctrl-C).
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return report, errors
