"""The store: open (any SQLAlchemy URL), migrate, upsert entities idempotently, and read them back in key order.

SQLite is the default (a file under ``data/``), tuned for one writer and many readers (WAL, foreign keys on).
PostgreSQL works through the same code: the upserts use each dialect's ``INSERT .. ON CONFLICT``.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import Boolean, Connection, Engine, Table, create_engine, event, func, inspect, or_, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from cpdata.schema.enums import Language, Site, TestKind, TestOrigin, Verdict
from cpdata.schema.errors import StoreError, StoreLocked
from cpdata.schema.location import DEFAULT_DB_PATH, ENV_DB, resolve_db_url
from cpdata.schema.migrations import SCHEMA_VERSION, migrate
from cpdata.schema.models import Contest, Problem, ProblemKey, ProblemProgram, Submission, Test, to_utc
from cpdata.schema.tables import (
    ContestRow,
    CrawlUnitRow,
    ProblemClusterRow,
    ProblemProgramRow,
    ProblemRow,
    SubmissionRow,
    TestRow,
)

__all__ = [
    "DEFAULT_DB_PATH",
    "ENV_DB",
    "SCHEMA_VERSION",
    "ClusterInfo",
    "CrawlUnit",
    "IngestReport",
    "Store",
    "StoreError",
    "StoreLocked",
    "is_lock_error",
    "lock_timeout",
    "resolve_db_url",
]


_MODEL_TABLE: dict[type, Table] = {
    Contest: ContestRow.__table__,  # type: ignore[attr-defined]
    Problem: ProblemRow.__table__,  # type: ignore[attr-defined]
    Test: TestRow.__table__,  # type: ignore[attr-defined]
    Submission: SubmissionRow.__table__,  # type: ignore[attr-defined]
}
_MODEL_NAMES: dict[type, str] = {model: model.entity_name for model in (Contest, Problem, Test, Submission)}
# Parents before children, so that foreign keys hold inside one transaction.
_WRITE_ORDER = (Contest, Problem, Test, Submission)
ENV_LOCK_TIMEOUT = "CPDATA_LOCK_TIMEOUT"


def redact_url(url: str) -> str:
    """The URL with any password masked, for manifests and messages."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class CrawlUnit:
    """A unit of crawl work as the store keeps it (the scraper's Request, with its site)."""

    site: str
    url: str
    kind: str
    priority: int = 5
    meta: dict[str, Any] = field(default_factory=dict)


class ClusterInfo(NamedTuple):  # a tuple of plain values: 100k of them are read per export, and left untracked by the GC
    exact_group: str | None
    cluster: str
    cluster_release: datetime | None
    similarity: float | None


@dataclass
class IngestReport:
    """What an ingest stored, per entity kind; errors are kept by the caller that knows line numbers."""

    stored: Counter[str] = field(default_factory=Counter)
    """Entities received and written, per kind."""
    changed: Counter[str] = field(default_factory=Counter)
    """Rows that were new or different; zero when the same stream is ingested twice."""
    batches: int = 0

    def add(self, other: tuple[Counter[str], Counter[str]]) -> None:
        self.stored.update(other[0])
        self.changed.update(other[1])
        self.batches += 1


def table_of(model: type) -> Table:
    return _MODEL_TABLE[model]


def parent_keys(by_type: dict[type, list[Any]]) -> tuple[set[tuple[str, str]], set[ProblemKey]]:
    """The contests and problems that the entities of a batch hang from."""
    return row_parent_keys({name: [e.__dict__ for e in by_type.get(model, ())] for model, name in _MODEL_NAMES.items()})


def row_parent_keys(rows: dict[str, list[dict[str, Any]]]) -> tuple[set[tuple[str, str]], set[ProblemKey]]:
    """The contests and problems that a batch hangs from, given each entity's field values by entity name."""
    # Keys are gathered as they are (set comprehensions, a batch's thousands of rows hang from a few parents) and
    # only the few distinct ones get plain site names.
    contests: set[tuple[Any, str]] = set()
    problems: set[tuple[Any, str, str]] = set()
    for name in ("problem", "test", "submission"):
        found = rows.get(name)
        if found:
            contests |= {(values["site"], values["contest_id"]) for values in found}
            if name != "problem":
                problems |= {(values["site"], values["contest_id"], values["index"]) for values in found}
    return (
        {(_PLAIN_VALUES.get(site, site), contest) for site, contest in contests},
        {(_PLAIN_VALUES.get(site, site), contest, index) for site, contest, index in problems},
    )


def _dialect_insert(dialect: Any) -> Any:
    if dialect.name == "sqlite":
        return sqlite.insert
    if dialect.name == "postgresql":
        return postgresql.insert
    raise StoreError(f"upserts are implemented for SQLite and PostgreSQL, not {dialect.name}")


