"""The xAPI data types a statement is built from, each checked by one function that raises
``StatementInvalid`` with the path of the offending value and a sentence saying what to send.

Checked here: IRIs and IRLs, UUIDs, language maps (RFC 5646 tags), extensions, ISO 8601
timestamps and durations, and agents and groups (exactly one identifier, members that are
agents). The statement, its object, result and context are checked in ``validation``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
EMAIL = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
LANGUAGE_TAG = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?$"
    r"|^[Xx](?:-[A-Za-z0-9]{1,8})+$"
)
TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)
DURATION = re.compile(
    r"^P(?=\d|T\d)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$|^P\d+(?:\.\d+)?W$"
)
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
# IRIs and language tags already found well formed: a batch repeats its verbs, activities,
# homePages and tags, and a set lookup is a tenth of a regular expression match. Bounded:
# past the limit the set is cleared and refills.
KNOWN_LIMIT = 50_000
_known_iris: set[str] = set()
_known_tags: set[str] = set()


def _remember(known: set[str], value: str) -> None:
    if len(known) >= KNOWN_LIMIT:
        known.clear()
    known.add(value)


class StatementInvalid(Exception):
    """A statement breaks a rule of the xAPI data model: ``path`` says where."""

    def __init__(self, path: str, reason: str, value: object = "") -> None:
        super().__init__(reason)
        self.path, self.reason, self.value = path, reason, value

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


def short(value: Any) -> str:
    """A value as a line of a report, at most 200 characters."""
    try:
        return json.dumps(value)[:200] if value is not None else ""
    except (TypeError, ValueError):
        return str(value)[:200]


def check_keys(obj: dict[str, Any], allowed: frozenset[str], path: str) -> None:
    if allowed.issuperset(obj):
        return
    extra = sorted(set(obj) - allowed)
    if extra:
        where = path or "The statement"
        raise StatementInvalid(
            f"{path}.{extra[0]}" if path else extra[0],
            f"{where} has a property xAPI does not define ({', '.join(extra)}); remove it or "
            "move it into extensions.",
            extra[0],
        )


def require_object(value: Any, path: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StatementInvalid(path, f"The {what} is missing or not a JSON object.", short(value))
    return value


def check_string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise StatementInvalid(path, f"{path} must be a string.", short(value))
    return value


def check_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise StatementInvalid(path, f"{path} must be true or false.", short(value))
    return value


def check_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementInvalid(path, f"{path} must be a number.", short(value))
    return float(value)


def check_iri(value: Any, path: str, what: str = "value") -> str:
    if value.__class__ is str and value in _known_iris:
        return value  # type: ignore[no-any-return]
    if not isinstance(value, str) or not IRI.match(value):
        raise StatementInvalid(
            path,
            f"The {what} at {path} must be an IRI, such as "
            "http://adlnet.gov/expapi/verbs/completed.",
            short(value),
        )
    _remember(_known_iris, value)
    return value


def check_uuid(value: Any, path: str) -> str:
    if not isinstance(value, str) or not UUID.match(value):
        raise StatementInvalid(
            path,
            f"{path} must be a UUID (for example 6b2f63a2-1d83-4b41-9d2c-2d1f4c0e2a57).",
            short(value),
        )
    return value.lower()


def check_language_map(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise StatementInvalid(
            path,
            f'{path} must be a language map such as {{"en-US": "completed"}}.',
            short(value),
        )
    for tag, text in value.items():
        if tag not in _known_tags and not LANGUAGE_TAG.match(tag):
            raise StatementInvalid(
                f"{path}.{tag}", f"“{tag}” is not a language tag (RFC 5646, e.g. en-US).", tag
            )
        if not isinstance(text, str):
            raise StatementInvalid(
                f"{path}.{tag}", "Language map values must be strings.", short(text)
            )
        _remember(_known_tags, tag)


def check_language_tag(value: Any, path: str) -> None:
    if value.__class__ is str and value in _known_tags:
        return
    if not isinstance(value, str) or not LANGUAGE_TAG.match(value):
        raise StatementInvalid(
            path, f"{path} must be a language tag (RFC 5646, e.g. en-US).", short(value)
        )
    _remember(_known_tags, value)


def check_extensions(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise StatementInvalid(path, f"{path} must be an object keyed by IRIs.", short(value))
    for key in value:
        check_iri(key, f"{path}.{key}", "extension key")


def parse_timestamp(value: Any, path: str, *, zone_required: bool = False) -> datetime:
    """An ISO 8601 date-time as an aware UTC datetime; a missing zone is read as UTC unless
    ``zone_required``. A zone of -00:00 is refused (RFC 3339: an unknown local offset)."""
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        raise StatementInvalid(
            path,
            f"{path} must be an ISO 8601 date and time, such as 2026-03-01T09:30:00Z.",
            short(value),
        )
    if value.endswith(("-00:00", "-0000", "-00")):
        raise StatementInvalid(path, f"{path} may not use the offset -00:00; write Z.", value)
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise StatementInvalid(path, f"{path} is not a real date and time.", value) from None
    if stamp.tzinfo is None:
        if zone_required:
            raise StatementInvalid(
                path, f"{path} must carry a time zone (for example a trailing Z).", value
            )
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def check_duration(value: Any, path: str) -> None:
    if not isinstance(value, str) or not DURATION.match(value):
        raise StatementInvalid(
            path, f"{path} must be an ISO 8601 duration, such as PT1H30M.", short(value)
        )


AGENT_KEYS = frozenset({"objectType", "name", *IFIS})
GROUP_KEYS = frozenset({"objectType", "name", "member", *IFIS})
ACCOUNT_KEYS = frozenset({"homePage", "name"})


def agent_key(agent: dict[str, Any]) -> str | None:
    """The one identifier of a checked agent or identified group, as one string
    (``mbox:a@b``, ``sha1:…``, ``openid:…``, ``account:home|name``); None for an anonymous
    group."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox'][7:].strip().lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    return None


