from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from cpdata.schema import Store, StoreError, migrations, read_stream
from cpdata.schema.views import VIEWS
from tests import factories as f


def _dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    tables = {}
    for name in ("contest", "problem", "test", "submission"):
        _columns, rows = store.run_sql(f'SELECT * FROM "{name}"')
        tables[name] = sorted(tuple(json.dumps(v, default=str, sort_keys=True) for v in row) for row in rows)
    return tables


def _sample() -> list:  # type: ignore[type-arg]
    return [
        f.contest("1001"),
        f.problem("1001", "A"),
        f.problem("1001", "B", tags=["greedy", "dp"]),
        f.test_case("1001", "A", 0),
        f.test_case("1001", "A", 1, kind="private", origin="hack", output=None),
        f.submission("10", verdict_raw="OK"),
        f.submission("11", verdict_raw="WRONG_ANSWER", language_raw="Python 3"),
    ]


def test_ingest_stores_every_entity(store: Store) -> None:
    report = store.ingest(_sample())
    assert dict(report.stored) == {"contest": 1, "problem": 2, "test": 2, "submission": 2}
    assert [store.count(t) for t in ("contest", "problem", "test", "submission")] == [1, 2, 2, 2]
    _, rows = store.run_sql("SELECT submission_id, language, verdict, is_correct FROM submission ORDER BY submission_id")
    assert [(r[0], r[1], r[2], bool(r[3])) for r in rows] == [
        ("10", "cpp", "accepted", True),
        ("11", "python3", "wrong_answer", False),
    ]


def test_ingesting_twice_changes_nothing(store: Store) -> None:
    store.ingest(_sample())
    before = _dump(store)
    again = store.ingest(_sample(), batch_size=3)
    assert sum(again.changed.values()) == 0
    assert _dump(store) == before


def test_known_values_are_not_erased_by_unknown_ones(store: Store) -> None:
    store.ingest([f.contest("1001"), f.problem("1001", "A"), f.submission("10", source_code="print(1)")])
    # A status page re-read later knows nothing of the source code; the stored code must survive.
    store.ingest([f.submission("10", source_code=None, time_ms=31)])
    _, rows = store.run_sql("SELECT source_code, time_ms FROM submission")
    assert rows == [("print(1)", 31)]


def test_children_before_parents_get_bare_parents_then_filled(store: Store) -> None:
    store.ingest([f.submission("10", contest_id="2000", index="C")])
    _, rows = store.run_sql("SELECT name FROM problem WHERE contest_id = '2000' AND \"index\" = 'C'")
    assert rows == [(None,)]
    store.ingest([f.problem("2000", "C", name="Late parent"), f.contest("2000")])
    _, rows = store.run_sql(
        "SELECT p.name, c.name FROM problem p JOIN contest c USING (site, contest_id) WHERE p.\"index\" = 'C'"
    )
    assert rows == [("Late parent", "Round 2000")]


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"), store.engine.begin() as conn:
        conn.execute(text("INSERT INTO problem (site, contest_id, \"index\") VALUES ('codeforces', 'nope', 'A')"))


def test_iterating_problems_in_batches_sees_each_once(store: Store) -> None:
    entities = [f.contest(str(c)) for c in range(1000, 1012)]
    entities += [f.problem(str(c), idx) for c in range(1000, 1012) for idx in "ABC"]
    store.ingest(entities)
    seen = [p.key for batch in store.iter_problem_batches(batch_size=5) for p, _ in batch]
    assert len(seen) == 36 and len(set(seen)) == 36
    assert seen == sorted(seen)


def test_datetimes_come_back_as_utc(store: Store) -> None:
    store.ingest([f.contest("1001", start=datetime(2021, 7, 15, 0, 0, tzinfo=UTC)), f.problem("1001", "A")])
    ((_problem, contest),) = next(store.iter_problem_batches())
    assert contest.start_time == datetime(2021, 7, 15, tzinfo=UTC)
    assert contest.start_time is not None and contest.start_time.tzinfo is not None


def test_views_count_tests_and_solutions(store: Store) -> None:
    store.ingest(_sample())
    _columns, rows = store.run_sql(
        'SELECT "index", public_tests, private_tests, solutions, incorrect_solutions FROM problem_overview ORDER BY "index"'
    )
    assert rows == [("A", 1, 1, 1, 1), ("B", 0, 0, 0, 0)]
    _, by_language = store.run_sql("SELECT language, accepted, rejected FROM solutions_by_language ORDER BY language")
    assert by_language == [("cpp", 1, 0), ("python3", 0, 1)]


