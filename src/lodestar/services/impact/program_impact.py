"""Use cases: estimate a program's impact on its metric that matters, store it, read it back.

Who may do what: the L&D team and administrators run analyses; executives and managers read
the stored results; employees see none (results are about groups of colleagues).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.analytics.money import ProgramCosts, ReturnOnInvestment, return_on_investment
from lodestar.analytics.results import Diagnostic, EffectEstimate, Sensitivity
from lodestar.db.models import ImpactResult, Program, User
from lodestar.domain.evaluation import EVALUATION_DESIGNS, TIME_TO_EVENT_DESIGNS
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, LodestarError, NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.impact.analyse import analyse_panel
from lodestar.services.impact.facts import KpiFacts, ProgramFacts, program_facts
from lodestar.services.impact.panel import build_program_panel
from lodestar.services.impact.serialise import jsonable
from lodestar.services.impact.source_views import KpiSourceView, source_of_kpi
from lodestar.services.impact.stored import newest_result
from lodestar.services.impact.suppression import aggregates_only
from lodestar.services.impact.threads import numeric_threads_limited
from lodestar.services.impact.tiers import (
    BehaviourTrack,
    OperationalTier,
    behaviour_tier,
    operational_tier,
)
from lodestar.services.privacy.groups import GroupRule, group_rule
from lodestar.services.programs.costs import CostInput, fully_loaded, stored_costs
from lodestar.services.skills.program_tier import SkillGain, skills_gained

ENGINE_VERSION = "2"  # 2: person x period panel from the KPI columns, recorded designs
DESIGN_CHOICES: tuple[str, ...] = EVALUATION_DESIGNS  # defined once in domain.evaluation
# Designs on time to an event (domain.evaluation): no employee-week KPI panel, own analyses.


@dataclass(frozen=True)
class ProgramImpact:
    """The three tiers for one program, with the stored business result."""

    result_id: int | None
    program: ProgramFacts
    kpi: KpiFacts
    design: str
    business: EffectEstimate | None
    naive: EffectEstimate | None
    money: dict[str, Any] | None
    money_note: str
    operational: OperationalTier
    behaviour: tuple[BehaviourTrack, ...]
    snapshot: dict[str, Any]
    created_at: datetime | None
    created_by: str | None = None  # who ran the stored analysis, for tracing a number
    # Tier 2, skills gained: participants' assessed levels before and after (services.skills).
    skills: tuple[SkillGain, ...] = ()


@dataclass(frozen=True)
class ProgramListItem:
    id: int
    code: str
    name: str
    status: str
    rollout: str
    kpi_name: str | None
    latest_summary: str | None
    latest_evidence: str | None


def _require_reader(actor: Actor) -> None:
    if actor.role == "employee":
        raise PermissionDenied(
            "Program results describe groups of colleagues and are for managers, executives "
            "and the L&D team. Ask your manager about the programs you take part in."
        )


def _require_analyst(actor: Actor) -> None:
    if not actor.is_ld:
        raise PermissionDenied(
            "Only the L&D team runs impact analyses. Open the program to read the latest result."
        )


def list_programs(
    session: Session, actor: Actor, *, include_archived: bool = False
) -> list[ProgramListItem]:
    """Programs by name with their latest result; archived ones only when asked for."""
    _require_reader(actor)
    items = []
    query = select(Program).order_by(Program.name)
    if not include_archived:
        query = query.where(Program.status != "archived")
    for prog in session.scalars(query):
        latest = newest_result(session, prog.id)
        kpi_name = program_facts(session, prog.id)[1].name if prog.kpi_id else None
        items.append(
            ProgramListItem(
                prog.id,
                prog.code,
                prog.name,
                prog.status,
                prog.rollout,
                kpi_name,
                latest.summary if latest else None,
                latest.evidence if latest else None,
            )
        )
    return items


def estimate_program_impact(
    session: Session, actor: Actor, program_id: int, *, design: str | None = None
) -> ProgramImpact:
    """Build the panel in the database, estimate with the design the roll-out supports, put
    the effect in money where the KPI has a unit value, and store it all with its snapshot."""
    _require_analyst(actor)
    if design is not None and design not in DESIGN_CHOICES:
        choices = ", ".join(repr(d) for d in DESIGN_CHOICES)
        raise InvalidInput(f"{design!r} is not a program design. Choose one of: {choices}.")
    program, kpi = program_facts(session, program_id)
    chosen = design or program.evaluation_design
    if chosen in TIME_TO_EVENT_DESIGNS:
        with numeric_threads_limited():
            return _estimate_time_to_event(session, actor, program, kpi, chosen, design)
    source = source_of_kpi(session, kpi.id)
    if source is not None:
        return _estimate_from_source(session, actor, program, kpi, source, design)
    panel = build_program_panel(session, program_id)
    with numeric_threads_limited():  # no BLAS thread spinning for a busy core
        analysis = analyse_panel(panel, design=design)  # type: ignore[arg-type]
    costs = stored_costs(session, program_id)
    money, money_note = _money(panel.program, panel.kpi, analysis.headline, costs)
    return _store(
        session,
        actor,
        panel.program,
        panel.kpi,
        analysis.design,
        analysis.headline,
        analysis.naive,
        money,
        settings={
            "design": analysis.design,
            "design_requested": design,
            "design_reason": analysis.design_reason,
            "design_recorded": panel.program.evaluation_design,
            "design_from_data": not analysis.design_recorded,
            "rollout": panel.program.rollout,
            "engine_version": ENGINE_VERSION,
            "money_note": money_note,
        },
        snapshot=panel.snapshot,
    )


def _estimate_from_source(
    session: Session,
    actor: Actor,
    program: ProgramFacts,
    kpi: KpiFacts,
    source: KpiSourceView,
    requested: str | None,
) -> ProgramImpact:
    """The analysis run where the KPI's observations live (docs/external-sources.md)."""
    from lodestar.services.impact.external_panel import analyse_external

    analysis, snapshot = analyse_external(session, program, kpi, source, requested)
    headline = analysis.headline
    costs = stored_costs(session, program.id)
    money, money_note = _money(program, kpi, headline, costs)
    return _store(
        session,
        actor,
        program,
        kpi,
        analysis.design,
        headline,
        analysis.naive,
        money,
        settings={
            "design": analysis.design,
            "design_requested": requested,
            "design_reason": analysis.design_reason,
            "design_recorded": program.evaluation_design,
            "design_from_data": not analysis.design_recorded,
            "rollout": program.rollout,
            "engine_version": ENGINE_VERSION,
            "money_note": money_note,
            "engine": headline.details["engine"]["engine"],
            "source": source.described,
        },
        snapshot=snapshot,
    )


