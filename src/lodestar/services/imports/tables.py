"""Reading tabular files (CSV, XLSX) into columns of text, and vectorised row checks.

Every kind of tabular import goes through here:

- ``read_rows`` checks the header against the kind's columns (one clear message naming the
  missing and unknown columns and the expected header), and returns the cells as Arrow
  string columns with the file line of every row. CSV is parsed by pyarrow in C (one pass,
  multi-threaded); a file with blank lines, quoted line breaks or ragged rows is parsed again
  with the ``csv`` module so every line number stays exact. XLSX is read with openpyxl in
  read-only mode (first sheet).
- ``Problems`` collects rejected rows from boolean masks, so checks run over whole columns
  (``parse_dates``, ``parse_numbers``, ...), never row by row in Python.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lodestar.services.imports import guards
from lodestar.services.imports.report import ImportRejected, ImportReport, RowProblem, reject

# Numbers beyond this size are refused: sums and means of such values overflow float64
# (PostgreSQL then fails the query), and no KPI, score or weight is that large.
LARGEST_NUMBER = 1e15
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file: which must be there and which may."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return ",".join(self.required + self.optional)


@dataclass
class Rows:
    """The data rows of a file: text cells by column, and the file line of each row."""

    columns: dict[str, pa.Array]
    lines: np.ndarray

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, name: str) -> pa.Array:
        """A column as text, trimmed; an absent optional column reads as empty."""
        if name in self.columns:
            return self.columns[name]
        return pa.array([""] * len(self), pa.string())

    def has(self, name: str) -> bool:
        return name in self.columns


def normalise(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def check_header(names: Sequence[str], layout: Layout, report: ImportReport) -> list[str]:
    """The normalised header; raises ImportRejected naming missing, unknown or repeated
    columns (in time linear in the number of columns)."""
    cap = guards.limits().max_columns
    if len(names) > cap:
        raise reject(
            report,
            1,
            "(header)",
            ",".join(map(str, names[:20])),
            f"The header of {report.filename} has {len(names):,} columns; a {report.kind} file "
            f"has at most {len(layout.required + layout.optional)} (and an import takes at most "
            f"{cap}). The expected header is: {layout.header}.",
        )
    header = [normalise(n) for n in names]
    allowed = set(layout.required + layout.optional)
    present = set(header)
    missing = [c for c in layout.required if c not in present]
    unknown = [c for c in header if c not in allowed]
    counts = Counter(header)
    repeated = sorted(c for c, n in counts.items() if n > 1)
    if not (missing or unknown or repeated):
        return header
    parts = []
    if missing:
        parts.append("it lacks the column" + _s(missing) + " " + _names(missing))
    if unknown:
        parts.append("it has the unknown column" + _s(unknown) + " " + _names(unknown))
    if repeated:
        parts.append("it repeats the column" + _s(repeated) + " " + _names(repeated))
    optional = f" (optional: {', '.join(layout.optional)})" if layout.optional else ""
    reason = (
        f"The header of {report.filename} does not match a {report.kind} file: "
        + "; ".join(parts)
        + f". The expected header is: {layout.header}{optional}."
    )
    report.add(1, "(header)", ",".join(map(str, names))[:200], reason)
    raise ImportRejected(report, reason + " Nothing was imported.")


def _s(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""


def _names(items: list[str]) -> str:
    return ", ".join(f"“{i}”" for i in items)


# --- CSV --------------------------------------------------------------------------------


def _read_csv(
    data: bytes, filename: str, layout: Layout, report: ImportReport
) -> tuple[list[str], Rows]:
    import pyarrow.csv as pa_csv

    body = guards.utf8_text(data, report) if data.startswith(guards.UTF16_BOMS) else data
    if body.startswith(guards.UTF8_BOM):
        body = body[3:]
    first = guards.header_line(body, report, layout.header)
    guards.not_utf8(first, report)
    names = next(csv.reader([first.decode("utf-8")]), [])
    if not [n for n in names if n.strip()]:
        raise reject(
            report, 1, "(header)", "", f"{filename} is empty. The expected header is: "
            f"{layout.header}."
        )  # fmt: skip
    header = check_header(names, layout, report)
    # One row per line, or the exact (slower) path: blank lines, ragged rows or quoted
    # line breaks would shift pyarrow's row numbers away from the file's lines.
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    guards.check_row_count(lines - 1, report)
    simple = True
    if simple:
        bad: list[int] = []

        def on_invalid(row: Any) -> str:
            bad.append(1)
            return "skip"

        try:
            table = pa_csv.read_csv(
                pa.py_buffer(body),
                read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
                parse_options=pa_csv.ParseOptions(invalid_row_handler=on_invalid),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
                ),
            )
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) or "UTF-8" in str(exc):
                guards.not_utf8(body, report)
            bad.append(1)
        if not bad and table.num_rows == lines - 1:
            columns = {
                name: pc.utf8_trim_whitespace(table.column(name).combine_chunks())
                for name in header
            }
            return header, Rows(columns, np.arange(2, table.num_rows + 2, dtype=np.int64))
    guards.not_utf8(body, report)
    return header, _read_csv_slowly(body, header, report)


def _read_csv_slowly(data: bytes, header: list[str], report: ImportReport) -> Rows:
    """The exact path: the csv module, which knows the line each row starts on."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    cells: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    width = len(header)
    start = reader.line_num + 1
    for row in reader:
        line = start
        start = reader.line_num + 1
        if not any(c.strip() for c in row):
            continue
        if len(row) != width:
            report.add(
                line,
                "(row)",
                ",".join(row)[:200],
                f"This row has {len(row):,} cells but the header has {width}. Check for a "
                "missing or extra comma, or quote values that contain commas.",
            )
            continue
        lines.append(line)
        for i, value in enumerate(row):
            cells[i].append(value.strip())
    columns = {name: pa.array(cells[i], pa.string()) for i, name in enumerate(header)}
    return Rows(columns, np.asarray(lines, dtype=np.int64))


