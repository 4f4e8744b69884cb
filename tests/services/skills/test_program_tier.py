"""Skills gained (tier 2) is aggregated in the database; it says what the same before–after
comparison done in pandas over every participant's assessments says, window edges included."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramEnrolment, Skill, SkillAssessment
from lodestar.services.privacy.groups import GroupRule
from lodestar.services.skills import program_tier


def _reference(session: Session, program_id: int, rule: GroupRule) -> list[tuple]:
    """The comparison row by row in pandas (how it was computed before)."""
    stmt = (
        select(
            SkillAssessment.id, SkillAssessment.employee_id, Skill.code, Skill.name,
            SkillAssessment.source, SkillAssessment.level, SkillAssessment.assessed_on,
            ProgramEnrolment.start_date,
        )
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == SkillAssessment.employee_id)
        .join(Skill, Skill.id == SkillAssessment.skill_id)
        .where(
            ProgramEnrolment.program_id == program_id,
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
        )
    )  # fmt: skip
    frame = pd.read_sql(stmt, session.connection())
    if frame.empty:
        return []
    days = (pd.to_datetime(frame["assessed_on"]) - pd.to_datetime(frame["start_date"])).dt.days
    frame = frame.assign(days=days).sort_values(["assessed_on", "id"])
    keys = ["employee_id", "code", "name", "source"]
    before = frame[(frame["days"] < 0) & (frame["days"] >= -180)].groupby(keys)["level"].last()
    after = frame[(frame["days"] >= 30) & (frame["days"] <= 365)].groupby(keys)["level"].last()
    both = pd.concat({"before": before, "after": after}, axis=1).dropna()
    out = []
    for (code, _, source), rows in both.groupby(level=["code", "name", "source"]):
        hidden = rule.hides(len(rows))
        b, a = float(rows["before"].mean()), float(rows["after"].mean())
        out.append((code, source, len(rows), None if hidden else pytest.approx(a - b)))
    return sorted(out, key=lambda r: (r[0], r[1]))


def _gains(session: Session, program_id: int, rule: GroupRule) -> list[tuple]:
    found = program_tier._gains(session, program_id, rule)
    return sorted(
        ((g.skill_code, g.source, g.people, g.change) for g in found), key=lambda r: r[:2]
    )


def test_every_demo_program_matches_the_row_by_row_reference(db: Session) -> None:
    rule = GroupRule(5)
    programs = db.scalars(select(Program.id).order_by(Program.id)).all()
    assert any(_reference(db, p, rule) for p in programs), "the demo plants skills gained"
    for program_id in programs:
        assert _gains(db, program_id, rule) == _reference(db, program_id, rule)


def test_the_windows_edges_and_the_latest_assessment_count(db: Session) -> None:
    """Before: the latest from 180 days up to the day before the start; after: the latest
    from 30 to 365 days after it. Days 0-29, before -180 and after 365 are left out."""
    rule = GroupRule(1)
    enrolment = db.scalars(
        select(ProgramEnrolment)
        .where(ProgramEnrolment.group == "participant", ProgramEnrolment.start_date.is_not(None))
        .order_by(ProgramEnrolment.id)
    ).first()
    assert enrolment is not None and enrolment.start_date is not None
    skill = Skill(code="test:edges", name="Edge skill")
    db.add(skill)
    db.flush()
    start = enrolment.start_date
    for days, level in [(-181, 9.0), (-180, 1.0), (-1, 2.0), (0, 9.0), (29, 9.0), (30, 3.0),
                        (365, 4.0), (366, 9.0)]:  # fmt: skip
        db.add(
            SkillAssessment(
                employee_id=enrolment.employee_id, skill_id=skill.id, level=level,
                source="manager", assessed_on=start + timedelta(days=days),
            )
        )  # fmt: skip
    db.flush()
    gained = {g.skill_code: g for g in program_tier._gains(db, enrolment.program_id, rule)}
    edge = gained["test:edges"]
    assert (edge.people, edge.before, edge.after, edge.change) == (1, 2.0, 4.0, 2.0)
    assert _gains(db, enrolment.program_id, rule) == _reference(db, enrolment.program_id, rule)
