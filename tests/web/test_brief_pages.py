"""The brief, the leadership view and the own-work home through the app: who may see what,
the downloads, pinning, past results at their own address, the API, and the filters."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db.models import ImpactResult, Program, User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.impact.program_impact import estimate_program_impact


@pytest.fixture(scope="module")
def fcr(web_database: str) -> tuple[int, int, int]:
    """The FCR pilot with two stored results (older, newer)."""
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        pid = s.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
        ld = actor_of(s.scalar(select(User).where(User.role == "ld").order_by(User.id)))
        first = estimate_program_impact(s, ld, pid).result_id
        second = estimate_program_impact(s, ld, pid).result_id
    engine.dispose()
    assert pid and first and second
    return pid, first, second


def test_the_brief_page_links_its_numbers_to_the_stored_result(client_as, fcr):
    pid, _, newest = fcr
    page = client_as("executive").get(f"/programs/{pid}/brief")
    assert page.status_code == 200
    assert 'id="download-pdf"' in page.text
    assert f'<a href="/programs/{pid}/results/{newest}">' in page.text
    assert "What this can tell you, and what it cannot" in page.text
    assert f"Result #{newest} of" in page.text and "the newest" in page.text
    # The page's footer names the organisation and the program, as the PDF's does.
    footer = re.search(r'<footer class="brief-foot">([^<]*)</footer>', page.text)
    assert footer, "no footer"
    organisation, program, made = footer.group(1).split(" · ")
    assert organisation == "Lodestar"  # the settings' organisation_name (its default here)
    assert program == "First-Contact Resolution pilot" and made.startswith("made by Lodestar")


def test_pdf_and_html_downloads(client_as, fcr):
    pid, *_ = fcr
    client = client_as("manager")
    resp = client.get(f"/programs/{pid}/brief.pdf?paper=letter")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    assert "attachment" in resp.headers["content-disposition"]
    doc = pdfium.PdfDocument(resp.content)
    assert len(doc) == 1 and round(doc[0].get_size()[0]) == 612
    doc.close()
    html = client.get(f"/programs/{pid}/brief.html")
    assert html.headers["content-type"].startswith("text/html")
    assert "http://testserver/programs/" in html.text  # links point back at Lodestar
    bad = client.get(f"/programs/{pid}/brief.pdf?paper=a3")
    assert bad.status_code == 422 and "Choose one of: a4, letter." in bad.text


def test_employees_get_no_brief(client_as, fcr):
    pid, *_ = fcr
    client = client_as("employee")
    for path in (f"/programs/{pid}/brief", f"/programs/{pid}/brief.pdf",
                 f"/api/programs/{pid}/brief", "/leadership", "/portfolio/brief"):  # fmt: skip
        assert client.get(path).status_code == 403, path


def test_pinning_keeps_the_brief_on_one_result(client_as, fcr):
    pid, older, newest = fcr
    ld = client_as("ld")
    page = ld.get(f"/programs/{pid}/brief")
    csrf = csrf_from(page.text)
    resp = ld.post(f"/programs/{pid}/brief/pin", data={"csrf_token": csrf, "result_id": older})
    assert resp.status_code == 303
    pinned = client_as("executive").get(f"/programs/{pid}/brief")
    assert f"Result #{older} of" in pinned.text and "pinned for this brief" in pinned.text
    api = client_as("executive").get(f"/api/programs/{pid}/brief").json()
    assert api["result_id"] == older and api["pinned_result_id"] == older
    # Only the L&D team pins.
    manager = client_as("manager")
    refused = manager.post(f"/programs/{pid}/brief/pin",
                           data={"csrf_token": csrf_from(manager.get("/").text),
                                 "result_id": newest})  # fmt: skip
    assert refused.status_code == 403
    wrong = ld.post(f"/programs/{pid}/brief/pin", data={"csrf_token": csrf, "result_id": 999999})
    assert wrong.status_code == 404 and "no stored result #999999" in wrong.text
    assert ld.post(f"/programs/{pid}/brief/unpin", data={"csrf_token": csrf}).status_code == 303
    assert f"Result #{newest} of" in client_as("executive").get(f"/programs/{pid}/brief").text


def test_past_results_stay_viewable_at_their_own_address(client_as, fcr):
    pid, older, newest = fcr
    client = client_as("executive")
    page = client.get(f"/programs/{pid}/results/{older}")
    assert page.status_code == 200
    assert f"You are reading stored result #{older}" in page.text
    assert f"not the newest (#{newest})" in page.text
    assert client.get(f"/programs/{pid}/results/999999").status_code == 404
    on_older = client.get(f"/programs/{pid}/brief?result={older}")
    assert f"Result #{older} of" in on_older.text and "chosen for this brief" in on_older.text


def test_api_brief_matches_the_stored_result(client_as, fcr, web_database):
    pid, _, newest = fcr
    client = client_as("executive")
    body = client.get(f"/api/programs/{pid}/brief").json()
    engine = make_engine(web_database)
    with Session(engine) as s:
        row = s.get(ImpactResult, newest)
        assert row is not None
        estimate = row.estimate
    engine.dispose()
    business = next(t for t in body["tiers"] if t["key"] == "business")
    change = business["figures"][0]
    assert change["href"] == f"/programs/{pid}/results/{newest}"
    shown = change["value"].split()[0].replace("−", "-").replace("+", "")
    digits = len(shown.split(".")[1]) if "." in shown else 0
    assert abs(float(shown) - estimate) <= 0.5 * 10**-digits
    pdf = client.get(f"/api/programs/{pid}/brief?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert client.get(f"/api/programs/{pid}/brief?format=doc").status_code == 422


def test_executive_home_is_the_leadership_view_with_filters(client_as, fcr):
    client = client_as("executive")
    home = client.get("/")
    assert "What L&amp;D is moving, and what moved" in home.text
    assert 'role="img"' in home.text  # KPI charts, each with words for screen readers
    assert "program starts" in home.text  # start dates marked on the KPI trends
    pid, *_ = fcr
    assert f'href="/programs/{pid}/brief"' in home.text
    prio = re.search(r'href="/leadership\?priority=(\d+)', home.text)
    assert prio
    one = client.get(f"/leadership?priority={prio.group(1)}")
    assert one.text.count('class="card lead-priority"') == 1
    bad = client.get("/leadership?period=forever")
    assert bad.status_code == 422 and "is not a period" in bad.text


def test_department_filter_hides_small_groups_by_subtraction(client_as, fcr, web_database):
    engine = make_engine(web_database)
    with Session(engine) as s:
        from lodestar.db.models import Department

        depts = {d.code: d.id for d in s.scalars(select(Department))}
    engine.dispose()
    client = client_as("executive")
    page = client.get(f"/leadership?department={depts['service']}&period=12m")
    assert page.status_code == 200
    assert "no one's own figures can be worked out" in page.text
    pid, *_ = fcr
    assert f'href="/programs/{pid}/brief"' in page.text  # FCR has service participants
    sales = client.get(f"/leadership?department={depts['sales']}")
    assert f'href="/programs/{pid}/brief"' not in sales.text


def test_employee_and_manager_homes_are_about_their_own_work(client_as):
    elif_home = client_as("elif").get("/")
    assert "Your programs" in elif_home.text
    assert "Consultative Discovery" in elif_home.text or "not taking part" in elif_home.text
    manager = client_as("tomas").get("/")
    assert "Your team&#39;s programs" in manager.text or "Your team's programs" in manager.text


def test_portfolio_brief_page_and_pdf(client_as, fcr):
    client = client_as("executive")
    page = client.get("/portfolio/brief")
    assert page.status_code == 200 and "Programs by strategic priority" in page.text
    # From the portfolio scoring: the 80/20 cut, the symptoms and the 90-day plan.
    for part in ("carry 80% of the expected value", "Signs of a reactive department",
                 "The 90-day plan from reactive to strategic"):  # fmt: skip
        assert part in page.text
    assert "Not available yet" not in page.text and "Days 1–30" in page.text
    pdf = client.get("/portfolio/brief.pdf")
    doc = pdfium.PdfDocument(pdf.content)
    assert len(doc) == 1
    doc.close()
