"""In real Chromium: a manager's incomplete request comes back with what is missing; once
complete, the L&D lead diagnoses it as a workflow problem and it is redirected."""

from __future__ import annotations

import re

import pytest

from lodestar.domain.intake import INTAKE_FIELDS
from tests.browser.conftest import shot, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MANAGER = "tomas@brightwater.example"
LEAD = "priya@brightwater.example"
ANSWERS = {
    "audience_and_behaviours": "Warehouse shift leads: hand over open orders at each shift change.",
    "context_of_work": "The 06:00 and 14:00 shift changes, at the dispatch desk.",
    "cost_of_inaction": "About 40 late orders a week, each costing 180 EUR in express freight.",
    "horizon_and_constraints": "Improvement visible within 8 weeks; no changes during stocktake.",
}


def _fill_incomplete(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/requests/new")
    page.fill('input[name="title"]', title)
    page.fill(
        'textarea[name="business_objective"]',
        "Cut late dispatches from 6% to 2% of orders by the end of the quarter.",
    )
    page.click('[data-testid="submit-request"]')


def test_manager_submits_incomplete_then_complete_and_ld_redirects_it(page):
    sign_in_as(page, MANAGER)
    _fill_incomplete(page, "Teamwork training for warehouse shift leads")
    page.wait_for_selector('[data-testid="missing-fields"]')
    missing = page.locator('[data-testid="missing-fields"] li[data-field]')
    assert sorted(missing.evaluate_all("els => els.map(e => e.dataset.field)")) == sorted(ANSWERS)
    assert "matters" in page.inner_text('[data-testid="missing-fields"]') or missing.count() == 4
    # What was typed is still there.
    assert "6% to 2%" in page.input_value('textarea[name="business_objective"]')
    shot(page, "01-manager-missing-fields")
    request_id = int(re.search(r"/requests/(\d+)", page.url).group(1))

    for name, text in ANSWERS.items():
        page.fill(f'textarea[name="{name}"]', text)
    page.click('[data-testid="submit-request"]')
    page.wait_for_selector('[data-testid="request-state"][data-state="submitted"]')
    shot(page, "02-manager-submitted")

    page.click("text=Sign out")
    sign_in_as(page, LEAD)
    page.goto("/triage")
    page.wait_for_selector('[data-testid="metric-banner"]')
    assert (
        page.locator(f'[data-testid="triage-card"] a[href="/requests/{request_id}"]').count() >= 1
    )
    shot(page, "03-ld-triage-board")

    page.goto(f"/requests/{request_id}/diagnosis")
    for guide in ("information", "incentives", "knowledge", "capacity", "motives"):
        page.check(f'[data-testid="finding-{guide}-no_barrier"]')
    page.check('[data-testid="finding-resources-barrier"]')
    page.fill(
        'textarea[name="evidence_resources"]',
        "No agreed hand-off checklist between shifts; open orders live in personal notes.",
    )
    page.select_option('select[name="fix_resources"]', "process_workflow")
    page.click('[data-testid="save-findings"]')
    page.wait_for_selector('[data-testid="recommendation"][data-outcome="non_training_fix"]')
    shot(page, "04-ld-diagnosis-recommendation")
    page.click('[data-testid="conclude"]')
    page.wait_for_selector('[data-testid="request-state"][data-state="redirected"]')
    outcome = page.locator('[data-testid="diagnosis-outcome"]')
    assert outcome.get_attribute("data-outcome") == "non_training_fix"
    assert "process" in page.inner_text('[data-testid="diagnosis-summary"]').lower()
    shot(page, "05-request-redirected")


def test_intake_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_as(page, MANAGER)
        _fill_incomplete(page, "Forklift refresher without JavaScript")
        page.wait_for_selector('[data-testid="missing-fields"]')
        assert (
            page.locator('[data-testid="missing-fields"] li[data-field]').count()
            == len(INTAKE_FIELDS) - 1
        )
        for name, text in ANSWERS.items():
            page.fill(f'textarea[name="{name}"]', text)
        page.click('[data-testid="submit-request"]')
        page.wait_for_selector('[data-testid="request-state"][data-state="submitted"]')
    finally:
        context.close()
