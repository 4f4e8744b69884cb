"""What every importer shares: who may import, and the lookups of natural keys to ids."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import get_settings
from lodestar.db.bulk import WriterBusy, take_write_lock
from lodestar.db.models import Employee, Team
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, PermissionDenied
from lodestar.services.imports.report import ImportReport, plural


class ImportBusy(Conflict):
    """Another import of the same kind held the write lock for longer than we wait."""

    code = "import-busy"


def writing(session: Session, report: ImportReport) -> None:
    """Call once the file is checked, before comparing it with what is stored: waits until
    no other import of this kind is writing (so the second of two imports of one file sees
    the first's rows as unchanged instead of adding them again), then holds that until the
    transaction ends. A dry run writes nothing and does not wait."""
    if report.dry_run:
        return
    wait = get_settings().imports.lock_wait_seconds
    report.progress("waiting for any other import of this kind to finish", 0, report.rows)
    try:
        take_write_lock(session, report.kind, wait_seconds=wait)
    except WriterBusy:
        raise ImportBusy(
            f"Another {report.kind} import has been writing for over {plural(wait, 'second')}, so "
            f"nothing of {report.filename} was saved. Import it again when that import has "
            "finished (its progress is on the Imports page)."
        ) from None
    report.progress("writing", 0, report.rows)


def require_importer(actor: Actor) -> None:
    """Only the L&D team and administrators import data."""
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team and administrators import data. Ask one of them to load the file."
        )


def employee_ids(session: Session) -> dict[str, int]:
    """Employee external id → id."""
    rows = session.execute(select(Employee.external_id, Employee.id)).all()
    return {str(e): int(i) for e, i in rows}


def team_ids(session: Session) -> tuple[dict[str, int], set[str]]:
    """Team name (and id as text) → id, and the names several teams share."""
    rows = session.execute(select(Team.name, Team.id)).all()
    counts = Counter(str(n) for n, _ in rows)
    mapping = {str(n): int(i) for n, i in rows if counts[str(n)] == 1}
    mapping.update({str(i): int(i) for _, i in rows})
    return mapping, {n for n, c in counts.items() if c > 1}


def int_key(series: pd.Series) -> np.ndarray:
    """A nullable id column as int64 with -1 for missing (for keys and merges)."""
    return pd.Series(series, dtype="Int64").fillna(-1).to_numpy(dtype=np.int64)


def differs(new: pd.Series, old: pd.Series) -> np.ndarray:
    """Row by row: do two columns hold different values (missing equals missing)?"""
    a = new.astype(object).where(new.notna(), None).to_numpy()
    b = old.astype(object).where(old.notna(), None).to_numpy()
    return np.asarray(a != b, dtype=bool)
