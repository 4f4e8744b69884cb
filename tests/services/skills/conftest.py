"""Skills test helpers: a small catalogue and a job profile on the seeded demo."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services.imports.report import ImportReport
from lodestar.services.skills.catalogue import SkillDraft, store_skills

CODES = ("T-LISTEN", "T-PRICE", "T-PLAN")


@pytest.fixture
def test_skills(db: Session) -> tuple[str, ...]:
    drafts = [SkillDraft(code=c, name=f"Test skill {c}", category="Test") for c in CODES]
    store_skills(db, drafts, ImportReport("manual", "test"))
    return CODES


def line_of(db: Session, actor: Actor) -> set[int]:
    from lodestar.services.reporting_line import reports_of

    return reports_of(db, actor)
