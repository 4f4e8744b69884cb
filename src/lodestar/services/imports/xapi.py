"""Learning activity as xAPI statements (JSON lines; xAPI 1.0.3, 2.0 accepted).

Each line is one statement. It is validated (id, actor with exactly one identifier —
mbox, mbox_sha1sum, account or openid —, verb IRI, object, timestamp, result), kept exactly
as received in ``raw``, and parsed into columns: statement id, actor key, verb, object id,
timestamp (UTC), result score/completion/success, registration and version.

Statements are immutable: a statement id already stored with the same content is a no-op
(counted unchanged); the same id with different content is a conflict and rejects the file.
A voiding statement (verb ``http://adlnet.gov/expapi/verbs/voided`` with a StatementRef
object) marks its target voided, whether the target is in this file, stored earlier, or
arrives later. Actors are matched to employees by email (mbox, or its SHA-1) or by account
name (the employee id, or an email).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Column, MetaData, String, Table, select, text
from sqlalchemy.orm import Session

from lodestar.db.bulk import insert_frame
from lodestar.db.models import Employee, LearningStatement
from lodestar.domain.roles import Actor
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.guards import check_row_count, utf8_text
from lodestar.services.imports.report import ImportRejected, ImportReport, Progress, no_progress

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")
IFIS = ("mbox", "mbox_sha1sum", "account", "openid")
LOOKUP_CHUNK = 5000


class Invalid(Exception):
    def __init__(self, path: str, reason: str, value: object = "") -> None:
        super().__init__(reason)
        self.path, self.reason, self.value = path, reason, value


def import_statements(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import xAPI statements from JSON lines; all or nothing."""
    require_importer(actor)
    report = ImportReport("xapi", filename, dry_run=dry_run, progress=progress)
    text_ = utf8_text(data, report).decode("utf-8")
    check_row_count(text_.count("\n"), report)
    parsed: list[dict[str, Any]] = []
    seen: dict[str, tuple[int, Any]] = {}
    for number, line in enumerate(text_.splitlines(), start=1):
        raw = line.strip()
        if not raw:
            continue
        report.rows += 1
        if "\\u0000" in raw or "\x00" in raw:
            report.add(
                number,
                "(line)",
                raw[:200].replace("\x00", "\\0"),
                "This statement contains a NUL character (\\u0000), which cannot be stored. "
                "Remove it from the statement.",
            )
            continue
        try:
            statement = json.loads(raw)
        except json.JSONDecodeError as exc:
            report.add(
                number,
                "(line)",
                raw[:200],
                f"This line is not valid JSON ({exc.msg} "
                f"at character {exc.pos + 1}). Each line must hold one statement.",
            )
            continue
        try:
            row = _parse(statement)
        except Invalid as exc:
            report.add(number, exc.path, str(exc.value)[:200], exc.reason)
            continue
        first = seen.get(row["statement_id"])
        if first is not None:
            if first[1] != statement:
                report.add(
                    number,
                    "id",
                    row["statement_id"],
                    f"Statement {row['statement_id']}"
                    f" appears on line {first[0]} with different content. A statement "
                    "id names one statement; give the other one a new id.",
                )
            else:
                report.unchanged += 1
            continue
        seen[row["statement_id"]] = (number, statement)
        row["raw"], row["_line"], row["_json"] = raw, number, statement
        parsed.append(row)
    _void_chain(parsed, report)
    writing(session, report)
    stored = _stored(session, [r["statement_id"] for r in parsed])
    fresh = []
    for row in parsed:
        old = stored.get(row["statement_id"])
        if old is None:
            fresh.append(row)
        elif json.loads(old) == row["_json"]:
            report.unchanged += 1
        else:
            report.add(
                row["_line"],
                "id",
                row["statement_id"],
                f"Statement "
                f"{row['statement_id']} was imported before with different content. "
                "Statements cannot change; send a new statement (and void the old "
                "one if it was wrong).",
            )
    if not report.ok:
        report.sort()
        raise ImportRejected(report)
    report.added = len(fresh)
    if fresh:
        _match_employees(session, fresh)
    if not dry_run and fresh:
        frame = pd.DataFrame(fresh).drop(columns=["_line", "_json", "_email", "_account"])
        frame["timestamp"] = _timestamps(session, frame["timestamp"])
        insert_frame(session, _loading_table(), frame)
    if not dry_run:
        voided = _apply_voiding(session)
        if voided:
            report.notes.append(
                f"{voided:,} statement{' was' if voided == 1 else 's were'} marked voided."
            )
    return report


