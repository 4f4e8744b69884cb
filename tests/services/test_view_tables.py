"""Each kept view depends on the tables it reads, and on no others: every table its SQL names is
in its list (a missed one would show stale figures), every listed table is counted, and a
write to a table it does not read leaves it kept while one it reads makes it computed again."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import Engine, delete, event, select
from sqlalchemy.orm import Session

from lodestar.db import versions
from lodestar.db.base import Base
from lodestar.db.models import (
    Employee,
    JobRole,
    PlannedMove,
    Program,
    ProgramActivity,
    ProgramEnrolment,
    SkillAssessment,
    User,
)
from lodestar.db.session import make_engine, session_factory
from lodestar.domain.roles import Actor
from lodestar.services.accounts import actor_of
from lodestar.services.impact import tiers
from lodestar.services.impact.starts import START_TABLES, kpi_start_dates, start_dates
from lodestar.services.skills import base as skills
from lodestar.services.skills.assessments import record_assessment
from lodestar.services.skills.forecast import FORECAST_TABLES, skills_forecast
from lodestar.services.skills.gaps import (
    PRIORITY_TABLES,
    heat_map,
    job_title_gaps,
    priority_gaps,
    self_rating_bias,
)
from lodestar.services.skills.program_tier import GAIN_TABLES, skills_gained

TABLES = frozenset(Base.metadata.tables)


@contextmanager
def _tables_read(engine: Engine, *raw_sql: str) -> Iterator[set[str]]:
    """The tables named by every statement run on ``engine`` inside the block (and by
    ``raw_sql``, what a view runs on the driver's own cursor, which no event sees)."""
    statements = list(raw_sql)

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    found: set[str] = set()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", record)
    text = "\n".join(statements)
    found.update(t for t in TABLES if re.search(rf"\b{t}\b", text))


def _computed_afresh(db: Session) -> None:
    """Make ``db`` a session that wrote and has not committed: it computes every view itself
    (nothing kept is served), so the statements recorded are the views' own."""
    versions.bump(db, ["programs"])
    assert versions.wrote_uncommitted(db)


def _ld(db: Session) -> Actor:
    return actor_of(db.scalars(select(User).where(User.role == "ld").order_by(User.id)).first())


def test_every_table_a_view_lists_is_counted_and_has_a_counter(db: Session) -> None:
    listed = {
        *tiers.OPERATIONAL_TABLES,
        *tiers.OBSERVED_TABLES,
        *tiers.BEHAVIOUR_TABLES,
        *START_TABLES,
        *GAIN_TABLES,
        *skills.SKILL_TABLES,
        *FORECAST_TABLES,
        *PRIORITY_TABLES,
    }
    assert listed <= versions.COUNTED
    missing = [name for name, version in versions.current(db, versions.COUNTED) if version < 0]
    assert missing == [], f"counted tables with no counter row (add one in a migration): {missing}"


def test_the_program_views_read_only_the_tables_they_list(
    db: Session, seeded_engine: Engine
) -> None:
    programs = db.scalars(select(Program.id).order_by(Program.id)).all()
    kpis = db.scalars(select(Program.kpi_id).where(Program.kpi_id.is_not(None))).all()
    with_activities = db.scalar(select(ProgramActivity.program_id).limit(1))
    assert programs and kpis and with_activities in programs  # the xAPI tier's query runs too
    _computed_afresh(db)
    views: list[tuple[Iterable[str], Callable[[int], object]]] = [
        (tiers.OPERATIONAL_TABLES, lambda p: tiers.operational_tier(db, p)),
        (tiers.OBSERVED_TABLES, lambda p: tiers.observed_behaviours(db, p)),
        (tiers.BEHAVIOUR_TABLES, lambda p: tiers.behaviour_tier(db, p)),
        (GAIN_TABLES, lambda p: skills_gained(db, p)),
        (START_TABLES, lambda p: start_dates(db, p)),
    ]
    for listed, compute in views:
        with _tables_read(seeded_engine) as read:
            for program_id in programs:
                compute(program_id)
        assert read <= set(listed), f"the view over {listed} reads {sorted(read - set(listed))}"
        assert read, "nothing recorded: the views were served, not computed"
    with _tables_read(seeded_engine) as read:
        for kpi_id in kpis:
            kpi_start_dates(db, kpi_id)
    assert read and read <= set(START_TABLES)


def test_the_skills_views_read_only_the_tables_they_list(
    db: Session, seeded_engine: Engine
) -> None:
    ld = _ld(db)
    _computed_afresh(db)
    frame = set(skills.SKILL_TABLES)
    views: list[tuple[set[str], Callable[[], object]]] = [
        (frame, lambda: heat_map(db, ld)),
        (frame, lambda: job_title_gaps(db, ld)),
        (frame, lambda: self_rating_bias(db, ld)),
        (frame | set(PRIORITY_TABLES), lambda: priority_gaps(db, ld)),
        (frame | set(FORECAST_TABLES), lambda: skills_forecast(db, ld, today=date(2026, 1, 5))),
    ]
    for listed, compute in views:
        with _tables_read(seeded_engine, skills.LATEST_SQL) as read:
            compute()
        assert read <= listed, f"the view over {sorted(listed)} reads {sorted(read - listed)}"
    # The forecast and the priorities' gaps do read their own tables beyond the frame.
    with _tables_read(seeded_engine) as read:
        skills_forecast(db, ld, today=date(2026, 1, 5))
        priority_gaps(db, ld)
    assert {"headcount_plans", "planned_moves", "strategic_priorities"} <= read


@pytest.fixture
def factory(seeded_engine: Engine) -> Iterator[Callable[[], Session]]:
    """Sessions on an engine of their own, whose commits are real (a server process's): the
    rows a test writes are deleted again at its end."""
    engine = make_engine(seeded_engine.url.render_as_string(hide_password=False))
    yield session_factory(engine)
    engine.dispose()


def _kept_frame(s: Session) -> skills.SkillsBase:
    """The skills frame at the data's current versions (a refresh started by an earlier test
    may still be under way)."""
    deadline = time.monotonic() + 60
    while (frame := skills.skills_base(s)).stamp != versions.current(s, skills.SKILL_TABLES):
        assert time.monotonic() < deadline, "the skills frame never caught up"
        time.sleep(0.2)
    return frame


def test_a_write_to_a_table_a_view_does_not_read_leaves_it_kept(
    factory: Callable[[], Session],
) -> None:
    made: list[tuple[type[Base], int]] = []
    when = date(2026, 1, 5)
    try:
        with factory() as s:
            program_id = s.scalar(
                select(ProgramEnrolment.program_id)
                .where(ProgramEnrolment.group == "participant")
                .order_by(ProgramEnrolment.program_id)
                .limit(1)
            )
            assert program_id is not None
            enrolled = select(ProgramEnrolment.employee_id).where(
                ProgramEnrolment.program_id == program_id
            )
            newcomer = s.scalar(
                select(Employee.id)
                .where(Employee.id.not_in(enrolled), Employee.exit_date.is_(None))
                .order_by(Employee.id)
                .limit(1)
            )
            participant = s.scalar(enrolled.order_by(ProgramEnrolment.employee_id).limit(1))
            role = s.scalar(select(JobRole.id).order_by(JobRole.id).limit(1))
            assert newcomer is not None and participant is not None and role is not None
            ld = _ld(s)
            tiers.PROGRAM_VIEWS.clear(s)  # the stored views too: computed here, not read
            s.commit()
            before = tiers.operational_tier(s, program_id)
            skills_gained(s, program_id)
            frame = _kept_frame(s)
            skills_forecast(s, ld, today=when)
            heat_map(s, ld)
            done, skill_views = tiers.PROGRAM_VIEWS.computed, skills.SKILL_VIEWS.computed

        # A planned move: the program's views and the skills frame are kept; the forecast,
        # which reads the moves, is computed again.
        with factory() as s:
            move = PlannedMove(employee_id=newcomer, to_job_role_id=role,
                               effective_on=date(2026, 6, 1))  # fmt: skip
            s.add(move)
            s.commit()
            made.append((PlannedMove, move.id))
        with factory() as s:
            assert tiers.operational_tier(s, program_id) is before
            assert tiers.PROGRAM_VIEWS.computed == done
            assert skills.skills_base(s) is frame
            heat_map(s, ld)
            assert skills.SKILL_VIEWS.computed == skill_views
            skills_forecast(s, ld, today=when)
            assert skills.SKILL_VIEWS.computed == skill_views + 1

        # An enrolment: the operational tier is computed again and counts the newcomer; the
        # skills frame, which does not read enrolments, is kept.
        with factory() as s:
            enrolment = ProgramEnrolment(program_id=program_id, employee_id=newcomer,
                                         group="participant", start_date=when)  # fmt: skip
            s.add(enrolment)
            s.commit()
            made.append((ProgramEnrolment, enrolment.id))
        with factory() as s:
            after = tiers.operational_tier(s, program_id)
            assert tiers.PROGRAM_VIEWS.computed == done + 1
            assert after.enrolled == before.enrolled + 1
            assert tiers.operational_tier(s, program_id) is after
            assert skills.skills_base(s) is frame

        # A manager's skill assessment: the operational tier is kept, skills gained (which
        # reads assessments) is computed again.
        with factory() as s:
            assessed = record_assessment(s, _ld(s), participant, "BW-DATA", 2, "manager", when)
            s.commit()
            made.append((SkillAssessment, assessed.id))
        with factory() as s:
            assert tiers.operational_tier(s, program_id) is after
            assert tiers.PROGRAM_VIEWS.computed == done + 1
            skills_gained(s, program_id)
            assert tiers.PROGRAM_VIEWS.computed == done + 2
    finally:
        with factory() as s:
            for model, row_id in reversed(made):
                s.execute(delete(model).where(model.id == row_id))  # type: ignore[attr-defined]
            tiers.PROGRAM_VIEWS.clear(s)
            s.commit()
