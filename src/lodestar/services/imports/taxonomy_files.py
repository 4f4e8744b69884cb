"""Reading the files open skill taxonomies publish, as their users download them.

Unlike Lodestar's own kinds, these files are laid out by someone else and change between
releases (O*NET 30.x moved and renamed columns; ESCO adds columns between versions). So the
columns are found by *name* in the header, in any order, and columns this import does not use
are ignored; only the columns it needs must be there. CSV (comma) and tab-separated text
(O*NET's ``.txt``) are both read; the delimiter is taken from the header line.

Catalogue files are small (ESCO's skills file is about 14,000 rows), so rows are read with the
``csv`` module, which knows the file line every row starts on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lodestar.services.imports import guards
from lodestar.services.imports.report import ImportReport, reject

csv.field_size_limit(1_000_000)


def key(name: str) -> str:
    """A header name reduced to letters and digits, lower case: ``O*NET-SOC Code`` and
    ``onet_soc_code`` read the same."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class TaxonomyRow:
    line: int
    cells: dict[str, str]  # by ``key`` of the column name

    def get(self, name: str) -> str:
        return self.cells.get(key(name), "").strip()


def read_taxonomy(
    data: bytes, report: ImportReport, required: Sequence[str], what: str
) -> tuple[list[str], list[TaxonomyRow]]:
    """The header (as written) and the data rows; rejects the file, naming the missing
    columns, when a ``required`` column is absent."""
    body = guards.utf8_text(data, report) if data.startswith(guards.UTF16_BOMS) else data
    if body.startswith(guards.UTF8_BOM):
        body = body[3:]
    guards.not_utf8(body, report)
    text = body.decode("utf-8")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    if not [h for h in header if h.strip()]:
        raise reject(report, 1, "(header)", "", f"{report.filename} is empty. {what}")
    names = [key(h) for h in header]
    missing = [r for r in required if key(r) not in names]
    if missing:
        listed = ", ".join(f"“{m}”" for m in missing)
        raise reject(
            report,
            1,
            "(header)",
            first[:200],
            f"The header of {report.filename} lacks the column{'s' if len(missing) > 1 else ''} "
            f"{listed}. {what}",
        )
    rows = list(_rows(reader, names, report))
    guards.check_row_count(len(rows), report)
    report.rows = len(rows) + report.rejected_lines
    return header, rows


def _rows(
    reader: Iterator[list[str]], names: list[str], report: ImportReport
) -> Iterator[TaxonomyRow]:
    width = len(names)
    start = 2
    for row in reader:
        line = start
        start = reader.line_num + 1  # type: ignore[attr-defined]
        if not any(c.strip() for c in row):
            continue
        if len(row) != width:
            report.add(
                line,
                "(row)",
                ",".join(row)[:200],
                f"This row has {len(row):,} cells but the header has {width}. Check for a "
                "missing or extra separator, or quote values that contain one.",
            )
            continue
        yield TaxonomyRow(line, dict(zip(names, row, strict=True)))


def split_labels(value: str) -> list[str]:
    """ESCO's alternative labels: one per line in the cell."""
    return [v.strip() for v in value.splitlines() if v.strip()]


__all__ = ["TaxonomyRow", "key", "read_taxonomy", "split_labels"]
