"""Erasure of a person by pseudonymisation, across every table.

By default a person is *pseudonymised*, not deleted: their employee row keeps its internal
number (so KPI values, enrolments, behaviour observations and stored impact results, which
refer to that number, keep adding up) and gets a random pseudonym (``erased-`` and 12 hex
digits) in place of the HR number, "Erased person …" in place of the name, and no email.
Then every place the name, email, HR number or the email's SHA-1 (the xAPI
``mbox_sha1sum``) could be written is rewritten with the pseudonym:

- the raw xAPI JSON of their statements: the actor becomes an account on
  ``urn:lodestar:erased`` named by the pseudonym, and any other mention anywhere in any
  statement (an instructor, a team member, an extension) is replaced; the parsed actor key too;
- every text column of every table (request texts, stakeholder answers, import reports'
  rejected rows and messages, audit details, ...), and every JSON column (stored impact
  results' settings, snapshots and details);
- a sign-in account linked to the person: renamed, email replaced, deactivated, its password
  and API token made unusable;
- their badges: each is revoked (reason ``withdrawn``: "The issuer withdrew it.") and its
  stored signed credential dropped, since it names the recipient by a salted hash of their
  email that anyone knowing the address could confirm; the public page then names the
  pseudonym and fails. Quiz attempts, learning plans and skill assessments hold no name or
  address (the attempts' xAPI statements are rewritten with the others) and stay under the
  internal number.

With ``delete_facts`` the person's facts are deleted as well (KPI observations
through ``db.kpi_store``, behaviour observations, learning statements, satisfaction answers,
enrolments, moves, skill assessments (every source), quiz attempts, learning plan items and
completed steps, badges, planned moves, and the nudges about or to them with their opt-outs
and work pattern):
stored impact results stay as they were computed, but a new analysis no longer counts the
person, except in a KPI read from an external source (docs/external-sources.md): Lodestar
never writes to those, so the outcome names each one that still holds the person's values.

What is *kept* after pseudonymisation, and why: team, job role, manager, hire and exit dates,
exit reason and performance rating (the analyses compare people by tenure, team and rating,
and retention analyses need exit dates), and the person's KPI values, enrolments and
observations under the internal number. Together these may still single someone out to a
reader who knows the organisation well; ``delete_facts`` removes the facts, and the minimum
group size keeps any one person's values off every page.

Identifiers shorter than 5 characters, or made of digits only and shorter than 6, are not
searched for in free text (they would match unrelated words and numbers); they are replaced
where they are known to be the person's (the HR number field, statement actors).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, String, Table, Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from lodestar.db.base import Base, utcnow
from lodestar.db.kpi_store import remove_employee_observations
from lodestar.db.models import (
    BadgeAward,
    BehaviourObservation,
    Employee,
    EmployeeMove,
    EnrolmentSatisfaction,
    LearningPlanItem,
    LearningStatement,
    NudgeDelivery,
    NudgeOptOut,
    PlannedMove,
    ProgramEnrolment,
    QuizAttempt,
    SkillAssessment,
    StepCompletion,
    User,
    WorkPattern,
)
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services import audit
from lodestar.services.accounts import forget_credentials
from lodestar.services.impact.source_views import person_value_sources
from lodestar.services.privacy.people import find_person, require_admin

PREFIX = "erased-"
ERASED_HOME = "urn:lodestar:erased"
# Columns never rewritten by the free-text pass: identifiers set on purpose, and the audit
# trail's own bookkeeping.
SKIPPED_COLUMNS = frozenset(
    {
        ("audit_events", "action"),
        ("audit_events", "object_type"),
        ("employees", "external_id"),
        ("employees", "name"),  # another person may share the name: never rename them
        ("employees", "email"),
        ("users", "email"),
        ("users", "name"),
        ("learning_statements", "statement_id"),
        ("learning_statements", "voids_statement_id"),
    }
)


@dataclass(frozen=True)
class ErasureOutcome:
    person_id: int
    pseudonym: str
    delete_facts: bool
    already: bool = False
    changed: dict[str, int] = field(default_factory=dict)
    # Sentences naming the external sources that still hold the person's KPI values.
    elsewhere: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.already:
            return f"Person #{self.person_id} was already pseudonymised as {self.pseudonym}."
        parts = ", ".join(f"{n} {k}" for k, n in self.changed.items() if n)
        how = "pseudonymised and their facts deleted" if self.delete_facts else "pseudonymised"
        return (
            f"Person #{self.person_id} {how} as {self.pseudonym}"
            + (f" ({parts})." if parts else ".")
            + "".join(f" {s}" for s in self.elsewhere)
        )


def is_pseudonymised(person: Employee) -> bool:
    return person.external_id.startswith(PREFIX)


def erase_person(
    session: Session, actor: Actor, ref: str | int, *, confirm: str, delete_facts: bool = False
) -> ErasureOutcome:
    """Pseudonymise the person ``ref`` names; ``confirm`` must repeat their HR number."""
    require_admin(actor, "Erasing a person")
    person = find_person(session, ref)
    if is_pseudonymised(person):
        return ErasureOutcome(person.id, person.external_id, delete_facts, already=True)
    if confirm.strip() != person.external_id:
        raise InvalidInput(
            f"To erase {person.name}, type their HR number ({person.external_id}) to confirm. "
            "Erasure cannot be undone.",
            details={"fields": {"confirm": "Type the HR number to confirm."}},
        )
    return pseudonymise(session, actor, person, delete_facts=delete_facts)


def pseudonymise(
    session: Session,
    actor: Actor | None,
    person: Employee,
    *,
    delete_facts: bool = False,
    reason: str = "erasure",
) -> ErasureOutcome:
    """Pseudonymise ``person`` everywhere (see the module docs); audited, same transaction."""
    token = secrets.token_hex(6)
    pseudonym, label = f"{PREFIX}{token}", f"Erased person {token}"
    replacements = _replacements(session, person, pseudonym, label)
    changed: dict[str, int] = {}
    changed["statements"] = _rewrite_statements(session, person.id, replacements, pseudonym)
    accounts = list(session.scalars(select(User).where(User.employee_id == person.id)))
    for user in accounts:
        forget_credentials(session, user.id)  # sessions, API tokens, failed sign-ins
        user.name, user.email = label, f"{pseudonym}-{user.id}@erased.invalid"
        user.is_active, user.password_hash = False, "!erased"
    changed["accounts"] = len(accounts)
    person.name, person.email, person.external_id = label, None, pseudonym
    changed["badges withdrawn"] = _withdraw_badges(session, actor, person.id)
    session.flush()
    if delete_facts:
        changed.update(_delete_facts(session, person.id))
    changed["text fields"] = _scrub_text(session, replacements)
    changed["JSON fields"] = _scrub_json(session, replacements)
    audit.record(
        session,
        actor,
        "person.erase" if reason == "erasure" else f"person.{reason}",
        "employee",
        person.id,
        f"pseudonymised as {pseudonym}" + ("; facts deleted" if delete_facts else ""),
        person_id=person.id,
    )
    elsewhere = tuple(
        f"Their values of '{code}' stay in the {source}, under their internal number: "
        "Lodestar reads that source and never writes to it, so delete them there, or a new "
        "analysis will still count them."
        for code, source in (person_value_sources(session) if delete_facts else ())
    )
    return ErasureOutcome(person.id, pseudonym, delete_facts, changed=changed, elsewhere=elsewhere)


def _replacements(
    session: Session, person: Employee, pseudonym: str, label: str
) -> list[tuple[str, str]]:
    """(identifier, replacement) pairs, longest first so an email goes before a name in it."""
    pairs: dict[str, str] = {}
    names = {person.name}
    emails = {person.email} if person.email else set()
    for name, email in session.execute(
        select(User.name, User.email).where(User.employee_id == person.id)
    ):
        names.add(name)
        emails.add(email)
    for email in emails:
        for variant in (email, email.lower()):
            pairs[variant] = f"{pseudonym}@erased.invalid"
        sha = hashlib.sha1(f"mailto:{email.lower()}".encode(), usedforsecurity=False)
        pairs[sha.hexdigest()] = "0" * 40
    for name in names:
        pairs[name] = label
        pairs[json.dumps(name)[1:-1]] = label  # as \\u-escaped in JSON text
    pairs[person.external_id] = pseudonym
    return sorted(pairs.items(), key=lambda p: -len(p[0]))


def _searchable(ident: str) -> bool:
    return len(ident) >= 5 and not (ident.isdigit() and len(ident) < 6)


def _literally(new: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts ``new`` as it is (no backslash escapes read)."""
    return lambda _match: new


