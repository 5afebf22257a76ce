"""How commands print: rich tables for people, JSON or CSV for programs, progress bars on stderr.

Results go to stdout and everything else (progress, warnings) to stderr, so ``--json`` output can be piped.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

__all__ = ["OutputFormat", "json_default", "print_json", "print_rows", "progress_bar", "stderr", "stdout"]

stdout = Console()
stderr = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=json_default, ensure_ascii=False, indent=2) + "\n")


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: OutputFormat, title: str | None = None) -> None:
    if fmt is OutputFormat.json:
        print_json([dict(zip(columns, row, strict=True)) for row in rows])
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[json_default(v) if isinstance(v, datetime | date) else v for v in row] for row in rows])
    else:
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        stdout.print(table)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


@contextmanager
def progress_bar(description: str, total: int | None, *, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar (count, rate, ETA) on stderr; yields ``advance(n)``/``update(done, total)`` helpers."""
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=stderr, disable=not enabled, transient=False) as progress:
        task = progress.add_task(description, total=total)

        class _Handle:
            def advance(self, amount: int = 1) -> None:
                progress.advance(task, amount)

            def update(self, done: int, total_: int | None = None) -> None:
                progress.update(task, completed=done, total=total_)

        yield _Handle()