def check_agent(value: Any, path: str, *, group_allowed: bool = True) -> dict[str, Any]:
    """An Agent or (where allowed) a Group: exactly one identifier, or an anonymous group with
    members."""
    agent = require_object(value, path, path)
    kind = agent.get("objectType", "Agent")
    if kind not in ("Agent", "Group") or (kind == "Group" and not group_allowed):
        allowed = "Agent or Group" if group_allowed else "Agent"
        raise StatementInvalid(
            f"{path}.objectType", f"The objectType of {path} must be {allowed}.", short(kind)
        )
    check_keys(agent, GROUP_KEYS if kind == "Group" else AGENT_KEYS, path)
    if "name" in agent:
        check_string(agent["name"], f"{path}.name")
    present = [k for k in IFIS if k in agent]
    if len(present) > 1:
        raise StatementInvalid(
            path,
            f"{path} has several identifiers ({', '.join(present)}); "
            "an agent needs exactly one of mbox, mbox_sha1sum, openid or account.",
            short(agent),
        )
    if kind == "Group":
        members = agent.get("member")
        if members is not None:
            if not isinstance(members, list):
                raise StatementInvalid(
                    f"{path}.member", "A group's member must be a list.", short(members)
                )
            for i, member in enumerate(members):
                check_agent(member, f"{path}.member[{i}]", group_allowed=False)
        if not present and not members:
            raise StatementInvalid(
                path,
                f"{path} is an anonymous group without members; give it an identifier or list "
                "its members.",
                short(agent),
            )
    elif not present:
        raise StatementInvalid(
            path,
            f"{path} has no identifier; an agent needs exactly one of mbox, mbox_sha1sum, "
            "openid or account.",
            short(agent),
        )
    for ifi in present:
        _check_ifi(ifi, agent[ifi], f"{path}.{ifi}")
    return agent


def _check_ifi(ifi: str, value: Any, path: str) -> None:
    if ifi == "mbox":
        if not isinstance(value, str) or not EMAIL.match(value):
            raise StatementInvalid(
                path, "The mbox must be “mailto:” followed by an email address.", short(value)
            )
    elif ifi == "mbox_sha1sum":
        if not isinstance(value, str) or not SHA1.match(value):
            raise StatementInvalid(
                path, "The mbox_sha1sum must be 40 hexadecimal characters.", short(value)
            )
    elif ifi == "openid":
        check_iri(value, path, "openid")
    else:
        account = require_object(value, path, "account")
        check_keys(account, ACCOUNT_KEYS, path)
        if "homePage" not in account or "name" not in account:
            raise StatementInvalid(
                path, "The account needs a homePage (an IRL) and a name.", short(account)
            )
        check_iri(account["homePage"], f"{path}.homePage", "account homePage")
        check_string(account["name"], f"{path}.name")
