"""Vectorised row checks for tabular imports: ``Problems`` collects rejected rows from boolean
masks, so checks run over whole columns (``parse_dates``, ``parse_numbers``, ``parse_choice``,
``lookup``, ...), never row by row in Python. The columns come from
:func:`lodestar.services.imports.tables.read_rows`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from lodestar.services.imports.common import employee_ids
from lodestar.services.imports.report import ImportRejected, ImportReport, RowProblem
from lodestar.services.imports.tables import Rows

# Numbers beyond this size are refused: sums and means of such values overflow float64
# (PostgreSQL then fails the query), and no KPI, score or weight is that large.
LARGEST_NUMBER = 1e15
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")

Reason = str | Callable[[str], str]


class Problems:
    """Rejected rows found by whole-column checks: ``flag(mask, column, values, reason)``."""

    def __init__(self, rows: Rows, report: ImportReport) -> None:
        """Start with the checks every cell gets: no NUL characters (no database stores
        them in text, and PostgreSQL refuses them); skipped when the file's bytes hold none."""
        self.rows = rows
        self.report = report
        self.bad = np.zeros(len(rows), dtype=bool)
        for name, values in rows.columns.items() if rows.may_hold_nul else ():
            nul = pc.match_substring(values, "\x00")
            self.flag(
                np.asarray(pc.fill_null(nul, False).to_numpy(zero_copy_only=False), dtype=bool),
                name,
                pc.replace_substring(values, "\x00", "\\0"),
                "The cell contains a NUL character (shown as \\0), which cannot be stored. "
                "Remove it; it often comes from a file saved in the wrong encoding.",
            )

    def flag(self, mask: np.ndarray, column: str, values: Any, reason: Reason) -> None:
        """Reject the rows where ``mask`` is true; ``reason`` may use ``{value}``."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        where = np.flatnonzero(mask)
        room = max(0, self.report.max_problems - len(self.report.problems))
        shown = where[:room]
        if isinstance(values, pa.Array | pa.ChunkedArray):
            picked = values.take(pa.array(shown, pa.int64())).to_pylist()
        else:
            picked = [values[i] for i in shown] if values is not None else [""] * len(shown)
        lines = self.rows.lines

        def make(k: int) -> RowProblem:
            value = picked[k]
            text = "" if value is None else str(value)[:200]
            why = reason(text) if callable(reason) else reason.format(value=text)
            return RowProblem(int(lines[shown[k]]), column, text, why)

        self.report.add_many(lines[where], make)
        self.bad |= mask

    def raise_if_any(self) -> None:
        if not self.report.ok:
            self.report.sort()
            raise ImportRejected(self.report)

    def duplicates(self, keys: pd.DataFrame, column: str, values: Any, what: str) -> None:
        """Reject rows whose ``keys`` repeat an earlier row of the file. Rows already refused
        (an unreadable date among them) are not compared: two dates that could not be read are
        not the same period. An empty optional key (a KPI for the whole organisation has no
        subject) is a value like any other."""
        keys = keys.reset_index(drop=True)
        eligible = ~np.asarray(self.bad, dtype=bool)
        compared = keys[eligible]
        repeated = np.zeros(len(keys), dtype=bool)
        repeated[eligible] = compared.duplicated(keep="first").to_numpy()
        if not repeated.any():
            return
        first = (
            pd.Series(np.asarray(self.rows.lines)[eligible], index=compared.index)
            .groupby([compared[c] for c in compared.columns], dropna=False)
            .transform("first")
            .to_numpy()
        )
        lines = iter(first[repeated[eligible]].tolist())

        def repeats(value: str) -> str:
            return f"This row repeats line {next(lines)} ({what}). Keep one of them."

        self.flag(repeated, column, values, repeats)


def is_empty(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.equal(values, "").to_numpy(zero_copy_only=False), dtype=bool)


def too_long(problems: Problems, limits: dict[str, tuple[str, int]]) -> None:
    """Flag cells longer than their column holds: ``{column: (label, most characters)}``."""
    for name, (label, most) in limits.items():
        if not problems.rows.has(name):
            continue
        values = problems.rows.text(name)
        lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
        problems.flag(
            np.asarray(lengths > most, dtype=bool),
            name,
            values,
            f"The {label} is longer than {most} characters. Shorten it.",
        )


def require(problems: Problems, name: str, label: str) -> np.ndarray:
    """Flag empty cells of a required column; returns the empty mask."""
    values = problems.rows.text(name)
    empty = is_empty(values)
    problems.flag(empty, name, values, f"The {label} is empty. Every row needs one.")
    return empty


def parse_dates(problems: Problems, name: str, label: str, *, required: bool) -> pd.Series:
    """A date column (YYYY-MM-DD, a time part is ignored) as datetime64; NaT when empty.

    Each distinct text is parsed and checked once (a KPI file of millions of rows holds a
    hundred-odd dates), then spread back over the rows."""
    values = problems.rows.text(name)
    empty = is_empty(values)
    distinct = pc.unique(values)
    where = np.asarray(pc.index_in(values, value_set=distinct).to_numpy(zero_copy_only=False))
    head = pc.utf8_slice_codeunits(distinct, 0, 10)
    parsed = pc.strptime(head, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2025-02-30 over into March: a date must print back as it was written.
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), head)
    ok = np.asarray(pc.fill_null(same, False).to_numpy(zero_copy_only=False), dtype=bool)
    bad = ~ok[where] & ~empty
    problems.flag(
        bad, name, values, lambda v: f"The {label} “{v}” is not a date. Write dates as YYYY-MM-DD."
    )
    # A year like 0001 or 9999 (a placeholder, a typo) is a date, but not one of these records,
    # and beyond 1677-2262 it would not fit the nanosecond dates the data is kept in.
    year = np.asarray(pc.fill_null(pc.year(parsed), FIRST_YEAR).to_numpy(zero_copy_only=False))
    unlikely = (year < FIRST_YEAR) | (year > LAST_YEAR)
    problems.flag(
        unlikely[where] & ok[where] & ~empty,
        name,
        values,
        lambda v: (
            f"The {label} “{v}” is not between {FIRST_YEAR} and {LAST_YEAR}. Check the "
            "year: a placeholder such as 0001-01-01 or 9999-12-31 is not a date to import."
        ),
    )
    if required:
        problems.flag(empty, name, values, f"The {label} is empty. Every row needs one.")
    kept = pc.if_else(pa.array(unlikely), pa.scalar(None, parsed.type), parsed)
    days = pd.Series(kept.to_pandas().to_numpy(dtype="datetime64[ns]")).dt.normalize()
    return pd.Series(days.to_numpy()[where])


# The years a date in an imported file may fall in (checked by ``parse_dates``).
FIRST_YEAR, LAST_YEAR = 1900, 2199


def parse_numbers(
    problems: Problems,
    name: str,
    label: str,
    *,
    required: bool,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> np.ndarray:
    """A number column as float64 (NaN when empty), flagging text and out-of-range values."""
    values = problems.rows.text(name)
    empty = is_empty(values)
    try:
        numbers = pc.cast(pc.if_else(pc.equal(values, ""), None, values), pa.float64())
        out = numbers.to_numpy(zero_copy_only=False).astype(np.float64)
        bad = np.zeros(len(out), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        out = pd.to_numeric(pd.Series(values.to_numpy(zero_copy_only=False)), errors="coerce")
        out = out.to_numpy(dtype=np.float64)
        bad = np.isnan(out) & ~empty
    bad |= ~empty & ~np.isfinite(out)
    problems.flag(bad, name, values, lambda v: f"The {label} “{v}” is not a number.")
    ok = ~bad & ~empty
    huge = ok & (np.abs(np.nan_to_num(out)) > LARGEST_NUMBER)
    problems.flag(
        huge,
        name,
        values,
        lambda v: (
            f"The {label} “{v}” is too large to calculate with (at most {LARGEST_NUMBER:,.0f} "
            "either way). Check the unit, or correct the value."
        ),
    )
    ok &= ~huge
    if integer:
        frac = ok & (np.floor(np.nan_to_num(out)) != np.nan_to_num(out))
        problems.flag(frac, name, values, lambda v: f"The {label} “{v}” must be a whole number.")
        ok &= ~frac
    if low is not None or high is not None:
        lo = -np.inf if low is None else low
        hi = np.inf if high is None else high
        outside = ok & ((out < lo) | (out > hi))
        problems.flag(
            outside,
            name,
            values,
            lambda v: f"The {label} “{v}” is outside the allowed range {_range(low, high)}.",
        )
    if required:
        problems.flag(empty, name, values, f"The {label} is empty. Every row needs one.")
    return out


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    return f"from {low:g}" if low is not None else f"up to {high:g}"


def parse_choice(
    problems: Problems, name: str, label: str, allowed: Sequence[str], *, default: str | None
) -> np.ndarray:
    """A closed-set text column (case-insensitive) as an object array of allowed values."""
    values = problems.rows.text(name)
    lowered = pc.utf8_lower(values)
    empty = is_empty(values)
    known = np.asarray(
        pc.is_in(lowered, value_set=pa.array(list(allowed))).to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    choices = ", ".join(allowed)
    if default is None:
        problems.flag(empty, name, values, f"The {label} is empty. Use one of: {choices}.")
    problems.flag(
        ~known & ~empty, name, values, lambda v: f"The {label} “{v}” is not one of: {choices}."
    )
    out = np.asarray(lowered.to_numpy(zero_copy_only=False), dtype=object)
    if default is not None:
        out[empty] = default
    return out


def parse_booleans(problems: Problems, name: str, label: str) -> pd.Series:
    """yes/no, true/false, 1/0 (any case) as a nullable boolean; empty stays missing."""
    values = problems.rows.text(name)
    lowered = pc.utf8_lower(values)
    true = np.asarray(pc.is_in(lowered, pa.array(TRUE_WORDS)).to_numpy(zero_copy_only=False))
    false = np.asarray(pc.is_in(lowered, pa.array(FALSE_WORDS)).to_numpy(zero_copy_only=False))
    empty = is_empty(values)
    problems.flag(
        ~(true | false | empty),
        name,
        values,
        lambda v: f"The {label} “{v}” is not yes or no. Write yes/no, true/false or 1/0.",
    )
    out = pd.Series(pd.array([None] * len(values), dtype="boolean"))
    out[true] = True
    out[false] = False
    return out


def lookup(
    problems: Problems,
    name: str,
    mapping: dict[str, int],
    reason: Reason,
    *,
    required: bool = True,
    casefold: bool = False,
) -> pd.Series:
    """Map a text column through ``mapping`` (per distinct value); unknown values flagged.
    Returns nullable Int64 ids (missing where empty or unknown)."""
    values = problems.rows.text(name)
    keys = pc.utf8_lower(values) if casefold else values
    encoded = (
        pc.dictionary_encode(keys).combine_chunks()
        if isinstance(keys, pa.ChunkedArray)
        else pc.dictionary_encode(keys)
    )
    dictionary = encoded.dictionary.to_pylist()
    ids = np.array([mapping.get(v, -1) for v in dictionary] + [-1], dtype=np.int64)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    out = ids[codes]
    empty = is_empty(values)
    unknown = (out < 0) & ~empty
    problems.flag(unknown, name, values, reason)
    if required:
        problems.flag(
            empty, name, values, f"The {name.replace('_', ' ')} is empty. Every row needs one."
        )
    series = pd.Series(out, dtype="Int64")
    series[out < 0] = pd.NA
    return series


def known_employees(problems: Problems, session: Session, name: str = "employee_id") -> pd.Series:
    """The ``name`` column's employee external ids as employee ids; an id no employee has is a
    row problem that says to import the HRIS file first."""
    return lookup(
        problems,
        name,
        employee_ids(session),
        lambda v: f"No employee has the id “{v}”. Import the employee (HRIS file) first.",
    )
