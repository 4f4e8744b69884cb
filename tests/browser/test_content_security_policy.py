"""In real Chromium: the pages keep to the content security policy they are served with.

Each role's main pages are opened and the htmx interactions used (filters, the diagnosis
form), and not one violation may be reported. The ``page`` fixture fails any browser test on a
violation too; this test makes sure the policy is really there and really enforced.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in_as, watch_policy_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LEAD = "priya@brightwater.example"
EMPLOYEE_PAGES = ["/", "/requests", "/priorities", "/kpis"]
LEAD_PAGES = [*EMPLOYEE_PAGES, "/triage", "/programs", "/imports", "/no-such-page"]


def test_lead_pages_keep_to_the_policy(page):
    sign_in_as(page, LEAD)
    visited = []
    for path in LEAD_PAGES:
        resp = page.goto(path)
        assert resp is not None
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
        visited.append(path)
    # Details reached from the lists: a priority, a KPI (progress bars, charts), a program.
    for list_path, prefix in (("/priorities", "/priorities/"), ("/kpis", "/kpis/"),
                              ("/programs", "/programs/")):  # fmt: skip
        page.goto(list_path)
        href = page.locator(f'main a[href^="{prefix}"]:not([href$="/new"])').first.get_attribute(
            "href"
        )
        page.goto(href)
        visited.append(href)
    # The htmx filter on the requests list swaps the list in place.
    page.goto("/requests")
    if page.locator("#filter-q").count():
        page.fill("#filter-q", "sales")
        page.wait_for_load_state("networkidle")
    assert len(visited) >= len(LEAD_PAGES) + 3


def test_the_policy_is_enforced(browser, live_server):
    """A script injected into the page is refused and reported: the watcher sees what it must."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    try:
        found = watch_policy_violations(page)
        sign_in_as(page, LEAD)
        assert not found
        page.evaluate(
            """() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                      document.body.appendChild(s); }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.ran") is None
        assert found, "Chromium reported no violation for an inline script"
    finally:
        context.close()
