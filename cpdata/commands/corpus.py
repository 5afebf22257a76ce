"""``cpdata corpus build|stats``: the pre-training corpus from git repositories (``cpdata.curation.corpus``)."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from cpdata.commands.options import (
    TEST_FROM,
    VALID_FROM,
    Commands,
    JsonOption,
    TestFromOption,
    ValidFromOption,
    cutoffs_from,
    fail,
    open_store,
    parse_date,
)
from cpdata.output import OutputFormat, print_json, print_rows, stderr, stdout

__all__ = ["corpus_app"]

CORPUS = Commands()
corpus_app = typer.Typer(help="The pre-training corpus: source files from git repositories, dated and decontaminated.",
                         no_args_is_help=True)  # fmt: skip
ExecutorChoice = Literal["local", "ray"]


def _progress(enabled: bool) -> Any:
    """A rich bar of files with their rate, bytes read and their rate, and the time spent."""
    from rich.progress import Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Rates(ProgressColumn):
        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            size = float(task.fields.get("bytes", 0))
            files_rate = task.completed / elapsed if elapsed else 0.0
            bytes_rate = size / elapsed / (1 << 20) if elapsed else 0.0
            return Text(f"{task.completed:,.0f} files ({files_rate:,.0f}/s), {size / (1 << 20):,.1f} MB ({bytes_rate:,.1f} MB/s)")

    return Progress(TextColumn("[bold]{task.description}"), Rates(), TimeElapsedColumn(), console=stderr.console,
                    disable=not enabled)  # fmt: skip


@CORPUS.command(
    "build",
    example=[
        "cpdata corpus build ../shared/git-repos data/corpus                      # as of the last day of train",
        "cpdata corpus build repos.txt data/corpus --as-of 2021-07-14 --against-store data/cpdata.sqlite",
        "cpdata corpus build ../shared/git-repos data/corpus --near-dedup --executor ray --json",
    ],
)
def corpus_build(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="SOURCES... OUT_DIR",
            help="Git repositories (working trees or bare), bundles, zip or tar archives, text files listing them, or "
            "directories of them; the last path is the output directory.",
        ),
    ],
    as_of: Annotated[
        date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="DATE",
            help="Read each repository at its last commit on or before this UTC date (never its working tree).",
            show_default=f"the last day of train, {(VALID_FROM - timedelta(days=1)).isoformat()}",
        ),
    ] = None,
    languages: Annotated[
        str,
        typer.Option(
            "--languages",
            metavar="LIST",
            help="Languages to keep, comma-separated; 'alphacode' for AlphaCode's twelve, 'all' for every one known.",
        ),
    ] = "alphacode",
    near_dedup: Annotated[
        bool, typer.Option("--near-dedup/--no-near-dedup", help="Also drop near duplicates (MinHash, checked exactly).")
    ] = False,
    against_store: Annotated[
        str | None,
        typer.Option(
            "--against-store",
            metavar="URL|PATH",
            help="Drop files that contain a solution of this store's valid or test problems, and report the problems.",
        ),
    ] = None,
    valid_from: ValidFromOption = VALID_FROM,
    test_from: TestFromOption = TEST_FROM,
    shard_mb: Annotated[int, typer.Option("--shard-mb", min=1, help="Largest shard, in MB of file contents.")] = 256,
    keep_rejects: Annotated[
        Path | None, typer.Option("--keep-rejects", metavar="FILE", help="Write every dropped file here (JSONL).")
    ] = None,
    executor: Annotated[
        ExecutorChoice, typer.Option("--executor", help="Where the per-source work runs: here, or a Ray cluster.")
    ] = "local",
    workers: Annotated[
        int | None, typer.Option(min=1, help="Sources processed at once here.", show_default="the number of cores")
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", metavar="auto|HOST:PORT", help="The Ray cluster.", show_default="a new local one"),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Build a pre-training corpus as AlphaCode's GitHub set was built: source files in its twelve languages, read
    from git objects as of a date, without files over 1 MB, lines over 1,000 characters, vendored or generated
    files and whitespace-insensitive duplicates (the earliest copy kept). Parquet shards, a manifest and a card.
    Resumable: a killed build, run again, goes on and gives the same shards."""
    from cpdata.curation.corpus.build import CorpusOptions, build_corpus
    from cpdata.curation.corpus.filters import parse_languages
    from cpdata.curation.corpus.sources import SourceError, discover_sources
    from cpdata.curation.formats.atomic import NotAnExportDirectory

    if len(paths) < 2:
        raise fail("give at least one source and the output directory (cpdata corpus build SOURCES... OUT_DIR)")
    *source_paths, out_dir = paths
    try:
        chosen = parse_languages(languages)
        sources = discover_sources(source_paths)
    except (ValueError, OSError) as exc:
        raise fail(str(exc)) from exc
    # On or before the day: up to its last second. By default the last day of train (AlphaCode's 2021-07-14).
    cutoff = as_of or cutoffs_from(valid_from, test_from).valid_from - timedelta(days=1)
    moment = datetime.combine(cutoff, time(23, 59, 59), tzinfo=UTC)
    solutions = None
    if against_store is not None:
        from cpdata.curation.corpus.contamination import load_eval_solutions

        with open_store(against_store, create=False, write=False) as store:
            solutions = load_eval_solutions(store, cutoffs_from(valid_from, test_from))
        stderr.print(f"checking against {sum(solutions.by_split.values())} solutions of valid and test problems", markup=False)
    identity = hashlib.sha256(b"\0".join(solutions.stripped)).hexdigest()[:16] if solutions is not None else ""
    options = CorpusOptions(
        as_of=moment,
        languages=chosen,
        near_dedup=near_dedup,
        shard_bytes=shard_mb << 20,
        keep_rejects=keep_rejects is not None,
        contamination_id=identity,
    )
    with _progress(not json_output) as bar:
        task = bar.add_task("corpus", total=None)

        def moved(files: int, size: int) -> None:
            bar.update(task, completed=files, bytes=size)

        run_sources = None
        if executor == "ray":
            from cpdata.curation.corpus.ray_build import on_ray
            from cpdata.curation.judging.ray_executor import RayUnavailable

            try:
                run_sources = on_ray(ray_address, options, solutions, progress=moved)
            except RayUnavailable as exc:
                raise fail(str(exc)) from exc
        try:
            manifest = build_corpus(
                sources,
                out_dir,
                options,
                solutions=solutions,
                run_sources=run_sources,
                progress=moved,
                rejects_file=keep_rejects,
                workers=workers or os.cpu_count() or 1,
            )
        except (SourceError, NotAnExportDirectory) as exc:
            raise fail(str(exc)) from exc
    if json_output:
        print_json(manifest)
        return
    _print_summary(manifest, out_dir)


