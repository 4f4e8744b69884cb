"""A quiz attempt as an xAPI statement, stored through the one statement writer.

- actor: the person, by the e-mail of their account;
- verb: ``http://adlnet.gov/expapi/verbs/completed``;
- object: the quiz, ``{base}/quizzes/{code}``, of type
  ``http://adlnet.gov/expapi/activities/assessment``;
- result: ``completion`` true, ``response`` the outcome's code, and the totals per outcome and
  per skill as result extensions.

The statement id is derived from the attempt (UUID 5), so recording an attempt twice is a no-op.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lodestar.domain.quizzes import Quiz, QuizResult
from lodestar.services.xapi.writer import checked_statement, write_statements

NAMESPACE = uuid.UUID("3b8f1c2e-8a55-5d0c-9f4e-0a7c6e2d9b11")
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}}
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"


def quiz_iri(iri_base: str, code: str) -> str:
    return f"{iri_base.rstrip('/')}/quizzes/{code}"


def attempt_statement(
    *, attempt_id: int, quiz: Quiz, result: QuizResult, name: str, email: str,
    at: datetime, iri_base: str,
) -> dict[str, Any]:  # fmt: skip
    ext = f"{iri_base.rstrip('/')}/xapi/extensions/quiz"
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"quiz-attempt:{attempt_id}")),
        "version": "1.0.3",
        "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"},
        "verb": COMPLETED,
        "object": {
            "objectType": "Activity",
            "id": quiz_iri(iri_base, quiz.code),
            "definition": {"name": {"en": quiz.title}, "type": ASSESSMENT},
        },
        "result": {
            "completion": True,
            "response": result.outcome.code,
            "extensions": {
                f"{ext}/outcome-totals": result.totals,
                f"{ext}/skill-totals": result.skill_totals,
                f"{ext}/tie-broken": result.tie_broken,
            },
        },
        "timestamp": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def record_attempt_statement(session: Session, statement: dict[str, Any]) -> str:
    """Store the statement in the caller's transaction; returns its id."""
    return write_statements(session, [checked_statement(statement)]).ids[0]
