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

from schema.models import ENTITY_ADAPTER, Contest, Problem, Submission, Test

__all__ = ["StreamError", "describe_validation_error", "read_stream", "write_stream"]

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


def read_stream(lines: Iterable[str]) -> Iterator[AnyEntity | StreamError]:
    """Entities and errors, in line order. Blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield ENTITY_ADAPTER.validate_json(line)
        except ValidationError as exc:
            reason = describe_validation_error(exc)
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                reason = f"not JSON ({exc.errors()[0]['ctx'].get('error', 'invalid')})"
            elif any(e["type"] in ("union_tag_not_found", "union_tag_invalid") for e in exc.errors()):
                reason = 'needs "entity": one of contest, problem, test, submission'
            yield StreamError(number, reason)


def write_stream(entities: Iterable[AnyEntity], out: TextIO) -> int:
    """Write entities as stream lines; return how many."""
    count = 0
    for entity in entities:
        out.write(json.dumps(entity.stream_dict(), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
