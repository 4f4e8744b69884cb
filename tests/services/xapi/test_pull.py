"""`lodestar xapi pull`: a second Lodestar instance is the remote LRS. A pull killed midway
and resumed lands every statement exactly once; a voiding statement made on the remote
meanwhile voids the copy; a run with nothing new adds nothing (the overlap is recognised)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import LearningStatement, User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.xapi.credentials import create_credential
from lodestar.services.xapi.writer import checked_statement, write_statements

TOTAL = 1200
PAGE = 20


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _statement(i: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:p{i % 40}@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"https://lms.example.com/course/{i % 7}"},
    }


@pytest.fixture(scope="module")
def remote(tmp_path_factory) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    """A second Lodestar serving /xapi from its own database: TOTAL statements, and its demo
    learning platform's."""
    url = f"sqlite:///{tmp_path_factory.mktemp('remote') / 'remote.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=50, seed=3)
        admin = actor_of(s.scalars(select(User).where(User.role == "admin")).first())
        made = create_credential(s, admin, "puller")
        for start in range(0, TOTAL, 400):
            batch = [checked_statement(_statement(i)) for i in range(start, start + 400)]
            write_statements(s, batch)
        # Everything the remote holds: ours, and its demo learning platform's statements.
        ids = list(s.scalars(select(LearningStatement.statement_id).order_by(LearningStatement.id)))
    engine.dispose()
    port = _port()
    env = {**os.environ, "LODESTAR_DATABASE_URL": url, "LODESTAR_DEMO": "true"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "lodestar.web.app:create_app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}/xapi/"
    # On a loaded machine importing the app alone can take a minute: wait for it to answer,
    # and say so when it never does rather than let the pull meet a refused connection.
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(endpoint + "about", timeout=2)  # noqa: S310
            break
        except OSError:
            assert server.poll() is None, "the remote Lodestar instance exited at start-up"
            assert time.monotonic() < deadline, "the remote instance did not answer in 300 s"
            time.sleep(0.2)
    yield {
        "endpoint": endpoint,
        "key": made.info.key,
        "secret": made.secret,
        "ids": ids,
        "url": url,
    }
    server.terminate()
    server.wait(timeout=30)


def _pull_env(local: str, remote: dict) -> dict[str, str]:
    return {
        **os.environ,
        "LODESTAR_DATABASE_URL": local,
        "LODESTAR_XAPI__SOURCES__REMOTE__ENDPOINT": remote["endpoint"],
        "LODESTAR_XAPI__SOURCES__REMOTE__KEY": remote["key"],
        "LODESTAR_XAPI__SOURCES__REMOTE__SECRET": remote["secret"],
        "LODESTAR_XAPI__PULL_PAGE_SIZE": str(PAGE),
        "LODESTAR_XAPI__PULL_OVERLAP_SECONDS": "1",
    }


def _run_pull(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lodestar", "xapi", "pull", "remote"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(LearningStatement)) or 0)


def test_a_pull_killed_midway_resumes_and_lands_every_statement_once(tmp_path, remote):
    local = f"sqlite:///{tmp_path / 'local.db'}"
    engine = make_engine(local)
    upgrade(engine)
    env = _pull_env(local, remote)
    first = subprocess.Popen(
        [sys.executable, "-m", "lodestar", "xapi", "pull", "remote"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while _count(engine) < TOTAL // 4 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    landed = _count(engine)
    assert first.returncode == -signal.SIGKILL and 0 < landed < TOTAL, first.stderr.read()
    total = len(remote["ids"]) + 1  # with the voiding statement made below

    # Meanwhile on the remote: a statement already copied is voided.
    target = remote["ids"][0]
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:admin@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }
    remote_engine = make_engine(remote["url"])
    with Session(remote_engine) as s, s.begin():
        write_statements(s, [checked_statement(voiding)])
    remote_engine.dispose()

    resumed = _run_pull(env)
    assert resumed.returncode == 0, resumed.stderr
    with Session(engine) as s:
        rows = s.execute(select(LearningStatement.statement_id, LearningStatement.voided)).all()
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == set(remote["ids"]) | {voiding["id"]}
    assert dict(rows)[target] is True
    # The resumed run started at the page after the last one landed: it did not re-read all.
    assert f"{total - landed:,} new" in resumed.stdout

    again = _run_pull(env)
    assert again.returncode == 0 and "0 new statements" in again.stdout
    assert "already here" in again.stdout and _count(engine) == total
    engine.dispose()


def test_an_unknown_source_says_which_settings_to_set(tmp_path):
    local = f"sqlite:///{tmp_path / 'local.db'}"
    upgrade(make_engine(local))
    env = {**os.environ, "LODESTAR_DATABASE_URL": local}
    done = subprocess.run(
        [sys.executable, "-m", "lodestar", "xapi", "pull", "nowhere"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "LODESTAR_XAPI__SOURCES__NOWHERE__ENDPOINT" in done.stderr
