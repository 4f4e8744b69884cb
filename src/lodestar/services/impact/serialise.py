"""Turn engine results into JSON that a database column and an API response can hold."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

_PLAIN = (str, int, bool, type(None))


def jsonable(value: Any) -> Any:
    """Dataclasses, frames, numpy scalars and non-finite floats, made JSON-safe."""
    # The common leaves first: a stored result holds tens of thousands of plain numbers (the
    # event study's covariance, the group-time cells).
    kind = type(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind in _PLAIN:
        return value
    if kind is np.ndarray and value.ndim >= 1 and value.dtype.kind in "fiub":
        return _array(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return jsonable(value.to_dict())
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    return value


def _array(value: np.ndarray) -> list[Any]:
    """A numeric array as (nested) lists of Python numbers, non-finite values as None."""
    if value.dtype.kind == "f":
        finite = np.isfinite(value)
        if not finite.all():
            cells = value.astype(object)
            cells[~finite] = None
            out: list[Any] = cells.tolist()
            return out
    plain: list[Any] = value.tolist()
    return plain
