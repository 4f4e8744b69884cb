"""Intake and workflow through the services, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select

from lodestar.db.models import AuditEvent, RequestTransition, TrainingRequest
from lodestar.domain.intake import FIELD_NAMES
from lodestar.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from lodestar.services import intake

FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}


def incomplete(**extra):
    data = dict(FULL, context_of_work="", cost_of_inaction="soon")
    data.update(extra)
    return intake.RequestInput(title="Objection handling for renewals", **data)


def test_incomplete_submission_is_kept_as_needs_information(db, actors):
    outcome = intake.submit_request(db, actors["manager"], incomplete())
    assert not outcome.complete
    assert outcome.state == "needs_information"
    assert [m.name for m in outcome.missing] == ["context_of_work", "cost_of_inaction"]
    req = db.get(TrainingRequest, outcome.request_id)
    # Nothing the requester typed is lost.
    assert req.business_objective == FULL["business_objective"]
    assert req.cost_of_inaction == "soon"
    assert req.department_id == actors["manager"].department_id


def test_completing_moves_it_to_submitted_and_history_says_who_and_why(db, actors):
    mgr = actors["manager"]
    first = intake.submit_request(db, mgr, incomplete())
    done = intake.submit_request(
        db,
        mgr,
        incomplete(
            context_of_work="Renewal calls in the last 60 days of a contract.",
            cost_of_inaction="About 300k of renewals lost each quarter.",
        ),
        first.request_id,
    )
    assert done.complete and done.state == "submitted"
    steps = db.scalars(
        select(RequestTransition)
        .where(RequestTransition.request_id == first.request_id)
        .order_by(RequestTransition.id)
    ).all()
    assert [(s.from_state, s.to_state) for s in steps] == [
        (None, "draft"),
        ("draft", "needs_information"),
        ("needs_information", "submitted"),
    ]
    assert all(s.actor_id == mgr.user_id for s in steps)
    assert "Context of work" in steps[1].reason
    assert db.scalar(
        select(AuditEvent).where(
            AuditEvent.object_id == first.request_id, AuditEvent.action == "request.submitted"
        )
    )


def test_ld_walks_the_workflow_and_illegal_steps_are_refused(db, actors):
    out = intake.submit_request(db, actors["manager"], intake.RequestInput(title="x", **FULL))
    ld = actors["ld"]
    with pytest.raises(IllegalTransition):
        intake.transition_request(db, ld, out.request_id, "pilot")
    with pytest.raises(InvalidInput, match="Say why"):
        intake.transition_request(db, ld, out.request_id, "declined")
    intake.transition_request(db, ld, out.request_id, "in_diagnosis")
    req = intake.transition_request(db, ld, out.request_id, "declined", "Covered by Q1 onboarding.")
    assert req.state == "declined"


def test_requesters_cannot_make_ld_decisions(db, actors):
    out = intake.submit_request(db, actors["manager"], intake.RequestInput(title="x", **FULL))
    with pytest.raises(PermissionDenied):
        intake.transition_request(db, actors["manager"], out.request_id, "in_diagnosis")


def test_visibility_by_role(db, actors):
    mine = intake.submit_request(
        db, actors["tomas"], intake.RequestInput(title="Sales ask", **FULL)
    )
    # Another department's manager and an employee cannot see it; existence is not leaked.
    for who in ("aisha", "employee"):
        with pytest.raises(NotFound):
            intake.get_request(db, actors[who], mine.request_id)
        assert mine.request_id not in {r.id for r in intake.list_requests(db, actors[who])}
    for who in ("ld", "executive", "admin", "tomas"):
        assert intake.get_request(db, actors[who], mine.request_id).summary.title == "Sales ask"


def test_executives_and_employees_cannot_raise_or_edit(db, actors):
    for who in ("executive", "employee"):
        with pytest.raises(PermissionDenied):
            intake.save_request(db, actors[who], intake.RequestInput(title="x"))
    out = intake.submit_request(db, actors["manager"], intake.RequestInput(title="y", **FULL))
    with pytest.raises(PermissionDenied):
        intake.save_request(db, actors["executive"], intake.RequestInput(title="z"), out.request_id)


def test_bad_links_and_options_are_explained(db, actors):
    with pytest.raises(NotFound, match="no strategic priority #99999"):
        intake.save_request(db, actors["manager"], intake.RequestInput(priority_id=99999))
    with pytest.raises(InvalidInput, match="'low', 'normal', 'high', 'urgent'"):
        intake.save_request(db, actors["manager"], intake.RequestInput(urgency="asap"))


def test_stakeholder_answers_are_kept_updated_and_cleared(db, actors):
    out = intake.submit_request(db, actors["manager"], intake.RequestInput(title="q", **FULL))
    saved = intake.answer_questions(
        db,
        actors["manager"],
        out.request_id,
        {"one_metric": "Conversion.", "no_course": "Scripts."},
    )
    assert saved == {"one_metric": "Conversion.", "no_course": "Scripts."}
    saved = intake.answer_questions(
        db, actors["ld"], out.request_id, {"one_metric": "Renewal rate.", "no_course": ""}
    )
    assert saved == {"one_metric": "Renewal rate."}
    with pytest.raises(InvalidInput, match="Unknown question"):
        intake.answer_questions(db, actors["ld"], out.request_id, {"mood": "good"})


def test_triage_board_counts_requests_without_metric(db, actors):
    intake.submit_request(db, actors["manager"], intake.RequestInput(title="no metric", **FULL))
    board = intake.triage_board(db, actors["ld"])
    assert board.open_total >= 1
    assert 0 < board.share_without_metric <= 1
    assert board.without_metric == sum(
        1
        for col in ("draft", "needs_information", "submitted", "in_diagnosis")
        for r in board.columns.get(col, [])
        if r.kpi_id is None
    )
    with pytest.raises(PermissionDenied):
        intake.triage_board(db, actors["manager"])
