"""The data contract of cpdata: enums, entity models, tables, the store and its views. Imports nothing else of ours
(but ``cpdata.lazy``: names load on first use, so that parsing a page does not import SQLAlchemy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cpdata.lazy import lazy_exports

if TYPE_CHECKING:
    from cpdata.schema.enums import Language, Site, TestKind, TestOrigin, Verdict, is_correct_verdict
    from cpdata.schema.errors import StoreError
    from cpdata.schema.languages import normalize_language
    from cpdata.schema.location import DEFAULT_DB_PATH, ENV_DB, resolve_db_url
    from cpdata.schema.models import (
        ENTITY_ADAPTER,
        Contest,
        Entity,
        Problem,
        ProblemKey,
        ProblemProgram,
        Submission,
        Test,
        key_name,
        to_utc,
    )
    from cpdata.schema.store import IngestReport, Store
    from cpdata.schema.stream import StreamError, read_stream, write_stream
    from cpdata.schema.verdicts import normalize_verdict
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        globals(),
        {
            "Language": "cpdata.schema.enums",
            "Site": "cpdata.schema.enums",
            "TestKind": "cpdata.schema.enums",
            "TestOrigin": "cpdata.schema.enums",
            "Verdict": "cpdata.schema.enums",
            "is_correct_verdict": "cpdata.schema.enums",
            "normalize_language": "cpdata.schema.languages",
            "ENTITY_ADAPTER": "cpdata.schema.models",
            "Contest": "cpdata.schema.models",
            "Entity": "cpdata.schema.models",
            "Problem": "cpdata.schema.models",
            "ProblemKey": "cpdata.schema.models",
            "ProblemProgram": "cpdata.schema.models",
            "Submission": "cpdata.schema.models",
            "Test": "cpdata.schema.models",
            "key_name": "cpdata.schema.models",
            "to_utc": "cpdata.schema.models",
            "DEFAULT_DB_PATH": "cpdata.schema.location",
            "ENV_DB": "cpdata.schema.location",
            "IngestReport": "cpdata.schema.store",
            "Store": "cpdata.schema.store",
            "StoreError": "cpdata.schema.errors",
            "resolve_db_url": "cpdata.schema.location",
            "StreamError": "cpdata.schema.stream",
            "read_stream": "cpdata.schema.stream",
            "write_stream": "cpdata.schema.stream",
            "normalize_verdict": "cpdata.schema.verdicts",
        },
    )

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
    "ProblemProgram",
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
    "key_name",
    "normalize_language",
    "normalize_verdict",
    "read_stream",
    "resolve_db_url",
    "to_utc",
    "write_stream",
]
