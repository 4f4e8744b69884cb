"""The demo company's xAPI activity: every program names its course and module IRIs, and the
statement count is the known one (participants with a start + 2 × completers)."""

from __future__ import annotations

from sqlalchemy import func, select

from lodestar.db.models import LearningStatement, Program, ProgramActivity
from lodestar.services.demo.story_xapi import course_iris, expected_statement_count
from lodestar.services.impact.tiers import operational_tier
from lodestar.services.privacy.groups import GroupRule


def test_the_demo_holds_the_known_number_of_statements_about_its_programs(db):
    demo = LearningStatement.authority.like('%"demo-lms"%')
    count = db.scalar(select(func.count()).select_from(LearningStatement).where(demo))
    assert count == expected_statement_count(db) > 0
    assert db.scalar(select(func.count()).where(demo, LearningStatement.voided.is_(True))) == 0
    unmatched = db.scalar(select(func.count()).where(demo, LearningStatement.employee_id.is_(None)))
    assert unmatched == 0  # every actor is an employee, by account name


def test_each_program_counts_its_statements_in_tier_1(db):
    for program_id, code in db.execute(select(Program.id, Program.code)).all():
        iris = db.scalars(
            select(ProgramActivity.iri).where(ProgramActivity.program_id == program_id)
        )
        assert sorted(iris) == sorted(course_iris(code))
        tier = operational_tier(db, program_id, rule=GroupRule(1))
        enrolled = tier.enrolled
        if tier.statements.statements:
            assert tier.statements.launched <= enrolled
            assert tier.statements.completed == tier.statements.passed == tier.completed
