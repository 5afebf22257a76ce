"""The entities, as pydantic models: the contract between scrapers, the entity stream, the store and the export.

These models validate at the boundary (a parser's output, a line of a stream). The store keeps them in table
models (``cpdata.schema.tables``) that only store. Derivable fields (language family, normalized verdict,
``is_correct``) may be omitted by producers and are filled in from the raw values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from cpdata.schema.enums import Language, Site, TestKind, TestOrigin, Verdict, is_correct_verdict
from cpdata.schema.languages import normalize_language
from cpdata.schema.verdicts import normalize_verdict

__all__ = [
    "ENTITY_ADAPTER",
    "Contest",
    "Entity",
    "Problem",
    "ProblemKey",
    "ProblemProgram",
    "Submission",
    "Test",
    "derive_submission_fields",
    "key_name",
    "to_utc",
]

ProblemKey = tuple[str, str, str]
"""(site, contest_id, index): how a problem is named everywhere in the store."""


def key_name(key: ProblemKey) -> str:
    """``site/contest_id/index``: a problem key as one string, for reports, rejects and JSON maps."""
    return "/".join(key)


_ZERO = timedelta(0)


def to_utc(value: datetime | None) -> datetime | None:
    """An aware UTC datetime. Naive values are taken to be UTC already (SQLite hands them back naive)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value.utcoffset() == _ZERO:
        return value if value.tzinfo is UTC else value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable UTC instant
        raise ValueError(f"{value.isoformat()} is out of range once converted to UTC") from None


# Integers the store can hold (SQLite and PostgreSQL BIGINT are signed 64-bit): a larger one is a rejected line,
# not an OverflowError that aborts a whole ingest.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=2**63 - 1)]


class _EntityBase(BaseModel):
    # Ids are strings everywhere (AtCoder's are words, Codeforces' are numbers): accept numbers and convert.
    # defer_build: a model's validator is built when it is first used, not at import, so that a command which
    # writes only problems and tests (cpdata parse) does not build the others.
    # allow_inf_nan=False: NaN and Infinity are not numbers a site gives, and they are not JSON either.
    model_config = ConfigDict(
        coerce_numbers_to_str=True, extra="forbid", str_strip_whitespace=False, defer_build=True, allow_inf_nan=False
    )

    entity_name: ClassVar[str]
    site: Site

    def stream_dict(self) -> dict[str, Any]:
        """The JSON-ready dict of one stream line, ``entity`` first."""
        return self.model_dump(mode="json")


class Contest(_EntityBase):
    entity: Literal["contest"] = "contest"
    entity_name: ClassVar[str] = "contest"

    contest_id: str = Field(min_length=1)
    name: str | None = None
    start_time: datetime | None = None
    duration_seconds: Count | None = None
    url: str | None = None
    kind: str | None = None
    """The site's own category, e.g. Codeforces' CF/ICPC/IOI, "gym", AtCoder's abc/arc, AOJ's "volume"."""
    parent_contest_id: str | None = None
    """For division child contests (CodeChef START154A is a child of START154)."""

    _utc = field_validator("start_time")(to_utc)


class Problem(_EntityBase):
    entity: Literal["problem"] = "problem"
    entity_name: ClassVar[str] = "problem"

    contest_id: str = Field(min_length=1)
    index: str = Field(min_length=1)
    problem_id: str | None = None
    name: str | None = None
    statement: str | None = None
    """Markdown; TeX kept between ``$...$`` (inline) and ``$$...$$`` (display)."""
    statement_html: str | None = None
    statement_format: Literal["html", "pdf", "markdown"] | None = None
    statement_language: str | None = None
    untranslated_statement: str | None = None
    """The original-language statement when ``statement`` is a translation (e.g. AtCoder ja beside en)."""
    time_limit_ms: Count | None = None
    memory_limit_bytes: Count | None = None
    input_file: str | None = None
    output_file: str | None = None
    interactive: bool | None = None
    rating: Int64 | None = None
    """The site's own rating (Codeforces' problem rating)."""
    difficulty: float | None = None
    """Difficulty on another scale: AtCoder Problems' model, yukicoder's level, CodeChef's difficulty rating."""
    difficulty_label: str | None = None
    """A site's own difficulty word: CodeChef's ``problem_difficulty_level`` (Cakewalk, Simple, Easy, ...)."""
    category: str | None = None
    """A site's difficulty bucket, e.g. CodeChef's 'easy'/'medium'; feeds CodeContests' Difficulty enum."""
    tags: list[str] | None = None
    """None when this source does not say (an HTML page); [] when the site says there are none."""
    points: float | None = None
    url: str | None = None
    published_at: datetime | None = None
    """When the problem appeared, if the site says so apart from a contest (AOJ, yukicoder)."""
    compare: Literal["exact", "lenient", "tokens"] | None = None
    """How outputs are judged when cpdata runs solutions without a checker program: exact, lenient (the default;
    CodeContests' rule), or tokens (the Kattis default output validator, tuned by ``validator_flags``)."""
    validation: Literal["default", "custom", "custom interactive"] | None = None
    """A package's ``validation``: custom means its output validator program judges; interactive, it talks to the
    solution."""
    split_floor: Literal["valid", "test"] | None = None
    """The earliest split this problem may be exported in, whatever its date: set on problems imported from another
    dataset's valid or test split (CodeContests'), so that its evaluation problems never become training data."""
    validator_flags: str | None = None
    """A package's ``validator_flags`` (case_sensitive, space_change_sensitive, float_tolerance EPS, ...)."""
    time_multiplier: float | None = None
    """A package's ``limits.time_multiplier``: its time limit is this many times its slowest accepted submission."""
    calibrated_time_limit_ms: Count | None = None
    """The time limit measured on this machine (``calibrate``): the multiplier times the slowest accepted submission
    here. Runs use it as it is, where a site's limit is scaled by ``--time-factor`` (it came from another machine)."""

    _utc = field_validator("published_at")(to_utc)

    @property
    def key(self) -> ProblemKey:
        return (self.site.value, self.contest_id, self.index)


