"""In real Chromium: the Head of Learning opens the portfolio, filters it to one priority, opens
the heat map, logs an interview, builds the council agenda and records a decision; an executive
sees the portfolio and the stakeholder map but not the relationship notes; on a 390 px phone
the portfolio fits the screen. Screenshots in test-artifacts/screenshots/ (the page fixture
fails the test on any content-security-policy violation)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.conftest import shot, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LEAD = "priya@brightwater.example"
EXECUTIVE = "helen@brightwater.example"
PRIORITY = "Win more of the deals we already qualify"
PHONE_PAGES = (
    ("/portfolio", "46-phone-portfolio"),
    ("/portfolio/heat-map", "47-phone-heat-map"),
    ("/stakeholders", "48-phone-stakeholders"),
)
NOTE = "Wants numbers before stories"  # one of the demo's relationship notes (Tomás Reyes)


def _progress(page) -> int:  # type: ignore[no-untyped-def]
    return int(re.search(r"(\d+) of 10", page.inner_text('[data-testid="interview-progress"]'))[1])


def test_head_of_learning_portfolio_interview_and_council(page):
    sign_in_as(page, LEAD)
    page.goto("/portfolio")
    assert page.locator('[data-testid="portfolio-row"]').count() > 3
    assert page.locator('[data-testid="pareto-chart"] svg[role="img"]').count() == 1
    assert page.locator('[data-testid="top-three"] li').count() == 3
    shot(page, "40-portfolio-ranked")

    page.select_option('[data-testid="filter-priority"]', label=PRIORITY)
    page.click('[data-testid="apply-filters"]')
    page.wait_for_url("**/portfolio?priority=*")
    rows = page.locator('[data-testid="portfolio-row"]')
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert PRIORITY in rows.nth(i).inner_text()
    shot(page, "41-portfolio-one-priority")

    page.click('[data-testid="open-heat-map"]')
    page.wait_for_url("**/portfolio/heat-map?priority=*")
    assert PRIORITY in page.inner_text("h1")
    assert page.locator('[data-testid="heat-map"] svg[role="img"]').count() == 1
    shot(page, "42-heat-map")

    page.goto("/interviews")
    before = _progress(page)
    page.click("text=Log an interview")
    page.select_option("#stakeholder_id", label="Marek Nowak")
    page.fill("#held_on", date.today().isoformat())
    page.fill("#q_one_metric", "Order lines picked per hour without a correction.")
    page.fill("#q_no_course", "Put the bin location on the pick screen.")
    page.click("text=Add to the log")
    page.wait_for_selector(".flash.success")
    assert _progress(page) == before + 1
    page.fill('[data-testid="interview-search"]', "bin location")
    page.press('[data-testid="interview-search"]', "Enter")
    page.wait_for_url("**/interviews?q=*")
    found = page.locator('[data-testid="interview"]')
    assert found.count() == 1 and "Marek Nowak" in found.inner_text()
    shot(page, "43-interview-logged")

    page.goto("/councils")
    page.fill("#held_on", date.today().isoformat())
    page.click("text=Build the agenda")
    page.wait_for_url(re.compile(r".*/councils/\d+$"))
    items = page.locator('[data-testid="agenda-item"]')
    assert items.count() >= 1
    first_title = items.nth(0).locator("strong").inner_text()
    page.select_option("#agenda_item_id", index=1)
    page.fill("#decision", "Take it into design next month with one metric agreed.")
    page.fill("#owner", "Priya Natarajan")
    page.click("text=Record the decision")
    page.wait_for_selector(".flash.success")
    decided = page.locator('[data-testid="agenda-item"]').nth(0)
    assert first_title in decided.inner_text()
    assert (
        "Take it into design next month" in decided.locator('[data-testid="decision"]').inner_text()
    )
    shot(page, "44-council-decision")


def test_executive_sees_the_portfolio_but_not_the_relationship_notes(page):
    sign_in_as(page, EXECUTIVE)
    page.goto("/portfolio")
    assert page.locator('[data-testid="portfolio-row"]').count() > 3
    page.goto("/stakeholders")
    assert page.locator('[data-testid="quadrant"]').count() == 4
    assert "Tomás Reyes" in page.inner_text('[data-testid="stakeholder-table"]')
    assert NOTE not in page.content()
    assert page.locator('[data-testid="relationship-notes"]').count() == 0
    shot(page, "45-executive-stakeholder-map")
    page.click("text=Tomás Reyes")
    assert NOTE not in page.content()
    page.goto("/interviews")
    assert "kept by the L&D team" in page.inner_text("main")


def test_portfolio_reads_on_a_phone(browser, live_server):  # type: ignore[no-untyped-def]
    from tests.browser.conftest import watch_policy_violations

    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    violations = watch_policy_violations(phone)
    try:
        sign_in_as(phone, LEAD)
        for path, name in PHONE_PAGES:
            phone.goto(path)
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} is {overflow} px wider than a 390 px screen"
            shot(phone, name)
    finally:
        context.close()
    assert not violations, violations
