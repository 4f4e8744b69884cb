"""Program design pages as a user meets them: create from a request, design, plan, launch,
the lock, a decision, and a program with no metric that opens instead of failing."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import FIXTURE_SEED

from lodestar.db.models import (
    Department,
    Program,
    ProgramCost,
    ProgramEnrolment,
    Team,
    TrainingRequest,
)
from lodestar.db.session import make_engine

pytestmark = pytest.mark.xdist_group("test_program_design_pages")


@pytest.fixture(scope="module")
def facts(web_database: str) -> dict[str, object]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        req = s.scalar(
            select(TrainingRequest.id).where(TrainingRequest.title.like("Objection handling%"))
        )
        sales = s.scalar(select(Department.id).where(Department.code == "sales"))
        teams = [str(t) for t in s.scalars(select(Team.id).where(Team.department_id == sales))]
    engine.dispose()
    return {"request_id": req, "teams": teams}


def _text(page: str, element_id: str) -> str:
    """The text of the element with that id, tags dropped and spaces collapsed."""
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|section)>', page, re.S)
    assert m, f"no #{element_id} on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(1))).split())


def _program_id(location: str) -> int:
    m = re.match(r"/programs/(\d+)/", location)
    assert m, location
    return int(m.group(1))


def test_from_request_to_locked_pilot_in_pages(client_as, facts):
    ld = client_as("ld")
    page = ld.get(f"/requests/{facts['request_id']}")
    assert 'id="make-program"' in page.text
    form = ld.get(f"/programs/new?request_id={facts['request_id']}")
    assert "Objection handling" in form.text
    made = ld.post("/programs/new", data={"request_id": str(facts["request_id"]),
                                          "name": "Objection handling"})  # fmt: skip
    assert made.status_code == 303, made.text
    pid = _program_id(made.headers["location"])
    assert f'href="/programs/{pid}"' in ld.get(f"/requests/{facts['request_id']}").text

    refused = ld.post(f"/programs/{pid}/canvas", data={"behaviour": ["Understands pricing"]})
    assert refused.status_code == 422
    assert "Understands pricing" in refused.text and "for example" in refused.text
    assert 'value="Understands pricing"' in refused.text  # what was typed is kept
    saved = ld.post(
        f"/programs/{pid}/canvas",
        data={"behaviour": ["Answers a price objection with the customer's own figures"],
              "place": "First meetings", "prompt": "CRM card", "proof": "Conversion, weekly",
              "audience": "new account executives", "format": ["job_aid"]},
    )  # fmt: skip
    assert saved.status_code == 303
    design = ld.get(f"/programs/{pid}/design")
    assert "This program is expected to" in design.text and "Job aid" in design.text

    planned = ld.post(f"/programs/{pid}/pilot/plan",
                      data={"team_id": facts["teams"], "hoped_effect": "0.05"})  # fmt: skip
    assert planned.status_code == 303, planned.text
    pilot = ld.get(f"/programs/{pid}/pilot")
    assert 'id="mde"' in pilot.text and "need about" in pilot.text
    lottery = {"team_id": facts["teams"], "start_date": "2026-01-05", "seed": "7"}
    drawn = ld.post(f"/programs/{pid}/pilot/lottery", data=lottery)
    assert drawn.status_code == 303, drawn.text
    pilot = ld.get(f"/programs/{pid}/pilot").text
    result = _text(pilot, "lottery-result")
    assert "(seed 7, " in result and "starting 2026-01-05." in result
    assert re.search(r"\d+ in the pilot, \d+ in the comparison group", result), result
    assert 'id="plan-drawn"' in pilot  # step 1 says what was drawn, and no longer offers sizing
    assert f'action="/programs/{pid}/pilot/plan"' not in pilot
    launched = ld.post(f"/programs/{pid}/pilot/launch",
                       data={"expected_effect": "0.05", "horizon_date": "2026-04-05"})  # fmt: skip
    assert launched.status_code == 303, launched.text
    locked = ld.post(f"/programs/{pid}/edit", data={"name": "Objection handling",
                                                     "horizon_date": "2026-09-01"})  # fmt: skip
    assert locked.status_code == 409 and "locked at launch" in locked.text
    decided = ld.post(f"/programs/{pid}/decisions",
                      data={"decision": "stop", "reason": "Budget moved elsewhere."})  # fmt: skip
    assert decided.status_code == 303
    history = ld.get(f"/programs/{pid}/pilot").text
    assert "decided to stop" in history and "Budget moved elsewhere." in history


def test_a_program_without_a_metric_opens_and_offers_the_link(client_as, web_database):
    ld = client_as("ld")
    made = ld.post("/programs/new", data={"name": "Imported without a KPI"})
    pid = _program_id(made.headers["location"])
    page = ld.get(f"/programs/{pid}")
    assert page.status_code == 200
    assert 'id="unaligned"' in page.text and f"/programs/{pid}/edit" in page.text
    manager = client_as("manager")
    assert "The L&amp;D team links it" in manager.get(f"/programs/{pid}").text
    engine = make_engine(web_database)
    with Session(engine) as s:
        assert s.get(Program, pid).kpi_id is None
    engine.dispose()


@pytest.mark.parametrize(
    ("posted_to", "page"),
    [
        ("canvas", "design#canvas"),
        ("costs", "design#costs"),
        ("risks", "design#risks"),
        ("pilot/plan", "pilot#plan"),
        ("pilot/lottery", "pilot#lottery"),
        ("pilot/launch", "pilot#registration"),
        ("pilot/registrations", "pilot#registration"),
        ("decisions", "pilot#decide"),
    ],
)
def test_urls_forms_post_to_also_answer_get(client_as, web_database, posted_to, page):
    """A refused form is shown at the URL it posted to; opening that URL again leads back to
    the page instead of "Method Not Allowed"."""
    engine = make_engine(web_database)
    with Session(engine) as s:
        pid = s.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
    engine.dispose()
    ld = client_as("ld")
    resp = ld.get(f"/programs/{pid}/{posted_to}")
    assert resp.status_code == 303 and resp.headers["location"] == f"/programs/{pid}/{page}"
    assert client_as("employee").get(f"/programs/{pid}/{posted_to}").status_code == 403


def test_archive_and_restore_from_the_edit_page(client_as):
    ld = client_as("ld")
    pid = _program_id(
        ld.post("/programs/new", data={"name": "Brown-bag sessions"}).headers["location"]
    )
    edit = ld.get(f"/programs/{pid}/edit").text
    assert 'id="archive"' in edit and f'action="/programs/{pid}/archive"' in edit
    refused = ld.post(f"/programs/{pid}/archive", data={"reason": ""})
    assert refused.status_code == 422
    assert "Say why the program moves to 'Archived'" in html.unescape(refused.text)
    done = ld.post(f"/programs/{pid}/archive", data={"reason": "Nobody asked for it."})
    assert done.status_code == 303
    assert "Brown-bag sessions" not in ld.get("/programs").text
    assert "Brown-bag sessions" in ld.get("/programs?archived=1").text
    assert f'action="/programs/{pid}/restore"' in ld.get(f"/programs/{pid}/edit").text
    assert ld.post(f"/programs/{pid}/restore", data={"reason": "Asked again."}).status_code == 303


def test_an_imported_program_opens_and_is_linked_instead_of_a_dead_end(client_as, web_database):
    """The enrolment import's example creates a program with no metric; it used to open on a
    422 page ("names no metric… link it to a KPI first") with no way to link it anywhere."""
    from pathlib import Path

    from lodestar.config import get_settings
    from lodestar.db.models import Kpi, User
    from lodestar.services.accounts import actor_of
    from lodestar.services.imports import import_file

    examples = Path(__file__).parents[2] / "docs" / "examples"
    engine = make_engine(web_database)
    try:
        with Session(engine) as s, s.begin():
            ld_actor = actor_of(s.scalar(select(User).where(User.role == "ld")))
            for kind, name in (("employees", "employees.csv"), ("enrolments", "enrolments.csv")):
                report = import_file(s, ld_actor, kind, (examples / name).read_bytes(), name)
                assert report.ok, report
    finally:
        # The importer reads its limits from the settings, which are cached for the process:
        # leave no settings behind for a later test that sets its own database by environment.
        get_settings.cache_clear()
    with Session(engine) as s:
        pid = s.scalar(select(Program.id).where(Program.code == "finance_partnering"))
        kpi = s.scalar(select(Kpi.id).where(Kpi.code == "voluntary_attrition"))
    engine.dispose()

    ld = client_as("ld")
    page = ld.get(f"/programs/{pid}")
    assert page.status_code == 200 and 'id="unaligned"' in page.text
    assert "Finance Business Partnering" in ld.get("/programs").text
    for where in ("design", "pilot"):
        other = ld.get(f"/programs/{pid}/{where}")
        assert other.status_code == 200 and 'id="unaligned"' in other.text
        assert f'href="/programs/{pid}/edit"' in other.text
    linked = ld.post(f"/programs/{pid}/edit", data={"name": "Finance Business Partnering",
                                                    "kpi_id": str(kpi)})  # fmt: skip
    assert linked.status_code == 303, linked.text
    opened = ld.get(f"/programs/{pid}")
    assert opened.status_code == 200 and 'id="unaligned"' not in opened.text
    assert "How this program is evaluated" in opened.text


def _demo_program(web_database: str, code: str) -> Program:
    engine = make_engine(web_database)
    with Session(engine, expire_on_commit=False) as s:
        prog = s.scalar(select(Program).where(Program.code == code))
        groups = dict(
            s.execute(
                select(ProgramEnrolment.group, func.count())
                .where(ProgramEnrolment.program_id == prog.id)
                .group_by(ProgramEnrolment.group)
            ).all()
        )
        s.expunge(prog)
    engine.dispose()
    prog.groups = groups  # type: ignore[attr-defined]
    return prog


def test_the_demos_pilot_page_shows_the_lottery_it_drew(client_as, web_database):
    """It printed "(seed , …): in the pilot, in the comparison group, starting ." and invited
    sizing a pilot that was drawn and launched long ago."""
    prog = _demo_program(web_database, "fcr_pilot")
    page = client_as("ld").get(f"/programs/{prog.id}/pilot").text
    result = _text(page, "lottery-result")
    assert f"(seed {FIXTURE_SEED}, people drawn within each team" in result
    assert (
        f"{prog.groups['participant']} in the pilot, {prog.groups['comparison']} in the "
        f"comparison group, starting {prog.start_date.isoformat()}." in result
    ), result
    assert "No plan yet" not in page
    drawn = _text(page, "plan-drawn")
    assert f"{prog.groups['participant']} people in the pilot" in drawn


def test_the_team_lottery_names_the_teams_not_drawn_as_its_comparison(client_as, web_database):
    prog = _demo_program(web_database, "stay_conversations")
    result = _text(client_as("ld").get(f"/programs/{prog.id}/pilot").text, "lottery-result")
    assert f"{prog.groups['participant']} in the pilot, the " in result
    assert "teams not drawn as the comparison group" in result
    assert f"starting {prog.start_date.isoformat()}." in result


def test_the_costs_form_says_what_the_roi_uses_and_an_untouched_save_keeps_it(
    client_as, web_database
):
    """The form showed 0 in every category while the ROI used 450 EUR per participant, and
    saving it untouched recorded zeros over that."""
    prog = _demo_program(web_database, "consultative_discovery")
    ld = client_as("ld")
    page = ld.get(f"/programs/{prog.id}/design").text
    per = f"{prog.cost_per_participant:,.2f}".removesuffix(".00")
    assert f"the cost per participant ({per} EUR × participants)" in _text(page, "costs-in-use")
    section = page[page.index('id="costs"') : page.index('id="risks"')]
    amounts = dict(re.findall(r'name="(\w+)" value="([^"]*)"', section))
    assert amounts.pop("currency") == "EUR" and amounts.pop("csrf_token")
    assert amounts and set(amounts.values()) == {""}, amounts  # no zeros shown as the costs

    saved = ld.post(f"/programs/{prog.id}/costs", data={"currency": "EUR", **amounts})
    assert saved.status_code == 303, saved.text
    engine = make_engine(web_database)
    with Session(engine) as s:
        assert s.scalar(select(ProgramCost).where(ProgramCost.program_id == prog.id)) is None
    engine.dispose()
    after = ld.get(saved.headers["location"]).text
    assert "Nothing saved" in html.unescape(after)
    assert "the cost per participant" in _text(after, "costs-in-use")


def test_saved_costs_fill_the_form_and_are_what_the_roi_counts(client_as, web_database):
    ld = client_as("ld")
    pid = _program_id(ld.post("/programs/new", data={"name": "Costed pilot"}).headers["location"])
    page = ld.get(f"/programs/{pid}/design").text
    assert "No costs are recorded yet" in _text(page, "costs-in-use")
    typed = {"currency": "EUR", "delivery": "12,000", "participant_hours": "6"}
    assert ld.post(f"/programs/{pid}/costs", data=typed).status_code == 303
    page = ld.get(f"/programs/{pid}/design").text
    assert "The ROI counts these costs, fully loaded." in _text(page, "costs-in-use")
    assert 'id="delivery" name="delivery" value="12,000.00"' in page
    assert 'id="evaluation" name="evaluation" value="0"' in page  # left empty beside others: 0