def _replace(text: str, pairs: list[tuple[str, str]]) -> str:
    """``text`` with each identifier replaced where it stands on its own (not inside a longer
    HR number, email or word: BW00003 is not replaced inside BW000031)."""
    for ident, new in pairs:
        if ident and ident in text:
            pattern = r"(?<![\w.+%-])" + re.escape(ident) + r"(?![\w]|[.@-]\w)"
            text = re.sub(pattern, _literally(new), text)
    return text


def _deep(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        return _replace(value, pairs)
    if isinstance(value, list):
        return [_deep(v, pairs) for v in value]
    if isinstance(value, dict):
        return {_replace(k, pairs): _deep(v, pairs) for k, v in value.items()}
    return value


def _rewrite_statements(
    session: Session, person_id: int, pairs: list[tuple[str, str]], pseudonym: str
) -> int:
    """The person's statements get a pseudonymous actor; any statement mentioning them is
    rewritten (raw JSON and actor key)."""
    t = LearningStatement
    mentions = [t.raw.contains(i, autoescape=True) for i, _ in pairs if _searchable(i)]
    rows = session.execute(
        select(t.id, t.employee_id, t.raw, t.actor_key).where(
            or_(t.employee_id == person_id, *mentions)
        )
    ).all()
    erased_actor = {"objectType": "Agent", "account": {"homePage": ERASED_HOME, "name": pseudonym}}
    changes = []
    for sid, employee_id, raw, actor_key in rows:
        try:
            data: Any = json.loads(raw) if raw else None
        except ValueError:
            data = None
        own = employee_id == person_id
        if isinstance(data, dict) and own:
            data["actor"] = dict(erased_actor)
        new_raw = json.dumps(_deep(data, pairs), ensure_ascii=False) if data is not None else ""
        if data is None and raw:
            new_raw = _replace(raw, pairs)
        key = f"account:{ERASED_HOME}|{pseudonym}" if own else _replace(actor_key, pairs)
        changes.append({"id": sid, "raw": new_raw, "actor_key": key})
    if changes:
        session.execute(update(LearningStatement), changes)
    return len(changes)


def _withdraw_badges(session: Session, actor: Actor | None, person_id: int) -> int:
    """Revoke the person's badges still valid and drop every stored credential of theirs."""
    awards = list(session.scalars(select(BadgeAward).where(BadgeAward.employee_id == person_id)))
    now = utcnow()
    for award in awards:
        if award.revoked_at is None:
            award.revoked_at, award.revoked_reason = now, "withdrawn"
            award.revoked_by_user_id = actor.user_id if actor else None
        award.credential, award.evidence = "", ""
    return len(awards)


def _delete_facts(session: Session, person_id: int) -> dict[str, int]:
    counts = {"KPI values": remove_employee_observations(session, person_id)}
    for label, model in (
        ("behaviour observations", BehaviourObservation),
        ("statements deleted", LearningStatement),
        ("satisfaction answers", EnrolmentSatisfaction),
        ("enrolments", ProgramEnrolment),
        ("moves", EmployeeMove),
        ("skill assessments", SkillAssessment),
        ("planned moves", PlannedMove),
        ("quiz attempts", QuizAttempt),
        ("completed learning steps", StepCompletion),
        ("learning plan items", LearningPlanItem),
        ("badges", BadgeAward),
    ):
        result = session.execute(delete(model).where(model.employee_id == person_id))  # type: ignore[attr-defined]
        counts[label] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    nudged = or_(NudgeDelivery.employee_id == person_id, NudgeDelivery.recipient_id == person_id)
    counts["nudges"] = int(session.execute(delete(NudgeDelivery).where(nudged)).rowcount or 0)  # type: ignore[attr-defined]
    session.execute(delete(NudgeOptOut).where(NudgeOptOut.employee_id == person_id))
    session.execute(delete(WorkPattern).where(WorkPattern.employee_id == person_id))
    return counts


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if isinstance(t, Table)]


