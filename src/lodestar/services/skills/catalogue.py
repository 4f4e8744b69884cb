"""The skills catalogue: skills with their categories, proficiency scales and frameworks.

Every way skills come in (the ESCO, O*NET and Moodle imports, a skill added by hand) ends in
``store_skills``, which adds new skills and updates changed ones by ``code`` and counts what
it did in the import's report. Reading the catalogue is open to everyone signed in: a skill's
name and description say nothing about anybody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    ProficiencyScaleRow,
    Skill,
    SkillCategory,
    SkillFramework,
)
from lodestar.domain.roles import Actor
from lodestar.domain.skills import DEFAULT_SCALE, ProficiencyScale
from lodestar.errors import NotFound, PermissionDenied
from lodestar.services.imports.report import ImportReport


@dataclass(frozen=True)
class ScaleDraft:
    name: str
    levels: tuple[str, ...]
    proficient: int = 3
    configuration: str = ""


@dataclass(frozen=True)
class FrameworkDraft:
    idnumber: str
    name: str
    description: str = ""
    description_format: str = "1"
    scale: ScaleDraft | None = None
    taxonomies: str = ""


@dataclass(frozen=True)
class SkillDraft:
    """One skill as a file describes it."""

    code: str
    name: str
    description: str = ""
    source: str = "manual"
    category: str = ""
    framework: str = ""  # a FrameworkDraft's idnumber
    parent_code: str = ""
    position: int = 0
    related_codes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    scale: ScaleDraft | None = None


@dataclass(frozen=True)
class SkillView:
    """A skill as pages, the API and the CLI show it."""

    id: int
    code: str
    name: str
    description: str
    source: str
    category: str
    framework: str
    parent_code: str
    related_codes: tuple[str, ...]
    scale: ProficiencyScale


def require_catalogue_editor(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators change the skills catalogue. Ask one of them."
        )


def scale_row(session: Session, draft: ScaleDraft) -> ProficiencyScaleRow:
    """The stored scale of that name, created or brought up to date."""
    row = session.scalar(select(ProficiencyScaleRow).where(ProficiencyScaleRow.name == draft.name))
    if row is None:
        row = ProficiencyScaleRow(name=draft.name)
        session.add(row)
    row.levels = list(draft.levels)
    row.proficient_level = draft.proficient
    row.configuration = draft.configuration
    session.flush()
    return row


def default_scale_id(session: Session) -> int:
    d = DEFAULT_SCALE
    return scale_row(session, ScaleDraft(d.name, d.levels, d.proficient)).id


def _category_id(session: Session, name: str, known: dict[str, int]) -> int | None:
    if not name:
        return None
    if name not in known:
        row = session.scalar(select(SkillCategory).where(SkillCategory.name == name))
        if row is None:
            row = SkillCategory(name=name[:200])
            session.add(row)
            session.flush()
        known[name] = row.id
    return known[name]


def _framework_id(session: Session, draft: FrameworkDraft) -> int:
    row = session.scalar(select(SkillFramework).where(SkillFramework.idnumber == draft.idnumber))
    if row is None:
        row = SkillFramework(idnumber=draft.idnumber)
        session.add(row)
    row.name, row.description = draft.name, draft.description
    row.description_format, row.taxonomies = draft.description_format, draft.taxonomies
    row.scale_id = scale_row(session, draft.scale).id if draft.scale else None
    session.flush()
    return row.id


def store_skills(
    session: Session,
    drafts: Sequence[SkillDraft],
    report: ImportReport,
    frameworks: Sequence[FrameworkDraft] = (),
) -> None:
    """Add new skills and update changed ones (by code); counts go into ``report``."""
    framework_ids = {f.idnumber: _framework_id(session, f) for f in frameworks}
    framework_scale = {
        f.idnumber: scale_row(session, f.scale).id for f in frameworks if f.scale is not None
    }
    default_scale = default_scale_id(session)
    categories: dict[str, int] = {}
    scales: dict[str, int] = {}
    stored = {
        s.code: s
        for s in session.scalars(select(Skill).where(Skill.code.in_([d.code for d in drafts])))
    }
    for draft in drafts:
        if draft.scale is not None:
            if draft.scale.name not in scales:
                scales[draft.scale.name] = scale_row(session, draft.scale).id
            scale_id = scales[draft.scale.name]
        else:
            scale_id = framework_scale.get(draft.framework, default_scale)
        values = {
            "name": draft.name[:300],
            "description": draft.description,
            "source": draft.source,
            "category_id": _category_id(session, draft.category, categories),
            "scale_id": scale_id,
            "framework_id": framework_ids.get(draft.framework),
            "parent_code": draft.parent_code,
            "position": draft.position,
            "related_codes": list(draft.related_codes),
            "extra": dict(draft.extra),
        }
        row = stored.get(draft.code)
        if row is None:
            session.add(Skill(code=draft.code, **values))
            report.added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()


def _scale(row: ProficiencyScaleRow | None) -> ProficiencyScale:
    if row is None:
        return DEFAULT_SCALE
    return ProficiencyScale(row.name, tuple(row.levels), row.proficient_level)


def _views(session: Session, where: Any = None, limit: int | None = None) -> list[SkillView]:
    stmt = (
        select(Skill, SkillCategory.name, SkillFramework.idnumber, ProficiencyScaleRow)
        .outerjoin(SkillCategory, SkillCategory.id == Skill.category_id)
        .outerjoin(SkillFramework, SkillFramework.id == Skill.framework_id)
        .outerjoin(ProficiencyScaleRow, ProficiencyScaleRow.id == Skill.scale_id)
        .order_by(SkillCategory.name, Skill.name)
    )
    if where is not None:
        stmt = stmt.where(where)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        SkillView(
            id=s.id,
            code=s.code,
            name=s.name,
            description=s.description,
            source=s.source,
            category=c or "",
            framework=f or "",
            parent_code=s.parent_code,
            related_codes=tuple(s.related_codes or ()),
            scale=_scale(scale),
        )
        for s, c, f, scale in session.execute(stmt)
    ]


def list_skills(
    session: Session, actor: Actor, *, search: str = "", limit: int = 500
) -> list[SkillView]:
    """Skills by category and name; ``search`` matches the name or the code."""
    where = None
    if search:
        pattern = f"%{search.lower()}%"
        where = func.lower(Skill.name).like(pattern) | func.lower(Skill.code).like(pattern)
    return _views(session, where, limit)


def count_skills(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Skill)) or 0)


def get_skill(session: Session, actor: Actor, code: str) -> SkillView:
    found = _views(session, Skill.code == code, 1)
    if not found:
        raise NotFound(
            f"There is no skill with the code “{code}”. Search the catalogue on the Skills page "
            "(or `lodestar skills list`) for its code."
        )
    return found[0]


def skill_ids(session: Session) -> dict[str, int]:
    """Skill code → id."""
    return {str(c): int(i) for c, i in session.execute(select(Skill.code, Skill.id))}


__all__ = [
    "FrameworkDraft",
    "ScaleDraft",
    "SkillDraft",
    "SkillView",
    "count_skills",
    "default_scale_id",
    "get_skill",
    "list_skills",
    "require_catalogue_editor",
    "scale_row",
    "skill_ids",
    "store_skills",
]
