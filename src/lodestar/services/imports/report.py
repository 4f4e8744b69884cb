"""What an import says back: counts, and the rejected rows with their line, column and reason.

A report keeps at most ``max_problems`` rejected rows (the earliest lines; setting
``LODESTAR_IMPORTS__MAX_PROBLEMS_STORED``) and counts the rest, so a file of four million
bad rows gives a short report that says how many more there were, not a 463 MB one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from lodestar.config import get_settings
from lodestar.domain.csv_export import csv_text
from lodestar.errors import LodestarError

Progress = Callable[[str, int, int], None]
"""``progress(phase, rows_done, rows_total)``: called as an import moves on."""


def no_progress(phase: str, done: int, total: int) -> None:
    """The progress callback of an import nobody watches."""


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``1,234 rows``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


@dataclass(frozen=True)
class RowProblem:
    """One reason one row was rejected. ``line`` is the line of the file (the header is
    line 1 in tabular files); ``column`` the column name, or the JSON path for xAPI."""

    line: int
    column: str
    value: str
    reason: str


def _default_cap() -> int:
    return get_settings().imports.max_problems_stored


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
    progress: Progress = field(default=no_progress, repr=False, compare=False)
    max_problems: int = field(default_factory=_default_cap, repr=False)
    unlisted: int = 0  # problems found beyond max_problems
    _lines: list[np.ndarray] = field(default_factory=list, repr=False)

    def add(self, line: int, column: str, value: str, reason: str) -> None:
        """Record one rejected row (kept if there is room, counted either way)."""
        self._lines.append(np.array([line], dtype=np.int64))
        if len(self.problems) < self.max_problems:
            self.problems.append(RowProblem(line, column, value, reason))
        else:
            self.unlisted += 1

    def add_many(self, lines: np.ndarray, make: Callable[[int], RowProblem]) -> None:
        """Record rejected rows at ``lines`` (ascending); ``make(i)`` builds the i-th one.
        Only as many as there is room for are built; the earliest lines are kept."""
        self._lines.append(np.asarray(lines, dtype=np.int64))
        room = max(0, self.max_problems - len(self.problems))
        self.problems.extend(make(i) for i in range(min(room, len(lines))))
        self.unlisted += max(0, len(lines) - room)

    def sort(self) -> None:
        self.problems.sort(key=lambda p: (p.line, p.column))

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.unlisted

    @property
    def rejected_lines(self) -> int:
        """How many distinct lines were rejected (a line with two problems counts once)."""
        if not self._lines:
            return len({p.line for p in self.problems})
        return int(len(np.unique(np.concatenate(self._lines))))

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unlisted

    def summary(self) -> str:
        """One sentence for people: what landed, or why nothing did."""
        if not self.ok:
            rejected = self.rejected_lines
            if self.rows == 0:
                what = "the file itself was rejected"
            elif rejected >= self.rows:
                what = (
                    "the only row was rejected"
                    if self.rows == 1
                    else f"all {self.rows:,} rows were rejected"
                )
            else:
                what = (
                    f"{rejected:,} of {plural(self.rows, 'row')} "
                    f"{'was' if rejected == 1 else 'were'} rejected"
                )
            return (
                f"Nothing was imported from {self.filename}: {what}. Correct what the report "
                "lists and import the whole file again."
            )
        text = (
            f"{plural(self.rows, 'row')} read from {self.filename}: {self.added:,} added / "
            f"{self.unchanged:,} unchanged / {self.updated:,} updated"
        )
        return text + (" (checked only; nothing was saved)." if self.dry_run else ".")

    def unlisted_sentence(self) -> str:
        """Said under a capped list of problems; empty when every problem is listed."""
        if not self.unlisted:
            return ""
        return (
            f"{plural(self.unlisted, 'more problem')} {'was' if self.unlisted == 1 else 'were'} "
            f"found and not listed (the report keeps the first {self.max_problems:,}). Correct "
            "these and check the file again to see the rest."
        )


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
                "unlisted_problems": report.unlisted,
                "problems": [
                    {"line": p.line, "column": p.column, "value": p.value, "reason": p.reason}
                    for p in report.problems[:100]
                ],
            },
        )
        self.report = report


def reject(report: ImportReport, line: int, column: str, value: str, reason: str) -> ImportRejected:
    """The rejection of a whole file for one reason (its header, its size, its encoding)."""
    report.add(line, column, value[:200], reason)
    return ImportRejected(report, reason + " Nothing was imported.")


REPORT_HEADER = ("line", "column", "value", "reason")


def problems_csv(
    problems: Iterable[RowProblem | tuple[int, str, str, str]], unlisted: str = ""
) -> str:
    """The rejected rows as CSV text (header: line, column, value, reason), safe to open in
    a spreadsheet; ``unlisted`` (how many more there were) goes in a last row."""
    rows: list[tuple[object, ...]] = [
        (p.line, p.column, p.value, p.reason) if isinstance(p, RowProblem) else tuple(p)
        for p in problems
    ]
    if unlisted:
        rows.append(("", "", "", unlisted))
    return csv_text(REPORT_HEADER, rows)
