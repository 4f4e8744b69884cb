"""Statements about a program's activity IRIs count in its tier 1: launched, completed,
passed and the mean score per person, voided statements never, small groups hidden."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from lodestar.db.models import Program
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services.impact.tiers import operational_tier
from lodestar.services.privacy.groups import GroupRule
from lodestar.services.xapi.program_activities import set_activity_iris
from lodestar.services.xapi.writer import checked_statement, write_statements

ADL = "http://adlnet.gov/expapi/verbs/"


def said(who: int, verb: str, iri: str, **result: object) -> dict:
    s = {"id": str(uuid.uuid4()), "actor": {"mbox": f"mailto:tier{who}@example.com"},
         "verb": {"id": ADL + verb}, "object": {"id": iri}}  # fmt: skip
    if result:
        s["result"] = result
    return s


def test_statements_about_the_programs_activities_fill_tier_1(db, actors):
    program_id = db.scalar(select(Program.id).order_by(Program.id))
    course = f"https://lms.example.com/course/{uuid.uuid4().hex[:6]}"
    module = course + "/module-1"
    assert set_activity_iris(db, actors["ld"], program_id, [course, module, course]) == [
        course,
        module,
    ]
    rows = []
    for who in range(6):
        rows.append(said(who, "launched", course))
        if who < 4:
            rows.append(said(who, "completed", module))
        if who < 3:
            rows.append(said(who, "scored", module, success=True, score={"scaled": 0.5 + who / 10}))
    rows.append(said(99, "completed", "https://lms.example.com/another-course"))
    write_statements(db, [checked_statement(s) for s in rows])
    rule = GroupRule(5)
    tier = operational_tier(db, program_id, rule=rule).statements
    assert (tier.activities, tier.statements, tier.people) == (2, 13, 6)
    assert (tier.launched, tier.completed, tier.passed, tier.scored) == (6, 4, 3, 3)
    assert tier.mean_score is None and "mean score" in tier.hidden_note  # 3 scored < 5
    wider = operational_tier(db, program_id, rule=GroupRule(3)).statements
    assert wider.mean_score == pytest.approx((0.5 + 0.6 + 0.7) / 3)
    voiding = {"id": str(uuid.uuid4()), "actor": {"mbox": "mailto:admin@example.com"},
               "verb": {"id": ADL + "voided"},
               "object": {"objectType": "StatementRef", "id": rows[1]["id"]}}  # fmt: skip
    write_statements(db, [checked_statement(voiding)])
    assert operational_tier(db, program_id, rule=rule).statements.completed == 3
    few = operational_tier(db, program_id, rule=GroupRule(10)).statements
    assert few.people == 6 and few.launched is None and "fewer than 10" in few.hidden_note


def test_only_ld_names_activity_iris_and_they_must_be_iris(db, actors):
    program_id = db.scalar(select(Program.id).order_by(Program.id))
    with pytest.raises(PermissionDenied):
        set_activity_iris(db, actors["manager"], program_id, ["https://x.org/a"])
    with pytest.raises(InvalidInput) as caught:
        set_activity_iris(db, actors["ld"], program_id, ["course 42"])
    assert caught.value.message.endswith(").")