def _parse(s: Any) -> dict[str, Any]:
    if not isinstance(s, dict):
        raise Invalid("(line)", "The line holds JSON but not a statement object ({...}).")
    sid = s.get("id")
    if not isinstance(sid, str) or not UUID.match(sid):
        raise Invalid(
            "id",
            "The statement id is missing or not a UUID. Export statements with "
            "their ids so re-imports can be recognised.",
            sid or "",
        )
    version = s.get("version", "1.0.0")
    if not isinstance(version, str) or not VERSION.match(version):
        raise Invalid(
            "version",
            f"The xAPI version “{version}” is not supported. Lodestar "
            "reads 1.0.x and 2.0.x statements.",
            version,
        )
    key, email, account = _agent(s.get("actor"), "actor")
    verb = s.get("verb")
    if (
        not isinstance(verb, dict)
        or not isinstance(verb.get("id"), str)
        or not IRI.match(verb["id"])
    ):
        raise Invalid(
            "verb.id",
            "The verb has no id, or its id is not an IRI (for example "
            "http://adlnet.gov/expapi/verbs/completed).",
            _short(verb),
        )
    object_id, voids = _object(s.get("object"), verb["id"])
    stamp = _timestamp(s, version)
    out: dict[str, Any] = {
        "statement_id": sid.lower(),
        "version": version,
        "actor_key": key[:300],
        "verb_id": verb["id"][:300],
        "object_id": object_id[:500],
        "timestamp": stamp,
        "score_scaled": None,
        "score_raw": None,
        "completion": None,
        "success": None,
        "registration": None,
        "voids_statement_id": voids,
        "voided": False,
        "_email": email,
        "_account": account,
    }
    _result(s.get("result"), out)
    context = s.get("context")
    if context is not None:
        if not isinstance(context, dict):
            raise Invalid("context", "The context must be an object.", _short(context))
        reg = context.get("registration")
        if reg is not None:
            if not isinstance(reg, str) or not UUID.match(reg):
                raise Invalid("context.registration", "The registration is not a UUID.", reg)
            out["registration"] = reg.lower()
    return out


def _agent(agent: Any, path: str) -> tuple[str, str | None, str | None]:
    """(actor key, email, account name) of an Agent or identified Group."""
    if not isinstance(agent, dict):
        raise Invalid(path, "The actor is missing or not an object.", _short(agent))
    kind = agent.get("objectType", "Agent")
    if kind not in ("Agent", "Group"):
        raise Invalid(
            f"{path}.objectType", f"The actor's objectType “{kind}” is not Agent or Group.", kind
        )
    present = [k for k in IFIS if k in agent]
    if len(present) != 1:
        what = (
            "has no identifier"
            if not present
            else f"has several identifiers ({', '.join(present)})"
        )
        raise Invalid(
            path,
            f"The {path} {what}. An agent needs exactly one of mbox, "
            "mbox_sha1sum, account or openid.",
            _short(agent),
        )
    ifi = present[0]
    value = agent[ifi]
    if ifi == "mbox":
        if not isinstance(value, str) or not value.startswith("mailto:") or "@" not in value:
            raise Invalid(
                f"{path}.mbox", "The mbox must be “mailto:” followed by an email address.", value
            )
        email = value[7:].strip().lower()
        return f"mbox:{email}", email, None
    if ifi == "mbox_sha1sum":
        if not isinstance(value, str) or not SHA1.match(value):
            raise Invalid(
                f"{path}.mbox_sha1sum", "The mbox_sha1sum must be 40 hexadecimal characters.", value
            )
        return f"sha1:{value.lower()}", None, None
    if ifi == "openid":
        if not isinstance(value, str) or not IRI.match(value):
            raise Invalid(f"{path}.openid", "The openid must be a URI.", value)
        return f"openid:{value}", None, None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("homePage"), str)
        or not IRI.match(value["homePage"])
        or not isinstance(value.get("name"), str)
        or not value["name"]
    ):
        raise Invalid(
            f"{path}.account", "The account needs a homePage (an IRI) and a name.", _short(value)
        )
    return f"account:{value['homePage']}|{value['name']}", None, value["name"]


def _object(obj: Any, verb: str) -> tuple[str, str | None]:
    """(object id, id of the statement voided, for a voiding statement)."""
    if not isinstance(obj, dict):
        raise Invalid("object", "The object is missing or not an object.", _short(obj))
    kind = obj.get("objectType", "Activity")
    if verb == VOIDED:
        ref = obj.get("id")
        if kind != "StatementRef" or not isinstance(ref, str) or not UUID.match(ref):
            raise Invalid(
                "object",
                "A voiding statement's object must be a StatementRef with "
                "the id of the statement it voids.",
                _short(obj),
            )
        return ref.lower(), ref.lower()
    if kind == "Activity":
        oid = obj.get("id")
        if not isinstance(oid, str) or not IRI.match(oid):
            raise Invalid(
                "object.id", "The activity has no id, or its id is not an IRI.", oid or ""
            )
        return oid, None
    if kind == "StatementRef":
        ref = obj.get("id")
        if not isinstance(ref, str) or not UUID.match(ref):
            raise Invalid("object.id", "The StatementRef id is not a UUID.", ref or "")
        return ref.lower(), None
    if kind in ("Agent", "Group"):
        return _agent(obj, "object")[0], None
    if kind == "SubStatement":
        return "SubStatement", None
    raise Invalid(
        "object.objectType",
        f"The object type “{kind}” is not one of Activity, "
        "Agent, Group, StatementRef or SubStatement.",
        kind,
    )


