"""A framework back to the CSV Moodle's framework import reads (``tool_lpimportcsv``): the
framework row, then each competency in the order it came, with its parent, scale, rule and
cross-references. A framework imported from Moodle and exported here gives the same file."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import ProficiencyScaleRow, Skill, SkillFramework
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound
from lodestar.services.imports.moodle import HEADERS


def framework_codes(session: Session) -> list[tuple[str, str]]:
    """(ID number, name) of every stored framework."""
    rows = session.execute(
        select(SkillFramework.idnumber, SkillFramework.name).order_by(SkillFramework.name)
    )
    return [(str(i), str(n)) for i, n in rows]


def export_moodle(session: Session, actor: Actor, idnumber: str) -> str:
    """The framework ``idnumber`` as Moodle framework CSV text."""
    framework = session.scalar(select(SkillFramework).where(SkillFramework.idnumber == idnumber))
    if framework is None:
        known = ", ".join(i for i, _ in framework_codes(session)) or "none yet"
        raise NotFound(
            f"There is no skills framework with the ID number “{idnumber}” (stored: {known}). "
            "Import a Moodle framework first, or pick one of those."
        )
    scale = session.get(ProficiencyScaleRow, framework.scale_id) if framework.scale_id else None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(
        [
            "",
            framework.idnumber,
            framework.name,
            framework.description,
            framework.description_format,
            ",".join(scale.levels) if scale else "",
            scale.configuration if scale else "",
            "",
            "",
            "",
            "",
            "",
            "1",
            framework.taxonomies,
        ]
    )
    skills = session.scalars(
        select(Skill).where(Skill.framework_id == framework.id).order_by(Skill.position, Skill.id)
    )
    for skill in skills:
        extra = skill.extra or {}
        writer.writerow(
            [
                skill.parent_code,
                skill.code,
                skill.name,
                skill.description,
                extra.get("description_format", "1"),
                extra.get("scale_values", ""),
                extra.get("scale_configuration", ""),
                extra.get("rule_type", ""),
                extra.get("rule_outcome", ""),
                extra.get("rule_config", "null"),
                ",".join(c.replace(",", "%2C") for c in skill.related_codes or ()),
                extra.get("exported_id", str(skill.id)),
                "",
                "",
            ]
        )
    return out.getvalue()
