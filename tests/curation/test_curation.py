"""Curation on planted duplicates across sites and dates: found, merged or assigned as promised, and nothing
dropped without a counted reason."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cpdata import load_dataset
from cpdata.curation.formats.export import export_codecontests
from cpdata.curation.formats.importer import import_codecontests
from cpdata.curation.formats.writers import PARQUET_SCHEMA
from cpdata.curation.steps.contamination import check_against, crossing_pairs
from cpdata.curation.steps.dedup import find_clusters, normalize_statement, run_dedup
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import SplitCutoffs
from cpdata.schema import Store
from tests import factories as f

WORDS = [
    "array",
    "integer",
    "query",
    "tree",
    "graph",
    "string",
    "sum",
    "maximum",
    "minimum",
    "path",
    "edge",
    "vertex",
    "count",
    "print",
    "each",
    "test",
    "case",
    "line",
]


def statement(seed: int, length: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 9)) for _ in range(length))


def near_copy(text: str, changes: int = 1) -> str:
    """The same statement with a word or two changed (one word in 120 leaves Jaccard ~0.92 on 5-word shingles)."""
    words = text.split()
    for position in range(changes):
        words[10 + position * 40] = "different"
    return " ".join(words)


TRAIN = datetime(2021, 3, 1, tzinfo=UTC)
LATER_TRAIN = datetime(2021, 5, 1, tzinfo=UTC)
TEST = datetime(2021, 10, 1, tzinfo=UTC)
BASE = statement(1)
OTHER = statement(2)
NEAR_BASE = statement(3)


def _plant(store: Store) -> None:
    store.ingest(
        [
            f.contest("1000", start=TRAIN),
            f.contest("1001", start=LATER_TRAIN),
            f.contest("1500", start=TEST),
            f.contest("abc900", site="atcoder", start=TEST),
            # an exact duplicate: the same problem in a Div. 1 and a Div. 2 round (whitespace and case differ)
            # (copies carry the problem's name: equal statements alone no longer merge, see the placeholder test)
            f.problem("1000", "C", statement=BASE, name="Equal Sums"),
            f.problem("1001", "A", statement="  " + BASE.upper().replace(" ", "\n "), name="Equal Sums"),
            # the same statement again on another site, months later
            f.problem("abc900", "D", site="atcoder", statement=BASE, name="Equal Sums"),
            # a near duplicate of a train problem, published in the test period
            f.problem("1000", "D", statement=NEAR_BASE),
            f.problem("1500", "E", statement=near_copy(NEAR_BASE)),
            # unrelated
            f.problem("1500", "A", statement=OTHER),
            f.test_case("1000", "C", 0, input="1\n", output="1\n"),
            f.test_case("1001", "A", 0, input="2\n", output="2\n"),
            f.test_case("1001", "A", 1, input="1\n", output="1\n"),  # the same test as 1000C's: counted once
            f.test_case("abc900", "D", 0, site="atcoder", input="3\n", output="3\n"),
            f.submission("1", "1000", "C", source_code="int main() { return 0; }"),
            f.submission("2", "1001", "A", source_code="int main(){return 0;}"),  # the same code, other whitespace
            f.submission("3", "1001", "A", source_code="print(input())", language_raw="Python 3"),
            f.submission("4", "1500", "A", source_code="fn main() {}", language_raw="Rust 2021"),
            f.submission("5", "1500", "A", source_code="x" * 1_000_001),
            f.submission("6", "1500", "A", source_code="int a[] = {" + "0," * 600 + "};"),
            f.submission("7", "1500", "A", source_code='int main() { puts("A"); }'),
            f.submission(
                "8", "abc900", "D", site="atcoder", source_code="print(1)", language_raw="Python (CPython 3.11)", verdict_raw="AC"
            ),
        ]
    )


def test_exact_and_near_duplicates_are_found_and_recorded(sqlite_store: Store) -> None:
    _plant(sqlite_store)
    result = run_dedup(sqlite_store, threshold=0.8)
    assert (result.exact_groups, result.exact_duplicates, result.near_clusters, result.near_duplicates) == (1, 2, 2, 1)
    _, rows = sqlite_store.run_sql(
        'SELECT site, contest_id, "index", kind, duplicate_of FROM problem_duplicates ORDER BY 1, 2, 3'
    )
    assert rows == [
        ("atcoder", "abc900", "D", "exact", "codeforces/1000/C"),
        ("codeforces", "1001", "A", "exact", "codeforces/1000/C"),
        ("codeforces", "1500", "E", "near", "codeforces/1000/D"),
    ]
    similarity = sqlite_store.run_sql("SELECT similarity FROM problem_cluster WHERE contest_id = '1500'")[1][0][0]
    assert 0.8 <= similarity < 1.0
    # the clusters handed to the export's pipeline are what the store gives back (dates aware, in UTC)
    assert result.clusters == sqlite_store.clusters() and len(result.clusters) == 5
    assert "clusters" not in result.summary()


def test_duplicates_are_merged_and_clusters_split_as_one_unit(sqlite_store: Store, tmp_path: Path) -> None:
    _plant(sqlite_store)
    result = export_codecontests(sqlite_store, tmp_path / "out", curation=CurationOptions(rejects=tmp_path / "rejects.jsonl"))
    train = {(r.site, r.contest_id, r.index): r for r in load_dataset(tmp_path / "out", split="train")}
    test = {(r.site, r.contest_id, r.index): r for r in load_dataset(tmp_path / "out", split="test")}
    # the earliest copy keeps the union of the group's tests and solutions; the others are gone
    merged = train[("codeforces", "1000", "C")]
    assert sorted(merged.public_tests.input) == ["1\n", "2\n", "3\n"]
    assert ("codeforces", "1001", "A") not in train and ("atcoder", "abc900", "D") not in test
    # solutions: 1000C's C++, 1001A's Python (its C++ is a whitespace duplicate), abc900D's Python
    assert sorted(merged.solutions.solution) == ["int main() { return 0; }", "print(1)", "print(input())"]
    # the later near copy (test period) goes with its train original
    assert ("codeforces", "1500", "E") in train and train[("codeforces", "1500", "E")].published_at == TRAIN
    assert set(test) == {("codeforces", "1500", "A")}
    steps = {s["step"]: s for s in result.curation["steps"]}
    assert steps["merge_exact_duplicates"]["problems"]["dropped"] == {"exact duplicate (merged into its earliest copy)": 2}
    assert steps["language_filter"]["solutions"]["dropped"] == {"language rust": 1}
    assert steps["solution_size_filter"]["solutions"]["dropped"] == {
        "larger than 1000000 bytes": 1,
        "a line longer than 1000 characters": 1,
    }
    assert steps["dedup_solutions"]["solutions"]["dropped"] == {"duplicate solution": 1}
    # nothing disappears without a counted reason
    for step in result.curation["steps"]:
        for part in ("problems", "solutions", "tests"):
            counts = step[part]
            added = counts.get("added", 0)
            assert counts["in"] + added - counts["out"] == sum(counts["dropped"].values()), step
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == 2 + 1 + 2 + 1
    assert {r["reason"] for r in rejects if r["what"] == "solution"} >= {"language rust", "duplicate solution"}
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["curation"]["dedup"]["exact_groups"] == 1


def test_contamination_reports_pairs_that_cross_splits(sqlite_store: Store) -> None:
    _plant(sqlite_store)
    run_dedup(sqlite_store)
    pairs = {p["problem"]: p for p in crossing_pairs(sqlite_store)}
    assert pairs["codeforces/1500/E"]["own_split"] == "test" and pairs["codeforces/1500/E"]["assigned_split"] == "train"
    assert pairs["atcoder/abc900/D"]["kind"] == "exact"
    assert "codeforces/1001/A" not in pairs  # both copies are train anyway


def test_contamination_against_an_external_dataset(sqlite_store: Store, tmp_path: Path) -> None:
    _plant(sqlite_store)
    run_dedup(sqlite_store)
    external = tmp_path / "external_train.jsonl"
    external.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"name": "untitled", "description": ""},  # a row without a statement still has its row number
                {"name": "same", "description": OTHER.replace(" ", "  ")},  # our test problem 1500A, exactly
                {"name": "unrelated", "description": statement(99)},
            ]
        )
        + "\n"
    )
    report = check_against(sqlite_store, external)
    assert report.external_records == 2 and report.checked == {"test": 1}
    assert [(m["problem"], m["kind"]) for m in report.matches] == [("codeforces/1500/A", "exact")]
    assert report.matches[0]["external"] == "external_train.jsonl:2 same"  # its line in the file, not past the end
    near = tmp_path / "near.jsonl"
    near.write_text(json.dumps({"name": "almost", "description": near_copy(OTHER)}) + "\n")
    assert [m["kind"] for m in check_against(sqlite_store, near).matches] == ["near"]


def test_date_windows_keep_only_problems_inside(sqlite_store: Store, tmp_path: Path) -> None:
    _plant(sqlite_store)
    sqlite_store.ingest([f.contest("9999", start=None), f.problem("9999", "A", statement=statement(7))])
    curation = Curation(sqlite_store, CurationOptions(window=(date(2021, 9, 1), date(2021, 12, 31))))
    kept = [item.key for item in curation.items()]
    assert kept == [("codeforces", "1500", "A")]  # 1500E goes with its March original, outside the window
    window = next(s for s in curation.report()["steps"] if s["step"] == "date_window")
    assert window["problems"]["dropped"] == {"outside 2021-09-01..2021-12-31": 3, "no known date": 1}


def test_normalization_and_clusters_on_their_own() -> None:
    assert normalize_statement("Print $a + b$.\\n") == normalize_statement("print  a+b.\\n")
    exact, near, similarity = find_clusters([BASE, OTHER, BASE.lower(), near_copy(BASE, 2)], threshold=0.7)
    assert exact == [0, 1, 0, 3] and near == [0, 1, 0, 0] and similarity[2] == 1.0 and 0.7 <= similarity[3] < 1


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_import_of_our_export_round_trips(sqlite_store: Store, tmp_path: Path, fmt: str) -> None:
    _plant(sqlite_store)
    export_codecontests(sqlite_store, tmp_path / "first", fmt=fmt)  # type: ignore[arg-type]
    with Store(tmp_path / "imported.sqlite") as imported:
        report = import_codecontests(imported, tmp_path / "first")
        assert report.records == 4
        export_codecontests(imported, tmp_path / "second", fmt=fmt)  # type: ignore[arg-type]
    for split in ("train", "valid", "test"):
        assert load_dataset(tmp_path / "first", split=split) == load_dataset(tmp_path / "second", split=split)


def _hf_row(**kw: object) -> dict[str, object]:
    empty_tests = {"input": [], "output": []}
    row: dict[str, object] = {name: None for name in PARQUET_SCHEMA.names[:20]}
    row.update(
        name="",
        description="",
        public_tests=empty_tests,
        private_tests=empty_tests,
        generated_tests=empty_tests,
        source=0,
        difficulty=0,
        solutions={"language": [], "solution": []},
        incorrect_solutions={"language": [], "solution": []},
        cf_contest_id=0,
        cf_index="",
        cf_points=0.0,
        cf_rating=0,
        cf_tags=[],
        is_description_translated=False,
        untranslated_description="",
        time_limit={"seconds": 2, "nanos": 0},
        memory_limit_bytes=256000000,
        input_file="",
        output_file="",
    )
    row.update(kw)
    return row


def test_import_of_a_huggingface_codecontests_layout_fills_only_gaps(sqlite_store: Store, tmp_path: Path) -> None:
    sqlite_store.ingest([f.contest("1368"), f.problem("1368", "A", statement="Our scraped statement.", rating=None)])
    schema = pa.schema([PARQUET_SCHEMA.field(i) for i in range(20)])  # DeepMind's columns only
    rows = [
        _hf_row(
            name="1368_A. C+=",
            description="Their statement.",
            source=2,
            cf_contest_id=1368,
            cf_index="A",
            cf_rating=800,
            cf_tags=["brute force"],
            public_tests={"input": ["2\n1 2 3\n"], "output": ["2\n"]},
            solutions={"language": [2, 3], "solution": ["int main(){}", "print(2)"]},
            incorrect_solutions={"language": [4], "solution": ["class Main {}"]},
        ),
        _hf_row(name="Monk and Sums", description="A HackerEarth problem.", source=3),
    ]
    (tmp_path / "data").mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp_path / "data" / "train-00000-of-00001.parquet")
    report = import_codecontests(sqlite_store, tmp_path)
    assert report.records == 2 and report.by_site == {"codeforces": 1, "hackerearth": 1}
    _, problem = sqlite_store.run_sql("SELECT name, statement, rating, time_limit_ms FROM problem WHERE contest_id = '1368'")
    assert problem == [("Problem A", "Our scraped statement.", 800, 2000)]  # ours kept, their gaps (rating, limit) filled
    _, solutions = sqlite_store.run_sql(
        "SELECT language, is_correct FROM submission WHERE contest_id = '1368' ORDER BY submission_id"
    )
    assert [(lang, bool(ok)) for lang, ok in solutions] == [("java", False), ("cpp", True), ("python3", True)]
    assert sqlite_store.run_sql("SELECT COUNT(*) FROM problem WHERE site = 'hackerearth' AND contest_id = 'codecontests'")[1] == [
        (1,)
    ]


def _plant_same_texts(store: Store) -> None:
    placeholder = "Statement is not available."
    image_only = "![statement](https://example.org/statement.png)"
    store.ingest(
        [
            f.contest("3000", start=TRAIN),
            *(f.problem("3000", i, statement=placeholder, name=f"Task {i}") for i in "ABC"),
            *(f.problem("3000", i, statement=image_only, name=f"Task {i}") for i in "DE"),
            # one long statement, two problems: different names, different samples (a shared template)
            f.problem("3000", "F", statement=BASE, name="Trees"),
            f.problem("3000", "G", statement=BASE, name="Paths"),
            f.test_case("3000", "F", 0, input="1 2\n", output="3\n"),
            f.test_case("3000", "G", 0, input="5\n", output="5\n"),
            # the same text and the same samples under another name: one problem
            f.problem("3000", "H", statement=OTHER, name="Sum"),
            f.problem("3000", "I", statement=OTHER, name="Addition"),
            f.test_case("3000", "H", 0, input="4 4\n", output="8\n"),
            f.test_case("3000", "I", 0, input="4  4\n", output="8\n"),
        ]
    )


def test_placeholder_statements_and_same_text_different_problems_are_never_merged(sqlite_store: Store) -> None:
    _plant_same_texts(sqlite_store)
    run_dedup(sqlite_store, threshold=0.8)
    _, rows = sqlite_store.run_sql('SELECT "index", kind, duplicate_of FROM problem_duplicates ORDER BY 1')
    found = {index: (kind, of) for index, kind, of in rows}
    assert not {"A", "B", "C", "D", "E"} & set(found)  # placeholders and images say nothing about sameness
    assert found.get("G", ("", ""))[0] != "exact"  # kept apart (near: the same split, never one record)
    assert found.get("I") == ("exact", "codeforces/3000/H")
    records = [r.name.split(". ", 1)[-1] for r in load_dataset(sqlite_store.url, split="train")]  # "3000_A. Task A"
    assert {"Trees", "Paths", "Task A", "Task B", "Task C"} <= set(records) and "Addition" not in records


def test_import_keeps_codecontests_splits_difficulty_and_every_language(sqlite_store: Store, tmp_path: Path) -> None:
    schema = pa.schema([PARQUET_SCHEMA.field(i) for i in range(20)])  # DeepMind's columns only
    data = tmp_path / "data"
    data.mkdir()
    files = {
        "train": _hf_row(name="Old Problem", description=statement(11), source=1, difficulty=3),  # CodeChef HARD
        "valid": _hf_row(name="Valid Problem", description=statement(12), source=1, difficulty=2),  # CodeChef MEDIUM
        "test": _hf_row(
            name="ABC Test Problem",
            description=statement(13),
            source=6,  # AtCoder: keyed by a hash of its name, which must not give it a letter difficulty
            difficulty=9,
            solutions={"language": [1, 3], "solution": ["print 1", "print(1)"]},  # Python 2 and Python 3
        ),
    }
    for split, row in files.items():
        pq.write_table(pa.Table.from_pylist([row], schema=schema), data / f"{split}-00000-of-00001.parquet")
    import_codecontests(sqlite_store, tmp_path)
    out = tmp_path / "out"
    export_codecontests(sqlite_store, out, curation=CurationOptions(languages=None))
    by_split = {s: {r.name.split(". ", 1)[-1]: r for r in load_dataset(out, split=s)} for s in ("train", "valid", "test")}
    # no date, yet CodeContests' own valid and test problems stay out of our train
    assert set(by_split["train"]) == {"Old Problem"} and set(by_split["valid"]) == {"Valid Problem"}
    assert set(by_split["test"]) == {"ABC Test Problem"}
    assert by_split["valid"]["Valid Problem"].difficulty == 2 and by_split["train"]["Old Problem"].difficulty == 3
    assert by_split["test"]["ABC Test Problem"].difficulty == 9
    assert sorted(by_split["test"]["ABC Test Problem"].solutions.language) == [1, 3]  # Python 2 kept
    # other cutoffs do not move them into train either
    late = export_codecontests(sqlite_store, tmp_path / "late", cutoffs=SplitCutoffs(date(2030, 1, 1), date(2031, 1, 1)))
    assert late.counts["train"]["problems"] == 1 and late.counts["test"]["problems"] == 1


def test_import_refuses_files_that_are_not_codecontests_records(sqlite_store: Store, tmp_path: Path) -> None:
    from cpdata.curation.formats.codecontests import NotCodeContests

    pq.write_table(pa.table({"foo": [1, 2]}), tmp_path / "train.parquet")
    with pytest.raises(NotCodeContests, match=r"train\.parquet: not a CodeContests record"):
        import_codecontests(sqlite_store, tmp_path)
    assert sqlite_store.count("problem") == 0
    from typer.testing import CliRunner

    from cpdata.cli import app

    result = CliRunner().invoke(app, ["import", "codecontests", str(tmp_path), "--db", sqlite_store.url])
    assert result.exit_code == 2 and "not a CodeContests record" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_copies_with_five_percent_of_words_changed_anywhere_are_found_and_shared_boilerplate_is_not() -> None:
    # A 120-word statement with 6 words changed at scattered places has a word 5-gram Jaccard near 0.6, so 5-gram
    # MinHash at 0.8 missed it and a near copy of a train problem could land in test. Bigrams, checked exactly,
    # find every such copy at the default threshold.
    rng = random.Random(5)
    originals = [statement(1000 + i) for i in range(60)]
    copies = []
    for text in originals:
        words = text.split()
        for position in rng.sample(range(len(words)), 6):
            words[position] = f"changed{rng.randint(0, 999)}"
        copies.append(" ".join(words))
    # Different problems of one contest that share half their text (the input format, the limits, the output).
    boilerplate = statement(7, length=60)
    siblings = [boilerplate + " " + statement(2000 + i, length=60) for i in range(40)]
    texts = originals + copies + siblings
    _, roots, similarity = find_clusters(texts, threshold=0.8)
    assert [roots[60 + i] for i in range(60)] == list(range(60))  # every copy joins its original
    assert all(0.8 <= similarity[60 + i] < 1 for i in range(60))
    assert [roots[i] for i in range(120, 160)] == list(range(120, 160))  # no sibling merged with another


def test_the_noise_table_deletes_what_the_noise_pattern_matches() -> None:
    from cpdata.curation.steps.dedup import _NOISE, _noise_table

    assert set(_noise_table()) == {code for code in range(0x110000) if _NOISE.fullmatch(chr(code))}


def test_find_clusters_reads_a_lazy_sequence_only_up_to_its_length() -> None:
    class Endless:  # __len__ and __getitem__ only: iterating it by index never ends on its own
        def __len__(self) -> int:
            return 3

        def __getitem__(self, position: int) -> str:
            return "the same long statement about arrays and queries and answers " * 3

    exact, roots, similarity = find_clusters(Endless(), threshold=0.8)  # type: ignore[arg-type]
    assert exact == [0, 0, 0] and roots == [0, 0, 0] and similarity == [1.0, 1.0, 1.0]


def test_band_keys_folded_a_batch_at_a_time_equal_the_one_row_fold() -> None:
    import random

    import numpy as np

    from cpdata.curation.steps.dedup import MinHasher

    draw = random.Random(3)
    vocabulary = [f"w{n}x" for n in range(500)]
    texts = [" ".join(draw.choices(vocabulary, k=draw.choice([0, 1, 2, 60, 120]))) for _ in range(900)]
    hasher = MinHasher(0.8)
    expected = []
    with np.errstate(over="ignore"):
        for position, signature in enumerate(hasher._signature_rows(texts)):  # several batches of shingles
            if signature is None:
                expected.append(np.full(hasher.bands, 2**63 + position, dtype=np.uint64))
                continue
            grid, keys = signature.reshape(hasher.bands, hasher.rows), np.zeros(hasher.bands, dtype=np.uint64)
            for column in range(hasher.rows):
                keys = (keys + grid[:, column]) * hasher._mix[column]
            expected.append(keys)
    assert sum(not t for t in texts) > 100
    assert np.array_equal(hasher.band_keys(texts, count=len(texts)), np.vstack(expected))
    assert np.array_equal(hasher.band_keys(iter(texts)), np.vstack(expected))


def test_sample_identities_from_the_second_process_equal_those_made_here(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a SQLite file the samples are hashed by a second process while the statements are hashed here; the exact
    groups must be those the in-process path (PostgreSQL's, and the fallback) makes."""
    from cpdata.curation.steps import dedup

    _plant_same_texts(sqlite_store)
    started = dedup._SampleDigests(sqlite_store)
    assert started.process is not None and started.result()  # the second process ran and hashed the samples
    run_dedup(sqlite_store, threshold=0.8)
    by_process = sqlite_store.clusters()
    with monkeypatch.context() as patched:
        patched.setattr(dedup, "_sqlite_file", lambda store: None)
        run_dedup(sqlite_store, threshold=0.8)
    assert sqlite_store.clusters() == by_process and any(info.exact_group for info in by_process.values())
    with monkeypatch.context() as patched:
        patched.setattr(dedup.sys, "executable", "/nonexistent/python")  # a process that cannot start: made here
        assert dedup._SampleDigests(sqlite_store).process is None
        run_dedup(sqlite_store, threshold=0.8)
    assert sqlite_store.clusters() == by_process
