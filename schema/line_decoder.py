"""Stream lines decoded by msgspec, for the fields whose pydantic schema msgspec can check exactly.

An ingest validates millions of lines: pydantic-core takes about 2.2 µs a line for a submission, msgspec about 0.4.
msgspec decodes strictly here: it accepts a subset of what the models accept (a string where a string is expected,
an integer where an integer is, nothing coerced), and on that subset it gives the values the models give. A line it
refuses is not an error: it goes to the models' own validation (``cpdata.schema.rows``), which coerces what the
models coerce (a number given for an id) or names the fault in the stream's words.

The msgspec types are derived from the models' core schemas, so nothing is restated. A field whose schema is not one
of the few kinds translated here (a datetime, a field validator, a list) is kept as its raw JSON text and validated by
its own pydantic schema, all of a chunk's values of that field in one call. ``tests/schema/test_rows.py`` checks on
real parsed pages and hostile lines that every line decoded here equals what the models give.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple

import msgspec
from pydantic import ValidationError
from pydantic_core import CoreConfig, SchemaValidator, core_schema

__all__ = ["decode_lines", "line_decoder_models"]

# The model configuration this decoder knows the meaning of, with the one value it needs (None: any value will do).
# Any other key (str_to_lower, strict, ...) would change what a field accepts, so a model that has one is left to
# pydantic altogether.
_KNOWN_CONFIG: dict[str, Any] = {
    "coerce_numbers_to_str": None,  # only changes what a str field does with a number, which msgspec refuses
    "extra_fields_behavior": "forbid",
    "str_strip_whitespace": False,
    "allow_inf_nan": None,  # floats below are bounded to finite values, as allow_inf_nan=False asks
}
_FINITE = msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)
_ABSENT = msgspec.Raw(b"")
"""The default of a raw field: no JSON value is empty, so this marks a field the line did not give."""
_IMMUTABLE_DEFAULTS = (type(None), bool, int, float, str)


def _bounds(schema: dict[str, Any], keys: Sequence[str]) -> dict[str, Any] | None:
    """The schema's constraints as msgspec.Meta arguments, or None if it has any other key."""
    if set(schema) - {"type", "metadata", "ref", *keys}:
        return None
    return {key: schema[key] for key in keys if key in schema}


def _spec(schema: dict[str, Any], config: CoreConfig) -> Any | None:
    """The msgspec type that accepts a subset of what ``schema`` accepts, giving the same values; None if none here."""
    kind = schema["type"]
    if kind == "str":
        bounds = _bounds(schema, ("min_length", "max_length"))
        return None if bounds is None else Annotated[str, msgspec.Meta(**bounds)]
    if kind == "int":
        bounds = _bounds(schema, ("ge", "le", "gt", "lt"))
        return None if bounds is None else Annotated[int, msgspec.Meta(**bounds)]
    if kind == "float":
        bounds = _bounds(schema, ("ge", "le", "gt", "lt"))
        if bounds is None:
            return None
        spec: Any = Annotated[float, msgspec.Meta(**bounds)]
        return spec if config.get("allow_inf_nan", True) else Annotated[spec, _FINITE]
    if kind == "bool":
        return bool if _bounds(schema, ()) is not None else None
    if kind == "nullable":
        inner = _spec(schema["schema"], config) if _bounds(schema, ("schema",)) is not None else None
        return None if inner is None else inner | None
    if kind == "literal":
        expected = schema["expected"]
        if _bounds(schema, ("expected",)) is None or not all(type(value) is str for value in expected):
            return None
        return Literal[tuple(expected)]
    if kind == "enum":
        # msgspec looks a member up by its value, as pydantic does for a JSON string (neither calls _missing_ then)
        cls = schema["cls"]
        if schema.get("sub_type") != "str" or _bounds(schema, ("cls", "members", "sub_type")) is None:
            return None
        return cls if list(cls) == list(schema["members"]) else None
    return None


class _RawField(NamedTuple):
    name: str
    validator: SchemaValidator
    """The field's own pydantic schema over a JSON array of values (one call for a chunk)."""
    default: Any
    given_only: bool
    """No default: a line that does not give it leaves it out (see ``cpdata.schema.rows._GIVEN_ONLY``)."""


class _DecodedEntity(NamedTuple):
    """What finishing one entity's decoded lines takes, beside its msgspec Struct: its name, the fields left raw for
    pydantic, and the fields that stay out of a line's values when the line does not give them."""

    name: str
    raw_fields: tuple[_RawField, ...]
    given_only: tuple[str, ...]
    """Fields decoded here that a line may leave out and that then stay out of its values."""


