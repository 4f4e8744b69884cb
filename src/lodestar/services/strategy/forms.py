"""Reading form values into the strategy inputs, with one full sentence per problem, and
pointing an error at the form field it is about."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lodestar.errors import InvalidInput, LodestarError

M = TypeVar("M", bound=BaseModel)


def read_form(model: type[M], values: Mapping[str, Any]) -> M:
    """Build ``model`` from form values (all strings), or raise InvalidInput whose message is
    one full sentence per problem and whose ``details["fields"]`` maps field to sentence.

    Blank optional fields become None; blank required numbers are reported as missing.
    """
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in values:
            continue
        raw = values[name]
        text = raw.strip() if isinstance(raw, str) else raw
        if text == "" and info.annotation is not str:
            continue
        data[name] = text
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            found = model.model_fields.get(name)
            title = (found.title if found and found.title else name.replace("_", " ")).capitalize()
            fields.setdefault(name, _sentence(title, err))
        raise InvalidInput(" ".join(fields.values()), details={"fields": fields}) from None


def _sentence(title: str, err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return f"{title} is required."
    if kind == "string_too_short":
        return f"{title} needs at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"{title} can have at most {ctx.get('max_length')} characters."
    if kind == "string_pattern_mismatch":
        return (
            f"{title} may contain only lowercase letters, digits and underscores, "
            "such as sales_conversion."
        )
    if kind in ("int_parsing", "int_from_float"):
        return f"{title} must be a whole number, such as 2027."
    if kind in ("float_parsing", "finite_number"):
        return f"{title} must be a number, such as 22.5 (use a point for decimals)."
    if kind.startswith("date"):
        return f"{title} must be a date, such as 2027-06-30."
    if kind == "greater_than_equal":
        return f"{title} must be {ctx.get('ge')} or more."
    if kind == "less_than_equal":
        return f"{title} must be {ctx.get('le')} or less."
    if kind == "value_error":  # our own checks: the message is a full sentence
        return f"{title}: {str(err['msg']).removeprefix('Value error, ')}"
    return f"{title}: {str(err['msg']).rstrip('.')}."


def _on_field(name: str, exc: LodestarError) -> LodestarError:
    """The same error, pointed at the form field it is about."""
    exc.details = {**exc.details, "fields": {name: exc.message}}
    return exc
