"""The triage board: columns by state, flags for missing metrics, filters, access."""

from __future__ import annotations

import re
import uuid

from tests.web.test_request_pages import COMPLETE, new_request, submitted_request


def card_ids(html: str, state: str) -> set[str]:
    col = re.search(rf'data-testid="column-{state}".*?</section>', html, re.S)
    assert col, f"no column {state}"
    return set(re.findall(r'data-testid="triage-card" data-request-id="(\d+)"', col.group(0)))


def test_board_shows_columns_cards_and_flags(client_as):
    manager = client_as("manager")
    marker = uuid.uuid4().hex[:8]
    incomplete = new_request(manager, title=f"Board {marker} incomplete", action="submit")
    complete = submitted_request(manager, title=f"Board {marker} complete")
    page = client_as("ld").get("/triage")
    assert page.status_code == 200
    for state in (
        "needs_information",
        "submitted",
        "in_diagnosis",
        "accepted",
        "redirected",
        "declined",
    ):
        assert f'data-testid="column-{state}"' in page.text
    assert str(incomplete) in card_ids(page.text, "needs_information")
    assert str(complete) in card_ids(page.text, "submitted")
    card = re.search(
        rf'data-testid="triage-card" data-request-id="{complete}".*?</article>', page.text, re.S
    ).group(0)
    assert f"Board {marker} complete" in card
    assert 'data-testid="no-metric"' in card and 'data-testid="no-priority"' in card
    assert re.search(rf'class="card-meta">#{complete} · \w', card)  # the requester's name
    assert "today" in card


def test_banner_reports_the_share_of_open_requests_without_a_metric(client_as):
    submitted_request(client_as("manager"))  # at least one open request has no metric
    page = client_as("ld").get("/triage")
    banner = re.search(
        r'<div class="metric-banner[^"]*"[^>]*data-testid="metric-banner".*?</div>\s*</div>',
        page.text,
        re.S,
    )
    assert banner, "no banner"
    share = float(re.search(r'data-share="([\d.]+)"', banner.group(0)).group(1))
    assert 0 < share <= 1
    assert f"{round(share * 100)}%" in banner.group(0)
    assert "name no metric" in banner.group(0) or "names no metric" in banner.group(0)
    assert "/triage?no_metric=1" in banner.group(0)


def test_board_filters_and_htmx_fragment(client_as):
    manager = client_as("manager")
    marker = uuid.uuid4().hex[:8]
    urgent = submitted_request(manager, title=f"Urgent {marker}", urgency="urgent")
    calm = submitted_request(manager, title=f"Calm {marker}", urgency="low")
    ld = client_as("ld")
    page = ld.get("/triage", params={"q": marker, "urgency": "urgent"})
    assert card_ids(page.text, "submitted") == {str(urgent)}
    page = ld.get("/triage", params={"q": marker})
    assert card_ids(page.text, "submitted") == {str(urgent), str(calm)}
    frag = ld.get("/triage", params={"q": marker}, headers={"HX-Request": "true"})
    assert frag.status_code == 200
    assert frag.text.lstrip().startswith('<div id="triage-board"')
    assert "<html" not in frag.text
    assert 'data-testid="metric-banner"' in frag.text


def test_no_metric_filter_on_the_board(client_as):
    manager = client_as("manager")
    marker = uuid.uuid4().hex[:8]
    rid = submitted_request(manager, title=f"Nometric {marker}")
    page = client_as("ld").get("/triage", params={"q": marker, "no_metric": "1"})
    assert card_ids(page.text, "submitted") == {str(rid)}
    assert 'data-share="1.000"' in page.text


def test_executive_reads_the_board(client_as):
    page = client_as("executive").get("/triage")
    assert page.status_code == 200
    assert "Diagnose →" not in page.text  # executives do not diagnose


def test_managers_and_employees_get_403(client_as):
    for role in ("manager", "employee"):
        resp = client_as(role).get("/triage")
        assert resp.status_code == 403
        assert "triage board is for the L&amp;D team" in resp.text


def test_invalid_filter_is_explained(client_as):
    resp = client_as("ld").get("/triage", params={"state": "lost"})
    assert resp.status_code == 422
    assert "is not a valid request state" in resp.text


def test_complete_fields_fixture_is_long_enough():
    assert all(len(v) >= 12 for v in COMPLETE.values())
