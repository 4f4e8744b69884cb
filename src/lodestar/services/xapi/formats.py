"""The ``format`` parameter: ``exact`` (as stored), ``ids`` (agents, groups, activities and
verbs reduced to their identifiers) and ``canonical`` (each language map reduced to the one
language the reader prefers, by Accept-Language, or the first it has)."""

from __future__ import annotations

from typing import Any

from lodestar.services.xapi.values import IFIS

LANGUAGE_MAP_KEYS = ("display", "name", "description")


def with_context_lists(statement: dict[str, Any]) -> dict[str, Any]:
    """Context activities as lists, as the LRS returns them (a statement may send one
    activity as an object), in the statement and its sub-statement."""
    for s in (statement, statement.get("object")):
        if not isinstance(s, dict):
            continue
        activities = (s.get("context") or {}).get("contextActivities")
        if isinstance(activities, dict):
            for key, value in activities.items():
                if not isinstance(value, list):
                    activities[key] = [value]
    return statement


def shaped(statement: dict[str, Any], fmt: str, language: str = "") -> dict[str, Any]:
    if fmt == "ids":
        return _ids_statement(statement)
    if fmt == "canonical":
        return _canonical(statement, _preferences(language))  # type: ignore[no-any-return]
    return statement


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"objectType": agent.get("objectType", "Agent")}
    for ifi in IFIS:
        if ifi in agent:
            out[ifi] = agent[ifi]
    if out["objectType"] == "Group" and not any(i in agent for i in IFIS):
        out["member"] = [_agent_ids(m) for m in agent.get("member", [])]
    return out


def _activity_ids(activity: dict[str, Any]) -> dict[str, Any]:
    return {"id": activity["id"]}


def _object_ids(obj: dict[str, Any]) -> dict[str, Any]:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity_ids(obj)
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return _ids_statement(obj)
    return obj


def _ids_statement(s: dict[str, Any]) -> dict[str, Any]:
    out = dict(s)
    out["actor"] = _agent_ids(s["actor"])
    out["verb"] = {"id": s["verb"]["id"]}
    out["object"] = _object_ids(s["object"])
    if "authority" in s:
        out["authority"] = _agent_ids(s["authority"])
    if "context" in s:
        c = dict(s["context"])
        for role in ("instructor", "team"):
            if role in c:
                c[role] = _agent_ids(c[role])
        if "contextActivities" in c:
            c["contextActivities"] = {
                k: [_activity_ids(a) for a in (v if isinstance(v, list) else [v])]
                for k, v in c["contextActivities"].items()
            }
        out["context"] = c
    return out


def _preferences(header: str) -> list[str]:
    ranked = []
    for part in header.split(","):
        tag, _, q = part.strip().partition(";q=")
        if tag:
            try:
                ranked.append((float(q) if q else 1.0, tag.strip().lower()))
            except ValueError:
                continue
    return [tag for _, tag in sorted(ranked, key=lambda x: -x[0])]


def _pick(language_map: dict[str, str], preferred: list[str]) -> dict[str, str]:
    lowered = {k.lower(): k for k in language_map}
    for tag in preferred:
        if tag == "*" and language_map:
            break
        for candidate in (tag, tag.split("-")[0]):
            if candidate in lowered:
                key = lowered[candidate]
                return {key: language_map[key]}
    first = next(iter(language_map), None)
    return {first: language_map[first]} if first is not None else {}


def _canonical(value: Any, preferred: list[str]) -> Any:
    if isinstance(value, list):
        return [_canonical(v, preferred) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if (
            key in LANGUAGE_MAP_KEYS
            and isinstance(item, dict)
            and all(isinstance(v, str) for v in item.values())
        ):
            out[key] = _pick(item, preferred)
        elif key == "extensions":
            out[key] = item
        else:
            out[key] = _canonical(item, preferred)
    return out
