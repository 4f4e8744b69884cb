"""In real Chromium with every request off this server blocked: /api/docs shows the API's
operations (Swagger UI comes from static/vendor, not from a CDN)."""

from __future__ import annotations

import pytest

from lodestar.web.routes.api_docs import swagger_installed
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_api_docs_render_the_operations_offline(browser, live_server):
    if not swagger_installed():
        pytest.fail("Swagger UI is not in static/vendor: run scripts/setup (needs npm).")
    context = browser.new_context(base_url=live_server)
    outside: list[str] = []

    def only_this_server(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live_server):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    try:
        page.goto("/api/docs")
        page.wait_for_selector(".opblock", timeout=15_000)
        operations = page.locator(".opblock").count()
        assert operations >= 20, f"only {operations} operations shown"
        assert "Lodestar" in page.inner_text(".info")
        shot(page, "api-docs-offline")
    finally:
        context.close()
    assert outside == [], f"/api/docs asked other servers for {outside}"
