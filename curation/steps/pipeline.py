"""The curation pipeline that ``cpdata export`` and ``cpdata curate`` run: items from the store, then the steps.

Order: (dedup finds clusters) -> merge exact duplicates -> date window -> language filter -> size filter ->
duplicate solutions. Merging comes first so that a merged problem's solutions pass the same filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cpdata.curation.formats.codecontests import (
    VALIDATION_INFERRED,
    VALIDATION_JURY,
    CodeContestsRecord,
    build_record,
    release_time,
)
from cpdata.curation.steps.base import Item, Rejects, Step, run_steps
from cpdata.curation.steps.dedup import DedupResult, run_dedup
from cpdata.curation.steps.filters import (
    DEFAULT_LANGUAGES,
    DateWindow,
    DedupSolutions,
    LanguageFilter,
    MergeExactDuplicates,
    SolutionSizeFilter,
)
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs, assign_split
from cpdata.curation.steps.strength import MeasureStrength, execution_steps
from cpdata.schema import Language, ProblemKey, Store
from cpdata.schema.collection import batch_collection
from cpdata.schema.models import INFERRED_SPECIFICATION
from cpdata.schema.store import ClusterInfo

__all__ = ["Curation", "CurationOptions", "iter_items"]


@dataclass
class CurationOptions:
    languages: frozenset[Language] | None = DEFAULT_LANGUAGES
    """None keeps every language."""
    dedup: bool = True
    """Find duplicate clusters afresh (and record them in the store) before the steps run; without it, the
    clusters already in the store are used as they are."""
    threshold: float = 0.8
    window: tuple[date, date] | None = None
    max_solution_bytes: int = 1_000_000
    max_line: int = 1000
    rejects: Path | None = None
    execution: bool | None = None
    """AlphaCode's execution filters, the valid/test test requirement and test strength (they read the results of
    ``cpdata verify``/``gen-tests``). None: on once verify has judged labelled solutions."""
    time_factor: float = 2.0
    """The time scale the results were run with (``verify --time-factor``)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "languages": sorted(self.languages) if self.languages is not None else "all",
            "dedup": self.dedup,
            "near_duplicate_threshold": self.threshold,
            "window": [d.isoformat() for d in self.window] if self.window else None,
            "max_solution_bytes": self.max_solution_bytes,
            "max_line_length": self.max_line,
            "rejects": str(self.rejects) if self.rejects else None,
            "execution_filters": self.execution,
            "time_factor": self.time_factor,
        }


def iter_items(store: Store, batch_size: int = 200, clusters: dict[ProblemKey, ClusterInfo] | None = None) -> Iterator[Item]:
    """Every problem of the store with its tests and solutions (with code); a clustered problem carries its
    cluster's earliest date, so the whole cluster lands in one split. ``clusters``: the store's, when the caller
    has just found them (``DedupResult.clusters``)."""
    clusters = store.clusters() if clusters is None else clusters
    # A cluster with a member that must stay out of train (CodeContests' own valid/test) keeps all its members out:
    # a near copy in train would be its evaluation problem in disguise.
    floors: dict[str, str] = {}
    for cluster, floor in store.run_sql(
        "SELECT c.cluster, p.split_floor FROM problem_cluster c JOIN problem p ON p.site = c.site AND "
        'p.contest_id = c.contest_id AND p."index" = c."index" WHERE p.split_floor IS NOT NULL'
    )[1]:
        floors[cluster] = "test" if "test" in (floor, floors.get(cluster)) else str(floor)
    for batch in store.iter_problem_batches(batch_size):
        keys = [problem.key for problem, _ in batch]
        tests = store.tests_for(keys)
        solutions = store.submissions_for(keys)
        for problem, contest in batch:
            info = clusters.get(problem.key)
            floor = floors.get(info.cluster) if info is not None else None
            if floor is not None and (problem.split_floor is None or (floor == "test" and problem.split_floor != "test")):
                problem = problem.model_copy(update={"split_floor": floor})
            own = release_time(problem, contest)
            released = own
            if info is not None and info.cluster_release is not None and (own is None or info.cluster_release < own):
                released = info.cluster_release
            yield Item(
                problem,
                contest,
                tests[problem.key],
                solutions[problem.key],
                released,
                exact_group=info.exact_group if info else None,
            )


