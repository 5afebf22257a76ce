"""Small builders of valid entities for tests; each call may override any field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cpdata.schema import Contest, Problem, Submission, Test


def contest(contest_id: str = "1001", start: datetime | None = datetime(2021, 3, 1, 14, 35, tzinfo=UTC), **kw: Any) -> Contest:
    return Contest(site=kw.pop("site", "codeforces"), contest_id=contest_id, name=f"Round {contest_id}", start_time=start, **kw)


def problem(contest_id: str = "1001", index: str = "A", **kw: Any) -> Problem:
    defaults: dict[str, Any] = {
        "site": "codeforces",
        "problem_id": f"{contest_id}{index}",
        "name": f"Problem {index}",
        "statement": f"Problem {contest_id}{index}: print $a+b$ for each of the pairs.",
        "time_limit_ms": 2000,
        "memory_limit_bytes": 256 * 1024 * 1024,
        "interactive": False,
        "rating": 800,
        "tags": ["math"],
        "points": 500.0,
    }
    defaults.update(kw)
    return Problem(contest_id=contest_id, index=index, **defaults)


def test_case(contest_id: str = "1001", index: str = "A", ordinal: int = 0, **kw: Any) -> Test:
    defaults: dict[str, Any] = {"site": "codeforces", "kind": "public", "input": "1 2\n", "output": "3\n", "origin": "sample"}
    defaults.update(kw)
    return Test(contest_id=contest_id, index=index, ordinal=ordinal, **defaults)


def submission(submission_id: str = "1", contest_id: str = "1001", index: str = "A", **kw: Any) -> Submission:
    defaults: dict[str, Any] = {
        "site": "codeforces",
        "language_raw": "GNU G++17 7.3.0",
        "verdict_raw": "OK",
        "source_code": "int main(){}",
        "created_at": datetime(2021, 3, 1, 15, 0, tzinfo=UTC),
    }
    defaults.update(kw)
    return Submission(submission_id=submission_id, contest_id=contest_id, index=index, **defaults)
