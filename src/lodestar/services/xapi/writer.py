"""The one writer of xAPI statements: the LRS endpoint, the file import, the pull connector
and the nudges all land statements through ``write_statements``.

- It takes statements already checked (``checked_statement`` runs the xAPI data-model checks
  and gives a statement without an id its UUID) and keeps each one's JSON exactly as received
  (``raw``) beside the columns analyses read.
- Idempotent by id: a statement id already stored (or repeated in the batch) with the same
  content is a no-op; with different content it is a ``StatementConflict`` and nothing of the
  batch is written.
- A batch is one unit: everything is checked before the first row is written, and the rows go
  into the caller's transaction (services never commit), so a refused batch leaves nothing.
- Voiding: a voiding statement marks its target voided, whether the target is in the batch,
  stored before or arrives later; voided statements disappear from reads and from analyses
  (which read ``voided = false``). A voiding statement is never itself voided.
- Each statement gets ``stored`` (one time per batch) and the authority of the credential it
  came through; actors are matched to employees by e-mail, its SHA-1 or the account name.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, any_, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import LearningStatement, XapiAttachment
from lodestar.db.statement_rows import insert_refs, insert_statements
from lodestar.errors import Conflict
from lodestar.services.xapi.activities import remember_activities
from lodestar.services.xapi.columns import authority_keys, refs_beside, statement_columns
from lodestar.services.xapi.people import match_employees
from lodestar.services.xapi.validation import check_statement_time

LOOKUP_CHUNK = 5000
# The lookups of every batch, built once. SQLite: an expanding ``IN`` (bound as it is; an
# ``IN`` of literal values is coerced value by value each time it is built). PostgreSQL:
# ``= ANY`` of one array parameter, which is parsed and planned once whatever the number of
# ids (an ``IN`` of 5,000 parameters cost 0.3 ms a statement id to plan and bind).
_T = LearningStatement


def _by_id(column: Any) -> dict[str, Any]:
    return {
        "sqlite": column.in_(bindparam("ids", expanding=True)),
        "postgresql": column == any_(bindparam("ids", type_=ARRAY(String))),
    }


STORED_RAW = {
    name: select(_T.statement_id, _T.raw).where(where)
    for name, where in _by_id(_T.statement_id).items()
}
VOIDING_THESE = {
    name: select(_T.voids_statement_id).where(where)
    for name, where in _by_id(_T.voids_statement_id).items()
}
VOID = {
    name: update(_T)
    .where(where, _T.voids_statement_id.is_(None), _T.voided.is_(False))
    .values(voided=True)
    .execution_options(synchronize_session=False)
    for name, where in _by_id(_T.statement_id).items()
}


def _for(session: Session, statements: dict[str, Any]) -> Any:
    """The form of a lookup for the session's database."""
    return statements[session.get_bind().dialect.name]


# What differs between two copies of one statement without changing it: the LRS sets these.
LRS_SET = frozenset({"id", "stored", "authority", "version"})


class StatementConflict(Conflict):
    """A statement id is already used by a statement with other content."""

    code = "statement-conflict"
    status = 409
    title = "Statement id already used"


@dataclass(frozen=True)
class ValidStatement:
    """A statement that passed the xAPI checks, with its id, its JSON as received, and its
    timestamp as the check parsed it (None: it has none)."""

    data: dict[str, Any]
    raw: str
    timestamp: datetime | None = None
    id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.data["id"]).lower())


@dataclass
class WriteOutcome:
    """The ids of the batch in its order, how many were new and how many already stored."""

    ids: list[str] = field(default_factory=list)
    added: int = 0
    unchanged: int = 0
    voided: int = 0


@dataclass(frozen=True)
class IdClash:
    """Statement ``index`` of a batch reuses an id with other content: of statement ``first``
    of the same batch, or (``first`` None) of a stored statement."""

    index: int
    statement_id: str
    first: int | None

    @property
    def sentence(self) -> str:
        if self.first is not None:
            return (
                f"Statement {self.statement_id} appears twice in the batch with different "
                "content. A statement id names one statement; give the other one a new id."
            )
        return (
            f"Statement {self.statement_id} is already stored with different content. "
            "Statements cannot change: send a new statement (and void the old one if it was "
            "wrong)."
        )


@dataclass
class SortedBatch:
    """A batch sorted against itself and the store: the statements to add, how many are
    already there with the same content, and the id clashes."""

    new: list[ValidStatement] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[IdClash] = field(default_factory=list)


def sort_out(session: Session, statements: Sequence[ValidStatement]) -> SortedBatch:
    """Which statements of a batch are new, repeated with the same content, or clash."""
    out = SortedBatch()
    first_seen: dict[str, int] = {}
    fresh: list[int] = []
    for i, s in enumerate(statements):
        first = first_seen.get(s.id)
        if first is None:
            first_seen[s.id] = i
            fresh.append(i)
        elif same_statement(statements[first].data, s.data):
            out.unchanged += 1
        else:
            out.conflicts.append(IdClash(i, s.id, first))
    stored_raw = stored_statements(session, [statements[i].id for i in fresh])
    for i in fresh:
        s = statements[i]
        old = stored_raw.get(s.id)
        if old is None:
            out.new.append(s)
        elif not old or same_statement(json.loads(old), s.data):
            # (An empty raw: the retention rule removed the JSON; the id stays taken.)
            out.unchanged += 1
        else:
            out.conflicts.append(IdClash(i, s.id, None))
    return out


