"""How a program is evaluated, on its page and in the API: shown to every reader, set by the
L&D team through a plain form (errors re-render it with what was typed), and the behaviour
tier follows the program's target behaviours."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db.models import AuditEvent, Program
from lodestar.db.session import make_engine
from lodestar.services.demo.activity import BEHAVIOURS

# The tests change the programs' setup in this module's database: keep them on one worker.
pytestmark = pytest.mark.xdist_group("test_program_setup_pages")

PROBLEM = "application/problem+json"
DISCOVERY = BEHAVIOURS["consultative_discovery"][0]
ANCHORS = BEHAVIOURS["negotiation_masterclass"][0]


@pytest.fixture(scope="module")
def program_ids(web_database: str) -> dict[str, int]:
    engine = make_engine(web_database)
    with Session(engine) as s:
        ids = {code: pid for pid, code in s.execute(select(Program.id, Program.code))}
    engine.dispose()
    return ids


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def post_setup(client, program_id: int, design: str, behaviours: list[str]):  # type: ignore[no-untyped-def]
    page = client.get(f"/programs/{program_id}")
    assert page.status_code == 200
    slots = behaviours + [""] * (5 - len(behaviours))
    return client.post(
        f"/programs/{program_id}/setup",
        data={
            "csrf_token": csrf_from(page.text),
            "evaluation_design": design,
            "target_behaviour": slots,
        },
    )


def test_every_reader_sees_how_the_program_is_evaluated(client_as, program_ids):
    pid = program_ids["fcr_pilot"]
    page = client_as("manager").get(f"/programs/{pid}").text
    setup = text_of(section(page, "setup-title"))
    assert "How this program is evaluated" in setup
    assert "Randomised pilot (participants and comparison drawn by lottery)" in setup
    assert BEHAVIOURS["fcr_pilot"][0] in setup
    # Read only for a manager: no form, nothing to post to.
    assert f"/programs/{pid}/setup" not in page
    assert "Set the evaluation design" not in page


def test_the_masterclass_page_no_longer_shows_the_discovery_behaviour(client_as, program_ids):
    page = client_as("executive").get(f"/programs/{program_ids['negotiation_masterclass']}").text
    tier = text_of(section(page, "tier-behaviour"))
    assert ANCHORS in tier
    assert DISCOVERY not in tier


def test_an_unobserved_target_is_listed_as_no_data_with_a_notice(client_as, program_ids):
    page = client_as("manager").get(f"/programs/{program_ids['mindful_webinars']}").text
    tier = text_of(section(page, "tier-behaviour"))
    assert "Blocks focus time in the calendar each week" in tier
    assert "no data yet" in tier
    notice = text_of(section(page, "setup-title"))
    assert "Nobody in this program has been observed on" in notice


def test_ld_sets_the_design_and_behaviours_through_the_form(client_as, program_ids, web_database):
    ld = client_as("ld")
    pid = program_ids["negotiation_masterclass"]
    page = ld.get(f"/programs/{pid}").text
    form = section(page, "setup-title")
    assert f'action="/programs/{pid}/setup"' in form and 'name="csrf_token"' in form
    assert form.count('name="target_behaviour"') == 5
    assert f'<option value="{ANCHORS}">' in form  # observed behaviours offered as choices

    resp = post_setup(ld, pid, "", [ANCHORS, "Walks away from a bad deal"])
    assert resp.status_code == 303, resp.text
    assert resp.headers["location"] == f"/programs/{pid}#setup"
    page = ld.get(f"/programs/{pid}").text
    flash = html.unescape(page)
    assert "Saved:" in flash and "Walks away from a bad deal" in flash  # the note
    setup = text_of(section(page, "setup-title"))
    assert "Chosen from the data" in setup
    tier = text_of(section(page, "tier-behaviour"))
    assert tier.index(ANCHORS) < tier.index("Walks away from a bad deal")  # the order typed

    engine = make_engine(web_database)
    with Session(engine) as s:
        assert s.get(Program, pid).evaluation_design == ""
        assert s.scalar(
            select(AuditEvent.id).where(
                AuditEvent.action == "program.setup", AuditEvent.object_id == pid
            )
        )
    engine.dispose()

    # Put the recorded design back for the other tests.
    assert post_setup(ld, pid, "selection_on_observables", [ANCHORS]).status_code == 303


def test_a_refused_setup_re_renders_the_form_with_what_was_typed(client_as, program_ids):
    ld = client_as("ld")
    pid = program_ids["negotiation_masterclass"]
    typed = ["Asks for the budget early", "asks for the BUDGET early"]
    resp = post_setup(ld, pid, "astrology", typed)
    assert resp.status_code == 422
    form = section(resp.text, "setup-title")
    assert "<details" in form and " open" in form
    assert 'role="alert"' in form and "The setup was not saved." in form
    words = html.unescape(form)
    assert "The evaluation design “astrology” is not one Lodestar knows" in words
    assert "named twice" in words
    assert 'aria-invalid="true"' in form
    for value in typed:
        assert f'value="{value}"' in html.unescape(form)
    # Nothing was saved.
    page = ld.get(f"/programs/{pid}").text
    assert "Asks for the budget early" not in page
    assert "Chosen by managers or self-selected" in text_of(section(page, "setup-title"))


def test_a_setup_without_behaviours_is_refused(client_as, program_ids):
    resp = post_setup(client_as("admin"), program_ids["fcr_pilot"], "randomised", [])
    assert resp.status_code == 422
    assert "Name at least one target behaviour" in html.unescape(resp.text)


@pytest.mark.parametrize("role", ["manager", "executive", "employee"])
def test_others_cannot_post_a_setup(client_as, program_ids, role):
    client = client_as(role)
    page = client.get("/programs" if role != "employee" else "/")
    resp = client.post(
        f"/programs/{program_ids['fcr_pilot']}/setup",
        data={
            "csrf_token": csrf_from(page.text),
            "evaluation_design": "staggered",
            "target_behaviour": ["Anything"],
        },
    )
    assert resp.status_code == 403


def test_the_form_needs_its_csrf_token(client_as, program_ids):
    ld = client_as("ld")
    ld.headers.pop("X-CSRF-Token", None)
    resp = ld.post(
        f"/programs/{program_ids['fcr_pilot']}/setup",
        data={"evaluation_design": "staggered", "target_behaviour": ["Anything"]},
    )
    assert resp.status_code == 403


# --- API --------------------------------------------------------------------------------


def test_api_reads_the_setup(client_as, program_ids):
    resp = client_as("manager").get(f"/api/programs/{program_ids['consultative_discovery']}/setup")
    assert resp.status_code == 200
    body = resp.json()
    assert body["evaluation_design"] == "staggered"
    assert body["target_behaviours"] == [DISCOVERY]
    assert {"behaviour", "people"} == set(body["observed_behaviours"][0])
    assert body["behaviour_notice"] == "" and body["note"] == ""


def test_api_replaces_the_setup_and_notes_unobserved_behaviours(client_as, program_ids):
    ld = client_as("ld")
    pid = program_ids["consultative_discovery"]
    resp = ld.put(
        f"/api/programs/{pid}/setup",
        json={"evaluation_design": "auto", "target_behaviours": ["Books the next step", DISCOVERY]},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["evaluation_design"] == "" and body["design_label"] == "Choose from the data"
    assert body["target_behaviours"] == ["Books the next step", DISCOVERY]
    assert "Books the next step" in body["note"]
    back = ld.put(
        f"/api/programs/{pid}/setup",
        json={"evaluation_design": "staggered", "target_behaviours": [DISCOVERY]},
    )
    assert back.status_code == 200 and back.json()["note"] == ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"evaluation_design": "astrology", "target_behaviours": ["A b c"]}, "evaluation_design"),
        ({"evaluation_design": "", "target_behaviours": []}, "target_behaviours"),
        ({"evaluation_design": "", "target_behaviours": ["x" * 121]}, "target_behaviours"),
        ({"evaluation_design": ""}, None),  # the list is required
    ],
)
def test_api_refuses_bad_input_as_problem_json(client_as, program_ids, payload, field):
    resp = client_as("ld").put(f"/api/programs/{program_ids['fcr_pilot']}/setup", json=payload)
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith(PROBLEM)
    problem = resp.json()
    assert problem["code"] == "invalid-input" and problem["detail"].endswith(".")
    if field:
        assert set(problem["fields"]) == {field}


def test_api_refuses_other_roles(client_as, program_ids):
    payload = {"evaluation_design": "", "target_behaviours": ["A b c"]}
    path = f"/api/programs/{program_ids['fcr_pilot']}/setup"
    for role in ("manager", "executive"):
        resp = client_as(role).put(path, json=payload)
        assert resp.status_code == 403 and resp.headers["content-type"].startswith(PROBLEM)
    assert client_as("employee").get(path).status_code == 403
    assert client_as("ld").get("/api/programs/987654/setup").status_code == 404


def test_the_impact_api_carries_the_setup_too(client_as, program_ids):
    body = client_as("executive").get(f"/api/programs/{program_ids['fcr_pilot']}/impact").json()
    assert body["program"]["evaluation_design"] == "randomised"
    assert body["program"]["target_behaviours"] == [
        track["behaviour"] for track in body["tiers"]["behaviour"]
    ]


def test_the_url_a_refused_setup_shows_at_also_answers_get(client_as, program_ids):
    """Reopening the refused form's address used to meet "Method Not Allowed"."""
    ld = client_as("ld")
    pid = program_ids["negotiation_masterclass"]
    refused = post_setup(ld, pid, "astrology", [ANCHORS])
    assert refused.status_code == 422
    again = ld.get(f"/programs/{pid}/setup")
    assert again.status_code == 303, again.text
    assert again.headers["location"] == f"/programs/{pid}#setup"
    assert ld.get(again.headers["location"]).status_code == 200
    assert client_as("employee").get(f"/programs/{pid}/setup").status_code == 403


