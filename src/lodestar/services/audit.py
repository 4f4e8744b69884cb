"""Write the audit trail: who viewed or changed what, about whom, from where.

Every event is added to the caller's session, so it commits (or rolls back) in the same
transaction as the change it describes. ``person_id`` names the employee whose personal data
was viewed or changed, when the event is about one person; ``path`` and ``address`` say where
the request came from (set by the web app for each request with ``request_origin``, and by
the CLI as ``cli: lodestar ...``).

Reading the trail is in ``services.privacy.audit_log`` (administrators only).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from lodestar.db.models import AuditEvent
from lodestar.domain.roles import Actor


@dataclass(frozen=True)
class Origin:
    """Where an action was asked for: the request path (or command) and the client address."""

    path: str
    address: str = ""


_origin: ContextVar[Origin | None] = ContextVar("lodestar_audit_origin", default=None)


@contextmanager
def request_origin(path: str, address: str = "") -> Iterator[None]:
    """Audit events recorded inside the block carry this path and address."""
    token = _origin.set(Origin(path[:500], address[:64]))
    try:
        yield
    finally:
        _origin.reset(token)


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    obj: str,
    obj_id: int | None,
    detail: str = "",
    *,
    person_id: int | None = None,
) -> None:
    """Add one event: ``actor`` did ``action`` to ``obj`` #``obj_id`` (about ``person_id``)."""
    session.add(_event(actor, action, obj, obj_id, detail, person_id))


def _event(
    actor: Actor | None,
    action: str,
    obj: str,
    obj_id: int | None,
    detail: str,
    person_id: int | None,
) -> AuditEvent:
    origin = _origin.get()
    return AuditEvent(
        actor_id=actor.user_id if actor else None,
        action=action,
        object_type=obj,
        object_id=obj_id,
        detail=detail[:2000],
        person_id=person_id,
        path=origin.path if origin else "",
        address=origin.address if origin else "",
    )


def viewed(
    session: Session,
    actor: Actor,
    obj: str,
    obj_id: int | None,
    detail: str = "",
    *,
    person_id: int | None = None,
) -> None:
    """Record that ``actor`` was shown personal data held in ``obj`` #``obj_id``.

    The event joins the session's transaction when it commits, not at the next query: a page
    that is only read takes no write lock while it is being built (on SQLite that lock is the
    database's one writer slot, and a page of tiers takes a while), only for its commit.
    """
    event_ = _event(actor, f"{obj}.view", obj, obj_id, detail, person_id)
    session.info.setdefault(_PENDING, []).append(event_)


_PENDING = "lodestar_audit_views"


@event.listens_for(Session, "before_commit")
def _add_views(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.add_all(pending)


@event.listens_for(Session, "after_rollback")
def _drop_views(session: Session) -> None:
    session.info.pop(_PENDING, None)
