"""Awarding badges: an achievement is earned by completing a learning path or by showing a
skill at a proficiency level; each award is issued at once as a signed Open Badges 3.0
credential (``signing.py``) and kept exactly as issued."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import BadgeSettings, Settings
from lodestar.db.base import utcnow
from lodestar.db.models import BadgeAchievement, BadgeAward, Employee, LearningPath
from lodestar.domain.open_badges import BadgeFacts, open_badge_credential
from lodestar.errors import InvalidInput, NotFound
from lodestar.services.badges.signing import sign_credential, signing_key


@dataclass(frozen=True)
class Issuer:
    """Who issues badges and where they are checked: from the settings (adapters build it)."""

    base_url: str
    name: str
    settings: BadgeSettings

    @classmethod
    def of(cls, settings: Settings) -> Issuer:
        base = settings.public_url.rstrip("/") or "http://localhost:8000"
        name = settings.badges.issuer_name or settings.organisation_name
        return cls(base, name, settings.badges)


def path_achievement(session: Session, path: LearningPath) -> BadgeAchievement:
    """The badge for completing ``path``, made the first time it is needed."""
    row = session.scalar(select(BadgeAchievement).where(BadgeAchievement.path_id == path.id))
    if row is None:
        row = BadgeAchievement(
            code=f"path-{path.code}",
            name=path.name,
            description=f"Completed the learning path “{path.name}”. {path.description}".strip(),
            criteria=f"Complete the learning path “{path.name}” under its completion rule: "
            "every required step, confirmed in Lodestar.",
            path_id=path.id,
        )
        session.add(row)
        session.flush()
    return row


def define_proficiency_badge(
    session: Session, *, code: str, name: str, skill_code: str, min_level: int, description: str
) -> BadgeAchievement:
    """A badge for showing ``skill_code`` at ``min_level`` or above (1 to 5)."""
    if not 1 <= min_level <= 5:
        raise InvalidInput("A proficiency badge needs a level from 1 to 5.")
    row = session.scalar(select(BadgeAchievement).where(BadgeAchievement.code == code))
    if row is None:
        row = BadgeAchievement(code=code, name=name, description=description,
                               criteria=f"Assessed at level {min_level} or above in {skill_code}.",
                               skill_code=skill_code, min_level=min_level)  # fmt: skip
        session.add(row)
        session.flush()
    return row


def award(
    session: Session,
    issuer: Issuer,
    achievement: BadgeAchievement,
    employee_id: int,
    *,
    evidence: str = "",
    skill_codes: tuple[str, ...] = (),
    now: datetime | None = None,
) -> BadgeAward:
    """Award ``achievement`` to the employee (once: an earlier award is returned as it is)."""
    existing = session.scalar(
        select(BadgeAward).where(
            BadgeAward.achievement_id == achievement.id, BadgeAward.employee_id == employee_id
        )
    )
    if existing is not None:
        return existing
    person = session.get(Employee, employee_id)
    if person is None:
        raise NotFound(f"There is no employee {employee_id} to award a badge to.")
    if not person.email:
        raise InvalidInput(
            f"{person.name} has no e-mail address in the HRIS data, and a badge names its "
            "recipient by a hash of it. Add the address with the next HRIS import."
        )
    public_id = str(uuid.uuid4())
    at = now or utcnow()
    key = signing_key(session, issuer.settings)
    facts = BadgeFacts(
        base_url=issuer.base_url, public_id=public_id, issuer_name=issuer.name,
        achievement_code=achievement.code, achievement_name=achievement.name,
        achievement_description=achievement.description, criteria=achievement.criteria,
        skill_codes=skill_codes or ((achievement.skill_code,) if achievement.skill_code else ()),
        recipient_email=person.email, salt=secrets.token_hex(8), awarded_at=at,
        evidence=evidence,
    )  # fmt: skip
    token = sign_credential(open_badge_credential(facts), key, issuer.base_url)
    row = BadgeAward(
        public_id=public_id,
        achievement_id=achievement.id,
        employee_id=employee_id,
        awarded_at=at,
        evidence=evidence,
        credential=token,
        key_id=key.key_id,
    )
    session.add(row)
    session.flush()
    return row


def award_proficiency_badges(
    session: Session, issuer: Issuer, employee_id: int, levels: dict[str, int]
) -> list[BadgeAward]:
    """Award every proficiency badge whose skill the employee now shows at its level."""
    out = []
    for achievement in session.scalars(
        select(BadgeAchievement).where(BadgeAchievement.skill_code.in_(list(levels)))
    ):
        assert achievement.skill_code is not None and achievement.min_level is not None
        if levels[achievement.skill_code] >= achievement.min_level:
            evidence = f"Assessed at level {levels[achievement.skill_code]} in {achievement.name}."
            out.append(award(session, issuer, achievement, employee_id, evidence=evidence))
    return out


def refresh_proficiency_badges(
    session: Session, issuer: Issuer, employee_id: int
) -> list[BadgeAward]:
    """Award the proficiency badges the person's current levels (from the skills catalogue,
    through ``SkillSource``) now earn; call it after an assessment is recorded."""
    from lodestar.services.learning.skill_source import skill_source

    levels = skill_source().levels(session, employee_id)
    return award_proficiency_badges(session, issuer, employee_id, levels) if levels else []
