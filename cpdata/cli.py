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

from cpdata.commands import curate, datasets, demo, execution, scrape, store
from cpdata.output import stderr
from cpdata.version import __version__

__all__ = ["app", "main"]

app = typer.Typer(
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
ENV_DEBUG = "CPDATA_DEBUG"
_debug = {"on": bool(os.environ.get(ENV_DEBUG))}


def _print_version(value: bool) -> None:
    if value:
        print(f"cpdata {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print cpdata's version and exit.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", envvar=ENV_DEBUG, help="Show the full traceback when something unexpected fails.")
    ] = False,
) -> None:
    _debug["on"] = debug


for module in (scrape, store, execution, curate, demo):
    module.COMMANDS.register(app)
app.add_typer(datasets.export_app, name="export")
app.add_typer(datasets.import_app, name="import")
app.add_typer(curate.curate_app, name="curate")


def main() -> None:
    """The console script: run the app; an unexpected error is one line on stderr unless --debug asks for more."""
    try:
        app()
    except KeyboardInterrupt:
        stderr.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if _debug["on"]:
            raise
        stderr.print(f"error: {type(exc).__name__}: {exc}", markup=False, highlight=False)
        stderr.print("(this is a bug or an unexpected state; run again with --debug for the traceback)", style="dim")
        sys.exit(2)


if __name__ == "__main__":
    main()
