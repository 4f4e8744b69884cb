"""The intake desk as pages: list, intake form, request page, stakeholder questions, steps.

Every form is posted with the CSRF token read from the page, as a browser would.
"""

from __future__ import annotations

import re
import uuid

from markupsafe import escape
from tests.conftest import csrf_from

from lodestar.domain.intake import FIELD_NAMES, FIELDS_BY_NAME, INTAKE_FIELDS

COMPLETE = {
    "business_objective": "Cut repeat contacts in customer service from 18% to 12% by Q4.",
    "audience_and_behaviours": "The 60 first-line agents: confirm the fix with the customer.",
    "context_of_work": "Inbound calls and chats, during the closing minute of each contact.",
    "cost_of_inaction": "Each repeat contact costs about 6 EUR; roughly 40k EUR a quarter.",
    "horizon_and_constraints": "Results by end of Q4; no sessions in the December peak.",
}


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:8]}"


def request_id_from(location: str) -> int:
    m = re.match(r"/requests/(\d+)", location)
    assert m, location
    return int(m.group(1))


def post_form(client, url: str, data: dict[str, str], page_url: str | None = None):
    """Post like a browser: the CSRF token comes from the page's form, not a header."""
    token = csrf_from(client.get(page_url or url).text)
    saved = client.headers.pop("X-CSRF-Token", None)
    try:
        return client.post(url, data={**data, "csrf_token": token})
    finally:
        if saved is not None:
            client.headers["X-CSRF-Token"] = saved


def new_request(client, *, title: str, action: str = "save", **fields: str) -> int:
    data = {"title": title, "urgency": "normal", "action": action, **fields}
    resp = post_form(client, "/requests/new", data)
    assert resp.status_code == 303, resp.text
    return request_id_from(resp.headers["location"])


def submitted_request(client, title: str | None = None, **extra: str) -> int:
    rid = new_request(
        client, title=title or unique("Complete request"), action="submit", **{**COMPLETE, **extra}
    )
    return rid


# --- the intake form -----------------------------------------------------------------------


def test_new_form_shows_each_field_with_label_help_and_example(client_as):
    page = client_as("manager").get("/requests/new")
    assert page.status_code == 200
    for f in INTAKE_FIELDS:
        assert f'name="{f.name}"' in page.text
        assert f.label in page.text
        assert escape(f.help) in page.text
        assert escape(f.example) in page.text
    assert 'name="action" value="save"' in page.text
    assert 'name="action" value="submit"' in page.text
    assert 'name="csrf_token"' in page.text


def test_new_form_defaults_to_the_users_department(client_as):
    page = client_as("manager").get("/requests/new")
    select = re.search(r'<select id="department_id".*?</select>', page.text, re.S)
    assert select and "selected" in select.group(0)


def test_incomplete_submit_is_kept_as_needs_information_with_reasons(client_as):
    client = client_as("manager")
    title = unique("Teamwork training")
    typed = {
        "business_objective": "Cut hand-off delays between sales and delivery by 30%.",
        "context_of_work": "x",  # too short to act on
    }
    resp = post_form(
        client, "/requests/new", {"title": title, "urgency": "high", "action": "submit", **typed}
    )
    assert resp.status_code == 303
    assert resp.headers["location"].endswith("/edit#missing")
    rid = request_id_from(resp.headers["location"])

    page = client.get(f"/requests/{rid}/edit")
    assert page.status_code == 200
    html = page.text
    # The flash says what happened in full sentences.
    assert "needs information" in html and "submit again" in html
    assert 'data-testid="request-state" data-state="needs_information"' in html
    # Exactly the four missing fields, each with why it matters, highlighted.
    box = re.search(r'data-testid="missing-fields".*?</section>', html, re.S).group(0)
    listed = re.findall(r'data-field="(\w+)"', box)
    assert listed == [
        "audience_and_behaviours",
        "context_of_work",
        "cost_of_inaction",
        "horizon_and_constraints",
    ]
    for name in listed:
        assert escape(FIELDS_BY_NAME[name].why) in box
        assert f'data-testid="field-{name}" data-missing="true"' in html
    assert "too short" in box
    assert 'data-testid="field-business_objective" data-missing' not in html
    # Nothing typed is lost.
    assert title in html
    assert typed["business_objective"] in html
    assert re.search(r'<option value="high" selected>', html)

    # Complete it and submit again: it moves to submitted.
    data = {"title": title, "urgency": "high", "action": "submit", **COMPLETE}
    resp = post_form(client, f"/requests/{rid}/edit", data)
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/requests/{rid}"
    page = client.get(f"/requests/{rid}")
    assert 'data-testid="request-state" data-state="submitted"' in page.text
    assert "was submitted to the L&amp;D team" in page.text
    assert 'data-testid="missing-fields"' not in page.text
    # The history shows the return and the submission, with reasons.
    history = re.search(r'data-testid="history".*?</section>', page.text, re.S).group(0)
    assert "Missing:" in history and "All five fields answered." in history


