"""Where corpus files come from: git repositories (working trees or bare), git bundles, and archives (zip, tar).

A git source is read at its last commit on or before the as-of date (committer date, first-parent history of
HEAD), straight from its objects (``git ls-tree`` and ``git cat-file --batch``): nothing is checked out, the working
tree is never read, so a corpus is reproducible and dated. A bundle is cloned bare into a scratch directory first
(objects only). Each file carries the date of the last commit that changed it (on or before the snapshot), which
decides which copy of a duplicate is the earliest. Archive members have no commit: their date is unknown.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cpdata.schema.archive import ArchiveError, ArchiveLimits, is_archive, iter_archive

__all__ = ["Entry", "GitSnapshot", "Source", "SourceError", "discover_sources", "read_source"]

SourceKind = Literal["git", "bundle", "archive"]


class SourceError(ValueError):
    """A source that cannot be read (not a repository, a broken bundle, a refused archive); the message says why."""


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    path: Path
    name: str
    """The repository's name in the corpus (the folder or file name without .git, .bundle or the archive suffix)."""


@dataclass(frozen=True)
class GitSnapshot:
    commit: str | None
    commit_date: datetime | None


@dataclass
class Entry:
    """One file of a source: its metadata first, its content read only if the metadata filters keep it."""

    path: str
    size: int
    modified: datetime | None
    object_id: str | None = None
    content: bytes | None = None


