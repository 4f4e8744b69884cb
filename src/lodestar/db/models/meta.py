"""Workspace metadata (key → JSON), views derived from the facts, and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, BigId, UtcDateTime, utcnow


class WorkspaceMeta(Base):
    __tablename__ = "workspace_meta"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]


class StoredView(Base):
    """A view derived from fact tables (``services.derived``), kept with the data versions it
    was computed at (``stamp``), so every server process and restart reads it instead of
    computing it again. Only a cache: deleting every row is always safe."""

    __tablename__ = "derived_views"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    stamp: Mapped[str] = mapped_column(Text)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AuditEvent(Base):
    """Who viewed or changed what (``object_type`` #``object_id``), about which person
    (``person_id``, when it is about one employee), from where (request path or command, and
    the client's address). Written in the transaction of what it records."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    # No foreign key: the trail outlives what it describes.
    person_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    path: Mapped[str] = mapped_column(String(500), default="", server_default="")
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")
