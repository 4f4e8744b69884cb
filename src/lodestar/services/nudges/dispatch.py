"""``lodestar nudges send-due``: send what is due, exactly once, and retry what failed.

Exactly once per participant × nudge × occurrence, even when two runs overlap (a cron job that
outlasts its interval, two servers with the same timer): a delivery exists only as a row with
that unique key, and a run sends only rows it *claimed*. Claiming is one statement on both
databases:

- new occurrences: ``INSERT … ON CONFLICT DO NOTHING`` with the run's token, committed before
  anything is sent, in batches (``LODESTAR_NUDGES__BATCH_SIZE``), so two runs share the work
  and neither sends a row the other inserted;
- retries: ``UPDATE … SET claimed_by = token WHERE status = 'retrying' AND next_attempt_at <=
  now`` — the database lets one run's update match a row, the other finds it changed.

No transaction is open while a message is on the wire; the outcome (sent, or failed with the
next attempt doubled from ``RETRY_BASE_SECONDS``; failed for good after ``MAX_ATTEMPTS``) is
written with the delivery's xAPI statement in one short transaction. A run killed between
sending and recording leaves its claim behind; after ``CLAIM_TIMEOUT_SECONDS`` another run
tries it again, the one case where a person can get a message twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from lodestar.config import NudgeSettings
from lodestar.db.models import Nudge, NudgeDelivery
from lodestar.domain.nudges import next_allowed, retry_delay
from lodestar.domain.roles import Actor
from lodestar.errors import PermissionDenied
from lodestar.services.nudges.calendars import calendars_of, default_calendar
from lodestar.services.nudges.channels import DeliveryFailed, Outbox
from lodestar.services.nudges.messages import DeliveryContext, build_message, delivery_contexts
from lodestar.services.nudges.plan import active_nudges, opted_out, plan_nudge
from lodestar.services.nudges.statements import delivered_statement, record_statements


@dataclass
class RunSummary:
    """What one run did."""

    run: str
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    expired: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.sent} sent"]
        for name in ("retrying", "failed", "skipped", "expired", "deferred"):
            value = getattr(self, name)
            if value:
                parts.append(f"{value} {name.replace('retrying', 'to retry')}")
        return ", ".join(parts) + "."


@dataclass(frozen=True)
class Sender:
    """What a run needs beyond the database: settings, the secret that signs answer links, the
    address those links point at, and the IRI base of the statements."""

    settings: NudgeSettings
    secret: str
    base_url: str
    iri_base: str


def send_due(
    factory: sessionmaker[Session],
    actor: Actor,
    sender: Sender,
    *,
    now: datetime | None = None,
) -> RunSummary:
    """Send every nudge occurrence due at ``now`` (the clock by default)."""
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators send nudges. Run the command as one of them "
            "(--as, or LODESTAR_CLI_USER)."
        )
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    summary = RunSummary(run=uuid.uuid4().hex)
    settings = sender.settings
    with factory() as session:
        rows: list[dict[str, Any]] = []
        for nudge in active_nudges(session):
            rows.extend(plan_nudge(session, nudge, moment, settings).due)
        session.rollback()
    for i in range(0, len(rows), settings.batch_size):
        _claim_new(factory, rows[i : i + settings.batch_size], summary, moment)
        _send_claimed(factory, sender, summary, moment)
    _claim_retries(factory, summary, moment, settings)
    _send_claimed(factory, sender, summary, moment)
    return summary


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(NudgeDelivery)


def _claim_new(
    factory: sessionmaker[Session],
    rows: list[dict[str, Any]],
    summary: RunSummary,
    moment: datetime,
) -> None:
    values = [{**r, "claimed_by": summary.run, "claimed_at": moment, "attempts": 0} for r in rows]
    with factory() as session:
        stmt = (
            _insert(session)
            .values(values)
            .on_conflict_do_nothing(index_elements=["nudge_id", "employee_id", "occurrence"])
        )
        session.execute(stmt)
        session.commit()
        # Hand back what will not be sent, counting it (updates first: on SQLite a read before
        # a write in one transaction could meet another run's commit and fail at once).
        for status in ("skipped", "expired"):
            done = session.execute(
                update(NudgeDelivery)
                .where(NudgeDelivery.claimed_by == summary.run, NudgeDelivery.status == status)
                .values(claimed_by=None)
            )
            setattr(summary, status, getattr(summary, status) + int(done.rowcount or 0))  # type: ignore[attr-defined]
        session.commit()


def _claim_retries(
    factory: sessionmaker[Session],
    summary: RunSummary,
    moment: datetime,
    settings: NudgeSettings,
) -> None:
    active = select(Nudge.id).where(Nudge.active.is_(True))
    stale = moment - timedelta(seconds=settings.claim_timeout_seconds)
    with factory() as session:
        session.execute(
            update(NudgeDelivery)
            .where(
                NudgeDelivery.nudge_id.in_(active),
                NudgeDelivery.status == "retrying",
                NudgeDelivery.next_attempt_at <= moment,
            )
            .values(status="claimed", claimed_by=summary.run, claimed_at=moment)
        )
        session.execute(
            update(NudgeDelivery)
            .where(
                NudgeDelivery.nudge_id.in_(active),
                NudgeDelivery.status == "claimed",
                NudgeDelivery.claimed_at < stale,
            )
            .values(
                claimed_by=summary.run,
                claimed_at=moment,
                attempts=NudgeDelivery.attempts + 1,
                error="A run stopped before recording whether this was sent; sent again.",
            )
        )
        session.commit()


def _send_claimed(
    factory: sessionmaker[Session], sender: Sender, summary: RunSummary, moment: datetime
) -> None:
    """Send what this run holds: opt-outs and quiet hours are checked once more just before
    (an unsubscribe may have come in since the claim), then each outcome is written."""
    with factory() as session:
        ids = list(
            session.scalars(
                select(NudgeDelivery.id)
                .where(NudgeDelivery.claimed_by == summary.run, NudgeDelivery.status == "claimed")
                .order_by(NudgeDelivery.id)
            )
        )
        contexts = delivery_contexts(session, ids, sender.iri_base)
        calendars = calendars_of(
            session, [c.recipient_id for c in contexts.values()], default_calendar(sender.settings)
        )
        unsubscribed = {
            (p, person)
            for p in {c.program_id for c in contexts.values()}
            for person in opted_out(session, p)
        }
        session.rollback()  # end the read: each write below starts its own transaction
    with Outbox(sender.settings) as outbox:
        for delivery_id in ids:
            ctx = contexts[delivery_id]
            with factory() as session:
                if (ctx.program_id, ctx.recipient_id) in unsubscribed:
                    _finish(
                        session,
                        summary,
                        delivery_id,
                        status="skipped",
                        error="The recipient unsubscribed before it was sent.",
                    )
                    summary.skipped += 1
                    continue
                allowed = next_allowed(moment, calendars[ctx.recipient_id], ctx.quiet)
                if allowed > moment:
                    _defer(session, summary, ctx, allowed, sender.settings)
                    continue
            try:
                outbox.send(ctx.channel, build_message(ctx, sender.secret, sender.base_url))
            except DeliveryFailed as exc:
                with factory() as session:
                    _failed(
                        session,
                        summary,
                        ctx,
                        str(exc),
                        moment,
                        calendars[ctx.recipient_id],
                        sender.settings,
                    )
                continue
            with factory() as session:
                if _finish(
                    session, summary, delivery_id, status="sent", sent_at=moment, tried=True
                ):
                    record_statements(
                        session, [(delivered_statement(ctx.event, moment), ctx.recipient_id)]
                    )
                    summary.sent += 1
                session.commit()


def _finish(
    session: Session,
    summary: RunSummary,
    delivery_id: int,
    *,
    status: str,
    error: str = "",
    sent_at: datetime | None = None,
    tried: bool = False,
) -> bool:
    """Write the outcome of a delivery this run holds; False when it no longer holds it."""
    values: dict[str, Any] = {"status": status, "error": error, "next_attempt_at": None}
    if sent_at is not None:
        values["sent_at"] = sent_at
    if tried:
        values["attempts"] = NudgeDelivery.attempts + 1
    done = session.execute(
        update(NudgeDelivery)
        .where(
            and_(
                NudgeDelivery.id == delivery_id,
                NudgeDelivery.claimed_by == summary.run,
                NudgeDelivery.status == "claimed",
            )
        )
        .values(**values)
    )
    if status != "sent":
        session.commit()
    return bool(done.rowcount)  # type: ignore[attr-defined]


def _defer(
    session: Session,
    summary: RunSummary,
    ctx: DeliveryContext,
    allowed: datetime,
    settings: NudgeSettings,
) -> None:
    """Not on a working day or in quiet hours now: wait for the next allowed moment, unless
    that is past the lateness limit."""
    if allowed - ctx.due_at > timedelta(hours=settings.max_lateness_hours):
        _finish(
            session,
            summary,
            ctx.delivery_id,
            status="expired",
            error="Quiet hours or a day off held it past the lateness limit.",
        )
        summary.expired += 1
        return
    session.execute(
        update(NudgeDelivery)
        .where(NudgeDelivery.id == ctx.delivery_id, NudgeDelivery.claimed_by == summary.run)
        .values(status="retrying", next_attempt_at=allowed, claimed_by=None)
    )
    session.commit()
    summary.deferred += 1


def _failed(
    session: Session,
    summary: RunSummary,
    ctx: DeliveryContext,
    reason: str,
    moment: datetime,
    calendar: Any,
    settings: NudgeSettings,
) -> None:
    attempts = ctx.attempts + 1
    if attempts >= settings.max_attempts:
        _finish(
            session,
            summary,
            ctx.delivery_id,
            status="failed",
            tried=True,
            error=f"{reason} Gave up after {attempts} attempts.",
        )
        summary.failed += 1
        summary.errors.append(reason)
        return
    wait = retry_delay(attempts, settings.retry_base_seconds, settings.retry_max_seconds)
    retry_at = next_allowed(moment + wait, calendar, ctx.quiet)
    session.execute(
        update(NudgeDelivery)
        .where(NudgeDelivery.id == ctx.delivery_id, NudgeDelivery.claimed_by == summary.run)
        .values(
            status="retrying",
            attempts=attempts,
            next_attempt_at=retry_at,
            claimed_by=None,
            error=reason,
        )
    )
    session.commit()
    summary.retrying += 1
    summary.errors.append(reason)