def _struct(name: str, schema: core_schema.TypedDictSchema, config: CoreConfig) -> tuple[type, _DecodedEntity] | None:
    """A msgspec Struct for one entity's typed-dict schema (from ``cpdata.schema.rows``), tagged by ``entity``."""
    for key, value in config.items():
        if key != "title" and (key not in _KNOWN_CONFIG or _KNOWN_CONFIG[key] not in (None, value)):
            return None
    fields: list[tuple[str, Any, Any]] = []
    raw_fields: list[_RawField] = []
    given_only: list[str] = []
    for field_name, field in schema["fields"].items():
        field_schema: dict[str, Any] = field["schema"]  # type: ignore[assignment]
        if field_name == "entity":
            continue  # the tag
        has_default = field_schema["type"] == "default"
        default: Any = None
        if has_default:
            if set(field_schema) - {"type", "schema", "default", "metadata"}:
                return None  # a default factory, or a default that is validated
            default = field_schema["default"]
            if not isinstance(default, _IMMUTABLE_DEFAULTS):
                return None
            field_schema = field_schema["schema"]
        required = field.get("required", True)
        spec = _spec(field_schema, config)
        if spec is None:
            list_validator = SchemaValidator(core_schema.list_schema(field_schema), config)
            raw_fields.append(_RawField(field_name, list_validator, default, not required and not has_default))
            fields.append((field_name, msgspec.Raw, msgspec.NODEFAULT if required else _ABSENT))
        elif has_default:
            fields.append((field_name, spec, default))
        elif not required:
            fields.append((field_name, spec | msgspec.UnsetType, msgspec.UNSET))
            given_only.append(field_name)
        else:
            fields.append((field_name, spec, msgspec.NODEFAULT))
    struct = msgspec.defstruct(
        f"{name.capitalize()}Line", fields, kw_only=True, tag_field="entity", tag=name, forbid_unknown_fields=True
    )
    return struct, _DecodedEntity(name, tuple(raw_fields), tuple(given_only))


@cache
def _decoder() -> tuple[msgspec.json.Decoder[Any], dict[type, _DecodedEntity]]:
    from cpdata.schema.rows import entity_schemas  # the typed-dict schemas made from the models

    entities: dict[type, _DecodedEntity] = {}
    for name, (schema, config) in entity_schemas().items():
        made = _struct(name, schema, config)
        if made is not None:
            entities[made[0]] = made[1]
    union: Any = None
    for struct in entities:
        union = struct if union is None else union | struct
    return msgspec.json.Decoder(union), entities


def line_decoder_models() -> list[str]:
    """The entities whose lines this decoder takes (the others always go to pydantic)."""
    return sorted(entity.name for entity in _decoder()[1].values())


def decode_lines(lines: Sequence[str]) -> list[dict[str, Any] | None]:
    """Each line's field values (as ``cpdata.schema.rows`` gives them before the model's own after-steps), or None
    for a line left to pydantic: one msgspec refused, or whose raw fields pydantic did not take here."""
    decode, entities = _decoder()
    try:
        decoded: list[Any] = list(map(decode.decode, lines))  # the usual chunk: every line decodes
    except msgspec.DecodeError:  # also msgspec.ValidationError
        decoded = [_decode_or_none(decode, line) for line in lines]
    asdict = msgspec.structs.asdict
    values: list[dict[str, Any] | None] = (
        list(map(asdict, decoded)) if None not in decoded else [None if item is None else asdict(item) for item in decoded]
    )
    kinds = set(map(type, decoded))
    for struct in kinds - {type(None)}:
        entity = entities[struct]
        where = [p for p, item in enumerate(decoded) if type(item) is struct] if len(kinds) > 1 else range(len(decoded))
        rows: list[dict[str, Any]] = [values[p] for p in where]  # type: ignore[misc]
        for row in rows:
            row["entity"] = entity.name
        for field_name in entity.given_only:
            for row in rows:
                if row[field_name] is msgspec.UNSET:
                    del row[field_name]
        for raw in entity.raw_fields:
            _validate_raw(raw, [p for p in where if values[p] is not None], values)
    return values


def _decode_or_none(decode: msgspec.json.Decoder[Any], line: str) -> Any:
    try:
        return decode.decode(line)
    except msgspec.DecodeError:
        return None


def _validate_raw(raw: _RawField, where: Sequence[int], values: list[dict[str, Any] | None]) -> None:
    """Validate one raw field of these lines with its pydantic schema, in one call; a line whose value pydantic
    refuses goes back to pydantic whole (None), to be reported in the stream's words."""
    name = raw.name
    raws = [values[position][name] for position in where]  # type: ignore[index]
    if _ABSENT in raws:
        given = [position for position, value in zip(where, raws, strict=True) if value is not _ABSENT]
        for position in where:
            row: dict[str, Any] = values[position]  # type: ignore[assignment]
            if row[name] is _ABSENT:
                if raw.given_only:
                    del row[name]
                else:
                    row[name] = raw.default  # pydantic does not validate defaults either
        raws = [values[position][name] for position in given]  # type: ignore[index]
    else:
        given = list(where)
    if not given:
        return
    try:
        validated = raw.validator.validate_json(b"[" + b",".join(raws) + b"]")  # a Raw is a buffer of JSON text
    except ValidationError as exc:
        refused = {given[error["loc"][0]] for error in exc.errors() if error["loc"] and type(error["loc"][0]) is int}
        if not refused:
            refused = set(given)
        for position in refused:
            values[position] = None
        kept = [p for p in given if p not in refused]
        if kept:
            _validate_raw(raw, kept, values)
        return
    for position, value in zip(given, validated, strict=True):
        values[position][name] = value  # type: ignore[index]
