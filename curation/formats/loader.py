"""``load_dataset``: read an export (JSONL or Parquet) or a store into CodeContests records.

Modelled on Hugging Face's ``load_dataset(path, split=..., streaming=...)``: a directory written by
``cpdata export``, a single ``.jsonl``/``.parquet`` file, or a store (a ``.sqlite`` file or a database URL, split
on the fly with the given cutoffs).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

import pyarrow.parquet as pq

from cpdata.curation.formats.codecontests import CodeContestsRecord
from cpdata.curation.formats.export import MANIFEST_NAME
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs
from cpdata.schema import Store

__all__ = ["DatasetNotFound", "load_dataset"]

_STORE_SUFFIXES = {".sqlite", ".sqlite3", ".db"}


class DatasetNotFound(FileNotFoundError):
    """The path holds no dataset, or not the split asked for."""


def _split_file(directory: Path, split: str) -> Path:
    manifest = directory / MANIFEST_NAME
    if manifest.exists():
        files = json.loads(manifest.read_text()).get("files", {})
        for name, info in files.items():
            if info.get("split") == split:
                return directory / str(name)
    for suffix in (".parquet", ".jsonl"):
        candidate = directory / f"{split}{suffix}"
        if candidate.exists():
            return candidate
    raise DatasetNotFound(f"no split {split!r} in {directory} (expected {split}.jsonl or {split}.parquet)")


def _iter_file(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix == ".parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
            yield from batch.to_pylist()
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)
    else:
        raise DatasetNotFound(f"{path}: not a .jsonl or .parquet file")


def _iter_store(url: str, split: str, cutoffs: SplitCutoffs) -> Iterator[dict[str, Any]]:
    # The export's default curation, with the duplicate clusters the store already holds (a loader writes nothing).
    with Store(url, create=False) as store:
        for record_split, record, _ in Curation(store, CurationOptions(dedup=False), cutoffs).records():
            if record_split == split:
                yield record.model_dump()


def _iter_dicts(path: str | Path, split: str, cutoffs: SplitCutoffs) -> Iterator[dict[str, Any]]:
    text = str(path)
    if "://" in text:
        return _iter_store(text, split, cutoffs)
    location = Path(path)
    if location.is_dir():
        return _iter_file(_split_file(location, split))
    if location.suffix in _STORE_SUFFIXES:
        return _iter_store(text, split, cutoffs)
    if location.exists():
        return _iter_file(location)
    raise DatasetNotFound(f"{location}: no such file or directory")


@overload
def load_dataset(
    path: str | Path,
    split: str = ...,
    streaming: Literal[False] = ...,
    *,
    as_dict: Literal[False] = ...,
    cutoffs: SplitCutoffs = ...,
) -> list[CodeContestsRecord]: ...
@overload
def load_dataset(
    path: str | Path,
    split: str = ...,
    streaming: Literal[True] = ...,
    *,
    as_dict: Literal[False] = ...,
    cutoffs: SplitCutoffs = ...,
) -> Iterator[CodeContestsRecord]: ...
@overload
def load_dataset(
    path: str | Path, split: str = ..., streaming: bool = ..., *, as_dict: Literal[True], cutoffs: SplitCutoffs = ...
) -> list[dict[str, Any]] | Iterator[dict[str, Any]]: ...


def load_dataset(
    path: str | Path,
    split: str = "train",
    streaming: bool = False,
    *,
    as_dict: bool = False,
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS,
) -> Any:
    """Records of one split: typed ``CodeContestsRecord`` objects, or plain dicts with ``as_dict=True``.

    ``streaming=True`` returns a lazy iterator (nothing is read until you iterate); otherwise a list.
    ``cutoffs`` only matter when reading a store, which is split on the fly.
    """
    dicts = _iter_dicts(path, split, cutoffs)
    records: Iterator[Any] = dicts if as_dict else (CodeContestsRecord.model_validate(d) for d in dicts)
    return records if streaming else list(records)
