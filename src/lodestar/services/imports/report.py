"""What an import says back: counts, and every rejected row with its line, column and reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from lodestar.errors import LodestarError


@dataclass(frozen=True)
class RowProblem:
    """One reason one row was rejected. ``line`` is the line of the file (the header is
    line 1 in tabular files); ``column`` the column name, or the JSON path for xAPI."""

    line: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    """The outcome of one import: ``added / unchanged / updated`` rows, or the problems."""

    kind: str
    filename: str
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def rejected_lines(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One sentence for people: what landed, or why nothing did."""
        if self.problems:
            return (
                f"Nothing was imported from {self.filename}: {self.rejected_lines:,} of "
                f"{self.rows:,} rows were rejected. Correct the rows listed in the report and "
                "import the whole file again."
            )
        text = (
            f"{self.rows:,} rows read from {self.filename}: {self.added:,} added / "
            f"{self.unchanged:,} unchanged / {self.updated:,} updated"
        )
        return text + (" (checked only; nothing was saved)." if self.dry_run else ".")


class ImportRejected(LodestarError):
    """The file was refused as a whole: nothing of it was saved. Carries the report."""

    code = "import-rejected"
    status = 422
    title = "The file was not imported"

    def __init__(self, report: ImportReport, message: str | None = None) -> None:
        super().__init__(
            message or report.summary(),
            details={
                "rejected_rows": report.rejected_lines,
                "problems": [
                    {"line": p.line, "column": p.column, "value": p.value, "reason": p.reason}
                    for p in report.problems[:100]
                ],
            },
        )
        self.report = report


REPORT_HEADER = ("line", "column", "value", "reason")


def problems_csv(problems: Iterable[RowProblem | tuple[int, str, str, str]]) -> str:
    """The rejected rows as CSV text (header: line, column, value, reason)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_HEADER)
    for p in problems:
        writer.writerow((p.line, p.column, p.value, p.reason) if isinstance(p, RowProblem) else p)
    return out.getvalue()
