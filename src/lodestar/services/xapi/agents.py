"""The Agents and Activities resources: the Person an agent is, and an activity with the
definition statements gave it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from lodestar.services.xapi.activities import activity_definition
from lodestar.services.xapi.errors import XapiBadRequest
from lodestar.services.xapi.values import IFIS, IRI, StatementInvalid, check_agent


def person_of(agent_json: str | None) -> dict[str, Any]:
    """The Person object for the ``agent`` parameter (each of its identifiers as a list)."""
    if agent_json is None:
        raise XapiBadRequest("agent is required: the Agent as JSON.")
    try:
        agent = check_agent(json.loads(agent_json), "agent", group_allowed=False)
    except (ValueError, StatementInvalid) as exc:
        reason = exc.reason if isinstance(exc, StatementInvalid) else "it is not valid JSON"
        raise XapiBadRequest(f"The agent parameter must be an Agent as JSON ({reason}).") from None
    person: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for ifi in IFIS:
        if ifi in agent:
            person[ifi] = [agent[ifi]]
    return person


def activity_object(session: Session, activity_id: str | None) -> dict[str, Any]:
    if activity_id is None or not IRI.match(activity_id):
        raise XapiBadRequest("activityId is required and must be an IRI.")
    out: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    definition = activity_definition(session, activity_id)
    if definition:
        out["definition"] = definition
    return out
