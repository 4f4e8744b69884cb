"""A small organisation for the nudge tests, in a fresh committed database per test (``send-due``
commits as it goes, so these tests cannot share the rolled-back fixture database).

Twelve participants (p00…p11@nudge.example) start the program on Monday 2 March 2026; p00 to
p05 report to manager m0, the rest to m1. The program has a canvas Prompt and one target
behaviour. The L&D account is user 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lodestar.config import NudgeSettings
from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine, session_factory
from lodestar.domain.roles import Actor
from lodestar.services.nudges import NudgeInput, Sender, save_nudge

LD = Actor(user_id=1, name="L&D", role="ld")
SECRET = "test-secret-key-123456789"
START = date(2026, 3, 2)  # a Monday
PARTICIPANTS = 12
BEHAVIOUR = "Runs the closing checklist before resolving a ticket"
PROMPT = "Before you click Resolve, ask: is the customer's issue really solved?"


@dataclass
class World:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    program_id: int
    participant_ids: list[int]
    manager_ids: list[int]

    def nudge(self, **fields: object) -> int:
        """Save a nudge on the program (defaults: e-mail to participants, 08:30, 3 days)."""
        values: dict[str, object] = {
            "name": "Checklist days",
            "occurrences": 3,
            "behaviour": BEHAVIOUR,
        }
        values.update(fields)
        with self.factory() as s:
            view = save_nudge(s, LD, self.program_id, NudgeInput(**values))  # type: ignore[arg-type]
            s.commit()
        return view.id


def build_world(url: str) -> World:
    from lodestar.db.models import (
        Department,
        Employee,
        Program,
        ProgramBehaviour,
        ProgramCanvas,
        ProgramEnrolment,
        Team,
    )
    from lodestar.services.accounts import create_user

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        s.add(Department(id=1, code="svc", name="Service"))
        s.flush()
        create_user(
            s, email="ld@nudge.example", name="L&D", role="ld", password="-", fast_hash=True
        )
        s.add(Team(id=1, name="Front line", department_id=1))
        s.flush()
        managers = [
            Employee(
                id=100 + i,
                external_id=f"M{i}",
                name=f"Manager {i}",
                email=f"m{i}@nudge.example",
                team_id=1,
                hire_date=date(2019, 1, 1),
            )
            for i in range(2)
        ]
        s.add_all(managers)
        s.flush()
        people = [
            Employee(
                id=1 + i,
                external_id=f"P{i:02d}",
                name=f"Pat Person{i:02d}",
                email=f"p{i:02d}@nudge.example",
                team_id=1,
                manager_id=100 + i // 6,
                hire_date=date(2024, 1, 1),
            )
            for i in range(PARTICIPANTS)
        ]
        s.add_all(people)
        program = Program(code="fcr", name="First-Contact Resolution pilot")
        s.add(program)
        s.flush()
        s.add(
            ProgramCanvas(
                program_id=program.id,
                problem="",
                place="",
                prompt=PROMPT,
                proof="",
                audience="agents",
                formats=[],
                statement="",
                updated_by_id=1,
            )
        )
        s.add(ProgramBehaviour(program_id=program.id, behaviour=BEHAVIOUR, position=0))
        s.add_all(
            ProgramEnrolment(
                program_id=program.id, employee_id=p.id, group="participant", start_date=START
            )
            for p in people
        )
        ids = (program.id, [p.id for p in people], [m.id for m in managers])
    return World(url, engine, session_factory(engine), *ids)


@pytest.fixture
def world(empty_database_url: str) -> Iterator[World]:
    w = build_world(empty_database_url)
    yield w
    w.engine.dispose()


def sender(**settings: object) -> Sender:
    values: dict[str, object] = {
        "smtp_host": "127.0.0.1",
        "smtp_security": "none",
        "mail_from": "nudges@lodestar.test",
        "retry_base_seconds": 300,
    }
    values.update(settings)
    return Sender(
        settings=NudgeSettings(**values),
        secret=SECRET,  # type: ignore[arg-type]
        base_url="http://testserver",
        iri_base="http://lodestar.test",
    )
