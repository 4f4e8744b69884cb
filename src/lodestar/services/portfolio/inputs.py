"""The scoring inputs people set: a priority's weight (leaders), and a request's origin,
numeric cost of inaction, audience size and effort, and a program's effort (L&D)."""

from __future__ import annotations

from typing import Annotated

import annotated_types as at
from pydantic import AllowInfNan
from sqlalchemy.orm import Session

from lodestar.db.access import get_priority_for, get_request_for
from lodestar.db.models import Program, StrategicPriority, TrainingRequest
from lodestar.domain.options import check_option
from lodestar.domain.portfolio import (
    MAX_EFFORT_DAYS,
    MAX_PEOPLE,
    MAX_WEIGHT,
    ORIGINS,
    Origin,
    check_cost_of_inaction,
    check_effort,
    check_people,
    check_weight,
)
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.input_fields import TypedInput
from lodestar.services.portfolio.access import require_scorer

# 0 passes the schema (documented bounds) and is refused by check_effort with a sentence.
Days = Annotated[float, at.Interval(ge=0, le=MAX_EFFORT_DAYS), AllowInfNan(False)]
Money = Annotated[float, at.Interval(ge=0, le=1e15), AllowInfNan(False)]
People = Annotated[int, at.Interval(ge=1, le=MAX_PEOPLE)]


class WeightInput(TypedInput):
    weight: Annotated[int, at.Interval(ge=0, le=MAX_WEIGHT)]


class RequestScoringInput(TypedInput):
    origin: Origin = "planned"
    cost_of_inaction_amount: Money | None = None
    audience_size: People | None = None
    effort_days: Days | None = None


class ProgramScoringInput(TypedInput):
    effort_days: Days | None = None


def set_priority_weight(
    session: Session, actor: Actor, priority_id: int, weight: int
) -> StrategicPriority:
    """Leaders weigh the must-wins: executives, L&D (recording what leaders agreed), admins."""
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            "Priority weights are set by leaders: executives, or the L&D team on their behalf."
        )
    prio = get_priority_for(session, actor, priority_id)
    prio.weight = check_weight(weight)
    session.flush()
    audit.record(session, actor, "priority.weight", "strategic_priority", prio.id, str(weight))
    return prio


def set_request_scoring(
    session: Session, actor: Actor, request_id: int, data: RequestScoringInput
) -> TrainingRequest:
    require_scorer(actor)
    req = get_request_for(session, actor, request_id)
    req.origin = check_option(data.origin, ORIGINS, "origin")
    req.cost_of_inaction_amount = check_cost_of_inaction(data.cost_of_inaction_amount)
    req.audience_size = check_people(data.audience_size)
    req.effort_days = check_effort(data.effort_days)
    session.flush()
    audit.record(session, actor, "request.scoring", "training_request", req.id)
    return req


def set_program_scoring(
    session: Session, actor: Actor, program_id: int, data: ProgramScoringInput
) -> Program:
    require_scorer(actor)
    prog = session.get(Program, program_id)
    if prog is None:
        raise NotFound(f"There is no program #{program_id}. Open the portfolio to find it.")
    prog.effort_days = check_effort(data.effort_days)
    session.flush()
    audit.record(session, actor, "program.scoring", "program", prog.id)
    return prog