def test_the_form_warns_when_the_data_contradict_the_recorded_design(client_as, program_ids):
    """Before any analysis: randomised with no lottery stored and an empty comparison group,
    staggered with one start date — on the page and in the API."""
    ld = client_as("ld")
    pid = program_ids["mindful_webinars"]  # open enrolment: one start date, no comparison
    behaviour = "Blocks focus time in the calendar each week"
    assert "design-warnings" not in ld.get(f"/programs/{pid}").text
    assert ld.get(f"/api/programs/{pid}/setup").json()["design_warnings"] == []
    try:
        assert post_setup(ld, pid, "randomised", [behaviour]).status_code == 303
        warned = text_of(section(ld.get(f"/programs/{pid}").text, "setup-title"))
        assert "The data contradict the recorded design." in warned
        assert "no lottery is stored for this program" in warned
        assert "The comparison group is empty" in warned
        api = client_as("manager").get(f"/api/programs/{pid}/setup").json()
        assert len(api["design_warnings"]) == 2
        assert api["design_warnings"][0].startswith("The recorded design is “Randomised pilot")

        assert post_setup(ld, pid, "staggered", [behaviour]).status_code == 303
        [warning] = ld.get(f"/api/programs/{pid}/setup").json()["design_warnings"]
        assert "every participant started on 2025-06-23: there is one cohort" in warning
    finally:
        assert post_setup(ld, pid, "selection_on_observables", [behaviour]).status_code == 303
