"""``cpdata corpus build``: a dated, deduplicated, decontaminated pre-training corpus from git repositories.

Three stages, the first a unit of work per source (like a crawl unit), resumable:

1. **Per source** (``process_source``): the snapshot commit as of the date; per file, in path order, the
   metadata filters (vendored path, lock or generated file, language, size), then the content filters (binary,
   not UTF-8, a line over 1,000 characters, generated), then the contamination check. What is kept goes to a
   Parquet part in the work directory, with its whitespace-insensitive hash and date; what is dropped is counted
   by step and reason (and written out with ``--keep-rejects``). The part's summary is written last: a source
   with a summary is done, and a rerun skips it. ``ray_build`` runs this stage on a Ray cluster.
2. **Corpus-wide duplicates**: exact (whitespace-insensitive, the earliest copy by its last change wins, then
   the source and path order) through an on-disk SQLite index, so memory stays flat however many files; then,
   if asked, near duplicates (MinHash over token shingles, every candidate checked exactly, as for problems).
3. **Output**: Parquet shards of bounded size, ``manifest.json`` (sources, as-of date, counts and bytes per
   language, drops per step and reason, checksums) and a dataset card, written beside the target and renamed
   into place (a killed build leaves the previous corpus whole). Stages 2 and 3 are redone on a rerun from the
   parts: they are deterministic, so a killed build resumes to the same shards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cpdata.curation.corpus.contamination import EvalSolutions
from cpdata.curation.corpus.filters import (
    ALPHACODE_LANGUAGES,
    MAX_BYTES,
    MAX_LINE,
    content_reason,
    language_of,
    normalized_hash,
    path_reason,
)
from cpdata.curation.corpus.sources import Entry, Source, SourceError, read_source

__all__ = ["CorpusOptions", "SourceSummary", "build_corpus", "corpus_stats", "process_source", "work_directory"]

MANIFEST = "manifest.json"
_BATCH = 256
"""Files whose contents are read at once: memory holds one batch of a source, never the source."""


@dataclass(frozen=True)
class CorpusOptions:
    as_of: datetime | None
    languages: tuple[str, ...] = ALPHACODE_LANGUAGES
    max_bytes: int = MAX_BYTES
    max_line: int = MAX_LINE
    near_dedup: bool = False
    near_threshold: float = 0.8
    shard_bytes: int = 256 << 20
    keep_rejects: bool = False
    contamination_id: str = ""
    """Which evaluation solutions files were checked against (a hash of them): a new store means new checks."""

    def fingerprint(self) -> str:
        """What the per-source parts depend on: a work directory per set of such options."""
        per_source = [self.as_of.isoformat() if self.as_of else "", ",".join(self.languages), self.max_bytes,
                      self.max_line, self.keep_rejects, self.contamination_id]  # fmt: skip
        return hashlib.sha256(json.dumps(per_source).encode()).hexdigest()[:12]


@dataclass
class SourceSummary:
    source: str
    kind: str
    path: str
    commit: str | None = None
    commit_date: str | None = None
    files: int = 0
    bytes: int = 0
    kept: int = 0
    kept_bytes: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    """"step: reason" -> files."""
    contaminated: dict[str, int] = field(default_factory=dict)
    """Evaluation problem -> files of this source that contain one of its solutions."""
    error: str | None = None


def work_directory(out_dir: Path, options: CorpusOptions) -> Path:
    """Beside the output, named by the output and the options: reruns find their parts, other options start anew."""
    return out_dir.parent / f".cpdata-corpus-{out_dir.name}-{options.fingerprint()}"


def _part_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("repository", pa.string()),
            ("path", pa.string()),
            ("commit", pa.string()),
            ("commit_date", pa.timestamp("s", tz="UTC")),
            ("modified", pa.timestamp("s", tz="UTC")),
            ("language", pa.string()),
            ("size", pa.int64()),
            ("sha256", pa.string()),
            ("content", pa.string()),
            ("normalized_hash", pa.string()),
        ]
    )


SHARD_COLUMNS = ["repository", "path", "commit", "commit_date", "modified", "language", "size", "sha256", "content"]


class _PartWriter:
    """A source's kept files into one Parquet part, a row group at a time."""

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        self.schema = _part_schema()
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []
        self.size = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.size += len(row["content"])
        if self.size >= 32 << 20:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows, self.size = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


