"""A live Lodestar server on a seeded SQLite file, and Debian's Chromium driven by Playwright.

Screenshots go to test-artifacts/screenshots/. When Chromium is missing the tests skip with a
message, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.services.demo import seed_demo
from lodestar.web.app import create_app

CHROMIUM = os.environ.get("LODESTAR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=200, seed=11)
    engine.dispose()
    settings = Settings(database_url=url, demo=True, secret_key="browser-test-secret-0123456789")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("The test server did not start within 20 seconds.")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


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
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in_as(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.click(f'button[data-persona="{email}"]')
    page.wait_for_url("**/")
