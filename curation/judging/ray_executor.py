"""Running jobs on a Ray cluster: the same ``Executor`` seam as ``LocalExecutor``, beyond one machine.

Each job (a solution and its tests) is one Ray task. A worker process builds its own sandbox the first time it runs
one and keeps it, with its own binary cache on its machine; results come back to the caller, which writes them to
the store, so the store needs no network access from the workers. Ray is an optional dependency
(``pip install 'cpdata[ray]'``).

On an existing cluster (``--ray-address HOST:PORT`` or ``auto``), every worker machine needs what a local run
needs: cpdata installed (same version), bubblewrap, and the compilers and interpreters of the languages to run
(``cpdata doctor`` on each machine says what it has). Without an address, Ray starts a local cluster on this machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cpdata.curation.judging.judge import Job, JobResult, run_job
from cpdata.curation.sandbox.sandbox import Sandbox

__all__ = ["RayExecutor", "RayUnavailable", "connect"]

_WORKER: dict[str, Sandbox] = {}


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


def _run_on_worker(job: Job, allow_unsafe: bool) -> JobResult:
    """Inside a Ray worker process: its one sandbox (made on first use) runs the job."""
    sandbox = _WORKER.get("sandbox")
    if sandbox is None:
        sandbox = _WORKER["sandbox"] = Sandbox(allow_unsafe=allow_unsafe)
    return run_job(sandbox, job)


def _describe_worker(allow_unsafe: bool) -> str:
    sandbox = _WORKER.get("sandbox")
    if sandbox is None:
        sandbox = _WORKER["sandbox"] = Sandbox(allow_unsafe=allow_unsafe)
    return sandbox.mode


def connect(address: str | None = None, num_cpus: int | None = None) -> Any:
    """The ``ray`` module, connected to the cluster at ``address`` (``auto``, ``HOST:PORT``), or to a new local one
    with ``num_cpus``; ``RayUnavailable`` with advice when Ray is missing or the cluster cannot be reached."""
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable("Ray is not installed: pip install 'cpdata[ray]'") from exc
    try:
        if not ray.is_initialized():
            ray.init(address=address, num_cpus=num_cpus if address is None else None, log_to_driver=False,
                     include_dashboard=False)  # fmt: skip
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailable(f"cannot reach the Ray cluster at {address or 'a new local one'}: {exc}") from exc
    return ray


class RayExecutor:
    def __init__(self, address: str | None = None, *, allow_unsafe: bool = False, num_cpus: int | None = None) -> None:
        ray = connect(address, num_cpus)
        self._ray: Any = ray
        self.allow_unsafe = allow_unsafe
        self._task = ray.remote(num_cpus=1, max_retries=2)(_run_on_worker)
        self._probe = ray.remote(num_cpus=1)(_describe_worker)
        self._mode: str | None = None

    @property
    def sandbox_mode(self) -> str:
        """The isolation a worker gives (asked of one worker; every machine should give the same)."""
        if self._mode is None:
            self._mode = str(self._ray.get(self._probe.remote(self.allow_unsafe)))
        return self._mode

    def run(self, jobs: Iterable[Job]) -> Iterator[JobResult]:
        ray = self._ray
        in_flight_limit = max(2, int(ray.available_resources().get("CPU", 1)) * 2)
        queue = iter(jobs)
        in_flight: list[Any] = []
        try:
            while True:
                while len(in_flight) < in_flight_limit:
                    job = next(queue, None)
                    if job is None:
                        break
                    in_flight.append(self._task.remote(job, self.allow_unsafe))
                if not in_flight:
                    return
                done, in_flight = ray.wait(in_flight, num_returns=1)
                for ref in done:
                    yield ray.get(ref)
        finally:
            for ref in in_flight:  # an interrupted caller: stop what is queued
                ray.cancel(ref, force=True)

    def shutdown(self) -> None:
        self._ray.shutdown()
