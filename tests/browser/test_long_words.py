"""In real Chromium: a word longer than the line wraps instead of widening the page."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MANAGER = "tomas@brightwater.example"
WIDTH_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_a_five_thousand_character_word_does_not_widen_the_request_pages(page):
    sign_in_as(page, MANAGER)
    page.goto("/requests/new")
    page.fill('input[name="title"]', "W" * 200)
    page.fill('textarea[name="business_objective"]', "x" * 5000)
    page.click('[data-testid="save-draft"]')
    page.wait_for_url(re.compile(r"/requests/\d+/edit"))
    request_id = int(re.search(r"/requests/(\d+)", page.url).group(1))
    for url in (f"/requests/{request_id}", f"/requests/{request_id}/edit", "/requests"):
        page.goto(url)
        document_width, viewport = page.evaluate(WIDTH_JS)
        assert document_width <= viewport, f"{url} is {document_width} px wide"
    shot(page, "long-word-request-list")
