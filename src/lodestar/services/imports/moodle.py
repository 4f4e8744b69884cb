"""Moodle competency frameworks: the CSV that Moodle's own framework export writes
(Site administration › Competencies › Export competency framework, ``tool_lpimportcsv``).

One row is the framework itself (``Is framework`` set, with its scale and taxonomies); each
other row is a competency, with its parent's ID number (the hierarchy), its own scale when it
has one, its rule, and the ID numbers of the competencies it is cross-referenced with (commas
inside an ID number are written ``%2C``). Columns are found by name. Each competency becomes a
skill whose code is its ID number; what Lodestar does not use (rules, the exported id, the
description format) is kept so that ``lodestar skills export-moodle`` writes the same file
back.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.report import ImportRejected, ImportReport, Progress, no_progress
from lodestar.services.imports.taxonomy_files import TaxonomyRow, read_taxonomy
from lodestar.services.skills.catalogue import FrameworkDraft, ScaleDraft, SkillDraft, store_skills

HEADERS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
REQUIRED = ("Parent ID number", "ID number", "Short name", "Is framework")
WHAT = (
    "A Moodle competency framework file is the CSV Moodle's “Export competency framework” "
    "writes; its header is: " + ",".join(HEADERS) + "."
)
KEPT = {  # Moodle columns kept on the skill for the export: column -> key in Skill.extra
    "Description format": "description_format",
    "Rule type (optional)": "rule_type",
    "Rule outcome (optional)": "rule_outcome",
    "Rule config (optional)": "rule_config",
    "Exported ID (optional)": "exported_id",
    "Scale values": "scale_values",
    "Scale configuration": "scale_configuration",
}


def scale_from(values: str, configuration: str) -> ScaleDraft | None:
    """A scale from Moodle's compact items (``A,B,C``) and its configuration JSON (which
    items are proficient). None when the row has no scale."""
    levels = tuple(v.strip() for v in values.split(",") if v.strip())
    if not levels:
        return None
    proficient = len(levels)
    try:
        items = json.loads(configuration) if configuration else []
        flagged = [int(i["id"]) for i in items[1:] if int(i.get("proficient", 0))]
        proficient = min(flagged) if flagged else proficient
    except (ValueError, TypeError, KeyError, IndexError):
        pass
    return ScaleDraft(f"Moodle scale: {', '.join(levels)}"[:200], levels, proficient, configuration)


def split_related(cell: str) -> tuple[str, ...]:
    return tuple(v.replace("%2C", ",") for v in cell.split(",") if v)


def _is_framework(row: TaxonomyRow) -> bool:
    return row.get("Is framework").lower() in ("1", "true", "yes")


def import_moodle(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update a Moodle framework's competencies as skills; all or nothing."""
    require_importer(actor)
    report = ImportReport("moodle", filename, dry_run=dry_run, progress=progress)
    _, rows = read_taxonomy(data, report, REQUIRED, WHAT)
    frames = [r for r in rows if _is_framework(r)]
    if len(frames) != 1:
        line = frames[1].line if len(frames) > 1 else 2
        report.add(
            line,
            "Is framework",
            "",
            "A framework file has exactly one row with “Is "
            f"framework” set (this one has {len(frames)}). Export the framework from "
            "Moodle again, or fix that column.",
        )
        raise ImportRejected(report)
    frame = frames[0]
    framework = FrameworkDraft(
        idnumber=frame.get("ID number") or frame.get("Short name"),
        name=frame.get("Short name"),
        description=frame.get("Description"),
        description_format=frame.get("Description format") or "1",
        scale=scale_from(frame.get("Scale values"), frame.get("Scale configuration")),
        taxonomies=frame.get("Taxonomy"),
    )
    competencies = [r for r in rows if r is not frame]
    codes: dict[str, int] = {}
    for row in competencies:
        code = row.get("ID number")
        if not code:
            report.add(
                row.line,
                "ID number",
                "",
                "The competency has no ID number. Moodle "
                "requires one; give each competency a unique ID number.",
            )
        elif code in codes:
            report.add(
                row.line,
                "ID number",
                code,
                f"The ID number is already used on line "
                f"{codes[code]}. Each competency needs its own.",
            )
        else:
            codes[code] = row.line
        if not row.get("Short name"):
            report.add(row.line, "Short name", "", "The competency has no short name.")
    drafts = []
    for position, row in enumerate(competencies):
        parent = row.get("Parent ID number")
        if parent and parent not in codes:
            report.add(
                row.line,
                "Parent ID number",
                parent,
                f"No competency in this file has "
                f"the ID number “{parent}”. A parent must be in the same framework.",
            )
        related = split_related(row.get("Cross-referenced competency ID numbers"))
        for other in related:
            if other not in codes:
                report.add(
                    row.line,
                    "Cross-referenced competency ID numbers",
                    other,
                    f"No competency in this file has the ID number “{other}”.",
                )
        drafts.append(
            SkillDraft(
                code=row.get("ID number"),
                name=row.get("Short name"),
                description=row.get("Description"),
                source="moodle",
                category=framework.name,
                framework=framework.idnumber,
                parent_code=parent,
                position=position,
                related_codes=related,
                extra={key: row.get(column) for column, key in KEPT.items()},
                scale=scale_from(row.get("Scale values"), row.get("Scale configuration")),
            )
        )
    _check_cycles(drafts, codes, report)
    if not report.ok:
        report.sort()
        raise ImportRejected(report)
    writing(session, report)
    report.unchanged += 1  # the framework row
    store_skills(session, drafts, report, frameworks=[framework])
    return report


def _check_cycles(drafts: list[SkillDraft], lines: dict[str, int], report: ImportReport) -> None:
    parent = {d.code: d.parent_code for d in drafts}
    for draft in drafts:
        seen, at = {draft.code}, draft.parent_code
        while at and at in parent:
            if at in seen:
                report.add(
                    lines.get(draft.code, 0),
                    "Parent ID number",
                    draft.parent_code,
                    "The parents of this competency lead back to itself. A framework "
                    "is a tree: fix the parent ID numbers.",
                )
                break
            seen.add(at)
            at = parent[at]
