"""``--help`` that helps: every default shown, flags without a type placeholder, dates as dates, examples."""

from __future__ import annotations

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from cpdata.cli import app
from cpdata.schema.views import VIEW_ABOUT, VIEWS

runner = CliRunner()


def _commands() -> list[list[str]]:
    root = get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    found = []
    for name, command in root.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            found += [[name, sub] for sub in command.commands]
        else:
            found.append([name])
    return found


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_app_has_every_command_group() -> None:
    names = {" ".join(c) for c in _commands()}
    assert {"scrape", "parse", "reparse", "ingest", "sql", "stats", "migrate", "verify", "gen-tests", "report", "demo"} <= names
    assert {"export codecontests", "import codecontests", "curate dedup", "curate contamination", "curate run"} <= names


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_shows_defaults_and_examples(command: list[str]) -> None:
    text = _help(*command)
    assert "Examples:" in text and f"cpdata {' '.join(command)}" in text.split("Examples:")[1]
    assert "<bool>" not in text  # flags read as --flag or --flag/--no-flag
    assert "%Y" not in text and "00:00:00" not in text  # dates are plain dates
    if "--db" in text:
        assert "default: (data/cpdata.sqlite)" in text and "CPDATA_DB" in text


def test_date_options_read_and_show_iso_dates() -> None:
    text = _help("export", "codecontests")
    assert "--valid-from DATE" in text and "[default: 2021-07-15]" in text
    assert "--dedup / --no-dedup" in text and "[default: dedup]" in text
    result = runner.invoke(app, ["stats", "--valid-from", "15/07/2021"])
    assert result.exit_code == 2 and "use YYYY-MM-DD" in result.output


def test_sql_help_lists_every_documented_view() -> None:
    assert set(VIEW_ABOUT) == set(VIEWS)
    text = _help("sql")
    for name in VIEWS:
        assert f"{name}:" in text
