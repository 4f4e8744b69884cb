"""Bounded uploads, on SQLite and PostgreSQL: size, rows, columns and header length capped
with a sentence; XLSX decompression bombs refused from the zip directory; encodings detected
or refused; non-finite, huge and NUL-carrying cells refused per row (dry run and real run
alike); reports capped and worded with proper counts; every CSV cell safe in a spreadsheet."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from sqlalchemy import select
from tests.services.imports.conftest import csv_bytes, xlsx_bytes

from lodestar.config import get_settings
from lodestar.db.models import BehaviourObservation, ImportRun
from lodestar.domain.csv_export import csv_text, safe_cell
from lodestar.services.imports import ImportRejected, import_file, problems_csv, record_run
from lodestar.services.imports.report import ImportReport


@pytest.fixture
def limits(monkeypatch):  # type: ignore[no-untyped-def]
    """``limits(max_rows=5)``: run with those import settings."""

    def set_(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"LODESTAR_IMPORTS__{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_
    get_settings.cache_clear()


def reason_of(report: ImportReport) -> str:
    return report.problems[0].reason


def test_a_million_column_one_line_csv_is_refused_at_once(rejected):
    data = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    assert len(data) > 7_000_000
    started = time.perf_counter()
    report = rejected("kpis", data, "wide.csv")
    assert time.perf_counter() - started < 2
    assert "The first line of wide.csv is longer than 64 KiB" in reason_of(report)
    assert "The expected header is: subject,kpi,period,value,weight" in reason_of(report)


def test_too_many_columns_within_the_header_limit_are_refused_in_linear_time(rejected):
    header = ",".join(f"c{i}" for i in range(9_000))  # under 64 KiB
    started = time.perf_counter()
    report = rejected("kpis", csv_bytes(header, "1," * 8_999 + "1"), "wide.csv")
    assert time.perf_counter() - started < 2
    assert "has 9,000 columns; a kpis file has at most 5 (and an import takes at most 50)" in (
        reason_of(report)
    )


def test_repeated_and_unknown_columns_are_named_once(rejected):
    report = rejected("kpis", csv_bytes("subject,kpi,kpi,period,value,colour", "x,y,y,z,1,r"))
    reason = reason_of(report)
    assert "unknown column “colour”" in reason and "repeats the column “kpi”" in reason


def test_files_over_the_size_and_row_limits_are_refused(rejected, limits):
    limits(max_upload_mb=1, max_rows=3)
    big = rejected("kpis", b"subject,kpi,period,value\n" + b"x" * (2 * 2**20), "big.csv")
    assert "big.csv is 2.0 MiB, more than the 1 MiB an import may be" in reason_of(big)
    rows = csv_bytes("subject,kpi,period,value", *["E1,sales,2025-01-06,1"] * 4)
    many = rejected("kpis", rows, "many.csv")
    assert "many.csv has more than 3 data rows" in reason_of(many)
    sheet = rejected("kpis", xlsx_bytes([["subject", "kpi", "period", "value"]] + [["a"]] * 4),
                     "many.xlsx")  # fmt: skip
    # refused from the sheet's declared size, before a row is read
    assert "many.xlsx says its sheet has 4 data rows, more than one import takes (3;" in (
        reason_of(sheet)
    )


def _workbook_with_member(name: str, content: bytes) -> bytes:
    """A real workbook with one more (or a replaced) zip member."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["subject", "kpi", "period", "value"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_decompression_bomb_is_refused_before_it_is_unpacked(rejected, limits):
    limits(xlsx_max_uncompressed_mb=8)
    string = b"a" * (16 * 2**20)  # one shared string far larger than the sheet needs
    bomb = _workbook_with_member(
        "xl/sharedStrings.xml",
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="1" uniqueCount="1"><si><t>' + string + b"</t></si></sst>",
    )
    assert len(bomb) < 100_000
    report = rejected("kpis", bomb, "bomb.xlsx")
    assert "bomb.xlsx would expand to 16 MiB when opened" in reason_of(report)
    assert "Export the sheet as CSV" in reason_of(report)
    limits(xlsx_max_uncompressed_mb=512)
    ratio = rejected("kpis", bomb, "bomb.xlsx")  # within the size cap, but 1000s to 1
    assert "compressed" in reason_of(ratio) and "to 1" in reason_of(ratio)


def someone(db) -> str:  # type: ignore[no-untyped-def]
    from lodestar.db.models import Employee

    return str(db.scalar(select(Employee.external_id).order_by(Employee.id).limit(1)))


