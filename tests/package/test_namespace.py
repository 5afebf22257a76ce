"""One import name (cpdata), one version string, and a command line that does not import what it does not use."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import get_args

from typer.testing import CliRunner

from cpdata import __version__
from cpdata.cli import app

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("cpdata", "schema", "scraper", "curation", "tests", "bench")
HEAVY = ("matplotlib", "numpy", "scipy", "pyarrow")
runner = CliRunner()


def _loaded_after(code: str) -> set[str]:
    """Top-level modules loaded by a fresh interpreter after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd="/")
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = _loaded_after("import cpdata.cli")
    assert not loaded & set(HEAVY), f"cpdata.cli imports {sorted(loaded & set(HEAVY))} at start-up"
    assert "sqlalchemy" not in loaded  # the store is opened by commands, not by the command line itself


def test_parsing_a_page_needs_no_database_or_dataframe_library() -> None:
    page = ROOT / "data" / "demo" / "codeforces" / "html" / "contest_1001_problems.html"
    loaded = _loaded_after(
        "from pathlib import Path\n"
        "from cpdata.scraper.base import Page\n"
        "from cpdata.scraper.registry import route_url\n"
        "url = 'https://codeforces.com/contest/1001/problems'\n"
        "site, _, _ = route_url(url)\n"
        f"assert site.parse(Page(url=url, status=200, body=Path({str(page)!r}).read_bytes())).entities"
    )
    assert not loaded & {*HEAVY, "sqlalchemy", "sqlmodel"}


def test_the_loader_and_records_come_from_cpdata() -> None:
    import cpdata
    from cpdata.curation.formats import codecontests, loader

    assert cpdata.load_dataset is loader.load_dataset
    assert cpdata.CodeContestsRecord is codecontests.CodeContestsRecord
    assert {"load_dataset", "CodeContestsRecord", "DatasetNotFound"} <= set(dir(cpdata))


def test_no_module_imports_a_bare_top_level_package() -> None:
    offenders = []
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            # virtual environments (.venv, and the dedup benchmark's bench/.datatrove-venv) hold other people's code
            if any(part.endswith("venv") for part in path.parts) or (folder == "cpdata" and path.parent.is_symlink()):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else []
                )
                offenders += [
                    f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("schema", "scraper", "curation")
                ]
    assert offenders == []


def test_one_version_string_from_the_metadata() -> None:
    from cpdata.scraper.fetch import user_agent

    assert __version__ == version("cpdata")
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"cpdata {__version__}"
    assert f"cpdata/{__version__} " in user_agent()


def test_constants_the_command_line_names_match_their_owners() -> None:
    from cpdata import demo
    from cpdata.commands import datasets, scrape
    from cpdata.commands import demo as demo_command
    from cpdata.curation.formats.writers import ExportFormat
    from cpdata.scraper.cache import DEFAULT_CACHE_DIR

    assert scrape.DEFAULT_CACHE == DEFAULT_CACHE_DIR
    assert demo_command.DEFAULT_WORKDIR == demo.DEFAULT_WORKDIR
    assert get_args(datasets.FormatChoice) == get_args(ExportFormat)


def test_store_and_migrations_do_not_import_each_other() -> None:
    tree = ast.parse((ROOT / "schema" / "migrations.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "cpdata.schema.store" not in imported


# What each part of curation may import (its __init__ says so): the arrows run down, testgen -> judging -> sandbox.
ALLOWED_IMPORTS = {
    "sandbox": {"schema", "curation.sandbox"},
    "judging": {"schema", "curation.sandbox", "curation.judging"},
    "testgen": {"schema", "curation.sandbox", "curation.judging", "curation.testgen"},
}


def test_curation_imports_run_down_from_testgen_to_judging_to_the_sandbox() -> None:
    offenders = []
    for package, allowed in ALLOWED_IMPORTS.items():
        for path in (ROOT / "curation" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("cpdata."):
                    continue
                parts = (node.module or "").split(".")[1:]
                owner = ".".join(parts[:2]) if parts[0] == "curation" else parts[0]
                if owner not in allowed:
                    offenders.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert offenders == []
