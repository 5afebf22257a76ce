"""The data contract of cpdata: enums, entity models, tables, the store and its views. Imports nothing else of ours."""

from schema.enums import Language, Site, TestKind, TestOrigin, Verdict, is_correct_verdict
from schema.languages import normalize_language
from schema.models import ENTITY_ADAPTER, Contest, Entity, Problem, ProblemKey, Submission, Test, to_utc
from schema.store import DEFAULT_DB_PATH, ENV_DB, IngestReport, Store, StoreError, resolve_db_url
from schema.stream import StreamError, read_stream, write_stream
from schema.verdicts import normalize_verdict

__all__ = [
    "DEFAULT_DB_PATH",
    "ENTITY_ADAPTER",
    "ENV_DB",
    "Contest",
    "Entity",
    "IngestReport",
    "Language",
    "Problem",
    "ProblemKey",
    "Site",
    "Store",
    "StoreError",
    "StreamError",
    "Submission",
    "Test",
    "TestKind",
    "TestOrigin",
    "Verdict",
    "is_correct_verdict",
    "normalize_language",
    "normalize_verdict",
    "read_stream",
    "resolve_db_url",
    "to_utc",
    "write_stream",
]
