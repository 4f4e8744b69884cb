"""In real Chromium: the Head of Customer Service opens the skills heat map from the menu and sees
her own reporting line's teams only, their largest gaps, small groups hidden, and the
self-ratings waiting for her review (screenshots at desktop and phone width)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in_as
from tests.browser.test_quiz_badge_flow import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SERVICE_HEAD = "aisha@brightwater.example"


def test_a_manager_sees_her_teams_heat_map(page):  # type: ignore[no-untyped-def]
    sign_in_as(page, SERVICE_HEAD)
    page.click("a[href='/skills/heatmap']")
    page.wait_for_url("**/skills/heatmap")
    assert page.inner_text("h1") == "Skills heat map"
    table = page.locator("[data-testid='heat-map']")
    assert table.is_visible()
    teams = table.locator("tbody th[scope='row']").all_inner_texts()
    assert teams, "her teams are shown"
    # Her reporting line is Customer Service: no other department's team is on her map.
    assert all(t.startswith("Customer Service") for t in teams), teams
    # The demo plants the largest gap of all in its first service team, on first-contact
    # resolution (services.demo.story_skills_people): it heads her list.
    first = page.locator("[data-testid='largest-gaps'] li").first.inner_text()
    assert first.startswith("Customer Service") and "First-contact resolution" in first, first
    cells = table.locator("tbody td")
    shown = table.locator("tbody td[class^='heat-']:not(.heat-hidden):not(.heat-none)")
    hidden = table.locator("tbody td.heat-hidden")
    assert cells.count() == len(teams) * table.locator("thead th.heat-skill").count()
    assert shown.count() + hidden.count() > 0
    for title in hidden.evaluate_all("els => els.map(e => e.title)"):
        assert title.startswith("hidden: fewer than")
    shot(page, "36-skills-heat-map")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert table.is_visible()
    shot(page, "37-skills-heat-map-phone")
