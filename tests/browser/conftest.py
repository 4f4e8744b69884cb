"""A live Lodestar server on a seeded SQLite file, and Debian's Chromium driven by Playwright.

Screenshots go to test-artifacts/screenshots/. When Chromium is missing the tests skip with a
message, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.services.demo import seed_demo
from lodestar.web.app import create_app
from tests.live_server import serving

CHROMIUM = os.environ.get("LODESTAR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=200, seed=11)
    engine.dispose()
    settings = Settings(database_url=url, demo=True, secret_key="browser-test-secret-0123456789")
    with serving(create_app(settings)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium was not found at {CHROMIUM}. Run scripts/setup --dev as root (it installs "
            "Debian's chromium), or set LODESTAR_CHROMIUM; browser tests are skipped."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but " + message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded 2-core machine can take 15 s+ for one page
    violations = watch_policy_violations(page)
    yield page
    context.close()
    assert not violations, f"the page broke the content security policy: {violations}"


# Collected from the page itself (the DOM event) and from the console, where Chromium reports
# what the policy refused.
_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${where}`);
});
"""


def watch_policy_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every content-security-policy violation the page reports, as it happens."""
    found: list[str] = []
    page.add_init_script(_VIOLATION_LISTENER)
    page.on(
        "console",
        lambda msg: (
            found.append(msg.text)
            if msg.type == "error" and ("Content Security Policy" in msg.text or "CSP" in msg.text)
            else None
        ),
    )
    return found


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in_as(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.click(f'button[data-persona="{email}"]')
    page.wait_for_url("**/")
