"""kill -9 (and Ctrl-C) at random moments of ingest, export, import, curate run, verify and gen-tests, 10 trials
each, like the crawl's resume test: after each kill the store passes SQLite's integrity check, the previous export
(and rejects file) is still whole, a rerun completes, and the store and the export equal those of one uninterrupted
run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cpdata import load_dataset
from cpdata.curation.formats.writers import sha256_file
from cpdata.schema import Store
from tests.conftest import ROOT
from tests.scraper.helpers import dump

TRIALS = 10
SPLITS = ("train", "valid", "test")


def _stream(path: Path, problems: int = 400, submissions_each: int = 40) -> None:
    """A stream big enough that ingesting it takes a while: contests, problems, tests and many submissions."""
    with path.open("w") as out:
        for c in range(problems // 4):
            start = f"202{c % 4}-0{1 + c % 9}-15T10:00:00Z"
            out.write(json.dumps({"entity": "contest", "site": "codeforces", "contest_id": str(1000 + c), "start_time": start}))
            out.write("\n")
            for index in "ABCD":
                key = {"site": "codeforces", "contest_id": str(1000 + c), "index": index}
                statement = f"Problem {c}{index}: print the sum of the {c} numbers " + " ".join(f"w{c}x{n}" for n in range(30))
                out.write(json.dumps({"entity": "problem", **key, "name": f"P{c}{index}", "statement": statement}) + "\n")
                out.write(
                    json.dumps({"entity": "test", **key, "kind": "public", "ordinal": 0, "input": "1 2\n", "output": "3\n"})
                )
                out.write("\n")
                for s in range(submissions_each):
                    sid = f"{c}{index}{s}"
                    code = f"print({s} + {c})  # {sid}\n"
                    verdict = "OK" if s % 3 else "WRONG_ANSWER"
                    row = {"entity": "submission", **key, "submission_id": sid, "language_raw": "Python 3",
                           "verdict_raw": verdict, "source_code": code}  # fmt: skip
                    out.write(json.dumps(row) + "\n")


def _cpdata(*args: str) -> list[str]:
    return [sys.executable, "-m", "cpdata", *args]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cpdata(*args), capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)


def _timed(*args: str) -> float:
    started = time.monotonic()
    done = _run(*args)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def _kill_at_random(args: list[str], span: float, rng: random.Random, trial: int) -> int:
    process = subprocess.Popen(_cpdata(*args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, span))
    how = signal.SIGINT if trial % 4 == 3 else signal.SIGKILL  # Ctrl-C now and then, kill -9 mostly
    if process.poll() is None:
        os.kill(process.pid, how)
    return process.wait(timeout=60)


def _kill_when(args: list[str], ready: Callable[[], bool], rng: random.Random, trial: int) -> int:
    """Kill as soon as ``ready()`` says the run is in the middle of the part under test (a window too short for a
    kill at a random moment to hit often), after a random few milliseconds."""
    process = subprocess.Popen(_cpdata(*args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and not ready():
        time.sleep(0.002)
    time.sleep(rng.uniform(0, 0.03))
    how = signal.SIGINT if trial % 4 == 3 else signal.SIGKILL
    if process.poll() is None:
        os.kill(process.pid, how)
    return process.wait(timeout=60)


def _integrity(path: Path) -> None:
    with Store(path, create=False) as store:
        assert store.run_sql("PRAGMA integrity_check")[1] == [("ok",)]


def _split_files(directory: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(directory.iterdir()) if p.suffix in (".jsonl", ".parquet")}


@pytest.mark.slow
def test_killed_ingests_resume_to_the_same_store(tmp_path: Path) -> None:
    stream = tmp_path / "stream.jsonl"
    _stream(stream)
    span = _timed("ingest", str(stream), "--db", str(tmp_path / "reference.sqlite"), "--workers", "1")
    with Store(tmp_path / "reference.sqlite") as store:
        reference = dump(store)
    assert len(reference["submission"]) == 16_000
    rng = random.Random(14)
    interrupted = 0
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}.sqlite"
        interrupted += _kill_at_random(["ingest", str(stream), "--db", str(db), "--workers", "1"], span, rng, trial) != 0
        if db.exists():
            _integrity(db)
        assert _run("ingest", str(stream), "--db", str(db)).returncode == 0
        with Store(db) as store:
            assert dump(store) == reference, f"trial {trial}"
    assert interrupted >= TRIALS // 2  # the kills really landed mid-ingest


def _ingested(tmp_path: Path, name: str) -> str:
    """A store of 200 problems with 20 submissions each, for the export and import trials."""
    stream = tmp_path / "stream.jsonl"
    _stream(stream, problems=200, submissions_each=20)
    db = str(tmp_path / name)
    assert _run("ingest", str(stream), "--db", db).returncode == 0
    return db


@pytest.mark.slow
def test_killed_exports_leave_the_previous_export_whole_and_rerun_to_the_same_files(tmp_path: Path) -> None:
    db = _ingested(tmp_path, "store.sqlite")
    reference = tmp_path / "reference"
    span = _timed("export", "codecontests", str(reference), "--db", db, "--format", "parquet", "--no-dedup")
    expected = _split_files(reference)
    rng = random.Random(15)
    for trial in range(TRIALS):
        out = tmp_path / f"out{trial}"
        assert _run("export", "codecontests", str(out), "--db", db, "--format", "jsonl", "--no-dedup").returncode == 0
        previous = _split_files(out)
        args = ["export", "codecontests", str(out), "--db", db, "--format", "parquet", "--no-dedup"]
        _kill_at_random(args, span, rng, trial)
        _integrity(Path(db))
        now = _split_files(out) if out.exists() else {}
        assert now in (previous, expected) or not out.exists(), f"trial {trial}: a mix of two exports"
        if out.exists():  # whichever it is, it loads, and it is whole
            assert sum(len(load_dataset(out, split=s)) for s in SPLITS) == 200
        assert _run(*args).returncode == 0
        assert _split_files(out) == expected, f"trial {trial}"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cpdata-")]


@pytest.mark.slow
def test_killed_imports_resume_to_the_same_store(tmp_path: Path) -> None:
    db = _ingested(tmp_path, "source.sqlite")
    export = tmp_path / "export"
    assert _run("export", "codecontests", str(export), "--db", db, "--no-dedup").returncode == 0
    span = _timed("import", "codecontests", str(export), "--db", str(tmp_path / "reference.sqlite"))
    with Store(tmp_path / "reference.sqlite") as store:
        reference = dump(store)
    rng = random.Random(16)
    for trial in range(TRIALS):
        target = tmp_path / f"trial{trial}.sqlite"
        _kill_at_random(["import", "codecontests", str(export), "--db", str(target)], span, rng, trial)
        if target.exists():
            _integrity(target)
        assert _run("import", "codecontests", str(export), "--db", str(target)).returncode == 0
        with Store(target) as store:
            assert dump(store) == reference, f"trial {trial}"


def _clusters(db: str) -> list[tuple[object, ...]]:
    with Store(db, create=False) as store:
        return store.run_sql('SELECT * FROM problem_cluster ORDER BY site, contest_id, "index"')[1]


@pytest.mark.slow
def test_killed_curation_runs_leave_the_store_and_the_rejects_file_whole(tmp_path: Path) -> None:
    db = _ingested(tmp_path, "store.sqlite")
    rejects = tmp_path / "rejects.jsonl"
    args = ["curate", "run", "--db", db, "--languages", "cpp", "--keep-rejects", str(rejects), "--json"]
    started = time.monotonic()
    done = _run(*args)
    span = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    expected_summary, expected_rejects, expected_clusters = json.loads(done.stdout), rejects.read_bytes(), _clusters(db)
    assert expected_rejects.count(b"\n") == 4000 and expected_clusters  # every Python solution dropped
    rng = random.Random(18)
    previous = b"the previous run's rejects\n"

    def writing_rejects() -> bool:
        return rejects.read_bytes() != previous or any(".partial-" in p.name for p in tmp_path.iterdir())

    for trial in range(TRIALS):
        rejects.write_bytes(previous)
        if trial % 2:
            _kill_at_random(args, span, rng, trial)
        else:  # while the rejects are being written
            _kill_when(args, writing_rejects, rng, trial)
        _integrity(Path(db))
        assert rejects.read_bytes() in (previous, expected_rejects), f"trial {trial}: a cut file"
        done = _run(*args)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected_summary, f"trial {trial}"
        assert rejects.read_bytes() == expected_rejects and _clusters(db) == expected_clusters, f"trial {trial}"
        assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


@pytest.mark.slow
def test_two_ingests_into_one_store_at_once_lose_and_double_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _stream(first, problems=120, submissions_each=30)
    text = first.read_text().replace('"contest_id": "1', '"contest_id": "9').replace('"submission_id": "', '"submission_id": "b')
    second.write_text(text)  # the same shape, other contests (9000.. instead of 1000..) and submissions
    db = str(tmp_path / "store.sqlite")
    assert _run("migrate", "--db", db).returncode == 0
    processes = [
        subprocess.Popen(
            _cpdata("ingest", str(path), "--db", db, "--json"), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for path in (first, second)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
    with Store(db) as store:
        assert store.count("submission") == 2 * 120 * 30 and store.count("problem") == 2 * 120
        assert store.run_sql("SELECT COUNT(DISTINCT submission_id) FROM submission")[1] == [(2 * 120 * 30,)]


def _sum_problem(path: Path) -> None:
    """One problem ("print a + b") with 30 tests, 10 correct and 5 incorrect Python solutions: a verify run that
    lasts long enough to be killed half-way."""
    key = {"site": "codeforces", "contest_id": "4000", "index": "A"}
    lines = [
        {"entity": "contest", "site": "codeforces", "contest_id": "4000", "start_time": "2021-03-01T10:00:00Z"},
        {"entity": "problem", **key, "name": "Sum", "statement": "Print $a+b$.\n\n## Input\n\nTwo integers $a$ and $b$ "
         "($-1000 \\le a, b \\le 1000$).", "time_limit_ms": 2000},
    ]  # fmt: skip
    rng = random.Random(3)
    for n in range(30):
        a, b = rng.randint(-1000, 1000), rng.randint(-1000, 1000)
        lines.append({"entity": "test", **key, "kind": "public", "ordinal": n, "input": f"{a} {b}\n", "output": f"{a + b}\n"})
    for n in range(10):
        code = f"# variant {n}\na, b = map(int, input().split())\nprint(a + b)\n"
        lines.append({"entity": "submission", **key, "submission_id": f"ok{n}", "language_raw": "Python 3", "verdict_raw": "OK",
                      "source_code": code})  # fmt: skip
    for n, wrong in enumerate(["a - b", "abs(a + b)", "a * b", "max(a, b)", "a + b + (a == b)"]):
        code = f"a, b = map(int, input().split())\nprint({wrong})\n"
        lines.append({"entity": "submission", **key, "submission_id": f"wa{n}", "language_raw": "Python 3",
                      "verdict_raw": "WRONG_ANSWER", "source_code": code})  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def _results(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """What verify and gen-tests leave, without the timings (which differ from run to run)."""
    with Store(db) as store:
        return {
            "verification": store.run_sql(
                "SELECT submission_id, outcome, agrees, tests_run, tests_passed FROM verification ORDER BY 1"
            )[1],
            "execution_result": store.run_sql(
                "SELECT solution_hash, test_hash, limits, status, output_sha256 FROM execution_result ORDER BY 1, 2, 3"
            )[1],
            "test": store.run_sql("SELECT kind, ordinal, input, output FROM test ORDER BY kind, ordinal")[1],
        }


@pytest.mark.slow
def test_killed_verify_and_gen_tests_resume_to_the_same_results(tmp_path: Path) -> None:
    from cpdata.curation.sandbox.sandbox import language_supported
    from cpdata.schema import Language

    if not language_supported(Language.python3):
        pytest.skip("no python3 for the sandbox")
    stream = tmp_path / "sum.jsonl"
    _sum_problem(stream)
    steps = (
        ["verify", "--workers", "2"],
        ["gen-tests", "--min-agree", "3", "--max-tests", "12", "--budget", "60", "--seed", "1", "--workers", "2"],
        ["verify", "--workers", "2"],
    )
    reference = tmp_path / "reference.sqlite"
    assert _run("ingest", str(stream), "--db", str(reference)).returncode == 0
    spans = [_timed(*step, "--db", str(reference)) for step in steps]
    expected = _results(reference)
    assert len(expected["verification"]) == 15 and any(kind == "generated" for kind, *_ in expected["test"])
    rng = random.Random(17)
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}.sqlite"
        assert _run("ingest", str(stream), "--db", str(db)).returncode == 0
        victim = trial % len(steps)  # kill verify, gen-tests, or the second verify
        for number, step in enumerate(steps):
            if number == victim:
                _kill_at_random([*step, "--db", str(db)], spans[number], rng, trial)
                _integrity(db)
            assert _run(*step, "--db", str(db)).returncode == 0, f"trial {trial}, step {step[0]}"
        assert _results(db) == expected, f"trial {trial} (killed during step {victim})"


@pytest.mark.slow
def test_a_scrape_and_an_ingest_into_one_store_at_once_lose_and_double_nothing(tmp_path: Path) -> None:
    from tests.scraper.helpers import replay

    stream = tmp_path / "stream.jsonl"
    _stream(stream, problems=80, submissions_each=30)  # contests 1000.., as the demo's Codeforces also has 1001..1003
    text = stream.read_text().replace('"contest_id": "1', '"contest_id": "7').replace('"submission_id": "', '"submission_id": "i')
    stream.write_text(text)  # contests 7000..: no key shared with the scrape
    db = str(tmp_path / "store.sqlite")
    assert _run("migrate", "--db", db).returncode == 0
    with replay() as server:
        scrape = ["scrape", "codeforces", "--since", "2021-01-01", "--solutions", "2", "--base-url", server.base_url,
                  "--cache", str(tmp_path / "cache"), "--api-interval", "0.01", "--html-interval", "0.01", "--json"]  # fmt: skip
        alone = tmp_path / "alone.sqlite"
        assert _run(*scrape, "--db", str(alone)).returncode == 0
        pipe = subprocess.PIPE
        processes = [
            subprocess.Popen(_cpdata(*scrape, "--db", db), cwd=ROOT, stdout=pipe, stderr=pipe),
            subprocess.Popen(_cpdata("ingest", str(stream), "--db", db, "--json"), cwd=ROOT, stdout=pipe, stderr=pipe),
        ]
        outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
    with Store(alone) as store:
        scraped = {table: store.count(table) for table in ("contest", "problem", "test", "submission")}
    with Store(db) as store:
        assert store.count("submission") == scraped["submission"] + 80 * 30
        assert store.count("problem") == scraped["problem"] + 80 and store.count("test") == scraped["test"] + 80


@pytest.mark.slow
def test_ctrl_c_during_a_parallel_ingest_says_how_far_it_got_without_tracebacks(tmp_path: Path) -> None:
    stream = tmp_path / "stream.jsonl"
    _stream(stream)
    db = tmp_path / "store.sqlite"
    process = subprocess.Popen(
        _cpdata("ingest", str(stream), "--db", str(db), "--workers", "2", "--batch-size", "500"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (db.exists() and _stored(db) > 0):  # the workers are at it
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    text = err.decode()
    if process.returncode == 0:
        pytest.skip("the ingest finished before Ctrl-C reached it")
    assert process.returncode == 130 and "interrupted" in text and "Traceback" not in text, text[-2000:]
    _integrity(db)
    assert _run("ingest", str(stream), "--db", str(db)).returncode == 0  # and the rest comes in on the next run


def _stored(db: Path) -> int:
    try:
        with Store(db, create=False) as store:
            return store.count("submission")
    except Exception:  # not created yet, or locked for a moment
        return 0