_COMPILED: dict[tuple[str, str, str, bool], _CompiledWrite] = {}


def compiled_upsert(dialect: Any, table: Table, fill_only: bool) -> _CompiledWrite:
    """The upsert of a table for a dialect, compiled once per process."""
    key = (dialect.name, str(getattr(dialect, "driver", "")), table.name, fill_only)
    cached = _COMPILED.get(key)
    if cached is None:
        stmt = _dialect_insert(dialect)(table)
        keys = [c.name for c in table.primary_key.columns]
        values = [c for c in table.columns if c.name not in keys]
        if fill_only:
            assignments = {c.name: func.coalesce(c, stmt.excluded[c.name]) for c in values}
            changed = or_(*(c.is_(None) & stmt.excluded[c.name].is_not(None) for c in values))
        else:
            # A known value is never erased by an unknown one (a status page re-read must not drop fetched source
            # code), and a row is only rewritten when something really changed, so a second ingest writes nothing.
            assignments = {c.name: func.coalesce(stmt.excluded[c.name], c) for c in values}
            changed = or_(*(stmt.excluded[c.name].is_not(None) & stmt.excluded[c.name].is_distinct_from(c) for c in values))
        upsert = stmt.on_conflict_do_update(index_elements=keys, set_=assignments, where=changed)
        cached = _COMPILED[key] = _CompiledWrite(upsert, table, dialect)
    return cached


class _CompiledWrite:
    """An upsert (or insert) compiled once per table, run with ``executemany`` on the driver directly.

    Ingest is the hot path (millions of submissions): going through SQLAlchemy's per-row parameter machinery
    cost more than SQLite itself. The values still pass through each column type's own bind processor, so what
    is stored is exactly what SQLAlchemy would store.
    """

    def __init__(self, statement: Any, table: Table, dialect: Any) -> None:
        self._statement = statement
        self._dialect = dialect
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        names = list(compiled.positiontup) if compiled.positiontup else list(compiled.binds)
        self.positional = compiled.positiontup is not None
        self.names = names
        # Enum members are bound as their plain values on every driver: sqlite3 binds a str subclass as text too,
        # but only after looking for an adapter and a __conform__ on it, which tripled the cost of binding it.
        converters = [_column_converter(table.c[name], dialect) for name in names]
        self._conversions = [(position, convert) for position, convert in enumerate(converters) if convert is not None]
        self._fetch = itemgetter(*names) if len(names) > 1 else (lambda values: (values[names[0]],))
        # Columns a batch may leave out when none of its rows has a value: without a default, a column left out of an
        # INSERT is NULL, and the upserts' assignments keep the stored value where the new one is NULL.
        keys = {c.name for c in table.primary_key.columns}
        self._optional = [
            position
            for position, name in enumerate(names)
            if name not in keys and table.c[name].default is None and table.c[name].server_default is None
        ]
        self._variants: dict[tuple[int, ...], str] = {}

    def parameters(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]] | list[dict[str, Any]]:
        """The driver's parameters for field values (an entity's ``__dict__``, or a row from ``cpdata.schema.rows``)."""
        return self._rows(self.names, self._columns(rows)) if rows else []

    def bound(self, rows: list[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]] | list[dict[str, Any]]]:
        """The statement and its parameters for these rows, without the columns that none of them has a value for.

        sqlite3 binds a None through its adapter lookup (as it does a str subclass), at a cost that made a plain
        insert of 16 columns with 5 of them None take 1.4 times as long as one of the 11 others."""
        if not rows:
            return self.sql, []
        columns = self._columns(rows)
        absent = tuple(p for p in self._optional if columns[p].count(None) == len(rows))
        if not absent:
            return self.sql, self._rows(self.names, columns)
        sql = self._variants.get(absent)
        if sql is None:
            present = [name for position, name in enumerate(self.names) if position not in absent]
            sql = self._variants[absent] = str(self._statement.compile(dialect=self._dialect, column_keys=present))
        kept = [position for position in range(len(self.names)) if position not in absent]
        return sql, self._rows([self.names[p] for p in kept], [columns[p] for p in kept])

    def _columns(self, rows: list[dict[str, Any]]) -> list[Any]:
        # A column at a time: the rows' values are fetched and turned into columns by C-level loops (itemgetter, zip),
        # the columns that need it are converted (map, a list comprehension), and zip makes the rows' tuples again;
        # a row at a time cost three times as much.
        columns: list[Any] = list(zip(*map(self._fetch, rows), strict=True))
        for position, convert in self._conversions:
            columns[position] = convert(columns[position])
        return columns

    def _rows(self, names: list[str], columns: list[Any]) -> list[tuple[Any, ...]] | list[dict[str, Any]]:
        params: list[tuple[Any, ...]] = list(zip(*columns, strict=True))
        if self.positional:
            return params
        return [dict(zip(names, row, strict=True)) for row in params]