def _scrub_text(session: Session, pairs: list[tuple[str, str]]) -> int:
    """Rewrite the identifiers in every text column of every table: rows found by a
    substring search in the database, replaced where the identifier stands on its own."""
    return _scrub(session, pairs, json_columns=False)


def _scrub_json(session: Session, pairs: list[tuple[str, str]]) -> int:
    """The same inside every JSON column (read, rewritten value by value, stored)."""
    return _scrub(session, pairs, json_columns=True)


def _scrub(session: Session, pairs: list[tuple[str, str]], *, json_columns: bool) -> int:
    touched = 0
    searchable = [i for i, _ in pairs if _searchable(i)]
    if not searchable:
        return 0
    for table in _tables():
        key = list(table.primary_key.columns)
        for col in table.columns:
            is_json = isinstance(col.type, JSON)
            is_text = isinstance(col.type, String | Text) and not is_json
            if (json_columns and not is_json) or (not json_columns and not is_text):
                continue
            if (table.name, col.name) in SKIPPED_COLUMNS or col.primary_key:
                continue
            text = cast(col, Text) if is_json else col
            found = session.execute(
                select(*key, col).where(
                    or_(*(text.contains(i, autoescape=True) for i in searchable))
                )
            ).all()
            for row in found:
                old = row._mapping[col.name]
                new = _deep(old, pairs)
                if new == old:
                    continue
                session.execute(
                    update(table)
                    .where(*(k == row._mapping[k.name] for k in key))
                    .values({col.name: new})
                )
                touched += 1
    return touched


__all__ = ["ErasureOutcome", "erase_person", "is_pseudonymised", "pseudonymise"]
