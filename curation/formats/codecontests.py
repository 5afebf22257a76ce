"""The CodeContests record: exact field names, enum integers and encodings (reference: codecontests.md section 1-2).

A user of DeepMind's dataset must be able to swap ours in without changing code, so the CodeContests fields carry
the values its Hugging Face copy carries, including proto2 defaults where a value is unknown (``cf_rating`` 0,
``input_file`` ""). The truth beside them is in our extra fields (``time_limit_ms`` None means unknown).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cpdata.schema import Contest, Language, Problem, Site, Submission, Test, TestKind

__all__ = [
    "CODECONTESTS_FIELDS",
    "DIFFICULTY_LETTER_BASE",
    "IMPORTED_DIFFICULTY",
    "LANGUAGE",
    "SOURCE",
    "VALIDATION_INFERRED",
    "VALIDATION_JURY",
    "VALIDATION_NONE",
    "CodeContestsRecord",
    "Duration",
    "NotCodeContests",
    "SolutionsField",
    "TestsField",
    "build_record",
    "check_codecontests_files",
    "codecontests_difficulty",
    "iter_codecontests_rows",
    "release_time",
    "split_of_file",
]

# Source enum of contest_problem.proto. yukicoder has no value there: UNKNOWN_SOURCE, with `site` telling the truth.
SOURCE: dict[Site, int] = {
    Site.codechef: 1,
    Site.codeforces: 2,
    Site.atcoder: 6,
    Site.aoj: 7,
    Site.yukicoder: 0,
    Site.hackerearth: 3,
    Site.codejam: 4,
    Site.unknown: 0,
    Site.package: 0,  # a jury package: UNKNOWN_SOURCE, `site` and the package's own source say the rest
}

# Solution.Language enum: UNKNOWN_LANGUAGE=0, PYTHON=1 (Python 2), CPP=2, PYTHON3=3, JAVA=4.
LANGUAGE: dict[Language, int] = {Language.python2: 1, Language.cpp: 2, Language.python3: 3, Language.java: 4}

# Difficulty enum: A=7 ... K=17, then L=19 ... V=29 (18 is skipped in the proto).
DIFFICULTY_LETTER_BASE = 7
IMPORTED_DIFFICULTY = "codecontests:"
"""``problem.category`` of a record imported from DeepMind's CodeContests: its own ``difficulty`` enum value, kept
(re-deriving it would give CodeChef's MEDIUM 0 and a hash-keyed AtCoder problem a letter of its hash)."""
REQUIRED_COLUMNS = ("name", "description")
_NAMED_DIFFICULTY = {"easy": 1, "medium": 2, "hard": 3, "harder": 4, "hardest": 5, "external": 6}


def _letter_difficulty(index: str) -> int:
    letter = index[:1].upper()
    if not ("A" <= letter <= "V"):
        return 0
    value = DIFFICULTY_LETTER_BASE + ord(letter) - ord("A")
    return value + 1 if letter >= "L" else value


def codecontests_difficulty(problem: Problem) -> int:
    """The Difficulty enum value CodeContests would give: the index letter for contest sites, the category for
    CodeChef's practice buckets, else UNKNOWN_DIFFICULTY (0)."""
    if problem.category and problem.category.startswith(IMPORTED_DIFFICULTY):
        return int(problem.category.removeprefix(IMPORTED_DIFFICULTY))  # kept from an imported CodeContests record
    if problem.site in (Site.codeforces, Site.atcoder):
        return _letter_difficulty(problem.index)
    if problem.category and problem.category.lower() in _NAMED_DIFFICULTY:
        return _NAMED_DIFFICULTY[problem.category.lower()]
    return 0


class TestsField(BaseModel):
    __test__ = False
    input: list[str] = Field(default_factory=list)
    output: list[str] = Field(default_factory=list)


class SolutionsField(BaseModel):
    language: list[int] = Field(default_factory=list)
    solution: list[str] = Field(default_factory=list)


class Duration(BaseModel):
    seconds: int = 0
    nanos: int = 0


class CodeContestsRecord(BaseModel):
    """One exported problem. The first 20 fields are CodeContests'; the rest are cpdata's."""

    model_config = ConfigDict(extra="ignore")

    name: str = ""
    description: str = ""
    public_tests: TestsField = Field(default_factory=TestsField)
    private_tests: TestsField = Field(default_factory=TestsField)
    generated_tests: TestsField = Field(default_factory=TestsField)
    source: int = 0
    difficulty: int = 0
    solutions: SolutionsField = Field(default_factory=SolutionsField)
    incorrect_solutions: SolutionsField = Field(default_factory=SolutionsField)
    cf_contest_id: int = 0
    cf_index: str = ""
    cf_points: float = 0.0
    cf_rating: int = 0
    cf_tags: list[str] = Field(default_factory=list)
    is_description_translated: bool = False
    untranslated_description: str = ""
    time_limit: Duration | None = None
    memory_limit_bytes: int = 0
    input_file: str = ""
    output_file: str = ""
    # cpdata's own fields
    site: str
    contest_id: str
    index: str
    problem_id: str | None = None
    contest_name: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    """The contest start (else the problem's own date) that decided the split; None means unknown."""
    rating: int | None = None
    tags: list[str] = Field(default_factory=list)
    points: float | None = None
    site_difficulty: float | None = None
    interactive: bool | None = None
    time_limit_ms: int | None = None
    statement_language: str | None = None
    multiple_answers: bool | None = None
    """Correct solutions disagree on some test (several answers are accepted); None when nothing ran."""
    multiple_answers_without_checker: bool | None = None
    """Several answers and no checker to judge them: the tests reject correct programs, so use it with care."""
    generated_tests_validation: str | None = None
    """What accepted the generated tests' inputs: ``jury validator``, ``inferred specification`` (read from the
    statement and proved on the known inputs) or ``none`` (``gen-tests --unvalidated``: mutations that every correct
    solution agreed on); None when there are no generated tests."""
    generated_tests_validated: list[bool] | None = None
    """Per generated test, in order: whether a validator accepted its input."""


CODECONTESTS_FIELDS = [
    "name",
    "description",
    "public_tests",
    "private_tests",
    "generated_tests",
    "source",
    "difficulty",
    "solutions",
    "incorrect_solutions",
    "cf_contest_id",
    "cf_index",
    "cf_points",
    "cf_rating",
    "cf_tags",
    "is_description_translated",
    "untranslated_description",
    "time_limit",
    "memory_limit_bytes",
    "input_file",
    "output_file",
]


def release_time(problem: Problem, contest: Contest | None) -> datetime | None:
    """The date that decides a problem's split: its contest's start, else its own publication date."""
    if contest is not None and contest.start_time is not None:
        return contest.start_time
    return problem.published_at


def _tests(tests: list[Test], kind: TestKind) -> TestsField:
    chosen = [t for t in tests if t.kind == kind and t.input is not None and t.output is not None]
    return TestsField(input=[t.input or "" for t in chosen], output=[t.output or "" for t in chosen])


def _solutions(submissions: list[Submission], correct: bool) -> SolutionsField:
    chosen = [s for s in submissions if s.is_correct is correct and s.source_code is not None]
    languages = [LANGUAGE.get(s.language, 0) if s.language is not None else 0 for s in chosen]
    return SolutionsField(language=languages, solution=[s.source_code or "" for s in chosen])


VALIDATION_JURY, VALIDATION_INFERRED, VALIDATION_NONE = "jury validator", "inferred specification", "none"


def _generated_validation(tests: list[Test], validator: str | None) -> tuple[str | None, list[bool] | None]:
    """How the generated tests were validated: each test's own mark (``validated_by``), else the problem's input
    validator (tests generated before tests were marked); the problem's label is the weakest of its tests'."""
    chosen = [t for t in tests if t.kind == TestKind.generated and t.input is not None and t.output is not None]
    if not chosen:
        return None, None
    labels = [t.validated_by or validator or VALIDATION_NONE for t in chosen]
    flags = [label != VALIDATION_NONE for label in labels]
    for weakest in (VALIDATION_NONE, VALIDATION_INFERRED, VALIDATION_JURY):
        if weakest in labels:
            return weakest, flags
    return labels[0], flags


def build_record(
    problem: Problem,
    contest: Contest | None,
    tests: list[Test],
    submissions: list[Submission],
    validator: str | None = None,
) -> CodeContestsRecord:
    """The CodeContests record of one problem. Tests whose output is unknown (hack inputs) are left out.
    ``validator``: the problem's input validator, ``VALIDATION_JURY`` or ``VALIDATION_INFERRED`` (None: none)."""
    validation, validated = _generated_validation(tests, validator)
    is_cf = problem.site is Site.codeforces
    time_limit = None
    if problem.time_limit_ms is not None:
        time_limit = Duration(seconds=problem.time_limit_ms // 1000, nanos=(problem.time_limit_ms % 1000) * 1_000_000)
    cf_contest_id = 0
    if is_cf and problem.contest_id.isdigit():
        cf_contest_id = int(problem.contest_id)
    return CodeContestsRecord(
        name=_display_name(problem),
        description=problem.statement or "",
        public_tests=_tests(tests, TestKind.public),
        private_tests=_tests(tests, TestKind.private),
        generated_tests=_tests(tests, TestKind.generated),
        generated_tests_validation=validation,
        generated_tests_validated=validated,
        source=SOURCE.get(problem.site, 0),
        difficulty=codecontests_difficulty(problem),
        solutions=_solutions(submissions, True),
        incorrect_solutions=_solutions(submissions, False),
        cf_contest_id=cf_contest_id,
        cf_index=problem.index if is_cf else "",
        cf_points=float(problem.points or 0.0) if is_cf else 0.0,
        cf_rating=int(problem.rating or 0) if is_cf else 0,
        cf_tags=list(problem.tags or []) if is_cf else [],
        is_description_translated=problem.untranslated_statement is not None,
        untranslated_description=problem.untranslated_statement or "",
        time_limit=time_limit,
        memory_limit_bytes=problem.memory_limit_bytes or 0,
        input_file=problem.input_file or "",
        output_file=problem.output_file or "",
        site=problem.site.value,
        contest_id=problem.contest_id,
        index=problem.index,
        problem_id=problem.problem_id,
        contest_name=contest.name if contest else None,
        url=problem.url,
        published_at=release_time(problem, contest),
        rating=problem.rating,
        tags=list(problem.tags or []),
        points=problem.points,
        site_difficulty=problem.difficulty,
        interactive=problem.interactive,
        time_limit_ms=problem.time_limit_ms,
        statement_language=problem.statement_language,
    )


def _display_name(problem: Problem) -> str:
    # CodeContests names Codeforces problems "1368_A. C+=": contest, index and title.
    title = problem.name or problem.problem_id or problem.index
    if problem.site is Site.codeforces:
        return f"{problem.contest_id}_{problem.index}. {title}"
    return title


def record_to_dict(record: CodeContestsRecord) -> dict[str, Any]:
    """The JSON-ready dict of a record (datetimes as ISO 8601 strings)."""
    return record.model_dump(mode="json")


# Reading datasets in CodeContests' layout (DeepMind's Hugging Face Parquet, or an export of ours), row by row.
_SPLIT_WORDS = ("train", "valid", "test")


def split_of_file(path: Path) -> str | None:
    name = path.name.lower()
    return next((word for word in _SPLIT_WORDS if name.startswith(word) or f"_{word}" in name or f"-{word}" in name), None)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.suffix in (".parquet", ".jsonl"))
    if not files:
        raise FileNotFoundError(f"{path}: no .parquet or .jsonl files")
    return files


class NotCodeContests(ValueError):
    """A file that does not hold CodeContests records (names the file and what is missing)."""


def _require(file: Path, columns: Iterable[str], where: str) -> None:
    present = set(columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        shown = ", ".join(sorted(present)[:8]) or "nothing"
        raise NotCodeContests(f"{file}{where}: not a CodeContests record (no {', '.join(missing)}; it has {shown})")


def check_codecontests_files(path: Path) -> None:
    """Every file's columns (Parquet) or first record (JSONL) are a CodeContests record's, before anything is read
    into a store; NotCodeContests names the first file that is not."""
    for file in _files(path):
        if file.suffix == ".parquet":
            import pyarrow.parquet as pq

            try:
                names = pq.read_schema(file).names
            except Exception as exc:  # pyarrow's own error names what is wrong with the file
                raise NotCodeContests(f"{file}: not a readable Parquet file ({exc})") from exc
            _require(file, names, "")
        else:
            with file.open(encoding="utf-8") as handle:
                first = next((line for line in handle if line.strip()), None)
            if first is None:
                continue
            try:
                row = json.loads(first)
            except ValueError as exc:
                raise NotCodeContests(f"{file}: not JSON lines ({exc})") from exc
            _require(file, row if isinstance(row, dict) else (), ":1")


def iter_codecontests_rows(path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(file, record dict) for every record of a CodeContests-format dataset, file by file, a batch at a time.
    Raises NotCodeContests for a file whose columns (or a line whose fields) are not a CodeContests record's."""
    for file in _files(path):
        if file.suffix == ".parquet":
            import pyarrow.parquet as pq  # only when there is Parquet to read

            try:
                parquet = pq.ParquetFile(file)
            except Exception as exc:  # pyarrow's own error names what is wrong with the file
                raise NotCodeContests(f"{file}: not a readable Parquet file ({exc})") from exc
            _require(file, parquet.schema_arrow.names, "")
            for batch in parquet.iter_batches(batch_size=64):
                for row in batch.to_pylist():
                    yield file, row
        else:
            with file.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except ValueError as exc:
                        raise NotCodeContests(f"{file}:{number}: not JSON ({exc})") from exc
                    _require(file, row if isinstance(row, dict) else (), f":{number}")
                    yield file, row
