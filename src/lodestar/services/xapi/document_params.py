"""The parameters of the document resources, checked: which scope a request names (activity,
agent, registration), which document, and ``since`` for a list of ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lodestar.services.xapi.documents import Kind, Scope
from lodestar.services.xapi.errors import XapiBadRequest
from lodestar.services.xapi.query import agent_param
from lodestar.services.xapi.values import IRI, UUID, StatementInvalid, parse_timestamp

ID_PARAM = {"state": "stateId", "activity_profile": "profileId", "agent_profile": "profileId"}
SCOPE_PARAMS: dict[str, tuple[str, ...]] = {
    "state": ("activityId", "agent", "registration"),
    "activity_profile": ("activityId",),
    "agent_profile": ("agent",),
}


@dataclass(frozen=True)
class DocumentRequest:
    scope: Scope
    document_id: str | None
    since: datetime | None


def document_request(kind: Kind, params: Mapping[str, str], method: str) -> DocumentRequest:
    id_name = ID_PARAM[kind]
    allowed = {*SCOPE_PARAMS[kind], id_name, "since"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise XapiBadRequest(f"This resource has no parameter {unknown[0]}; it takes "
                             f"{', '.join(sorted(allowed))}.")  # fmt: skip
    fields: dict[str, Any] = {}
    if "activityId" in SCOPE_PARAMS[kind]:
        activity = params.get("activityId")
        if activity is None or not IRI.match(activity):
            raise XapiBadRequest("activityId is required and must be an IRI.")
        fields["activity"] = activity
    if "agent" in SCOPE_PARAMS[kind]:
        if "agent" not in params:
            raise XapiBadRequest("agent is required: the Agent as JSON.")
        fields["agent"] = agent_param(params["agent"])
    if "registration" in params:
        if not UUID.match(params["registration"]):
            raise XapiBadRequest("registration must be a UUID.")
        fields["registration"] = params["registration"].lower()
    document_id = params.get(id_name)
    if document_id is None and (method in ("PUT", "POST") or (
            method == "DELETE" and kind != "state")):  # fmt: skip
        raise XapiBadRequest(f"{id_name} is required to {method} a document.")
    since = None
    if "since" in params:
        if document_id is not None or method not in ("GET", "HEAD"):
            raise XapiBadRequest(f"since lists document ids; send it without {id_name}.")
        try:
            since = parse_timestamp(params["since"], "since")
        except StatementInvalid as exc:
            raise XapiBadRequest(exc.reason) from None
    return DocumentRequest(Scope(kind, **fields), document_id, since)