def test_save_draft_keeps_everything_and_stays_draft(client_as):
    client = client_as("manager")
    title = unique("Draft only")
    rid = new_request(client, title=title, business_objective="Something about conversion rates")
    page = client.get(f"/requests/{rid}/edit")
    assert "draft was saved" in page.text
    assert 'data-state="draft"' in page.text
    assert "Something about conversion rates" in page.text
    assert 'data-testid="draft-checklist"' in page.text
    assert 'data-testid="missing-fields"' not in page.text


def test_form_error_rerenders_with_input_and_422(client_as):
    client = client_as("manager")
    title = unique("Bad urgency")
    data = {"title": title, "urgency": "whenever", "action": "submit", **COMPLETE}
    resp = post_form(client, "/requests/new", data)
    assert resp.status_code == 422
    assert 'data-testid="form-error"' in resp.text
    assert "is not a valid urgency" in resp.text
    assert title in resp.text
    for value in COMPLETE.values():
        assert value in resp.text
    # Nothing was saved.
    listing = client.get("/requests", params={"q": title})
    assert 'data-testid="request-row"' not in listing.text


def test_stakeholder_answers_typed_in_the_form_are_kept(client_as):
    client = client_as("manager")
    rid = new_request(
        client, title=unique("With answers"), q_one_metric="Repeat contact rate, nothing else."
    )
    page = client.get(f"/requests/{rid}")
    assert "Repeat contact rate, nothing else." in page.text


def test_post_without_csrf_token_is_refused(client_as):
    client = client_as("manager")
    client.headers.pop("X-CSRF-Token")
    resp = client.post("/requests/new", data={"title": "No token", "action": "save"})
    assert resp.status_code == 403


def test_employee_cannot_open_the_intake_form(client_as):
    resp = client_as("employee").get("/requests/new")
    assert resp.status_code == 403


# --- the request page ----------------------------------------------------------------------


def test_request_page_shows_fields_facts_and_unaligned_flag(client_as):
    client = client_as("manager")
    rid = submitted_request(client)
    page = client.get(f"/requests/{rid}")
    assert page.status_code == 200
    for name in FIELD_NAMES:
        assert f'data-testid="view-{name}"' in page.text
        assert COMPLETE[name] in page.text
    assert 'data-testid="unaligned-flag"' in page.text
    assert 'data-testid="history"' in page.text
    # A manager gets no workflow buttons and no diagnosis link.
    assert 'data-testid="next-steps"' not in page.text
    assert 'data-testid="open-diagnosis"' not in page.text