def _timestamp(s: dict[str, Any], version: str) -> datetime:
    value = s.get("timestamp", s.get("stored"))
    if not isinstance(value, str):
        raise Invalid(
            "timestamp",
            "The statement has no timestamp. Lodestar needs to know when the learning happened.",
            value or "",
        )
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            "timestamp",
            f"The timestamp “{value}” is not an ISO 8601 date and time "
            "(for example 2026-03-01T09:30:00Z).",
            value,
        ) from None
    if stamp.tzinfo is None:
        if version.startswith("2."):
            raise Invalid(
                "timestamp",
                "xAPI 2.0 timestamps must carry a time zone (for example a trailing Z).",
                value,
            )
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def _result(result: Any, out: dict[str, Any]) -> None:
    if result is None:
        return
    if not isinstance(result, dict):
        raise Invalid("result", "The result must be an object.", _short(result))
    for flag in ("completion", "success"):
        if flag in result:
            if not isinstance(result[flag], bool):
                raise Invalid(
                    f"result.{flag}", f"result.{flag} must be true or false.", result[flag]
                )
            out[flag] = result[flag]
    score = result.get("score")
    if score is None:
        return
    if not isinstance(score, dict):
        raise Invalid("result.score", "The score must be an object.", _short(score))
    numbers = {}
    for part in ("scaled", "raw", "min", "max"):
        v = score.get(part)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise Invalid(f"result.score.{part}", f"score.{part} must be a number.", v)
        numbers[part] = v
    scaled = numbers["scaled"]
    if scaled is not None and not -1 <= scaled <= 1:
        raise Invalid("result.score.scaled", "score.scaled must be between -1 and 1.", scaled)
    raw, low, high = numbers["raw"], numbers["min"], numbers["max"]
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise Invalid(
            "result.score.raw", "score.raw must lie between score.min and score.max.", raw
        )
    if low is not None and high is not None and low >= high:
        raise Invalid("result.score.min", "score.min must be below score.max.", low)
    out["score_scaled"], out["score_raw"] = scaled, raw


def _short(value: Any) -> str:
    return json.dumps(value)[:200] if value is not None else ""


def _void_chain(rows: list[dict[str, Any]], report: ImportReport) -> None:
    """A voiding statement cannot target another voiding statement of the same file."""
    voiders = {r["statement_id"] for r in rows if r["voids_statement_id"]}
    for r in rows:
        if r["voids_statement_id"] in voiders:
            report.add(
                r["_line"],
                "object.id",
                r["voids_statement_id"],
                "This statement voids a voiding statement, which xAPI does not allow.",
            )


def _stored(session: Session, ids: list[str]) -> dict[str, str]:
    """Raw JSON of the stored statements among ``ids``."""
    out: dict[str, str] = {}
    t = LearningStatement
    if session.scalar(select(t.id).limit(1)) is None:
        return out
    for i in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[i : i + LOOKUP_CHUNK]
        out.update(session.execute(select(t.statement_id, t.raw).where(
            t.statement_id.in_(chunk))).all())  # fmt: skip
    return out


def _match_employees(session: Session, rows: list[dict[str, Any]]) -> None:
    """employee_id from the email, its SHA-1, or the account name (employee id or email)."""
    people = session.execute(select(Employee.id, Employee.external_id, Employee.email)).all()
    by_email = {str(e).lower(): i for i, _, e in people if e}
    by_sha = {
        hashlib.sha1(f"mailto:{e}".encode(), usedforsecurity=False).hexdigest(): i
        for e, i in by_email.items()
    }
    by_external = {str(x): i for i, x, _ in people}
    for r in rows:
        key = r["actor_key"]
        if r["_email"]:
            r["employee_id"] = by_email.get(r["_email"])
        elif key.startswith("sha1:"):
            r["employee_id"] = by_sha.get(key[5:])
        elif r["_account"]:
            name = r["_account"]
            r["employee_id"] = by_external.get(name, by_email.get(name.lower()))
        else:
            r["employee_id"] = None


def _timestamps(session: Session, stamps: pd.Series) -> pd.Series:
    """UTC timestamps as the text each backend stores (SQLite) or parses (PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        return stamps.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f"))
    return stamps.map(lambda d: d.isoformat(sep=" "))


def _loading_table() -> Table:
    """``learning_statements`` as the bulk loader sees it: the timestamp goes in as text
    (the loader encodes dates, numbers and text, not date-times)."""
    source = LearningStatement.__table__
    columns = [
        Column(c.name, String() if c.name == "timestamp" else c.type, primary_key=c.primary_key,
               nullable=c.nullable,
               default=None if c.default is None else c.default.arg)
        for c in source.columns  # type: ignore[attr-defined]
    ]  # fmt: skip
    columns[0].autoincrement = True
    return Table(source.name, MetaData(), *columns)  # type: ignore[attr-defined]


def _apply_voiding(session: Session) -> int:
    """Mark every statement a stored voiding statement points at as voided."""
    result = session.execute(
        text(
            "UPDATE learning_statements SET voided = :yes WHERE voided = :no "
            "AND voids_statement_id IS NULL AND statement_id IN (SELECT voids_statement_id "
            "FROM learning_statements WHERE voids_statement_id IS NOT NULL)"
        ),
        {"yes": True, "no": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
