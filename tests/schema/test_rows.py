"""The ingest's row path (field values validated without building models) accepts exactly the lines the models
accept, gives the values they hold, and binds what SQLAlchemy would bind: on real parsed pages and on hostile lines."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite

from cpdata.schema import Store
from cpdata.schema.bulk import ingest_lines
from cpdata.schema.line_decoder import decode_lines, line_decoder_models
from cpdata.schema.models import ENTITY_ADAPTER, Submission
from cpdata.schema.rows import validate_rows
from cpdata.schema.store import _sqlite_booleans, _sqlite_datetimes, compiled_upsert, table_of
from cpdata.schema.stream import StreamError, line_error, read_stream
from cpdata.scraper.base import Page, ParseContext, ScrapeOptions
from cpdata.scraper.registry import get_site
from tests.conftest import ROOT, real_pages
from tests.schema.test_store import _dump

_AOJ = "https://judgeapi.u-aizu.ac.jp"
_REAL = [
    (
        "aoj",
        f"{_AOJ}/submission_records/problems/2214?page=0&size=10000",
        "submission_records_2214_page0_size10000_2020-02-08.json",
    ),
    ("aoj", f"{_AOJ}/problems?page=0&size=2500", "problems_page0_size2500_2020-02-08.json"),
    (
        "codeforces",
        "https://codeforces.com/api/contest.status?contestId=374&from=1&count=50",
        "api_vcr/contest.status_374_from1_count50.body.json",
    ),
    ("codeforces", "https://codeforces.com/api/contest.hacks?contestId=374", "api_vcr/contest.hacks_374.body.json"),
    ("codeforces", "https://codeforces.com/api/contest.list", "api_vcr/contest.list.body.json"),
    ("codeforces", "https://codeforces.com/contest/1368/problems", "contest_1368_problems_page_2020.html"),
]


def _real_lines() -> list[str]:
    lines = []
    for site, url, name in _REAL:
        body = (real_pages(site) / name).read_bytes()
        parsed = get_site(site).parse(Page(url=url, status=200, body=body), ParseContext(ScrapeOptions(), {}))
        assert parsed.entities, name
        lines += [json.dumps(e.stream_dict(), ensure_ascii=False) for e in parsed.entities]
    return lines


def _sub(submission_id: str, site: str = "aoj", contest: str = "v", index: str = "1", **fields: Any) -> dict[str, Any]:
    ids = {"submission_id": submission_id, "contest_id": contest, "index": index}
    return {"entity": "submission", "site": site, **ids, **fields}


def _problem(**fields: Any) -> dict[str, Any]:
    return {"entity": "problem", "site": "codechef", "contest_id": "START1", "index": "X", **fields}


_HOSTILE: list[dict[str, Any]] = [
    {**_sub("1", "codeforces", verdict_raw="OK"), "submission_id": 1, "contest_id": 5},  # numbers for ids
    _sub("2", "codeforces", verdict_raw="OK", is_correct=False),
    _sub("3", "codeforces", verdict_raw="OK", is_correct=None),
    _sub("4", "atcoder", "abc1", "a", verdict_raw="WJ", language="cpp"),
    _sub("5", "atcoder", "abc1", "a", verdict="accepted"),
    _sub("6", created_at="2021-03-04T05:06:07.123456+09:00"),
    _sub("7", created_at="2021-03-04 05:06:07"),
    _sub("8", created_at="0001-01-01T00:00:00Z", score=3),
    _sub("9", created_at=1.5e9, language_raw=""),
    _sub("10", created_at="9999-12-31T23:00-05:00"),
    _sub(""),
    _sub("11", time_ms=-1),
    _sub("12", memory_bytes=2**64),
    _sub("13", surprise=1),
    _sub("14", "nowhere"),
    {k: v for k, v in _sub("15").items() if k != "index"},
    _problem(tags=[], points=1, interactive="true"),
    _problem(published_at="2020-01-01T00:00:00+14:00"),
    _problem(statement_format="docx"),
    {"entity": "test", "site": "atcoder", "contest_id": "abc1", "index": "a", "kind": "public", "ordinal": 0, "input": None},
    {"entity": "test", "site": "atcoder", "contest_id": "abc1", "index": "a", "kind": "secret", "ordinal": 0},
    {"entity": "contest", "site": "yukicoder", "contest_id": 7, "start_time": "2019-05-06T07:08:09"},
    {"entity": "contest", "site": "yukicoder", "contest_id": "7", "duration_seconds": 1.5},
    {"entity": "nothing", "site": "yukicoder"},
    {"site": "yukicoder", "contest_id": "7"},
]
_NOT_OBJECTS = ["{broken", "[]", "null", '{"entity": "contest", "site": "aoj", "contest_id": NaN}']
_CONTEST = '{"entity": "contest", "site": "aoj", "contest_id": "1"'
# JSON that parsers disagree on, or that a strict decoder and a lax validator treat differently: the line decoder
# must refuse every line the models refuse, and give the models' values for every line it takes.
_JSON_EDGES = [
    '{"entity": "contest", "site": "aoj", "site": "nowhere", "contest_id": "1"}',  # duplicate keys
    '{"entity": "contest", "site": "nowhere", "site": "aoj", "contest_id": "1"}',
    '{"entity": "contest", "site": "aoj", "contest_id": "1", "name": "first", "name": "last"}',
    '{"entity": "problem", "entity": "contest", "site": "aoj", "contest_id": "1"}',
    '{"entity": "contest", "entity": "problem", "site": "aoj", "contest_id": "1", "index": "A"}',
    '{"entity": 1, "site": "aoj", "contest_id": "1"}',
    _CONTEST + ', "name": "a\\tb\\u0000c\\ud83d\\ude00 \\" \\\\"}',  # escapes, a surrogate pair
    _CONTEST + ', "name": "lone \\ud800 surrogate"}',
    _CONTEST + ', "name": "raw\ttab"}',  # a control character unescaped: not JSON
    _CONTEST + ', "duration_seconds": 1E2}',
    _CONTEST + ', "duration_seconds": 100.0}',
    _CONTEST + ', "duration_seconds": "100"}',
    _CONTEST + ', "duration_seconds": true}',
    _CONTEST + ', "duration_seconds": 9223372036854775808}',
    _CONTEST + ', "duration_seconds": 01}',
    _CONTEST + ', "start_time": 1e999}',
    _CONTEST + ', "start_time": "2020-02-30T00:00:00Z"}',
    _CONTEST + ', "start_time": [1]}',
    _CONTEST + ",}",
    "\ufeff" + _CONTEST + "}",
    "  " + _CONTEST + "}  \r\n",
    _CONTEST + "} trailing",
    '{"entity": "problem", "site": "aoj", "contest_id": "1", "index": "A", "points": 1e999, "difficulty": -0.0}',
    '{"entity": "problem", "site": "aoj", "contest_id": "1", "index": "A", "interactive": 1, "tags": ["a", 2]}',
    '{"entity": "problem", "site": "aoj", "contest_id": "1", "index": "A", "tags": ["a", "b"], "rating": -5}',
    '{"entity": "test", "site": "aoj", "contest_id": "1", "index": "A", "kind": "public", "ordinal": true}',
    '{"entity": "test", "site": "aoj", "contest_id": "1", "index": "A", "kind": "Public", "ordinal": 1}',
    '{"entity": "submission", "site": "aoj", "submission_id": "1", "contest_id": "1", "index": "A", "is_correct": 1}',
    '{"entity": "submission", "site": "aoj", "submission_id": "\u00e9", "contest_id": "1", "index": "A", "score": 2}',
]


def _hostile_lines() -> list[str]:
    return [json.dumps(d) for d in _HOSTILE] + _NOT_OBJECTS + _JSON_EDGES


def _comparable(params: list[Any]) -> list[Any]:
    # psycopg's Jsonb wrapper has no equality of its own: compare what it wraps
    def plain(value: Any) -> Any:
        return ("jsonb", value.obj) if type(value).__name__ == "Jsonb" else value

    return [{k: plain(v) for k, v in p.items()} if isinstance(p, dict) else tuple(map(plain, p)) for p in params]


def _check_same(lines: list[str]) -> int:
    """Each line: the row path and the model give the same values and the same bound parameters, or the same error."""
    dialects: list[Any] = [sqlite.dialect(), postgresql.dialect()]  # type: ignore[no-untyped-call]
    accepted = 0
    for number, line in enumerate(lines, start=1):
        [row] = validate_rows([(number, line)])
        try:
            entity = ENTITY_ADAPTER.validate_json(line)
        except ValidationError:
            assert isinstance(row, StreamError) and row == line_error(number, line), line
            continue
        assert not isinstance(row, StreamError), line
        name, values = row
        assert name == entity.entity_name and values == entity.__dict__, line
        # equal is not enough: 3 == 3.0, and a str equals its StrEnum member
        assert {k: type(v) for k, v in values.items()} == {k: type(v) for k, v in entity.__dict__.items()}, line
        for dialect in dialects:
            upsert = compiled_upsert(dialect, table_of(type(entity)), False)
            assert _comparable(upsert.parameters([values])) == _comparable(upsert.parameters([entity.__dict__])), line
        accepted += 1
    return accepted


def test_row_path_equals_models_on_real_parsed_pages() -> None:
    lines = _real_lines()
    assert _check_same(lines) == len(lines) > 3000


def test_row_path_equals_models_on_the_demo_stream() -> None:
    lines = (ROOT / "data" / "demo" / "sample_stream.jsonl").read_text().splitlines()
    assert _check_same([line for line in lines if line.strip()]) > 10


def test_row_path_accepts_and_rejects_what_the_models_do() -> None:
    lines = _hostile_lines()
    accepted = _check_same(lines)
    assert 0 < accepted < len(lines)
    # a chunk with bad lines: the good ones still come out, in order, and each bad one is named by its line
    rows = list(validate_rows(list(enumerate(lines, start=1))))
    assert len(rows) == len(lines) and sum(not isinstance(r, StreamError) for r in rows) == accepted


def test_the_line_decoder_takes_every_entity_and_every_real_line() -> None:
    """The fast path is what the equality tests above exercise: it takes all four entities, every line of the real
    pages, and the hostile lines that are already in canonical form."""
    assert line_decoder_models() == ["contest", "problem", "submission", "test"]
    real = _real_lines()
    assert all(values is not None for values in decode_lines(real))
    taken = [line for line, values in zip(_hostile_lines(), decode_lines(_hostile_lines()), strict=True) if values]
    assert 10 < len(taken) < len(_accepted(_hostile_lines()))  # some are left to pydantic's coercions


def test_the_line_decoder_never_takes_a_line_the_models_refuse() -> None:
    lines = _hostile_lines()
    accepted = set(_accepted(lines))
    for line, values in zip(lines, decode_lines(lines), strict=True):
        if line not in accepted:
            assert values is None, line


def test_a_record_broken_over_two_lines_is_two_bad_lines() -> None:
    """Joining a chunk into one JSON array would read these two lines as one good contest."""
    lines = ['{"entity": "contest", "site": "aoj"\n', ', "contest_id": "1"}\n', _CONTEST + "}\n"]
    for found in (list(validate_rows(list(enumerate(lines, start=1)))), list(read_stream(lines))):
        assert [type(item).__name__ for item in found] == ["StreamError", "StreamError", found[2].__class__.__name__]
        assert [item.line for item in found[:2]] == [1, 2] and not isinstance(found[2], StreamError)  # type: ignore[union-attr]


def test_a_model_the_decoder_cannot_express_is_left_to_pydantic() -> None:
    from pydantic_core import core_schema

    from cpdata.schema import line_decoder

    fields = {"entity": core_schema.typed_dict_field(core_schema.literal_schema(["odd"]))}
    odd = core_schema.typed_dict_schema(fields)
    assert line_decoder._struct("odd", odd, {"str_to_lower": True}) is None  # changes what a str field gives
    made = line_decoder._struct("odd", odd, {"extra_fields_behavior": "forbid"})
    assert made is not None and made[1].name == "odd"
    # a field validator that is not a datetime's is kept raw, and validated by pydantic with its function
    wrapped = core_schema.no_info_after_validator_function(str.upper, core_schema.str_schema())
    assert line_decoder._spec(wrapped, {}) is None  # type: ignore[arg-type]
    assert line_decoder._spec(core_schema.str_schema(pattern="x"), {}) is None  # type: ignore[arg-type]


def test_derived_fields_follow_what_the_line_gave() -> None:
    rows = [r for r in validate_rows(list(enumerate(_hostile_lines()[:5], start=1))) if not isinstance(r, StreamError)]
    by_id = {values["submission_id"]: values for _, values in rows}
    assert by_id["1"]["is_correct"] is True and by_id["1"]["verdict"] == "accepted"
    assert by_id["2"]["is_correct"] is False  # given: kept, even against the verdict
    assert by_id["3"]["is_correct"] is None
    assert by_id["4"]["is_correct"] is None and by_id["4"]["language"] == "cpp"  # waiting for judge: undecided
    assert by_id["5"]["is_correct"] is True and by_id["5"]["verdict_raw"] is None


def test_fast_sqlite_datetime_binds_what_sqlalchemy_binds() -> None:
    sqlalchemy_bind: Any = sqlite.DATETIME().bind_processor(sqlite.dialect())  # type: ignore[no-untyped-call]
    draw = random.Random(7)
    values: list[Any] = [None, datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999), date(2020, 2, 29)]
    for _ in range(20_000):
        seconds, microseconds = draw.randrange(0, 315_537_897_599), draw.randrange(0, 10**6) * draw.randrange(2)
        offset = draw.choice([None, UTC, timezone(timedelta(hours=draw.randrange(-23, 24)))])
        values.append((datetime(1, 1, 1) + timedelta(seconds=seconds, microseconds=microseconds)).replace(tzinfo=offset))
    pydantic_made = ENTITY_ADAPTER.validate_json(json.dumps(_sub("1", created_at=1600000000)))
    values.append(pydantic_made.__dict__["created_at"])  # pydantic's own UTC tzinfo
    assert _sqlite_datetimes(values) == [sqlalchemy_bind(v) for v in values]


def test_fast_sqlite_booleans_bind_what_sqlalchemy_binds() -> None:
    from sqlalchemy import Boolean

    sqlalchemy_bind: Any = Boolean().bind_processor(sqlite.dialect())  # type: ignore[no-untyped-call]
    values = [None, True, False, 1, 0]
    assert _sqlite_booleans(values) == [sqlalchemy_bind(v) for v in values]
    assert all(type(v) is type(sqlalchemy_bind(w)) for v, w in zip(_sqlite_booleans(values), values, strict=True))
    for wrong in (2, "yes"):
        with pytest.raises((TypeError, ValueError, KeyError)):
            sqlalchemy_bind(wrong)
        with pytest.raises((TypeError, ValueError, KeyError)):
            _sqlite_booleans([wrong])


def test_a_model_validator_the_row_path_does_not_know_is_refused() -> None:
    from pydantic import model_validator

    from cpdata.schema import rows

    class Checked(Submission):
        @model_validator(mode="after")
        def _also(self) -> Checked:
            return self

    Checked.entity_name = "checked"
    with pytest.raises(TypeError, match="model validator"):
        rows._typed_dict_schema(Checked)


def test_real_lines_ingest_the_same_through_both_paths(tmp_path: Path) -> None:

    lines = _real_lines() + _hostile_lines()
    with Store(tmp_path / "models.sqlite") as by_models, Store(tmp_path / "rows.sqlite") as by_rows:
        by_models.ingest(e for e in read_stream(lines) if not isinstance(e, StreamError))
        _, errors = ingest_lines(by_rows, lines, batch_size=500, workers=1)
        assert _dump(by_models) == _dump(by_rows)
        assert len(errors) == len(lines) - sum(1 for _ in _accepted(lines))


def _accepted(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        try:
            ENTITY_ADAPTER.validate_json(line)
        except ValidationError:
            continue
        out.append(line)
    return out


def test_real_entities_read_back_from_the_driver_equal_validated_ones(tmp_path: Path) -> None:
    """The export reads SQLite rows from the driver's cursor and builds entities without validation: on real parsed
    pages (tags, booleans, datetimes, enums, None), each must equal what validating its own dump gives."""
    lines = _real_lines()
    with Store(tmp_path / "s.sqlite") as store:
        ingest_lines(store, lines, batch_size=500, workers=1)
        problems = [pair for batch in store.iter_problem_batches(batch_size=300) for pair in batch]
        keys = [problem.key for problem, _ in problems]
        tests = [t for found in store.tests_for(keys).values() for t in found]
        submissions = [s for found in store.submissions_for(keys, with_source=False).values() for s in found]
        assert (len(problems), len(tests), len(submissions)) == (
            store.count("problem"),
            store.count("test"),
            store.count("submission"),
        )
    read = [entity for pair in problems for entity in pair] + tests + submissions
    assert any(isinstance(e, Submission) and e.created_at is not None for e in read)
    for entity in read:
        assert entity.__dict__ == type(entity).model_validate(entity.model_dump()).__dict__, entity


def test_columns_no_row_of_a_batch_has_are_left_out_and_the_store_ends_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bound`` leaves out of a batch's statement the columns that none of its rows has a value for (sqlite3 binds a
    None slowly): a new row gets NULL there, a stored value stays, as when every column is bound."""
    from cpdata.schema.store import _CompiledWrite

    real = _real_lines()
    # the same submissions again with only their source code: every other optional column is None in that batch
    keys = ("entity", "site", "submission_id", "contest_id", "index")
    partial = [
        json.dumps({k: v for k, v in entity.items() if k in keys} | {"source_code": "int main() {}"})
        for entity in map(json.loads, real)
        if entity["entity"] == "submission"
    ]
    rows = [item[1] for item in validate_rows(list(enumerate(partial, start=1))) if not isinstance(item, StreamError)]
    upsert = compiled_upsert(sqlite.dialect(), table_of(Submission), False)  # type: ignore[no-untyped-call]
    sql, params = upsert.bound(rows)
    columns = sql.split("VALUES")[0]
    assert "verdict_raw" not in columns and "source_code" in columns and len(params[0]) == 5
    assert upsert.bound([]) == (upsert.sql, [])

    def everything_bound(self: _CompiledWrite, rows: list[dict[str, Any]]) -> tuple[str, Any]:
        return self.sql, self.parameters(rows)

    known = "SELECT COUNT(verdict_raw), COUNT(language), COUNT(created_at), COUNT(source_code) FROM submission"
    with Store(tmp_path / "left-out.sqlite") as left_out:
        ingest_lines(left_out, real, batch_size=300, workers=1)
        before = left_out.run_sql(known)[1]
        ingest_lines(left_out, partial, batch_size=300, workers=1)
        after = left_out.run_sql(known)[1]
        left_dump = _dump(left_out)
    assert before[0][:3] == after[0][:3] and min(before[0][:3]) > 100  # nothing known was erased
    assert before[0][3] == 0 and after[0][3] == len(partial)
    monkeypatch.setattr(_CompiledWrite, "bound", everything_bound)
    with Store(tmp_path / "all.sqlite") as all_bound:
        for lines in (real, partial):
            ingest_lines(all_bound, lines, batch_size=300, workers=1)
        assert left_dump == _dump(all_bound)
