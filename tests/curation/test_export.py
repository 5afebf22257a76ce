from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cpdata import load_dataset
from cpdata.curation.formats.codecontests import CODECONTESTS_FIELDS, CodeContestsRecord, build_record, codecontests_difficulty
from cpdata.curation.formats.export import export_codecontests
from cpdata.curation.formats.writers import sha256_file
from cpdata.curation.steps.pipeline import CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs, assign_split
from cpdata.schema import Store
from tests import factories as f

# CodeContests' own cutoffs: valid from 2021-07-15, test from 2021-09-21 (UTC, inclusive).
JUST_BEFORE_VALID = datetime(2021, 7, 14, 23, 59, 59, tzinfo=UTC)
ON_VALID = datetime(2021, 7, 15, 0, 0, tzinfo=UTC)
JUST_BEFORE_TEST = datetime(2021, 9, 20, 23, 59, 59, tzinfo=UTC)
ON_TEST = datetime(2021, 9, 21, 0, 0, tzinfo=UTC)


def test_split_boundaries_are_inclusive_at_the_cutoffs() -> None:
    assert assign_split(JUST_BEFORE_VALID).value == "train"
    assert assign_split(ON_VALID).value == "valid"
    assert assign_split(JUST_BEFORE_TEST).value == "valid"
    assert assign_split(ON_TEST).value == "test"
    assert assign_split(None).value == "train"  # unknown dates are never "recent"
    assert assign_split(datetime(2021, 7, 15, 0, 0)).value == "valid"  # naive means UTC
    with pytest.raises(ValueError, match="before the valid cutoff"):
        SplitCutoffs(valid_from=date(2022, 1, 1), test_from=date(2021, 1, 1))


def _populate(store: Store) -> None:
    store.ingest(
        [
            f.contest("1000", start=JUST_BEFORE_VALID),
            f.contest("1001", start=ON_VALID),
            f.contest("1002", start=JUST_BEFORE_TEST),
            f.contest("1003", start=ON_TEST),
            f.contest("9999", start=None),
            f.contest("abc200", site="atcoder", start=datetime(2021, 5, 15, 12, tzinfo=UTC)),
            f.problem("1000", "A", name="Sum", input_file="input.txt", output_file="output.txt", time_limit_ms=1500),
            f.problem("1001", "L", rating=3500, points=None),
            f.problem("1002", "B"),
            f.problem("1003", "C"),
            f.problem("9999", "A"),
            f.problem(
                "abc200",
                "D",
                site="atcoder",
                problem_id="abc200_d",
                rating=None,
                difficulty=1234.5,
                untranslated_statement="日本語",
                statement_language="en",
            ),
            f.test_case("1000", "A", 0, input="1 2\n", output="3\n"),
            f.test_case("1000", "A", 1, input="5 5\n", output="10\n"),
            f.test_case("1000", "A", 0, kind="private", input="7 8\n", output="15\n", origin="official"),
            f.test_case("1000", "A", 1, kind="private", input="-1 1\n", output=None, origin="hack"),
            f.test_case("1000", "A", 0, kind="generated", input="2 2\n", output="4\n", origin="generated"),
            f.submission("1", "1000", "A", language_raw="GNU G++17", verdict_raw="OK", source_code="cpp ok"),
            f.submission("2", "1000", "A", language_raw="Python 3", verdict_raw="OK", source_code="py3 ok"),
            f.submission("3", "1000", "A", language_raw="Python 2", verdict_raw="WRONG_ANSWER", source_code="py2 wa"),
            f.submission("4", "1000", "A", language_raw="Java 8", verdict_raw="TIME_LIMIT_EXCEEDED", source_code="java tle"),
            f.submission("5", "1000", "A", language_raw="Rust", verdict_raw="OK", source_code="rust ok"),
            f.submission("6", "1000", "A", language_raw="GNU G++17", verdict_raw="OK", source_code=None),
            f.submission("7", "1000", "A", language_raw="GNU G++17", verdict_raw="TESTING", source_code="pending"),
            f.submission(
                "8", "abc200", "D", site="atcoder", language_raw="C++ 20 (gcc 12.2)", verdict_raw="AC", source_code="at ok"
            ),
        ]
    )


