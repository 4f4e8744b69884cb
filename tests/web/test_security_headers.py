"""Every response carries the security headers; signed-in pages and API answers are not cached;
a 405 says which methods the address allows."""

from __future__ import annotations

import pytest

from lodestar.web.headers import CONTENT_SECURITY_POLICY

PAGES = ["/", "/requests", "/priorities", "/kpis", "/triage", "/programs", "/imports"]


def _check_common(resp) -> None:  # type: ignore[no-untyped-def]
    h = resp.headers
    assert h["content-security-policy"] == CONTENT_SECURITY_POLICY or resp.url.path.startswith(
        "/api/docs"
    )
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert "script-src 'self'" in h["content-security-policy"]
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"


def test_signed_in_pages_and_api_answers_carry_the_headers_and_are_not_cached(client_as):
    client = client_as("ld")
    for path in [*PAGES, "/api/me", "/api/priorities", "/api/kpis"]:
        resp = client.get(path)
        assert resp.status_code == 200, path
        _check_common(resp)
        assert resp.headers["cache-control"] == "no-store", path


@pytest.mark.parametrize(
    "path", ["/login", "/no-such-page", "/api/no-such-thing", "/api/me", "/static/app.css"]
)
def test_every_response_carries_them_signed_in_or_not(client_as, path):
    resp = client_as(None).get(path)
    _check_common(resp)
    if not path.startswith("/static/"):
        assert resp.headers["cache-control"] == "no-store"


def test_a_method_not_allowed_says_which_methods_are(client_as):
    client = client_as("ld")
    resp = client.delete("/api/me")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "GET"
    assert resp.headers["content-type"].startswith("application/problem+json")
    page = client.put("/priorities/new")
    assert page.status_code == 405
    assert set(page.headers["allow"].split(", ")) == {"GET", "POST"}


def test_templates_hold_no_inline_script_style_or_handler():
    """What the policy refuses must not be in the templates: inline <script> or <style>,
    style="..." or on...= attributes, javascript: links, hx-on (htmx would eval it)."""
    import re

    from lodestar.web.templating import TEMPLATES_DIR

    banned = re.compile(
        r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:|hx-on", re.IGNORECASE
    )
    found = [
        f"{p.relative_to(TEMPLATES_DIR)}: {m.group(0)!r}"
        for p in TEMPLATES_DIR.rglob("*.html")
        for m in banned.finditer(p.read_text())
    ]
    assert not found, "\n".join(found)
