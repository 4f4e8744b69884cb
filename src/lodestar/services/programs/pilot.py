"""The pilot of a program, stored: its plan (detectable effect, people needed) and its lottery.

The planner and the lottery live in ``services.pilots``; this module stores the plan so the
pilot page and the registration can show it later, and refuses both once the pilot launched
(the lottery decides who is compared with whom — changing it after launch would change what
the locked expectation is measured on).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.analytics.power import people_needed
from lodestar.db.models import Department, ProgramEnrolment, Team, WorkspaceMeta
from lodestar.domain.numbers import change_unit
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict
from lodestar.services import audit
from lodestar.services.pilots import PilotPlan, plan_pilot, randomise_pilot
from lodestar.services.programs.access import (
    group_sizes,
    load_program,
    require_designer,
    require_reader,
)
from lodestar.services.programs.registration import LOCKED_STATES


@dataclass(frozen=True)
class StoredPlan:
    plan: dict[str, Any]
    team_ids: tuple[int, ...]
    hoped_effect: float | None
    people_needed: int | None
    needed_words: str
    lottery: dict[str, Any] | None


def _refuse_if_launched(status: str, name: str, what: str) -> None:
    if status in LOCKED_STATES:
        raise Conflict(
            f"The pilot of '{name}' has launched, so its {what} is locked with the registered "
            "expectation. Adapt the program back to design to plan another pilot.",
            details={"state": status, "locked": True},
        )


def _needed(plan: PilotPlan, hoped: float | None, share: float) -> tuple[int | None, str]:
    if hoped is None or hoped == 0 or not math.isfinite(hoped):
        return None, ""
    by_team = plan.assign_by == "team"
    total = people_needed(
        hoped,
        plan.sigma,
        share=share,
        r2=plan.r_squared,
        m=plan.mean_team_size if by_team else 1.0,
        icc=plan.icc if by_team else 0.0,
    )
    n = math.ceil(total)
    have = plan.people
    verdict = (
        "these teams are enough"
        if have >= n
        else f"these teams hold only {have}: add teams or run the pilot longer"
    )
    return n, (
        f"To detect the hoped-for {hoped:+g} {change_unit(plan.unit)} in {plan.kpi_name} with "
        f"80% power, the pilot and comparison groups together need about {n:,} people — {verdict}."
    )


def plan_and_store(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    team_ids: list[int],
    share: float = 0.5,
    assign_by: str = "person",
    weeks: int = 12,
    hoped_effect: float | None = None,
    on: date | None = None,
) -> StoredPlan:
    """Size the pilot from the KPI's history and keep the plan with the program."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    _refuse_if_launched(prog.status, prog.name, "plan")
    plan = plan_pilot(
        session, actor, program_id, team_ids=team_ids, share=share, assign_by=assign_by,
        weeks=weeks, on=on,
    )  # fmt: skip
    n, words = _needed(plan, hoped_effect, share)
    value = {
        **asdict(plan),
        "team_ids": sorted(team_ids),
        "share": share,
        "weeks": weeks,
        "hoped_effect": hoped_effect,
        "people_needed": n,
        "needed_words": words,
    }
    session.merge(WorkspaceMeta(key=f"pilot_plan:{prog.id}", value=value))
    session.flush()
    audit.record(session, actor, "pilot.plan", "program", prog.id, plan.explanation)
    return stored_plan(session, actor, program_id)


def stored_plan(session: Session, actor: Actor, program_id: int) -> StoredPlan:
    require_reader(actor)
    prog = load_program(session, program_id)
    row = session.get(WorkspaceMeta, f"pilot_plan:{prog.id}")
    lottery = session.get(WorkspaceMeta, f"pilot_assignment:{prog.id}")
    value = dict(row.value) if row else {}
    return StoredPlan(
        plan=value,
        team_ids=tuple(value.get("team_ids", ())),
        hoped_effect=value.get("hoped_effect"),
        people_needed=value.get("people_needed"),
        needed_words=value.get("needed_words", ""),
        lottery=_lottery(session, prog.id, dict(lottery.value)) if lottery else None,
    )


def _lottery(session: Session, program_id: int, record: dict[str, Any]) -> dict[str, Any]:
    """The stored lottery with its group sizes and start date, read from the enrolments the
    lottery made where the record does not carry them (demo databases seeded before the demo
    stored its lotteries in full kept only how people were drawn)."""
    if all(k in record for k in ("participants", "comparison", "start_date")):
        return record
    counts = group_sizes(session, program_id)
    first = session.scalar(
        select(func.min(ProgramEnrolment.start_date)).where(
            ProgramEnrolment.program_id == program_id
        )
    )
    filled = {
        "participants": int(counts.get("participant", 0)),
        "comparison": int(counts.get("comparison", 0)),
        "start_date": first.isoformat() if first else None,
    }
    return {**filled, **record}


def draw_lottery(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    team_ids: list[int],
    start_date: date,
    share: float = 0.5,
    assign_by: str = "person",
    seed: int,
) -> dict[str, object]:
    """The seeded lottery, refused once the pilot has launched."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    _refuse_if_launched(prog.status, prog.name, "lottery")
    record = randomise_pilot(
        session, actor, program_id, team_ids=team_ids, start_date=start_date, share=share,
        assign_by=assign_by, seed=seed,
    )  # fmt: skip
    if prog.start_date is None:
        prog.start_date = start_date
    return record


def team_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Every team as (id, "Department · Team"), for choosing a pilot's or a wave's teams."""
    require_reader(actor)
    rows = session.execute(
        select(Team.id, Department.name, Team.name)
        .join(Department, Department.id == Team.department_id)
        .order_by(Department.name, Team.name)
    )
    return [(int(i), f"{d} · {t}") for i, d, t in rows]
