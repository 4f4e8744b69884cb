"""Launch a pilot with its expectation locked, revise it openly, and grade the result against it.

At launch the metric, the expected effect, the horizon, the evaluation design and the analysis
settings are written down as version 1 of the program's registration. While the pilot runs (and
once it is scaled) nobody can change those in place: the program form, the API, the setup form
and the lottery all refuse with the reason. A change is a new, dated version with its reason;
every earlier version stays on record and on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import ImpactResult, Kpi, PilotRegistration, Program, WorkspaceMeta
from lodestar.domain.numbers import change_unit
from lodestar.domain.preregistration import (
    LOCKED_FIELDS,
    Expectation,
    GradedResult,
    check_unlocked,
    grade_against_expectation,
)
from lodestar.domain.program_lifecycle import state_label
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput
from lodestar.services import audit
from lodestar.services.impact.stored import newest_result
from lodestar.services.programs.access import load_program, require_designer, require_reader
from lodestar.services.programs.lifecycle import move_program

#: Program states in which the registration binds.
LOCKED_STATES = frozenset({"pilot", "scaled"})


@dataclass(frozen=True)
class Registration:
    program_id: int
    version: int
    kpi_id: int
    kpi_name: str
    unit: str
    expected_effect: float
    horizon_date: date | None
    evaluation_design: str
    analysis_settings: dict[str, Any]
    plan: dict[str, Any]
    reason: str
    locked_on: date


def registrations(session: Session, program_id: int) -> list[Registration]:
    """Every version, newest first."""
    rows = session.scalars(
        select(PilotRegistration)
        .where(PilotRegistration.program_id == program_id)
        .order_by(PilotRegistration.version.desc())
    ).all()
    return [_view(session, r) for r in rows]


def current_registration(session: Session, program_id: int) -> Registration | None:
    found = registrations(session, program_id)
    return found[0] if found else None


def _view(session: Session, row: PilotRegistration) -> Registration:
    kpi = session.get(Kpi, row.kpi_id)
    return Registration(
        program_id=row.program_id,
        version=row.version,
        kpi_id=row.kpi_id,
        kpi_name=kpi.name if kpi else f"KPI #{row.kpi_id}",
        unit=kpi.unit if kpi else "",
        expected_effect=row.expected_effect,
        horizon_date=row.horizon_date,
        evaluation_design=row.evaluation_design,
        analysis_settings=dict(row.analysis_settings or {}),
        plan=dict(row.plan or {}),
        reason=row.reason,
        locked_on=row.locked_at.date(),
    )


def is_locked(session: Session, prog: Program) -> bool:
    return prog.status in LOCKED_STATES and current_registration(session, prog.id) is not None


def check_edit_allowed(session: Session, prog: Program, field: str) -> None:
    """Refuse (409) a silent change to a field the launched pilot's registration locked."""
    locked_name = {"horizon_date": "horizon_date", "kpi_id": "kpi_id"}.get(field, field)
    if locked_name not in LOCKED_FIELDS or prog.status not in LOCKED_STATES:
        return
    reg = current_registration(session, prog.id)
    if reg is not None:
        check_unlocked(True, locked_name, reg.locked_on)


def _check_expectation(expected_effect: float, horizon: date | None, start: date | None) -> None:
    if not math.isfinite(expected_effect) or expected_effect == 0 or abs(expected_effect) > 1e15:
        raise InvalidInput(
            "Say what change the program should cause, in the KPI's own unit and with its sign "
            "(for example -2.5 for 'down by 2.5 points'); zero is not an expectation.",
            details={"fields": {"expected_effect": "required"}},
        )
    if horizon is None:
        raise InvalidInput(
            "Give the horizon: the date by which the KPI should have moved.",
            details={"fields": {"horizon_date": "required"}},
        )
    if start is not None and horizon <= start:
        raise InvalidInput(
            f"The horizon ({horizon.isoformat()}) must come after the pilot starts "
            f"({start.isoformat()}).",
            details={"fields": {"horizon_date": "before start"}},
        )