def _record(records: list[CodeContestsRecord], contest_id: str, index: str) -> CodeContestsRecord:
    return next(r for r in records if (r.contest_id, r.index) == (contest_id, index))


def test_records_carry_every_codecontests_field_and_enum(store: Store, tmp_path: Path) -> None:
    _populate(store)
    export_codecontests(store, tmp_path / "out", curation=CurationOptions(languages=None))  # every language, to see the enum
    train = load_dataset(tmp_path / "out", split="train")
    raw = json.loads((tmp_path / "out" / "train.jsonl").read_text().splitlines()[0])
    assert list(raw)[:20] == CODECONTESTS_FIELDS

    sum_problem = _record(train, "1000", "A")
    assert sum_problem.name == "1000_A. Sum"
    assert sum_problem.description == "Problem 1000A: print $a+b$ for each of the pairs."
    assert sum_problem.public_tests.model_dump() == {"input": ["1 2\n", "5 5\n"], "output": ["3\n", "10\n"]}
    # the hack input has no known output, so it is left out of private_tests
    assert sum_problem.private_tests.model_dump() == {"input": ["7 8\n"], "output": ["15\n"]}
    assert sum_problem.generated_tests.model_dump() == {"input": ["2 2\n"], "output": ["4\n"]}
    assert sum_problem.source == 2  # CODEFORCES
    assert sum_problem.difficulty == 7  # A
    # CPP=2, PYTHON3=3; Rust has no enum value: UNKNOWN_LANGUAGE=0. Code-less and pending submissions are absent.
    assert sum_problem.solutions.model_dump() == {"language": [2, 3, 0], "solution": ["cpp ok", "py3 ok", "rust ok"]}
    # PYTHON (2)=1, JAVA=4
    assert sum_problem.incorrect_solutions.model_dump() == {"language": [1, 4], "solution": ["py2 wa", "java tle"]}
    assert (sum_problem.cf_contest_id, sum_problem.cf_index, sum_problem.cf_points, sum_problem.cf_rating) == (
        1000,
        "A",
        500.0,
        800,
    )
    assert sum_problem.cf_tags == ["math"]
    assert sum_problem.is_description_translated is False and sum_problem.untranslated_description == ""
    assert sum_problem.time_limit is not None and sum_problem.time_limit.model_dump() == {"seconds": 1, "nanos": 500_000_000}
    assert sum_problem.memory_limit_bytes == 256 * 1024 * 1024
    assert (sum_problem.input_file, sum_problem.output_file) == ("input.txt", "output.txt")
    assert (sum_problem.site, sum_problem.problem_id, sum_problem.published_at) == ("codeforces", "1000A", JUST_BEFORE_VALID)

    atcoder = _record(train, "abc200", "D")
    assert (atcoder.source, atcoder.difficulty, atcoder.name) == (6, 10, "Problem D")  # ATCODER, D
    assert (atcoder.cf_contest_id, atcoder.cf_index, atcoder.cf_rating, atcoder.cf_tags) == (0, "", 0, [])
    assert atcoder.is_description_translated is True and atcoder.untranslated_description == "日本語"
    assert atcoder.site_difficulty == 1234.5

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["splits"]["train"]["tests_without_output_left_out"] == 1
    assert manifest["cutoffs"] == {"valid_from": "2021-07-15", "test_from": "2021-09-21"}


def test_difficulty_letters_skip_18() -> None:
    assert [codecontests_difficulty(f.problem(index=i)) for i in ("A", "K", "L", "V", "F2")] == [7, 17, 19, 29, 12]
    assert codecontests_difficulty(f.problem(site="aoj", index="A")) == 0
    assert codecontests_difficulty(f.problem(site="codechef", index="X", category="medium")) == 2


def test_splits_follow_contest_dates(store: Store, tmp_path: Path) -> None:
    _populate(store)
    result = export_codecontests(store, tmp_path / "out")
    keys = {
        split: sorted((r.contest_id, r.index) for r in load_dataset(tmp_path / "out", split=split))
        for split in ("train", "valid", "test")
    }
    assert keys == {
        "train": [("1000", "A"), ("9999", "A"), ("abc200", "D")],
        "valid": [("1001", "L"), ("1002", "B")],
        "test": [("1003", "C")],
    }
    assert {s: c["problems"] for s, c in result.counts.items()} == {"train": 3, "valid": 2, "test": 1}