def _estimate_time_to_event(
    session: Session,
    actor: Actor,
    program: ProgramFacts,
    kpi: KpiFacts,
    chosen: str,
    requested: str | None,
) -> ProgramImpact:
    """Retention or time to productivity: analysed from spells, not the KPI panel, and
    stored like every other result (snapshot, settings, the naive contrast if any)."""
    # Imported here: the survival models pull in lifelines, which pages that only read stored
    # results should not load.
    from lodestar.services.impact.ramp import analyse_time_to_productivity
    from lodestar.services.impact.retention import analyse_retention

    if chosen == "retention":
        analysis = analyse_retention(session, program, kpi)
    else:
        analysis = analyse_time_to_productivity(session, program, kpi)
    return _store(
        session,
        actor,
        program,
        kpi,
        analysis.design,
        analysis.headline,
        analysis.naive,
        None,
        settings={
            "design": analysis.design,
            "design_requested": requested,
            "rollout": program.rollout,
            "engine_version": ENGINE_VERSION,
            "money_note": time_to_event_money_note(kpi, analysis.headline),
            **analysis.settings,
        },
        snapshot=analysis.snapshot,
    )


def _store(
    session: Session,
    actor: Actor,
    program: ProgramFacts,
    kpi: KpiFacts,
    design: str,
    est: EffectEstimate,
    naive: EffectEstimate | None,
    money: dict[str, Any] | None,
    *,
    settings: dict[str, Any],
    snapshot: dict[str, Any],
) -> ProgramImpact:
    """Keep one result with the settings and data snapshot that produced it, audited."""
    refuse_non_finite(est, kpi)
    row = ImpactResult(
        program_id=program.id,
        kpi_id=kpi.id,
        design=design,
        method=est.method,
        estimand=est.estimand,
        causal=est.causal,
        estimate=est.estimate,
        se=est.se,
        ci_low=est.ci_low,
        ci_high=est.ci_high,
        n_treated=est.n_treated,
        n_comparison=est.n_comparison,
        evidence=est.evidence,
        summary=est.summary(),
        result=jsonable(est),
        naive=jsonable(naive) if naive else None,
        money=money,
        settings=settings,
        snapshot=snapshot,
        created_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "impact.run", "program", program.id, row.summary)
    return _impact(session, row, program, kpi)


