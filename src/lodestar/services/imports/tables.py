"""Reading tabular files (CSV, XLSX) into columns of text.

Every kind of tabular import goes through here:

- ``read_rows`` checks the header against the kind's columns (one clear message naming the
  missing and unknown columns and the expected header), and returns the cells as Arrow
  string columns with the file line of every row. CSV is parsed by pyarrow in C (one pass,
  multi-threaded); a file with blank lines, quoted line breaks or ragged rows is parsed again
  with the ``csv`` module so every line number stays exact. XLSX is read with openpyxl in
  read-only mode (first sheet).

The checks of the cells, over whole columns, are in :mod:`lodestar.services.imports.row_checks`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lodestar.services.imports import guards
from lodestar.services.imports.report import ImportRejected, ImportReport, reject


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
    # False when the file's bytes were seen to hold no NUL, so no cell needs checking for one.
    may_hold_nul: bool = True

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, name: str) -> pa.Array:
        """A column as text, trimmed; an absent optional column reads as empty."""
        if name in self.columns:
            return self.columns[name]
        n = len(self)  # n empty strings: n + 1 zero offsets and no characters, built at once
        return pa.StringArray.from_buffers(
            n, pa.py_buffer(np.zeros(n + 1, np.int32)), pa.py_buffer(b"")
        )

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
    if b"\r" in body and b"\n" not in body:  # lines ended by a lone carriage return (old Macs)
        body = body.replace(b"\r", b"\n")
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
            lines_of_rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
            return header, Rows(columns, lines_of_rows, may_hold_nul=b"\x00" in body)
    guards.not_utf8(body, report)
    return header, _read_csv_slowly(body, header, report)


def _read_csv_slowly(data: bytes, header: list[str], report: ImportReport) -> Rows:
    """The exact path: the csv module, which knows the line each row starts on."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    cells: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    width = len(header)
    try:
        next(reader, None)
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
    except csv.Error as exc:
        raise reject(report, reader.line_num, "(file)", "", _unreadable(exc)) from None
    columns = {name: pa.array(cells[i], pa.string()) for i, name in enumerate(header)}
    return Rows(columns, np.asarray(lines, dtype=np.int64))


def _unreadable(exc: csv.Error) -> str:
    """What to do about a line Python's CSV reader gives up on."""
    if "field larger than field limit" in str(exc):
        return (
            f"A cell here is longer than {csv.field_size_limit():,} characters, far more than "
            "any column of an import holds. Often a quote is not closed, so one cell runs on "
            "to the end of the file: check the quotes, then import the file again."
        )
    return (
        f"This line could not be read as CSV ({exc}). Check its quotes and line endings, save "
        "the file again as CSV (UTF-8), then import it again."
    )


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
