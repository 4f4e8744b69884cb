"""Every delivery and every answer of a nudge, as an xAPI statement.

Statement ids are derived from the delivery (UUID 5), so recording the same event twice is a
no-op. The actor is the recipient (by e-mail), the object the nudge as an activity whose parent
is the program, and the verbs come from the xAPI vocabularies:

- delivered: ``http://activitystrea.ms/schema/1.0/receive`` ("received");
- "done it": ``http://adlnet.gov/expapi/verbs/completed`` with ``result.completion`` true;
- "not today": ``http://id.tincanapi.com/verb/skipped``;
- "unsubscribe": ``http://adlnet.gov/expapi/verbs/exited``.

:func:`record_statements` is the one place they are stored, through the statement writer every
other source uses (``services/xapi/writer.py``), so they get ``stored``, voiding and the actor
match like statements that come through the LRS.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lodestar.domain.nudges import Answer
from lodestar.services.xapi.writer import checked_statement, write_statements

NAMESPACE = uuid.UUID("6f0f9b64-3c1e-5b0e-9d7e-5c2f1a3b4d10")
RECEIVED = ("http://activitystrea.ms/schema/1.0/receive", "received")
ANSWER_VERBS: dict[str, tuple[str, str]] = {
    "done": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "not_today": ("http://id.tincanapi.com/verb/skipped", "skipped"),
    "unsubscribe": ("http://adlnet.gov/expapi/verbs/exited", "exited"),
}
REMINDER_TYPE = "http://id.tincanapi.com/activitytype/reminder"


@dataclass(frozen=True)
class NudgeEvent:
    """What a statement says: who, about which nudge of which program, which occurrence."""

    delivery_id: int
    recipient_id: int
    recipient_email: str
    recipient_name: str
    nudge_id: int
    nudge_name: str
    program_code: str
    program_name: str
    occurrence: int
    channel: str
    iri_base: str


def activity_iri(iri_base: str, program_code: str, nudge_id: int | None = None) -> str:
    base = f"{iri_base.rstrip('/')}/programs/{program_code}"
    return base if nudge_id is None else f"{base}/nudges/{nudge_id}"


def statement_id(delivery_id: int, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"nudge-delivery:{delivery_id}:{what}"))


def _statement(event: NudgeEvent, what: str, verb: tuple[str, str], at: datetime) -> dict[str, Any]:
    ext = f"{event.iri_base.rstrip('/')}/xapi/extensions/nudge"
    return {
        "id": statement_id(event.delivery_id, what),
        "version": "1.0.3",
        "actor": {
            "objectType": "Agent",
            "name": event.recipient_name,
            "mbox": f"mailto:{event.recipient_email}",
        },
        "verb": {"id": verb[0], "display": {"en": verb[1]}},
        "object": {
            "objectType": "Activity",
            "id": activity_iri(event.iri_base, event.program_code, event.nudge_id),
            "definition": {"name": {"en": event.nudge_name}, "type": REMINDER_TYPE},
        },
        "context": {
            "contextActivities": {
                "parent": [
                    {
                        "id": activity_iri(event.iri_base, event.program_code),
                        "definition": {"name": {"en": event.program_name}},
                    }
                ],
            },
            "extensions": {f"{ext}/occurrence": event.occurrence, f"{ext}/channel": event.channel},
        },
        "timestamp": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def delivered_statement(event: NudgeEvent, sent_at: datetime) -> dict[str, Any]:
    return _statement(event, "sent", RECEIVED, sent_at)


def answer_statement(event: NudgeEvent, answer: Answer, at: datetime) -> dict[str, Any]:
    statement = _statement(event, answer, ANSWER_VERBS[answer], at)
    if answer == "done":
        statement["result"] = {"completion": True}
    return statement


def record_statements(session: Session, statements: list[tuple[dict[str, Any], int | None]]) -> int:
    """Store (statement, employee id) pairs in the session's transaction through the one statement
    writer; an id already stored with the same content is left as it is. Returns how many were
    added. The writer matches the actor to the employee by e-mail, as it does for any statement,
    so the ids given here only say whom the nudge was for."""
    return write_statements(session, [checked_statement(s) for s, _ in statements]).added
