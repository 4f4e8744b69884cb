"""Helpers for the importer tests: run an import as L&D and get the report or the rejection."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.services.imports import ImportRejected, ImportReport, import_file

EXAMPLES = Path(__file__).parents[3] / "docs" / "examples"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def count(db: Session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def load(db, actors) -> Callable[..., ImportReport]:  # type: ignore[no-untyped-def]
    def run(kind: str, data: bytes, name: str = "file.csv", **kw: object) -> ImportReport:
        return import_file(db, actors["ld"], kind, data, name, **kw)  # type: ignore[arg-type]

    return run


@pytest.fixture
def rejected(db, actors) -> Callable[..., ImportReport]:  # type: ignore[no-untyped-def]
    """Run an import that must be refused; returns its report (the session is rolled back
    to where it was, as an adapter would)."""

    def run(kind: str, data: bytes, name: str = "file.csv") -> ImportReport:
        savepoint = db.begin_nested()
        with pytest.raises(ImportRejected) as caught:
            import_file(db, actors["ld"], kind, data, name)
        savepoint.rollback()
        return caught.value.report

    return run
