"""In real Chromium: an employee takes the leadership-style quiz, sees their style and the
learning it recommends, puts it in a plan, completes the steps of a path and receives a badge,
whose public page verifies for a visitor who is not signed in (screenshots of each step)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in_as
from tests.browser.test_leadership_flow import AXE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMPLOYEE = "jonas@brightwater.example"
SERVANT = {
    "new-project": "ask-needs", "missed-deadline": "unblock", "hard-call": "cushion",
    "praise": "had-back", "meeting": "notes", "change": "shield", "energy": "helping",
    "hire": "attitude",
}  # fmt: skip


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """WCAG 2.1 A/AA violations axe-core finds on the page (none checked without axe-core)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())
    return page.evaluate(  # type: ignore[no-any-return]
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations.map(v => v.id)"""
    )


def test_employee_quiz_plan_step_badge_and_public_check(page, browser, live_server):  # type: ignore[no-untyped-def]
    sign_in_as(page, EMPLOYEE)
    page.click("text=My learning")
    page.wait_for_url("**/me")
    page.click("text=Take a quiz")
    page.click("text=Take the quiz")
    page.wait_for_url("**/quizzes/leadership-style")
    for question, option in SERVANT.items():
        page.check(f"input[name='{question}'][value='{option}']")
    shot(page, "31-quiz-answered")
    page.click("text=See my result")
    page.wait_for_url("**/quizzes/attempts/*")
    assert page.inner_text("#outcome") == "Your style: Servant"
    recommended = page.locator("#recommendations li strong").all_inner_texts()
    assert recommended == ["Resilience", "Storytelling", "Taking Ownership"]
    links = page.locator("#recommendations a[data-skill-link]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [f"/skills?q={c}" for c in ("resilience", "storytelling", "taking-ownership")]
    assert page.locator("#strengths li").count() >= 2
    shot(page, "32-quiz-result")
    assert axe_violations(page) == []
    page.click("#build-plan")
    page.wait_for_url("**/me#plan")
    entry = page.locator("article[data-path='storytelling']")
    assert entry.count() == 1
    shot(page, "33-plan")
    for _ in range(2):  # the module, then the practice: the two required steps
        page.locator("article[data-path='storytelling'] button:has-text('Mark done')").first.click()
        page.wait_for_load_state()
    assert "a badge is awarded" in page.inner_text(".flash")
    badge = page.locator("#badge-list a").first
    assert badge.inner_text() == "Storytelling"
    href = badge.get_attribute("href")
    shot(page, "34-badge-in-my-area")
    context = browser.new_context(base_url=live_server)  # a visitor, not signed in
    visitor = context.new_page()
    visitor.goto(href)
    assert "Verified: this badge is genuine" in visitor.inner_text("#verdict")
    # signature, identity, revocation, status (the revocation list), dates
    assert visitor.locator("#checks li").count() == 5
    shot(visitor, "35-badge-public-page")
    assert axe_violations(visitor) == []
    with visitor.expect_download() as info:
        visitor.click("#download-json")
    assert info.value.suggested_filename.endswith(".json")
    context.close()