def test_stakeholder_questions_saved_from_the_request_page(client_as):
    manager = client_as("manager")
    rid = submitted_request(manager)
    resp = post_form(
        manager,
        f"/requests/{rid}/answers",
        {"q_no_course": "A checklist in the CRM would cover most of it."},
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 303
    page = manager.get(f"/requests/{rid}")
    assert "were saved" in page.text
    assert "A checklist in the CRM would cover most of it." in page.text
    # The L&D team sees the answer during review and can add its own.
    ld = client_as("ld")
    resp = post_form(
        ld,
        f"/requests/{rid}/answers",
        {
            "q_no_course": "A checklist in the CRM would cover most of it.",
            "q_one_metric": "Proposal conversion.",
        },
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 303
    page = ld.get(f"/requests/{rid}")
    assert "Proposal conversion." in page.text
    assert "A checklist in the CRM would cover most of it." in page.text


def test_executive_sees_answers_read_only(client_as):
    rid = submitted_request(client_as("manager"), q_quarterly_goals="Q3 pipeline target.")
    page = client_as("executive").get(f"/requests/{rid}")
    assert page.status_code == 200
    assert "Q3 pipeline target." in page.text
    assert 'data-testid="answers-form"' not in page.text
    assert 'data-testid="edit-request"' not in page.text


def test_employee_cannot_see_someone_elses_request(client_as):
    rid = submitted_request(client_as("manager"))
    employee = client_as("employee")
    assert employee.get(f"/requests/{rid}").status_code == 404
    assert employee.get(f"/requests/{rid}/edit").status_code == 404
    listing = employee.get("/requests")
    assert f'data-request-id="{rid}"' not in listing.text


def test_unknown_request_is_404(client_as):
    assert client_as("ld").get("/requests/999999").status_code == 404


# --- workflow steps ------------------------------------------------------------------------


def test_ld_sees_next_steps_and_returning_needs_a_reason(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    page = ld.get(f"/requests/{rid}")
    for target in ("in_diagnosis", "needs_information", "declined"):
        assert f'data-testid="move-{target}"' in page.text

    resp = post_form(
        ld,
        f"/requests/{rid}",
        {"target": "needs_information", "reason": "  "},
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 422
    assert 'data-testid="transition-error"' in resp.text
    assert "Say why in a sentence" in resp.text
    assert 'data-state="submitted"' in resp.text

    why = "Which team and which KPI? Please name the conversion metric."
    resp = post_form(
        ld,
        f"/requests/{rid}",
        {"target": "needs_information", "reason": why},
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 303
    page = client_as("manager").get(f"/requests/{rid}")
    assert 'data-state="needs_information"' in page.text
    assert 'data-testid="returned-reason"' in page.text
    assert why in page.text


def test_transition_without_reason_when_none_needed(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    resp = post_form(
        ld,
        f"/requests/{rid}",
        {"target": "in_diagnosis", "reason": ""},
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 303
    page = ld.get(f"/requests/{rid}")
    assert 'data-testid="request-state" data-state="in_diagnosis"' in page.text
    assert escape("is now 'In diagnosis'") in page.text


def test_illegal_transition_shows_the_service_message_and_keeps_the_reason(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    resp = post_form(
        ld,
        f"/requests/{rid}",
        {"target": "pilot", "reason": "Skip ahead please."},
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 409
    assert "A request cannot move from" in resp.text
    assert "Skip ahead please." in resp.text


def test_manager_cannot_move_a_request(client_as):
    manager = client_as("manager")
    rid = submitted_request(manager)
    resp = post_form(
        manager,
        f"/requests/{rid}",
        {"target": "declined", "reason": "No."},
        page_url=f"/requests/{rid}",
    )
    assert resp.status_code == 403


def test_submit_a_stored_draft_from_the_request_page(client_as):
    client = client_as("manager")
    rid = new_request(client, title=unique("Stored draft"), **COMPLETE)
    resp = post_form(client, f"/requests/{rid}/submit", {}, page_url=f"/requests/{rid}")
    assert resp.status_code == 303
    assert 'data-state="submitted"' in client.get(f"/requests/{rid}").text


# --- the list and its filters --------------------------------------------------------------


def test_list_has_badges_and_no_metric_flag(client_as):
    manager = client_as("manager")
    title = unique("Listed")
    rid = submitted_request(manager, title=title)
    page = manager.get("/requests")
    assert page.status_code == 200
    row = re.search(
        rf'<tr data-testid="request-row" data-request-id="{rid}".*?</tr>', page.text, re.S
    ).group(0)
    assert title in row
    assert 'class="state state-submitted"' in row
    assert 'data-testid="no-metric"' in row
    assert "urgency-normal" in row


def test_list_filters_by_text_state_and_no_metric(client_as):
    manager = client_as("manager")
    marker = uuid.uuid4().hex[:8]
    draft = new_request(manager, title=f"Filter {marker} draft")
    sub = submitted_request(manager, title=f"Filter {marker} submitted")
    ld = client_as("ld")
    page = ld.get("/requests", params={"q": marker})
    ids = set(re.findall(r'data-testid="request-row" data-request-id="(\d+)"', page.text))
    assert ids == {str(sub)}  # the draft stays private to its requester
    page = manager.get("/requests", params={"q": marker})
    ids = set(re.findall(r'data-testid="request-row" data-request-id="(\d+)"', page.text))
    assert ids == {str(draft), str(sub)}
    page = ld.get("/requests", params={"q": marker, "state": "submitted", "no_metric": "1"})
    ids = set(re.findall(r'data-testid="request-row" data-request-id="(\d+)"', page.text))
    assert ids == {str(sub)}
    assert 'value="submitted" selected' in page.text
    # Empty parameters, as a plain GET form sends them, mean "any".
    page = ld.get("/requests?q=&state=&urgency=&priority_id=&department_id=&q=" + marker)
    assert page.status_code == 200


def test_list_htmx_request_returns_only_the_table(client_as):
    page = client_as("ld").get("/requests", headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert page.text.lstrip().startswith('<div id="request-results"')
    assert "<html" not in page.text and "<nav" not in page.text
    # A history restore gets the whole page.
    full = client_as("ld").get(
        "/requests", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in full.text


def test_list_filter_form_is_htmx_enhanced_but_a_plain_get(client_as):
    page = client_as("ld").get("/requests")
    form = re.search(r'<form method="get" action="/requests".*?>', page.text, re.S).group(0)
    assert 'hx-get="/requests"' in form
    assert 'hx-target="#request-results"' in form
    assert 'hx-push-url="true"' in form


def test_anonymous_is_sent_to_sign_in(client_as):
    resp = client_as(None).get("/requests/new")
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/login")