def _print_summary(manifest: dict[str, Any], out_dir: Path) -> None:
    print_rows(
        ["source", "commit", "commit date", "files", "kept", "note"],
        [
            (s["source"], (s["commit"] or "-")[:12], s["commit_date"] or "-", s["files"], s["kept"], s["error"] or "")
            for s in manifest["sources"]
        ],
        OutputFormat.table,
        title=f"corpus as of {manifest['as_of']}",
    )
    print_rows(
        ["language", "files", "bytes"],
        [(name, v["files"], v["bytes"]) for name, v in manifest["languages"].items()],
        OutputFormat.table,
        title="kept",
    )
    print_rows(["step: reason", "files"], list(manifest["drops"].items()), OutputFormat.table, title="dropped")
    if manifest["contaminated_problems"]:
        print_rows(["evaluation problem", "files"], list(manifest["contaminated_problems"].items()), OutputFormat.table,
                   title="files that contain a valid or test solution (dropped)")  # fmt: skip
    stdout.print(f"{manifest['files']:,} files in {len(manifest['shards'])} shards in {out_dir}", markup=False)


@CORPUS.command("stats", example=["cpdata corpus stats data/corpus", "cpdata corpus stats data/corpus --json"])
def corpus_stats_command(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT_DIR", help="A corpus built by cpdata corpus build.")],
    json_output: JsonOption = False,
) -> None:
    """What a corpus holds: files and bytes per language, drops per step and reason, its sources and their commits,
    the evaluation problems whose solutions were found, and whether every shard matches its checksum."""
    from cpdata.curation.corpus.build import corpus_stats

    try:
        stats = corpus_stats(out_dir)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        raise fail(str(exc)) from exc
    if json_output:
        print_json(stats)
    else:
        print_rows(
            ["language", "files", "bytes"], [(k, v["files"], v["bytes"]) for k, v in stats["languages"].items()],
            OutputFormat.table, title=f"{out_dir}: {stats['files']:,} files as of {stats['as_of']}",
        )  # fmt: skip
        print_rows(["step: reason", "files"], list(stats["drops"].items()), OutputFormat.table, title="dropped")
        state = "all shards match their checksums" if not stats["shards_damaged"] else f"damaged: {stats['shards_damaged']}"
        stdout.print(f"{stats['shards']} shards; {state}", markup=False)
    if stats["shards_damaged"]:
        raise typer.Exit(1)


CORPUS.register(corpus_app)