def test_bad_stream_lines_are_reported_and_good_ones_kept(store: Store) -> None:
    lines = [
        json.dumps({"entity": "contest", "site": "codeforces", "contest_id": "1"}),
        "{not json",
        json.dumps({"entity": "problem", "site": "codeforces", "contest_id": "1", "index": "A", "time_limit_ms": -5}),
        json.dumps({"entity": "problem", "site": "topcoder", "contest_id": "1", "index": "A"}),
        json.dumps({"site": "codeforces"}),
        "",
        json.dumps({"entity": "problem", "site": "codeforces", "contest_id": "1", "index": "B"}),
    ]
    items = list(read_stream(lines))
    errors = [i for i in items if not hasattr(i, "site")]
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [
        (2, "not JSON (key must be a string at line 1 column 2)"),
        (3, "problem.time_limit_ms"),
        (4, "problem.site"),
        (5, 'needs "entity"'),
    ]
    report = store.ingest([i for i in items if hasattr(i, "site")])  # type: ignore[misc]
    assert dict(report.stored) == {"contest": 1, "problem": 1}


def test_schema_version_is_recorded_and_a_newer_store_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert store.schema_version() == migrations.SCHEMA_VERSION
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE cpdata_meta SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="newer than this cpdata"):
        Store(tmp_path / "s.sqlite")


def test_a_store_created_halfway_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A kill between creating the tables and recording the version once left tables with no version, a store no
    # later run would open: creating a store is one transaction, so a failure at its last step leaves no table.
    def fail(_conn: object, _version: int) -> None:
        raise RuntimeError("killed here")

    monkeypatch.setattr(migrations, "_set_version", fail)
    with pytest.raises(StoreError, match="killed here"):
        Store(tmp_path / "s.sqlite")
    monkeypatch.undo()
    with Store(tmp_path / "s.sqlite") as store:
        assert store.schema_version() == migrations.SCHEMA_VERSION
        store.ingest([f.contest("1")])


def test_an_older_store_is_migrated_in_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.ingest([f.contest("1"), f.problem("1", "A")])
    applied: list[int] = []
    future = migrations.SCHEMA_VERSION + 1

    def add_column(conn):  # type: ignore[no-untyped-def]
        applied.append(future)
        conn.execute(text("ALTER TABLE problem ADD COLUMN checker TEXT"))

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", future)
    monkeypatch.setitem(migrations.MIGRATIONS, future, add_column)
    with Store(tmp_path / "s.sqlite") as store:
        assert applied == [future]
        assert store.schema_version() == future
        assert store.run_sql("SELECT checker, name FROM problem")[1] == [(None, "Problem A")]
    with Store(tmp_path / "s.sqlite"):
        assert applied == [future]  # already at the new version: nothing runs again


V1_TEST_TABLE = """CREATE TABLE test (
    site VARCHAR NOT NULL, contest_id VARCHAR NOT NULL, "index" VARCHAR NOT NULL, kind VARCHAR NOT NULL, ordinal INTEGER NOT NULL,
    input TEXT NOT NULL, output TEXT, truncated BOOLEAN NOT NULL, origin VARCHAR,
    PRIMARY KEY (site, contest_id, "index", kind, ordinal),
    FOREIGN KEY(site, contest_id, "index") REFERENCES problem (site, contest_id, "index") ON DELETE CASCADE)"""


def test_a_version_1_store_is_upgraded_to_version_2(store_url: str) -> None:
    with Store(store_url) as store:
        # take the store back to version 1: no crawl table, test.input NOT NULL
        for view in VIEWS:
            store.run_sql(f"DROP VIEW {view}")
        store.run_sql("DROP TABLE crawl_unit")
        store.run_sql("DROP TABLE test")
        store.run_sql(V1_TEST_TABLE)
        store.run_sql("UPDATE cpdata_meta SET value = '1' WHERE key = 'schema_version'")
        store.ingest([f.contest("1"), f.problem("1", "A")])
        store.run_sql(  # a version-1 row, written as version 1 wrote it (the current model has more columns)
            'INSERT INTO test (site, contest_id, "index", kind, ordinal, input, output, truncated, origin) '
            "VALUES ('codeforces', '1', 'A', 'public', 0, '1 2\n', '3\n', false, 'sample')"
        )
    with Store(store_url) as store:
        assert store.schema_version() == migrations.SCHEMA_VERSION
        assert "crawl_unit" in store.table_names()
        assert store.run_sql('SELECT "index", input, output FROM test')[1] == [("A", "1 2\n", "3\n")]
        store.ingest([f.test_case("1", "A", 1, kind="private", input=None, output="42\n")])  # allowed from version 2
        assert store.count("test") == 2


def test_sqlite_store_uses_wal_and_foreign_keys(sqlite_store: Store) -> None:
    assert sqlite_store.run_sql("PRAGMA journal_mode")[1] == [("wal",)]
    assert sqlite_store.run_sql("PRAGMA foreign_keys")[1] == [(1,)]


