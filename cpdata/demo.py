"""``cpdata demo``: the whole pipeline on bundled data, offline, in seconds.

Ingests the bundled sample entity stream into a fresh store, exports it as a CodeContests dataset in JSONL and
Parquet, and loads it back, printing what each step did.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from cpdata.output import stdout
from curation import export_codecontests, load_dataset
from schema import Store, StreamError, read_stream

__all__ = ["DEFAULT_WORKDIR", "DEMO_INPUTS", "run_demo"]

DEMO_INPUTS = Path(__file__).resolve().parent.parent / "data" / "demo"
DEFAULT_WORKDIR = DEMO_INPUTS / "run"


def run_demo(workdir: Path = DEFAULT_WORKDIR, *, quiet: bool = False) -> dict[str, Any]:
    def say(message: str) -> None:
        if not quiet:
            stdout.print(message)

    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    summary: dict[str, Any] = {"workdir": str(workdir)}
    with Store(workdir / "cpdata.sqlite") as store:
        with (DEMO_INPUTS / "sample_stream.jsonl").open(encoding="utf-8") as handle:
            items = list(read_stream(handle))
        entities = [i for i in items if not isinstance(i, StreamError)]
        report = store.ingest(entities)
        summary["ingested"] = dict(report.stored)
        say(f"[bold]1. ingest[/] {sum(report.stored.values())} entities into {store.url}")
        for fmt in ("jsonl", "parquet"):
            result = export_codecontests(store, workdir / f"export-{fmt}", fmt=fmt)
            summary[f"export_{fmt}"] = {s: c["problems"] for s, c in result.counts.items()}
            say(f"[bold]2. export[/] {fmt}: " + ", ".join(f"{s} {c['problems']}" for s, c in result.counts.items()))
        loaded = {split: load_dataset(workdir / "export-parquet", split=split) for split in ("train", "valid", "test")}
        summary["loaded"] = {split: len(records) for split, records in loaded.items()}
        first = loaded["train"][0]
        say(
            f"[bold]3. load[/] {summary['loaded']}; first train record: {first.name!r}, "
            f"{len(first.public_tests.input)} public tests, {len(first.solutions.solution)} solutions"
        )
    return summary
