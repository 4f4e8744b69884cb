"""Erasing one person (pseudonymisation across every table) and exporting one person: wall
time on the demo organisation, SQLite, median of several people.

Erasure searches every text and JSON column of every table for the person's identifiers
(name, email, HR number, the email's SHA-1) and rewrites what it finds; with
``--delete-facts`` it also deletes the person's KPI values from both stores. Each run erases a
different person inside a transaction that is rolled back, so the database stays as seeded.
Not a test.

    uv run python benchmarks/privacy_erasure.py                  # 2,000 employees, 5 people
    uv run python benchmarks/privacy_erasure.py --employees 20000 --people 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--people", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.db import kpi_store
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import Employee, User
    from lodestar.db.session import make_engine
    from lodestar.services.accounts import actor_of
    from lodestar.services.demo import seed_demo
    from lodestar.services.privacy import erase_person, person_export

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='lodestar-bench-')) / 'p.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=args.employees, seed=42)
    with Session(engine) as s:
        rows = kpi_store.observation_count(s)
        admin = actor_of(s.scalars(select(User).where(User.role == "admin")).first())
        people = s.scalars(
            select(Employee.external_id)
            .where(Employee.exit_date.is_(None))
            .order_by(Employee.id)
            .limit(args.people)
        ).all()
    timings: dict[str, list[float]] = {"export": [], "pseudonymise": [], "delete facts": []}
    for ref in people:
        for label, delete in (("pseudonymise", False), ("delete facts", True)):
            with Session(engine) as s:
                if not delete:
                    started = time.perf_counter()
                    person_export(s, admin, ref)
                    timings["export"].append(time.perf_counter() - started)
                started = time.perf_counter()
                erase_person(s, admin, ref, confirm=ref, delete_facts=delete)
                s.flush()
                timings[label].append(time.perf_counter() - started)
                s.rollback()
    print(f"SQLite, {args.employees:,} employees, {rows:,} KPI observations, {len(people)} people")
    for label, values in timings.items():
        print(f"  {label:<13} median {statistics.median(values):6.2f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
