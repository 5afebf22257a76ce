"""The built wheel: exactly one top-level package, and ``cpdata demo`` from a virtual environment that holds only
that wheel and its dependencies (no source tree on the path)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib.metadata import version as metadata_version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Left out of the copy the wheel is built from: what a build or a run leaves in a working tree.
_NOT_SOURCE = {".venv", ".git", "build", "dist", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "tests", "bench"}

pytestmark = pytest.mark.slow


def _copy_source(target: Path) -> Path:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in _NOT_SOURCE or n.endswith(".egg-info")}
        if Path(directory) == ROOT / "data":
            skipped |= {n for n in names if n != "demo"}  # the store, caches and exports a user made
        return skipped

    shutil.copytree(ROOT, target, symlinks=True, ignore=ignore)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built offline: no build isolation (the test environment's setuptools), no dependencies fetched."""
    work = tmp_path_factory.mktemp("wheel")
    source = _copy_source(work / "src")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = work.glob("cpdata-*.whl")
    return built


def test_the_wheel_holds_one_top_level_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"cpdata"}
    top_level = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top_level).decode().split() == ["cpdata"]
    assert "cpdata/curation/sandbox/native/runner.c" in names  # the sandbox's runner source
    assert "cpdata/demo_data/codeforces/index.json" in names  # the demo's recorded sites
    assert not [n for n in names if "/demo_data/run/" in n]


def test_demo_runs_from_a_virtual_environment_with_only_the_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    if installed.returncode != 0 and ("No matching distribution" in installed.stderr or "NewConnectionError" in installed.stderr):
        pytest.skip(f"no package index reachable to install the wheel's dependencies: {installed.stderr[-300:]}")
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "elsewhere"  # not the source tree: nothing of ours on the path but the installed wheel
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CPDATA_DB")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=work, env=env, capture_output=True, text=True, timeout=300)

    demo = run(str(env_dir / "bin" / "cpdata"), "demo", "--json")
    assert demo.returncode == 0, demo.stderr
    assert '"ok": true' in demo.stdout and (work / "data" / "demo-run" / "cpdata.sqlite").exists()
    loaded = run(str(python), "-c", "import cpdata; from cpdata import load_dataset; print(cpdata.__file__)")
    assert loaded.returncode == 0 and str(env_dir) in loaded.stdout
    for bare in ("schema", "scraper", "curation"):
        assert run(str(python), "-c", f"import {bare}").returncode != 0, f"{bare} is importable after install"
    version = run(str(env_dir / "bin" / "cpdata"), "--version")
    assert version.stdout.strip() == f"cpdata {metadata_version('cpdata')}"
