"""From dataset to model: training records (``cpdata export sft``) and evaluation prompts (``cpdata prompts``).

Both start from the curated pipeline, so they see what an export sees (duplicates merged, AlphaCode's filters,
the temporal splits), and both render a problem the same way: its statement (Markdown as stored, or plain text as
CodeContests writes it), its limits, its samples unless the statement already shows them, and the language asked.

- **SFT** records come from the train split only (valid and test never appear): one per (problem, correct
  solution), as ``prompt``/``completion`` or chat ``messages``; with ``pairs``, one per (correct, incorrect)
  solution pair of a problem, for preference or RL data, the incorrect one's verdict kept.
- **Prompts**: one per problem of an evaluation split, zero- or few-shot. The examples come from the train split
  only, never from a problem in the target's duplicate cluster, chosen reproducibly (a seed per target, or the most
  similar statements by MinHash), and rendered by our template or a user's (Jinja2, in its sandbox).

Output as the exports: JSONL or Parquet written beside the target and renamed into place, ``manifest.json`` (counts,
options, checksums) and a card whose ``datasets`` snippet loads them; ``cpdata.load_dataset`` reads them as dicts.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cpdata.curation.formats.atomic import staged_directory
from cpdata.curation.formats.writers import sha256_file
from cpdata.curation.steps.base import Item
from cpdata.curation.steps.pipeline import Curation, CurationOptions
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs
from cpdata.schema import Language, Store, Submission, TestKind, key_name
from cpdata.version import __version__

__all__ = [
    "LANGUAGE_NAMES",
    "PromptOptions",
    "SftOptions",
    "TemplateError",
    "build_prompts",
    "export_sft",
    "plain_statement",
    "render_problem",
]

MANIFEST_NAME = "manifest.json"
StatementFormat = Literal["markdown", "plain"]
LANGUAGE_NAMES = {
    Language.cpp: "C++", Language.c: "C", Language.python3: "Python 3", Language.python2: "Python 2",
    Language.java: "Java", Language.kotlin: "Kotlin", Language.rust: "Rust", Language.go: "Go",
    Language.csharp: "C#", Language.javascript: "JavaScript", Language.typescript: "TypeScript",
    Language.ruby: "Ruby", Language.php: "PHP", Language.haskell: "Haskell", Language.scala: "Scala",
}  # fmt: skip


class TemplateError(ValueError):
    """A user's prompt template that does not parse or render; the message says where."""


# ---- rendering a problem ----------------------------------------------------------------------------------

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?!\s)|(?<!\w)_(?!\s))")
_FENCE = re.compile(r"^```[^\n]*\n?", re.M)


def plain_statement(markdown: str) -> str:
    """A Markdown statement as CodeContests' plain text: no heading marks, emphasis or fences, images as their alt
    text in brackets, links as their text; TeX math stays as written."""
    text = _IMAGE.sub(lambda m: f"[{m.group(1) or 'image'}]", markdown)
    text = _LINK.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _FENCE.sub("", text)
    text = _EMPHASIS.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _limits(item: Item) -> dict[str, Any]:
    seconds = item.problem.time_limit_ms / 1000 if item.problem.time_limit_ms else None
    megabytes = item.problem.memory_limit_bytes >> 20 if item.problem.memory_limit_bytes else None
    return {"time_limit_seconds": seconds, "memory_limit_mb": megabytes}


def _samples(item: Item) -> list[dict[str, str]]:
    public = sorted((t for t in item.tests if t.kind is TestKind.public and t.input is not None), key=lambda t: t.ordinal)
    return [{"input": t.input or "", "output": t.output or ""} for t in public]