_Converter = Callable[[list[Any]], list[Any]]


def _column_converter(column: Any, dialect: Any) -> _Converter | None:
    """What turns a column's values into the driver's: the column type's bind processor (or an equal but faster
    one where we have it), after enum members are made plain strings."""
    impl = column.type.dialect_impl(dialect)
    if isinstance(impl, sqlite.DATETIME) and impl._storage_format == _SQLITE_DATETIME_FORMAT:
        return _sqlite_datetimes
    if isinstance(impl, Boolean) and dialect.name == "sqlite":
        return _sqlite_booleans
    process = impl.bind_processor(dialect)
    if column.name in _ENUM_COLUMNS:
        return _plain_strings if process is None else (lambda values: list(map(process, _plain_strings(values))))
    return None if process is None else (lambda values: list(map(process, values)))


_SQLITE_DATETIME_FORMAT = sqlite.DATETIME()._storage_format  # type: ignore[no-untyped-call]
_ENUM_COLUMNS = frozenset({"site", "kind", "origin", "language", "verdict"})
_ENUMS = (Site, Language, Verdict, TestKind, TestOrigin)
_PLAIN_VALUES: dict[Any, str] = {member: member.value for enum in _ENUMS for member in enum}


def _plain_strings(values: list[Any]) -> list[Any]:
    """Our enum members as their plain values; anything else (None, a plain string) as it is."""
    return list(map(_PLAIN_VALUES.get, values, values))


_SQLITE_BOOLEAN: dict[Any, int | None] = {None: None, False: 0, True: 1}


def _sqlite_booleans(values: list[Any]) -> list[int | None]:
    """What SQLAlchemy's Boolean binds on SQLite (0 or 1; anything but a bool, 0, 1 or None is refused), by one
    dict lookup a value instead of two calls."""
    return list(map(_SQLITE_BOOLEAN.__getitem__, values))


def _sqlite_datetimes(values: list[Any]) -> list[str | None]:
    """What SQLAlchemy's SQLite DATETIME stores (``%Y-%m-%d %H:%M:%S.%f``, the offset dropped), at a tenth of the
    cost: its processor fills a dict and a %-format for every value, millions of times in an ingest. The date and the
    time are formatted apart because a datetime's own isoformat formats its UTC offset too (half of its cost), only
    for it to be cut off."""
    return [
        None
        if value is None
        else f"{value.date().isoformat()} {value.time().isoformat('microseconds')}"
        if type(value) is datetime
        # a date, or a subclass: SQLAlchemy's own rules
        else cast(str | None, _SQLALCHEMY_SQLITE_DATETIME(value))
        for value in values
    ]


_SQLALCHEMY_SQLITE_DATETIME: Any = sqlite.DATETIME().bind_processor(sqlite.dialect())  # type: ignore[no-untyped-call]