class Test(_EntityBase):
    __test__ = False

    entity: Literal["test"] = "test"
    entity_name: ClassVar[str] = "test"

    contest_id: str = Field(min_length=1)
    index: str = Field(min_length=1)
    kind: TestKind
    ordinal: Count
    input: str | None = None
    """None only while unknown: a test whose input and output come from two responses (AtCoder's Dropbox files)."""
    output: str | None = None
    """None when unknown, e.g. a hack's input before a correct solution has been run on it."""
    truncated: bool = False
    origin: TestOrigin = TestOrigin.sample
    generator: str | None = None
    """The source of the program that made the input, when the site gives that instead of the input (a Codeforces
    hack made with a generator): the input is then unknown (None) until someone runs it."""
    generator_args: str | None = None
    """The generator's command-line arguments, as the site showed them."""
    validated_by: Literal["jury validator", "inferred specification", "none"] | None = None
    """For a generated test, what accepted its input: the problem's jury validator, a specification cpdata inferred
    from the statement, or nothing (``none``: ``gen-tests --unvalidated`` made it from mutations where no
    specification exists, kept only because every correct solution agreed). None for tests not generated here."""

    @property
    def problem_key(self) -> ProblemKey:
        return (self.site.value, self.contest_id, self.index)


_SITES = frozenset(s.value for s in Site)


class Submission(_EntityBase):
    entity: Literal["submission"] = "submission"
    entity_name: ClassVar[str] = "submission"

    submission_id: str = Field(min_length=1)
    contest_id: str = Field(min_length=1)
    index: str = Field(min_length=1)
    problem_id: str | None = None
    language_raw: str | None = None
    language: Language | None = None
    verdict_raw: str | None = None
    verdict: Verdict | None = None
    is_correct: bool | None = None
    source_code: str | None = None
    created_at: datetime | None = None
    time_ms: Count | None = None
    memory_bytes: Count | None = None
    passed_tests: Count | None = None
    score: float | None = None

    _utc = field_validator("created_at")(to_utc)

    @model_validator(mode="after")
    def _derive_normalized(self) -> Submission:
        # After validation, on attributes (no copy of the input): this runs for every line of an ingest. Written into
        # __dict__ directly: pydantic's __setattr__ costs more than the rest of this together.
        derive_submission_fields(self.__dict__, is_correct_given="is_correct" in self.__pydantic_fields_set__)
        return self

    @property
    def problem_key(self) -> ProblemKey:
        return (self.site.value, self.contest_id, self.index)


def derive_submission_fields(values: dict[str, Any], *, is_correct_given: bool) -> None:
    """Fill a submission's normalized fields from its raw ones, in place (the model's validator and the ingest's row
    path both use this).

    Producers may give only the raw strings; the normalized ones follow from them. Only what the producer gave a raw
    value for is derived: a partial entity (say, a submission page that only adds source code) leaves the rest None,
    and None never overwrites a stored value. An ``is_correct`` the producer gave is kept."""
    if values["language"] is None and values["language_raw"]:
        values["language"] = normalize_language(values["language_raw"])
    if values["verdict"] is None and values["verdict_raw"] is not None and values["site"] in _SITES:
        values["verdict"] = normalize_verdict(values["site"], values["verdict_raw"])
    if values["verdict"] is not None and not is_correct_given:
        values["is_correct"] = is_correct_verdict(values["verdict"])


INFERRED_SPECIFICATION = "cpdata-inferred"
"""The name of an input validator cpdata inferred from a statement (not a jury's): a ``ProblemProgram``'s ``name``."""


class ProblemProgram(BaseModel):
    """A program that belongs to a problem (not a stream entity): an input validator, an output validator (a checker),
    or an interactor, with its files (path -> text) and the file to build or run. An input validator named
    ``INFERRED_SPECIFICATION`` is cpdata's reading of the statement, not the jury's. An ``include`` is no program but
    files the jury gives every submission beside its source (a package's ``include/<language>/``; ``any``: every
    language), so that a correct solution that reads them runs as it did for the jury."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: Site
    contest_id: str = Field(min_length=1)
    index: str = Field(min_length=1)
    role: Literal["input_validator", "output_validator", "interactor", "include"]
    name: str = Field(min_length=1)
    language: Literal["cpp", "c", "python3", "python2", "java", "kotlin", "rust", "go", "haskell", "checktestdata", "any"]
    files: dict[str, str]
    entry: str
    """The file to compile or run (its other files are headers such as validate.h)."""

    @property
    def problem_key(self) -> ProblemKey:
        return (self.site.value, self.contest_id, self.index)


Entity = Annotated[Contest | Problem | Test | Submission, Field(discriminator="entity")]
ENTITY_ADAPTER: TypeAdapter[Contest | Problem | Test | Submission] = TypeAdapter(Entity, config=ConfigDict(defer_build=True))
