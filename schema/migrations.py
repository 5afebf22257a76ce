"""Schema versions. A new store is created at the current version in one go; an older one is upgraded step by step.

To change the schema: edit ``cpdata.schema.tables``, bump ``SCHEMA_VERSION``, and add ``MIGRATIONS[new_version]``, a
function that brings a store of the previous version to the new one (``ALTER TABLE ...``). Views are rebuilt
after every upgrade, so they may select any column of the current tables.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, text

from cpdata.schema.errors import StoreError
from cpdata.schema.tables import metadata
from cpdata.schema.views import VIEWS

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

SCHEMA_VERSION = 8


def _crawl_units_and_optional_test_input(conn: Connection) -> None:
    """Version 2 adds the crawl_unit table (scrape state; ``create_all`` creates it) and lets ``test.input`` be
    NULL for a while (a test whose input and output come from two responses)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE test ALTER COLUMN input DROP NOT NULL"))
        return
    # SQLite cannot drop a NOT NULL in place: rebuild the table under the current definition.
    old = {c["name"] for c in inspect(conn).get_columns("test")}
    conn.execute(text("ALTER TABLE test RENAME TO test_v1"))
    conn.execute(text("DROP INDEX IF EXISTS ix_test_problem"))
    metadata.tables["test"].create(conn)
    # the columns both have: the current table also holds columns later versions added (they start empty)
    columns = ", ".join(f'"{c.name}"' for c in metadata.tables["test"].columns if c.name in old)
    conn.execute(text(f"INSERT INTO test ({columns}) SELECT {columns} FROM test_v1"))
    conn.execute(text("DROP TABLE test_v1"))


def _problem_clusters(conn: Connection) -> None:
    """Version 3 adds the problem_cluster table (duplicates and near-duplicates); ``create_all`` creates it."""


def _execution(conn: Connection) -> None:
    """Version 4 adds execution_result and verification (``create_all`` creates them) and problem.compare."""
    if "compare" not in {c["name"] for c in inspect(conn).get_columns("problem")}:
        conn.execute(text("ALTER TABLE problem ADD COLUMN compare VARCHAR"))


def _packages(conn: Connection) -> None:
    """Version 5 adds problem.validation and problem.validator_flags (jury packages) and the problem_program table
    (validators and checkers; ``create_all`` creates it)."""
    columns = {c["name"] for c in inspect(conn).get_columns("problem")}
    for name, kind in (("validation", "VARCHAR"), ("validator_flags", "TEXT")):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE problem ADD COLUMN {name} {kind}"))


def _real_site_fields(conn: Connection) -> None:
    """Version 6 adds what real site answers carry: test.generator and test.generator_args (a hack made with a
    generator: its source, no input) and problem.difficulty_label (CodeChef's "Cakewalk", "Simple", ...)."""
    for table, names in (("test", ("generator", "generator_args")), ("problem", ("difficulty_label",))):
        columns = {c["name"] for c in inspect(conn).get_columns(table)}
        for name in names:
            if name not in columns:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} TEXT"))


def _calibrated_limits(conn: Connection) -> None:
    """Version 7 adds problem.time_multiplier (a package's) and problem.calibrated_time_limit_ms (measured here)."""
    columns = {c["name"] for c in inspect(conn).get_columns("problem")}
    for name, kind in (("time_multiplier", "REAL" if conn.dialect.name == "sqlite" else "DOUBLE PRECISION"),
                       ("calibrated_time_limit_ms", "INTEGER")):  # fmt: skip
        if name not in columns:
            conn.execute(text(f"ALTER TABLE problem ADD COLUMN {name} {kind}"))


def _validated_tests(conn: Connection) -> None:
    """Version 8 adds test.validated_by: what accepted a generated test's input (``gen-tests --unvalidated`` marks
    the ones nothing did)."""
    if "validated_by" not in {c["name"] for c in inspect(conn).get_columns("test")}:
        conn.execute(text("ALTER TABLE test ADD COLUMN validated_by VARCHAR"))


# MIGRATIONS[n] upgrades a store at version n-1 to version n.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _crawl_units_and_optional_test_input,
    3: _problem_clusters,
    4: _execution,
    5: _packages,
    6: _real_site_fields,
    7: _calibrated_limits,
    8: _validated_tests,
}


def _stored_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table("cpdata_meta"):
        return None
    value = conn.execute(text("SELECT value FROM cpdata_meta WHERE key = 'schema_version'")).scalar_one_or_none()
    return None if value is None else int(value)


def _set_version(conn: Connection, version: int) -> None:
    conn.execute(text("DELETE FROM cpdata_meta WHERE key = 'schema_version'"))
    conn.execute(text("INSERT INTO cpdata_meta (key, value) VALUES ('schema_version', :v)"), {"v": str(version)})


def _drop_views(conn: Connection) -> None:
    for name in VIEWS:
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))


def _rebuild_views(conn: Connection) -> None:
    _drop_views(conn)
    for name, body in VIEWS.items():
        conn.execute(text(f"CREATE VIEW {name} AS {body}"))


def migrate(engine: Engine, target: int | None = None) -> int:
    """Bring the store to ``target`` (default: the current version); return the version it is at now."""
    target = SCHEMA_VERSION if target is None else target
    with engine.connect() as conn:
        if _stored_version(conn) == target:  # the usual case: no write lock taken
            return target
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # Python's sqlite3 opens no transaction before DDL on its own, so each CREATE TABLE would commit alone and
            # a kill between them would leave tables without a schema version: take one transaction for all of it.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        version = _stored_version(conn)
        if version == target:
            return version
        if version is None:
            if inspect(conn).has_table("problem"):
                raise StoreError("this database has cpdata-like tables but no schema version; refusing to touch it")
            metadata.create_all(conn)
        elif version > target:
            raise StoreError(f"the store is at schema version {version}, newer than this cpdata ({target}); upgrade cpdata")
        else:
            _drop_views(conn)  # views may read the tables a step rebuilds
            for step in range(version + 1, target + 1):
                MIGRATIONS[step](conn)
            metadata.create_all(conn)  # tables that are new in this version
        _rebuild_views(conn)
        _set_version(conn, target)
    return target