class Store:
    """One database. Cheap to create; holds a connection pool. Use as a context manager or call ``close``."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.url = resolve_db_url(db)
        url = make_url(self.url)
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database)
            if not create and not path.exists():
                raise StoreError(f"no store at {path} (run a scrape or `cpdata ingest` first)")
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(self.url, pool_pre_ping=self.dialect != "sqlite")
        except Exception as exc:  # bad driver names, missing DBAPI packages
            raise StoreError(f"cannot open store {redact_url(self.url)}: {exc}") from exc
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrate(self.engine)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open store {redact_url(self.url)}: {exc}") from exc

    def wait_for_writer(self, notify: Callable[[str], None] | None = None) -> None:
        """Return when this store can be written: at once when no other writer holds SQLite's lock, else after it
        lets go (saying so through ``notify`` first), or raise ``StoreLocked`` after the lock timeout."""
        if self.dialect != "sqlite" or not make_url(self.url).database or make_url(self.url).database == ":memory:":
            return
        path = str(make_url(self.url).database)
        for timeout in (0.0, lock_timeout()):
            probe = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return
            except sqlite3.OperationalError as exc:
                if not is_lock_error(exc):
                    raise
                if timeout == 0.0 and notify is not None:
                    notify(f"{path} is being written by another process; waiting up to {lock_timeout():g} s for it")
            finally:
                probe.close()
        raise StoreLocked(
            f"{path} stayed locked by another writer for {lock_timeout():g} s. Run again when it has finished "
            f"(or wait longer: {ENV_LOCK_TIMEOUT}=300)"
        )

    # -- lifecycle -------------------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM cpdata_meta WHERE key = 'schema_version'")).scalar_one()
        return int(value)

    # -- writing ---------------------------------------------------------------------------------------
    def write(
        self, entities: Sequence[Contest | Problem | Test | Submission], *, fill_only: bool = False
    ) -> tuple[Counter[str], Counter[str]]:
        """Upsert one batch in one transaction; return (written, changed) counts per entity kind.

        Re-writing the same entities changes nothing. With ``fill_only`` a stored value is never replaced, only
        a missing one filled (an import must not overwrite what was scraped)."""
        with self.engine.begin() as conn:
            return self._write_entities(conn, entities, fill_only=fill_only)

    def _write_entities(
        self, conn: Connection, entities: Sequence[Contest | Problem | Test | Submission], *, fill_only: bool = False
    ) -> tuple[Counter[str], Counter[str]]:
        by_type: dict[type, list[Any]] = {}
        for entity in entities:
            by_type.setdefault(type(entity), []).append(entity)
        stored: Counter[str] = Counter()
        changed: Counter[str] = Counter()
        self._write_parents(conn, by_type)
        for model in _WRITE_ORDER:
            batch = by_type.get(model)
            if batch:
                changed[model.entity_name] += self._upsert(conn, _MODEL_TABLE[model], batch, fill_only)
                stored[model.entity_name] += len(batch)
        return stored, changed

    def replace_generated_tests(self, key: ProblemKey, tests: Sequence[Test]) -> None:
        """A problem's generated tests replaced by ``tests`` in one transaction (a search's final set): a crash leaves
        the old set or the new one, never a mix."""
        table = TestRow.__table__  # type: ignore[attr-defined]
        where = [table.c.site == key[0], table.c.contest_id == key[1], table.c["index"] == key[2], table.c.kind == "generated"]
        with self.engine.begin() as conn:
            conn.execute(table.delete().where(*where))
            if tests:
                self._write_entities(conn, tests)

    # -- crawl units -----------------------------------------------------------------------------------
    def add_units(self, units: Sequence[CrawlUnit], requeue_before: datetime | None = None) -> int:
        """Record units of work; return how many are pending now that were not before."""
        with self.engine.begin() as conn:
            return self._add_units(conn, units, requeue_before)

    def _add_units(self, conn: Connection, units: Sequence[CrawlUnit], requeue_before: datetime | None) -> int:
        if not units:
            return 0
        table = CrawlUnitRow.__table__  # type: ignore[attr-defined]
        now = datetime.now(UTC)
        rows = [
            {
                "site": u.site,
                "url": u.url,
                "kind": u.kind,
                "priority": u.priority,
                "meta": u.meta or None,
                "state": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for u in {u.url: u for u in units}.values()
        ]
        stmt = self.insert(table)
        if requeue_before is None:
            result = conn.execute(stmt.on_conflict_do_nothing(), rows)
        else:
            # --refresh / --max-age: work done before the cut-off is done again
            stale = (table.c.state != "pending") & (table.c.updated_at < requeue_before)
            result = conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["site", "url"], set_={"state": "pending", "updated_at": now, "error": None}, where=stale
                ),
                rows,
            )
        return max(int(result.rowcount), 0)

    def next_units(self, site: str, limit: int) -> list[CrawlUnit]:
        table = CrawlUnitRow.__table__  # type: ignore[attr-defined]
        query = (
            select(table.c.site, table.c.url, table.c.kind, table.c.priority, table.c.meta)
            .where((table.c.site == site) & (table.c.state == "pending"))
            .order_by(table.c.priority, table.c.created_at, table.c.url)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [CrawlUnit(r.site, r.url, r.kind, r.priority, dict(r.meta or {})) for r in conn.execute(query)]

    def finish_unit(
        self,
        unit: CrawlUnit,
        entities: Sequence[Contest | Problem | Test | Submission],
        follow: Sequence[CrawlUnit],
        requeue_before: datetime | None = None,
    ) -> tuple[Counter[str], Counter[str]]:
        """Store what a unit produced, record its follow-up units and mark it done: all or nothing."""
        table = CrawlUnitRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            counts = self._write_entities(conn, entities)
            self._add_units(conn, follow, requeue_before)
            conn.execute(
                table.update()
                .where((table.c.site == unit.site) & (table.c.url == unit.url))
                .values(state="done", error=None, attempts=table.c.attempts + 1, updated_at=datetime.now(UTC))
            )
        return counts

    def fail_unit(self, unit: CrawlUnit, error: str) -> None:
        table = CrawlUnitRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(
                table.update()
                .where((table.c.site == unit.site) & (table.c.url == unit.url))
                .values(state="failed", error=error, attempts=table.c.attempts + 1, updated_at=datetime.now(UTC))
            )

    def requeue_failed(self, site: str) -> int:
        """Failed units get another go at the start of every run (served from the cache when it has them)."""
        table = CrawlUnitRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            result = conn.execute(
                table.update().where((table.c.site == site) & (table.c.state == "failed")).values(state="pending")
            )
            return max(int(result.rowcount), 0)

    # -- duplicate clusters ----------------------------------------------------------------------------
    def replace_clusters(self, rows: Iterable[dict[str, Any]]) -> None:
        """Replace the recorded duplicate clusters with a new finding, in one transaction (rows written 10,000 at a
        time: a stream of them is never held whole)."""
        table = ProblemClusterRow.__table__  # type: ignore[attr-defined]
        insert = _CompiledWrite(table.insert(), table, self.engine.dialect)  # the driver's executemany, as ingest does
        with self.engine.begin() as conn:
            conn.execute(table.delete())
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 10_000:
                    conn.exec_driver_sql(*insert.bound(batch))
                    batch = []
            if batch:
                conn.exec_driver_sql(*insert.bound(batch))

    def clusters(self) -> dict[ProblemKey, ClusterInfo]:
        """Every problem with a twin: its exact group, cluster, the cluster's release and its similarity."""
        return self._cluster_rows(only_exact=False)

    def exact_groups(self) -> dict[ProblemKey, str]:
        """The problems that have an exact twin, with their group (few, where ``clusters`` may be every problem)."""
        return {key: str(info.exact_group) for key, info in self._cluster_rows(only_exact=True).items()}

    def _cluster_rows(self, *, only_exact: bool) -> dict[ProblemKey, ClusterInfo]:
        table = ProblemClusterRow.__table__  # type: ignore[attr-defined]
        columns = ("site", "contest_id", "index", "exact_group", "cluster", "cluster_release", "similarity")
        query = select(*(table.c[name] for name in columns))
        if only_exact:
            query = query.where(table.c.exact_group.is_not(None))
        with self.engine.connect() as conn:
            _, processors, rows = _select(conn, query)
            process = processors[5] if processors is not None else None
            releases: dict[Any, datetime | None] = {}  # a cluster's members share its release: convert it once

            def release_of(value: Any) -> datetime | None:
                found = releases.get(value)
                if found is None and value is not None:
                    found = releases[value] = to_utc(process(value) if process is not None else value)
                return found

            return {
                (site, contest_id, index): ClusterInfo(exact, cluster, release_of(release), similarity)
                for site, contest_id, index, exact, cluster, release, similarity in rows
            }

    def unit_states(self, site: str) -> dict[str, int]:
        _, rows = self.run_sql("SELECT state, COUNT(*) FROM crawl_unit WHERE site = :site GROUP BY state", {"site": site})
        return {str(state): int(n) for state, n in rows}

    def ingest(self, entities: Iterable[Contest | Problem | Test | Submission], batch_size: int = 5000) -> IngestReport:
        """Write a stream of entities in batches (one transaction each), so memory stays flat.

        (Writing in a background thread while the next batch is validated was measured slower: the GIL is
        held for most of both halves. See bench/ingest.py.)
        """
        report = IngestReport()
        batch: list[Contest | Problem | Test | Submission] = []
        for entity in entities:
            batch.append(entity)
            if len(batch) >= batch_size:
                report.add(self.write(batch))
                batch = []
        if batch:
            report.add(self.write(batch))
        return report

    def _write_parents(self, conn: Connection, by_type: dict[type, list[Any]]) -> None:
        self._insert_parents(conn, *parent_keys(by_type))

    def _insert_parents(self, conn: Connection, contests: set[tuple[str, str]], problems: set[ProblemKey]) -> None:
        # A child may arrive before its parent (a status page parsed before the problem page): create the bare
        # parent row now, and let the parent's own upsert fill it in later.
        if contests:
            rows = [{"site": s, "contest_id": c} for s, c in sorted(contests)]
            self._insert_missing(conn, _MODEL_TABLE[Contest], rows)
        if problems:
            rows = [{"site": s, "contest_id": c, "index": i} for s, c, i in sorted(problems)]
            self._insert_missing(conn, _MODEL_TABLE[Problem], rows)

    def insert(self, table: Table) -> Any:
        """This dialect's INSERT for ``table``, which has ``on_conflict_do_nothing``/``_do_update`` (SQLite, PostgreSQL)."""
        return _dialect_insert(self.engine.dialect)(table)

    def write_prepared(
        self,
        rows: dict[str, tuple[str, list[Any]]],
        contests: set[tuple[str, str]],
        problems: set[ProblemKey],
        counts: Counter[str],
    ) -> tuple[Counter[str], Counter[str]]:
        """Write rows prepared by ``cpdata.schema.bulk`` (each entity's upsert and its parameters, from
        ``compiled_upsert(...).bound``) in one transaction."""
        changed: Counter[str] = Counter()
        with self.engine.connect() as conn, _parents_made_here(conn), conn.begin():
            self._insert_parents(conn, contests, problems)
            for model in _WRITE_ORDER:
                bound = rows.get(model.entity_name)
                if bound:
                    result = conn.exec_driver_sql(*bound)
                    changed[model.entity_name] += max(int(result.rowcount), 0)
        return Counter(counts), changed

    def _insert_missing(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        stmt = self.insert(table).on_conflict_do_nothing()
        conn.execute(stmt, rows)

    def _upsert(self, conn: Connection, table: Table, entities: list[Any], fill_only: bool = False) -> int:
        result = conn.exec_driver_sql(*self._compiled_upsert(table, fill_only).bound([e.__dict__ for e in entities]))
        return max(int(result.rowcount), 0)

    def _compiled_upsert(self, table: Table, fill_only: bool = False) -> _CompiledWrite:
        return compiled_upsert(self.engine.dialect, table, fill_only)

    # -- reading ---------------------------------------------------------------------------------------
    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one())

    def iter_problem_batches(self, batch_size: int = 500) -> Iterator[list[tuple[Problem, Contest]]]:
        """Every problem with its contest, in key order, a batch at a time (keyset pagination: flat memory)."""
        problem_t = _MODEL_TABLE[Problem]
        contest_t = _MODEL_TABLE[Contest]
        key_cols = (problem_t.c.site, problem_t.c.contest_id, problem_t.c["index"])
        last: tuple[str, str, str] | None = None
        while True:
            query = (
                select(problem_t, *(c.label(f"contest__{c.name}") for c in contest_t.columns))
                .join(contest_t, (contest_t.c.site == problem_t.c.site) & (contest_t.c.contest_id == problem_t.c.contest_id))
                .order_by(*key_cols)
                .limit(batch_size)
            )
            if last is not None:
                query = query.where(tuple_(*key_cols) > tuple_(*last))
            with self.engine.connect() as conn:
                names, processors, result = _select(conn, query)
                rows = list(result)
            if not rows:
                return
            read_problem = _RowReader(Problem, names, processors).read
            contest_names = [n.removeprefix("contest__") if n.startswith("contest__") else "" for n in names]
            read_contest = _RowReader(Contest, contest_names, processors).read
            batch = [(read_problem(row), read_contest(row)) for row in rows]
            last = batch[-1][0].key
            yield batch

    def problem(self, key: ProblemKey) -> Problem | None:
        """One problem by its key (None if the store has no such problem)."""
        table = _MODEL_TABLE[Problem]
        query = select(table).where(table.c.site == key[0], table.c.contest_id == key[1], table.c["index"] == key[2])
        with self.engine.connect() as conn:
            result = conn.execute(query)
            names = list(result.keys())
            row = result.first()
        return None if row is None else _RowReader(Problem, names)(row)

    def tests_for(self, keys: Sequence[ProblemKey]) -> dict[ProblemKey, list[Test]]:
        table = _MODEL_TABLE[Test]
        found: dict[ProblemKey, list[Test]] = {k: [] for k in keys}
        if not keys:
            return found
        query = select(table).where(*_key_range(table, keys)).order_by(table.c.kind, table.c.ordinal)
        with self.engine.connect() as conn:
            columns, processors, rows = _select(conn, query)
            read = _RowReader(Test, columns, processors).read
            at = itemgetter(*map(columns.index, ("site", "contest_id", "index")))
            for row in rows:
                tests = found.get(at(row))
                if tests is not None:
                    tests.append(read(row))
        return found

    def submissions_for(self, keys: Sequence[ProblemKey], *, with_source: bool = True) -> dict[ProblemKey, list[Submission]]:
        """Submissions of these problems (by default only those whose source code we have), oldest first."""
        table = _MODEL_TABLE[Submission]
        found: dict[ProblemKey, list[Submission]] = {k: [] for k in keys}
        if not keys:
            return found
        query = select(table).where(*_key_range(table, keys))
        if with_source:
            query = query.where(table.c.source_code.is_not(None))
        query = query.order_by(table.c.created_at, table.c.submission_id)
        with self.engine.connect() as conn:
            columns, processors, rows = _select(conn, query)
            read = _RowReader(Submission, columns, processors).read
            at = itemgetter(*map(columns.index, ("site", "contest_id", "index")))
            for row in rows:
                solutions = found.get(at(row))
                if solutions is not None:
                    solutions.append(read(row))
        return found

    def write_programs(self, programs: Sequence[ProblemProgram]) -> int:
        """Upsert a problem's validators and checkers (idempotent); return how many were written."""
        if not programs:
            return 0
        table = ProblemProgramRow.__table__  # type: ignore[attr-defined]
        rows = [p.model_dump(mode="json") for p in programs]
        insert = self.insert(table)
        keys = ["site", "contest_id", "index", "role", "name"]
        statement = insert.on_conflict_do_update(
            index_elements=keys, set_={c: insert.excluded[c] for c in ("language", "files", "entry")}
        )
        with self.engine.begin() as conn:
            conn.execute(statement, rows)
        return len(rows)

    def delete_program(self, program: ProblemProgram) -> None:
        table = ProblemProgramRow.__table__  # type: ignore[attr-defined]
        condition = [table.c[k] == getattr(program, k) if k != "site" else table.c.site == program.site.value
                     for k in ("site", "contest_id", "index", "role", "name")]  # fmt: skip
        with self.engine.begin() as conn:
            conn.execute(table.delete().where(*condition))

    def programs_for(self, key: ProblemKey) -> list[ProblemProgram]:
        table = ProblemProgramRow.__table__  # type: ignore[attr-defined]
        query = select(table).where(table.c.site == key[0], table.c.contest_id == key[1], table.c["index"] == key[2])
        with self.engine.connect() as conn:
            return [
                ProblemProgram.model_validate(dict(row))
                for row in conn.execute(query.order_by(table.c.role, table.c.name)).mappings()
            ]

    def run_sql(self, sql: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a user's SQL; return column names and rows (empty for statements that return none)."""
        with self.engine.begin() as conn:
            result = conn.execute(text(sql), params or {})
            if not result.returns_rows:
                return [], []
            return list(result.keys()), [tuple(r) for r in result.fetchall()]

    def run_user_sql(self, sql: str, *, write: bool = False) -> tuple[list[str], list[tuple[Any, ...]], int]:
        """A person's SQL: (columns, rows, rows changed). Read-only unless ``write``: SQLite's ``query_only`` on this
        connection, a ``READ ONLY`` transaction on PostgreSQL, so a stray ``DELETE`` fails instead of deleting."""
        with self.engine.connect() as conn:
            if not write:
                if self.dialect == "sqlite":
                    conn.exec_driver_sql("PRAGMA query_only = ON")
                else:
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                result = conn.execute(text(sql))
                columns, rows = (
                    ([], []) if not result.returns_rows else (list(result.keys()), [tuple(r) for r in result.fetchall()])
                )
                changed = result.rowcount if not result.returns_rows and result.rowcount and result.rowcount > 0 else 0
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            finally:
                if not write and self.dialect == "sqlite":
                    conn.exec_driver_sql("PRAGMA query_only = OFF")  # the connection goes back to the pool
        return columns, rows, changed

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())


