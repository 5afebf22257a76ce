"""Curation is a list of steps (datatrove's shape). Each step takes a stream of items (a problem with its tests and
solutions) and yields the items it keeps; it may also drop parts of an item (a solution, a test). Every drop has a
reason and is counted; with a rejects file, every dropped thing is written there too. Nothing disappears silently.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from curation.dedup import key_name, solution_hash
from schema import Contest, Language, Problem, ProblemKey, Store, Submission, Test

__all__ = [
    "DEFAULT_LANGUAGES",
    "DateWindow",
    "DedupSolutions",
    "Item",
    "LanguageFilter",
    "MergeExactDuplicates",
    "Rejects",
    "SolutionSizeFilter",
    "Step",
    "StepStats",
    "run_steps",
]

DEFAULT_LANGUAGES = frozenset({Language.cpp, Language.python3, Language.java})


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
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("w", encoding="utf-8")

    def write(self, step: str, what: str, key: ProblemKey, reason: str, payload: dict[str, Any]) -> None:
        if self._file is not None:
            line = {"step": step, "what": what, "problem": key_name(key), "reason": reason, **payload}
            self._file.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


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


class LanguageFilter(Step):
    """AlphaCode kept C++, Python 3 and Java solutions."""

    name = "language_filter"

    def __init__(self, languages: Iterable[Language] = DEFAULT_LANGUAGES) -> None:
        super().__init__()
        self.languages = frozenset(languages)

    def apply(self, item: Item) -> Item | None:
        self.keep_solutions(
            item, ((s, None if s.language in self.languages else f"language {s.language or 'unknown'}") for s in item.solutions)
        )
        return item


class SolutionSizeFilter(Step):
    """AlphaCode dropped files over 1 MB and files with a line over 1,000 characters (generated or minified code)."""

    name = "solution_size_filter"

    def __init__(self, max_bytes: int = 1_000_000, max_line: int = 1000) -> None:
        super().__init__()
        self.max_bytes, self.max_line = max_bytes, max_line

    def _reason(self, code: str) -> str | None:
        if len(code.encode("utf-8")) > self.max_bytes:
            return f"larger than {self.max_bytes} bytes"
        if any(len(line) > self.max_line for line in code.splitlines()):
            return f"a line longer than {self.max_line} characters"
        return None

    def apply(self, item: Item) -> Item | None:
        self.keep_solutions(item, ((s, self._reason(s.source_code or "")) for s in item.solutions))
        return item


class DedupSolutions(Step):
    """Whitespace-insensitive duplicate solutions of a problem are dropped (the first, by submission order, stays)."""

    name = "dedup_solutions"

    def apply(self, item: Item) -> Item | None:
        seen: dict[str, str] = {}

        def reason(solution: Submission) -> str | None:
            digest = solution_hash(solution.source_code or "")
            if digest in seen:
                return "duplicate solution"
            seen[digest] = solution.submission_id
            return None

        self.keep_solutions(item, ((s, reason(s)) for s in item.solutions))
        return item


class MergeExactDuplicates(Step):
    """Problems with the same statement are one problem: the canonical member (earliest) keeps the union of the
    group's tests and solutions; the other members are dropped, naming the one they were merged into."""

    name = "merge_exact_duplicates"

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        groups: dict[str, list[ProblemKey]] = {}
        for key, info in store.clusters().items():
            if info.exact_group is not None:
                groups.setdefault(info.exact_group, []).append(key)
        self.groups = groups

    def apply(self, item: Item) -> Item | None:
        group = item.exact_group
        if group is None:
            return item
        if key_name(item.key) != group:
            self.drop_problem(item, "exact duplicate (merged into its earliest copy)")
            return None
        others = [k for k in self.groups.get(group, []) if k != item.key]
        tests = self.store.tests_for(sorted(others))
        solutions = self.store.submissions_for(sorted(others))
        seen_tests = {(t.kind, t.input, t.output) for t in item.tests}
        for key in sorted(others):
            for test in tests.get(key, []):
                if (test.kind, test.input, test.output) not in seen_tests:
                    seen_tests.add((test.kind, test.input, test.output))
                    item.tests.append(test)
                    self.stats.added_tests += 1
            item.solutions += solutions.get(key, [])
            self.stats.added_solutions += len(solutions.get(key, []))
            item.merged_from.append(key_name(key))
        return item


class DateWindow(Step):
    """Keep only problems published inside [start, end] (UTC dates, inclusive): evaluation sets newer than a
    model's training data. A problem with no known date is never inside a window."""

    name = "date_window"

    def __init__(self, start: date, end: date) -> None:
        super().__init__()
        self.start, self.end = start, end

    def apply(self, item: Item) -> Item | None:
        if item.released is None:
            self.drop_problem(item, "no known date")
            return None
        if not (self.start <= item.released.date() <= self.end):
            self.drop_problem(item, f"outside {self.start}..{self.end}")
            return None
        return item


def run_steps(items: Iterable[Item], steps: list[Step]) -> Iterator[Item]:
    stream: Iterable[Item] = items
    for step in steps:
        stream = step(stream)
    yield from stream
