"""Curation is a list of steps (datatrove's shape). Each step takes a stream of items (a problem with its tests and
solutions) and yields the items it keeps; it may also drop parts of an item (a solution, a test). Every drop has a
reason and is counted; with a rejects file, every dropped thing is written there too. Nothing disappears silently.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from cpdata.schema import Contest, Problem, ProblemKey, Submission, Test, key_name

__all__ = ["Item", "Rejects", "Step", "StepStats", "run_steps"]


@dataclass
class Item:
    problem: Problem
    contest: Contest | None
    tests: list[Test]
    solutions: list[Submission]
    released: datetime | None
    """The date that decides the split: the earliest date of the problem's duplicate cluster, else its own."""
    exact_group: str | None = None
    merged_from: list[str] = field(default_factory=list)
    multiple_answers: bool | None = None
    """Correct solutions disagree on some test (set by FlagMultipleAnswers when results exist)."""
    multiple_answers_without_checker: bool | None = None
    """... and the problem has no checker that could accept each of their answers: not used to measure anything."""
    strength: dict[str, Any] | None = None
    """False-positive counts of its tests (set by MeasureStrength when results exist)."""

    @property
    def key(self) -> ProblemKey:
        return self.problem.key


@dataclass
class StepStats:
    name: str
    problems_in: int = 0
    problems_out: int = 0
    solutions_in: int = 0
    solutions_out: int = 0
    tests_in: int = 0
    tests_out: int = 0
    dropped_problems: Counter[str] = field(default_factory=Counter)
    dropped_solutions: Counter[str] = field(default_factory=Counter)
    dropped_tests: Counter[str] = field(default_factory=Counter)
    added_solutions: int = 0
    added_tests: int = 0
    flagged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "problems": {"in": self.problems_in, "out": self.problems_out, "dropped": dict(self.dropped_problems)},
            "solutions": {
                "in": self.solutions_in,
                "out": self.solutions_out,
                "dropped": dict(self.dropped_solutions),
                "added": self.added_solutions,
            },
            "tests": {"in": self.tests_in, "out": self.tests_out, "dropped": dict(self.dropped_tests), "added": self.added_tests},
            "flagged": self.flagged,
        }


class Rejects:
    """Where dropped things go when the user asks to keep them: one JSON line each, with the step and the reason."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file: TextIO | None = None
        self._partial: Path | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written beside the target and renamed into place when the run completes: a killed run leaves the
            # previous rejects file whole, never a truncated one that looks like a run with fewer rejects.
            for stale in path.parent.glob(f".{path.name}.partial-*"):
                stale.unlink(missing_ok=True)
            self._partial = path.parent / f".{path.name}.partial-{os.getpid()}"
            self._file = self._partial.open("w", encoding="utf-8")

    def write(self, step: str, what: str, key: ProblemKey, reason: str, payload: dict[str, Any]) -> None:
        if self._file is not None:
            line = {"step": step, "what": what, "problem": key_name(key), "reason": reason, **payload}
            self._file.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")

    def close(self, *, complete: bool = True) -> None:
        """Put the file in place (``complete``), or throw the partial one away and leave the previous file as it was."""
        if self._file is None or self._partial is None or self.path is None:
            return
        self._file.close()
        self._file = None
        if complete:
            os.replace(self._partial, self.path)
        else:
            self._partial.unlink(missing_ok=True)


class Step:
    """A curation step. Subclasses implement ``apply`` (return the item to keep it, None to drop it) and call
    ``drop_*`` for what they remove, so that it is counted and, if asked, kept."""

    name = "step"

    def __init__(self) -> None:
        self.stats = StepStats(self.name)
        self.rejects = Rejects(None)

    def apply(self, item: Item) -> Item | None:
        raise NotImplementedError

    def __call__(self, items: Iterable[Item]) -> Iterator[Item]:
        for item in items:
            self.stats.problems_in += 1
            self.stats.solutions_in += len(item.solutions)
            self.stats.tests_in += len(item.tests)
            kept = self.apply(item)
            if kept is not None:
                self.stats.problems_out += 1
                self.stats.solutions_out += len(kept.solutions)
                self.stats.tests_out += len(kept.tests)
                yield kept

    def drop_problem(self, item: Item, reason: str) -> None:
        self.stats.dropped_problems[reason] += 1
        # its solutions and tests go with it, under the same reason, so that every count adds up
        if item.solutions:
            self.stats.dropped_solutions[f"problem {reason}"] += len(item.solutions)
        if item.tests:
            self.stats.dropped_tests[f"problem {reason}"] += len(item.tests)
        self.rejects.write(self.name, "problem", item.key, reason, {"name": item.problem.name})

    def drop_solution(self, item: Item, solution: Submission, reason: str) -> None:
        self.stats.dropped_solutions[reason] += 1
        self.rejects.write(
            self.name,
            "solution",
            item.key,
            reason,
            {"submission_id": solution.submission_id, "language": solution.language, "source_code": solution.source_code},
        )

    def keep_solutions(self, item: Item, keep: Iterable[tuple[Submission, str | None]]) -> None:
        """Keep the solutions whose reason is None; drop the others with their reason."""
        kept = []
        for solution, reason in keep:
            if reason is None:
                kept.append(solution)
            else:
                self.drop_solution(item, solution, reason)
        item.solutions = kept


def run_steps(items: Iterable[Item], steps: list[Step]) -> Iterator[Item]:
    stream: Iterable[Item] = items
    for step in steps:
        stream = step(stream)
    yield from stream