def test_custom_cutoffs_move_problems(sqlite_store: Store, tmp_path: Path) -> None:
    _populate(sqlite_store)
    cutoffs = SplitCutoffs(valid_from=date(2021, 1, 1), test_from=date(2021, 7, 15))
    result = export_codecontests(sqlite_store, tmp_path / "out", cutoffs=cutoffs)
    assert {s: c["problems"] for s, c in result.counts.items()} == {"train": 1, "valid": 2, "test": 3}


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_then_load_equals_the_store(sqlite_store: Store, tmp_path: Path, fmt: str) -> None:
    _populate(sqlite_store)
    export_codecontests(sqlite_store, tmp_path / "out", fmt=fmt)  # type: ignore[arg-type]
    for split in ("train", "valid", "test"):
        from_export = load_dataset(tmp_path / "out", split=split)
        from_store = load_dataset(sqlite_store.url, split=split)
        assert from_export == from_store
        assert [r.model_dump() for r in load_dataset(tmp_path / "out", split=split, streaming=True)] == [
            r.model_dump() for r in from_store
        ]
    # and the records are what the store holds, built directly
    (problem, contest), *_ = next(sqlite_store.iter_problem_batches())
    direct = build_record(
        problem,
        contest,
        sqlite_store.tests_for([problem.key])[problem.key],
        sqlite_store.submissions_for([problem.key])[problem.key],
    )
    assert load_dataset(tmp_path / "out", split="train")[0] == direct


def test_parquet_is_readable_by_pyarrow_and_duckdb(sqlite_store: Store, tmp_path: Path) -> None:
    _populate(sqlite_store)
    export_codecontests(sqlite_store, tmp_path / "out", fmt="parquet")
    table = pq.read_table(tmp_path / "out" / "train.parquet")
    assert table.num_rows == 3
    assert table.column_names[:20] == CODECONTESTS_FIELDS
    row = next(r for r in table.to_pylist() if r["cf_contest_id"] == 1000)
    assert row["public_tests"] == {"input": ["1 2\n", "5 5\n"], "output": ["3\n", "10\n"]}
    assert row["time_limit"] == {"seconds": 1, "nanos": 500_000_000}
    connection = duckdb.connect()
    count, sources = connection.execute(
        f"SELECT count(*), list(DISTINCT source ORDER BY source) FROM read_parquet('{tmp_path / 'out' / 'train.parquet'}')"
    ).fetchall()[0]
    assert (count, sources) == (3, [2, 6])


def test_manifest_checksums_match_the_files(sqlite_store: Store, tmp_path: Path) -> None:
    _populate(sqlite_store)
    export_codecontests(sqlite_store, tmp_path / "out", fmt="parquet")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert set(manifest["files"]) == {"train.parquet", "valid.parquet", "test.parquet"}
    for name, info in manifest["files"].items():
        assert info["sha256"] == sha256_file(tmp_path / "out" / name)
    card = (tmp_path / "out" / "README.md").read_text()
    assert "split: validation\n    path: valid.parquet" in card  # the name datasets gives it
    assert manifest["options"]["format"] == "parquet" and manifest["cutoffs"] == DEFAULT_CUTOFFS.as_dict()


def test_loading_a_missing_split_fails_clearly(tmp_path: Path) -> None:
    from cpdata import DatasetNotFound

    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetNotFound, match="no split 'train'"):
        load_dataset(tmp_path / "empty", split="train")


# ---- issue 14: an export is whole or not there ----------------------------------------------------------------------


def _listing(directory: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(directory.iterdir())}


def test_an_interrupted_export_leaves_the_previous_one_whole(sqlite_store: Store, tmp_path: Path) -> None:
    _populate(sqlite_store)
    out = tmp_path / "out"
    export_codecontests(sqlite_store, out)
    before, loaded = _listing(out), load_dataset(out, split="train")

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C half-way through the next export

    with pytest.raises(KeyboardInterrupt):
        export_codecontests(sqlite_store, out, fmt="parquet", progress=interrupt)
    assert _listing(out) == before and load_dataset(out, split="train") == loaded
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".cpdata-")]  # no staging left behind


