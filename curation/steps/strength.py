"""Curation steps that use execution results (``cpdata verify``, ``cpdata gen-tests``): AlphaCode's cleaning
filters (paper appendix B.2), the valid/test test requirement, multiple-answer flags, and test strength.

They read results from the cache only; they never run anything. A problem without results passes through
untouched (counted as "not executed"), so an export before ``verify`` is the same as one without these steps.

Test strength is CodeContests' false-positive rate: the share of known-incorrect solutions that pass every test a
record carries, before generated tests (public + private) and after (all three kinds).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from cpdata.curation.judging.checkers import Judge, known_validity
from cpdata.curation.judging.judge import (
    ResultCache,
    input_key,
    limits_for,
    normalize_output,
    outputs_match,
    runnable,
    submission_key,
)
from cpdata.curation.sandbox.sandbox import RunStatus
from cpdata.curation.steps.base import Item, Step
from cpdata.curation.steps.splits import DEFAULT_CUTOFFS, SplitCutoffs, assign_split
from cpdata.curation.testgen.search import is_guide
from cpdata.schema import Store, Submission, Test, TestKind, key_name

__all__ = [
    "DropSolutionsPassingFewTests",
    "DropSolutionsPassingNoTest",
    "DropWeakTests",
    "ExecutionView",
    "FlagMultipleAnswers",
    "MeasureStrength",
    "RequireTestsForEvaluation",
    "execution_steps",
]


@dataclass(frozen=True)
class _Cell:
    passed: bool
    has_output: bool
    output: str | None


class ExecutionView:
    """For one item: did solution s pass test t, did it print anything (from the results cache)."""

    def __init__(self, store: Store, time_factor: float = 2.0) -> None:
        self.cache = ResultCache(store)
        self.time_factor = time_factor
        self._judges: dict[tuple[str, str, str], Judge] = {}

    def table(
        self, item: Item, solutions: list[Submission] | None = None, tests: list[Test] | None = None
    ) -> dict[tuple[str, str], _Cell]:
        solutions = [s for s in (item.solutions if solutions is None else solutions) if runnable(s)]
        tests = [t for t in (item.tests if tests is None else tests) if t.input is not None and t.output is not None]
        if not solutions or not tests:
            return {}
        limits = limits_for(item.problem, self.time_factor)
        judge = self._judge(item)
        # Cells are named by the input's hash; the cache names an interactive run by input, answer and interactor.
        cached_as = {judge.test_key(t.input, t.output): t for t in tests}
        pairs = [(submission_key(s), key) for s in solutions for key in cached_as]
        found = {(s, _tkey(cached_as[t])): o for (s, t), o in self.cache.get_many(pairs, limits).items()}
        by_key = {_tkey(t): t for t in tests}
        # Judged by the problem's checker (its cached verdicts: this step runs nothing) or its comparison mode.
        finished = [(pair, o) for pair, o in found.items() if o.status == RunStatus.ok.value]
        verdicts = judge.known(
            [(by_key[pair[1]].input or "", by_key[pair[1]].output or "", o.output or "") for pair, o in finished]
        )
        accepted = {pair: verdict for (pair, _), verdict in zip(finished, verdicts, strict=True)}
        cells = {}
        for pair, outcome in found.items():
            ok = outcome.status == RunStatus.ok.value
            if ok and accepted.get(pair) is None:
                continue  # a checker problem whose checker has not judged this output: not measured
            cells[pair] = _Cell(ok and bool(accepted.get(pair)), ok and bool((outcome.output or "").strip()), outcome.output)
        return cells

    def answers(self, item: Item) -> tuple[bool | None, bool | None]:
        """(multiple answers, multiple answers that nothing can judge). The first: correct solutions print different
        outputs for one test. The second: they do, and the problem has no checker, and its comparison does not
        accept their outputs as one another's; such tests reject correct programs at random, so they measure
        nothing. (None, None) when no correct solution has run."""
        correct = [s for s in item.solutions if s.is_correct]
        cells = self.table(item, correct)
        if not cells:
            return None, None
        by_test: dict[str, list[str]] = defaultdict(list)
        for (_, t), cell in cells.items():
            if cell.output is not None and cell.has_output:
                by_test[t].append(cell.output)
        differing = [outputs for outputs in by_test.values() if len({normalize_output(o) for o in outputs}) > 1]
        if not differing:
            return False, False
        if self._judge(item).checker is not None:
            return True, False
        mode, flags = item.problem.compare or "lenient", item.problem.validator_flags
        unjudgeable = any(not outputs_match(o, outputs[0], mode, flags) for outputs in differing for o in outputs[1:])
        return True, unjudgeable

    def validity(self, item: Item) -> Counter[str]:
        """Generated tests by what the problem's input validators said of them (cached verdicts, nothing runs):
        valid, invalid, unchecked (no verdict cached, or no validator at all)."""
        generated = [t.input or "" for t in item.tests if t.kind == TestKind.generated and t.input is not None]
        verdicts = known_validity(self.cache.store, item.problem, generated) if generated else []
        names = {True: "valid", False: "invalid", None: "unchecked"}
        return Counter(names[v] for v in (verdicts if verdicts is not None else [None] * len(generated)))

    def _judge(self, item: Item) -> Judge:
        judge = self._judges.get(item.key)
        if judge is None:
            judge = self._judges[item.key] = Judge.for_problem(self.cache.store, item.problem)
        return judge


def _passes(cells: list[_Cell | None]) -> bool | None:
    """True if every test ran and passed, False if a test that ran failed, None if that is not known yet."""
    if any(cell is not None and not cell.passed for cell in cells):
        return False
    if cells and all(cell is not None for cell in cells):
        return True
    return None


def _skey(solution: Submission) -> str:
    return submission_key(solution)


def _tkey(test: Test) -> str:
    return input_key(test.input or "")


class _ExecutionStep(Step):
    def __init__(self, view: ExecutionView) -> None:
        super().__init__()
        self.view = view


class DropSolutionsPassingNoTest(_ExecutionStep):
    """A submission that passes no test at all is broken (wrong I/O format, crashes): dropped."""

    name = "drop_solutions_passing_no_test"

    def apply(self, item: Item) -> Item | None:
        cells = self.view.table(item)
        if not cells:
            return item
        ran = {s for s, _ in cells}
        passing = {s for (s, _), cell in cells.items() if cell.passed}
        self.keep_solutions(
            item, ((s, "passes no test" if _skey(s) in ran and _skey(s) not in passing else None) for s in item.solutions)
        )
        return item


class DropWeakTests(_ExecutionStep):
    """A test on which fewer than 10% of the remaining submissions print anything is a broken test: dropped."""

    name = "drop_weak_tests"

    def apply(self, item: Item) -> Item | None:
        cells = self.view.table(item)
        if not cells:
            return item
        kept = []
        for test in item.tests:
            runs = [cell for (_, t), cell in cells.items() if t == _tkey(test)]
            if runs and sum(cell.has_output for cell in runs) < 0.1 * len(runs):
                self.stats.dropped_tests["fewer than 10% of submissions give output"] += 1
                self.rejects.write(
                    self.name,
                    "test",
                    item.key,
                    "fewer than 10% of submissions give output",
                    {"kind": test.kind, "ordinal": test.ordinal},
                )
            else:
                kept.append(test)
        item.tests = kept
        return item


class DropSolutionsPassingFewTests(_ExecutionStep):
    """A submission that passes fewer than 10% of the remaining tests it was run on: dropped."""

    name = "drop_solutions_passing_few_tests"

    def apply(self, item: Item) -> Item | None:
        cells = self.view.table(item)
        if not cells:
            return item
        test_keys = {_tkey(t) for t in item.tests if t.input is not None and t.output is not None}
        passed: dict[str, int] = defaultdict(int)
        ran: dict[str, int] = defaultdict(int)
        for (s, t), cell in cells.items():
            if t in test_keys:
                ran[s] += 1
                passed[s] += cell.passed
        self.keep_solutions(
            item,
            (
                (
                    sub,
                    "passes fewer than 10% of the tests it ran on"
                    # of the tests it ran on, not of every test: a solution run on 5 of 205 is not judged on 205
                    if ran[_skey(sub)] and passed[_skey(sub)] < 0.1 * ran[_skey(sub)]
                    else None,
                )
                for sub in item.solutions
            ),
        )
        return item


class RequireTestsForEvaluation(Step):
    """A valid or test problem needs at least 5 hidden or generated tests with at least 2 distinct outputs, or a
    solution that prints a constant could pass it (CodeContests' rule)."""

    name = "require_tests_for_evaluation"

    def __init__(self, cutoffs: SplitCutoffs = DEFAULT_CUTOFFS, minimum: int = 5) -> None:
        super().__init__()
        self.cutoffs, self.minimum = cutoffs, minimum

    def apply(self, item: Item) -> Item | None:
        if assign_split(item.released, self.cutoffs, item.problem.split_floor).value == "train":
            return item
        hidden = [
            t
            for t in item.tests
            if t.kind in (TestKind.private, TestKind.generated) and t.input is not None and t.output is not None
        ]
        distinct = {normalize_output(t.output or "") for t in hidden}
        if len(hidden) < self.minimum or len(distinct) < 2:
            self.drop_problem(item, f"fewer than {self.minimum} hidden/generated tests with 2 distinct outputs")
            return None
        return item


class FlagMultipleAnswers(_ExecutionStep):
    """Correct solutions that disagree on a test mean the problem accepts several answers (a checker judges it):
    flagged, not dropped; such tests can only be judged against the majority."""

    name = "flag_multiple_answers"

    def apply(self, item: Item) -> Item | None:
        item.multiple_answers, item.multiple_answers_without_checker = self.view.answers(item)
        if item.multiple_answers:
            self.stats.flagged += 1
        return item


_STAGES = ("samples", "generated", "before", "after")
"""What a solution is judged on: the samples (public tests) only; the samples and the generated tests; the public and
private tests (official where a jury gave them); every test."""


@dataclass
class StrengthCounts:
    """How labelled solutions fare on a problem's tests: correct ones should pass every test (TPR), incorrect ones
    fail at least one (TNR; its complement is CodeContests' false-positive rate). ``before``: public and private
    tests only; ``after``: with the generated ones. Only solutions that ran on every test are counted.

    By stage as well (``_STAGES``: each with its own denominators, since a run stops at its first failure and a
    solution an official test caught may not have met the generated ones), and for the incorrect solutions held out
    from ``gen-tests --search`` (``is_guide``): the figures no test was chosen with the help of."""

    correct: int = 0
    correct_pass_before: int = 0
    correct_pass_after: int = 0
    incorrect: int = 0
    incorrect_pass_before: int = 0
    incorrect_pass_after: int = 0
    staged: dict[str, int] = field(default_factory=dict)
    """``<stage>/<correct|incorrect|held_out>/<known|pass>`` -> count."""

    def count(self, stage: str, kind: str, passes: bool | None) -> None:
        if passes is None:
            return
        for name, add in ((f"{stage}/{kind}/known", 1), (f"{stage}/{kind}/pass", int(passes))):
            self.staged[name] = self.staged.get(name, 0) + add

    def add(self, other: StrengthCounts) -> None:
        for name in self.__dataclass_fields__:
            if name != "staged":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        for name, value in other.staged.items():
            self.staged[name] = self.staged.get(name, 0) + value

    def as_dict(self) -> dict[str, Any]:
        def rate(n: int, d: int) -> float | None:
            return round(n / d, 4) if d else None

        def stage(name: str, kind: str) -> tuple[int, int]:
            return self.staged.get(f"{name}/{kind}/known", 0), self.staged.get(f"{name}/{kind}/pass", 0)

        stages = {}
        for name, label in zip(
            _STAGES, ("samples_only", "samples_and_generated", "samples_and_official", "every_test"), strict=True
        ):
            (correct, correct_pass), (incorrect, incorrect_pass) = stage(name, "correct"), stage(name, "incorrect")
            held, held_pass = stage(name, "held_out")
            stages[label] = {
                "correct": correct,
                "incorrect": incorrect,
                "tpr": rate(correct_pass, correct),
                "fp_rate": rate(incorrect_pass, incorrect),
                "held_out_incorrect": held,
                "fp_rate_held_out": rate(held_pass, held),
            }
        return {
            "correct_solutions_checked": self.correct,
            "incorrect_solutions_checked": self.incorrect,
            "tpr_before": rate(self.correct_pass_before, self.correct),
            "tpr_after": rate(self.correct_pass_after, self.correct),
            "tnr_before": rate(self.incorrect - self.incorrect_pass_before, self.incorrect),
            "tnr_after": rate(self.incorrect - self.incorrect_pass_after, self.incorrect),
            "false_positives_before_generated": self.incorrect_pass_before,
            "false_positives_after_generated": self.incorrect_pass_after,
            "fp_rate_before": rate(self.incorrect_pass_before, self.incorrect),
            "fp_rate_after": rate(self.incorrect_pass_after, self.incorrect),
            "correct_failing_before": self.correct - self.correct_pass_before,
            "correct_failing_after": self.correct - self.correct_pass_after,
            # "held out": incorrect solutions that never guided gen-tests --search (half of them, by a fixed hash);
            # the figures over every incorrect solution include the guides the search was steered by
            "by_stage": stages,
        }


class MeasureStrength(_ExecutionStep):
    """Per problem and per split: TPR and TNR of the tests a record carries, before and after generated tests.
    Changes nothing. Runs twice in the pipeline: first over every labelled solution that ran (``all_labelled``),
    then over what the curation steps kept (``after_curation``), so both denominators are on record."""

    name = "measure_test_strength"

    def __init__(self, view: ExecutionView, cutoffs: SplitCutoffs = DEFAULT_CUTOFFS, stage: str = "after_curation") -> None:
        super().__init__(view)
        self.name = f"measure_test_strength_{stage}"
        self.stats.name = self.name
        self.stage = stage
        self.cutoffs = cutoffs
        self.by_split: dict[str, StrengthCounts] = defaultdict(StrengthCounts)
        self.by_problem: dict[str, dict[str, Any]] = {}
        self.unjudgeable: list[str] = []
        self.validity: Counter[str] = Counter()

    def apply(self, item: Item) -> Item | None:
        if self.view.answers(item)[1]:
            self.unjudgeable.append(key_name(item.key))  # several answers and no checker: its tests measure nothing
            return item
        validity = self.view.validity(item)
        self.validity.update(validity)
        labelled = [s for s in item.solutions if s.is_correct is not None and runnable(s)]
        tests = [t for t in item.tests if t.input is not None and t.output is not None]
        cells = self.view.table(item, labelled, tests)
        if not cells:
            return item
        counts = StrengthCounts()
        for solution in labelled:
            key = _skey(solution)
            after = [cells.get((key, _tkey(t))) for t in tests]
            before = [cell for cell, t in zip(after, tests, strict=True) if t.kind != TestKind.generated]
            # A run stops at its first failure (public, private, then generated tests), so a failed test decides
            # without the ones after it; passing needs every test to have run and passed.
            passes_before = _passes(before)
            passes_after = _passes(after)
            kind = "correct" if solution.is_correct else "incorrect"
            staged = {
                "samples": _passes([c for c, t in zip(after, tests, strict=True) if t.kind == TestKind.public]),
                "generated": _passes([c for c, t in zip(after, tests, strict=True) if t.kind != TestKind.private]),
                "before": passes_before,
                "after": passes_after,
            }
            for stage, passes in staged.items():
                counts.count(stage, kind, passes)
                if not solution.is_correct and not is_guide(solution):
                    counts.count(stage, "held_out", passes)
            if passes_before is None or passes_after is None:
                continue  # neither a failure nor every test run (or judged): unknown, not counted
            if solution.is_correct:
                counts.correct += 1
                counts.correct_pass_before += passes_before
                counts.correct_pass_after += passes_after
            else:
                counts.incorrect += 1
                counts.incorrect_pass_before += passes_before
                counts.incorrect_pass_after += passes_after
        if counts.correct or counts.incorrect:
            split = assign_split(item.released, self.cutoffs, item.problem.split_floor).value
            self.by_split[split].add(counts)
            incorrect = [s for s in labelled if not s.is_correct]
            guides = sum(is_guide(s) for s in incorrect)
            self.by_problem[key_name(item.key)] = {
                "split": split,
                **counts.as_dict(),
                "generated_tests_by_validator": dict(validity),
                "generated_tests_searched": sum(t.kind == TestKind.generated and t.generator == "search" for t in item.tests),
                "held_out_split": f"{guides} guides, {len(incorrect) - guides} held out"
                if guides and len(incorrect) > guides
                else "too few incorrect solutions to split: no held-out figure",
            }
            if self.stage == "after_curation":
                item.strength = counts.as_dict()
        return item

    def summary(self) -> dict[str, Any]:
        overall = StrengthCounts()
        for counts in self.by_split.values():
            overall.add(counts)
        return {
            "denominators": "labelled solutions that ran on every test"
            + (", after the curation steps' drops" if self.stage == "after_curation" else ", before any drop"),
            "by_split": {s: c.as_dict() for s, c in sorted(self.by_split.items())},
            "overall": overall.as_dict(),
            "problems_measured": len(self.by_problem),
            "problems_not_measured_multiple_answers_without_checker": sorted(self.unjudgeable),
            "generated_tests_by_validator": dict(self.validity),
            "generated_tests_valid_share": _share(self.validity),
        }


def _share(validity: Counter[str]) -> float | None:
    """Valid generated tests among those a validator judged (``cpdata validate`` judges the rest)."""
    judged = validity["valid"] + validity["invalid"]
    return round(validity["valid"] / judged, 4) if judged else None


def execution_steps(store: Store, cutoffs: SplitCutoffs, time_factor: float = 2.0) -> list[Step]:
    view = ExecutionView(store, time_factor)
    return [
        MeasureStrength(view, cutoffs, stage="all_labelled"),
        DropSolutionsPassingNoTest(view),
        DropWeakTests(view),
        DropSolutionsPassingFewTests(view),
        RequireTestsForEvaluation(cutoffs),
        FlagMultipleAnswers(view),
        MeasureStrength(view, cutoffs),
    ]
