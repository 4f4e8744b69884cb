"""Input checks shared by the estimators: say what is wrong with the data and what to do next."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from lodestar.errors import InvalidInput

__all__ = [
    "MIN_GROUP_SIZE",
    "binary_treatment",
    "check_choice",
    "covariate_matrix",
    "require_columns",
]

MIN_GROUP_SIZE = 5  # fewer people than this in a group: no estimate (and aggregates are suppressed)


def check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    """Refuse a value outside a closed option set, listing the allowed values."""
    if value not in allowed:
        from lodestar.analytics.suggest import did_you_mean

        listed = ", ".join(repr(a) for a in allowed)
        hint = did_you_mean(value, [str(a) for a in allowed]) if isinstance(value, str) else ""
        raise InvalidInput(f"The {name} {value!r} is not known.{hint} Choose one of {listed}.")


def require_columns(data: pd.DataFrame, columns: Iterable[str | None], *, role: str = "") -> None:
    """Every named column must exist in ``data``."""
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput("The data must be a pandas DataFrame with one row per person or period.")
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        have = ", ".join(map(str, data.columns[:20]))
        raise InvalidInput(
            f"The data has no column named {', '.join(map(repr, missing))}{role}; "
            f"the columns are: {have}. Check the spelling or add the column."
        )


def binary_treatment(data: pd.DataFrame, treatment: str) -> pd.Series:
    """The treatment column as 0/1 floats; refuses anything else and one-sided data."""
    col = data[treatment]
    if col.isna().any():
        raise InvalidInput(
            f"The treatment column {treatment!r} has {int(col.isna().sum())} missing values; "
            "mark every person as taking part (1) or not (0)."
        )
    if col.dtype == bool:
        col = col.astype(float)
    values = set(pd.unique(col))
    if not values <= {0, 1}:
        shown = ", ".join(map(str, sorted(values, key=str)[:6]))
        raise InvalidInput(
            f"The treatment column {treatment!r} must hold 1 for participants and 0 for the "
            f"comparison group (or True/False); found {shown}."
        )
    t = col.astype(float)
    n1, n0 = int((t == 1).sum()), int((t == 0).sum())
    if n0 == 0:
        raise InvalidInput(
            "Everyone in the data took part, so there is no comparison group; add people who did "
            "not take part (or had not yet started) before estimating an effect."
        )
    if n1 == 0:
        raise InvalidInput(
            "Nobody in the data took part; check the treatment column and the program's "
            "participant list."
        )
    return t


def covariate_matrix(data: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """Covariates as floats, categories expanded to indicator columns (first level dropped)."""
    if not covariates:
        return pd.DataFrame(index=data.index)
    frame = data[list(covariates)]
    categorical = [c for c in covariates if not pd.api.types.is_numeric_dtype(frame[c])]
    numeric = frame.drop(columns=categorical).astype(np.float64)
    if categorical:
        dummies = pd.get_dummies(
            frame[categorical].astype("category"), drop_first=True, dtype=np.float64
        )
        numeric = pd.concat([numeric, dummies], axis=1)
    constant = [c for c in numeric.columns if numeric[c].nunique(dropna=True) <= 1]
    return numeric.drop(columns=constant)
