"""Password checks are capped (web/password_gate.py): while every slot is busy, sign-ins wait
without holding a worker thread, other people's API calls are answered at once, and a sign-in
that finds no slot in time gets a 503 with Retry-After and a sentence, and counts as no
failure."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from
from tests.live_server import serving

from lodestar.config import SecuritySettings, Settings
from lodestar.db.migrate import upgrade
from lodestar.db.models import SignInFailure
from lodestar.db.session import make_engine
from lodestar.services import accounts
from lodestar.web.app import create_app
from lodestar.web.password_gate import PasswordGate, default_slots

PASSWORD = "correct horse battery"
GUESSERS = 45  # more than the server's 40 worker threads
WAIT = 15  # seconds a sign-in waits for a slot before its 503


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real server whose gate has one slot and a 15 s wait (long, so a loaded machine cannot
    end the waits early: under a load average of 10 one API call was seen to take 5.7 s), a
    user to sign in as and an API token of another user."""
    url = f"sqlite:///{tmp_path_factory.mktemp('gate') / 'gate.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        accounts.create_user(s, email="sam@example.org", name="Sam", role="ld",
                             password=PASSWORD, fast_hash=True)  # fmt: skip
        other = accounts.create_user(s, email="olu@example.org", name="Olu", role="employee",
                                     password=PASSWORD, fast_hash=True)  # fmt: skip
        token = accounts.issue_api_token(s, other)
    app = create_app(
        Settings(
            database_url=url,
            secret_key="gate-test-secret-0123456789",
            security=SecuritySettings(
                password_checks_at_once=1,
                password_check_wait_seconds=WAIT,
                sign_in_failures_per_address=10_000,
            ),
        )
    )
    with serving(app) as base:
        yield app.state.password_gate, base, token, engine
    engine.dispose()


def _login(base: str, email: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=60) as client:
        csrf = csrf_from(client.get("/login").text)
        return client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf})  # fmt: skip


def _failures(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(SignInFailure)) or 0)


def test_waiting_sign_ins_hold_no_thread_and_get_a_503_that_says_when(gated):
    gate, base, token, engine = gated
    failures_before = _failures(engine)
    assert gate.try_take()  # a password check in progress holds the only slot
    try:
        with ThreadPoolExecutor(GUESSERS) as pool:
            waiting = [
                pool.submit(_login, base, f"guess{i}@example.org", "wrong") for i in range(GUESSERS)
            ]
            time.sleep(0.3)  # every guess is now waiting for the slot
            assert not any(f.done() for f in waiting)
            started = time.monotonic()
            me = httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {token}"})
            answered_in = time.monotonic() - started
            assert me.status_code == 200 and me.json()["email"] == "olu@example.org"
            # Answered while the 45 guesses still wait: they took no worker thread.
            assert not any(f.done() for f in waiting), f"API call took {answered_in:.2f} s"
            refused = [f.result() for f in waiting]
    finally:
        gate.give_back()
    assert {r.status_code for r in refused} == {503}
    assert refused[0].headers["retry-after"] == str(WAIT)
    assert "checking many passwords at this moment" in refused[0].text
    assert f"try again in {WAIT} seconds" in refused[0].text
    assert _failures(engine) == failures_before  # nothing was checked, nothing counted
    assert _login(base, "sam@example.org", PASSWORD).status_code == 303


def test_no_more_checks_run_at_once_than_the_slots(gated):
    gate, base, _, _ = gated
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda i: _login(base, "sam@example.org", PASSWORD), range(6)))
    assert {a.status_code for a in answers} == {303}  # each waited its turn, none refused
    assert gate.try_take()  # and every slot was given back
    gate.give_back()


def test_the_gate_counts_slots_across_threads():
    import anyio

    gate = PasswordGate(2, wait_seconds=5)
    running = 0
    most = 0
    lock = threading.Lock()

    def check() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    async def many() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(gate.run, check)

    # In a thread of its own: the test process may already run an event loop in this one.
    runner = threading.Thread(target=anyio.run, args=(many,))
    runner.start()
    runner.join()
    assert most == 2
    assert default_slots() >= 1
