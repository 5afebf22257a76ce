"""Where the store lives: ``--db``, else ``$CPDATA_DB``, else ``data/cpdata.sqlite``. No SQLAlchemy here, so that
the command line can show these defaults without importing the database layer."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEFAULT_DB_PATH", "ENV_DB", "resolve_db_url"]

ENV_DB = "CPDATA_DB"
DEFAULT_DB_PATH = Path("data") / "cpdata.sqlite"


def resolve_db_url(db: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from ``--db``, else ``$CPDATA_DB``, else ``data/cpdata.sqlite``. A bare path means SQLite."""
    chosen = str(db) if db is not None else os.environ.get(ENV_DB) or str(DEFAULT_DB_PATH)
    if "://" in chosen:
        return chosen
    return f"sqlite:///{Path(chosen).expanduser()}"
