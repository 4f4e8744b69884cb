"""Portfolio, stakeholder, council and plan pages through the in-process app."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, Stakeholder, StrategicPriority, TrainingRequest
from lodestar.db.session import make_engine


def _ids(web_database: str) -> dict[str, int]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        out = {
            "priority": s.scalars(
                select(StrategicPriority.id).order_by(StrategicPriority.id)
            ).first(),
            "program": s.scalar(select(Program.id).where(Program.status == "pilot")),
            "noted": s.scalar(select(Stakeholder.id).where(Stakeholder.relationship_notes != "")),
            "notes": s.scalar(
                select(Stakeholder.relationship_notes).where(Stakeholder.relationship_notes != "")
            ),
            "request": s.scalar(
                select(TrainingRequest.id).where(TrainingRequest.state == "submitted")
            ),
        }
    engine.dispose()
    return out


def test_portfolio_page_ranks_filters_sorts_and_marks_the_cut(client_as, web_database):
    ids = _ids(web_database)
    ld = client_as("ld")
    page = ld.get("/portfolio")
    assert page.status_code == 200
    assert 'data-testid="pareto-chart"' in page.text and "<svg" in page.text
    assert "80% cut" in page.text or "No item" in page.text
    rows = re.findall(r'data-testid="portfolio-row" data-key="([a-z]+-\d+)"', page.text)
    assert rows
    only = ld.get(f"/portfolio?priority={ids['priority']}")
    filtered = re.findall(r'data-testid="portfolio-row" data-key="([a-z]+-\d+)"', only.text)
    assert filtered and set(filtered) < set(rows)
    by_title = ld.get("/portfolio?sort=title&dir=asc").text
    titles = re.findall(
        r'data-testid="portfolio-row".*?<a href="[^"]+">([^<]+)</a>', by_title, re.S
    )
    assert titles == sorted(titles, key=str.casefold)
    bad = ld.get("/portfolio?kind=course")
    assert bad.status_code == 422 and "Choose one of" in bad.text


def test_csv_export_is_the_filtered_table_and_formula_safe(client_as, web_database):
    ids = _ids(web_database)
    ld = client_as("ld")
    ld.post(
        f"/portfolio/items/request/{ids['request']}",
        data={
            "effort_days": "3",
            "origin": "ad_hoc",
            "audience_size": "",
            "cost_of_inaction_amount": "",
        },
    )
    resp = ld.get(f"/portfolio/export.csv?priority={ids['priority']}")
    assert resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert rows and {r["priority"] for r in rows} == {rows[0]["priority"]}
    assert all(not r["title"].startswith(("=", "+", "-", "@")) for r in rows)


def test_heat_map_page_has_the_chart_and_the_table(client_as, web_database):
    ids = _ids(web_database)
    resp = client_as("executive").get(f"/portfolio/heat-map?priority={ids['priority']}")
    assert resp.status_code == 200
    assert 'data-testid="heat-map"' in resp.text and 'role="img"' in resp.text
    assert 'data-testid="heat-table"' in resp.text


def test_item_inputs_are_refused_in_a_sentence_and_saved_when_right(client_as, web_database):
    ids = _ids(web_database)
    ld = client_as("ld")
    bad = ld.post(f"/portfolio/items/request/{ids['request']}", data={"effort_days": "-2"})
    assert bad.status_code == 422 and "days of L&amp;D work" in bad.text
    ok = ld.post(
        f"/portfolio/items/request/{ids['request']}",
        data={"effort_days": "6", "origin": "planned", "cost_of_inaction_amount": "40000"},
    )
    assert ok.status_code == 303
    page = ld.get(f"/portfolio/items/request/{ids['request']}").text
    assert "cost of inaction (40,000 EUR a year)" in page


def test_executives_see_the_map_without_notes_and_ld_sees_them(client_as, web_database):
    ids = _ids(web_database)
    exec_map = client_as("executive").get("/stakeholders")
    assert exec_map.status_code == 200 and 'data-testid="stakeholder-grid"' in exec_map.text
    assert ids["notes"] not in exec_map.text
    assert ids["notes"] not in client_as("executive").get(f"/stakeholders/{ids['noted']}").text
    assert ids["notes"] in client_as("ld").get(f"/stakeholders/{ids['noted']}").text
    assert client_as("executive").get("/interviews").status_code == 403
    assert client_as("manager").get("/stakeholders").status_code == 403


def test_logging_an_interview_and_finding_it(client_as, web_database):
    ld = client_as("ld")
    engine = make_engine(web_database)
    with Session(engine) as s:
        who = s.scalar(select(Stakeholder.id).order_by(Stakeholder.id))
    engine.dispose()
    empty = ld.post("/interviews", data={"stakeholder_id": str(who), "held_on": "2026-02-01"})
    assert empty.status_code == 422 and "no answers and no summary" in empty.text
    resp = ld.post(
        "/interviews",
        data={"stakeholder_id": str(who), "held_on": "2026-02-01",
              "q_one_metric": "Pallets shipped without a recount."},
    )  # fmt: skip
    assert resp.status_code == 303
    found = ld.get("/interviews?q=recount").text
    assert found.count('data-testid="interview"') == 1


def test_council_agenda_and_a_decision(client_as):
    ld = client_as("ld")
    resp = ld.post("/councils", data={"held_on": "2026-12-01"})
    assert resp.status_code == 303
    url = resp.headers["location"]
    page = ld.get(url).text
    item = re.search(r'<option value="(\d+)">', page.split('name="agenda_item_id"')[1])
    data = {"decision": "Run the checklist pilot in the south region.", "owner": "Aisha Bello"}
    if item:
        data["agenda_item_id"] = item.group(1)
    assert ld.post(f"{url}/decisions", data=data).status_code == 303
    shown = client_as("executive").get(url).text
    assert "Run the checklist pilot in the south region." in shown
    assert 'data-testid="decision-form"' not in shown  # executives read, L&D records
    assert ld.post(f"{url}/decisions", data={"decision": ""}).status_code == 422


def test_symptoms_and_plan_pages(client_as):
    ex = client_as("executive")
    sym = ex.get("/portfolio/symptoms").text
    assert sym.count('data-testid="symptom"') == 6 and "Treatment:" in sym
    plan = ex.get("/portfolio/plan").text
    assert plan.count('data-testid="plan-item"') == 9 and "Day 75" in plan
    assert "Tick as done" not in plan
    ld = client_as("ld")
    assert ld.post("/portfolio/plan/items/impact_brief", data={"done": "yes"}).status_code == 303
    assert 'data-key="impact_brief" data-status="done"' in ld.get("/portfolio/plan").text
    assert ld.post("/portfolio/plan/items/pilot", data={}).status_code == 422
    assert client_as("manager").get("/portfolio/plan").status_code == 403


def test_program_update_download(client_as, web_database):
    ids = _ids(web_database)
    ld = client_as("ld")
    text = ld.get(f"/stakeholder-updates/{ids['program']}/update.txt")
    assert text.headers["content-type"].startswith("text/plain")
    assert "What changed since the last update" in text.text
    assert ld.post(f"/stakeholder-updates/{ids['program']}").status_code == 303
    again = ld.get(f"/stakeholder-updates/{ids['program']}").text
    assert "Nothing has changed since the last update." in again
