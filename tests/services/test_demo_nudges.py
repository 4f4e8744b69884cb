"""The demo's nudge schedule for the First-Contact Resolution pilot: the counts the story says
it wrote are what the nudges page, the statements and the behaviour observations hold."""

from __future__ import annotations

from sqlalchemy import func, select

from lodestar.db.models import (
    BehaviourObservation,
    Employee,
    LearningStatement,
    NudgeOptOut,
    Program,
    ProgramEnrolment,
    WorkspaceMeta,
)
from lodestar.services.demo.story_nudges import BEHAVIOUR
from lodestar.services.nudges import program_nudges


def _count(db, *where, model=LearningStatement) -> int:  # type: ignore[no-untyped-def]
    return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_the_fcr_nudge_history_has_its_known_counts(db, actors):
    truth = db.get(WorkspaceMeta, "demo_nudge_truth").value
    fcr = db.scalar(select(Program).where(Program.code == "fcr_pilot"))
    participants = _count(
        db,
        ProgramEnrolment.program_id == fcr.id,
        ProgramEnrolment.group == "participant",
        ProgramEnrolment.start_date.is_not(None),
        Employee.email.is_not(None),
        model=ProgramEnrolment.__table__.join(Employee.__table__),
    )
    assert truth["participants"] == participants > 4
    assert truth["deliveries"] == 10 * participants
    assert truth["unsubscribed"] == (participants + 15) // 20 > 0  # positions 4, 24, …
    assert truth["sent"] + truth["failed"] + truth["skipped"] == truth["deliveries"]

    [nudge] = program_nudges(db, actors["ld"], fcr.id).nudges
    assert (nudge.sent, nudge.failed, nudge.skipped) == (
        truth["sent"],
        truth["failed"],
        truth["skipped"],
    )
    assert (nudge.answered, nudge.done, nudge.not_today, nudge.unsubscribed) == (
        truth["answered"],
        truth["done"],
        truth["not_today"],
        truth["unsubscribed"],
    )
    assert nudge.response_rate == truth["answered"] / truth["sent"]
    assert nudge.upcoming == 0 and nudge.due_now == 0 and nudge.waiting == 0
    assert nudge.recipients == participants
    assert any("550 5.1.1" in e for e in nudge.errors)
    # A seeded draw: about half "done it", about one in six "not today".
    assert 0.3 < truth["done"] / truth["sent"] < 0.7
    assert 0.05 < truth["not_today"] / truth["sent"] < 0.3

    nudge_iri = f"http://localhost:8000/programs/fcr_pilot/nudges/{truth['nudge_id']}"
    about = LearningStatement.object_id == nudge_iri
    verbs = {
        "http://activitystrea.ms/schema/1.0/receive": truth["sent"],
        "http://adlnet.gov/expapi/verbs/completed": truth["done"],
        "http://id.tincanapi.com/verb/skipped": truth["not_today"],
        "http://adlnet.gov/expapi/verbs/exited": truth["unsubscribed"],
    }
    for verb, expected in verbs.items():
        assert _count(db, about, LearningStatement.verb_id == verb) == expected, verb
    assert _count(db, about) == truth["statements"]
    assert _count(db, NudgeOptOut.program_id == fcr.id, model=NudgeOptOut) == truth["unsubscribed"]
    assert (
        _count(
            db,
            BehaviourObservation.source == "self",
            BehaviourObservation.behaviour == BEHAVIOUR,
            model=BehaviourObservation,
        )
        == truth["self_reports"]
    )


def test_managers_read_the_nudge_counts_and_employees_may_not(db, actors):
    import pytest

    from lodestar.errors import PermissionDenied

    fcr = db.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
    assert program_nudges(db, actors["manager"], fcr).nudges[0].errors == ()  # L&D only
    with pytest.raises(PermissionDenied):
        program_nudges(db, actors["employee"], fcr)


def test_a_persons_nudges_are_in_their_export_and_go_with_their_facts(db, actors):
    from lodestar.db.models import NudgeDelivery
    from lodestar.services.privacy import erase_person, person_export

    fcr = db.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
    person = db.scalar(
        select(Employee)
        .join(ProgramEnrolment)
        .where(
            ProgramEnrolment.program_id == fcr,
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
            Employee.email.is_not(None),
        )
        .order_by(Employee.id)
    )
    export = person_export(db, actors["admin"], person.external_id)
    assert export.counts()["nudges_received"] == 10
    assert {r["occurrence"] for r in export.sections["nudges_received"]} == set(range(1, 11))
    erase_person(
        db, actors["admin"], person.external_id, confirm=person.external_id, delete_facts=True
    )
    mine = (NudgeDelivery.employee_id == person.id) | (NudgeDelivery.recipient_id == person.id)
    assert _count(db, mine, model=NudgeDelivery) == 0
