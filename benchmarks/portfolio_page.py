"""The portfolio page on the 100,000-employee demo: target under 300 ms.

Seeds the demo company (``--employees``, default 100,000) into a SQLite file (kept with
``--keep PATH`` and reused when it exists), builds the app on it, signs in as the Head of
Learning through the one-click persona sign-in, and times whole requests through the ASGI app
(routing, session, the services' queries, the 80/20 chart, the template): ``GET /portfolio``,
the same filtered to one priority, the heat map, the CSV export and the symptoms page. One
warm-up request each (the first chart render starts vl-convert's engine), then ``--runs``
timed requests; prints the median and the slowest, and the load average, since the machine
may be shared. Figures, not a test.

    .venv/bin/python benchmarks/portfolio_page.py
    .venv/bin/python benchmarks/portfolio_page.py --employees 2000 --runs 20
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

PAGES = (
    ("portfolio", "/portfolio"),
    ("portfolio, one priority", "/portfolio?priority={priority}"),
    ("portfolio sorted by title", "/portfolio?sort=title&dir=asc"),
    ("heat map", "/portfolio/heat-map"),
    ("CSV export", "/portfolio/export.csv"),
    ("symptoms", "/portfolio/symptoms"),
    ("API /api/portfolio", "/api/portfolio"),
)


def seed(path: Path, employees: int) -> float:
    from sqlalchemy.orm import Session

    from lodestar.db.migrate import upgrade
    from lodestar.db.session import make_engine
    from lodestar.services.demo import seed_demo

    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=employees, seed=42)
    engine.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, default=None, help="Database file to keep/reuse.")
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.config import Settings
    from lodestar.db.models import StrategicPriority, User
    from lodestar.db.session import make_engine
    from lodestar.web.app import create_app

    folder = tempfile.mkdtemp(prefix="lodestar-portfolio-")
    path = args.keep or Path(folder) / "demo.db"
    if not path.exists():
        print(f"Seeding {args.employees:,} employees into {path} ...", flush=True)
        print(f"  seeded in {seed(path, args.employees):.1f} s")
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine) as s:
        ld = s.scalars(select(User).where(User.role == "ld").order_by(User.id)).first()
        priority = s.scalars(select(StrategicPriority.id).order_by(StrategicPriority.id)).first()
        assert ld is not None
        ld_id = ld.id
    settings = Settings(database_url=url, demo=True, secret_key="portfolio-benchmark-0123456789")
    client = TestClient(create_app(settings, engine=engine), follow_redirects=False)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert csrf
    client.post(f"/login/persona/{ld_id}", data={"csrf_token": csrf[1]})

    print(f"{args.employees:,} employees, {args.runs} timed requests each, after one warm-up.")
    for name, template in PAGES:
        target = template.format(priority=priority)
        warm = client.get(target)
        assert warm.status_code == 200, (target, warm.status_code)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            resp = client.get(target)
            times.append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 200
        print(
            f"  {name:<28} median {statistics.median(times):7.1f} ms   slowest {max(times):7.1f} ms"
        )
    load = os.getloadavg()
    print(f"Load average (1, 5, 15 min): {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} "
          f"on {os.cpu_count()} cores.")  # fmt: skip
    engine.dispose()


if __name__ == "__main__":
    main()
