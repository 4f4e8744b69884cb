"""Tabular importers on SQLite and PostgreSQL: the documented examples, idempotence,
row-level errors with line/column/reason, all-or-nothing, wrong headers, XLSX, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.services.imports.conftest import EXAMPLES, KPI_VALUES, count, csv_bytes, xlsx_bytes

from lodestar.db import kpi_store
from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    EmployeeMove,
    EnrolmentSatisfaction,
    LearningStatement,
    ProgramEnrolment,
)
from lodestar.errors import PermissionDenied
from lodestar.services.imports import import_file

ORDER = [
    ("employees", "employees.csv", Employee, 4),
    ("moves", "moves.csv", EmployeeMove, 2),
    ("enrolments", "enrolments.csv", ProgramEnrolment, 3),
    ("kpis", "kpis.csv", KPI_VALUES, 4),
    ("behaviours", "behaviours.csv", BehaviourObservation, 4),
    ("xapi", "statements.jsonl", LearningStatement, 4),
]


def load_examples(load):  # type: ignore[no-untyped-def]
    for kind, name, _, _ in ORDER:
        load(kind, (EXAMPLES / name).read_bytes(), name)


def test_every_example_file_imports_cleanly_and_a_reimport_changes_nothing(db, load):
    before = {model: count(db, model) for _, _, model, _ in ORDER}
    for kind, name, model, rows in ORDER:
        report = load(kind, (EXAMPLES / name).read_bytes(), name)
        assert report.ok and (report.added, report.updated) == (rows, 0), (kind, report)
        assert count(db, model) == before[model] + rows
    assert count(db, EnrolmentSatisfaction) >= 1
    for kind, name, model, rows in ORDER:
        again = load(kind, (EXAMPLES / name).read_bytes(), name)
        assert (again.added, again.unchanged, again.updated) == (0, rows, 0), (kind, again)
        assert count(db, model) == before[model] + rows
        assert "0 added / " in again.summary()


def test_kpi_rows_are_checked_one_by_one_and_a_bad_row_means_nothing_lands(db, load, rejected):
    load_examples(load)
    before = count(db, KPI_VALUES)
    report = rejected(
        "kpis",
        csv_bytes(
            "subject,kpi,period,value,weight",
            "FN000002,sales_conversion,2025-02-03,0.3,",  # fine
            "FN000002,no_such_kpi,2025-02-03,0.3,",
            "FN000002,sales_conversion,2025-02-30,0.3,",
            "FN000002,sales_conversion,2025-02-10,lots,",
            "NOBODY,sales_conversion,2025-02-10,0.3,",
            "FN000002,sales_conversion,2025-02-03,0.4,",  # repeats line 2
            "Nowhere team,voluntary_attrition,2025-01-31,0.1,1.5",
        ),
    )
    by_line = {p.line: p for p in report.problems}
    assert by_line[3].column == "kpi" and "No KPI has the code “no_such_kpi”" in by_line[3].reason
    assert by_line[4].column == "period" and "YYYY-MM-DD" in by_line[4].reason
    assert by_line[5].column == "value" and "“lots” is not a number" in by_line[5].reason
    assert by_line[6].column == "subject" and "NOBODY" in by_line[6].reason
    assert "repeats line 2" in by_line[7].reason
    assert {p.column for p in report.problems if p.line == 8} == {"subject", "weight"}
    assert 2 not in by_line
    assert all(p.reason.endswith(".") for p in report.problems)
    assert count(db, KPI_VALUES) == before


def test_a_changed_kpi_value_is_updated_not_duplicated(db, load):
    load_examples(load)
    report = load(
        "kpis",
        csv_bytes(
            "subject,kpi,period,value",
            "FN000002,sales_conversion,2025-01-06,0.5",
            "FN000002,sales_conversion,2025-01-20,0.3",
        ),  # fmt: skip
    )
    assert (report.added, report.unchanged, report.updated) == (1, 0, 1)
    person = db.scalar(select(Employee.id).where(Employee.external_id == "FN000002"))
    values = kpi_store.observations(db, employee_id=person)["value"].tolist()
    assert sorted(values) == [0.24, 0.3, 0.5]


def test_wrong_columns_get_one_message_naming_them_and_the_expected_header(rejected):
    report = rejected("kpis", csv_bytes("subject,kpi,date,value,extra", "a,b,c,d,e"))
    (problem,) = report.problems
    assert problem.line == 1
    assert "lacks the column “period”" in problem.reason
    assert "unknown columns “date”, “extra”" in problem.reason
    assert "subject,kpi,period,value,weight" in problem.reason


def test_employees_rows_errors_and_updates(db, load, rejected):
    load_examples(load)
    report = rejected(
        "employees",
        csv_bytes(
            "employee_id,name,department,team,hire_date,manager_id,exit_date,exit_reason,email",
            "FN000010,,Finance,Finance · Payables,2024-01-01,,,,",
            "FN000011,Kim,Finance,Finance · Payables,2024-01-01,GHOST,,,",
            "FN000012,Lee,Finance,Finance · Payables,2024-01-01,,2023-01-01,voluntary,",
            "FN000013,Lou,Finance,Finance · Payables,2024-01-01,,,fired,not-an-email",
        ),
    )
    got = {(p.line, p.column) for p in report.problems}
    assert got == {(2, "name"), (3, "manager_id"), (4, "exit_date"), (5, "exit_reason"),
                   (5, "email")}  # fmt: skip
    rows = (EXAMPLES / "employees.csv").read_text().replace("Mei Hartmann", "Mei Hartmann-Ito")
    updated = load("employees", rows.encode(), "employees.csv")
    assert (updated.added, updated.unchanged, updated.updated) == (0, 3, 1)
    assert db.scalar(select(Employee.name).where(Employee.external_id == "FN000003")) == (
        "Mei Hartmann-Ito"
    )


def test_xlsx_files_import_like_csv(db, load):
    data = xlsx_bytes(
        [
            ["Employee ID", "Name", "Department", "Team", "Hire date", "Exit date"],
            ["XL000001", "Ana Sheet", "Finance", "Finance · Payables", "2022-02-01", None],
            [None, None, None, None, None, None],
            ["XL000002", "Bo Cell", "Finance", "Finance · Payables", "2023-03-01", "2025-01-31"],
        ]
    )
    report = load("employees", data, "people.xlsx")
    assert (report.rows, report.added) == (2, 2)
    assert load("employees", data, "people.xlsx").unchanged == 2


def test_xlsx_row_errors_name_the_sheet_line(rejected):
    data = xlsx_bytes(
        [
            ["employee_id", "name", "department", "team", "hire_date"],
            ["XL000003", "Cy", "Finance", "Payables", "soon"],
        ]
    )
    (problem,) = rejected("employees", data, "people.xlsx").problems
    assert (problem.line, problem.column) == (2, "hire_date")


def test_enrolment_and_behaviour_rules(load, rejected):
    load_examples(load)
    report = rejected(
        "enrolments",
        csv_bytes(
            "program,employee_id,group,completed_date,satisfaction",
            "finance_partnering,FN000004,comparison,2025-03-01,",
            "finance_partnering,FN000002,participant,,7",
            "unknown_program,FN000002,participant,,",
            "finance_partnering,FN000003,maybe,,",
        ),
    )
    assert {(p.line, p.column) for p in report.problems} == {
        (2, "group"), (3, "satisfaction"), (4, "program"), (5, "group")
    }  # fmt: skip
    report = rejected(
        "behaviours",
        csv_bytes(
            "employee_id,behaviour,date,source,observed,score",
            "FN000002,Listens,2025-01-01,manager,,",
            "FN000002,Listens,2025-01-01,boss,yes,",
            "FN000002,Listens,2025-01-02,self,perhaps,",
        ),
    )
    assert {(p.line, p.column) for p in report.problems} == {
        (2, "observed"), (3, "source"), (4, "observed")
    }  # fmt: skip


def test_blank_lines_and_quoted_line_breaks_keep_line_numbers_exact(load, rejected):
    load_examples(load)
    report = rejected(
        "behaviours",
        csv_bytes(
            "employee_id,behaviour,date,source,observed",
            "",
            'FN000002,"Asks, then\nlistens",2025-01-01,manager,yes',
            "FN000002,Listens,2025-13-01,manager,yes",
        ),
    )
    (problem,) = report.problems
    assert (problem.line, problem.column) == (5, "date")


def test_a_dry_run_saves_nothing(db, load):
    before = count(db, Employee)
    report = load("employees", (EXAMPLES / "employees.csv").read_bytes(), dry_run=True)
    assert report.added == 4 and "nothing was saved" in report.summary()
    assert count(db, Employee) == before


@pytest.mark.parametrize("role", ["manager", "executive", "employee"])
def test_only_ld_and_admins_import(db, actors, role):
    with pytest.raises(PermissionDenied):
        import_file(db, actors[role], "kpis", (EXAMPLES / "kpis.csv").read_bytes(), "kpis.csv")
    assert import_file(
        db, actors["admin"], "employees", (EXAMPLES / "employees.csv").read_bytes(), "e.csv"
    ).ok