def input_validator_kinds(store: Store) -> dict[tuple[str, str, str], str]:
    """Each problem's input validator, as the record names it: the jury's, else the specification cpdata inferred
    (one query for the whole store, as the export starts)."""
    rows = store.run_sql("SELECT site, contest_id, \"index\", name FROM problem_program WHERE role = 'input_validator'")[1]
    found: dict[tuple[str, str, str], str] = {}
    for site, contest_id, index, name in rows:
        kind = VALIDATION_INFERRED if name == INFERRED_SPECIFICATION else VALIDATION_JURY
        if found.get((site, contest_id, index)) != VALIDATION_JURY:
            found[(site, contest_id, index)] = kind
    return found


@dataclass
class Curation:
    """One run of the pipeline over a store: call ``items()`` once, then read ``report()``."""

    store: Store
    options: CurationOptions = field(default_factory=CurationOptions)
    cutoffs: SplitCutoffs = DEFAULT_CUTOFFS
    dedup_result: DedupResult | None = None
    steps: list[Step] = field(default_factory=list)

    def items(self) -> Iterator[Item]:
        options = self.options
        if options.dedup:
            self.dedup_result = run_dedup(self.store, threshold=options.threshold)
        self.steps = [MergeExactDuplicates(self.store)]
        if options.window is not None:
            self.steps.append(DateWindow(*options.window))
        if options.languages is not None:
            self.steps.append(LanguageFilter(options.languages))
        self.steps += [SolutionSizeFilter(options.max_solution_bytes, options.max_line), DedupSolutions()]
        execution = options.execution
        if execution is None:
            # On once labelled solutions have been run (verify): the results table also holds runs that say nothing
            # about the dataset's solutions (a model's samples under `cpdata evaluate`), which must not change it.
            execution = self.store.count("verification") > 0
        self.options.execution = execution
        if execution:
            self.steps += execution_steps(self.store, self.cutoffs, options.time_factor)
        rejects = Rejects(options.rejects)
        for step in self.steps:
            step.rejects = rejects
        complete = False
        try:
            with batch_collection():
                found = self.dedup_result.clusters if self.dedup_result is not None else None
                yield from run_steps(iter_items(self.store, clusters=found), self.steps)
            complete = True
        finally:
            rejects.close(complete=complete)

    def records(self) -> Iterator[tuple[str, CodeContestsRecord, Item]]:
        """(split, record, item) for every problem the steps keep; the split follows the cluster's earliest date,
        so a later copy of a problem never lands in valid or test."""
        validators = input_validator_kinds(self.store)
        for item in self.items():
            validator = validators.get(item.problem.key)
            record = build_record(item.problem, item.contest, item.tests, item.solutions, validator)
            record = record.model_copy(
                update={
                    "published_at": item.released,
                    "multiple_answers": item.multiple_answers,
                    "multiple_answers_without_checker": item.multiple_answers_without_checker,
                }
            )
            yield assign_split(item.released, self.cutoffs, item.problem.split_floor).value, record, item

    def report(self) -> dict[str, Any]:
        measures = {step.stage: step for step in self.steps if isinstance(step, MeasureStrength)}
        strength = measures.get("after_curation")
        everything = measures.get("all_labelled")
        return {
            "options": self.options.as_dict(),
            "dedup": self.dedup_result.summary() if self.dedup_result else None,
            "steps": [step.stats.as_dict() for step in self.steps],
            "test_strength": strength.summary() if strength is not None else None,
            "test_strength_by_problem": strength.by_problem if strength is not None else None,
            "test_strength_all_labelled": everything.summary() if everything is not None else None,
            "test_strength_all_labelled_by_problem": everything.by_problem if everything is not None else None,
        }