def refuse_non_finite(est: EffectEstimate, kpi: KpiFacts) -> None:
    """No stored result holds an infinite or undefined headline figure: one would read as a
    result (or break every page that shows it) when the data could not support an estimate."""
    figures = {
        "estimate": est.estimate,
        "standard error": est.se,
        "lower limit of the interval": est.ci_low,
        "upper limit of the interval": est.ci_high,
    }
    bad = [name for name, v in figures.items() if not math.isfinite(float(v))]
    if bad:
        raise InvalidInput(
            f"The analysis of '{kpi.name}' produced no usable {' or '.join(bad)} (the data "
            "are too few, too extreme or too uniform for this design), so no result was "
            "stored. Check the KPI's values for extreme or repeated entries and the "
            "enrolments for very small groups, then estimate again.",
            details={"undefined": bad},
        )


def latest_program_impact(session: Session, actor: Actor, program_id: int) -> ProgramImpact:
    """The newest stored result with the operational and behaviour tiers (no estimate yet:
    ``business`` is None)."""
    _require_reader(actor)
    program, kpi = program_facts(session, program_id)
    row = newest_result(session, program_id)
    audit.viewed(session, actor, "program", program_id, "impact and tiers")
    return _impact(session, row, program, kpi)


def program_impact_at(
    session: Session, actor: Actor, program_id: int, result_id: int
) -> ProgramImpact:
    """One stored result of the program (a past one stays readable at its own address), with
    today's operational and behaviour tiers."""
    _require_reader(actor)
    program, kpi = program_facts(session, program_id)
    row = session.get(ImpactResult, result_id)
    if row is None or row.program_id != program_id:
        raise NotFound(
            f"Program #{program_id} has no stored result #{result_id}. Open the program to see "
            "its results."
        )
    audit.viewed(session, actor, "program", program_id, f"result #{result_id}")
    return _impact(session, row, program, kpi)


def _impact(
    session: Session, row: ImpactResult | None, program: ProgramFacts, kpi: KpiFacts
) -> ProgramImpact:
    rule = group_rule(session)
    return ProgramImpact(
        result_id=row.id if row else None,
        program=program,
        kpi=kpi,
        design=row.design if row else "",
        business=estimate_from_json(row.result, rule) if row else None,
        naive=estimate_from_json(row.naive, rule) if row and row.naive else None,
        money=row.money if row else None,
        money_note=(row.settings or {}).get("money_note", "") if row else "",
        operational=operational_tier(session, program.id),
        behaviour=behaviour_tier(session, program.id),
        snapshot=row.snapshot if row else {},
        created_at=row.created_at if row else None,
        created_by=_user_name(session, row.created_by_id) if row else None,
        skills=skills_gained(session, program.id),
    )


def _user_name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.name if user else None


def estimate_from_json(data: dict[str, Any], rule: GroupRule) -> EffectEstimate:
    """Rebuild a stored EffectEstimate (diagnostics included), its details cut to aggregates
    over enough people by ``rule`` (``suppression.aggregates_only``), however old the row."""
    fields = dict(data)
    fields["details"] = aggregates_only(fields.get("details") or {}, rule)
    fields["diagnostics"] = tuple(Diagnostic(**d) for d in fields.get("diagnostics", ()))
    fields["warnings"] = tuple(fields.get("warnings", ()))
    if isinstance(fields.get("sensitivity"), dict):
        fields["sensitivity"] = Sensitivity.from_mapping(fields["sensitivity"])
    known = set(EffectEstimate.__dataclass_fields__)
    clean: dict[str, Any] = {
        k: (float("nan") if v is None and k in ("se",) else v) for k, v in fields.items()
    }
    return EffectEstimate(**{k: v for k, v in clean.items() if k in known})


