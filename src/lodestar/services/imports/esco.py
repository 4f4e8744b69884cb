"""ESCO skills (the ``skills_en.csv`` of the v1.2.x classification download).

Columns used, found by name in any order: ``conceptUri`` (the skill's code), ``preferredLabel``
(its name), and when present ``skillType`` (the category: skill/competence or knowledge),
``reuseLevel``, ``altLabels``, ``description`` and ``status``. Other columns are ignored.
A concept whose status is not ``released`` is skipped with a note, as ESCO users expect.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.report import ImportRejected, ImportReport, Progress, no_progress
from lodestar.services.imports.taxonomy_files import read_taxonomy, split_labels
from lodestar.services.skills.catalogue import SkillDraft, store_skills

REQUIRED = ("conceptUri", "preferredLabel")
WHAT = (
    "An ESCO skills file (skills_en.csv from the ESCO download, v1.2) has at least the "
    "columns conceptUri and preferredLabel; skillType, reuseLevel, altLabels and description "
    "are read when present."
)
ESCO_PREFIX = "http://data.europa.eu/esco/skill/"


def import_esco(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update ESCO skills by their concept URI; all or nothing."""
    require_importer(actor)
    report = ImportReport("esco", filename, dry_run=dry_run, progress=progress)
    _, rows = read_taxonomy(data, report, REQUIRED, WHAT)
    drafts: list[SkillDraft] = []
    seen: dict[str, int] = {}
    skipped = 0
    for row in rows:
        uri, label = row.get("conceptUri"), row.get("preferredLabel")
        if not uri.startswith(("http://", "https://")):
            report.add(
                row.line,
                "conceptUri",
                uri,
                "The concept URI must be the skill's ESCO "
                f"address, such as {ESCO_PREFIX}…; copy it from the ESCO file unchanged.",
            )
            continue
        if not label:
            report.add(
                row.line,
                "preferredLabel",
                "",
                "The preferred label is empty. Every "
                "ESCO skill has one; check that the file was not cut.",
            )
            continue
        if uri in seen:
            report.add(
                row.line,
                "conceptUri",
                uri,
                f"This concept URI is already on line {seen[uri]}. Keep one row per skill.",
            )
            continue
        seen[uri] = row.line
        status = row.get("status")
        if status and status != "released":
            skipped += 1
            continue
        kind = row.get("skillType")
        drafts.append(
            SkillDraft(
                code=uri,
                name=label,
                description=row.get("description") or row.get("definition"),
                source="esco",
                category=f"ESCO: {kind}" if kind else "ESCO",
                extra={
                    k: v
                    for k, v in {
                        "skill_type": kind,
                        "reuse_level": row.get("reuseLevel"),
                        "alt_labels": split_labels(row.get("altLabels")),
                    }.items()
                    if v
                },
            )
        )
    if not report.ok:
        report.sort()
        raise ImportRejected(report)
    if skipped:
        report.notes.append(
            f"{skipped:,} concept{'s' if skipped > 1 else ''} not marked released "
            f"{'were' if skipped > 1 else 'was'} skipped."
        )
    writing(session, report)
    store_skills(session, drafts, report)
    report.unchanged += skipped
    return report
