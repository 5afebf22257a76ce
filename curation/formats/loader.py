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
from cpdata.curation.formats.writers import sha256_file
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs
from cpdata.schema import Store

__all__ = ["SPLIT_ALIASES", "DatasetCorrupt", "DatasetNotFound", "load_dataset"]

_STORE_SUFFIXES = {".sqlite", ".sqlite3", ".db"}


class DatasetNotFound(FileNotFoundError):
    """The path holds no dataset, or not the split asked for."""


class DatasetCorrupt(ValueError):
    """An export's files do not match its manifest (changed, truncated, or from another export)."""


# Split names as Hugging Face ``datasets`` spells them, beside ours.
SPLIT_ALIASES = {"train": "train", "valid": "valid", "validation": "valid", "test": "test"}


def _canonical_split(split: str) -> str:
    if split not in SPLIT_ALIASES:
        raise DatasetNotFound(f"no split {split!r}: the splits are train, valid (or validation) and test")
    return SPLIT_ALIASES[split]


def _checked(path: Path, info: dict[str, Any]) -> Path:
    """The split file, if it is the one the manifest describes (size and sha256; records counted as read)."""
    if not path.is_file():
        raise DatasetCorrupt(f"{path}: listed in the manifest but missing; export again")
    if "bytes" in info and path.stat().st_size != info["bytes"]:
        raise DatasetCorrupt(f"{path}: {path.stat().st_size} bytes, the manifest says {info['bytes']}; export again")
    if "sha256" in info and sha256_file(path) != info["sha256"]:
        raise DatasetCorrupt(f"{path}: its checksum does not match the manifest's; export again")
    return path


def _split_file(directory: Path, split: str) -> tuple[Path, int | None]:
    """The split's file and the record count the manifest promises (None without a manifest)."""
    manifest = directory / MANIFEST_NAME
    if manifest.exists():
        try:
            files = json.loads(manifest.read_text()).get("files", {})
        except ValueError as exc:
            raise DatasetCorrupt(f"{manifest}: not JSON ({exc})") from exc
        for name, info in files.items():
            if info.get("split") == split:
                return _checked(directory / str(name), info), info.get("records")
        raise DatasetNotFound(f"no split {split!r} in {manifest}")
    for suffix in (".parquet", ".jsonl"):
        candidate = directory / f"{split}{suffix}"
        if candidate.exists():
            return candidate, None
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


def _counted(records: Iterator[dict[str, Any]], path: Path, promised: int | None) -> Iterator[dict[str, Any]]:
    read = 0
    for record in records:
        read += 1
        yield record
    if promised is not None and read != promised:
        raise DatasetCorrupt(f"{path}: {read} records, the manifest says {promised}; export again")


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
        file, promised = _split_file(location, split)
        return _counted(_iter_file(file), file, promised)
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
    """Records of one split: typed ``CodeContestsRecord`` objects, or plain dicts with ``as_dict=True`` (training
    records and prompts, ``cpdata export sft`` and ``cpdata prompts``, are always dicts).

    ``streaming=True`` returns a lazy iterator (nothing is read until you iterate); otherwise a list.
    ``cutoffs`` only matter when reading a store, which is split on the fly.
    """
    dicts = _iter_dicts(path, _canonical_split(split), cutoffs)
    typed = not as_dict and _dataset_kind(path) == "codecontests"  # training records and prompts load as dicts
    records: Iterator[Any] = (CodeContestsRecord.model_validate(d) for d in dicts) if typed else dicts
    return records if streaming else list(records)


def _dataset_kind(path: str | Path) -> str:
    """What an export directory holds (its manifest's ``dataset``): codecontests, sft or prompts."""
    manifest = Path(path) / MANIFEST_NAME if "://" not in str(path) and Path(path).is_dir() else None
    if manifest is None or not manifest.is_file():
        return "codecontests"
    try:
        return str(json.loads(manifest.read_text()).get("dataset", "codecontests"))
    except ValueError:
        return "codecontests"
