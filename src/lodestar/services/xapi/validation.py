"""A statement checked against the xAPI data model (1.0.3 and 2.0.0), before anything is
stored: ``check_statement`` raises ``StatementInvalid`` naming the path of the first problem.

The data types (IRIs, language maps, agents, timestamps...) are checked in ``values``; here
the statement, its object (activity, agent, group, statement reference, sub-statement), the
result, the context and the attachment list.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lodestar.services.xapi.values import (
    IFIS,
    StatementInvalid,
    check_agent,
    check_bool,
    check_duration,
    check_extensions,
    check_iri,
    check_keys,
    check_language_map,
    check_language_tag,
    check_number,
    check_string,
    check_uuid,
    parse_timestamp,
    require_object,
    short,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")
STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUB_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
VERB_KEYS = frozenset({"id", "display"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        "choices",
        "scale",
        "source",
        "target",
        "steps",
    }
)
INTERACTIONS = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)


def check_statement(statement: Any, *, version: str = "1.0.3") -> dict[str, Any]:
    """Check one statement as sent to an LRS speaking ``version`` (1.0.x or 2.0.x)."""
    return check_statement_time(statement, version=version)[0]


def check_statement_time(
    statement: Any, *, version: str = "1.0.3"
) -> tuple[dict[str, Any], datetime | None]:
    """``check_statement``, with the statement's timestamp as parsed by the check (None when
    it has none), so that the writer does not parse it again."""
    s = require_object(statement, "", "statement")
    check_keys(s, STATEMENT_KEYS, "")
    if "id" in s:
        check_uuid(s["id"], "id")
    if "version" in s:
        v = s["version"]
        if not isinstance(v, str) or not VERSION.match(v):
            raise StatementInvalid(
                "version",
                f"The xAPI version {short(v)} is not supported; Lodestar reads 1.0.x and 2.0.x "
                "statements.",
                short(v),
            )
    two = version.startswith("2.")
    stamp = _check_core(s, "", two=two)
    if "stored" in s:
        parse_timestamp(s["stored"], "stored")
    if "authority" in s:
        _check_authority(s["authority"])
    return s, stamp


def _check_core(s: dict[str, Any], path: str, *, two: bool) -> datetime | None:
    at = (path + ".") if path else ""
    for needed in ("actor", "verb", "object"):
        if needed not in s:
            raise StatementInvalid(
                f"{at}{needed}",
                f"The statement has no {needed}; xAPI requires actor, verb and object.",
            )
    check_agent(s["actor"], f"{at}actor")
    verb = require_object(s["verb"], f"{at}verb", "verb")
    check_keys(verb, VERB_KEYS, f"{at}verb")
    if "id" not in verb:
        raise StatementInvalid(
            f"{at}verb.id",
            "The verb has no id (an IRI such as http://adlnet.gov/expapi/verbs/completed).",
            short(verb),
        )
    check_iri(verb["id"], f"{at}verb.id", "verb id")
    if "display" in verb:
        check_language_map(verb["display"], f"{at}verb.display")
    kind = _check_object(s["object"], f"{at}object", sub=bool(path), two=two)
    if verb["id"] == VOIDED and kind != "StatementRef":
        raise StatementInvalid(
            f"{at}object",
            "A voiding statement's object must be a StatementRef naming the statement it voids.",
            short(s["object"]),
        )
    if "result" in s:
        _check_result(s["result"], f"{at}result")
    if "context" in s:
        _check_context(s["context"], f"{at}context", object_kind=kind, two=two)
    stamp = None
    if "timestamp" in s:
        stamp = parse_timestamp(s["timestamp"], f"{at}timestamp", zone_required=two)
    if "attachments" in s:
        _check_attachments(s["attachments"], f"{at}attachments")
    return stamp


def _check_object(value: Any, path: str, *, sub: bool, two: bool) -> str:
    obj = require_object(value, path, "object")
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        check_activity(obj, path)
    elif kind in ("Agent", "Group"):
        check_agent(obj, path)
    elif kind == "StatementRef":
        check_keys(obj, frozenset({"objectType", "id"}), path)
        check_uuid(obj.get("id"), f"{path}.id")
    elif kind == "SubStatement" and not sub:
        check_keys(obj, SUB_KEYS, path)
        _check_core(obj, path, two=two)
    else:
        allowed = (
            "Activity, Agent, Group or StatementRef"
            if sub
            else ("Activity, Agent, Group, StatementRef or SubStatement")
        )
        raise StatementInvalid(
            f"{path}.objectType", f"The objectType at {path} must be one of {allowed}.", short(kind)
        )
    return str(kind)


def check_activity(value: Any, path: str) -> dict[str, Any]:
    activity = require_object(value, path, "activity")
    check_keys(activity, ACTIVITY_KEYS, path)
    if activity.get("objectType", "Activity") != "Activity":
        raise StatementInvalid(
            f"{path}.objectType",
            "The objectType of an activity must be Activity.",
            short(activity.get("objectType")),
        )
    if "id" not in activity:
        raise StatementInvalid(f"{path}.id", "The activity has no id (an IRI).", short(activity))
    check_iri(activity["id"], f"{path}.id", "activity id")
    if "definition" in activity:
        _check_definition(activity["definition"], f"{path}.definition")
    return activity


def _check_definition(value: Any, path: str) -> None:
    d = require_object(value, path, "activity definition")
    check_keys(d, DEFINITION_KEYS, path)
    for lang in ("name", "description"):
        if lang in d:
            check_language_map(d[lang], f"{path}.{lang}")
    if "type" in d:
        check_iri(d["type"], f"{path}.type", "activity type")
    if "moreInfo" in d:
        check_iri(d["moreInfo"], f"{path}.moreInfo", "moreInfo")
    if "extensions" in d:
        check_extensions(d["extensions"], f"{path}.extensions")
    interaction = d.get("interactionType")
    if interaction is None:
        present = [k for k in (*COMPONENT_LISTS, "correctResponsesPattern") if k in d]
        if present:
            raise StatementInvalid(
                f"{path}.{present[0]}",
                f"{present[0]} needs an interactionType.",
                short(d[present[0]]),
            )
        return
    if not isinstance(interaction, str) or interaction not in INTERACTIONS:
        raise StatementInvalid(
            f"{path}.interactionType",
            f"The interactionType must be one of {', '.join(INTERACTIONS)}.",
            short(interaction),
        )
    if "correctResponsesPattern" in d:
        pattern = d["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise StatementInvalid(
                f"{path}.correctResponsesPattern",
                "correctResponsesPattern must be a list of strings.",
                short(pattern),
            )
    for name in COMPONENT_LISTS:
        if name not in d:
            continue
        if name not in INTERACTIONS[interaction]:
            raise StatementInvalid(
                f"{path}.{name}", f"A {interaction} interaction has no {name}.", short(d[name])
            )
        _check_components(d[name], f"{path}.{name}")


def _check_components(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise StatementInvalid(
            path, f"{path} must be a list of interaction components.", short(value)
        )
    seen: set[str] = set()
    for i, item in enumerate(value):
        at = f"{path}[{i}]"
        component = require_object(item, at, "interaction component")
        check_keys(component, frozenset({"id", "description"}), at)
        cid = check_string(component.get("id"), f"{at}.id")
        if cid in seen:
            raise StatementInvalid(
                f"{at}.id", "Interaction component ids must be unique within their list.", cid
            )
        seen.add(cid)
        if "description" in component:
            check_language_map(component["description"], f"{at}.description")


def _check_result(value: Any, path: str) -> None:
    r = require_object(value, path, "result")
    check_keys(r, RESULT_KEYS, path)
    for flag in ("success", "completion"):
        if flag in r:
            check_bool(r[flag], f"{path}.{flag}")
    if "response" in r:
        check_string(r["response"], f"{path}.response")
    if "duration" in r:
        check_duration(r["duration"], f"{path}.duration")
    if "extensions" in r:
        check_extensions(r["extensions"], f"{path}.extensions")
    if "score" in r:
        score = require_object(r["score"], f"{path}.score", "score")
        check_keys(score, SCORE_KEYS, f"{path}.score")
        n = {k: check_number(score[k], f"{path}.score.{k}") for k in SCORE_KEYS if k in score}
        if "scaled" in n and not -1 <= n["scaled"] <= 1:
            raise StatementInvalid(
                f"{path}.score.scaled", "score.scaled must be between -1 and 1.", n["scaled"]
            )
        if "min" in n and "max" in n and n["min"] >= n["max"]:
            raise StatementInvalid(
                f"{path}.score.min", "score.min must be below score.max.", n["min"]
            )
        raw = n.get("raw")
        if raw is not None and (raw < n.get("min", raw) or raw > n.get("max", raw)):
            raise StatementInvalid(
                f"{path}.score.raw", "score.raw must lie between score.min and score.max.", raw
            )


def _check_context(value: Any, path: str, *, object_kind: str, two: bool) -> None:
    c = require_object(value, path, "context")
    check_keys(c, CONTEXT_KEYS_2 if two else CONTEXT_KEYS, path)
    if "registration" in c:
        check_uuid(c["registration"], f"{path}.registration")
    if "instructor" in c:
        check_agent(c["instructor"], f"{path}.instructor")
    if "team" in c:
        team = check_agent(c["team"], f"{path}.team")
        if team.get("objectType") != "Group":
            raise StatementInvalid(f"{path}.team", "The context team must be a Group.", short(team))
    for text in ("revision", "platform"):
        if text in c:
            check_string(c[text], f"{path}.{text}")
            if object_kind != "Activity":
                raise StatementInvalid(
                    f"{path}.{text}",
                    f"context.{text} may only be used when the object is an activity.",
                    short(c[text]),
                )
    if "language" in c:
        check_language_tag(c["language"], f"{path}.language")
    if "statement" in c:
        ref = require_object(c["statement"], f"{path}.statement", "statement reference")
        check_keys(ref, frozenset({"objectType", "id"}), f"{path}.statement")
        if ref.get("objectType") != "StatementRef":
            raise StatementInvalid(
                f"{path}.statement.objectType",
                "context.statement must be a StatementRef.",
                short(ref),
            )
        check_uuid(ref.get("id"), f"{path}.statement.id")
    if "extensions" in c:
        check_extensions(c["extensions"], f"{path}.extensions")
    if "contextActivities" in c:
        _check_context_activities(c["contextActivities"], f"{path}.contextActivities")
    if "contextAgents" in c:
        _check_context_actors(c["contextAgents"], f"{path}.contextAgents", "agent")
    if "contextGroups" in c:
        _check_context_actors(c["contextGroups"], f"{path}.contextGroups", "group")


def _check_context_activities(value: Any, path: str) -> None:
    ca = require_object(value, path, "contextActivities")
    check_keys(ca, CONTEXT_ACTIVITY_KEYS, path)
    for name, item in ca.items():
        items = item if isinstance(item, list) else [item]
        for i, activity in enumerate(items):
            check_activity(activity, f"{path}.{name}[{i}]")


def _check_context_actors(value: Any, path: str, field: str) -> None:
    if not isinstance(value, list):
        raise StatementInvalid(path, f"{path} must be a list.", short(value))
    kind = "contextAgent" if field == "agent" else "contextGroup"
    for i, item in enumerate(value):
        at = f"{path}[{i}]"
        entry = require_object(item, at, kind)
        check_keys(entry, frozenset({"objectType", field, "relevantTypes"}), at)
        if entry.get("objectType") != kind:
            raise StatementInvalid(
                f"{at}.objectType",
                f"The objectType must be {kind}.",
                short(entry),
            )
        if field not in entry:
            raise StatementInvalid(f"{at}.{field}", f"Each entry needs its {field}.", short(entry))
        actor = check_agent(entry[field], f"{at}.{field}", group_allowed=field == "group")
        if field == "group" and actor.get("objectType") != "Group":
            raise StatementInvalid(f"{at}.group", "contextGroups hold groups.", short(actor))
        if "relevantTypes" in entry:
            types = entry["relevantTypes"]
            if not isinstance(types, list) or not types:
                raise StatementInvalid(
                    f"{at}.relevantTypes",
                    "relevantTypes must be a non-empty list of IRIs.",
                    short(types),
                )
            for j, t in enumerate(types):
                check_iri(t, f"{at}.relevantTypes[{j}]", "relevant type")


def _check_attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise StatementInvalid(path, "attachments must be a list.", short(value))
    for i, item in enumerate(value):
        at = f"{path}[{i}]"
        a = require_object(item, at, "attachment")
        check_keys(a, ATTACHMENT_KEYS, at)
        for needed in ("usageType", "display", "contentType", "length", "sha2"):
            if needed not in a:
                raise StatementInvalid(
                    f"{at}.{needed}", f"The attachment has no {needed}.", short(a)
                )
        check_iri(a["usageType"], f"{at}.usageType", "usageType")
        check_language_map(a["display"], f"{at}.display")
        if "description" in a:
            check_language_map(a["description"], f"{at}.description")
        check_string(a["contentType"], f"{at}.contentType")
        if isinstance(a["length"], bool) or not isinstance(a["length"], int):
            raise StatementInvalid(
                f"{at}.length",
                "The attachment length must be a whole number of bytes.",
                short(a["length"]),
            )
        check_string(a["sha2"], f"{at}.sha2")
        if "fileUrl" in a:
            check_iri(a["fileUrl"], f"{at}.fileUrl", "fileUrl")


def _check_authority(value: Any) -> None:
    authority = check_agent(value, "authority")
    if authority.get("objectType") == "Group":
        members = authority.get("member") or []
        if len(members) != 2 or any(k in authority for k in IFIS):
            raise StatementInvalid(
                "authority",
                "A group as authority must have exactly two "
                "members (an OAuth consumer and a user).",
                short(authority),
            )
