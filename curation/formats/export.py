"""``cpdata export codecontests``: the store as a CodeContests-like dataset, split by release date.

The export is a view of the store: problems are read a batch at a time in key order, each becomes one record,
and the record goes to the writer of its split. Nothing holds the whole dataset, so memory stays flat as the
store grows. The output directory gets one file per split, ``manifest.json`` and a README dataset card.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cpdata.curation.formats.atomic import staged_directory
from cpdata.curation.formats.writers import ExportFormat, RecordWriter, open_writer, sha256_file
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, Split, SplitCutoffs
from cpdata.schema import Store
from cpdata.schema.store import redact_url
from cpdata.version import __version__

__all__ = ["MANIFEST_NAME", "ExportResult", "export_codecontests"]

MANIFEST_NAME = "manifest.json"
ProgressCallback = Callable[[int, int], None]


_COUNTED = (
    "problems",
    "public_tests",
    "private_tests",
    "generated_tests",
    "solutions",
    "incorrect_solutions",
    "tests_without_output_left_out",
    "problems_with_generated_tests",
    "generated_by_jury_validator",
    "generated_by_inferred_specification",
    "generated_not_validated",
)


@dataclass
class ExportResult:
    out_dir: Path
    fmt: ExportFormat
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {s.value: Counter(dict.fromkeys(_COUNTED, 0)) for s in Split})
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    curation: dict[str, Any] = field(default_factory=dict)


def _count_record(counter: Counter[str], record: Any, dropped_tests: int) -> None:
    counter["problems"] += 1
    counter["public_tests"] += len(record.public_tests.input)
    counter["private_tests"] += len(record.private_tests.input)
    counter["generated_tests"] += len(record.generated_tests.input)
    counter["solutions"] += len(record.solutions.solution)
    counter["incorrect_solutions"] += len(record.incorrect_solutions.solution)
    counter["tests_without_output_left_out"] += dropped_tests
    if record.generated_tests.input:  # problems with generated tests, by what validated their inputs
        counter["problems_with_generated_tests"] += 1
        key = {
            "jury validator": "generated_by_jury_validator",
            "inferred specification": "generated_by_inferred_specification",
        }.get(record.generated_tests_validation or "", "generated_not_validated")
        counter[key] += 1
    counter[f"site:{record.site}"] += 1


def export_codecontests(
    store: Store,
    out_dir: Path,
    *,
    fmt: ExportFormat = "jsonl",
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS,
    curation: CurationOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ExportResult:
    """Run the curation steps, then write train/valid/test files, the manifest and the dataset card: all into a
    staging directory beside ``out_dir``, manifest last, renamed into place when complete (``atomic.py``)."""
    with staged_directory(out_dir, MANIFEST_NAME) as staging:
        return _export_into(store, staging, out_dir, fmt, cutoffs, curation, progress)


def _export_into(
    store: Store,
    out_dir: Path,
    final_dir: Path,
    fmt: ExportFormat,
    cutoffs: SplitCutoffs,
    curation: CurationOptions | None,
    progress: ProgressCallback | None,
) -> ExportResult:
    result = ExportResult(out_dir=final_dir, fmt=fmt)
    total = store.count("problem")
    pipeline = Curation(store, curation or CurationOptions(), cutoffs)
    writers: dict[str, RecordWriter] = {s.value: open_writer(out_dir, s.value, fmt) for s in Split}
    done = 0
    try:
        for split, record, item in pipeline.records():
            writers[split].write(record)
            _count_record(result.counts[split], record, sum(t.output is None or t.input is None for t in item.tests))
            done += 1
            if progress is not None and done % 100 == 0:
                progress(done, total)
    finally:
        for writer in writers.values():
            writer.close()
    if progress is not None:
        progress(total, total)
    for split, writer in writers.items():
        result.files[writer.path.name] = {
            "split": split,
            "records": writer.count,
            "bytes": writer.path.stat().st_size,
            "sha256": sha256_file(writer.path),
        }
    result.curation = pipeline.report()
    by_problem = result.curation.pop("test_strength_by_problem", None) or {}
    all_labelled = result.curation.pop("test_strength_all_labelled_by_problem", None) or {}
    if by_problem or all_labelled:  # per problem in its own file; the manifest keeps the per-split figures
        merged = {
            name: {**by_problem.get(name, {}), "all_labelled": all_labelled.get(name)} for name in {*by_problem, *all_labelled}
        }
        (out_dir / "test_strength.json").write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n")
    (out_dir / "README.md").write_text(_dataset_card(result, cutoffs))
    result.manifest = _manifest(store, result, cutoffs)
    result.manifest["other_files"] = {
        name: {"bytes": (out_dir / name).stat().st_size, "sha256": sha256_file(out_dir / name)}
        for name in ("README.md", "test_strength.json")
        if (out_dir / name).exists()
    }
    # the manifest last: its presence says the export is complete
    (out_dir / MANIFEST_NAME).write_text(json.dumps(result.manifest, indent=2, ensure_ascii=False, default=str) + "\n")
    return result


def _manifest(store: Store, result: ExportResult, cutoffs: SplitCutoffs) -> dict[str, Any]:
    return {
        "dataset": "codecontests",
        "cpdata_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": redact_url(store.url),
        "options": {"format": result.fmt, **cutoffs.as_dict(), **result.curation.get("options", {})},
        "cutoffs": cutoffs.as_dict(),
        "curation": result.curation,
        "splits": {split: dict(sorted(counter.items())) for split, counter in result.counts.items()},
        "files": result.files,
    }


_HF_SPLIT = {"valid": "validation"}  # the name Hugging Face datasets gives it


def _strength_section(strength: dict[str, Any]) -> str:
    """What the tests are worth, per split, at the three stages a user decides on: the share of known-incorrect
    solutions that pass every test (FP) with the samples only, with the samples and the generated tests, with the
    official tests where there are some; and FP over the half of the incorrect solutions that never guided
    ``gen-tests --search`` (held out), beside TPR."""
    by_split: dict[str, dict[str, Any]] = strength.get("by_split") or {}
    if not by_split:
        return ""

    def cell(value: Any) -> str:
        return "–" if value is None else f"{value:.3f}"

    rows = []
    for split, counts in [*sorted(by_split.items()), ("overall", strength.get("overall") or {})]:
        stages = counts.get("by_stage") or {}
        samples, generated = stages.get("samples_only", {}), stages.get("samples_and_generated", {})
        official, every = stages.get("samples_and_official", {}), stages.get("every_test", {})
        rows.append(
            f"| {split} | {cell(samples.get('fp_rate'))} | {cell(generated.get('fp_rate'))} | "
            f"{cell(generated.get('fp_rate_held_out'))} ({generated.get('held_out_incorrect', 0)}) | "
            f"{cell(official.get('fp_rate'))} | {cell(every.get('tpr'))} |"
        )
    return (
        "\n## Test strength\n\nFP: the share of known-incorrect solutions that pass every test (lower is better), "
        "after the curation steps. Held out: the incorrect solutions that never guided `gen-tests --search` (half of "
        "them, by a fixed hash; the figure over all of them includes the guides). Per problem in `test_strength.json`."
        "\n\n| split | FP, samples only | FP, samples + generated | FP held out, samples + generated (solutions) | "
        "FP, samples + official | TPR, every test |\n|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def _dataset_card(result: ExportResult, cutoffs: SplitCutoffs) -> str:
    files = {info["split"]: name for name, info in result.files.items()}
    # Hugging Face datasets cannot load a declared split with no rows ("corresponds to no data"): declare only the
    # splits that have records (an empty one is still in the manifest and in cpdata's load_dataset).
    filled = {split: name for split, name in files.items() if result.files[name]["records"]}
    config = "\n".join(f"  - split: {_HF_SPLIT.get(split, split)}\n    path: {name}" for split, name in filled.items())
    builder = "json" if result.fmt == "jsonl" else "parquet"
    hf_files = ", ".join(f'"{_HF_SPLIT.get(split, split)}": "{name}"' for split, name in filled.items())
    rows = "\n".join(
        f"| {split} | `{files[split]}` | {c['problems']} | {c['public_tests']} | {c['private_tests']} | "
        f"{c['generated_tests']} | {c['solutions']} | {c['incorrect_solutions']} |"
        for split, c in result.counts.items()
    )
    generated_rows = "\n".join(
        f"| {split} | {c['problems_with_generated_tests']} | {c['generated_by_jury_validator']} | "
        f"{c['generated_by_inferred_specification']} | {c['generated_not_validated']} |"
        for split, c in result.counts.items()
    )
    strength = _strength_section(result.curation.get("test_strength") or {})
    return f"""---
