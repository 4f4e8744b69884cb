"""The Statement resource's GET parameters, parsed and checked: every parameter of xAPI
1.0.3 and 2.0.0 (statementId, voidedStatementId, agent, verb, activity, registration,
related_activities, related_agents, since, until, limit, format, attachments, ascending).
An unknown parameter, a malformed value or a combination the specification forbids is a 400
with a sentence naming the parameter."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from lodestar.services.xapi.columns import actor_key
from lodestar.services.xapi.errors import XapiBadRequest
from lodestar.services.xapi.values import IRI, UUID, StatementInvalid, check_agent, parse_timestamp

Format = Literal["exact", "ids", "canonical"]
FORMATS: tuple[Format, ...] = ("exact", "ids", "canonical")
PARAMETERS = frozenset(
    {
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)
SINGLE_ALLOWED = frozenset({"statementId", "voidedStatementId", "format", "attachments"})
MAX_LIMIT = 500


@dataclass(frozen=True)
class StatementQuery:
    statement_id: str | None = None
    voided_statement_id: str | None = None
    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: str | None = None  # ISO 8601, UTC
    until: str | None = None
    limit: int = MAX_LIMIT
    format: Format = "exact"
    attachments: bool = False
    ascending: bool = False
    after: int | None = None  # paging: the last row id of the previous page

    @property
    def since_time(self) -> datetime | None:
        return datetime.fromisoformat(self.since) if self.since else None

    @property
    def until_time(self) -> datetime | None:
        return datetime.fromisoformat(self.until) if self.until else None

    def token(self) -> str:
        """This query as the opaque token of a ``more`` link."""
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode().rstrip("=")


def from_token(token: str) -> StatementQuery:
    try:
        padded = token + "=" * (-len(token) % 4)
        return StatementQuery(**json.loads(base64.urlsafe_b64decode(padded)))
    except (ValueError, TypeError):
        raise XapiBadRequest(
            "This more link is not one Lodestar gave out; start again from /statements."
        ) from None


def parse_query(params: Mapping[str, str]) -> StatementQuery:
    """The query ``params`` (one value each) ask for."""
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        raise XapiBadRequest(
            f"The Statement resource has no parameter {unknown[0]}; the parameters are "
            f"{', '.join(sorted(PARAMETERS))}."
        )
    single = {"statementId", "voidedStatementId"} & set(params)
    if len(single) == 2 or (single and set(params) - SINGLE_ALLOWED):
        raise XapiBadRequest(
            "statementId and voidedStatementId ask for one statement: send either alone "
            "(with format or attachments if needed), without other filters."
        )
    fields: dict[str, Any] = {}
    for name, field in (
        ("statementId", "statement_id"),
        ("voidedStatementId", "voided_statement_id"),
        ("registration", "registration"),
    ):
        if name in params:
            if not UUID.match(params[name]):
                raise XapiBadRequest(f"{name} must be a UUID.")
            fields[field] = params[name].lower()
    for name in ("verb", "activity"):
        if name in params:
            if not IRI.match(params[name]):
                raise XapiBadRequest(f"{name} must be an IRI.")
            fields[name] = params[name]
    if "agent" in params:
        fields["agent"] = agent_param(params["agent"])
    for name in ("since", "until"):
        if name in params:
            try:
                stamp = parse_timestamp(params[name], name)
            except StatementInvalid as exc:
                raise XapiBadRequest(exc.reason) from None
            fields[name] = stamp.isoformat()
    for name in ("related_activities", "related_agents", "attachments", "ascending"):
        if name in params:
            fields[name] = _bool(params[name], name)
    if "limit" in params:
        value = params["limit"]
        if not value.isdigit():
            raise XapiBadRequest("limit must be a whole number (0 for the server's maximum).")
        fields["limit"] = min(int(value), MAX_LIMIT) or MAX_LIMIT
    if "format" in params:
        if params["format"] not in FORMATS:
            raise XapiBadRequest(f"format must be one of {', '.join(FORMATS)}.")
        fields["format"] = params["format"]
    return StatementQuery(**fields)


def agent_param(value: str) -> str:
    """The key of the agent (or identified group) a JSON ``agent`` parameter names."""
    try:
        agent: Any = json.loads(value)
        check_agent(agent, "agent")
    except (ValueError, StatementInvalid) as exc:
        reason = exc.reason if isinstance(exc, StatementInvalid) else "it is not valid JSON"
        raise XapiBadRequest(
            f"The agent parameter must be an Agent or identified Group as JSON ({reason})."
        ) from None
    if agent.get("objectType") == "Group" and not any(
        k in agent for k in ("mbox", "mbox_sha1sum", "openid", "account")
    ):
        raise XapiBadRequest("The agent parameter must identify the agent or group.")
    return actor_key(agent)


def _bool(value: str, name: str) -> bool:
    if value not in ("true", "false"):
        raise XapiBadRequest(f"{name} must be true or false.")
    return value == "true"