# --- XLSX -------------------------------------------------------------------------------


def read_xlsx(data: bytes, layout: Layout, report: ImportReport) -> Rows:
    """The first sheet of a workbook, read in openpyxl's read-only (streaming) mode."""
    from openpyxl import load_workbook

    guards.check_workbook(data, report)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same answer
        raise reject(
            report,
            1,
            "(file)",
            "",
            f"{report.filename} could not be read as an Excel workbook ({exc}). Save it as "
            ".xlsx, or export the sheet as CSV.",
        ) from None
    most = min(guards.limits().max_rows, guards.EXCEL_MAX_ROWS)
    try:
        sheet = book.worksheets[0]
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0  # from <dimension>
        if declared - 1 > most:
            raise reject(
                report, most + 2, "(file)", "", f"{report.filename} says its sheet has "
                f"{declared - 1:,} data rows, more than one import takes ({most:,}; an Excel "
                "sheet holds at most 1,048,576). Split it into smaller files, or export it as CSV."
            )  # fmt: skip
        rows = sheet.iter_rows(values_only=True)
        names = [str(c) if c is not None else "" for c in next(rows, ())]
        while names and not names[-1]:
            names.pop()
        if sum(len(n) for n in names) > guards.limits().max_header_kb * 1024:
            raise reject(
                report, 1, "(header)", ",".join(names)[:200], f"The first row of "
                f"{report.filename} is longer than {guards.limits().max_header_kb} KiB, so it "
                f"cannot be a header. The expected header is: {layout.header}."
            )  # fmt: skip
        header = check_header(names, layout, report)
        width = len(header)
        cells: list[list[str]] = [[] for _ in header]
        lines: list[int] = []
        for line, row in enumerate(rows, start=2):
            if line - 1 > most:
                raise reject(
                    report, line, "(file)", "", f"{report.filename} has more than {most:,} "
                    "rows, the most one import (or one Excel sheet) takes. Split it into "
                    "smaller files, or export it as CSV."
                )  # fmt: skip
            values = [_cell_text(v) for v in row[:width]]
            if not any(values) and not any(v is not None for v in row[width:]):
                continue
            values += [""] * (width - len(values))
            lines.append(line)
            for i, value in enumerate(values):
                cells[i].append(value)
    finally:
        book.close()
    columns = {name: pa.array(cells[i], pa.string()) for i, name in enumerate(header)}
    return Rows(columns, np.asarray(lines, dtype=np.int64))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data: bytes, filename: str, layout: Layout, report: ImportReport) -> Rows:
    """The data rows of a CSV or XLSX file (by its extension) whose header fits ``layout``."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        rows = read_xlsx(data, layout, report)
    else:
        rows = _read_csv(data, filename, layout, report)[1]
    report.rows = len(rows) + report.rejected_lines
    report.progress("checking rows", 0, report.rows)
    return rows


# --- vectorised checks --------------------------------------------------------------------


Reason = str | Callable[[str], str]


class Problems:
    """Rejected rows found by whole-column checks: ``flag(mask, column, values, reason)``."""

    def __init__(self, rows: Rows, report: ImportReport) -> None:
        """Start with the checks every cell gets: no NUL characters (no database stores
        them in text, and PostgreSQL refuses them)."""
        self.rows = rows
        self.report = report
        self.bad = np.zeros(len(rows), dtype=bool)
        for name, values in rows.columns.items():
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
        """Reject rows whose ``keys`` repeat an earlier row of the file."""
        repeated = keys.duplicated(keep="first").to_numpy()
        if not repeated.any():
            return
        first = (
            pd.Series(self.rows.lines)
            .groupby([keys[c] for c in keys.columns], dropna=False)
            .transform("first")
            .to_numpy()
        )
        lines = iter(first[repeated].tolist())

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
    if required:
        problems.flag(empty, name, values, f"The {label} is empty. Every row needs one.")
    days = pd.Series(parsed.to_pandas().to_numpy(dtype="datetime64[ns]")).dt.normalize()
    return pd.Series(days.to_numpy()[where])


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
