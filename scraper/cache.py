"""The raw page cache: every response kept, content-addressed, with an index.

Layout under the cache root (``data/cache`` by default)::

    index.sqlite                 url -> status, headers that matter, fetched_at, sha256, size, parser version;
                                 and each crawl unit's meta (what it knew when it parsed the response)
    objects/ab/abcdef...         the body, zlib-compressed, named by the sha256 of the uncompressed body

A body is written (to a temporary name, then renamed) before its index row, so a crash leaves at worst an
orphan object, never an index row without a body. Request cookies and response ``Set-Cookie`` headers are never
recorded: only the headers in ``KEPT_HEADERS`` are.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cpdata.scraper.base import Page

__all__ = ["DEFAULT_CACHE_DIR", "KEPT_HEADERS", "PageCache"]

DEFAULT_CACHE_DIR = Path("data") / "cache"
KEPT_HEADERS = ("content-type", "last-modified", "etag", "date", "retry-after", "x-final-url")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS response (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    parser_version TEXT
);
CREATE TABLE IF NOT EXISTS unit (
    unit_url TEXT PRIMARY KEY,
    response_url TEXT NOT NULL,
    meta TEXT NOT NULL
)
"""


class PageCache:
    def __init__(self, root: Path = DEFAULT_CACHE_DIR) -> None:
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.root / "index.sqlite", isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PageCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _object_path(self, digest: str) -> Path:
        return self.root / "objects" / digest[:2] / digest

    def put(self, page: Page, parser_version: str | None = None) -> str:
        """Keep a response; return the sha256 of its body."""
        digest = hashlib.sha256(page.body).hexdigest()
        path = self._object_path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".tmp{os.getpid()}")
            temporary.write_bytes(zlib.compress(page.body, 6))
            os.replace(temporary, path)
        headers = {k: v for k, v in page.headers.items() if k.lower() in KEPT_HEADERS}
        fetched = (page.fetched_at or datetime.now(UTC)).isoformat()
        self._db.execute(
            "INSERT OR REPLACE INTO response (url, status, headers, fetched_at, sha256, size, parser_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (page.url, page.status, json.dumps(headers, sort_keys=True), fetched, digest, len(page.body), parser_version),
        )
        return digest

    def get(self, url: str, max_age: timedelta | None = None, now: datetime | None = None) -> Page | None:
        """The cached response for ``url``, or None if absent, older than ``max_age``, or its body is lost."""
        row = self._db.execute("SELECT status, headers, fetched_at, sha256 FROM response WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        status, headers, fetched_at, digest = row
        fetched = datetime.fromisoformat(fetched_at)
        if max_age is not None and (now or datetime.now(UTC)) - fetched > max_age:
            return None
        try:
            body = zlib.decompress(self._object_path(digest).read_bytes())
        except (OSError, zlib.error):
            return None  # a lost or damaged object: fetch again rather than fail
        return Page(url=url, status=status, body=body, headers=json.loads(headers), fetched_at=fetched)

    def remember_unit(self, unit_url: str, meta: dict[str, object]) -> None:
        """What a crawl unit knew when it parsed this response (its contest, its problem, the contests it serves):
        kept beside the response so that ``reparse`` rebuilds a store from the cache alone, without the crawl's own
        store."""
        self._db.execute(
            "INSERT OR REPLACE INTO unit (unit_url, response_url, meta) VALUES (?, ?, ?)",
            (unit_url, unit_url.partition("#")[0], json.dumps(meta, sort_keys=True, default=str)),
        )

    def units(self) -> dict[str, list[tuple[str, dict[str, object]]]]:
        """Response URL -> the units (URL with fragment, meta) that parsed it."""
        found: dict[str, list[tuple[str, dict[str, object]]]] = {}
        for unit_url, response_url, meta in self._db.execute("SELECT unit_url, response_url, meta FROM unit ORDER BY unit_url"):
            found.setdefault(response_url, []).append((unit_url, json.loads(meta)))
        return found

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM response").fetchone()[0])

    def urls(self) -> Iterator[str]:
        for (url,) in self._db.execute("SELECT url FROM response ORDER BY url").fetchall():
            yield url

    def pages(self) -> Iterator[Page]:
        for url in self.urls():
            page = self.get(url)
            if page is not None:
                yield page