def _money(
    program: ProgramFacts, kpi: KpiFacts, est: EffectEstimate, costs: CostInput | None = None
) -> tuple[dict[str, Any] | None, str]:
    """The first-year money figure, or why none is claimed (Phillips' conservative rules)."""
    if kpi.value_per_unit is None:
        return None, (
            f"'{kpi.name}' has no money value per unit, so the effect is shown in the KPI's "
            "own unit only. Add the value on the KPI to see money and ROI."
        )
    if costs is None and not program.cost_per_participant:
        return None, "The program has no cost recorded, so no ROI is shown."
    if not est.causal:
        return None, "The estimate is not causal, so no money is claimed for it."
    if est.interval_includes_zero:
        return None, (
            "The interval includes no effect, so no money is claimed for it (conservative "
            "standard: only benefits the data can tell apart from zero are counted). Run the "
            "analysis again when more data are in."
        )
    currency = (costs.currency if costs else None) or kpi.currency or "EUR"
    if costs is not None and kpi.currency and kpi.currency != costs.currency:
        return None, (
            f"The costs are in {costs.currency} but '{kpi.name}' is valued in {kpi.currency}, "
            "so no ROI is computed. Record both in one currency."
        )
    if costs is not None:
        cost: float | ProgramCosts = fully_loaded(costs, est.n_treated)
        basis = "fully loaded costs (seven categories, participants' time included)"
    else:
        cost = (program.cost_per_participant or 0.0) * est.n_treated
        basis = (
            "the cost per participant × participants only — not fully loaded: record the "
            "program's costs in all seven categories for a conservative ROI"
        )
    try:
        roi: ReturnOnInvestment = return_on_investment(
            est,
            unit_value=kpi.value_per_unit,
            people=est.n_treated,
            cost=cost,
            currency=currency,
            direction=kpi.direction,
        )
    except LodestarError as exc:
        return None, exc.message
    if est.evidence in ("weak", "none"):
        return None, (
            f"The evidence is {est.evidence}, so no ROI is claimed as a result. If the effect "
            f"held, the first-year ROI would lie between {roi.roi_low:,.0f}% and "
            f"{roi.roi_high:,.0f}% — a range to test with a better design, not a figure to "
            "report."
        )
    note = (
        "First-year benefit only: the KPI change × its value per unit (per person per year) × "
        f"participants, against {basis}."
    )
    return jsonable(roi), note


def time_to_event_money_note(kpi: KpiFacts, est: EffectEstimate) -> str:
    """Why a time-to-event result has no money figure, and what it means in people instead.

    The money rule values a change in the KPI's own unit; a hazard ratio is not one, so no
    first-year benefit is claimed from it. The note says what the ratio means in leavers or
    days, which a reader can price with their own cost per leaver or per day.
    """
    d = est.details
    if est.method == "cox_time_to_productivity":
        diff = d.get("median_difference_days")
        shift = (
            " Participants' median time to the standard differed by "
            + f"{diff:+.0f}".replace("-", "\u2212")  # a minus sign, not a hyphen
            + " days."
            if isinstance(diff, int | float)
            else ""
        )
        return (
            "The effect is a ratio of how fast new hires reach the standard, not a change in "
            f"'{kpi.name}' itself, so no money is claimed by the KPI rule.{shift} Multiply the "
            "days saved by what a day of a new hire's full productivity is worth to price it."
        )
    prevented = d.get("leavers_prevented_per_100_per_year")
    low, high = (d.get("leavers_prevented_ci") or [None, None])[:2]
    words = ""
    if isinstance(prevented, int | float) and isinstance(low, int | float):
        words = (
            f" In people: about {prevented:.1f} leavers prevented per 100 participants per "
            f"year ({est.confidence:.0%} CI {low:.1f} to {high:.1f}); multiply by your cost "
            "of replacing one leaver to price it."
        )
    if not est.causal or est.evidence in ("weak", "none"):
        words += " The evidence is weak, so read any such figure as a range, not a result."
    return (
        "The effect is a hazard ratio of leaving, not a change in "
        f"'{kpi.name}' itself, so no first-year money is claimed by the KPI rule.{words}"
    )


def get_program(session: Session, actor: Actor, program_id: int) -> Program:
    _require_reader(actor)
    prog = session.get(Program, program_id)
    if prog is None:
        raise NotFound(f"There is no program #{program_id}. Open the programs list to find it.")
    return prog
