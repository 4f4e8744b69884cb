"""Sign-in through a real server (uvicorn on 127.0.0.1).

1. Timing and throttling: a wrong password on a known e-mail against an unknown e-mail (they
   must match: timing must not reveal accounts), a refusal while throttled, and what 100 wrong
   passwords then the right one get.
2. Guessers against everyone else: another user's API calls (GET /api/me with a token), alone
   and while 40 guessers post wrong passwords for unknown e-mails as fast as they can, with the
   password checks capped as configured (the default: half the cores) and uncapped (as before
   the cap). Each run measures both; the medians of the runs' medians are printed, with what
   the guessers got.

    .venv/bin/python benchmarks/sign_in.py [--runs 5] [--guessers 40] [--calls 20]

Prints milliseconds.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import uvicorn
from sqlalchemy.orm import Session

from lodestar.config import SecuritySettings, Settings
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.services import accounts
from lodestar.web.app import create_app
from lodestar.web.password_gate import default_slots

PASSWORD = "correct horse battery"
TIMING_RUNS = 7
PORT = 8765


def _csrf(client: httpx.Client) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert m
    return m.group(1)


def _post(client: httpx.Client, email: str, password: str) -> tuple[float, int]:
    data = {"email": email, "password": password, "csrf_token": _csrf(client)}
    start = time.perf_counter()
    resp = client.post("/login", data=data)
    return (time.perf_counter() - start) * 1000, resp.status_code


def _database() -> tuple[str, str]:
    """A new database with a known account and another account's API token."""
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'sign_in.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        accounts.create_user(s, email="known@example.org", name="Known", role="ld",
                             password=PASSWORD)  # fmt: skip
        other = accounts.create_user(s, email="other@example.org", name="Other",
                                     role="employee", password=PASSWORD)  # fmt: skip
        token = accounts.issue_api_token(s, other)
    engine.dispose()
    return url, token


@contextmanager
def _serving(url: str, slots: int | None) -> Iterator[str]:
    settings = Settings(
        database_url=url,
        secret_key="benchmark-secret-0123456789",
        security=SecuritySettings(
            sign_in_failures_per_account=5,
            sign_in_failures_per_address=1_000_000,  # guessers from many addresses
            password_checks_at_once=slots,
        ),
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=PORT, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def timing_and_throttling(url: str) -> None:
    with _serving(url, None) as base, httpx.Client(base_url=base) as client:
        _post(client, "warm-up@example.org", "x")
        known = [_post(client, "known@example.org", f"wrong {i}")[0] for i in range(4)]
        unknown = [_post(client, f"ghost{i}@example.org", "wrong")[0] for i in range(TIMING_RUNS)]
        for i in range(100):
            _post(client, "known@example.org", f"guess {i}")
        throttled = [_post(client, "known@example.org", "guess")[0] for _ in range(TIMING_RUNS)]
        right_ms, right_status = _post(client, "known@example.org", PASSWORD)
    print(f"wrong password, known e-mail: median {statistics.median(known):7.1f} ms")
    print(f"unknown e-mail:               median {statistics.median(unknown):7.1f} ms")
    print(f"refused while throttled:      median {statistics.median(throttled):7.1f} ms")
    print(f"right password after 100 wrong: HTTP {right_status} in {right_ms:.1f} ms")


def _api_calls(base: str, token: str, calls: int) -> list[float]:
    out = []
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=auth, timeout=300) as client:
        for _ in range(calls):
            start = time.perf_counter()
            assert client.get("/api/me").status_code == 200
            out.append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
    return out


def _guess(base: str, stop: threading.Event, n: int, answers: Counter[str]) -> None:
    with httpx.Client(base_url=base, timeout=300) as client:
        csrf = _csrf(client)
        i = 0
        while not stop.is_set():
            data = {"email": f"guess{n}-{i}@example.org", "password": "hunter2", "csrf_token": csrf}
            try:
                answers[str(client.post("/login", data=data).status_code)] += 1
            except httpx.HTTPError as exc:
                answers[type(exc).__name__] += 1
            i += 1


def one_run(url: str, token: str, slots: int | None, guessers: int, calls: int) -> dict:
    with _serving(url, slots) as base:
        _api_calls(base, token, 3)  # warm-up
        alone = _api_calls(base, token, calls)
        stop, answers = threading.Event(), Counter[str]()
        crowd = [
            threading.Thread(target=_guess, args=(base, stop, n, answers), daemon=True)
            for n in range(guessers)
        ]
        crowd_started = time.perf_counter()
        for t in crowd:
            t.start()
        time.sleep(2.0)  # the guessers are all at it
        attacked = _api_calls(base, token, calls)
        seconds = time.perf_counter() - crowd_started
        stop.set()
        for t in crowd:
            t.join(timeout=120)
    return {"alone": alone, "attacked": attacked, "answers": answers, "seconds": seconds}


def guessers_against_others(url: str, token: str, runs: int, guessers: int, calls: int) -> None:
    cases = (("capped", None), ("uncapped", 10_000))
    results: dict[str, list[dict]] = {name: [] for name, _ in cases}
    for _ in range(runs):
        for name, slots in cases:  # interleaved, so a busy spell hurts both alike
            results[name].append(one_run(url, token, slots, guessers, calls))
    print(f"\nAnother user's GET /api/me, {calls} calls a run, median of {runs} runs' medians "
          f"(p95 over all calls); {guessers} guessers:")  # fmt: skip
    for name, slots in cases:
        rs = results[name]
        label = f"capped at {default_slots()} check(s) at once" if slots is None else "uncapped"
        alone = statistics.median(statistics.median(r["alone"]) for r in rs)
        attacked = statistics.median(statistics.median(r["attacked"]) for r in rs)
        every = sorted(ms for r in rs for ms in r["attacked"])
        p95 = every[int(0.95 * (len(every) - 1))]
        answers: Counter[str] = Counter()
        for r in rs:
            answers.update(r["answers"])
        rate = sum(sum(r["answers"].values()) / r["seconds"] for r in rs) / len(rs)
        print(f"  {label:<28} alone {alone:7.1f} ms | with guessers {attacked:7.1f} ms "
              f"(p95 {p95:7.1f} ms) | guesses answered {rate:5.1f}/s: "
              f"{dict(sorted(answers.items()))}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--guessers", type=int, default=40)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    url, token = _database()
    timing_and_throttling(url)
    guessers_against_others(url, token, args.runs, args.guessers, args.calls)


if __name__ == "__main__":
    main()
