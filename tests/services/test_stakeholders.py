"""Stakeholder services on the seeded database, both backends: the register and its notes,
the interview log, the council agenda and decisions, program updates and the plan's ticks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, Stakeholder, TrainingRequest
from lodestar.domain.intake import STAKEHOLDER_KEYS, STAKEHOLDER_QUESTIONS
from lodestar.errors import Conflict, InvalidInput, PermissionDenied
from lodestar.services import portfolio, stakeholders
from lodestar.services.stakeholders import (
    CouncilInput,
    DecisionInput,
    InterviewInput,
    StakeholderInput,
)


def test_relationship_notes_never_leave_ld(db: Session, actors):
    noted = db.scalar(select(Stakeholder).where(Stakeholder.relationship_notes != ""))
    ld_view = stakeholders.get_stakeholder(db, actors["ld"], noted.id)
    assert ld_view.relationship_notes == noted.relationship_notes
    exec_map = stakeholders.stakeholder_map(db, actors["executive"])
    assert not exec_map.notes_visible
    assert all(v.relationship_notes is None for v in exec_map.stakeholders)
    for role in ("manager", "employee"):
        with pytest.raises(PermissionDenied):
            stakeholders.stakeholder_map(db, actors[role])
    with pytest.raises(PermissionDenied):
        stakeholders.list_interviews(db, actors["executive"])


def test_adding_a_directory_person_fills_in_name_and_refuses_a_second_entry(db: Session, actors):
    employee = actors["employee"]
    row = stakeholders.add_stakeholder(
        db, actors["ld"], StakeholderInput(user_id=employee.user_id, influence=1, interest=4)
    )
    assert row.name == employee.name and row.department_id == employee.department_id
    with pytest.raises(InvalidInput, match="already on the stakeholder map"):
        stakeholders.add_stakeholder(db, actors["ld"], StakeholderInput(user_id=employee.user_id))
    with pytest.raises(InvalidInput, match="name is empty"):
        stakeholders.add_stakeholder(db, actors["ld"], StakeholderInput(name="  "))
    with pytest.raises(PermissionDenied):
        stakeholders.add_stakeholder(db, actors["executive"], StakeholderInput(name="X"))


def test_an_interview_uses_intakes_questions_and_is_found_by_its_words(db: Session, actors):
    who = db.scalars(select(Stakeholder)).first()
    req = db.scalars(select(TrainingRequest).where(TrainingRequest.state == "submitted")).first()
    row = stakeholders.log_interview(
        db, actors["ld"],
        InterviewInput(
            stakeholder_id=who.id, held_on=date(2026, 3, 2),
            answers={"one_metric": "Quarterly churn of zebra accounts.", "no_course": ""},
            request_ids=[req.id],
        ),
    )  # fmt: skip
    found = stakeholders.list_interviews(db, actors["ld"], q="ZEBRA")
    assert [i.id for i in found] == [row.id]
    view = found[0]
    assert [a[0] for a in view.answers] == ["one_metric"]  # the blank answer is not kept
    assert view.answers[0][1] == next(
        q.question for q in STAKEHOLDER_QUESTIONS if q.key == "one_metric"
    )
    assert view.requests == ((req.id, req.title),)
    with pytest.raises(InvalidInput, match="not one of the standard questions"):
        stakeholders.log_interview(
            db, actors["ld"],
            InterviewInput(stakeholder_id=who.id, held_on=date(2026, 3, 2), answers={"x": "y"}),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="no answers and no summary"):
        stakeholders.log_interview(
            db, actors["ld"], InterviewInput(stakeholder_id=who.id, held_on=date(2026, 3, 2))
        )
    assert set(STAKEHOLDER_KEYS) >= {"one_metric", "no_course"}


def test_council_agenda_comes_from_the_data_and_decisions_link_to_it(db: Session, actors):
    today = date.today()
    council = stakeholders.create_council(db, actors["ld"], CouncilInput(held_on=today))
    view = stakeholders.council_view(db, actors["executive"], council.id)
    assert view.status == "planned" and view.agenda
    drafted = stakeholders.draft_agenda(db, today)
    assert [a.title for a in view.agenda] == [d.title for d in drafted]
    kinds = {a.kind for a in view.agenda}
    assert kinds <= {"new_requests", "pilots", "results", "decisions_needed"}
    with_program = next((a for a in view.agenda if a.program_id), None)
    item = with_program or view.agenda[0]
    stakeholders.record_decision(
        db, actors["ld"], council.id,
        DecisionInput(decision="Scale it to the second region.", agenda_item_id=item.id),
    )  # fmt: skip
    after = stakeholders.council_view(db, actors["ld"], council.id)
    assert after.status == "held"
    decided = next(a for a in after.agenda if a.id == item.id).decisions
    assert decided[0].decision == "Scale it to the second region."
    assert decided[0].program_id == item.program_id and decided[0].request_id == item.request_id
    with pytest.raises(Conflict):
        stakeholders.mark_held(db, actors["ld"], council.id)
    with pytest.raises(InvalidInput, match="not on this meeting's agenda"):
        stakeholders.record_decision(
            db, actors["ld"], council.id, DecisionInput(decision="x", agenda_item_id=999_999)
        )
    with pytest.raises(PermissionDenied):
        stakeholders.record_decision(
            db, actors["executive"], council.id, DecisionInput(decision="x")
        )
    with pytest.raises(PermissionDenied):
        stakeholders.council_view(db, actors["manager"], council.id)


def test_new_requests_count_only_between_meetings(db: Session, actors):
    last = stakeholders.list_councils(db, actors["ld"])[0]
    later = last.held_on + timedelta(days=1)
    for item in stakeholders.draft_agenda(db, later):
        assert item.kind != "new_requests" or "new request" in item.title


def test_a_program_update_says_what_changed_since_the_last(db: Session, actors):
    prog = db.scalars(select(Program).where(Program.status == "pilot")).first()
    first = stakeholders.draft_update(db, actors["ld"], prog.id)
    assert "This is the first update" in first.text
    assert "What we set out to move" in first.text
    stakeholders.record_update(db, actors["ld"], prog.id)
    same = stakeholders.draft_update(db, actors["ld"], prog.id)
    assert same.changes == ("Nothing has changed since the last update.",)
    prog.status = "scaled"
    db.flush()
    moved = stakeholders.draft_update(db, actors["ld"], prog.id)
    assert moved.changes[0] == "It moved from pilot to scaled."
    with pytest.raises(PermissionDenied):
        stakeholders.draft_update(db, actors["executive"], prog.id)


def test_plan_items_the_data_cannot_see_are_ticked_by_hand(db: Session, actors):
    before = portfolio.ninety_day_plan(db, actors["executive"])
    brief = next(i for i in before.items if i.spec.key == "impact_brief")
    assert not brief.done
    portfolio.tick_plan_item(db, actors["ld"], "impact_brief")
    after = portfolio.ninety_day_plan(db, actors["ld"])
    ticked = next(i for i in after.items if i.spec.key == "impact_brief")
    assert ticked.done and ticked.ticked_by == actors["ld"].name
    assert after.done_count == before.done_count + 1
    with pytest.raises(Conflict):
        portfolio.tick_plan_item(db, actors["ld"], "impact_brief")
    with pytest.raises(InvalidInput, match="checked from the data"):
        portfolio.tick_plan_item(db, actors["ld"], "pilot")
    with pytest.raises(PermissionDenied):
        portfolio.tick_plan_item(db, actors["executive"], "impact_brief")
    with pytest.raises(PermissionDenied):
        portfolio.ninety_day_plan(db, actors["manager"])