def test_a_killed_export_is_cleaned_up_and_a_half_swapped_one_is_put_back(sqlite_store: Store, tmp_path: Path) -> None:
    _populate(sqlite_store)
    out = tmp_path / "out"
    export_codecontests(sqlite_store, out)
    # kill -9 while writing: a staging directory with partial files and no manifest stays behind
    staging = tmp_path / ".cpdata-staging-out-deadbeef"
    staging.mkdir()
    (staging / "train.jsonl").write_text('{"name": "half')
    # kill -9 between the two renames: the old export was moved aside, the new one not yet in place
    retired = tmp_path / ".cpdata-retired-out-cafebabe"
    out.rename(retired)
    export_codecontests(sqlite_store, out, fmt="parquet")  # the next run puts things right, then exports
    assert not staging.exists() and not retired.exists()
    assert {p.name for p in out.iterdir()} == {"train.parquet", "valid.parquet", "test.parquet", "manifest.json", "README.md"}


def test_an_export_directory_holds_exactly_one_export_and_foreign_directories_are_refused(
    sqlite_store: Store, tmp_path: Path
) -> None:
    from cpdata.curation.formats.atomic import NotAnExportDirectory

    _populate(sqlite_store)
    out = tmp_path / "out"
    export_codecontests(sqlite_store, out, fmt="jsonl")
    export_codecontests(sqlite_store, out, fmt="parquet")
    assert not list(out.glob("*.jsonl"))  # no files of the other format left to be read as part of this export
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("not an export")
    with pytest.raises(NotAnExportDirectory, match="not an export"):
        export_codecontests(sqlite_store, mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_the_loader_refuses_files_that_do_not_match_their_manifest(sqlite_store: Store, tmp_path: Path) -> None:
    from cpdata import DatasetCorrupt

    _populate(sqlite_store)
    out = tmp_path / "out"
    export_codecontests(sqlite_store, out)
    train = out / "train.jsonl"
    lines = train.read_text().splitlines(keepends=True)
    train.write_text("".join(lines[:-1]))  # truncated: a record short
    with pytest.raises(DatasetCorrupt, match="bytes"):
        load_dataset(out, split="train")
    text = "".join(lines)
    at = text.index('"name": "') + len('"name": "')
    train.write_text(text[:at] + ("Y" if text[at] != "Y" else "Z") + text[at + 1 :])  # one letter changed, same size
    with pytest.raises(DatasetCorrupt, match="checksum"):
        load_dataset(out, split="train")


def test_split_names_as_datasets_spells_them_and_unknown_ones_refused(sqlite_store: Store, tmp_path: Path) -> None:
    from cpdata import DatasetNotFound

    _populate(sqlite_store)
    export_codecontests(sqlite_store, tmp_path / "out")
    valid = load_dataset(tmp_path / "out", split="valid")
    assert valid and load_dataset(tmp_path / "out", split="validation") == valid
    assert load_dataset(sqlite_store.url, split="validation") == load_dataset(sqlite_store.url, split="valid")
    with pytest.raises(DatasetNotFound, match="the splits are train, valid"):
        load_dataset(tmp_path / "out", split="dev")


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_the_cards_hugging_face_snippet_runs_even_with_an_empty_split(sqlite_store: Store, tmp_path: Path, fmt: str) -> None:
    import re
    import subprocess
    import sys

    _populate(sqlite_store)
    out = tmp_path / "out"
    # cutoffs after every contest: valid and test are empty, which datasets cannot load when a card declares them
    result = export_codecontests(sqlite_store, out, fmt=fmt, cutoffs=SplitCutoffs(date(2030, 1, 1), date(2031, 1, 1)))  # type: ignore[arg-type]
    assert result.counts["valid"]["problems"] == 0 and result.counts["test"]["problems"] == 0
    card = (out / "README.md").read_text()
    snippet = re.findall(r"```python\n(.*?)```", card, flags=re.S)[-1]
    assert "datasets.load_dataset" in snippet
    program = snippet + "\nprint({name: len(split) for name, split in splits.items()})\n"
    env = {"HF_DATASETS_CACHE": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", program], cwd=out, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == str({"train": result.counts["train"]["problems"]})
