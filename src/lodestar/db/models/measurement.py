"""Measurement data that arrives by import: HR moves, behaviour observations, xAPI learning
statements, enrolment satisfaction, and the record of every import with its report.

Fact tables here are long and narrow, written in bulk (``db.bulk``) and read as columns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId, UtcDateTime, utcnow


class EmployeeMove(Base):
    """A change of team and/or job role taking effect on a date (the HRIS history)."""

    __tablename__ = "employee_moves"
    __table_args__ = (
        Index("ix_employee_moves_employee_effective", "employee_id", "effective_date", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    effective_date: Mapped[date] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"), nullable=True)


class BehaviourObservation(Base):
    """One behaviour seen (or scored) for one employee on one date, by one source.

    The baseline and the 30/60/90-day follow-ups are read relative to the program start.
    """

    __tablename__ = "behaviour_observations"
    __table_args__ = (
        Index(
            "ix_behaviour_observations_key",
            "employee_id",
            "behaviour",
            "observed_on",
            "source",
            unique=True,
        ),
        Index("ix_behaviour_observations_behaviour_date", "behaviour", "observed_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    behaviour: Mapped[str] = mapped_column(String(120))
    observed_on: Mapped[date] = mapped_column(Date)
    observed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(10))  # manager, self or system


class EnrolmentSatisfaction(Base):
    """The satisfaction score a participant gave a program (operational tier)."""

    __tablename__ = "enrolment_satisfaction"
    __table_args__ = (
        Index(
            "ix_enrolment_satisfaction_program_employee", "program_id", "employee_id", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    score: Mapped[float] = mapped_column(Float)


class LearningStatement(Base):
    """One xAPI statement: the raw JSON exactly as received, beside its parsed fields."""

    __tablename__ = "learning_statements"
    __table_args__ = (
        Index("ix_learning_statements_employee_time", "employee_id", "timestamp"),
        # Voiding statements and registrations are few among many statements: partial indexes
        # hold only the rows that have one, so a plain statement costs them nothing to write.
        # (``object_id`` alone is served by ``ix_learning_statements_object_pk``'s prefix.)
        Index(
            "ix_learning_statements_voids",
            "voids_statement_id",
            sqlite_where=text("voids_statement_id IS NOT NULL"),
            postgresql_where=text("voids_statement_id IS NOT NULL"),
        ),
        Index("ix_learning_statements_actor", "actor_key", "id"),
        Index("ix_learning_statements_verb", "verb_id", "id"),
        Index("ix_learning_statements_object_pk", "object_id", "id"),
        Index(
            "ix_learning_statements_registration",
            "registration",
            sqlite_where=text("registration IS NOT NULL"),
            postgresql_where=text("registration IS NOT NULL"),
        ),
        Index("ix_learning_statements_stored", "stored"),
        # Statements pointing at another (StatementRef objects, e.g. voiding ones): few, and
        # read by every filtered GET; a partial index, so no plan mistakes it for a filter.
        Index(
            "ix_learning_statements_statement_refs",
            "id",
            sqlite_where=text("object_type = 'StatementRef'"),
            postgresql_where=text("object_type = 'StatementRef'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    version: Mapped[str] = mapped_column(String(20))
    actor_key: Mapped[str] = mapped_column(String(300))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), nullable=True)
    verb_id: Mapped[str] = mapped_column(String(300))
    object_id: Mapped[str] = mapped_column(String(500))
    timestamp: Mapped[datetime] = mapped_column(UtcDateTime())
    score_scaled: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_raw: Mapped[float | None] = mapped_column(Float, nullable=True)
    completion: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    success: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    registration: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Set on a voiding statement: the statement it voids.
    voids_statement_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[str] = mapped_column(Text)
    # When the store received it (the LRS's ``stored``); the order of ``since`` and paging.
    stored: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Activity, Agent, Group, StatementRef or SubStatement.
    object_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The credential it came through (None: a file import) and the authority as JSON.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("xapi_credentials.id"),
                                                  nullable=True)  # fmt: skip
    authority: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportRun(Base):
    """One import attempt (landed, rejected or checked only) and its row-level report."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(20))  # imported, rejected, checked
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Problems found beyond those kept in ``problems`` (LODESTAR_IMPORTS__MAX_PROBLEMS_STORED)
    unlisted_problems: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    message: Mapped[str] = mapped_column(Text, default="")
    # The rejected rows as JSON: [[line, column, value, reason], ...]
    problems: Mapped[str] = mapped_column(Text, default="[]")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ImportJob(Base):
    """One import running in the background (web upload) or in the foreground (CLI), with
    its progress. ``data`` holds an uploaded file until the job has landed, so an
    interrupted job can be run again; a CLI job reads ``source_path`` instead. ``worker`` is
    ``host:pid`` of the process running it and ``heartbeat`` when it last said so: a
    running job whose process is gone is marked interrupted."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # see domain JOB_STATES
    phase: Mapped[str] = mapped_column(String(80), default="")
    rows_done: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_total: Mapped[int] = mapped_column(BigInteger, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    file_kept: Mapped[bool] = mapped_column(Boolean, default=False)  # data or source_path
    source_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    worker: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    heartbeat: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ImportLock(Base):
    """One row per kind of import: an import takes its row's lock (an upsert inside its
    transaction) before it compares the file with what is stored, so two imports of the
    same kind write one after the other and the second sees the first's rows."""

    __tablename__ = "import_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
