"""The samples' part of a problem's identity in dedup: one hash per problem of its sample inputs (whitespace-
normalized, in any order).

Standard library only, so that ``run_dedup`` can compute it in a second process on a SQLite store
(``python -m cpdata.curation.steps.sample_digests STORE``, the result pickled to stdout) while it hashes the
statements in the first: on 100k problems that is half a second of one core spent on the other, idle one. Elsewhere
(PostgreSQL, or if that process fails) the same function runs in-process. The values are Python's own string hash:
they are compared with each other only, within one run, and all come from one process (a string's hash differs
between processes).
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["QUERY", "sample_digests"]

QUERY = (
    "SELECT site, contest_id, \"index\", input FROM test WHERE kind = 'public' AND input IS NOT NULL "
    'ORDER BY site, contest_id, "index"'
)
"""Every sample input, in key order: a problem's samples are consecutive, so no set per problem is held."""


def sample_digests(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, str, str], int]:
    """(site, contest_id, index) -> a hash of the set of its samples' hashes (never 0, which means "no samples"),
    from rows of ``QUERY``."""
    digests: dict[tuple[str, str, str], int] = {}
    current: tuple[str, str, str] | None = None
    found: set[int] = set()
    for site, contest_id, index, text in rows:
        if (site, contest_id, index) != current:
            if current is not None:
                digests[current] = hash(frozenset(found)) or 1
            current, found = (site, contest_id, index), set()
        found.add(hash(" ".join(text.split())))
    if current is not None:
        digests[current] = hash(frozenset(found)) or 1
    return digests


def main(argv: list[str]) -> None:
    connection = sqlite3.connect(argv[0])
    try:
        connection.execute("PRAGMA busy_timeout = 30000")
        pickle.dump(sample_digests(connection.execute(QUERY)), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1:])
