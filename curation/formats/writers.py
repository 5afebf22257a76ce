"""Record writers: JSONL and Parquet, written as a stream (a Parquet row group per batch) so memory stays flat.

The Parquet schema mirrors the Hugging Face copy of CodeContests (tests and solutions as structs of lists,
``time_limit`` as a struct), so pyarrow, DuckDB and ``datasets``' "parquet" builder read it as is.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from cpdata.curation.formats.codecontests import CodeContestsRecord

__all__ = ["PARQUET_SCHEMA", "ExportFormat", "JsonlWriter", "ParquetWriter", "RecordWriter", "open_writer", "sha256_file"]

ExportFormat = Literal["jsonl", "parquet"]

_TESTS = pa.struct([("input", pa.list_(pa.string())), ("output", pa.list_(pa.string()))])
_SOLUTIONS = pa.struct([("language", pa.list_(pa.int64())), ("solution", pa.list_(pa.string()))])

PARQUET_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("description", pa.string()),
        ("public_tests", _TESTS),
        ("private_tests", _TESTS),
        ("generated_tests", _TESTS),
        ("source", pa.int64()),
        ("difficulty", pa.int64()),
        ("solutions", _SOLUTIONS),
        ("incorrect_solutions", _SOLUTIONS),
        ("cf_contest_id", pa.int64()),
        ("cf_index", pa.string()),
        ("cf_points", pa.float64()),
        ("cf_rating", pa.int64()),
        ("cf_tags", pa.list_(pa.string())),
        ("is_description_translated", pa.bool_()),
        ("untranslated_description", pa.string()),
        ("time_limit", pa.struct([("seconds", pa.int64()), ("nanos", pa.int64())])),
        ("memory_limit_bytes", pa.int64()),
        ("input_file", pa.string()),
        ("output_file", pa.string()),
        ("site", pa.string()),
        ("contest_id", pa.string()),
        ("index", pa.string()),
        ("problem_id", pa.string()),
        ("contest_name", pa.string()),
        ("url", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("rating", pa.int64()),
        ("tags", pa.list_(pa.string())),
        ("points", pa.float64()),
        ("site_difficulty", pa.float64()),
        ("interactive", pa.bool_()),
        ("time_limit_ms", pa.int64()),
        ("statement_language", pa.string()),
        ("multiple_answers", pa.bool_()),
        ("multiple_answers_without_checker", pa.bool_()),
        ("generated_tests_validation", pa.string()),
        ("generated_tests_validated", pa.list_(pa.bool_())),
    ]
)


class RecordWriter(Protocol):
    path: Path
    count: int

    def write(self, record: CodeContestsRecord) -> None: ...

    def close(self) -> None: ...


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


class JsonlWriter:
    """One JSON object per line (datetimes as ISO 8601 strings)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file = path.open("w", encoding="utf-8")

    def write(self, record: CodeContestsRecord) -> None:
        data = record.model_dump(mode="json")
        try:
            line = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except ValueError:  # NaN or Infinity (say, from an imported Parquet file) is not JSON: it becomes null
            line = json.dumps(_finite(data), ensure_ascii=False, allow_nan=False)
        self._file.write(line)
        self._file.write("\n")
        self.count += 1

    def close(self) -> None:
        self._file.close()


class ParquetWriter:
    """Buffers ``row_group_size`` records, then writes them as one row group."""

    def __init__(self, path: Path, row_group_size: int = 500) -> None:
        self.path = path
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._row_group_size = row_group_size
        self._writer = pq.ParquetWriter(str(path), PARQUET_SCHEMA, compression="zstd")

    def write(self, record: CodeContestsRecord) -> None:
        self._rows.append(record.model_dump())
        self.count += 1
        if len(self._rows) >= self._row_group_size:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=PARQUET_SCHEMA))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def open_writer(directory: Path, split: str, fmt: ExportFormat) -> RecordWriter:
    if fmt == "jsonl":
        return JsonlWriter(directory / f"{split}.jsonl")
    if fmt == "parquet":
        return ParquetWriter(directory / f"{split}.parquet")
    raise ValueError(f"unknown export format {fmt!r} (jsonl or parquet)")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