def test_encodings_utf8_bom_and_utf16_are_read_and_latin1_is_refused(db, load, rejected):
    rows = [
        "employee_id,behaviour,date,source,observed",
        f"{someone(db)},écoute active,2025-02-03,self,yes",
    ]
    text = "\n".join(rows) + "\n"
    for encoded in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        savepoint = db.begin_nested()
        report = load("behaviours", encoded, "b.csv")
        assert report.added == 1
        stored = db.scalar(select(BehaviourObservation.behaviour).order_by(
            BehaviourObservation.id.desc()).limit(1))  # fmt: skip
        assert stored == "écoute active"
        savepoint.rollback()
    assert "read as UTF-16" in " ".join(load("behaviours", text.encode("utf-16"), "b.csv",
                                              dry_run=True).notes)  # fmt: skip
    latin = rejected("behaviours", text.encode("latin-1"), "latin.csv")
    assert reason_of(latin).startswith(
        "latin.csv is not UTF-8 text: line 2 has the byte 0xE9, which is how Windows-1252 "
        "(Latin-1) writes “é”"
    )
    assert "Save the file as “CSV UTF-8”" in reason_of(latin)


NUMBERS = [
    "subject,kpi,period,value",
    "E-1001,meetings_held,2025-01-06,1e308",
    "E-1001,meetings_held,2025-01-13,inf",
    "E-1001,meetings_held,2025-01-20,nan",
    "E-1001,meetings_held,2025-01-27,-Infinity",
    "E-1001,meetings_held,2025-02-03,12.5",
]


def test_non_finite_and_huge_numbers_are_refused_per_row_in_dry_and_real_runs(db, actors, load):
    kpi = _employee_kpi(db)
    data = csv_bytes(*(line.replace("meetings_held", kpi).replace("E-1001", someone(db))
                       for line in NUMBERS))  # fmt: skip
    for dry_run in (True, False):
        savepoint = db.begin_nested()
        with pytest.raises(ImportRejected) as caught:
            import_file(db, actors["ld"], "kpis", data, "n.csv", dry_run=dry_run)
        savepoint.rollback()
        report = caught.value.report
        by_line = {p.line: p.reason for p in report.problems}
        assert sorted(by_line) == [2, 3, 4, 5]
        assert "too large to calculate with" in by_line[2]
        assert all("is not a number" in by_line[n] for n in (3, 4, 5))
        assert report.summary().startswith(
            "Nothing was imported from n.csv: 4 of 5 rows were rejected."
        )


def _employee_kpi(db) -> str:  # type: ignore[no-untyped-def]
    from lodestar.db.models import Kpi

    return str(db.scalar(select(Kpi.code).where(Kpi.grain == "employee").limit(1)))


def test_nul_bytes_are_refused_per_row_in_dry_and_real_runs(db, actors):
    kpi, who = _employee_kpi(db), someone(db)
    data = csv_bytes("subject,kpi,period,value", f"{who},{kpi},2025-01-06,1",
                     f"{who[:2]}\x00{who[2:]},{kpi},2025-01-13,2")  # fmt: skip
    for dry_run in (True, False):
        savepoint = db.begin_nested()
        with pytest.raises(ImportRejected) as caught:
            import_file(db, actors["ld"], "kpis", data, "nul.csv", dry_run=dry_run)
        savepoint.rollback()
        problem = caught.value.report.problems[0]
        assert (problem.line, problem.column) == (3, "subject")
        assert problem.value == f"{who[:2]}\\0{who[2:]}"
        assert "NUL character" in problem.reason


def test_enrolment_cohort_over_40_characters_is_refused_per_row(db, rejected):
    data = csv_bytes("program,employee_id,group,cohort,program_name",
                     f"NEW1,{someone(db)},participant,{'c' * 41},New program")  # fmt: skip
    report = rejected("enrolments", data)
    assert [(p.line, p.column) for p in report.problems] == [(2, "cohort")]
    assert report.problems[0].reason == "The cohort is longer than 40 characters. Shorten it."


def test_a_team_subject_beyond_database_integers_is_refused_per_row(db, rejected):
    from lodestar.db.models import Kpi

    kpi = db.scalar(select(Kpi.code).where(Kpi.grain == "team").limit(1))
    if kpi is None:
        pytest.skip("the demo has no team-grain KPI")
    report = rejected("kpis", csv_bytes("subject,kpi,period,value",
                                        f"2147483648,{kpi},2025-01-06,1"))  # fmt: skip
    assert report.problems[0].column == "subject"
    assert "No team is called “2147483648”" in report.problems[0].reason


def test_the_report_keeps_the_first_rows_and_counts_the_rest(db, actors, limits, rejected):
    limits(max_problems_stored=3)
    data = csv_bytes(
        "subject,kpi,period,value", *[f"E{i},nope,2025-01-{i + 10},1" for i in range(10)]
    )
    report = rejected("kpis", data, "bad.csv")
    assert [p.line for p in report.problems] == [2, 3, 4]
    assert report.problem_count == 10
    assert report.rejected_lines == 10
    assert report.summary().startswith("Nothing was imported from bad.csv: all 10 rows were")
    assert report.unlisted_sentence().startswith("7 more problems were found and not listed")
    run = record_run(db, actors["ld"], report)
    stored = db.get(ImportRun, run.id)
    assert stored is not None and stored.rejected == 10
    assert stored.problems.count("[") == 4  # the list and its three rows
    assert "7 more problems" in stored.message
    assert (
        problems_csv(report.problems, report.unlisted_sentence())
        .splitlines()[-1]
        .startswith(",,,7 more problems were found")
    )


