"""``cpdata validate``: run each problem's input validators on its stored tests, and report the tests they reject.

A jury's official test that fails the jury's own validator is a finding worth a look (a validator stricter than the
statement, or a broken test); a generated test that fails it should not exist (gen-tests keeps only accepted ones).
Verdicts land in the results cache under the validators' hash, so the export reports validity without running
anything, and a second run checks only new tests. A validator that fails to run gives no verdict (counted apart):
our failure is never reported as the test being invalid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpdata.curation.judging.checkers import CheckerUnavailable, InputValidators, known_validity
from cpdata.curation.judging.verify import problems_with_tests
from cpdata.curation.sandbox.sandbox import Sandbox
from cpdata.schema import Store, TestKind

__all__ = ["ValidationSummary", "validate_tests"]


@dataclass
class ProblemValidity:
    checked: Counter[str] = field(default_factory=Counter)
    valid: Counter[str] = field(default_factory=Counter)
    invalid: list[str] = field(default_factory=list)
    """The rejected tests, as ``kind#ordinal``."""
    no_verdict: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"checked": dict(self.checked), "valid": dict(self.valid), "invalid": self.invalid, "no_verdict": self.no_verdict}


@dataclass
class ValidationSummary:
    problems: dict[str, ProblemValidity] = field(default_factory=dict)
    without_validator: int = 0
    unavailable: dict[str, str] = field(default_factory=dict)
    """Problems whose validator does not build or run here, with the reason."""

    def totals(self) -> dict[str, dict[str, int]]:
        checked: Counter[str] = Counter()
        valid: Counter[str] = Counter()
        for result in self.problems.values():
            checked.update(result.checked)
            valid.update(result.valid)
        return {
            kind: {"checked": checked[kind], "valid": valid[kind], "invalid": checked[kind] - valid[kind]} for kind in checked
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": {name: result.as_dict() for name, result in sorted(self.problems.items())},
            "totals_by_kind": self.totals(),
            "problems_without_validator": self.without_validator,
            "validator_unavailable": self.unavailable,
        }


def validate_tests(
    store: Store,
    *,
    site: str | None = None,
    problem: str | None = None,
    sandbox: Sandbox | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationSummary:
    summary = ValidationSummary()
    kinds = (TestKind.public, TestKind.private, TestKind.generated)
    chosen = [(p, tests) for p, tests, _ in problems_with_tests(store, site, problem, kinds)]
    own = sandbox is None
    sandbox = sandbox or Sandbox()
    try:
        for done, (prob, tests) in enumerate(chosen, start=1):
            name = "/".join(prob.key)
            inputs = [t.input or "" for t in tests]
            verdicts = known_validity(store, prob, inputs)
            if verdicts is None:
                summary.without_validator += 1
            elif None in verdicts:  # build the validators only when something is not checked yet
                try:
                    validators = InputValidators.for_problem(store, sandbox, prob)
                except CheckerUnavailable as exc:
                    summary.unavailable[name] = str(exc)
                    verdicts = None
                else:
                    assert validators is not None
                    try:
                        verdicts = validators.check(inputs)
                    finally:
                        validators.close()
            if verdicts is not None:
                result = summary.problems[name] = ProblemValidity()
                for test, verdict in zip(tests, verdicts, strict=True):
                    if verdict is None:
                        result.no_verdict += 1
                        continue
                    result.checked[test.kind.value] += 1
                    result.valid[test.kind.value] += verdict
                    if not verdict:
                        result.invalid.append(f"{test.kind.value}#{test.ordinal}")
            if progress is not None:
                progress(done, len(chosen))
    finally:
        if own:
            sandbox.close()
    return summary
