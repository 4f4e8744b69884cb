"""A changed frame is served from the kept one while a background thread computes the new
one; the figures catch up without anyone waiting."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import Employee, User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.skills.assessments import record_assessment
from lodestar.services.skills.base import skills_base


def test_stale_while_revalidate(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=100, seed=3)
    with Session(engine) as s:
        first = skills_base(s)
        assert skills_base(s) is first
    with Session(engine) as s, s.begin():
        ld = actor_of(s.scalars(select(User).where(User.role == "ld")).first())
        person = s.scalar(select(Employee.id).where(Employee.exit_date.is_(None)))
        record_assessment(s, ld, person, "BW-DATA", 1, "quiz", date.today())
    with Session(engine) as s:
        assert skills_base(s) is first  # served while the new frame is computed
        deadline = time.monotonic() + 60
        while skills_base(s) is first and time.monotonic() < deadline:
            time.sleep(0.2)
        fresh = skills_base(s)
    assert fresh is not first and fresh.stamp != first.stamp
    assert len(fresh.latest) == len(first.latest) + 1
    engine.dispose()