def launch_pilot(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    expected_effect: float,
    horizon_date: date | None,
    analysis_settings: dict[str, Any] | None = None,
) -> Registration:
    """Lock the expectation as a new registration version and move the program to *pilot*."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    if prog.status != "in_design":
        raise Conflict(
            f"Program '{prog.name}' is '{state_label(prog.status)}'; a pilot launches from "
            "'In design'. Adapt it back to design first if you want to run another pilot.",
            details={"state": prog.status},
        )
    if prog.kpi_id is None:
        raise InvalidInput(
            f"Program '{prog.name}' names no metric that matters, so there is nothing to lock an "
            "expectation on. Link it to a KPI first.",
            details={"fields": {"kpi_id": "required"}},
        )
    _check_expectation(expected_effect, horizon_date, prog.start_date)
    plan = session.get(WorkspaceMeta, f"pilot_plan:{prog.id}")
    version = len(registrations(session, prog.id)) + 1
    row = PilotRegistration(
        program_id=prog.id,
        version=version,
        kpi_id=prog.kpi_id,
        expected_effect=float(expected_effect),
        horizon_date=horizon_date,
        evaluation_design=prog.evaluation_design or "",
        analysis_settings=dict(analysis_settings or {}),
        plan=dict(plan.value) if plan else {},
        reason="Locked at launch." if version == 1 else f"Locked at relaunch (version {version}).",
        locked_by_id=actor.user_id,
    )
    session.add(row)
    prog.horizon_date = horizon_date
    session.flush()
    reg = _view(session, row)
    move_program(
        session,
        actor,
        prog.id,
        "pilot",
        f"Launched; expectation locked as version {version}: {expected_effect:+g} "
        f"{change_unit(reg.unit)} on {reg.kpi_name} by {horizon_date}.",
    )
    audit.record(session, actor, "pilot.launch", "program", prog.id, f"version {version}")
    return reg


def revise_registration(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    reason: str,
    expected_effect: float | None = None,
    horizon_date: date | None = None,
    analysis_settings: dict[str, Any] | None = None,
) -> Registration:
    """A new, dated version of a launched pilot's expectation; the old one stays on record."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    current = current_registration(session, prog.id)
    if current is None:
        raise Conflict(
            f"Program '{prog.name}' has not launched a pilot, so there is no expectation to "
            "revise; launch it first.",
        )
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise InvalidInput(
            "Say why the expectation changes after launch: a revised registration without a "
            "reason reads as moving the goalposts.",
            details={"fields": {"reason": "required"}},
        )
    effect = current.expected_effect if expected_effect is None else expected_effect
    horizon = current.horizon_date if horizon_date is None else horizon_date
    _check_expectation(effect, horizon, prog.start_date)
    row = PilotRegistration(
        program_id=prog.id,
        version=current.version + 1,
        kpi_id=current.kpi_id,
        expected_effect=float(effect),
        horizon_date=horizon,
        evaluation_design=current.evaluation_design,
        analysis_settings=dict(
            current.analysis_settings if analysis_settings is None else analysis_settings
        ),
        plan=current.plan,
        reason=reason,
        locked_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "pilot.revise", "program", prog.id, reason)
    return _view(session, row)


def grade_result(reg: Registration, result: ImpactResult, today: date) -> GradedResult | None:
    """One stored result against the registered expectation; ``None`` when the result is not
    on the registered metric, or not by the registered design (when one was registered), since
    the expectation says nothing about it."""
    if result.kpi_id != reg.kpi_id:
        return None
    if reg.evaluation_design and result.design != reg.evaluation_design:
        return None
    return grade_against_expectation(
        Expectation(reg.kpi_name, reg.unit, reg.expected_effect, reg.horizon_date),
        estimate=result.estimate,
        ci_low=result.ci_low,
        ci_high=result.ci_high,
        causal=result.causal,
        today=today,
        estimand=result.estimand,
    )


def grade_program(
    session: Session, actor: Actor, program_id: int, *, today: date | None = None
) -> GradedResult | None:
    """The newest stored result on the registered KPI (and design), graded against the newest
    registration; ``None`` when nothing was registered or no such result is stored yet."""
    require_reader(actor)
    reg = current_registration(session, program_id)
    if reg is None:
        return None
    result = newest_result(session, program_id, kpi_id=reg.kpi_id, design=reg.evaluation_design)
    return grade_result(reg, result, today or date.today()) if result is not None else None
