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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["OutputFormat", "json_default", "print_json", "print_rows", "progress_bar", "stderr", "stdout"]


class LazyConsole:
    """A rich Console made on first use: rich takes tens of milliseconds to import, and ``--help``, ``--json``
    output and ``cpdata parse`` never print through it."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)


stdout = LazyConsole(stderr=False)
stderr = LazyConsole(stderr=True)


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
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(Text(str(column)), overflow="fold")
        for row in rows:  # as Text, never markup: "[/x]", "[l, r]", "a[i]" and "[image]" are shown as they are
            table.add_row(*(Text("" if v is None else str(v)) for v in row))
        stdout.print(table)


@contextmanager
def progress_bar(description: str, total: int | None, *, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar (count, rate, ETA) on stderr; yields ``advance(n)``/``update(done, total)`` helpers."""
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
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")

    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=stderr.console, disable=not enabled, transient=False) as progress:
        task = progress.add_task(description, total=total)

        class _Handle:
            def advance(self, amount: int = 1) -> None:
                progress.advance(task, amount)

            def update(self, done: int, total_: int | None = None) -> None:
                progress.update(task, completed=done, total=total_)

            def describe(self, text: str) -> None:
                progress.update(task, description=text)

        yield _Handle()