def test_report_wording_counts_rows_properly():
    header_only = ImportReport("kpis", "f.csv")
    header_only.add(1, "(header)", "", "bad header")
    assert "Nothing was imported from f.csv: the file itself was rejected." in (
        header_only.summary()
    )
    assert "of 0 rows" not in header_only.summary()
    one = ImportReport("kpis", "f.csv", rows=1)
    one.add(2, "kpi", "x", "bad")
    assert "the only row was rejected" in one.summary()
    some = ImportReport("kpis", "f.csv", rows=2)
    some.add(2, "kpi", "x", "bad")
    assert "1 of 2 rows was rejected" in some.summary()
    done = ImportReport("kpis", "f.csv", rows=1, added=1)
    assert done.summary() == "1 row read from f.csv: 1 added / 0 unchanged / 0 updated."


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_would_run_as_formulas_are_written_as_text(start):
    value = f'{start}HYPERLINK("http://x","y")'
    assert safe_cell(value) == "'" + value
    report = problems_csv([(2, "kpi", value, "No KPI")])
    assert "'" + start in report
    assert f"\n2,kpi,{start}" not in report


def test_numbers_and_plain_text_are_written_as_they_are():
    assert csv_text(["a", "b", "c"], [[-1.5, 3, "plain"]]) == "a,b,c\n-1.5,3,plain\n"


PLACEHOLDER_DATES = ["0001-01-01", "9999-12-31", "1000-06-15", "1677-09-21", "2262-04-12",
                     "1899-12-31", "2200-01-01"]  # fmt: skip


def test_dates_in_implausible_years_are_refused_per_row_not_stored_as_others(db, actors, load):
    """0001-01-01 was stored as 1754-08-30 and 9999-12-31 as 1816-03-29 (nanosecond dates
    overflowed silently), and the analysis then read them."""
    kpi = _employee_kpi(db)
    who = someone(db)
    lines = [f"{who},{kpi},{day},1.5" for day in PLACEHOLDER_DATES]
    data = csv_bytes("subject,kpi,period,value", *lines)
    for dry_run in (True, False):
        savepoint = db.begin_nested()
        with pytest.raises(ImportRejected) as caught:
            import_file(db, actors["ld"], "kpis", data, "years.csv", dry_run=dry_run)
        savepoint.rollback()
        by_line = {p.line: p.reason for p in caught.value.report.problems}
        assert sorted(by_line) == list(range(2, 2 + len(PLACEHOLDER_DATES)))
        for line, day in enumerate(PLACEHOLDER_DATES, start=2):
            assert by_line[line].startswith(f"The period “{day}” is not between 1900 and 2199."), (
                by_line[line]
            )
    # The years at the edges are dates like any other.
    edges = csv_bytes("subject,kpi,period,value", f"{who},{kpi},1900-01-01,1",
                      f"{who},{kpi},2199-12-30,2")  # fmt: skip
    report = load("kpis", edges, "edges.csv", dry_run=True)
    assert not report.problems, report.problems


def test_two_unreadable_dates_are_not_taken_for_the_same_period(db, actors):
    kpi, who = _employee_kpi(db), someone(db)
    data = csv_bytes("subject,kpi,period,value", f"{who},{kpi},2025-02-30,1",
                     f"{who},{kpi},0001-01-01,2", f"{who},{kpi},someday,3")  # fmt: skip
    savepoint = db.begin_nested()
    with pytest.raises(ImportRejected) as caught:
        import_file(db, actors["ld"], "kpis", data, "dates.csv", dry_run=True)
    savepoint.rollback()
    reasons = [p.reason for p in caught.value.report.problems]
    assert len(reasons) == 3 and not any("repeats line" in r for r in reasons), reasons


def test_a_file_with_carriage_return_line_endings_is_read(db, actors, load):
    """Lines ended by a lone CR (old Mac exports) read 'new-line character seen in unquoted
    field - do you need to open the file in universal-newline mode?'."""
    kpi, who = _employee_kpi(db), someone(db)
    data = f"subject,kpi,period,value\r{who},{kpi},2025-01-06,1.5\r{who},{kpi},2025-01-13,2\r"
    report = load("kpis", data.encode(), "cr.csv", dry_run=True)
    assert report.ok and report.rows == 2, report.problems


def test_a_cell_beyond_the_readers_limit_is_refused_with_what_to_check(db, actors):
    kpi = _employee_kpi(db)
    data = csv_bytes("subject,kpi,period,value", f"{'A' * 10_000_000},{kpi},2025-01-06,1")
    savepoint = db.begin_nested()
    with pytest.raises(ImportRejected) as caught:
        import_file(db, actors["ld"], "kpis", data, "open-quote.csv", dry_run=True)
    savepoint.rollback()
    message = caught.value.message
    assert "characters, far more than any column of an import holds" in message, message
    assert "check the quotes, then import the file again" in message
    assert "Nothing was imported." in message and "Error" not in message
