"""Quizzes, plans and badges on the seeded demo: the median time to take the leadership-style
quiz (score, store, write its xAPI statement), to complete a path and sign its badge (RS256
VC-JWT), to verify a badge for its public page, and to build /me. Not a test.

    uv run python benchmarks/quizzes_and_badges.py                 # 2,000-position demo, SQLite
    uv run python benchmarks/quizzes_and_badges.py --url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 25


def _median_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="A database URL (default: a new SQLite file).")
    parser.add_argument("--employees", type=int, default=2000)
    args = parser.parse_args()

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.config import Settings
    from lodestar.db.migrate import upgrade
    from lodestar.db.models import User
    from lodestar.db.session import make_engine
    from lodestar.services import badges, learning, quizzes
    from lodestar.services.accounts import actor_of
    from lodestar.services.demo import seed_demo

    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=args.employees, seed=42)
    issuer = badges.Issuer.of(Settings(public_url="https://lodestar.example.com"))
    with Session(engine) as s:
        employee = actor_of(s.scalars(select(User).where(User.role == "employee")).first())
        quiz = quizzes.built_in_quiz("leadership-style")
        answers = {q.code: [q.options[0].code] for q in quiz.questions}
        take = _median_ms(
            lambda: quizzes.take_quiz(s, employee, "leadership-style", answers, iri_base="x:")
        )
        learning.build_plan(s, employee)
        codes = list(learning.paths_by_code(s))
        awarded: list[str] = []

        def finish_a_path() -> None:
            code = codes[len(awarded) % len(codes)]
            plan = learning.add_path(s, employee, code)
            entry = next(e for e in plan.entries if e.path.code == code)
            for step in entry.path.steps:
                if step.confirmed_by == "learner":
                    done = learning.complete_step(s, employee, issuer, step.id)
            awarded.append(done.badge_public_id or "")

        first = _median_ms(finish_a_path, runs=len(codes))
        public_id = next(a for a in awarded if a)
        verify = _median_ms(lambda: badges.verify_badge(s, public_id, issuer.base_url))
        area = _median_ms(lambda: learning.my_area(s, employee))
        s.rollback()
    engine.dispose()
    print(f"{engine.dialect.name}, {args.employees:,}-position demo, median of {RUNS} runs:")
    print(f"  take the leadership-style quiz (score, store, xAPI statement): {take:.1f} ms")
    print(
        f"  complete a path's steps and sign its badge (first award, key made once): {first:.1f} ms"
    )
    print(f"  verify a badge for its public page: {verify:.1f} ms")
    print(f"  build /me (plan, quizzes, badges, programs): {area:.1f} ms")


if __name__ == "__main__":
    main()
