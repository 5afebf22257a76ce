"""The ``cpdata`` command line: the app, its global options, and the command groups of ``cpdata.commands``.

Exit codes: 0 success; 1 the command ran but some input was bad (invalid stream lines, pages that failed to
parse), with everything else stored; 2 the command could not run (bad options, no store, blocked site, an
unexpected error); 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from cpdata.commands import corpus, curate, datasets, demo, execution, model, scrape, store
from cpdata.commands.options import Commands
from cpdata.output import stderr

__all__ = ["app", "main"]

ENV_DEBUG = "CPDATA_DEBUG"
_debug = {"on": bool(os.environ.get(ENV_DEBUG))}
# Top-level commands, module by module, and the command groups (cpdata export ..., cpdata curate ...).
_COMMANDS: tuple[Commands, ...] = (
    scrape.COMMANDS,
    store.COMMANDS,
    execution.COMMANDS,
    curate.COMMANDS,
    model.COMMANDS,
    demo.COMMANDS,
)
_GROUPS: dict[str, typer.Typer] = {
    "export": datasets.export_app,
    "import": datasets.import_app,
    "curate": curate.curate_app,
    "corpus": corpus.corpus_app,
}


def _print_version(value: bool) -> None:
    if value:
        from cpdata.version import __version__

        print(f"cpdata {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print cpdata's version and exit.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", envvar=ENV_DEBUG, help="Show the full traceback when something unexpected fails.")
    ] = False,
) -> None:
    _debug["on"] = debug


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with just the group that holds command ``only``: typer turns every command's
    signature into a click command before it runs one, which costs tens of milliseconds for all of them."""
    built = typer.Typer(
        help="cpdata: build CodeContests-like datasets from competitive-programming sites.\n\n"
        "Start with 'cpdata demo' (offline, a few seconds), then 'cpdata COMMAND --help'.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # click's plain help: every default shown, flags without a type placeholder, example lines kept as written
        # (rich's markup mode swallows bracketed text such as "[default: ...]").
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    )
    built.callback()(_root)
    for commands in _COMMANDS:
        if only is None or only in commands.names():
            commands.register(built)
    for name, group in _GROUPS.items():
        if only is None or only == name:
            built.add_typer(group, name=name)
    return built


app = build_app()


def _command_named(argv: list[str]) -> str | None:
    """The command a command line asks for (the first word that is not an option), if the app has it."""
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    known = {*_GROUPS, *(name for commands in _COMMANDS for name in commands.names())}
    return word if word in known else None


def main() -> None:
    """The console script: run the app; an unexpected error is one line on stderr unless --debug asks for more."""
    try:
        build_app(_command_named(sys.argv[1:]))()
    except KeyboardInterrupt:
        stderr.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if _debug["on"]:
            raise
        from cpdata.schema.store import is_lock_error, lock_timeout

        if is_lock_error(exc):
            stderr.print(
                f"error: the store stayed locked by another writer for {lock_timeout():g} s; everything committed so "
                "far is kept. Run again when it has finished (CPDATA_LOCK_TIMEOUT=300 waits longer).",
                markup=False,
                highlight=False,
            )
            sys.exit(2)
        if isinstance(exc, OSError) and exc.filename is not None:
            # a path the user gave that cannot be read or written: their input, not our bug
            reason = exc.strerror or type(exc).__name__
            stderr.print(f"error: {exc.filename}: {reason}", markup=False, highlight=False)
            sys.exit(2)
        if isinstance(exc, FileNotFoundError):
            stderr.print(f"error: {exc}", markup=False, highlight=False)
            sys.exit(2)
        stderr.print(f"error: {type(exc).__name__}: {exc}", markup=False, highlight=False)
        stderr.print("(this is a bug or an unexpected state; run again with --debug for the traceback)", style="dim")
        sys.exit(2)


if __name__ == "__main__":
    main()
