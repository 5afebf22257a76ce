"""The command line, run in-process through typer's runner against real stores on disk."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from cpdata.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "demo" / "sample_stream.jsonl"


def _run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_ingest_reports_bad_lines_and_exits_1(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    stream = SAMPLE.read_text() + '{"entity": "problem", "site": "codeforces"}\n'
    code, out, _ = _run("ingest", "-", "--db", db, "--json", input=stream)
    summary = json.loads(out)
    assert code == 1
    assert summary["read"] == {"contest": 3, "problem": 4, "test": 5, "submission": 8}
    assert summary["invalid_lines"] == 1 and summary["errors"][0]["line"] == 21
    assert "contest_id: Field required" in summary["errors"][0]["reason"]


def test_ingest_twice_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    assert _run("ingest", str(SAMPLE), "--db", db)[0] == 0
    code, out, _ = _run("ingest", str(SAMPLE), "--db", db, "--json")
    assert code == 0 and sum(json.loads(out)["changed"].values()) == 0


def test_db_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CPDATA_DB", str(tmp_path / "env.sqlite"))
    assert _run("ingest", str(SAMPLE))[0] == 0
    assert (tmp_path / "env.sqlite").exists()


def test_sql_formats(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    _run("ingest", str(SAMPLE), "--db", db)
    query = 'SELECT contest_id, "index", solutions FROM problem_overview ORDER BY contest_id, "index"'
    code, out, _ = _run("sql", query, "--db", db, "--format", "json")
    assert code == 0 and json.loads(out)[0] == {"contest_id": "1001", "index": "A", "solutions": 1}
    code, out, _ = _run("sql", query, "--db", db, "--format", "csv")
    assert list(csv.reader(io.StringIO(out)))[:2] == [["contest_id", "index", "solutions"], ["1001", "A", "1"]]
    code, _, err = _run("sql", "SELECT nope FROM problem", "--db", db)
    assert code == 2 and "no such column" in err


def test_stats_counts_per_site_and_split(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    _run("ingest", str(SAMPLE), "--db", db)
    code, out, _ = _run("stats", "--db", db, "--json")
    site = json.loads(out)["sites"]["codeforces"]
    assert code == 0
    assert (site["problems_train"], site["problems_valid"], site["problems_test"]) == (2, 1, 1)
    assert (site["tests_public"], site["tests_private"], site["with_code_correct"]) == (4, 1, 4)


def test_export_and_missing_store(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    code, _, err = _run("export", "codecontests", str(tmp_path / "out"), "--db", db)
    assert code == 2 and "no store at" in err
    _run("ingest", str(SAMPLE), "--db", db)
    code, out, _ = _run("export", "codecontests", str(tmp_path / "out"), "--db", db, "--format", "parquet", "--json")
    assert code == 0 and json.loads(out)["splits"]["valid"]["problems"] == 1
    assert (tmp_path / "out" / "valid.parquet").exists()
    code, _, err = _run(
        "export", "codecontests", str(tmp_path / "o2"), "--db", db, "--valid-from", "2022-01-01", "--test-from", "2021-01-01"
    )
    assert code == 2 and "before the valid cutoff" in err


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    code, out, _ = _run("demo", "--workdir", str(tmp_path / "demo"), "--json")
    summary = json.loads(out)
    assert code == 0
    assert summary["ok"] is True
    assert summary["loaded"] == {"train": 4, "valid": 2, "test": 4}
    assert summary["store"]["submissions_with_code"] == 28 and summary["rescrape_atcoder"]["fetched"] == 0


def test_every_command_has_help() -> None:
    for command in (["ingest"], ["export", "codecontests"], ["sql"], ["stats"], ["demo"], ["migrate"]):
        code, out, _ = _run(*command, "--help")
        assert code == 0 and "Usage" in out


def test_demo_refuses_a_directory_it_did_not_make_and_keeps_what_others_put_in_its_own(tmp_path: Path) -> None:
    from cpdata.demo import MARKER, prepare_workdir

    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("years of work")
    code, _, err = _run("demo", "--workdir", str(mine))
    assert code == 2 and "not made by cpdata demo" in " ".join(err.split())
    assert (mine / "chapter1.tex").read_text() == "years of work" and not (mine / MARKER).exists()
    # the demo's own directory: its outputs go, a file someone put beside them stays
    run = tmp_path / "run"
    prepare_workdir(run)
    (run / "cache").mkdir()
    (run / "cpdata.sqlite").write_text("old store")
    (run / "notes.txt").write_text("mine")
    prepare_workdir(run)
    assert sorted(p.name for p in run.iterdir()) == [MARKER, "notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    prepare_workdir(empty)  # an empty directory is taken
    assert (empty / MARKER).is_file()


def test_a_line_that_is_not_utf8_is_one_reported_line_from_a_file_or_a_pipe(tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    bad = [*lines[:3], b'{"entity": "contest", "site": "codeforces", "contest_id": "9\xff9"}\n', *lines[3:]]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join(bad))
    from_file = _run("ingest", str(path), "--db", str(tmp_path / "a.sqlite"), "--json")
    from_pipe = _run("ingest", "-", "--db", str(tmp_path / "b.sqlite"), "--json", input=b"".join(bad))
    for code, out, _ in (from_file, from_pipe):
        summary = json.loads(out)
        assert code == 1 and summary["invalid_lines"] == 1 and summary["errors"][0]["line"] == 4
        assert "not UTF-8" in summary["errors"][0]["reason"]
        assert summary["read"] == {"contest": 3, "problem": 4, "test": 5, "submission": 8}  # every good line stored
    assert json.loads(from_file[1]) == json.loads(from_pipe[1])


def test_a_path_that_cannot_be_used_is_one_line_with_exit_2_from_the_console_script(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = str(tmp_path / "s.sqlite")
    assert _run("ingest", str(SAMPLE), "--db", db)[0] == 0
    for command in (
        ["export", "codecontests", "/proc/cpdata-nope/out"],
        ["report", "/proc/cpdata-nope/report"],
        ["curate", "run", "--keep-rejects", "/proc/cpdata-nope/rejects.jsonl"],
        ["curate", "contamination", "--against", str(tmp_path / "absent.parquet")],
    ):
        done = subprocess.run([sys.executable, "-m", "cpdata", *command, "--db", db], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr and "bug" not in done.stderr and "error:" in done.stderr, (command, done.stderr)
