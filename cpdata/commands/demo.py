"""``cpdata demo``: the whole pipeline offline, on the recorded sites that ship with cpdata."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cpdata.commands.options import Commands, JsonOption, fail
from cpdata.output import print_json

__all__ = ["COMMANDS"]

COMMANDS = Commands()
# cpdata.demo.DEFAULT_WORKDIR (a test keeps them equal), named here so that --help does not import the pipeline.
DEFAULT_WORKDIR = Path("data") / "demo-run"


@COMMANDS.command(example=["cpdata demo", "cpdata demo --workdir /tmp/cpdata-demo --json"])
def demo(
    workdir: Annotated[Path, typer.Option(metavar="DIR", help="Where the demo writes its store, cache and exports.")] = (
        DEFAULT_WORKDIR
    ),
    json_output: JsonOption = False,
) -> None:
    """Run the whole pipeline offline: serve recorded sites on loopback, scrape them, export, and load back."""
    from cpdata.demo import DemoDirectoryInUse, run_demo

    try:
        summary = run_demo(workdir, quiet=json_output)
    except DemoDirectoryInUse as exc:
        raise fail(str(exc)) from exc
    if json_output:
        print_json(summary)
