"""The entity stream: one JSON object per line, ``{"entity": "contest" | "problem" | "test" | "submission", ...}``.

It is the common currency between tools: ``cpdata parse`` writes it, ``cpdata ingest`` reads it, and other
programs may produce it. A bad line is reported with its number and reason; the good lines still count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from pydantic import ValidationError

from cpdata.schema.models import ENTITY_ADAPTER, Contest, Problem, Submission, Test

__all__ = ["StreamError", "describe_validation_error", "line_error", "read_stream", "write_stream"]

AnyEntity = Contest | Problem | Test | Submission


@dataclass(frozen=True)
class StreamError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    """A one-line reason naming the fields at fault, e.g. ``time_limit_ms: Input should be ...``."""
    parts = []
    for error in exc.errors()[:limit]:
        location = ".".join(str(p) for p in error["loc"]) or "(entity)"
        parts.append(f"{location}: {error['msg']}")
    more = exc.error_count() - limit
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def line_error(number: int, line: str) -> StreamError | None:
    """The error of a stream line as the models see it, in the stream's words; None if they take it."""
    try:
        ENTITY_ADAPTER.validate_json(line)
    except ValidationError as exc:
        return _stream_error(number, exc)
    return None


def _stream_error(number: int, exc: ValidationError) -> StreamError:
    errors = exc.errors()
    if any(e["type"] == "json_invalid" for e in errors):
        return StreamError(number, f"not JSON ({errors[0].get('ctx', {}).get('error', 'invalid')})")
    if any(e["type"] in ("union_tag_not_found", "union_tag_invalid") for e in errors):
        return StreamError(number, 'needs "entity": one of contest, problem, test, submission')
    return StreamError(number, describe_validation_error(exc))


def validate_chunk(chunk: list[tuple[int, str]]) -> Iterator[AnyEntity | StreamError]:
    # Line by line: a chunk joined into one JSON array (faster) would let a record broken over two lines read as one
    # good record, where each of its lines is bad.
    for number, line in chunk:
        try:
            yield ENTITY_ADAPTER.validate_json(line)
        except ValidationError as exc:
            yield _stream_error(number, exc)


def read_stream(lines: Iterable[str], chunk_size: int = 1000) -> Iterator[AnyEntity | StreamError]:
    """Entities and errors, in line order. Blank lines are skipped."""
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            chunk.append((number, line))
        if len(chunk) >= chunk_size:
            yield from validate_chunk(chunk)
            chunk = []
    if chunk:
        yield from validate_chunk(chunk)


def write_stream(entities: Iterable[AnyEntity], out: TextIO) -> int:
    """Write entities as stream lines; return how many."""
    count = 0
    for entity in entities:
        out.write(json.dumps(entity.stream_dict(), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
