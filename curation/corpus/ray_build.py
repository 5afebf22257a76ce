"""The corpus's per-source stage on a Ray cluster (``cpdata corpus build --executor ray``): one Ray task per source,
the same ``process_source`` as a local build; the corpus-wide duplicate stages and the shards then run in the driver.

Workers write their parts into the build's work directory, so on a cluster of several machines that directory (beside
the output) must be on storage every worker sees (NFS, a mounted bucket); on one machine it simply is. Every worker
needs cpdata (same version) and git. A source a worker could not finish is retried (``max_retries``); a part is
only ever renamed into place whole, so a retried or resumed source never leaves half a part.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpdata.curation.corpus.build import CorpusOptions, process_source
from cpdata.curation.corpus.contamination import EvalSolutions
from cpdata.curation.corpus.sources import Source
from cpdata.curation.judging.ray_executor import connect

__all__ = ["on_ray"]


def _process(source: Source, options: CorpusOptions, work: str, solutions: EvalSolutions | None) -> tuple[int, int]:
    summary = process_source(source, options, Path(work), solutions)
    return summary.files, summary.bytes


def on_ray(
    address: str | None,
    options: CorpusOptions,
    solutions: EvalSolutions | None = None,
    *,
    num_cpus: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Callable[[list[Source], Path], None]:
    """A ``run_sources`` for ``build_corpus`` that spreads the sources over the cluster at ``address`` (a new local
    one when None)."""
    ray: Any = connect(address, num_cpus)
    task = ray.remote(num_cpus=1, max_retries=2)(_process)

    def run(sources: list[Source], work: Path) -> None:
        shared = ray.put(solutions)  # once in the object store, not once per task
        pending = [task.remote(source, options, str(work), shared) for source in sources]
        files = size = 0
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                for ref in done:
                    got_files, got_bytes = ray.get(ref)
                    files, size = files + got_files, size + got_bytes
                    if progress is not None:
                        progress(files, size)
        finally:
            for ref in pending:  # an interrupted build: what is queued stops; finished parts stay for the rerun
                ray.cancel(ref, force=True)

    return run