def _select(conn: Connection, query: Any) -> tuple[list[str], list[Any] | None, Iterable[Sequence[Any]]]:
    """Run a SELECT: (column names, the driver-to-Python conversion of each column or None, rows).

    On SQLite the rows come from the driver's own cursor as plain tuples, with SQLAlchemy's conversions given
    apart for the reader to apply (its per-row Row objects cost as much as building our entities); elsewhere from
    SQLAlchemy, converted already."""
    if conn.dialect.name != "sqlite":
        result = conn.execute(query)
        return list(result.keys()), None, result
    compiled = query.compile(dialect=conn.dialect)
    parameters = compiled.params
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(str(compiled), [parameters[name] for name in compiled.positiontup or ()])
    names: list[str] = [str(column[0]) for column in cursor.description]
    processors = [_result_processor(conn.dialect, getattr(column, "element", column)) for column in query.selected_columns]
    return names, processors, cast(Iterable[Sequence[Any]], cursor)


_RESULT_PROCESSORS: dict[tuple[str, str, str], Any] = {}


def _result_processor(dialect: Any, column: Any) -> Any:
    """SQLAlchemy's driver-to-Python conversion of a table column (of the column a label names), made once: the
    same function each time, so that the readers made for it are made once too."""
    key = (dialect.name, getattr(getattr(column, "table", None), "name", ""), column.name)
    if key not in _RESULT_PROCESSORS:
        _RESULT_PROCESSORS[key] = column.type.dialect_impl(dialect).result_processor(dialect, None)
    return _RESULT_PROCESSORS[key]


