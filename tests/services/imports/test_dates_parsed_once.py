"""Dates are parsed once per distinct text and spread back over the rows: every row still
gets its own date, and every row with a bad date is reported on its own line."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from tests.services.imports.conftest import EXAMPLES, csv_bytes

from lodestar.db import kpi_store
from lodestar.db.models import Employee, Kpi


def _people(load):  # type: ignore[no-untyped-def]
    load("employees", (EXAMPLES / "employees.csv").read_bytes(), "employees.csv")


def test_repeated_dates_land_on_the_right_rows(db, load):  # type: ignore[no-untyped-def]
    _people(load)
    periods = ["2031-03-03", "2031-03-10", "2031-03-03", "2031-03-17", "2031-03-10"]
    people = ["FN000001", "FN000001", "FN000002", "FN000002", "FN000003"]
    rows = list(enumerate(zip(people, periods, strict=True)))
    lines = [f"{s},sales_conversion,{p},{i}," for i, (s, p) in rows]
    load("kpis", csv_bytes("subject,kpi,period,value,weight", *lines))
    kpi = db.scalar(select(Kpi.id).where(Kpi.code == "sales_conversion"))
    names = dict(db.execute(select(Employee.id, Employee.external_id)).all())
    found = kpi_store.observations(db, kpi_ids=[kpi], first=date(2031, 1, 1))
    stored = sorted(
        ((names[int(r.employee_id)], r.period, r.value) for r in found.itertuples()),
        key=lambda r: r[2],
    )
    assert [(s, p.isoformat(), int(v)) for s, p, v in stored] == [(s, p, i) for i, (s, p) in rows]


def test_every_row_with_a_bad_date_is_reported(db, load, rejected):  # type: ignore[no-untyped-def]
    _people(load)
    report = rejected(
        "kpis",
        csv_bytes(
            "subject,kpi,period,value,weight",
            "FN000001,sales_conversion,2031-02-30,1,",
            "FN000002,sales_conversion,2031-03-03,1,",
            "FN000003,sales_conversion,2031-02-30,1,",
            "FN000001,sales_conversion,,1,",
            "FN000003,sales_conversion,2031-03-03T08:00,2,",  # a time part is ignored
        ),
    )
    by_line = {p.line: p for p in report.problems}
    assert sorted(by_line) == [2, 4, 5]
    assert "“2031-02-30” is not a date" in by_line[2].reason
    assert "“2031-02-30” is not a date" in by_line[4].reason
    assert "is empty" in by_line[5].reason
