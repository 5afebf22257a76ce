"""What the commands share: option types with their defaults and help, error exits, opening the store.

Defaults are shown by ``--help`` (click's plain formatter: rich markup would swallow bracketed text). Dates are
plain ISO dates (``DATE``); boolean options are ``--flag`` or ``--flag/--no-flag``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs
from cpdata.output import stderr
from cpdata.schema.location import DEFAULT_DB_PATH, ENV_DB

if TYPE_CHECKING:
    from cpdata.curation.steps.pipeline import CurationOptions
    from cpdata.schema.store import Store

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = [
    "DEFAULT_LANGUAGES_TEXT",
    "TEST_FROM",
    "VALID_FROM",
    "Commands",
    "DbOption",
    "DedupOption",
    "JsonOption",
    "LanguagesOption",
    "RejectsOption",
    "TestFromOption",
    "ThresholdOption",
    "ValidFromOption",
    "WindowOption",
    "curation_options",
    "cutoffs_from",
    "examples",
    "fail",
    "open_store",
    "parse_date",
]


def examples(lines: Sequence[str]) -> str:
    """An "Examples" block for a command's help, kept line by line (click's ``\\b`` marks a block not to rewrap)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


class Commands:
    """The commands of one module, each with its examples; ``register`` adds them to an app or a command group."""

    def __init__(self) -> None:
        self._entries: list[tuple[Callable[..., Any], str | None, tuple[str, ...]]] = []

    def command(self, name: str | None = None, *, example: Sequence[str] = ()) -> Callable[[_F], _F]:
        def add(function: _F) -> _F:
            self._entries.append((function, name, tuple(example)))
            return function

        return add

    def names(self) -> list[str]:
        """The command names, as typed on the command line."""
        return [name or function.__name__.replace("_", "-") for function, name, _ in self._entries]

    def register(self, app: typer.Typer) -> None:
        for function, name, lines in self._entries:
            app.command(name, epilog=examples(lines) if lines else None)(function)


def parse_date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2024-01-01") from None


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=ENV_DB,
        metavar="URL|PATH",
        help="The store: a SQLite path or a SQLAlchemy URL (postgresql+psycopg://user@host/db).",
        show_default=str(DEFAULT_DB_PATH),
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON summary on stdout.")]
ValidFromOption = Annotated[
    date,
    typer.Option("--valid-from", parser=parse_date, metavar="DATE", help="First release date (UTC) of the valid split."),
]
TestFromOption = Annotated[
    date,
    typer.Option("--test-from", parser=parse_date, metavar="DATE", help="First release date (UTC) of the test split."),
]
VALID_FROM = DEFAULT_CUTOFFS.valid_from
TEST_FROM = DEFAULT_CUTOFFS.test_from
DEFAULT_LANGUAGES_TEXT = "cpp,python3,java"
LanguagesOption = Annotated[
    str, typer.Option("--languages", metavar="LIST", help="Solution languages to keep, comma-separated, or 'all'.")
]
WindowOption = Annotated[
    str | None,
    typer.Option(
        "--window", metavar="START..END", help="Only problems published in this span of UTC dates, e.g. 2024-01-01..2024-06-30."
    ),
]
RejectsOption = Annotated[
    Path | None, typer.Option("--keep-rejects", metavar="FILE", help="Write every dropped problem and solution here (JSONL).")
]
DedupOption = Annotated[
    bool,
    typer.Option("--dedup/--no-dedup", help="Find duplicate clusters afresh; --no-dedup uses the clusters already in the store."),
]
ThresholdOption = Annotated[
    float,
    typer.Option(
        "--threshold", min=0.05, max=1.0, help="Near-duplicate threshold: Jaccard similarity of the statements' word bigrams."
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr; raise the returned exit (2: the command could not run)."""
    from rich.markup import escape

    stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # "[l, r]" in a message stays as written
    return typer.Exit(code)


def open_store(db: str | None, *, create: bool = True, write: bool = True) -> Store:
    """The store, or exit 2 saying why not. A store another process is writing is waited for, with a message."""
    from cpdata.schema.errors import StoreError
    from cpdata.schema.store import Store

    try:
        store = Store(db, create=create)
        if write:
            store.wait_for_writer(lambda message: stderr.print(f"waiting: {message}", markup=False, highlight=False))
    except StoreError as exc:
        raise fail(str(exc)) from exc
    return store


def curation_options(languages: str, window: str | None, rejects: Path | None, dedup: bool, threshold: float) -> CurationOptions:
    from cpdata.curation.steps.pipeline import CurationOptions
    from cpdata.schema.enums import Language

    try:
        families = (
            None if languages.strip() == "all" else frozenset(Language(x.strip()) for x in languages.split(",") if x.strip())
        )
    except ValueError as exc:
        raise fail(f"--languages: {exc}") from exc
    span = None
    if window is not None:
        start, sep, end = window.partition("..")
        try:
            span = (date.fromisoformat(start.strip()), date.fromisoformat(end.strip()))
        except ValueError:
            raise fail(f"--window takes START..END with ISO dates, e.g. 2024-01-01..2024-06-30, not {window!r}") from None
        if not sep or span[1] < span[0]:
            raise fail(f"--window {window!r}: the end must not be before the start")
    return CurationOptions(languages=families, window=span, rejects=rejects, dedup=dedup, threshold=threshold)


def cutoffs_from(valid_from: date, test_from: date) -> SplitCutoffs:
    """The split cutoffs from ``--valid-from``/``--test-from``; a test cutoff before the valid one is an error."""
    try:
        return SplitCutoffs(valid_from=valid_from, test_from=test_from)
    except ValueError as exc:
        raise fail(str(exc)) from exc
