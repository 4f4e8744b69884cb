"""Every workflow step of a request goes through here: checked, recorded and audited."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lodestar.db.models import RequestTransition, TrainingRequest
from lodestar.domain.roles import Actor
from lodestar.domain.workflow import check_transition
from lodestar.services import audit


def record_created(session: Session, req: TrainingRequest, actor: Actor) -> None:
    session.add(
        RequestTransition(
            request_id=req.id,
            from_state=None,
            to_state=req.state,
            actor_id=actor.user_id,
            reason="Created.",
        )
    )
    audit.record(session, actor, "request.create", "training_request", req.id)


def move(session: Session, req: TrainingRequest, target: str, actor: Actor, reason: str) -> None:
    """Move ``req`` to ``target`` if the workflow allows it, and record the step."""
    check_transition(req.state, target)  # type: ignore[arg-type]
    follow(session, req, target, actor, reason)


def follow(session: Session, req: TrainingRequest, target: str, actor: Actor, reason: str) -> None:
    """Set ``req`` to the state of the program it became, recording the step.

    A request that became a program no longer has a workflow of its own: it mirrors its
    program (which has its own checked lifecycle), so the two never tell different stories.
    """
    session.add(
        RequestTransition(
            request_id=req.id,
            from_state=req.state,
            to_state=target,
            actor_id=actor.user_id,
            reason=reason,
        )
    )
    audit.record(session, actor, f"request.{target}", "training_request", req.id, reason)
    req.state = target
    req.updated_at = datetime.now(UTC)
