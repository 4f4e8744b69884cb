"""Field types every typed input shares, so nothing reaches the database that it cannot hold.

- ``RecordId``: a reference to a stored row; 1 to 2^31 - 1 (PostgreSQL ``integer``).
- ``Amount``: a typed number such as a KPI baseline or target; finite, at most 10^15 either way.
- ``StoredText``: text without NUL characters or lone surrogates (PostgreSQL refuses both).
- ``TypedInput``: the base of the pydantic inputs; refuses such text in every string field,
  however deeply nested, so a new field cannot forget the check.

The bounds appear in the OpenAPI document (``minimum``/``maximum``), so API clients see them.
"""

from __future__ import annotations

from typing import Annotated, Any

import annotated_types as at
from pydantic import AfterValidator, AllowInfNan, BaseModel, field_validator

from lodestar.domain.limits import MAX_MAGNITUDE, MAX_RECORD_ID, text_problem

RecordId = Annotated[int, at.Interval(ge=1, le=MAX_RECORD_ID)]
Amount = Annotated[float, at.Interval(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE), AllowInfNan(False)]


def storable(value: Any) -> Any:
    """``value`` unchanged, after checking every string in it (dict keys included)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            storable(key)
            storable(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            storable(item)
    return value


StoredText = Annotated[str, AfterValidator(storable)]


class TypedInput(BaseModel):
    """Base of what users type into forms and send to the API."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        return storable(value)
