"""A stored result is made JSON-safe in one pass: the fast paths for plain numbers and numeric
arrays give what the general path gives (non-finite numbers as None, numpy scalars as Python
numbers)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lodestar.services.impact.serialise import jsonable


@dataclass(frozen=True)
class _Result:
    estimate: float
    details: dict[str, object]


def test_arrays_and_lists_of_numbers_give_the_same_json() -> None:
    cov = np.array([[1.0, np.nan], [np.inf, -2.5]])
    out = jsonable(_Result(math.nan, {"cov": cov, "cov_list": cov.tolist(), "n": np.int64(3)}))
    assert out == {
        "estimate": None,
        "details": {
            "cov": [[1.0, None], [None, -2.5]],
            "cov_list": [[1.0, None], [None, -2.5]],
            "n": 3,
        },
    }
    assert type(out["details"]["n"]) is int
    json.dumps(out, allow_nan=False)  # strict JSON: no NaN or Infinity left


def test_every_kind_of_value_is_made_json_safe() -> None:
    frame = pd.DataFrame({"x": [1.5, np.nan], "when": pd.to_datetime(["2026-01-05", "2026-01-12"])})
    values = {
        "ints": np.arange(3, dtype=np.uint16),
        "flags": np.array([True, False]),
        "words": np.array(["a", "b"]),
        "empty": np.zeros((0, 2)),
        "float32": np.float32(np.inf),
        "frame": frame,
        "plain": [1, "a", None, True, (2.0, float("-inf"))],
        "set": {4},
    }
    out = jsonable(values)
    assert out["ints"] == [0, 1, 2] and all(type(v) is int for v in out["ints"])
    assert out["flags"] == [True, False] and out["words"] == ["a", "b"] and out["empty"] == []
    assert out["float32"] is None
    assert out["frame"] == [
        {"x": 1.5, "when": "2026-01-05T00:00:00"},
        {"x": None, "when": "2026-01-12T00:00:00"},
    ]
    assert out["plain"] == [1, "a", None, True, [2.0, None]] and out["set"] == [4]
    json.dumps(out, allow_nan=False)