def checked_statement(
    statement: Any, *, version: str = "1.0.3", raw: str | None = None
) -> ValidStatement:
    """Check ``statement`` (raises ``StatementInvalid``); a missing id is given a UUID."""
    data, stamp = check_statement_time(statement, version=version)
    if "id" not in data:
        data = {"id": str(uuid.uuid4()), **data}
        raw = None
    return ValidStatement(
        data, raw if raw is not None else json.dumps(data, ensure_ascii=False), stamp
    )


def same_statement(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two copies of a statement say the same thing: what the LRS sets is set aside,
    and durations are compared to 0.01 s (xAPI 2.0, 4.2.7)."""
    return _comparable(a) == _comparable(b)


DURATION_SECONDS = re.compile(r"(\d+\.\d{2})\d*S$")


def _comparable(s: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in s.items() if k not in LRS_SET}
    result = out.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        out["result"] = {**result, "duration": DURATION_SECONDS.sub(r"\1S", result["duration"])}
    obj = out.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        out["object"] = _comparable(obj)
    return out


def write_statements(
    session: Session,
    statements: Sequence[ValidStatement],
    *,
    authority: Mapping[str, Any] | None = None,
    source_id: int | None = None,
    default_version: str = "1.0.0",
    attachments: Mapping[str, tuple[str, bytes]] | None = None,
    stored: datetime | None = None,
    sorted_out: SortedBatch | None = None,
) -> WriteOutcome:
    """Store ``statements`` as one unit in the caller's transaction; see the module doc.

    ``attachments`` maps a SHA-256 to (content type, content) for attachments sent with the
    statements. Raises ``StatementConflict`` (nothing written) when an id is taken by a
    statement with other content. A caller that has already sorted the batch out against the
    store in this transaction (``sort_out``, e.g. to report clashes by line) passes it, and
    the ids are not looked up twice; a statement stored since by another transaction still
    fails on the unique id, so nothing is written twice."""
    outcome = WriteOutcome(ids=[s.id for s in statements])
    if sorted_out is None:
        sorted_out = sort_out(session, statements)
    for clash in sorted_out.conflicts:
        raise StatementConflict(clash.sentence)
    new = sorted_out.new
    outcome.unchanged = sorted_out.unchanged
    if attachments:
        _store_attachments(session, attachments)
    if not new:
        return outcome
    now = stored or _millisecond(utcnow())
    authority_json = json.dumps(authority) if authority is not None else None
    rows = []
    for s in new:
        row = statement_columns(
            s.data, default_version=default_version, stored=now, timestamp=s.timestamp
        )
        row.update(raw=s.raw, source_id=source_id, authority=authority_json)
        rows.append(row)
    match_employees(session, rows)
    for row in rows:
        row.pop("_email", None)
        row.pop("_account", None)
    pks = insert_statements(session, rows)
    _write_refs(session, new, authority, pks)
    remember_activities(session, [s.data for s in new])
    outcome.added = len(new)
    outcome.voided = _apply_voiding(session, rows)
    return outcome


def stored_statements(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """The raw JSON of the stored statements among ``ids`` (lower-case UUIDs)."""
    out: dict[str, str] = {}
    for i in range(0, len(ids), LOOKUP_CHUNK):
        out.update(
            session.execute(
                _for(session, STORED_RAW), {"ids": list(ids[i : i + LOOKUP_CHUNK])}
            ).all()
        )
    return out


def _write_refs(
    session: Session,
    new: Sequence[ValidStatement],
    authority: Mapping[str, Any] | None,
    pks: Sequence[int],
) -> None:
    by = authority_keys(dict(authority) if authority else None)
    insert_refs(
        session,
        [
            (pk, kind, key)
            for pk, s in zip(pks, new, strict=True)
            for kind, key in refs_beside(s.data, by)
        ],
    )


def _store_attachments(session: Session, attachments: Mapping[str, tuple[str, bytes]]) -> None:
    have = set(
        session.scalars(select(XapiAttachment.sha2).where(XapiAttachment.sha2.in_(attachments)))
    )
    missing = [
        {"sha2": sha, "content_type": ctype, "content": content}
        for sha, (ctype, content) in attachments.items()
        if sha not in have
    ]
    if missing:
        session.execute(insert(XapiAttachment), missing)


def _apply_voiding(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Void what the new voiding statements point at, and the new statements that stored
    voiding statements point at; voiding statements themselves stay."""
    targets = {r["voids_statement_id"] for r in rows if r["voids_statement_id"]}
    plain = [r["statement_id"] for r in rows if not r["voids_statement_id"]]
    for i in range(0, len(plain), LOOKUP_CHUNK):
        targets.update(
            session.scalars(_for(session, VOIDING_THESE), {"ids": plain[i : i + LOOKUP_CHUNK]})
        )
    if not targets:
        return 0
    done = 0
    ordered = sorted(str(x) for x in targets)
    for i in range(0, len(ordered), LOOKUP_CHUNK):
        result = session.execute(_for(session, VOID), {"ids": ordered[i : i + LOOKUP_CHUNK]})
        done += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return done


def _millisecond(moment: datetime) -> datetime:
    """Stored times keep milliseconds, as xAPI writes them: a ``since`` copied from a stored
    time then means exactly that statement's time."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
