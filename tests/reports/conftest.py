"""The documented demo (2,000 positions, seed 42) with every program's analysis stored, made
once for the brief tests of this folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import Program, User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.services.impact.program_impact import estimate_program_impact

PROGRAMS = (
    "consultative_discovery",
    "negotiation_masterclass",
    "fcr_pilot",
    "mindful_webinars",
    "stay_conversations",
    "onboarding_buddy",
)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The documented demo with every program's analysis stored."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('briefs') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    with Session(engine) as s, s.begin():
        ld = actor_of(s.scalars(select(User).where(User.role == "ld")).first())
        for prog in s.scalars(select(Program).where(Program.code.in_(PROGRAMS))).all():
            estimate_program_impact(s, ld, prog.id)
    yield engine
    engine.dispose()
