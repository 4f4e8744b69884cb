"""The guided diagnosis page: six cells, live recommendation, conclusion that moves the request."""

from __future__ import annotations

import re

from markupsafe import escape
from tests.web.test_request_pages import post_form, submitted_request

from lodestar.domain.diagnosis import CELL_GUIDES


def findings(**cells: str) -> dict[str, str]:
    """Form fields for the six cells: the given findings, the rest 'no_barrier'."""
    data: dict[str, str] = {}
    for g in CELL_GUIDES:
        data[f"finding_{g.cell}"] = cells.get(g.cell, "no_barrier")
        data[f"evidence_{g.cell}"] = f"Looked at {g.cell}."
        if g.default_fix:
            data[f"fix_{g.cell}"] = g.default_fix
    return data


def test_page_lists_six_cells_environment_first(client_as):
    rid = submitted_request(client_as("manager"))
    page = client_as("ld").get(f"/requests/{rid}/diagnosis")
    assert page.status_code == 200
    order = re.findall(r'data-testid="cell-(\w+)"', page.text)
    assert order == ["information", "resources", "incentives", "knowledge", "capacity", "motives"]
    for g in CELL_GUIDES:
        assert g.title in page.text
        for q in g.questions:
            assert escape(q) in page.text
        for opt in ("barrier", "no_barrier", "unknown"):
            assert f'name="finding_{g.cell}" value="{opt}"' in page.text
        if g.default_fix:
            select = re.search(rf'<select id="fix_{g.cell}".*?</select>', page.text, re.S).group(0)
            assert f'value="{g.default_fix}" selected' in select
        else:
            assert f'name="fix_{g.cell}"' not in page.text
    assert 'data-testid="recommendation-empty"' in page.text


def test_workflow_problem_is_redirected_to_process_fix(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    url = f"/requests/{rid}/diagnosis"
    data = findings(resources="barrier")
    data["evidence_resources"] = "Hand-offs between sales and delivery sit in three queues."

    # Save: plain POST redirects back, the page shows the recommendation.
    resp = post_form(ld, url, {**data, "action": "save"})
    assert resp.status_code == 303
    assert resp.headers["location"] == f"{url}#recommendation"
    page = ld.get(url)
    assert 'data-testid="request-state" data-state="in_diagnosis"' in page.text
    assert 'data-outcome="non_training_fix"' in page.text
    assert 'data-fix="process_workflow"' in page.text
    assert "Hand-offs between sales and delivery sit in three queues." in page.text
    radio = re.search(r'name="finding_resources" value="barrier"[^>]*>', page.text)
    assert radio and "checked" in radio.group(0)

    # Conclude: the request is redirected and the request page shows why.
    resp = post_form(ld, url, {**data, "action": "conclude"})
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/requests/{rid}"
    page = ld.get(f"/requests/{rid}")
    assert 'data-testid="request-state" data-state="redirected"' in page.text
    assert 'data-testid="diagnosis-outcome" data-outcome="non_training_fix"' in page.text
    assert "Process or workflow" in page.text
    assert "The diagnosis is concluded" in page.text
    # The requester sees the decision too.
    mgr_page = client_as("manager").get(f"/requests/{rid}")
    assert 'data-state="redirected"' in mgr_page.text
    assert 'data-testid="diagnosis-summary"' in mgr_page.text
    # The closed diagnosis is read-only.
    page = ld.get(url)
    assert 'data-testid="diagnosis-locked"' in page.text
    assert 'data-testid="conclude"' not in page.text


def test_knowledge_gap_is_accepted(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    url = f"/requests/{rid}/diagnosis"
    resp = post_form(ld, url, {**findings(knowledge="barrier"), "action": "conclude"})
    assert resp.status_code == 303
    page = ld.get(f"/requests/{rid}")
    assert 'data-state="accepted"' in page.text
    assert 'data-outcome="learning_solution"' in page.text


def test_override_needs_a_reason_and_keeps_the_input(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    url = f"/requests/{rid}/diagnosis"
    data = findings(resources="barrier")
    data["evidence_motives"] = "Typed but not yet saved."
    resp = post_form(ld, url, {**data, "action": "conclude", "outcome": "learning_solution"})
    assert resp.status_code == 422
    assert 'data-testid="diagnosis-error"' in resp.text
    assert "say why in the override reason" in resp.text
    assert "Typed but not yet saved." in resp.text
    assert '<option value="learning_solution" selected>' in resp.text
    assert 'data-outcome="non_training_fix"' in resp.text  # the typed findings' recommendation
    # Nothing moved.
    assert 'data-state="submitted"' in ld.get(f"/requests/{rid}").text

    why = "The sponsor funds a workshop regardless; we pair it with the workflow fix."
    resp = post_form(
        ld,
        url,
        {**data, "action": "conclude", "outcome": "learning_solution", "override_reason": why},
    )
    assert resp.status_code == 303
    page = ld.get(f"/requests/{rid}")
    assert 'data-state="accepted"' in page.text
    assert why in page.text


def test_htmx_save_returns_the_recommendation_fragment(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    url = f"/requests/{rid}/diagnosis"
    form = ld.get(url).text
    assert 'hx-post="' + url + '"' in form and 'hx-target="#recommendation"' in form
    resp = ld.post(
        url,
        data={**findings(incentives="barrier"), "action": "save"},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 200
    text = resp.text.lstrip()
    assert text.startswith('<section id="recommendation"')
    assert "<html" not in text and 'data-testid="cell-' not in text
    assert 'data-outcome="non_training_fix"' in text
    assert 'data-testid="saved-note"' in text
    # An htmx error comes back as the same fragment with the message.
    resp = ld.post(
        url,
        data={**findings(incentives="barrier"), "action": "conclude", "outcome": "no_action"},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 422
    assert resp.text.lstrip().startswith('<section id="recommendation"')
    assert 'data-testid="diagnosis-error"' in resp.text
    # An htmx conclusion sends the browser to the request page.
    resp = ld.post(
        url,
        data={**findings(incentives="barrier"), "action": "conclude"},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 200
    assert resp.headers["HX-Redirect"] == f"/requests/{rid}"


def test_manager_cannot_diagnose(client_as):
    manager = client_as("manager")
    rid = submitted_request(manager)
    assert manager.get(f"/requests/{rid}/diagnosis").status_code == 403
    resp = manager.post(f"/requests/{rid}/diagnosis", data={**findings(), "action": "save"})
    assert resp.status_code == 403
    assert client_as("executive").get(f"/requests/{rid}/diagnosis").status_code == 403


def test_ld_request_page_links_to_the_diagnosis(client_as):
    rid = submitted_request(client_as("manager"))
    page = client_as("ld").get(f"/requests/{rid}")
    assert f'href="/requests/{rid}/diagnosis" data-testid="open-diagnosis"' in page.text
