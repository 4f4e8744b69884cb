"""``lodestar nudges send-due``: deliveries a second through a local SMTP server (aiosmtpd, a dev
dependency), and the time the nudges page takes to plan a program's schedule; SQLite or
PostgreSQL, median of three runs (one occurrence a day for three days). Not a test.

    uv run python benchmarks/nudges_send_due.py                       # 2,000 participants
    uv run python benchmarks/nudges_send_due.py --participants 10000 --url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


class _Counter:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--url", default="", help="An empty database (default: a SQLite file).")
    args = parser.parse_args()

    import pandas as pd
    from aiosmtpd.controller import Controller
    from sqlalchemy.orm import Session

    from lodestar.config import NudgeSettings
    from lodestar.db.bulk import insert_frame
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import Department, Employee, Program, ProgramEnrolment, Team
    from lodestar.db.session import make_engine, session_factory
    from lodestar.domain.roles import Actor
    from lodestar.services.accounts import create_user
    from lodestar.services.nudges import NudgeInput, Sender, program_nudges, save_nudge, send_due

    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='lodestar-bench-')) / 'n.db'}"
    engine = make_engine(url)
    upgrade(engine)
    n = args.participants
    with Session(engine) as s, s.begin():
        s.add(Department(id=1, code="svc", name="Service"))
        s.flush()
        create_user(
            s, email="ld@bench.example", name="L&D", role="ld", password="-", fast_hash=True
        )
        s.add(Team(id=1, name="Front line", department_id=1))
        s.add(Program(id=1, code="bench", name="Benchmark program"))
        s.flush()
        ids = range(1, n + 1)
        insert_frame(
            s,
            Employee,
            pd.DataFrame(
                {
                    "id": ids,
                    "external_id": [f"E{i}" for i in ids],
                    "name": "Bench Person",
                    "email": [f"e{i}@bench.example" for i in ids],
                    "team_id": 1,
                    "hire_date": pd.Timestamp("2024-01-01"),
                }
            ),
        )
        insert_frame(
            s,
            ProgramEnrolment,
            pd.DataFrame(
                {
                    "program_id": 1,
                    "employee_id": ids,
                    "group": "participant",
                    "start_date": pd.Timestamp("2026-03-02"),
                }
            ),
        )
    ld = Actor(user_id=1, name="L&D", role="ld")
    factory = session_factory(engine)
    with factory() as s:
        save_nudge(s, ld, 1, NudgeInput(name="Bench", body="Hello {first_name}", occurrences=3))
        s.commit()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    counter = _Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    settings = NudgeSettings(
        smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", mail_from="bench@lodestar.test"
    )
    sender = Sender(settings, "benchmark-secret-0123456789", "http://bench", "http://bench")
    rates, plans = [], []
    try:
        for day in (2, 3, 4):
            now = datetime(2026, 3, day, 9, tzinfo=UTC)
            with factory() as s:
                started = time.perf_counter()
                report = program_nudges(s, ld, 1, now=now)
                plans.append(time.perf_counter() - started)
            assert report.nudges[0].due_now == n
            started = time.perf_counter()
            summary = send_due(factory, ld, sender, now=now)
            rates.append(summary.sent / (time.perf_counter() - started))
            assert summary.sent == n, summary
    finally:
        controller.stop()
        engine.dispose()
    backend = url.split(":", 1)[0]
    print(
        f"send-due, {n:,} participants, {backend}, local SMTP: "
        f"{statistics.median(rates):,.0f} deliveries/s (median of 3 runs)"
    )
    print(f"nudges page plan for {n:,} participants: {statistics.median(plans) * 1000:,.0f} ms")
    print(f"messages received: {counter.messages:,} of {3 * n:,}")


if __name__ == "__main__":
    main()
