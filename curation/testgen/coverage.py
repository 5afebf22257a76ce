"""What gen-tests can do for each problem, before any CPU is spent: the jury's validator, a specification inferred
from the statement (every bound stated, or some taken from the known inputs), or none and why. ``cpdata spec
--all`` and ``bench/spec`` report it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cpdata.curation.testgen.spec import INFERRED_NAME, Inference, infer_spec
from cpdata.schema import Problem, ProblemProgram

__all__ = ["SpecStatus", "Totals", "specification_status"]

JURY, STATED, NARROW, NONE = "jury validator", "inferred, bounds stated", "inferred, some bounds from the inputs", "none"


@dataclass(frozen=True)
class SpecStatus:
    problem: str
    status: str
    """``jury validator``, ``inferred, bounds stated``, ``inferred, some bounds from the inputs`` or ``none``."""
    category: str
    """Why none, in a few words (for totals); empty otherwise."""
    reason: str
    script: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"problem": self.problem, "status": self.status, "category": self.category, "reason": self.reason}


def specification_status(problem: Problem, inputs: list[str], programs: list[ProblemProgram], *, interactor: bool) -> SpecStatus:
    """The specification a problem has or would get now (nothing is stored)."""
    name = "/".join(problem.key)
    validators = [p for p in programs if p.role == "input_validator"]
    jury = [p for p in validators if p.name != INFERRED_NAME]
    if jury:
        return SpecStatus(name, JURY, "", ", ".join(f"{p.name} ({p.language})" for p in jury), jury[0].files.get(jury[0].entry))
    if problem.interactive and not interactor:
        return SpecStatus(name, NONE, "interactive", "interactive, and no interactor to talk to")
    inference: Inference = infer_spec(problem, inputs)
    if inference.script is None:
        return SpecStatus(name, NONE, inference.category, inference.reason)
    return SpecStatus(name, STATED if inference.stated else NARROW, "", inference.reason, inference.script)


@dataclass
class Totals:
    problems: int = 0
    by_status: Counter[str] | None = None
    by_reason: Counter[str] | None = None

    @classmethod
    def of(cls, statuses: Iterable[SpecStatus]) -> Totals:
        found = list(statuses)
        return cls(
            len(found),
            Counter(s.status for s in found),
            Counter(s.category for s in found if s.status == NONE),
        )

    def as_dict(self) -> dict[str, Any]:
        usable = sum(n for status, n in (self.by_status or {}).items() if status != NONE)
        return {
            "problems": self.problems,
            "with_specification": usable,
            "share": round(usable / self.problems, 4) if self.problems else None,
            "by_status": dict(self.by_status or {}),
            "without_specification_by_reason": dict(self.by_reason or {}),
        }
