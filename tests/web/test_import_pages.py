"""The upload page: L&D posts a file, lands on the report page; a rejected file's report
lists every row and downloads as CSV; other roles are refused."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import csrf_from

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def upload(client, kind: str, name: str, data: bytes, **extra: str):  # type: ignore[no-untyped-def]
    page = client.get("/imports")
    assert page.status_code == 200
    return client.post(
        "/imports",
        data={"kind": kind, "csrf_token": csrf_from(page.text), **extra},
        files={"file": (name, data, "text/csv")},
    )


def test_ld_uploads_a_file_and_sees_the_counts(client_as):
    client = client_as("ld")
    resp = upload(client, "employees", "employees.csv", (EXAMPLES / "employees.csv").read_bytes())
    assert resp.status_code == 303
    page = client.get(resp.headers["location"])
    assert page.status_code == 200 and "4 added / 0 unchanged / 0 updated" in page.text
    data = (EXAMPLES / "employees.csv").read_bytes()
    again = client.get(upload(client, "employees", "employees.csv", data).headers["location"])
    assert "0 added / 4 unchanged / 0 updated" in again.text


def test_a_rejected_file_lists_every_row_and_the_report_downloads(client_as):
    client = client_as("ld")
    bad = b"subject,kpi,period,value\nX,nope,2025-01-01,1\nY,nope,2025-99-01,two\n"
    resp = upload(client, "kpis", "bad.csv", bad)
    assert resp.status_code == 303
    page = client.get(resp.headers["location"])
    assert "Nothing was imported from bad.csv" in page.text
    assert "No KPI has the code “nope”" in page.text and "“two” is not a number" in page.text
    csv = client.get(resp.headers["location"] + "/report.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "line,column,value,reason" and len(lines) == 1 + 4
    assert lines[1].startswith("2,kpi,nope,")


def test_a_dry_run_from_the_page_saves_nothing(client_as):
    client = client_as("admin")
    data = (EXAMPLES / "employees.csv").read_bytes().replace(b"FN0", b"DR0")
    resp = upload(client, "employees", "dry.csv", data, dry_run="1")
    page = client.get(resp.headers["location"])
    assert "checked only; nothing was saved" in page.text
    real = client.get(upload(client, "employees", "dry.csv", data).headers["location"])
    assert "4 added" in real.text


def test_other_roles_cannot_import(client_as):
    client = client_as("manager")
    assert client.get("/imports").status_code == 403
    resp = client.post(
        "/imports", data={"kind": "kpis"}, files={"file": ("k.csv", b"x", "text/csv")}
    )
    assert resp.status_code == 403
