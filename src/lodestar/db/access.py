"""The one place permission-checked lookups live: ``get_<thing>_for(session, actor, id)``."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from lodestar.db.models import StrategicPriority, TrainingRequest
from lodestar.domain.roles import Actor, can_see_request
from lodestar.errors import NotFound


def visible_requests(actor: Actor) -> Select[TrainingRequest]:
    """A query of the training requests this actor may see."""
    mine = TrainingRequest.requester_id == actor.user_id
    # Drafts stay private to their requester until submitted.
    stmt = select(TrainingRequest).where(or_(mine, TrainingRequest.state != "draft"))
    if actor.role in ("ld", "admin", "executive"):
        return stmt
    if actor.role == "manager":
        dept = (
            TrainingRequest.department_id == actor.department_id
            if actor.department_id is not None
            else false()
        )
        return stmt.where(or_(TrainingRequest.requester_id == actor.user_id, dept))
    return stmt.where(TrainingRequest.requester_id == actor.user_id)


def get_request_for(session: Session, actor: Actor, request_id: int) -> TrainingRequest:
    """The request, or NotFound when it does not exist or this actor may not see it."""
    req = session.get(TrainingRequest, request_id)
    if req is None or not can_see_request(
        actor, requester_id=req.requester_id, department_id=req.department_id, state=req.state
    ):
        # Same answer for "absent" and "not yours": existence is not leaked.
        raise NotFound(
            f"There is no training request #{request_id} that you can see. "
            "Check the number, or open the request list to find it."
        )
    return req


def get_priority_for(session: Session, actor: Actor, priority_id: int) -> StrategicPriority:
    prio = session.get(StrategicPriority, priority_id)
    if prio is None:
        raise NotFound(
            f"There is no strategic priority #{priority_id}. "
            "Open the priorities list to find the one you want."
        )
    return prio
