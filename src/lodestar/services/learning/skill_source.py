"""What learning plans and badges need from the skills catalogue, as a small interface.

The catalogue, job profiles, assessments and gaps live in ``services.skills`` (issue 13, built
beside this code). Plans and badges ask only three things of it, through ``SkillSource``:

- ``gaps(session, employee_id)``: the person's skill gaps, largest weighted gap first, each
  with the reason (their job profile, or a strategic priority);
- ``levels(session, employee_id)``: their current level per skill code (1 to 5), for badges
  earned by demonstrated proficiency and for "my skills";
- ``record_assessment(...)``: store a quiz assessment.

The source is the skills catalogue (``services.skills.learning_source.CatalogueSkillSource``),
read per person straight from the database so a plan built right after an assessment sees it.
``NoCatalogue`` (no gaps, no levels, nothing recorded) stays for tests of plans built from quiz
results and chosen paths alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor


@dataclass(frozen=True)
class SkillGap:
    skill_code: str
    skill_name: str
    target_level: int
    current_level: int | None
    weighted_gap: float
    because: Literal["job", "priority"]


class SkillSource(Protocol):
    def gaps(self, session: Session, employee_id: int) -> list[SkillGap]: ...

    def levels(self, session: Session, employee_id: int) -> dict[str, int]: ...

    def record_assessment(
        self, session: Session, actor: Actor, employee_id: int, skill_code: str, level: int,
        source: str, assessed_on: date,
    ) -> None: ...  # fmt: skip


class NoCatalogue:
    """The source before a skills catalogue is connected: knows no gaps and no levels."""

    def gaps(self, session: Session, employee_id: int) -> list[SkillGap]:
        return []

    def levels(self, session: Session, employee_id: int) -> dict[str, int]:
        return {}

    def record_assessment(
        self, session: Session, actor: Actor, employee_id: int, skill_code: str, level: int,
        source: str, assessed_on: date,
    ) -> None:  # fmt: skip
        return None


_source: list[SkillSource | None] = [None]


def use_skill_source(source: SkillSource | None) -> None:
    """Use another source (tests); ``None`` returns to the skills catalogue."""
    _source[0] = source


def skill_source() -> SkillSource:
    """The skills catalogue (``services.skills.learning_source``) unless another was set."""
    if _source[0] is None:
        from lodestar.services.skills.learning_source import CatalogueSkillSource

        _source[0] = CatalogueSkillSource()
    source = _source[0]
    assert source is not None
    return source
