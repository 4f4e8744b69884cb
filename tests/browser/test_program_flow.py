"""In real Chromium: the Head of Learning takes the accepted "Objection handling" request to a
program, fills the Five Ps, sees the statement of intent, plans the pilot (MDE shown), draws
the lottery, launches, and is refused when changing the locked expectation; the Sales Director
records a 30-day observation for one of his people; the Head of Learning stops a program on
its stored result (the hand-picked Negotiation Masterclass goes back to design)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LEAD = "priya@brightwater.example"
SALES_DIRECTOR = "tomas@brightwater.example"
BEHAVIOUR = "Answers a price objection with the customer's own cost figures"


def _program_id(url: str) -> int:
    return int(re.search(r"/programs/(\d+)", url).group(1))


def test_request_to_locked_pilot_observation_and_decision(page):
    sign_in_as(page, LEAD)
    page.goto("/triage")
    page.goto("/requests?state=accepted")
    page.click("text=Objection handling for newly hired account executives")
    page.click("#make-program")
    assert "Objection handling" in page.input_value('input[name="name"]')
    page.click("text=Create the program")
    page.wait_for_url("**/design")
    pid = _program_id(page.url)

    page.fill('input[name="behaviour"] >> nth=0', "Understands objections")
    page.click("text=Save the canvas")
    assert "describes what people know or feel" in page.inner_text("#form-error")
    page.fill('input[name="behaviour"] >> nth=0', BEHAVIOUR)
    page.fill("#place", "First meetings with prospects, on site or by video")
    page.fill("#prompt", "The CRM opens the objection card when a first meeting is logged")
    page.fill("#proof", "Meeting-to-proposal conversion, weekly; managers' 30-day observations")
    page.fill("#audience", "new account executives")
    page.check('input[name="format"][value="job_aid"]')
    page.click("text=Save the canvas")
    page.wait_for_selector("#statement")
    statement = page.inner_text("#statement")
    assert statement.startswith("This program is expected to")
    assert "to answer a price objection" in statement
    shot(page, "11-program-canvas-and-statement")

    page.goto(f"/programs/{pid}/pilot")
    for box in page.locator("#plan label:has-text('Sales ·') input[name='team_id']").all():
        box.check()
    page.fill("#hoped_effect", "5")
    page.click("text=Compute and save the plan")
    page.wait_for_selector("#mde, #form-error")
    assert page.locator("#mde").count(), page.inner_text("#form-error")
    assert "Smallest change the pilot can detect" in page.inner_text("#mde")
    # A change in a KPI measured in % is in percentage points, never a bare "%".
    assert "percentage points in Meeting-to-proposal conversion" in page.inner_text("#mde")
    assert "need about" in page.inner_text("#people-needed")
    shot(page, "12-pilot-plan-mde")

    for box in page.locator("#lottery label:has-text('Sales ·') input[name='team_id']").all():
        box.check()
    page.fill("#start_date", "2026-10-05")
    page.fill("#seed", "2026")
    page.click("text=Draw the lottery")
    page.wait_for_selector("#lottery-result")
    page.fill("#expected_effect", "5")
    page.fill("#horizon_date", "2027-01-05")
    page.click("text=Launch the pilot and lock the expectation")
    page.wait_for_selector("#registered")
    assert "+5 percentage points" in page.inner_text("#registered")
    shot(page, "13-pilot-launched-locked")

    page.goto(f"/programs/{pid}/edit")
    page.fill('input[name="horizon_date"]', "2027-06-30")
    page.click("text=Save")
    assert "locked at launch" in page.inner_text("#form-error")
    shot(page, "14-locked-edit-refused")

    page.click("text=Sign out")
    sign_in_as(page, SALES_DIRECTOR)
    page.goto(f"/programs/{pid}/observations")
    assert page.locator("#employee_id option").count() >= 1
    page.fill("#observed_on", "2026-11-04")
    page.click("text=Record the observation")
    page.wait_for_selector(".flash.success")
    shot(page, "15-manager-30-day-observation")

    page.click("text=Sign out")
    sign_in_as(page, LEAD)
    page.goto("/programs")
    page.click("text=Negotiation Masterclass")
    masterclass = _program_id(page.url)
    # Other browser tests share the live server and may have analysed it already.
    page.click("text=/Run the (impact analysis|analysis again)/")
    page.wait_for_selector("#business")
    page.goto(f"/programs/{masterclass}/pilot")
    page.check('input[name="decision"][value="adapt"]')
    page.fill("#reason", "Adjusted for who was picked, the effect is not clearly above zero.")
    page.click("text=Record the decision")
    page.wait_for_selector("#history")
    history = page.inner_text("#history")
    assert "decided to adapt" in history and "on stored result #" in history
    shot(page, "16-decision-on-stored-result")
