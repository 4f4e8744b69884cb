"""A checked statement as the columns of ``learning_statements`` (what analyses and filters
read) and as the list of everything else it mentions (``xapi_statement_refs``)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from lodestar.services.xapi.validation import VOIDED
from lodestar.services.xapi.values import agent_key, parse_timestamp

ACTOR_KEY_LENGTH = 300
OBJECT_ID_LENGTH = 500
REF_KEY_LENGTH = 500


def actor_key(agent: dict[str, Any]) -> str:
    """The key an agent or group is filed under: its identifier, or for an anonymous group
    the hash of its members' identifiers."""
    key = agent_key(agent)
    if key is None:
        members = sorted(agent_key(m) or "" for m in agent.get("member", []))
        digest = hashlib.sha256(json.dumps(members).encode()).hexdigest()
        key = f"group:{digest}"
    return key[:ACTOR_KEY_LENGTH]


def statement_columns(
    s: dict[str, Any],
    *,
    default_version: str,
    stored: datetime,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """The parsed columns of one checked statement (plus ``_email`` and ``_account`` for
    matching the actor to an employee); ``timestamp`` is its timestamp if already parsed."""
    actor = s["actor"]
    obj = s["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity" or kind == "StatementRef":
        object_id = obj["id"] if kind == "Activity" else obj["id"].lower()
    elif kind in ("Agent", "Group"):
        object_id = actor_key(obj)
    else:
        object_id = "SubStatement"
    result = s.get("result") or {}
    score = result.get("score") or {}
    context = s.get("context") or {}
    voids = obj["id"].lower() if s["verb"]["id"] == VOIDED else None
    if timestamp is not None:
        stamp = timestamp
    else:
        stamp = parse_timestamp(s["timestamp"], "timestamp") if "timestamp" in s else stored
    mbox = actor.get("mbox")
    account = actor.get("account")
    return {
        "statement_id": str(s["id"]).lower(),
        "version": s.get("version", default_version),
        "actor_key": actor_key(actor),
        "verb_id": s["verb"]["id"][:ACTOR_KEY_LENGTH],
        "object_id": object_id[:OBJECT_ID_LENGTH],
        "object_type": kind,
        "timestamp": stamp,
        "stored": stored,
        "score_scaled": score.get("scaled"),
        "score_raw": score.get("raw"),
        "completion": result.get("completion"),
        "success": result.get("success"),
        "registration": context["registration"].lower() if "registration" in context else None,
        "voids_statement_id": voids,
        "voided": False,
        "_email": mbox[7:].strip().lower() if isinstance(mbox, str) else None,
        "_account": account["name"] if isinstance(account, dict) else None,
    }


def statement_refs(
    s: dict[str, Any], authority: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """(kind, key) of every agent and activity the statement mentions besides its actor and
    object: group members, instructor, team, context agents and groups, context activities,
    the authority, and all of these inside a sub-statement."""
    return refs_beside(s, authority_keys(authority))


def authority_keys(authority: dict[str, Any] | None) -> frozenset[str]:
    """The agent keys an authority adds to each statement's references (computed once for a
    batch that shares one authority)."""
    keys: set[str] = set()
    if authority is not None:
        _agent(authority, keys)
    return frozenset(keys)


def refs_beside(s: dict[str, Any], extra_agents: frozenset[str]) -> list[tuple[str, str]]:
    """``statement_refs`` with the authority's agent keys already worked out."""
    agents: set[str] = set(extra_agents)
    activities: set[str] = set()
    _collect(s, agents, activities, top=True)
    direct_agent = actor_key(s["actor"])
    obj = s["object"]
    kind = obj.get("objectType", "Activity")
    agents.discard(direct_agent)
    if kind in ("Agent", "Group"):
        agents.discard(actor_key(obj))
    if kind == "Activity":
        activities.discard(obj["id"])
    return sorted(
        [("agent", a[:REF_KEY_LENGTH]) for a in agents]
        + [("activity", a[:REF_KEY_LENGTH]) for a in activities]
    )


def _agent(agent: dict[str, Any], agents: set[str]) -> None:
    agents.add(actor_key(agent))
    for member in agent.get("member", []):
        agents.add(actor_key(member))


def _collect(s: dict[str, Any], agents: set[str], activities: set[str], *, top: bool) -> None:
    _agent(s["actor"], agents)
    obj = s["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        activities.add(obj["id"])
    elif kind in ("Agent", "Group"):
        _agent(obj, agents)
    elif kind == "SubStatement" and top:
        _collect(obj, agents, activities, top=False)
    context = s.get("context") or {}
    for role in ("instructor", "team"):
        if role in context:
            _agent(context[role], agents)
    for entry in context.get("contextAgents", []):
        _agent(entry["agent"], agents)
    for entry in context.get("contextGroups", []):
        _agent(entry["group"], agents)
    for items in (context.get("contextActivities") or {}).values():
        for activity in items if isinstance(items, list) else [items]:
            activities.add(activity["id"])
