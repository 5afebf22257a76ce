"""The solution and problem filters every export runs (no execution needed): AlphaCode's language and size
filters, whitespace-insensitive duplicate solutions, exact duplicate problems merged, and the date window."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cpdata.curation.steps.base import Item, Step
from cpdata.curation.steps.dedup import solution_hash
from cpdata.schema import Language, ProblemKey, Store, Submission, key_name

__all__ = ["DEFAULT_LANGUAGES", "DateWindow", "DedupSolutions", "LanguageFilter", "MergeExactDuplicates", "SolutionSizeFilter"]

DEFAULT_LANGUAGES = frozenset({Language.cpp, Language.python3, Language.java})


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
        for key, group in store.exact_groups().items():
            groups.setdefault(group, []).append(key)
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
