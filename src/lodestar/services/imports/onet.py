"""O*NET skills and abilities (``Skills.txt`` / ``Abilities.txt`` of the database release, or
their Excel-exported CSV).

The files hold one row per occupation, element and scale (importance ``IM``, level ``LV``),
so an element appears many times; the catalogue takes each element once. Columns are found by
name, in any order (the 30.x release reordered and added columns): ``Element ID`` and
``Element Name`` are needed; ``Scale ID`` and ``Data Value`` are checked when present. The
skill's code is ``onet:`` and the element id (``onet:2.A.1.a``); its category follows the
content model: 1.A abilities, 2.A basic skills, 2.B cross-functional skills.
"""

from __future__ import annotations

import math
import re

from sqlalchemy.orm import Session

from lodestar.domain.roles import Actor
from lodestar.services.imports.common import require_importer, writing
from lodestar.services.imports.report import ImportRejected, ImportReport, Progress, no_progress
from lodestar.services.imports.taxonomy_files import read_taxonomy
from lodestar.services.skills.catalogue import SkillDraft, store_skills

REQUIRED = ("Element ID", "Element Name")
WHAT = (
    "An O*NET skills or abilities file (Skills.txt or Abilities.txt of the O*NET database, tab "
    "separated, or as CSV) has at least the columns Element ID and Element Name; O*NET-SOC "
    "Code, Scale ID and Data Value are checked when present."
)
ELEMENT_ID = re.compile(r"^\d+(\.[A-Za-z0-9]+)+$")
SCALES = ("IM", "LV")
CATEGORIES = {
    "1.A": "O*NET: Abilities",
    "2.A": "O*NET: Basic skills",
    "2.B": "O*NET: Cross-functional skills",
    "2.C": "O*NET: Knowledge",
}


def category_of(element_id: str) -> str:
    return CATEGORIES.get(element_id[:3], "O*NET")


def import_onet(
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Add or update O*NET elements as skills; all or nothing."""
    require_importer(actor)
    report = ImportReport("onet", filename, dry_run=dry_run, progress=progress)
    header, rows = read_taxonomy(data, report, REQUIRED, WHAT)
    names: dict[str, tuple[str, int]] = {}
    for row in rows:
        element, name = row.get("Element ID"), row.get("Element Name")
        if not ELEMENT_ID.match(element):
            report.add(
                row.line,
                "Element ID",
                element,
                "The element id is not an O*NET content "
                "model id such as 2.A.1.a. Check that the columns were not shifted.",
            )
            continue
        if not name:
            report.add(row.line, "Element Name", "", "The element name is empty.")
            continue
        if element in names and names[element][0] != name:
            first, line = names[element]
            report.add(
                row.line,
                "Element Name",
                name,
                f"Element {element} is called “{first}” "
                f"on line {line}; one element has one name. Use one release's file.",
            )
            continue
        scale = row.get("Scale ID")
        if scale and scale not in SCALES:
            report.add(
                row.line,
                "Scale ID",
                scale,
                "The scale id is not IM (importance) or LV "
                "(level), the scales of the skills and abilities files.",
            )
            continue
        value = row.get("Data Value")
        if value and not _number(value):
            report.add(row.line, "Data Value", value, "The data value is not a number.")
            continue
        names.setdefault(element, (name, row.line))
    if not report.ok:
        report.sort()
        raise ImportRejected(report)
    drafts = [
        SkillDraft(
            code=f"onet:{element}",
            name=name,
            source="onet",
            category=category_of(element),
            extra={"element_id": element},
        )
        for element, (name, _) in sorted(names.items())
    ]
    writing(session, report)
    repeated = report.rows - len(drafts)
    store_skills(session, drafts, report)
    if repeated:
        report.notes.append(
            f"The file rates {len(drafts):,} elements over {report.rows:,} rows (one per "
            "occupation and scale); each element is kept once in the catalogue."
        )
        report.unchanged += repeated
    return report


def _number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
