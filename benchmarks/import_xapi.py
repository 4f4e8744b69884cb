"""Importing xAPI statements with full validation: statements per second.

Generates JSON lines (mixed actor identifiers, results, registrations, 1 % voiding
statements), then for each run a fresh migrated SQLite database holding the matching
employees, and one timed ``import_file(kind="xapi")`` + commit. Prints the median. Not a test.

    uv run python benchmarks/import_xapi.py                  # 50,000 statements, 3 runs
    uv run python benchmarks/import_xapi.py --statements 200000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

PEOPLE = 2000


def statements(n: int) -> bytes:
    rng = np.random.default_rng(3)
    lines, ids = [], []
    for i in range(n):
        sid = str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i))
        person = int(rng.integers(0, PEOPLE))
        if i % 100 == 99 and ids:
            lines.append(
                json.dumps(
                    {
                        "id": sid,
                        "actor": {"mbox": f"mailto:p{person}@example.com"},
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                        "object": {"objectType": "StatementRef", "id": ids[-1]},
                        "timestamp": "2025-03-01T10:00:00Z",
                    }
                )
            )
            continue
        actor = (
            {"mbox": f"mailto:p{person}@example.com"}
            if i % 2
            else {"account": {"homePage": "https://lms.example.com", "name": f"P{person:06d}"}}
        )
        lines.append(
            json.dumps(
                {
                    "id": sid,
                    "actor": actor,
                    "version": "1.0.3" if i % 3 else "2.0.0",
                    "verb": {
                        "id": "http://adlnet.gov/expapi/verbs/completed",
                        "display": {"en-US": "completed"},
                    },
                    "object": {
                        "id": f"https://lms.example.com/activities/{i % 500}",
                        "objectType": "Activity",
                        "definition": {"name": {"en-US": f"Module {i % 500}"}},
                    },
                    "result": {
                        "score": {
                            "scaled": round(float(rng.random()), 3),
                            "raw": 50,
                            "min": 0,
                            "max": 100,
                        },
                        "success": True,
                        "completion": True,
                    },
                    "context": {"registration": str(uuid.uuid4())},
                    "timestamp": f"2025-0{1 + i % 9}-1{i % 10}T09:{i % 60:02d}:00.000Z",
                }
            )
        )
        ids.append(sid)
    return "\n".join(lines).encode()


def prepare(url: str) -> None:
    from sqlalchemy.orm import Session

    from lodestar.db.bulk import insert_frame
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import Department, Employee, Team
    from lodestar.db.session import make_engine

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        s.add(Department(id=1, code="bench", name="Bench"))
        s.flush()
        s.add(Team(id=1, name="Bench team", department_id=1))
        s.flush()
        insert_frame(
            s,
            Employee,
            pd.DataFrame(
                {
                    "id": np.arange(1, PEOPLE + 1),
                    "external_id": [f"P{i:06d}" for i in range(PEOPLE)],
                    "email": [f"p{i}@example.com" for i in range(PEOPLE)],
                    "name": "Bench person",
                    "team_id": 1,
                    "hire_date": pd.Timestamp("2020-01-01"),
                }
            ),
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from sqlalchemy.orm import Session

    from lodestar.db.session import make_engine
    from lodestar.domain.roles import Actor
    from lodestar.services.imports import import_file

    data = statements(args.statements)
    actor = Actor(user_id=0, name="bench", role="admin")
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            url = f"sqlite:///{Path(tmp) / f'x{run}.db'}"
            prepare(url)
            engine = make_engine(url)
            start = time.perf_counter()
            with Session(engine) as s, s.begin():
                report = import_file(s, actor, "xapi", data, "statements.jsonl")
            elapsed = time.perf_counter() - start
            engine.dispose()
            rates.append(args.statements / elapsed)
            print(f"  {elapsed:.2f} s, {rates[-1]:,.0f} statements/s — {report.summary()}")
    print(f"xAPI import: median {statistics.median(rates):,.0f} statements/s over {args.runs} runs")


if __name__ == "__main__":
    main()
