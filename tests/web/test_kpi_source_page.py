"""The KPI's "Where it is read from" form: a wrong column is refused with the sentence and
what was typed; a right one is checked, saved and shown; it can be taken away again."""

from __future__ import annotations

import pandas as pd
from tests.conftest import csrf_from


def test_pointing_a_kpi_at_parquet_through_the_form(client_as, tmp_path):
    path = tmp_path / "calls.parquet"
    pd.DataFrame(
        {"person": [1, 2], "week": pd.to_datetime(["2026-01-05"] * 2), "calls": [1.0, 2.0]}
    ).to_parquet(path)
    ld = client_as("ld")
    detail = ld.get("/kpis/1")
    assert 'href="/kpis/1/source"' in detail.text
    form = ld.get("/kpis/1/source")
    assert "Lodestar's own database" in form.text
    fields = {
        "csrf_token": csrf_from(form.text),
        "kind": "parquet",
        "location": str(path),
        "connection": "",
        "subject_column": "person",
        "period_column": "week",
        "value_column": "sales",
        "weight_column": "",
    }
    refused = ld.post("/kpis/1/source", data=fields)
    assert refused.status_code == 422
    assert "has no column &#39;sales&#39; for the value" in refused.text
    assert f'value="{path}"' in refused.text
    saved = ld.post("/kpis/1/source", data={**fields, "value_column": "calls"})
    assert saved.status_code == 303
    assert f"Now: the Parquet at {path}" in ld.get("/kpis/1/source").text
    # The KPI's page and its trend in the API say the values live there: no old imports drawn.
    page = ld.get("/kpis/1").text
    assert f"This KPI&#39;s values live in Parquet at {path}; the trend is not drawn here" in page
    assert "Read from the source when the analysis runs" in page
    trend = ld.get("/api/kpis/1/trend").json()
    assert trend["points"] == [] and trend["latest"] is None
    assert trend["source_note"].startswith(f"This KPI's values live in Parquet at {path}")
    token = csrf_from(ld.get("/kpis/1/source").text)
    removed = ld.post("/kpis/1/source", data={"csrf_token": token, "remove": "yes"})
    assert removed.status_code == 303
    assert "Lodestar's own database" in ld.get("/kpis/1/source").text
    assert ld.get("/api/kpis/1/trend").json()["source_note"] == ""


def test_employees_cannot_open_the_form(client_as):
    assert client_as("employee").get("/kpis/1/source").status_code == 403
