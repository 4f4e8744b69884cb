"""Badges: what can be earned (achievements), each award with its signed Open Badges 3.0
credential, and the issuer's signing keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class BadgeAchievement(Base):
    """What a badge says someone did: complete a learning path (``path_id``) or show a skill at
    a proficiency level (``skill_code`` and ``min_level``)."""

    __tablename__ = "badge_achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text)
    path_id: Mapped[int | None] = mapped_column(ForeignKey("learning_paths.id"), nullable=True)
    skill_code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    min_level: Mapped[int | None] = mapped_column(Integer, nullable=True)


class BadgeAward(Base):
    """One badge awarded to one person; ``credential`` is the signed VC-JWT exactly as issued
    (compact JWS), ``public_id`` the unguessable id of its public verification page."""

    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("achievement_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("badge_achievements.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    awarded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    evidence: Mapped[str] = mapped_column(String(300), default="")
    credential: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Why, in the issuer's words (shown on the public page), and who revoked it (a user id).
    revoked_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    revoked_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class BadgeSigningKey(Base):
    """An issuer key (a JWK). The private part lives here (or in the setting
    LODESTAR_BADGES__SIGNING_KEY, which then wins); never in code."""

    __tablename__ = "badge_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    private_jwk: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
