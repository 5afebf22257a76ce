"""The README's tour runs as written after ``make demo``: every command in its shell blocks, in order, offline.

Blocks introduced as "not in the offline tour" are skipped (they fetch from the sites, or need files a fresh
machine does not have); everything else must exit 0.
The commands run in a scratch copy of the working layout (``data/demo`` linked in), with the venv's ``cpdata`` on
the PATH, exactly as a reader types them after the two set-up lines of the tour.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

pytestmark = pytest.mark.slow


def tour_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A short tour") : text.index("## Layout")]
    commands = []
    for match in re.finditer(r"(?P<before>[^\n]*)\n\n```bash\n(?P<body>.*?)```", tour, flags=re.S):
        if "not in the offline tour" in match.group("before"):
            continue
        for line in match.group("body").splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def test_the_tour_has_commands_to_run() -> None:
    commands = tour_commands()
    assert len(commands) >= 15 and commands[0] == ". .venv/bin/activate"
    assert not [c for c in commands if "--cookie" in c or "--api-key" in c]  # the network ones are left out


def test_every_tour_command_runs_after_the_demo(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "demo").symlink_to(ROOT / "data" / "demo")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "120"}
    env.pop("CPDATA_DB", None)
    demo = subprocess.run(["cpdata", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    for command in tour_commands():
        if command == ". .venv/bin/activate":
            continue  # the venv's bin is on the PATH already
        if command.startswith("export "):
            name, _, value = command.removeprefix("export ").partition("=")
            env[name] = shlex.split(value)[0]
            continue
        if command.startswith("from ") or command.startswith("train ="):
            continue
        result = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"


def test_the_loader_example_runs(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    example = re.search(r"### The loader\n\n```python\n(.*?)```", text, flags=re.S)
    assert example is not None
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "demo").symlink_to(ROOT / "data" / "demo")
    env = {k: v for k, v in os.environ.items() if k != "CPDATA_DB"}
    subprocess.run([sys.executable, "-m", "cpdata", "demo"], cwd=tmp_path, env=env, check=True, capture_output=True)
    export = [sys.executable, "-m", "cpdata", "export", "codecontests", "data/export", "--db", "data/demo-run/cpdata.sqlite"]
    subprocess.run(export, cwd=tmp_path, env=env, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-c", example.group(1)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the example prints the test split's problems"
