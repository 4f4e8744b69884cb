"""Refuse data that carries no information, before any estimator sees it, and say what to do.

:func:`estimate_effect <lodestar.analytics.estimate.estimate_effect>` runs these on the columns
it is given, whatever the design:

- numbers stored as text (``"12.5"``) are named with the line that converts them;
- periods that cannot be put in order (``"Q42010"``) are refused with how to number them;
- infinite values, outcomes that do not vary, 0/1 columns holding other codes, negative
  durations and covariates that repeat one another (collinear) are refused by name;
- rows left out for missing values are counted, column by column, in a sentence for the
  result's warnings (:func:`drop_incomplete`).

Every refusal is an :class:`~lodestar.errors.InvalidInput` with a full sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lodestar.errors import InvalidInput

__all__ = [
    "check_binary",
    "check_collinear",
    "check_finite",
    "check_non_negative",
    "check_numeric",
    "check_periods",
    "check_varies",
    "drop_incomplete",
    "extreme_values",
    "is_flat",
]

#: An outcome whose spread is below this share of its typical size carries no information.
RELATIVE_SPREAD_FLOOR = 1e-9


def _is_text(col: pd.Series) -> bool:
    return bool(pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col))


def check_numeric(data: pd.DataFrame, column: str, role: str) -> None:
    """``column`` must hold numbers (or True/False); text that reads as numbers is named with
    the line that converts it."""
    col = data[column]
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return
    values = col.dropna()
    if _is_text(col) and len(values):
        as_text = values.astype(str).str.strip()
        parsed = pd.to_numeric(as_text, errors="coerce")
        if parsed.notna().all():
            raise InvalidInput(
                f"The {role} column {column!r} holds numbers stored as text (for example "
                f"{as_text.iloc[0]!r}); convert it with "
                f"data[{column!r}] = pd.to_numeric(data[{column!r}]) and try again.",
                details={"column": column},
            )
        decimal_comma = pd.to_numeric(as_text.str.replace(",", ".", regex=False), errors="coerce")
        if decimal_comma.notna().all():
            raise InvalidInput(
                f"The {role} column {column!r} holds numbers written with a decimal comma (for "
                f"example {as_text.iloc[0]!r}); convert it with data[{column!r}] = "
                f"pd.to_numeric(data[{column!r}].str.replace(',', '.')) and try again.",
                details={"column": column},
            )
        bad = as_text[parsed.isna()].iloc[0]
        raise InvalidInput(
            f"The {role} column {column!r} must hold numbers, but it holds text such as "
            f"{bad!r}; recode it as numbers (for example 1/0 instead of yes/no) and try again.",
            details={"column": column},
        )
    raise InvalidInput(
        f"The {role} column {column!r} must hold numbers, but it holds {col.dtype} values; "
        "convert it to numbers and try again.",
        details={"column": column},
    )


def check_periods(data: pd.DataFrame, column: str) -> None:
    """Periods must be numbers that increase with time; text periods are refused with how to
    number them (dates are refused later by the panel, with the same advice)."""
    col = data[column]
    if pd.api.types.is_datetime64_any_dtype(col) or not _is_text(col):
        if not pd.api.types.is_datetime64_any_dtype(col):
            check_numeric(data, column, "period")
        return
    values = col.dropna().astype(str).str.strip()
    if len(values) and pd.to_numeric(values, errors="coerce").notna().all():
        check_numeric(data, column, "period")
    example = values.iloc[0] if len(values) else ""
    raise InvalidInput(
        f"The period column {column!r} holds text such as {example!r}, which cannot be put in "
        "time order. Number the periods so that later periods have larger numbers: for "
        "quarters year * 4 + quarter (Q4 2010 becomes 8044), for months year * 12 + month, for "
        "weeks the week number since the data start; then try again.",
        details={"column": column},
    )


def check_finite(data: pd.DataFrame, columns: Sequence[str], role: str) -> None:
    """No infinite values in numeric ``columns``."""
    for c in columns:
        col = data[c]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            continue
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        n_inf = int(np.isinf(values).sum())
        if n_inf:
            raise InvalidInput(
                f"The {role} column {c!r} has {n_inf} infinite value{'s' if n_inf > 1 else ''}; "
                "an average with an infinite value is meaningless. Fix or remove those rows "
                "(for example a division by zero upstream) and try again.",
                details={"column": c},
            )


#: How many interquartile ranges beyond the quartiles a value must lie to be called extreme:
#: so far out that no ordinary spread of a business measure puts it there (a log-normal
#: measure with sigma 1 has one such value in about 10^12), while a typo, a unit error of a
#: few orders of magnitude or a placeholder such as 999999 usually is.
EXTREME_IQRS = 1000.0


@dataclass(frozen=True)
class ExtremeValues:
    count: int  # values beyond the fences
    total: int  # finite values looked at
    largest: float  # the one farthest from the median
    low_fence: float
    high_fence: float


def extreme_values(values: np.ndarray) -> ExtremeValues | None:
    """The values more than ``EXTREME_IQRS`` interquartile ranges beyond the quartiles, or
    None when there are none (or the middle half is one value, so no range to measure by)."""
    y = np.asarray(values, dtype=np.float64)
    y = y[np.isfinite(y)]
    if y.size < 4:
        return None
    q1, median, q3 = np.percentile(y, [25, 50, 75])
    iqr = float(q3 - q1)
    if not iqr > 0:
        return None
    low, high = float(q1) - EXTREME_IQRS * iqr, float(q3) + EXTREME_IQRS * iqr
    out = (y < low) | (y > high)
    count = int(out.sum())
    if not count:
        return None
    far = y[out]
    largest = float(far[np.argmax(np.abs(far - median))])
    return ExtremeValues(count, int(y.size), largest, low, high)


def is_flat(values: np.ndarray) -> bool:
    """True when the finite ``values`` (at least one) are all the same or differ only by
    rounding: their spread is at most ``RELATIVE_SPREAD_FLOOR`` of their size (of 1 for values
    smaller than 1), so 0.25 plus noise of 1e-13 is flat, but 0.25 against 0.2500001 is not."""
    y = np.asarray(values, dtype=np.float64)
    y = y[np.isfinite(y)]
    if y.size == 0:
        return False
    scale = max(float(np.abs(y).max()), 1.0)
    return y.size < 2 or float(np.ptp(y)) <= RELATIVE_SPREAD_FLOOR * scale


def check_varies(values: pd.Series, column: str, role: str = "outcome") -> None:
    """Refuse a column whose observed values are all the same (or differ only by rounding)."""
    y = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=np.float64)
    if y.size == 0:
        return
    if is_flat(y):
        raise InvalidInput(
            f"The {role} column {column!r} has the same value ({y[0]:g}) on every row, so it "
            "carries no information about what the program changed. Check that the right "
            "column was chosen and that its values were loaded, then try again.",
            details={"column": column},
        )


def check_binary(data: pd.DataFrame, column: str, role: str, meaning: str) -> None:
    """A 0/1 column (True/False accepted) with no other codes; ``meaning`` says what 1 means."""
    col = data[column].dropna()
    if pd.api.types.is_bool_dtype(col):
        return
    check_numeric(data, column, role)
    codes = sorted(set(pd.unique(col.astype(np.float64))) - {0.0, 1.0})
    if codes:
        shown = ", ".join(f"{c:g}" for c in codes[:5])
        raise InvalidInput(
            f"The {role} column {column!r} must hold 1 ({meaning}) or 0, but it also holds "
            f"{shown}. Recode it, for example data[{column!r}] = (data[{column!r}] == CODE)"
            ".astype(int) for the code that means the event, and try again.",
            details={"column": column, "codes": codes[:5]},
        )


def check_non_negative(data: pd.DataFrame, column: str, role: str) -> None:
    """Durations and times since the start of follow-up cannot be negative."""
    values = pd.to_numeric(data[column], errors="coerce")
    n_neg = int((values < 0).sum())
    if n_neg:
        raise InvalidInput(
            f"The {role} column {column!r} has {n_neg} negative value"
            f"{'s' if n_neg > 1 else ''} (for example {float(values[values < 0].iloc[0]):g}); "
            "a follow-up time counts from the start of follow-up and cannot be negative. Check "
            "the dates it was computed from and try again.",
            details={"column": column},
        )


def drop_incomplete(
    data: pd.DataFrame, columns: Sequence[str], why: str
) -> tuple[pd.DataFrame, str | None]:
    """``data`` without rows missing any of ``columns``, and a sentence counting them by column
    (``why`` finishes "were left out because ..."), or ``None`` when nothing was dropped."""
    columns = [c for c in dict.fromkeys(columns) if c is not None]
    if not columns:
        return data, None
    missing = data[columns].isna()
    drop = missing.any(axis=1)
    n = int(drop.sum())
    if n == 0:
        return data, None
    counts = ", ".join(f"{c!r} ({int(k)})" for c, k in missing.sum().items() if k)
    note = (
        f"{n} row{'s were' if n > 1 else ' was'} left out because {why} was missing: {counts}. "
        "Fill in those values to use every row."
    )
    return data.loc[~drop], note


def check_collinear(data: pd.DataFrame, covariates: Sequence[str], treatment: str | None) -> None:
    """Refuse covariates that add nothing the others (or the treatment) do not already say.

    Works on the numeric covariate matrix (categories as 0/1 columns) with an intercept,
    adding one column at a time: a column that does not raise the matrix rank is a linear
    combination of the earlier ones and is named with them.
    """
    if not covariates:
        return
    from lodestar.analytics.estimators.observational import design_matrix

    frame = data.dropna(subset=list(covariates))
    if frame.empty:
        return
    x = design_matrix(frame, covariates)
    columns: list[tuple[str, np.ndarray]] = [("the constant", np.ones(len(frame)))]
    if treatment is not None:
        t = pd.to_numeric(frame[treatment], errors="coerce").fillna(0).to_numpy(np.float64)
        columns.append((f"the treatment {treatment!r}", t))
    for name in x.columns:
        v = x[name].to_numpy(np.float64)
        sd = v.std()
        z = (v - v.mean()) / sd if sd > 0 else v * 0
        if sd == 0:
            raise InvalidInput(
                f"The covariate {name!r} has the same value for everyone, so it cannot explain "
                "any difference; leave it out of covariates= and try again.",
                details={"covariate": name},
            )
        basis = np.column_stack([c for _, c in columns])
        coef, *_ = np.linalg.lstsq(basis, z, rcond=None)
        resid = z - basis @ coef
        if float(resid @ resid) <= 1e-10 * len(z):
            partners = [n for (n, _), b in zip(columns, coef, strict=True) if abs(b) > 1e-8]
            partners = [p for p in partners if p != "the constant"] or ["the constant"]
            raise InvalidInput(
                f"The covariate {name!r} is fully determined by {', '.join(partners)} "
                "(they are collinear), so their separate effects cannot be told apart; leave "
                f"{name!r} (or one of the others) out of covariates= and try again.",
                details={"covariate": name, "collinear_with": partners},
            )
        columns.append((repr(name), z))