def _drop(summary: SourceSummary, step: str, reason: str, rejects: Any, source: Source, path: str) -> None:
    key = f"{step}: {reason}"
    summary.dropped[key] = summary.dropped.get(key, 0) + 1
    if rejects is not None:
        rejects.write(json.dumps({"repository": source.name, "path": path, "step": step, "reason": reason}) + "\n")


def process_source(
    source: Source,
    options: CorpusOptions,
    work: Path,
    solutions: EvalSolutions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SourceSummary:
    """Stage 1 for one source: its part and its summary in ``work`` (the summary last: it marks the source done).
    A source that cannot be read is a summary with its error, not a failed build."""
    parts = work / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    summary = SourceSummary(source.name, source.kind, str(source.path))
    part, rejects_path = parts / f"{source.name}.parquet", parts / f"{source.name}.rejects.jsonl"
    with tempfile.TemporaryDirectory(prefix="cpdata-corpus-", dir=work) as scratch:
        staged_part, staged_rejects = Path(scratch) / part.name, Path(scratch) / rejects_path.name
        rejects = staged_rejects.open("w", encoding="utf-8") if options.keep_rejects else None
        writer = _PartWriter(staged_part)
        try:
            snapshot, entries, fill = read_source(source, options.as_of, Path(scratch))
            summary.commit = snapshot.commit
            summary.commit_date = snapshot.commit_date.isoformat() if snapshot.commit_date else None
            if source.kind != "archive" and snapshot.commit is None:
                summary.error = f"no commit on or before {options.as_of.date() if options.as_of else 'now'}"
            batch: list[tuple[Entry, str | None]] = []
            for entry in sorted(entries, key=lambda e: e.path):
                summary.files += 1
                summary.bytes += entry.size
                reason = path_reason(entry.path)
                if reason is not None:
                    _drop(summary, "path", reason, rejects, source, entry.path)
                    continue
                language = language_of(entry.path)
                if language is None and "." not in entry.path.rsplit("/", 1)[-1]:
                    language = ""  # no extension: its shebang decides, once its content is read
                if language is not None and language and language not in options.languages:
                    _drop(summary, "language", language, rejects, source, entry.path)
                    continue
                if language is None:
                    _drop(summary, "language", "not a programming language we know", rejects, source, entry.path)
                    continue
                if entry.size > options.max_bytes:
                    _drop(summary, "size", f"over {options.max_bytes} bytes", rejects, source, entry.path)
                    continue
                batch.append((entry, language))
                if len(batch) >= _BATCH:
                    _content_stage(batch, fill, options, solutions, summary, writer, rejects, source)
                    batch = []
                    if progress is not None:
                        progress(summary.files, summary.bytes)
            _content_stage(batch, fill, options, solutions, summary, writer, rejects, source)
        except SourceError as exc:
            summary.error = str(exc)
        finally:
            writer.close()
            if rejects is not None:
                rejects.close()
        if progress is not None:
            progress(summary.files, summary.bytes)
        os.replace(staged_part, part)
        if options.keep_rejects:
            os.replace(staged_rejects, rejects_path)
    done = parts / f"{source.name}.json"
    staged = done.with_suffix(".json.partial")
    staged.write_text(json.dumps(asdict(summary), sort_keys=True), encoding="utf-8")
    os.replace(staged, done)
    return summary


def _content_stage(
    batch: list[tuple[Entry, str | None]],
    fill: Callable[[list[Entry]], Iterator[Entry]],
    options: CorpusOptions,
    solutions: EvalSolutions | None,
    summary: SourceSummary,
    writer: _PartWriter,
    rejects: Any,
    source: Source,
) -> None:
    languages = {id(entry): language for entry, language in batch}
    for entry in fill([entry for entry, _ in batch]):
        content = entry.content or b""
        language = languages[id(entry)] or language_of(entry.path, content[:128])
        entry.content = None
        if not language or language not in options.languages:
            _drop(summary, "language", language or "no extension and no shebang we know", rejects, source, entry.path)
            continue
        reason = content_reason(content, options.max_bytes, options.max_line)
        if reason is not None:
            step = "size" if reason.startswith("over") else "content"
            _drop(summary, step, reason, rejects, source, entry.path)
            continue
        if solutions is not None:
            found = solutions.match(content)
            if found is not None:
                problem, split, kind = found
                _drop(summary, "contamination", f"{kind} copy of a {split} solution", rejects, source, entry.path)
                summary.contaminated[problem] = summary.contaminated.get(problem, 0) + 1
                continue
        summary.kept += 1
        summary.kept_bytes += len(content)
        writer.add(
            {
                "repository": source.name,
                "path": entry.path,
                "commit": summary.commit,
                "commit_date": datetime.fromisoformat(summary.commit_date) if summary.commit_date else None,
                "modified": entry.modified,
                "language": language,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "content": content.decode("utf-8"),
                "normalized_hash": normalized_hash(content),
            }
        )


def _summaries(work: Path, sources: list[Source]) -> dict[str, SourceSummary]:
    done: dict[str, SourceSummary] = {}
    for source in sources:
        path = work / "parts" / f"{source.name}.json"
        if path.is_file() and (work / "parts" / f"{source.name}.parquet").is_file():
            done[source.name] = SourceSummary(**json.loads(path.read_text(encoding="utf-8")))
    return done


def _exact_winners(work: Path, sources: list[Source], summaries: dict[str, SourceSummary]) -> tuple[sqlite3.Connection, int]:
    """Stage 2a: an on-disk index of every kept file's normalized hash; the earliest copy of each hash wins."""
    import pyarrow.parquet as pq

    index_path = work / "index.sqlite"
    index_path.unlink(missing_ok=True)
    index = sqlite3.connect(index_path)
    index.execute("PRAGMA journal_mode=OFF")
    index.execute("PRAGMA synchronous=OFF")
    index.execute("CREATE TABLE file (part INTEGER, row INTEGER, hash TEXT, modified INTEGER, keep INTEGER DEFAULT 1)")
    order = [s for s in sources if s.name in summaries]
    for number, source in enumerate(order):
        part = pq.ParquetFile(work / "parts" / f"{source.name}.parquet")
        row = 0
        for batch in part.iter_batches(columns=["normalized_hash", "modified"], batch_size=65536):
            hashes = batch.column("normalized_hash").to_pylist()
            modified = batch.column("modified").cast("int64").to_pylist()
            index.executemany(
                "INSERT INTO file (part, row, hash, modified) VALUES (?, ?, ?, ?)",
                [(number, row + i, h, m) for i, (h, m) in enumerate(zip(hashes, modified, strict=True))],
            )
            row += len(hashes)
    index.execute("CREATE INDEX by_hash ON file (hash, modified, part, row)")
    # Unknown dates sort last (an undated copy is never the earliest); then source order, then path order.
    index.execute(
        "UPDATE file SET keep = 0 WHERE rowid NOT IN (SELECT first FROM (SELECT rowid AS first, ROW_NUMBER() OVER ("
        "PARTITION BY hash ORDER BY modified IS NULL, modified, part, row) AS n FROM file) WHERE n = 1)"
    )
    duplicates = index.execute("SELECT COUNT(*) FROM file WHERE keep = 0").fetchone()[0]
    index.execute("CREATE INDEX by_part ON file (part, keep, row)")
    index.commit()
    return index, int(duplicates)


def _near_duplicates(work: Path, order: list[Source], index: sqlite3.Connection, threshold: float) -> int:
    """Stage 2b (``--near-dedup``): among the exact winners, later near copies (token-bigram Jaccard at least the
    threshold; MinHash candidates checked exactly, as for problems) are dropped."""
    import numpy as np
    import pyarrow.parquet as pq

    from cpdata.curation.steps.dedup import Clusters, MinHasher, jaccard, link_candidates

    rows: list[tuple[int, int, int | None]] = []
    for number in range(len(order)):
        found = index.execute("SELECT row, modified FROM file WHERE part = ? AND keep = 1 ORDER BY row", (number,))
        rows += [(number, row, modified) for row, modified in found]
    tables: dict[int, Any] = {}

    def content_of(position: int) -> str:
        part, row, _ = rows[position]
        if part not in tables:
            if len(tables) > 4:
                tables.clear()
            tables[part] = pq.read_table(work / "parts" / f"{order[part].name}.parquet", columns=["content"]).column("content")
        return str(tables[part][row].as_py())

    keys = MinHasher(threshold).band_keys(content_of(p) for p in range(len(rows)))  # part order: each part read once
    # Candidate pairs are (earlier, later) by position: order the positions by date, earliest first.
    by_date = sorted(range(len(rows)), key=lambda p: (rows[p][2] is None, rows[p][2] or 0, rows[p][0], rows[p][1]))
    keys = keys[np.array(by_date, dtype=np.int64)] if by_date else keys
    clusters = Clusters()  # over positions in date order: a cluster's root is its earliest file, the one kept
    link_candidates(
        keys, [True] * len(by_date), clusters, lambda a, b: jaccard(content_of(by_date[a]), content_of(by_date[b])) >= threshold
    )
    dropped = {by_date[p] for p in range(len(by_date)) if clusters.find(p) != p}
    index.executemany("UPDATE file SET keep = 0 WHERE part = ? AND row = ?", [(rows[p][0], rows[p][1]) for p in dropped])
    index.commit()
    return len(dropped)


def build_corpus(
    sources: list[Source],
    out_dir: Path,
    options: CorpusOptions,
    *,
    solutions: EvalSolutions | None = None,
    run_sources: Callable[[list[Source], Path], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    rejects_file: Path | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Build (or resume) the corpus; return its manifest. ``run_sources`` runs stage 1 for the sources still to do
    (default: here, ``workers`` sources at a time in worker processes; ``ray_build.on_ray`` spreads them over a
    cluster)."""
    from cpdata.curation.formats.atomic import staged_directory

    work = work_directory(out_dir, options)
    work.mkdir(parents=True, exist_ok=True)
    todo = [s for s in sources if s.name not in _summaries(work, sources)]
    if run_sources is not None:
        run_sources(todo, work)
    elif workers > 1 and len(todo) > 1:
        _in_processes(todo, options, work, solutions, workers, progress)
    else:
        before = [0, 0]  # files and bytes of the sources already done, so that the progress counts the whole build

        def moved(files: int, size: int) -> None:
            if progress is not None:
                progress(before[0] + files, before[1] + size)

        for source in todo:
            done = process_source(source, options, work, solutions, moved)
            before[0] += done.files
            before[1] += done.bytes
    summaries = _summaries(work, sources)
    missing = [s.name for s in sources if s.name not in summaries]
    if missing:
        raise RuntimeError(f"sources not processed: {', '.join(missing)}")
    order = [s for s in sources if s.name in summaries]
    index, exact_duplicates = _exact_winners(work, sources, summaries)
    try:
        near_duplicates = _near_duplicates(work, order, index, options.near_threshold) if options.near_dedup else 0
        with staged_directory(out_dir, MANIFEST) as staging:
            manifest = _write_shards(staging, work, order, summaries, index, options)
            manifest["drops"]["dedup: exact duplicate (whitespace-insensitive)"] = exact_duplicates
            if options.near_dedup:
                manifest["drops"]["dedup: near duplicate"] = near_duplicates
            manifest["drops"] = dict(sorted(manifest["drops"].items()))
            _write_card(staging, manifest)
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if rejects_file is not None and options.keep_rejects:
            _gather_rejects(work, order, index, rejects_file)
    finally:
        index.close()
    shutil.rmtree(work, ignore_errors=True)  # done: the parts were only kept for a rerun after a kill
    return manifest


def _in_processes(
    todo: list[Source],
    options: CorpusOptions,
    work: Path,
    solutions: EvalSolutions | None,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Stage 1 in worker processes, a source each at a time (the work is git, hashing and filters: CPU-bound)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from cpdata.schema.bulk import quiet_worker

    context = multiprocessing.get_context("spawn")  # no inherited threads or locks
    files = size = 0
    # Ctrl-C goes to the parent, which stops the pool; workers die with it: finished parts stay for the rerun.
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=quiet_worker) as pool:
        pending = [pool.submit(process_source, source, options, work, solutions) for source in todo]
        try:
            for future in as_completed(pending):
                summary = future.result()
                files, size = files + summary.files, size + summary.bytes
                if progress is not None:
                    progress(files, size)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _gather_rejects(work: Path, order: list[Source], index: sqlite3.Connection, target: Path) -> None:
    """Every dropped file in one JSONL: the per-source drops, then the corpus-wide duplicates (written beside the
    target and renamed into place)."""
    import pyarrow.parquet as pq

    staged = target.with_name(f".{target.name}.partial-{os.getpid()}")
    with staged.open("wb") as out:
        for source in order:
            path = work / "parts" / f"{source.name}.rejects.jsonl"
            if path.is_file():
                with path.open("rb") as handle:
                    shutil.copyfileobj(handle, out)
        for number, source in enumerate(order):
            dropped = [
                row for (row,) in index.execute("SELECT row FROM file WHERE part = ? AND keep = 0 ORDER BY row", (number,))
            ]
            if not dropped:
                continue
            paths = pq.read_table(work / "parts" / f"{source.name}.parquet", columns=["path"]).column("path").to_pylist()
            for row in dropped:
                line = {"repository": source.name, "path": paths[row], "step": "dedup", "reason": "duplicate of an earlier file"}
                out.write((json.dumps(line) + "\n").encode())
    os.replace(staged, target)


def _write_shards(
    staging: Path,
    work: Path,
    order: list[Source],
    summaries: dict[str, SourceSummary],
    index: sqlite3.Connection,
    options: CorpusOptions,
) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cpdata.curation.formats.writers import sha256_file

    schema = _part_schema()
    shard_schema = pa.schema([schema.field(name) for name in SHARD_COLUMNS])
    shards: list[dict[str, Any]] = []
    writer: Any = None
    shard_size = shard_rows = 0
    per_language: dict[str, dict[str, int]] = {}

    def close_shard() -> None:
        nonlocal writer, shard_size, shard_rows
        if writer is not None:
            writer.close()
            path = staging / shards[-1]["file"]
            shards[-1].update({"rows": shard_rows, "bytes": path.stat().st_size, "sha256": sha256_file(path)})
        writer, shard_size, shard_rows = None, 0, 0

    for number, source in enumerate(order):
        keep = {row for (row,) in index.execute("SELECT row FROM file WHERE part = ? AND keep = 1", (number,))}
        if not keep:
            continue
        part = pq.ParquetFile(work / "parts" / f"{source.name}.parquet")
        row = 0
        for batch in part.iter_batches(batch_size=1024, columns=SHARD_COLUMNS):
            chosen = [i for i in range(batch.num_rows) if row + i in keep]
            row += batch.num_rows
            if not chosen:
                continue
            table = pa.Table.from_batches([batch]).take(chosen).cast(shard_schema)
            for language, size in zip(table.column("language").to_pylist(), table.column("size").to_pylist(), strict=True):
                counts = per_language.setdefault(language, {"files": 0, "bytes": 0})
                counts["files"] += 1
                counts["bytes"] += size
            if writer is None:
                shards.append({"file": f"data/shard-{len(shards):05d}.parquet"})
                (staging / "data").mkdir(exist_ok=True)
                writer = pq.ParquetWriter(staging / shards[-1]["file"], shard_schema, compression="zstd")
            writer.write_table(table)
            shard_size += sum(table.column("size").to_pylist())
            shard_rows += table.num_rows
            if shard_size >= options.shard_bytes:
                close_shard()
    close_shard()
    drops: Counter[str] = Counter()
    contaminated: Counter[str] = Counter()
    for summary in summaries.values():
        drops.update(summary.dropped)
        contaminated.update(summary.contaminated)
    from cpdata.version import __version__

    return {
        "format": "cpdata-corpus",
        "cpdata_version": __version__,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "as_of": options.as_of.isoformat() if options.as_of else None,
        "options": {
            "languages": list(options.languages),
            "max_bytes": options.max_bytes,
            "max_line": options.max_line,
            "near_dedup": options.near_dedup,
            "near_threshold": options.near_threshold if options.near_dedup else None,
            "shard_bytes": options.shard_bytes,
            "decontaminated": bool(options.contamination_id),
        },
        "sources": [asdict(summaries[s.name]) for s in order],
        "files": sum(s["rows"] for s in shards),
        "bytes": sum(v["bytes"] for v in per_language.values()),
        "languages": dict(sorted(per_language.items())),
        "drops": dict(drops),
        "contaminated_problems": dict(sorted(contaminated.items())),
        "shards": shards,
    }


def _write_card(staging: Path, manifest: dict[str, Any]) -> None:
    languages = "\n".join(f"| {name} | {v['files']:,} | {v['bytes']:,} |" for name, v in manifest["languages"].items())
    drops = "\n".join(f"| {reason} | {count:,} |" for reason, count in manifest["drops"].items())
    sources = "\n".join(
        f"| {s['source']} | {s['kind']} | {(s['commit'] or '')[:12]} | {s['commit_date'] or ''} | {s['kept']:,} "
        f"| {s['error'] or ''} |"
        for s in manifest["sources"]
    )
    card = f"""---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/shard-*.parquet
---
# Pre-training corpus (cpdata)

Source files from git repositories as of **{manifest["as_of"] or "their latest commit"}**, read from each repository's
last commit on or before that date, filtered as AlphaCode's GitHub set was (languages, files over 1 MB, lines over
1,000 characters, whitespace-insensitive exact duplicates), without vendored or generated files{
        ", and without files that contain a solution of the evaluation problems" if manifest["options"]["decontaminated"] else ""
    }. {manifest["files"]:,} files, {manifest["bytes"]:,} bytes, in {len(manifest["shards"])} Parquet shards.

```python
from datasets import load_dataset
corpus = load_dataset("parquet", data_files="data/shard-*.parquet", split="train")
```

## Languages

| language | files | bytes |
|---|---|---|
{languages}

## Dropped, by step and reason

| step: reason | files |
|---|---|
{drops}

## Sources

| repository | kind | commit | commit date | files kept | note |
|---|---|---|---|---|---|
{sources}

Columns: repository, path, commit, commit_date (the snapshot), modified (the last commit that changed the file),
language, size, sha256 (of the content), content. Each file keeps its repository's licence.
"""
    (staging / "README.md").write_text(card, encoding="utf-8")


def corpus_stats(out_dir: Path) -> dict[str, Any]:
    """What a built corpus holds (from its manifest), with its shards checked against their checksums."""
    from cpdata.curation.formats.writers import sha256_file

    path = out_dir / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{out_dir}: no {MANIFEST} (not a corpus built by cpdata corpus build)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != "cpdata-corpus":
        raise ValueError(f"{out_dir}: {MANIFEST} is not a corpus manifest")
    broken = [
        s["file"]
        for s in manifest["shards"]
        if not (out_dir / s["file"]).is_file() or sha256_file(out_dir / s["file"]) != s["sha256"]
    ]
    return {
        "as_of": manifest["as_of"],
        "files": manifest["files"],
        "bytes": manifest["bytes"],
        "languages": manifest["languages"],
        "drops": manifest["drops"],
        "contaminated_problems": manifest["contaminated_problems"],
        "sources": [
            {k: s[k] for k in ("source", "kind", "commit", "commit_date", "files", "kept", "error")} for s in manifest["sources"]
        ],
        "shards": len(manifest["shards"]),
        "shards_damaged": broken,
    }