def _ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def render_problem(item: Item, language: Language | None, statement_format: StatementFormat = "markdown") -> str:
    """A problem as a model reads it: name, statement, limits, samples (unless the statement shows them already)
    and the language to answer in."""
    statement = item.problem.statement or ""
    if statement_format == "plain":
        statement = plain_statement(statement)
    parts = [f"# {item.problem.name}" if statement_format == "markdown" and item.problem.name else item.problem.name or ""]
    parts.append(statement)
    limits = _limits(item)
    said = []
    if limits["time_limit_seconds"] is not None:
        seconds = limits["time_limit_seconds"]
        said.append(f"Time limit: {seconds:g} second{'' if seconds == 1 else 's'}.")
    if limits["memory_limit_mb"] is not None:
        said.append(f"Memory limit: {limits['memory_limit_mb']} MB.")
    if said:
        parts.append(" ".join(said))
    samples = [s for s in _samples(item) if s["input"].strip() not in statement]
    for number, sample in enumerate(samples, start=1):
        given, expected = _ended(sample["input"]), _ended(sample["output"])
        if statement_format == "markdown":
            parts.append(f"Example {number}\nInput:\n```\n{given}```\nOutput:\n```\n{expected}```")
        else:
            parts.append(f"Example {number}\nInput:\n{given}Output:\n{expected}".rstrip("\n"))
    if language is not None:
        parts.append(f"Write a solution in {LANGUAGE_NAMES.get(language, str(language))}.")
    return "\n\n".join(p for p in parts if p).strip() + "\n"


# ---- SFT records -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SftOptions:
    record_format: Literal["completion", "chat"] = "completion"
    statement_format: StatementFormat = "markdown"
    task_prefix: str = ""
    """T5-style framing before the prompt, e.g. "solve python3:"."""
    per_problem: int | None = None
    """At most this many solutions (or pairs) per problem and language; None: all."""
    choose: Literal["shortest", "random"] = "shortest"
    seed: int = 0
    pairs: bool = False
    """Preference/RL records: a correct and an incorrect solution of one problem (chosen, rejected)."""
    fmt: Literal["jsonl", "parquet"] = "jsonl"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pick(solutions: list[Submission], options: SftOptions, salt: str) -> list[Submission]:
    if options.choose == "shortest":
        ordered = sorted(solutions, key=lambda s: (len(s.source_code or ""), s.submission_id))
    else:
        ordered = sorted(solutions, key=lambda s: s.submission_id)
        random.Random(f"{options.seed}:{salt}").shuffle(ordered)
    return ordered if options.per_problem is None else ordered[: options.per_problem]


def _with_prefix(prompt: str, options: SftOptions) -> str:
    return f"{options.task_prefix.strip()}\n{prompt}" if options.task_prefix.strip() else prompt


def _sft_records(item: Item, options: SftOptions) -> Iterator[dict[str, Any]]:
    by_language: dict[Language, tuple[list[Submission], list[Submission]]] = {}
    for solution in item.solutions:
        if solution.language is None or not solution.source_code or solution.is_correct is None:
            continue
        correct, incorrect = by_language.setdefault(solution.language, ([], []))
        (correct if solution.is_correct else incorrect).append(solution)
    name = key_name(item.key)
    for language, (correct, incorrect) in sorted(by_language.items()):
        prompt = _with_prefix(render_problem(item, language, options.statement_format), options)
        base = {"problem": name, "name": item.problem.name, "language": language.value}
        if options.pairs:
            chosen = _pick(correct, options, f"{name}:{language}:chosen")
            rejected = _pick(incorrect, options, f"{name}:{language}:rejected")
            for good, bad in zip(chosen, rejected, strict=False):
                yield {**base, "prompt": prompt, "chosen": good.source_code, "rejected": bad.source_code,
                       "rejected_verdict": bad.verdict.value if bad.verdict else bad.verdict_raw}  # fmt: skip
            continue
        for solution in _pick(correct, options, f"{name}:{language}"):
            code = solution.source_code or ""
            if options.record_format == "chat":
                messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": code}]
                yield {**base, "messages": messages}
            else:
                yield {**base, "prompt": prompt, "completion": code}


class _Writer:
    """Records to one JSONL or Parquet file, streamed (Parquet a row group per 1,000 records)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._parquet: Any = None
        self._jsonl = path.open("w", encoding="utf-8") if path.suffix == ".jsonl" else None

    def write(self, record: dict[str, Any]) -> None:
        self.count += 1
        if self._jsonl is not None:
            self._jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        self._rows.append(record)
        if len(self._rows) >= 1000:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        table = pa.Table.from_pylist(self._rows)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        self._parquet.write_table(table.cast(self._parquet.schema))
        self._rows = []

    def close(self) -> None:
        if self._jsonl is not None:
            self._jsonl.close()
            return
        self._flush()
        if self._parquet is not None:
            self._parquet.close()
        else:  # no record: an empty file with no columns is still a file the manifest can describe
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({}), self.path)


def _card(title: str, about: str, files: dict[str, dict[str, Any]], fmt: str) -> str:
    builder = "json" if fmt == "jsonl" else "parquet"
    split_files = "\n".join(f"  - split: {info['split']}\n    path: {name}" for name, info in files.items() if info["records"])
    data_files = ", ".join(f'"{info["split"]}": "{name}"' for name, info in files.items() if info["records"])
    return f"""---
