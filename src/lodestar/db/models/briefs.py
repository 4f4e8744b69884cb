"""Which stored result a program's one-page brief is pinned to.

A brief reads the newest stored result unless the L&D team pins it to one: then it keeps
showing that result (the one a board saw) while newer analyses are run beside it. One pin per
program; pinning again moves it, unpinning deletes the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from lodestar.db.base import Base, UtcDateTime, utcnow


class BriefPin(Base):
    __tablename__ = "brief_pins"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    impact_result_id: Mapped[int] = mapped_column(ForeignKey("impact_results.id"))
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    pinned_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