def _key_range(table: Table, keys: Sequence[ProblemKey]) -> tuple[Any]:
    # Per site, an equality on `site` and a range over (contest_id, index), rather than a row-value IN list or a
    # range over the whole key: SQLite (without ANALYZE statistics) scans the table for the former and a whole
    # site for the latter, which made exports quadratic. Callers pass keys in store order (a batch of
    # iter_problem_batches), so each range holds little besides them.
    per_site: dict[str, list[tuple[str, str]]] = {}
    for site, contest_id, index in keys:
        per_site.setdefault(site, []).append((contest_id, index))
    rest = tuple_(table.c.contest_id, table.c["index"])
    return (
        or_(
            *(
                (table.c.site == site) & (rest >= tuple_(*min(pairs))) & (rest <= tuple_(*max(pairs)))
                for site, pairs in per_site.items()
            )
        ),
    )


class _RowReader:
    """Entities from rows of our own tables. Each row was validated when it went in, so it is not validated again
    (``model_construct``, several times faster): only what a column cannot give back as the model holds it is
    converted, text to its enum and naive SQLite datetimes to aware UTC ones. ``processors`` (one per column, or
    None) are the driver-to-Python conversions SQLAlchemy would have made, for rows read from the driver itself."""

    def __init__(self, model: type[Any], columns: Sequence[str], processors: Sequence[Any] | None = None) -> None:
        self.model = model
        self.read = _reader_for(cast(Hashable, model), tuple(columns), None if processors is None else tuple(processors))
        """The reader itself: a function made for these columns, each field's conversion written out in it."""

    def __call__(self, row: Sequence[Any]) -> Any:
        return self.read(row)


