"""Table models: how the entities are stored. They only store; validation happens in ``cpdata.schema.models``.

Keys are the natural ones (a problem is (site, contest_id, index)) so that upserts are idempotent and a user's
SQL needs no surrogate ids. Foreign keys hold: the store creates a bare parent row when a child arrives first.
Enum-valued columns are plain strings, so SQL reads ``WHERE verdict = 'accepted'`` on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKeyConstraint, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

__all__ = ["ENTITY_TABLES", "ContestRow", "MetaRow", "ProblemRow", "SubmissionRow", "TestRow", "metadata"]

metadata = SQLModel.metadata


def _text() -> Column[str]:
    return Column(Text, nullable=True)


def _when() -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=True)


class MetaRow(SQLModel, table=True):
    """Key/value facts about the store itself, e.g. ``schema_version``."""

    __tablename__ = "cpdata_meta"
    key: str = Field(primary_key=True)
    value: str


class ContestRow(SQLModel, table=True):
    __tablename__ = "contest"
    __table_args__ = (Index("ix_contest_start_time", "start_time"),)

    site: str = Field(primary_key=True)
    contest_id: str = Field(primary_key=True)
    name: str | None = Field(default=None, sa_column=_text())
    start_time: datetime | None = Field(default=None, sa_column=_when())
    duration_seconds: int | None = None
    url: str | None = None
    kind: str | None = None
    parent_contest_id: str | None = None


class ProblemRow(SQLModel, table=True):
    __tablename__ = "problem"
    __table_args__ = (
        ForeignKeyConstraint(["site", "contest_id"], ["contest.site", "contest.contest_id"], ondelete="CASCADE"),
        Index("ix_problem_problem_id", "site", "problem_id"),
        Index("ix_problem_published_at", "published_at"),
    )

    site: str = Field(primary_key=True)
    contest_id: str = Field(primary_key=True)
    index: str = Field(primary_key=True)
    problem_id: str | None = None
    name: str | None = Field(default=None, sa_column=_text())
    statement: str | None = Field(default=None, sa_column=_text())
    statement_html: str | None = Field(default=None, sa_column=_text())
    statement_format: str | None = None
    statement_language: str | None = None
    untranslated_statement: str | None = Field(default=None, sa_column=_text())
    time_limit_ms: int | None = None
    memory_limit_bytes: int | None = Field(default=None, sa_type=BigInteger)
    input_file: str | None = None
    output_file: str | None = None
    interactive: bool | None = None
    rating: int | None = None
    difficulty: float | None = None
    difficulty_label: str | None = None
    category: str | None = None
    # JSONB on PostgreSQL: plain json has no equality operator, and the upsert compares old and new values.
    tags: list[str] | None = Field(
        default=None,
        sa_column=Column(JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql"), nullable=True),
    )
    points: float | None = None
    url: str | None = None
    published_at: datetime | None = Field(default=None, sa_column=_when())
    compare: str | None = None
    """How outputs are judged: exact, lenient (CodeContests' rule; None means lenient), or tokens."""
    validation: str | None = None
    validator_flags: str | None = Field(default=None, sa_column=_text())
    split_floor: str | None = None
    time_multiplier: float | None = None
    calibrated_time_limit_ms: int | None = None


_PROBLEM_FK = ForeignKeyConstraint(
    ["site", "contest_id", "index"],
    ["problem.site", "problem.contest_id", "problem.index"],
    ondelete="CASCADE",
)


class TestRow(SQLModel, table=True):
    __test__ = False
    __tablename__ = "test"
    __table_args__ = (_PROBLEM_FK,)

    site: str = Field(primary_key=True)
    contest_id: str = Field(primary_key=True)
    index: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    ordinal: int = Field(primary_key=True)
    input: str | None = Field(default=None, sa_column=_text())
    output: str | None = Field(default=None, sa_column=_text())
    truncated: bool = False
    origin: str | None = None
    generator: str | None = Field(default=None, sa_column=_text())
    generator_args: str | None = Field(default=None, sa_column=_text())
    validated_by: str | None = None


class SubmissionRow(SQLModel, table=True):
    __tablename__ = "submission"
    __table_args__ = (
        ForeignKeyConstraint(
            ["site", "contest_id", "index"],
            ["problem.site", "problem.contest_id", "problem.index"],
            ondelete="CASCADE",
        ),
        Index("ix_submission_problem", "site", "contest_id", "index", "is_correct", "language"),
        # not (site, verdict): with a site prefix SQLite picks it for key-range scans and reads a whole site
        Index("ix_submission_verdict", "verdict"),
    )

    site: str = Field(primary_key=True)
    submission_id: str = Field(primary_key=True)
    contest_id: str
    index: str
    problem_id: str | None = None
    language_raw: str | None = None
    language: str | None = None
    verdict_raw: str | None = None
    verdict: str | None = None
    is_correct: bool | None = None
    source_code: str | None = Field(default=None, sa_column=_text())
    created_at: datetime | None = Field(default=None, sa_column=_when())
    time_ms: int | None = None
    memory_bytes: int | None = Field(default=None, sa_type=BigInteger)
    passed_tests: int | None = None
    score: float | None = None


ENTITY_TABLES = {
    "contest": ContestRow,
    "problem": ProblemRow,
    "test": TestRow,
    "submission": SubmissionRow,
}


class ProblemProgramRow(SQLModel, table=True):
    """A program that belongs to a problem: its input validator(s) and output validator (checker or interactor),
    from a jury package, or an input specification cpdata derived. ``files`` maps each file's path to its text."""

    __tablename__ = "problem_program"
    __table_args__ = (
        ForeignKeyConstraint(
            ["site", "contest_id", "index"], ["problem.site", "problem.contest_id", "problem.index"], ondelete="CASCADE"
        ),
    )

    site: str = Field(primary_key=True)
    contest_id: str = Field(primary_key=True)
    index: str = Field(primary_key=True)
    role: str = Field(primary_key=True)
    """input_validator | output_validator | interactor"""
    name: str = Field(primary_key=True)
    language: str
    """cpp, python3, or checktestdata"""
    files: dict[str, str] = Field(sa_column=Column(JSON().with_variant(JSONB(), "postgresql"), nullable=False))
    entry: str


class CrawlUnitRow(SQLModel, table=True):
    """A unit of crawl work (a page to fetch and parse). Its state lives here, beside the entities it produced,
    and changes in the same transaction that stores them: a crash leaves a unit either done with all its
    results stored, or pending with none."""

    __tablename__ = "crawl_unit"
    __table_args__ = (Index("ix_crawl_unit_state", "site", "state", "priority"),)

    site: str = Field(primary_key=True)
    url: str = Field(primary_key=True)
    kind: str
    priority: int = 5
    state: str = "pending"  # pending | done | failed
    attempts: int = 0
    error: str | None = Field(default=None, sa_column=_text())
    meta: dict[str, object] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    created_at: datetime | None = Field(default=None, sa_column=_when())
    updated_at: datetime | None = Field(default=None, sa_column=_when())


class ProblemClusterRow(SQLModel, table=True):
    """Duplicate and near-duplicate problems (``cpdata curate dedup``). Only problems with a twin have a row.

    ``exact_group`` names the canonical member of the problems whose statements are equal after normalization
    (they are merged on export); ``cluster`` names the canonical member of the near-duplicate cluster (exact twins
    included), which is assigned to a split as one unit by ``cluster_release``, its earliest member's date.
    """

    __tablename__ = "problem_cluster"
    __table_args__ = (
        ForeignKeyConstraint(
            ["site", "contest_id", "index"], ["problem.site", "problem.contest_id", "problem.index"], ondelete="CASCADE"
        ),
        Index("ix_problem_cluster_cluster", "cluster"),
    )

    site: str = Field(primary_key=True)
    contest_id: str = Field(primary_key=True)
    index: str = Field(primary_key=True)
    exact_group: str | None = None
    cluster: str
    cluster_release: datetime | None = Field(default=None, sa_column=_when())
    similarity: float | None = None
    """Estimated Jaccard similarity to the cluster's canonical member (1.0 for exact twins)."""


class ExecutionResultRow(SQLModel, table=True):
    """One run of one solution on one input under one set of limits; nothing runs twice (``cpdata verify``,
    ``cpdata gen-tests``). ``output`` is kept when it is at most 1 MiB (generated tests need it)."""

    __tablename__ = "execution_result"

    solution_hash: str = Field(primary_key=True)
    test_hash: str = Field(primary_key=True)
    limits: str = Field(primary_key=True)
    status: str
    time_ms: int | None = None
    memory_bytes: int | None = Field(default=None, sa_type=BigInteger)
    output_sha256: str | None = None
    output: str | None = Field(default=None, sa_column=_text())
    detail: str | None = Field(default=None, sa_column=_text())
    created_at: datetime | None = Field(default=None, sa_column=_when())


class VerificationRow(SQLModel, table=True):
    """Our judgement of a stored solution on the problem's tests, beside the site's verdict (``cpdata verify``)."""

    __tablename__ = "verification"
    __table_args__ = (
        ForeignKeyConstraint(["site", "submission_id"], ["submission.site", "submission.submission_id"], ondelete="CASCADE"),
        Index("ix_verification_agrees", "agrees"),
    )

    site: str = Field(primary_key=True)
    submission_id: str = Field(primary_key=True)
    outcome: str
    """ok (passed every test), or the status of the first failing test (wrong_answer, time_limit, ...)."""
    agrees: bool | None = None
    """Whether our outcome says what the site's verdict says (accepted <-> ok); None when the verdict is undecided."""
    tests_run: int = 0
    tests_passed: int = 0
    first_failure: str | None = Field(default=None, sa_column=_text())
    limits: str | None = None
    verified_at: datetime | None = Field(default=None, sa_column=_when())
