"""Statements read back as the Statement resource returns them: one by id, or a page of a
filtered, ordered list with a ``more`` token for the next page.

Voided statements are left out of every list and of ``statementId``; ``voidedStatementId``
finds them. A statement that points at a matching statement (a StatementRef object, such as
a voiding statement) is returned with the matches, as the specification asks. Rows are
ordered by their row id, which follows ``stored``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from lodestar.db.models import LearningStatement, XapiAttachment, XapiStatementRef
from lodestar.services.xapi.formats import shaped, with_context_lists
from lodestar.services.xapi.query import StatementQuery

S = LearningStatement
LODESTAR_AUTHORITY = {
    "objectType": "Agent",
    "name": "Lodestar file import",
    "account": {"homePage": "urn:lodestar:xapi", "name": "import"},
}


@dataclass(frozen=True)
class StoredStatement:
    data: dict[str, Any]
    stored: datetime


@dataclass(frozen=True)
class StatementPage:
    statements: list[dict[str, Any]]
    more: StatementQuery | None
    last_stored: datetime | None


def iso(moment: datetime) -> str:
    """A stored time as xAPI writes it: UTC, milliseconds, Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def full_statement(
    raw: str, stored: datetime, authority: str | None, version: str, row: Any = None
) -> dict:
    """The statement as the LRS returns it: as received, with id, timestamp, stored,
    authority and version set. A statement whose raw JSON the retention rule removed
    (``LODESTAR_PRIVACY__RAW_STATEMENT_RETENTION_DAYS``) is rebuilt from its columns."""
    data: dict[str, Any] = json.loads(raw) if raw else from_columns(row)
    data.setdefault("timestamp", iso(stored))
    data["stored"] = iso(stored)
    data["authority"] = json.loads(authority) if authority else LODESTAR_AUTHORITY
    data["version"] = version
    return with_context_lists(data)


def _agent(key: str) -> dict[str, Any]:
    kind, _, value = key.partition(":")
    if kind == "mbox":
        return {"mbox": f"mailto:{value}"}
    if kind == "sha1":
        return {"mbox_sha1sum": value}
    if kind == "openid":
        return {"openid": value}
    if kind == "account":
        home, _, name = value.partition("|")
        return {"account": {"homePage": home, "name": name}}
    return {"objectType": "Group", "member": []}


def from_columns(row: Any) -> dict[str, Any]:
    """What the columns keep of a statement whose raw JSON is gone."""
    kind = row.object_type or "Activity"
    obj: dict[str, Any] = {"objectType": kind, "id": row.object_id}
    if kind in ("Agent", "Group"):
        obj = {"objectType": kind, **_agent(row.object_id)}
    data: dict[str, Any] = {
        "id": row.statement_id,
        "actor": _agent(row.actor_key),
        "verb": {"id": row.verb_id},
        "object": obj,
        "timestamp": iso(row.timestamp),
    }
    result = {
        k: v for k, v in (("completion", row.completion), ("success", row.success)) if v is not None
    }
    if row.score_scaled is not None or row.score_raw is not None:
        result["score"] = {
            k: v for k, v in (("scaled", row.score_scaled), ("raw", row.score_raw)) if v is not None
        }
    if result:
        data["result"] = result
    return data


def one_statement(
    session: Session,
    statement_id: str,
    *,
    voided: bool,
    fmt: str = "exact",
    language: str = "",
) -> StoredStatement | None:
    """The statement ``statement_id`` (a voided one only when ``voided``)."""
    row = session.scalar(select(S).where(S.statement_id == statement_id, S.voided.is_(voided)))
    if row is None:
        return None
    stored = row.stored or row.timestamp
    data = full_statement(row.raw, stored, row.authority, row.version, row)
    return StoredStatement(shaped(data, fmt, language), stored)