configs:
- config_name: default
  data_files:
{split_files}
---
# {title} (cpdata)

{about}

```python
from cpdata import load_dataset
records = load_dataset(".", split="{next(iter(files.values()))["split"]}")
```
or with Hugging Face (`pip install datasets`), from this directory:

```python
import datasets
splits = datasets.load_dataset("{builder}", data_files={{{data_files}}})
```
"""


def _finish(staging: Path, writer: _Writer, split: str, manifest: dict[str, Any], title: str, about: str, fmt: str) -> None:
    writer.close()
    files = {writer.path.name: {"split": split, "records": writer.count, "bytes": writer.path.stat().st_size,
                                "sha256": sha256_file(writer.path)}}  # fmt: skip
    (staging / "README.md").write_text(_card(title, about, files, fmt), encoding="utf-8")
    manifest.update({"cpdata_version": __version__, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                     "files": files})  # fmt: skip
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def export_sft(
    store: Store,
    out_dir: Path,
    options: SftOptions = SftOptions(),
    *,
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS,
    curation: CurationOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Training records of the train split; return the manifest."""
    with staged_directory(out_dir, MANIFEST_NAME) as staging:
        writer = _Writer(staging / f"train.{options.fmt}")
        pipeline = Curation(store, curation or CurationOptions(), cutoffs)
        counts: Counter[str] = Counter()
        total, done = store.count("problem"), 0
        try:
            for split, _, item in pipeline.records():
                done += 1
                if progress is not None and done % 100 == 0:
                    progress(done, total)
                if split != "train":
                    counts[f"problems_left_out_{split}"] += 1  # valid and test never train
                    continue
                made = 0
                for record in _sft_records(item, options):
                    writer.write(record)
                    counts[f"records_{record['language']}"] += 1
                    made += 1
                counts["problems_with_records" if made else "problems_without_a_usable_solution"] += 1
        except BaseException:
            writer.close()
            raise
        manifest = {"dataset": "sft", "options": options.as_dict(), "cutoffs": cutoffs.as_dict(),
                    "counts": dict(sorted(counts.items())), "records": writer.count}  # fmt: skip
        kind = "preference pairs (prompt, chosen, rejected)" if options.pairs else f"{options.record_format} records"
        about = (f"{writer.count} {kind} from the train split only (before {cutoffs.valid_from}): one per problem and "
                 f"{'pair' if options.pairs else 'correct solution'}, the language named in the prompt.")  # fmt: skip
        _finish(staging, writer, "train", manifest, "Training records", about, options.fmt)
    if progress is not None:
        progress(total, total)
    return manifest


# ---- prompts ----------------------------------------------------------------------------------------------

DEFAULT_TEMPLATE = """{% for example in examples -%}
{{ example.problem }}
Solution:
{{ example.solution }}

{% endfor -%}
{{ problem }}
Solution:
"""


@dataclass(frozen=True)
class PromptOptions:
    split: Literal["valid", "test"] = "test"
    shots: int = 0
    choose: Literal["random", "similar"] = "random"
    seed: int = 0
    language: Language = Language.python3
    statement_format: StatementFormat = "markdown"
    template: str | None = None
    """A Jinja2 template with ``problem`` (the rendered target), ``name``, ``statement``, ``samples``, ``limits``,
    ``language`` and ``examples`` (each with the same fields and its ``solution``); None: ours."""

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "language": self.language.value}


def _template(text: str) -> Any:
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        return SandboxedEnvironment(keep_trailing_newline=True).from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"line {exc.lineno}: {exc.message}") from exc


def _fields(item: Item, options: PromptOptions) -> dict[str, Any]:
    statement = item.problem.statement or ""
    return {
        "key": key_name(item.key),
        "name": item.problem.name,
        "statement": plain_statement(statement) if options.statement_format == "plain" else statement,
        "samples": _samples(item),
        "limits": _limits(item),
        "language": LANGUAGE_NAMES.get(options.language, options.language.value),
        "problem": render_problem(item, options.language, options.statement_format),
    }


