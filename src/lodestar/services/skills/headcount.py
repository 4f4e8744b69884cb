"""Headcount plans: how many more (or fewer) people each job title is planned to have in 12 and
24 months, an input to the skills forecast. Set one line at a time here (page, API) or many at
once with the ``headcount`` import; read by the L&D team, administrators and executives."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lodestar.db.models import HeadcountPlan, JobRole
from lodestar.domain.roles import Actor
from lodestar.domain.skills import HORIZONS
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services import audit
from lodestar.services.skills.catalogue import require_catalogue_editor
from lodestar.services.skills.profiles import job_role

LARGEST_CHANGE = 100_000  # people; a larger number is a typing slip, not a plan


@dataclass(frozen=True)
class HeadcountLine:
    job_title: str
    horizon_months: int
    change: int
    note: str


def headcount_plan(session: Session, actor: Actor) -> list[HeadcountLine]:
    """Every planned change, by job title and horizon."""
    if actor.role not in ("ld", "admin", "executive"):
        raise PermissionDenied(
            "Headcount plans are for the L&D team, administrators and executives."
        )
    rows = session.execute(
        select(JobRole.title, HeadcountPlan.horizon_months, HeadcountPlan.change,
               HeadcountPlan.note)
        .join(JobRole, JobRole.id == HeadcountPlan.job_role_id)
        .order_by(JobRole.title, HeadcountPlan.horizon_months)
    ).all()  # fmt: skip
    return [HeadcountLine(t, h, c, n or "") for t, h, c, n in rows]


def _checked(horizon_months: int, change: int) -> None:
    if horizon_months not in HORIZONS:
        raise InvalidInput(
            f"The horizon is {horizon_months} months; a headcount plan looks 12 or 24 months "
            "ahead. Choose one of them.",
            details={"fields": {"horizon_months": "12 or 24"}},
        )
    if abs(change) > LARGEST_CHANGE:
        raise InvalidInput(
            f"A change of {change:,} people is larger than any plan could be; check the number.",
            details={"fields": {"change": f"between −{LARGEST_CHANGE:,} and {LARGEST_CHANGE:,}"}},
        )


def set_headcount(
    session: Session,
    actor: Actor,
    job_title: str | int,
    horizon_months: int,
    change: int,
    note: str = "",
) -> HeadcountLine:
    """Plan ``change`` more (negative: fewer) people in a job title by the horizon; a plan
    already set for that title and horizon is replaced."""
    require_catalogue_editor(actor)
    _checked(horizon_months, change)
    role = job_role(session, job_title)
    row = session.scalar(
        select(HeadcountPlan).where(
            HeadcountPlan.job_role_id == role.id, HeadcountPlan.horizon_months == horizon_months
        )
    )
    if row is None:
        row = HeadcountPlan(job_role_id=role.id, horizon_months=horizon_months)
        session.add(row)
    row.change, row.note = change, note.strip()[:300]
    session.flush()
    audit.record(session, actor, "headcount.set", "job_role", role.id,
                 f"{change:+d} people in {horizon_months} months")  # fmt: skip
    return HeadcountLine(role.title, horizon_months, change, row.note)


def remove_headcount(
    session: Session, actor: Actor, job_title: str | int, horizon_months: int
) -> None:
    """Take a job title's plan for that horizon out of the forecast."""
    require_catalogue_editor(actor)
    _checked(horizon_months, 0)
    role = job_role(session, job_title)
    session.execute(
        delete(HeadcountPlan).where(
            HeadcountPlan.job_role_id == role.id, HeadcountPlan.horizon_months == horizon_months
        )
    )
    audit.record(session, actor, "headcount.remove", "job_role", role.id,
                 f"{horizon_months} months")  # fmt: skip


__all__ = ["HeadcountLine", "headcount_plan", "remove_headcount", "set_headcount"]