def statement_page(session: Session, q: StatementQuery, *, language: str = "") -> StatementPage:
    """One page of the statements ``q`` asks for, and the query of the next page.

    With filters, two indexed queries run, each ordered and limited the same way: the
    statements matching the filters, and the statements pointing at a match (a StatementRef
    object, such as a voiding statement); their merge is the page. One OR over both would
    read the whole table."""
    order = S.id.asc() if q.ascending else S.id.desc()
    columns = (
        S.id,
        S.raw,
        S.stored,
        S.authority,
        S.version,
        S.statement_id,
        S.actor_key,
        S.verb_id,
        S.object_id,
        S.object_type,
        S.timestamp,
        S.completion,
        S.success,
        S.score_scaled,
        S.score_raw,
    )
    matching = _matching(q, S)
    rows = list(
        session.execute(
            select(*columns)
            .where(*_window(q, S), *([matching] if matching is not None else []))
            .order_by(order)
            .limit(q.limit + 1)
        ).all()
    )
    if matching is not None:
        target = aliased(LearningStatement)
        matching_target = _matching(q, target)
        assert matching_target is not None
        # EXISTS, not a join: the pointing statements are few (the partial index of
        # StatementRef rows, in id order) and each match is one lookup by its unique id.
        # As a join, SQLite without statistics started from the matches instead (every
        # statement of a verb: 3 s at 1 M stored).
        pointing = session.execute(
            select(*columns)
            .where(
                *_window(q, S),
                S.object_type == "StatementRef",
                select(target.id)
                .where(target.statement_id == S.object_id, matching_target)
                .exists(),
            )
            .order_by(order)
            .limit(q.limit + 1)
        ).all()
        seen = {r.id for r in rows}
        rows += [r for r in pointing if r.id not in seen]
        rows.sort(key=lambda r: r.id, reverse=not q.ascending)
    more = None
    if len(rows) > q.limit:
        rows = rows[: q.limit]
        more = replace(q, after=rows[-1].id)
    statements = [
        shaped(full_statement(r.raw, r.stored, r.authority, r.version, r), q.format, language)
        for r in rows
    ]
    last = max((r.stored for r in rows), default=None)
    return StatementPage(statements, more, last)


def _window(q: StatementQuery, s: Any) -> list[ColumnElement[bool]]:
    """Not voided, within since/until, after the previous page."""
    out: list[ColumnElement[bool]] = [s.voided.is_(False)]
    if q.since_time is not None:
        out.append(s.stored > q.since_time)
    if q.until_time is not None:
        out.append(s.stored <= q.until_time)
    if q.after is not None:
        out.append(s.id > q.after if q.ascending else s.id < q.after)
    return out


def _matching(q: StatementQuery, s: Any) -> ColumnElement[bool] | None:
    parts: list[ColumnElement[bool]] = []
    if q.agent is not None:
        agent = or_(
            s.actor_key == q.agent,
            and_(s.object_type.in_(("Agent", "Group")), s.object_id == q.agent),
        )
        if q.related_agents:
            agent = or_(agent, s.id.in_(_refs("agent", q.agent)))
        parts.append(agent)
    if q.verb is not None:
        parts.append(s.verb_id == q.verb)
    if q.activity is not None:
        activity = and_(s.object_type == "Activity", s.object_id == q.activity)
        if q.related_activities:
            activity = or_(activity, s.id.in_(_refs("activity", q.activity)))
        parts.append(activity)
    if q.registration is not None:
        parts.append(s.registration == q.registration)
    if not parts:
        return None
    return and_(*parts) if len(parts) > 1 else parts[0]


def _refs(kind: str, key: str) -> Any:
    return select(XapiStatementRef.statement_pk).where(
        XapiStatementRef.kind == kind, XapiStatementRef.key == key
    )


def attachments_of(
    session: Session, statements: list[dict[str, Any]]
) -> list[tuple[str, str, bytes]]:
    """(sha2, content type, content) of the stored attachments the statements name."""
    wanted: list[str] = []
    for s in statements:
        for item in [s, s.get("object", {})]:
            for a in item.get("attachments", []) if isinstance(item, dict) else []:
                if a.get("sha2") and a["sha2"] not in wanted:
                    wanted.append(a["sha2"])
    if not wanted:
        return []
    found = {
        r.sha2: (r.content_type, r.content)
        for r in session.execute(
            select(XapiAttachment.sha2, XapiAttachment.content_type, XapiAttachment.content).where(
                XapiAttachment.sha2.in_(wanted)
            )
        )
    }
    return [(sha, *found[sha]) for sha in wanted if sha in found]
