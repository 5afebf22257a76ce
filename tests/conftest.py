"""Shared fixtures: stores on SQLite (always) and PostgreSQL (when CPDATA_TEST_PG_URL names a server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cpdata.schema import Store

ROOT = Path(__file__).resolve().parent.parent


def _allow_runs_without_bubblewrap() -> None:
    """On a machine without bubblewrap, the suite's own (trusted) programs run under rlimits only, and the
    isolation tests skip with their reason; CI sets CPDATA_REQUIRE_BWRAP, so there they must run."""
    from cpdata.curation.sandbox.sandbox import UNSAFE_ENV, Sandbox

    if os.environ.get("CPDATA_REQUIRE_BWRAP") or os.environ.get(UNSAFE_ENV):
        return
    with Sandbox(allow_unsafe=True) as probe:
        if probe.mode != "bwrap":
            os.environ[UNSAFE_ENV] = "1"


_allow_runs_without_bubblewrap()
REAL_PAGES = ROOT.parent / "shared" / "real-pages"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _pg_url() -> str | None:
    url = os.environ.get("CPDATA_TEST_PG_URL")
    if not url and os.environ.get("CPDATA_REQUIRE_PG"):
        pytest.fail("CPDATA_REQUIRE_PG is set but CPDATA_TEST_PG_URL is not: the PostgreSQL tests must run here")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test, as a URL whose search_path points at it."""
    base = _pg_url()
    if not base:
        pytest.skip("no PostgreSQL server: set CPDATA_TEST_PG_URL (.ci/postgres.sh starts one)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite") as opened:
        yield opened


def real_pages(site: str) -> Path:
    """The shared folder of real recorded pages for a site; skips the test when it is absent (a user's clone)."""
    folder = REAL_PAGES / site
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: real recorded pages are only beside the project in development and CI")
    return folder