@functools.lru_cache(maxsize=64)  # a few layouts, each read batch after batch
def _reader_for(model: Any, columns: tuple[str, ...], processors: tuple[Any, ...] | None) -> Callable[[Sequence[Any]], Any]:
    positions = [(i, name) for i, name in enumerate(columns) if name in model.model_fields and name != "entity"]
    given = {name for _, name in positions}
    defaults = {
        name: info.get_default(call_default_factory=True) for name, info in model.model_fields.items() if name not in given
    }
    return _generated_reader(model, positions, processors, defaults, frozenset(given))


def _generated_reader(
    model: type[Any],
    positions: list[tuple[int, str]],
    processors: Sequence[Any] | None,
    defaults: dict[str, Any],
    fields_set: frozenset[str],
) -> Callable[[Sequence[Any]], Any]:
    """A reader function written for one model and one column layout (as dataclasses write their __init__): a dict
    display with every field's conversion inline reads a row in about half the time of a generic loop over the
    fields, and the export reads millions of rows. What it does per row is what pydantic's ``model_construct``
    does, without its per-field Python loop."""
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "set_attribute": object.__setattr__,
        "model": model,
        "fields_set": fields_set,
        "to_utc": to_utc,
    }
    entries = []
    for position, name in positions:
        value = f"row[{position}]"
        process = processors[position] if processors is not None else None
        if process is not None:
            namespace[f"process_{position}"] = process
            value = f"process_{position}({value})"
        kind = _plain_type(model.model_fields[name].annotation)
        if isinstance(kind, type) and issubclass(kind, Enum):
            namespace[f"members_{position}"] = {None: None, **kind._value2member_map_}  # an unknown value: KeyError
            value = f"members_{position}[{value}]"
        elif kind is datetime:
            value = f"to_utc({value})"
        entries.append(f"{name!r}: {value}")
    for number, (name, default) in enumerate(defaults.items()):
        namespace[f"default_{number}"] = default  # only immutable defaults here: the entity literal
        entries.append(f"{name!r}: default_{number}")
    source = "\n".join(
        [
            "def read(row):",
            "    instance = new(model)",
            f"    set_attribute(instance, '__dict__', {{{', '.join(entries)}}})",
            "    set_attribute(instance, '__pydantic_fields_set__', set(fields_set))",
            "    set_attribute(instance, '__pydantic_extra__', None)",
            "    set_attribute(instance, '__pydantic_private__', None)",
            "    return instance",
        ]
    )
    exec(compile(source, f"<row reader of {model.__name__}>", "exec"), namespace)
    return cast(Callable[[Sequence[Any]], Any], namespace["read"])


def _plain_type(annotation: Any) -> Any:
    """``X`` of ``X``, ``X | None`` or ``Annotated[X, ...]``."""
    import typing

    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


@contextmanager
def _parents_made_here(conn: Connection) -> Iterator[None]:
    """SQLite without its per-row foreign-key lookups, for a write that inserts every parent of its rows first in
    the same transaction (``write_prepared``): the lookups cannot fail there, and cost a tenth of an ingest's write.
    The connection gets its checks back before it returns to the pool, whatever happens."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction: inside one, SQLite ignores it
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; a crash loses at most the last batch
    cursor.execute(f"PRAGMA busy_timeout={round(lock_timeout() * 1000)}")
    cursor.close()


def lock_timeout() -> float:
    """Seconds a writer waits for another one to finish (``$CPDATA_LOCK_TIMEOUT``, default 30)."""
    try:
        return max(0.0, float(os.environ.get(ENV_LOCK_TIMEOUT, "30")))
    except ValueError:
        return 30.0


def is_lock_error(exc: BaseException) -> bool:
    """Is this the database saying another writer holds the lock (after our busy timeout ran out)?"""
    return "database is locked" in str(exc) or "database table is locked" in str(exc)