configs:
- config_name: default
  data_files:
{config}
---
# CodeContests-like dataset (cpdata)

Exported by cpdata {__version__} on {datetime.now(UTC).date().isoformat()}. Every record carries the
fields of DeepMind's CodeContests (same names, enum integers and encodings), plus cpdata's own fields
(`site`, `contest_id`, `index`, `problem_id`, `url`, `published_at`, ...).

## Splits

Split by the contest start date (else the problem's own publication date), in UTC:
train before {cutoffs.valid_from}, valid from {cutoffs.valid_from}, test from {cutoffs.test_from}.
A problem with no known date is always in train.

| split | file | problems | public tests | private tests | generated tests | solutions | incorrect solutions |
|---|---|---|---|---|---|---|---|
{rows}

Tests whose expected output is unknown (e.g. hack inputs not yet labelled) are left out; their count per split is
`tests_without_output_left_out` in `manifest.json`, which also holds the options and file checksums.

## Generated tests

Problems with generated tests, per split, by what accepted their inputs: the jury's input validator, a
specification cpdata read from the statement and proved on every known input, or nothing (`gen-tests
--unvalidated`: mutations every correct solution agreed on). Each record says it in `generated_tests_validation`,
and each test in `generated_tests_validated`.

| split | problems with generated tests | jury validator | inferred specification | not validated |
|---|---|---|---|---|
{generated_rows}
{strength}
## Loading

```python
from cpdata import load_dataset
train = load_dataset("{result.out_dir}", split="train")
```
or with Hugging Face (`pip install datasets`), from this directory:

```python
import datasets
splits = datasets.load_dataset("{builder}", data_files={{{hf_files}}})
```
"""
