"""Retention: how long personal data is kept, from the ``privacy`` settings.

- Audit events older than ``audit_retention_days`` are deleted.
- Raw xAPI JSON older than ``raw_statement_retention_days`` is dropped (``raw`` emptied); the
  parsed fields stay, so completion, scores and activity still count in analyses.
- People who left more than ``pseudonymise_leavers_after_years`` ago are pseudonymised as
  ``services.privacy.erasure`` does.

0 turns a rule off. ``apply_retention(dry_run=True)`` counts what would happen and changes
nothing; a real run is audited (one event with the counts), in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from lodestar.config import PrivacySettings
from lodestar.db.models import AuditEvent, Employee, LearningStatement
from lodestar.domain.roles import Actor
from lodestar.services import audit
from lodestar.services.privacy.erasure import PREFIX, pseudonymise
from lodestar.services.privacy.groups import settings_of
from lodestar.services.privacy.people import require_admin


@dataclass(frozen=True)
class RetentionStep:
    rule: str  # what the rule does, in words
    setting: str  # the variable that sets it
    limit: str  # "730 days", "off"
    count: int  # rows affected (or that would be)


@dataclass(frozen=True)
class RetentionOutcome:
    dry_run: bool
    steps: tuple[RetentionStep, ...]

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return " ".join(
            f"{s.count} {s.rule} {verb} affected ({s.limit})."
            if s.limit != "off"
            else f"{s.rule.capitalize()}: off ({s.setting} is 0)."
            for s in self.steps
        )


def apply_retention(
    session: Session,
    actor: Actor,
    *,
    dry_run: bool = True,
    settings: PrivacySettings | None = None,
    today: date | None = None,
) -> RetentionOutcome:
    """Apply (or, with ``dry_run``, count) the retention rules."""
    require_admin(actor, "Applying retention")
    rules = settings or settings_of(session).privacy
    today = today or datetime.now(UTC).date()
    steps = (
        _audit_events(session, rules.audit_retention_days, today, dry_run),
        _raw_statements(session, rules.raw_statement_retention_days, today, dry_run),
        _leavers(session, actor, rules.pseudonymise_leavers_after_years, today, dry_run),
    )
    outcome = RetentionOutcome(dry_run, steps)
    if not dry_run:
        audit.record(session, actor, "retention.apply", "retention", None, outcome.summary())
    return outcome


def _cutoff(today: date, days: int) -> datetime:
    return datetime.combine(today - timedelta(days=days), datetime.min.time(), UTC)


def _audit_events(session: Session, days: int, today: date, dry_run: bool) -> RetentionStep:
    setting = "LODESTAR_PRIVACY__AUDIT_RETENTION_DAYS"
    rule = "audit events older than the limit"
    if not days:
        return RetentionStep(rule, setting, "off", 0)
    old = AuditEvent.at < _cutoff(today, days)
    if dry_run:
        count = int(session.scalar(select(func.count()).where(old)) or 0)
    else:
        count = int(session.execute(delete(AuditEvent).where(old)).rowcount or 0)  # type: ignore[attr-defined]
    return RetentionStep(rule, setting, f"{days} days", count)


def _raw_statements(session: Session, days: int, today: date, dry_run: bool) -> RetentionStep:
    setting = "LODESTAR_PRIVACY__RAW_STATEMENT_RETENTION_DAYS"
    rule = "raw xAPI statements older than the limit"
    if not days:
        return RetentionStep(rule, setting, "off", 0)
    t = LearningStatement
    old = (t.timestamp < _cutoff(today, days), t.raw != "")
    if dry_run:
        count = int(session.scalar(select(func.count()).where(*old)) or 0)
    else:
        result = session.execute(update(t).where(*old).values(raw=""))
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    return RetentionStep(rule, setting, f"{days} days", count)


def _leavers(
    session: Session, actor: Actor, years: int, today: date, dry_run: bool
) -> RetentionStep:
    setting = "LODESTAR_PRIVACY__PSEUDONYMISE_LEAVERS_AFTER_YEARS"
    rule = "people who left longer ago than the limit"
    if not years:
        return RetentionStep(rule, setting, "off", 0)
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    stmt = select(Employee).where(
        Employee.exit_date.is_not(None),
        Employee.exit_date < cutoff,
        Employee.external_id.not_like(f"{PREFIX}%"),
    )
    if dry_run:
        count = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    else:
        people = list(session.scalars(stmt))
        for person in people:
            pseudonymise(session, actor, person, reason="retention")
        count = len(people)
    return RetentionStep(rule, setting, f"{years} years", count)


__all__ = ["RetentionOutcome", "RetentionStep", "apply_retention"]