def _name_of(path: Path) -> str:
    name = path.name
    for suffix in (".bundle", ".git", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar", ".zip"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _is_git_dir(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir())


def _source_of(path: Path) -> Source | None:
    if path.is_file() and path.suffix == ".bundle":
        return Source("bundle", path, _name_of(path))
    if path.is_file() and is_archive(path):
        return Source("archive", path, _name_of(path))
    if path.is_dir() and _is_git_dir(path):
        return Source("git", path, _name_of(path.resolve()))
    return None


def discover_sources(paths: list[Path]) -> list[Source]:
    """The sources named: repositories, bundles and archives; a text file listing them (one path a line, relative
    to the file, ``#`` comments); a directory of them (one level down). In name order, so a build is repeatable."""
    found: list[Source] = []
    for path in paths:
        if not path.exists():
            raise SourceError(f"{path}: no such file or directory")
        source = _source_of(path)
        if source is not None:
            found.append(source)
        elif path.is_file():  # a list of sources
            listed = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
            found += discover_sources([(path.parent / line) for line in listed if line])
        elif path.is_dir():
            inside = [s for child in sorted(path.iterdir()) if (s := _source_of(child)) is not None]
            if not inside:
                raise SourceError(f"{path}: not a git repository, and no repository, bundle or archive inside")
            found += inside
        else:
            raise SourceError(f"{path}: not a git repository, bundle, archive or list of them")
    names = [s.name for s in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SourceError(f"two sources share the name {duplicates[0]!r}: rename one (names key the corpus)")
    return sorted(found, key=lambda s: s.name)


class _Git:
    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], capture_output=True, text=True, check=False, encoding="utf-8"
        )
        if done.returncode != 0:
            raise SourceError(f"{self.git_dir}: git {args[0]} failed: {done.stderr.strip()[:300]}")
        return done.stdout

    def snapshot(self, as_of: datetime | None) -> GitSnapshot:
        args = ["rev-list", "-1", "--first-parent", "--format=%H %ct"]
        if as_of is not None:
            args.append(f"--before={int(as_of.timestamp())}")
        lines = [line for line in self.run(*args, "HEAD").splitlines() if not line.startswith("commit ")]
        if not lines:
            return GitSnapshot(None, None)
        commit, stamp = lines[0].split()
        return GitSnapshot(commit, datetime.fromtimestamp(int(stamp), UTC))

    def tree(self, commit: str) -> Iterator[tuple[str, str, int]]:
        """(path, blob id, size) of every regular file at the commit: no submodules, no symbolic links."""
        for record in self.run("ls-tree", "-r", "-l", "-z", commit).split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            mode, kind, object_id, size = meta.split()
            if kind == "blob" and mode in ("100644", "100755"):
                yield path, object_id, int(size)

    def modified(self, commit: str) -> dict[str, datetime]:
        """The date of the last commit (first-parent history) that changed each path, on or before ``commit``."""
        dates: dict[str, datetime] = {}
        when: datetime | None = None
        # -z output: "\x01<timestamp>", then the commit's paths ("\n" before the first), each ended by a NUL
        out = self.run("log", "--first-parent", "--no-renames", "--format=%x01%ct", "--name-only", "-z", commit)
        for token in out.split("\0"):
            if token.startswith("\x01"):
                when = datetime.fromtimestamp(int(token[1:]), UTC)
                continue
            path = token[1:] if token.startswith("\n") else token
            if path and when is not None:
                dates.setdefault(path, when)
        return dates

    def blobs(self, object_ids: list[str]) -> Iterator[tuple[str, bytes]]:
        """Contents, in the order asked, from one ``git cat-file --batch``."""
        process = subprocess.Popen(
            ["git", f"--git-dir={self.git_dir}", "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin is not None and process.stdout is not None

        def ask() -> None:
            assert process.stdin is not None
            try:
                for object_id in object_ids:
                    process.stdin.write(f"{object_id}\n".encode())
                process.stdin.close()
            except BrokenPipeError:
                pass

        writer = threading.Thread(target=ask, daemon=True)
        writer.start()
        try:
            for object_id in object_ids:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    raise SourceError(f"{self.git_dir}: object {object_id} is missing")
                size = int(header[2])
                data = process.stdout.read(size)
                process.stdout.read(1)  # the newline after each object
                yield object_id, data
        finally:
            process.kill()
            process.wait()
            writer.join(timeout=5)


def read_source(
    source: Source, as_of: datetime | None, scratch: Path, limits: ArchiveLimits = ArchiveLimits()
) -> tuple[GitSnapshot, Iterator[Entry], Callable[[list[Entry]], Iterator[Entry]]]:
    """(snapshot, entries with metadata only, a reader that fills in the contents of the entries it is given).
    Raises ``SourceError`` for a source that cannot be read."""
    if source.kind == "archive":
        return _archive(source, limits)
    git_dir = source.path
    if source.kind == "bundle":
        git_dir = Path(tempfile.mkdtemp(prefix="bundle-", dir=scratch))
        shutil.rmtree(git_dir)
        cloned = subprocess.run(
            ["git", "clone", "--bare", "--quiet", str(source.path), str(git_dir)], capture_output=True, text=True, check=False
        )
        if cloned.returncode != 0:
            raise SourceError(f"{source.path}: not a readable git bundle ({cloned.stderr.strip()[:300]})")
    elif (source.path / ".git").exists():
        git_dir = source.path / ".git"
    git = _Git(git_dir)
    snapshot = git.snapshot(as_of)
    if snapshot.commit is None:
        return snapshot, iter(()), lambda entries: iter(entries)
    commit = snapshot.commit
    dates = git.modified(commit)
    entries = (Entry(path, size, dates.get(path, snapshot.commit_date), object_id) for path, object_id, size in git.tree(commit))

    def fill(chosen: list[Entry]) -> Iterator[Entry]:
        wanted = [e for e in chosen if e.object_id is not None]
        for entry, (_, data) in zip(wanted, git.blobs([e.object_id or "" for e in wanted]), strict=True):
            entry.content = data
            yield entry

    return snapshot, entries, fill


def _archive(
    source: Source, limits: ArchiveLimits
) -> tuple[GitSnapshot, Iterator[Entry], Callable[[list[Entry]], Iterator[Entry]]]:
    def entries() -> Iterator[Entry]:
        try:
            for name, data in iter_archive(source.path, limits):
                yield Entry(name, len(data), None, None, data)
        except ArchiveError as exc:
            raise SourceError(str(exc)) from exc

    return GitSnapshot(None, None), entries(), lambda chosen: iter(chosen)
