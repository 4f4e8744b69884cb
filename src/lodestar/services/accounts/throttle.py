"""Sign-in throttling: after too many failures for one e-mail, or from one address, within a
window, sign-in is refused (without checking the password) until the window has moved on.

Failures are rows in ``sign_in_failures``, so every worker and server shares the count. A
success clears the e-mail's failures but not the address's, so signing in to one's own account
does not reset a guesser's count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from lodestar.config import SecuritySettings
from lodestar.db.base import utcnow
from lodestar.db.models import SignInFailure
from lodestar.errors import TooManyAttempts


@dataclass(frozen=True)
class Pause:
    """Sign-in is paused until ``until`` because of ``reason``."""

    until: datetime
    reason: str

    def seconds_left(self, now: datetime) -> int:
        return max(1, int((self.until - now).total_seconds() + 0.999))

    def refusal(self, now: datetime) -> TooManyAttempts:
        minutes = max(1, round(self.seconds_left(now) / 60))
        when = self.until.strftime("%H:%M UTC")
        return TooManyAttempts(
            f"Too many failed sign-ins {self.reason}, so signing in is paused. Try again after "
            f"{when} (in about {minutes} minute{'s' if minutes != 1 else ''}); if you have "
            "forgotten your password, ask an administrator to reset it.",
            details={"retry_after_seconds": self.seconds_left(now)},
        )


def current_pause(
    session: Session, rules: SecuritySettings, *, email: str, address: str
) -> Pause | None:
    """The pause in force for this e-mail or address, if any (the later one wins)."""
    window = timedelta(seconds=rules.sign_in_window_seconds)
    since = utcnow() - window
    pauses = [
        _pause(session, SignInFailure.email == email, since, rules.sign_in_failures_per_account,
               window, "for this account"),
        _pause(session, SignInFailure.address == address, since,
               rules.sign_in_failures_per_address, window, "from your network address"),
    ]  # fmt: skip
    found = [p for p in pauses if p is not None]
    return max(found, key=lambda p: p.until) if found else None


def record_failure(session: Session, *, email: str, address: str) -> None:
    session.add(SignInFailure(at=utcnow(), email=email[:200], address=address[:64]))
    session.flush()


def clear_failures(session: Session, *, email: str) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.email == email))


def _pause(
    session: Session,
    which: ColumnElement[bool],
    since: datetime,
    limit: int,
    window: timedelta,
    reason: str,
) -> Pause | None:
    # The limit-th most recent failure: once it leaves the window, fewer than `limit` remain.
    nth = session.scalar(
        select(SignInFailure.at)
        .where(which, SignInFailure.at > since)
        .order_by(SignInFailure.at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    if nth is None:
        return None
    nth = nth if nth.tzinfo else nth.replace(tzinfo=UTC)  # SQLite returns it without a zone
    return Pause(until=nth + window, reason=reason)
