"""Stream lines validated straight to row values: the models' own field validation, without building the models.

An ingest only needs each line's values, to write them. Building a pydantic model per line (and reading its
``__dict__`` back) cost about half of the validation. Here each entity's fields are validated by the schemas taken
from the model itself (the same types, bounds, coercions and field validators: one definition, nothing restated),
applied as a typed dict; what a model does after its fields (Submission's derived fields) is the same function,
applied to the dict. Most lines never reach these schemas: ``cpdata.schema.line_decoder`` decodes the lines it can
check exactly (derived from the same schemas) about five times faster, and only the rest are validated here.
``tests/schema/test_rows.py`` checks that every path accepts the same lines and gives the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from pydantic import ValidationError
from pydantic_core import CoreConfig, SchemaValidator, core_schema

from cpdata.schema.line_decoder import decode_lines
from cpdata.schema.models import Contest, Problem, Submission, Test, derive_submission_fields, to_utc
from cpdata.schema.stream import StreamError, line_error

__all__ = ["Row", "entity_schemas", "rows_by_entity", "validate_rows"]

Row = tuple[str, dict[str, Any]]
"""An entity name and its field values, as the model would hold them in ``__dict__``."""

_Model = type[Contest] | type[Problem] | type[Test] | type[Submission]
_MODELS: tuple[_Model, ...] = (Contest, Problem, Test, Submission)

# Fields the row path leaves out when a line does not give them, because what follows depends on whether it was given
# (a model's ``__pydantic_fields_set__``): an explicit "is_correct" is kept, a missing one is derived from the verdict.
_GIVEN_ONLY = {"submission": frozenset({"is_correct"})}


def _finish_submissions(rows: list[dict[str, Any]]) -> None:
    for values in rows:
        given = "is_correct" in values
        if not given:
            values["is_correct"] = None
        derive_submission_fields(values, is_correct_given=given)


_AFTER_FIELDS: dict[str, Callable[[list[dict[str, Any]]], None]] = {"submission": _finish_submissions}
"""What a model does after validating its fields, for the models that do something (their model validators), applied
to a batch of rows."""


def _utc_instant(value: datetime | None) -> datetime | None:
    """``to_utc`` for a row: the same instant in UTC, but an offset-zero value keeps the tzinfo it came with
    (pydantic's own UTC) instead of being rebuilt with ``datetime.UTC``, which cost a third of a submission's field
    validation. The two compare equal and are stored the same (a test checks the bound values)."""
    if value is not None and value.tzinfo is not None and value.utcoffset() == _ZERO:
        return value
    return to_utc(value)


_ZERO = timedelta(0)
_CHEAPER_FOR_ROWS: dict[Callable[..., Any], Callable[..., Any]] = {to_utc: _utc_instant}


def _cheaper(schema: Any) -> Any:
    """The schema with its field validators swapped for their row versions, where one is cheaper."""
    if isinstance(schema, dict):
        function = schema.get("function")
        if schema.get("type") in ("function-after", "function-before") and isinstance(function, dict):
            swapped = _CHEAPER_FOR_ROWS.get(function.get("function"))  # type: ignore[arg-type]
            if swapped is not None:
                schema = {**schema, "function": {**function, "function": swapped}}
        return {key: _cheaper(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_cheaper(value) for value in schema]
    return schema


def _typed_dict_schema(model: _Model) -> tuple[core_schema.TypedDictSchema, CoreConfig]:
    model.model_rebuild()  # the models defer building their schemas until first use
    schema: Any = model.__pydantic_core_schema__
    wrapped = False
    while schema["type"] != "model":
        wrapped = True
        schema = schema["schema"]
    name = model.entity_name
    if wrapped and name not in _AFTER_FIELDS:
        raise TypeError(f"{model.__name__} has a model validator that the row path does not apply: add it to _AFTER_FIELDS")
    given_only = _GIVEN_ONLY.get(name, frozenset())
    fields: dict[str, core_schema.TypedDictField] = {}
    for field_name, field in schema["schema"]["fields"].items():
        field_schema = field["schema"]
        has_default = field_schema["type"] == "default"
        if field_name in given_only and has_default:
            field_schema = field_schema["schema"]  # no default: a missing value stays missing
        fields[field_name] = core_schema.typed_dict_field(_cheaper(field_schema), required=not has_default)
    config: CoreConfig = dict(schema.get("config", {}))  # type: ignore[assignment]
    config.pop("title", None)
    return core_schema.typed_dict_schema(fields, extra_behavior="forbid", config=config), config


@cache
def entity_schemas() -> dict[str, tuple[core_schema.TypedDictSchema, CoreConfig]]:
    """Each entity's fields as a typed-dict schema, taken from its model (and the model's configuration)."""
    return {model.entity_name: _typed_dict_schema(model) for model in _MODELS}


@cache
def _validator() -> SchemaValidator:
    """One entity, discriminated by ``entity`` like the stream's adapter."""
    schemas = entity_schemas()
    config: CoreConfig = next(iter(schemas.values()))[1]
    one = core_schema.tagged_union_schema({name: schema for name, (schema, _) in schemas.items()}, discriminator="entity")
    return SchemaValidator(one, config)


def _finish(values: dict[str, Any]) -> Row:
    name: str = values["entity"]
    after = _AFTER_FIELDS.get(name)
    if after is not None:
        after([values])
    return name, values


def _unfinished(chunk: list[tuple[int, str]]) -> list[dict[str, Any] | StreamError]:
    """Each line's field values before the model's after-steps, or its error, in order.

    Lines are decoded by msgspec where it can check them exactly (``cpdata.schema.line_decoder``, about five times
    faster); the others (a number given for an id, a bad line) are validated here by the models' own schemas, line
    by line. One line at a time: a chunk joined into one JSON array would let a record broken over two lines read
    as one good record."""
    decoded: list[Any] = decode_lines([line for _, line in chunk])
    if None not in decoded:
        return decoded
    for position, ((number, line), values) in enumerate(zip(chunk, decoded, strict=True)):
        if values is None:
            try:
                decoded[position] = _validator().validate_json(line)
            except ValidationError:
                error = line_error(number, line)
                if error is None:  # the models take it and their own fields do not: a bug here, not a bad line
                    raise
                decoded[position] = error
    return decoded


def validate_rows(chunk: list[tuple[int, str]]) -> Iterator[Row | StreamError]:
    """The rows of numbered stream lines, or the error of each bad line (with the stream's own wording), in order."""
    for item in _unfinished(chunk):
        yield item if isinstance(item, StreamError) else _finish(item)


def rows_by_entity(chunk: list[tuple[int, str]]) -> tuple[dict[str, list[dict[str, Any]]], list[StreamError]]:
    """What ``validate_rows`` gives, grouped: each entity's rows in line order, and the errors (the ingest's form,
    without a step per row that grouping the rows afterwards would cost)."""
    items = _unfinished(chunk)
    errors = [item for item in items if isinstance(item, StreamError)]
    rows: list[dict[str, Any]] = [item for item in items if not isinstance(item, StreamError)] if errors else items  # type: ignore[assignment]
    names = {values["entity"] for values in rows}
    by_name: dict[str, list[dict[str, Any]]] = {}
    if len(names) == 1:  # the usual chunk: one entity, its rows as they are
        by_name[names.pop()] = rows
    else:
        for values in rows:
            by_name.setdefault(values["entity"], []).append(values)
    for name, group in by_name.items():
        after = _AFTER_FIELDS.get(name)
        if after is not None:
            after(group)
    return by_name, errors