def _example_solution(item: Item, language: Language) -> str | None:
    correct = [s for s in item.solutions if s.is_correct and s.source_code]
    same = [s for s in correct if s.language == language]
    chosen = sorted(same or correct, key=lambda s: (len(s.source_code or ""), s.submission_id))
    return chosen[0].source_code if chosen else None


def _similar(targets: Sequence[Item], pool: Sequence[Item]) -> Callable[[Item], list[int]]:
    """Pool positions by estimated statement similarity to a target, most similar first (MinHash signatures)."""
    import numpy as np

    from cpdata.curation.steps.dedup import MinHasher

    hasher = MinHasher(0.5)
    pool_signatures = hasher.signatures(item.problem.statement or "" for item in pool)
    target_signatures = hasher.signatures(item.problem.statement or "" for item in targets)
    position = {id(item): n for n, item in enumerate(targets)}

    def ranked(target: Item) -> list[int]:
        similarity = (pool_signatures == target_signatures[position[id(target)]]).mean(axis=1)
        return [int(p) for p in np.argsort(-similarity, kind="stable")]

    return ranked


def _cluster_of(clusters: dict[Any, Any], item: Item) -> str:
    """The duplicate cluster a problem belongs to (its own name when it has no duplicate)."""
    info = clusters.get(item.key)
    return str(info.cluster) if info is not None else key_name(item.key)


def build_prompts(
    store: Store,
    out_dir: Path,
    options: PromptOptions = PromptOptions(),
    *,
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS,
    curation: CurationOptions | None = None,
) -> dict[str, Any]:
    """One prompt per problem of ``options.split``; return the manifest."""
    template = _template(options.template or DEFAULT_TEMPLATE)
    clusters = store.clusters()
    targets: list[Item] = []
    pool: list[tuple[Item, str]] = []
    # The problems of the split by their date (as ``evaluate`` scores them), and train's curated solutions.
    selection = curation or CurationOptions(dedup=False, execution=False)
    for split, _, item in Curation(store, selection, cutoffs).records():
        if split == options.split:
            targets.append(item)
        elif split == "train" and options.shots:
            solution = _example_solution(item, options.language)
            if solution is not None:
                pool.append((item, solution))
    ranked = _similar(targets, [item for item, _ in pool]) if options.shots and options.choose == "similar" and pool else None
    counts: Counter[str] = Counter()
    with staged_directory(out_dir, MANIFEST_NAME) as staging:
        writer = _Writer(staging / f"{options.split}.jsonl")
        for target in targets:
            own = _cluster_of(clusters, target)

            def allowed(candidate: Item, own: str = own) -> bool:
                return _cluster_of(clusters, candidate) != own

            if ranked is not None:
                order = ranked(target)
            else:
                order = list(range(len(pool)))
                random.Random(f"{options.seed}:{key_name(target.key)}").shuffle(order)
            chosen = [pool[p] for p in order if allowed(pool[p][0])][: options.shots]
            counts["examples_from_the_same_cluster_skipped"] += sum(
                1 for p in order[: options.shots + 5] if not allowed(pool[p][0])
            )
            examples = [{**_fields(item, options), "solution": solution} for item, solution in chosen]
            try:
                prompt = template.render(**_fields(target, options), examples=examples)
            except Exception as exc:  # a user's template: any error it raises is theirs to fix
                raise TemplateError(f"rendering {key_name(target.key)}: {type(exc).__name__}: {exc}") from exc
            writer.write(
                {
                    "problem": key_name(target.key),
                    "name": target.problem.name,
                    "split": options.split,
                    "language": options.language.value,
                    "shots": len(chosen),
                    "examples": [key_name(item.key) for item, _ in chosen],
                    "prompt": prompt,
                }
            )
            counts["prompts"] += 1
            counts["prompts_with_fewer_examples_than_asked"] += len(chosen) < options.shots
        manifest = {"dataset": "prompts", "options": options.as_dict(), "cutoffs": cutoffs.as_dict(),
                    "counts": dict(sorted(counts.items())), "example_pool": len(pool),
                    "template_sha256": hashlib.sha256((options.template or DEFAULT_TEMPLATE).encode()).hexdigest()}  # fmt: skip
        about = (f"{counts['prompts']} {options.shots}-shot prompts for the {options.split} split; examples from the train "
                 "split only, never from the target's duplicate cluster.")  # fmt: skip
        _finish(staging, writer, options.split, manifest, "Prompts", about, "jsonl")
    return manifest
