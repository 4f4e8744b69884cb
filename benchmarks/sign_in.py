"""Sign-in through a real server (uvicorn on 127.0.0.1): the time for a wrong password on a
known e-mail against an unknown e-mail (they must match: timing must not reveal accounts), the
time of a refusal while throttled, and what 100 wrong passwords then the right one get.

    .venv/bin/python benchmarks/sign_in.py

Prints medians in milliseconds.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
import uvicorn
from sqlalchemy.orm import Session

from lodestar.config import SecuritySettings, Settings
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.services import accounts
from lodestar.web.app import create_app

PASSWORD = "correct horse battery"
RUNS = 7


def _csrf(client: httpx.Client) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert m
    return m.group(1)


def _post(client: httpx.Client, email: str, password: str) -> tuple[float, int]:
    data = {"email": email, "password": password, "csrf_token": _csrf(client)}
    start = time.perf_counter()
    resp = client.post("/login", data=data)
    return (time.perf_counter() - start) * 1000, resp.status_code


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'sign_in.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        accounts.create_user(s, email="known@example.org", name="Known", role="ld",
                             password=PASSWORD)  # fmt: skip
    engine.dispose()
    settings = Settings(database_url=url, secret_key="benchmark-secret-0123456789",
                        security=SecuritySettings(sign_in_failures_per_account=5,
                                                  sign_in_failures_per_address=10_000))  # fmt: skip
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=8765, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url="http://127.0.0.1:8765") as client:
            _post(client, "warm-up@example.org", "x")
            known, unknown = [], []
            for i in range(4):  # below the per-account limit of 5
                known.append(_post(client, "known@example.org", f"wrong {i}")[0])
            for i in range(RUNS):
                unknown.append(_post(client, f"ghost{i}@example.org", "wrong")[0])
            for i in range(100):
                _post(client, "known@example.org", f"guess {i}")
            throttled = [_post(client, "known@example.org", "guess")[0] for _ in range(RUNS)]
            right_ms, right_status = _post(client, "known@example.org", PASSWORD)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    print(f"wrong password, known e-mail: median {statistics.median(known):7.1f} ms")
    print(f"unknown e-mail:               median {statistics.median(unknown):7.1f} ms")
    print(f"refused while throttled:      median {statistics.median(throttled):7.1f} ms")
    print(f"right password after 100 wrong: HTTP {right_status} in {right_ms:.1f} ms")


if __name__ == "__main__":
    main()