def test_opening_a_missing_store_read_only_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "absent.sqlite", create=False)


def test_children_of_a_batch_are_read_through_an_index_not_a_scan(sqlite_store: Store) -> None:
    # A full scan per batch made exports quadratic (bench/export.py: 100k problems took 30x the time of 10k).
    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from cpdata.schema.store import _key_range
    from cpdata.schema.tables import SubmissionRow, TestRow

    keys = [("codeforces", "1000", "A"), ("codeforces", "1001", "B")]
    for table in (TestRow.__table__, SubmissionRow.__table__):  # type: ignore[attr-defined]
        query = select(table).where(*_key_range(table, keys))
        sql = str(query.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row[-1]) for row in sqlite_store.run_sql("EXPLAIN QUERY PLAN " + sql)[1])
        assert "SEARCH" in plan and "site=?" in plan and "(contest_id,index)>" in plan, plan


def test_a_partial_submission_adds_code_without_erasing_the_verdict(store: Store) -> None:
    from cpdata.schema import Submission

    store.ingest(
        [f.problem("1001", "A"), f.submission("10", source_code=None, verdict_raw="WRONG_ANSWER", language_raw="Java 8")]
    )
    store.ingest([Submission(site="codeforces", submission_id="10", contest_id="1001", index="A", source_code="class A {}")])
    _, rows = store.run_sql("SELECT language, verdict, is_correct, source_code FROM submission")
    assert [(r[0], r[1], bool(r[2]), r[3]) for r in rows] == [("java", "wrong_answer", False, "class A {}")]
    store.ingest([f.problem("1001", "A", tags=None)])  # an HTML page knows no tags: the API's stay
    assert store.run_sql("SELECT tags FROM problem")[1][0][0] in (["math"], '["math"]')


def test_user_sql_is_read_only_unless_asked_and_says_how_many_rows_changed(store: Store) -> None:
    store.ingest([f.contest("1"), f.problem("1", "A"), f.problem("1", "B")])
    with pytest.raises(Exception, match=r"(?i)read.?only"):
        store.run_user_sql("DELETE FROM problem")
    assert store.count("problem") == 2  # nothing was deleted
    columns, rows, changed = store.run_user_sql('SELECT "index" FROM problem ORDER BY 1')
    assert (columns, rows, changed) == (["index"], [("A",), ("B",)], 0)
    assert store.run_user_sql("DELETE FROM problem WHERE \"index\" = 'B'", write=True) == ([], [], 1)
    assert store.count("problem") == 1
    # the connection went back to the pool writable: the store's own writes still work
    store.ingest([f.problem("1", "C")])
    assert store.count("problem") == 2


def test_cli_sql_refuses_writes_without_write_and_shows_brackets_as_written(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cpdata.cli import app

    db = str(tmp_path / "s.sqlite")
    with Store(db) as store:
        store.ingest([f.contest("1"), f.problem("1", "A")])
    runner = CliRunner()
    refused = runner.invoke(app, ["sql", "DELETE FROM problem", "--db", db])
    assert refused.exit_code == 2 and "--write" in refused.stderr
    shown = runner.invoke(app, ["sql", "SELECT '[/x] a[i] [l, r] [image]' AS s", "--db", db])
    assert "[/x] a[i] [l, r] [image]" in shown.stdout
    done = runner.invoke(app, ["sql", "--write", "DELETE FROM problem", "--db", db])
    assert done.exit_code == 0 and "1 rows changed" in done.stdout


def test_entities_read_back_without_validation_equal_validated_ones(store: Store) -> None:
    # The export reads rows it wrote itself without validating them again; what it builds must be exactly what
    # validation would give: enums as enums, datetimes aware UTC, every field present.
    sample = _sample()
    store.ingest(sample)
    keys = [("codeforces", "1001", "A"), ("codeforces", "1001", "B")]
    read = [entity for batch in store.iter_problem_batches() for pair in batch for entity in pair]
    read += [t for tests in store.tests_for(keys).values() for t in tests]
    read += [s for solutions in store.submissions_for(keys, with_source=False).values() for s in solutions]
    assert len(read) == 4 + 2 + 2
    for entity in read:
        validated = type(entity).model_validate(entity.model_dump())
        assert entity == validated and entity.model_dump() == validated.model_dump()
        assert type(entity.site).__name__ == "Site"
        for value in entity.__dict__.values():
            assert not isinstance(value, datetime) or value.tzinfo is not None
    originals = {(type(e).__name__, json.dumps(e.model_dump(mode="json"), sort_keys=True)) for e in sample}
    assert {(type(e).__name__, json.dumps(e.model_dump(mode="json"), sort_keys=True)) for e in read} == originals
