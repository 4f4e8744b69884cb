"""Nudges: the messages a program sends in the flow of work, each delivery, opt-outs, and the
working calendar of the people who receive them."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId, UtcDateTime, utcnow


class Nudge(Base):
    """One message template of a program, with its channel, audience and schedule."""

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10))  # domain.nudges.CHANNELS
    audience: Mapped[str] = mapped_column(String(12))  # domain.nudges.AUDIENCES
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # A target behaviour of the program: "done it" / "not today" become self-reports of it.
    behaviour: Mapped[str] = mapped_column(String(120), default="")
    send_at: Mapped[time] = mapped_column(Time())
    first_day: Mapped[int] = mapped_column(Integer, default=1)
    occurrences: Mapped[int] = mapped_column(Integer, default=10)
    every: Mapped[int] = mapped_column(Integer, default=1)
    quiet_start: Mapped[time | None] = mapped_column(Time(), nullable=True)
    quiet_end: Mapped[time | None] = mapped_column(Time(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class NudgeDelivery(Base):
    """One occurrence of a nudge for one participant: the claim row that makes it go out once.

    The unique key (nudge, participant, occurrence) is what two overlapping ``send-due`` runs
    meet on: only the run whose insert lands owns the row (``claimed_by``) and sends it.
    """

    __tablename__ = "nudge_deliveries"
    __table_args__ = (
        UniqueConstraint("nudge_id", "employee_id", "occurrence"),
        Index("ix_nudge_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_nudge_deliveries_claimed_by", "claimed_by"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nudge_id: Mapped[int] = mapped_column(ForeignKey("nudges.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))  # the participant
    recipient_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    occurrence: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10))  # domain.nudges.STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str | None] = mapped_column(String(12), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class NudgeOptOut(Base):
    """A person who asked for no more nudges from a program."""

    __tablename__ = "nudge_opt_outs"
    __table_args__ = (UniqueConstraint("employee_id", "program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WorkPattern(Base):
    """A person's time zone and working days (otherwise the settings' defaults apply)."""

    __tablename__ = "work_patterns"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    working_days: Mapped[str] = mapped_column(String(40))  # "mon,tue,wed,thu,fri"
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
