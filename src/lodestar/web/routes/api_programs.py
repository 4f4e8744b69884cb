"""JSON API for programs and their impact: the list, the latest result with its three tiers,
running a new analysis, and how the program is evaluated (its recorded design and target
behaviours: ``GET``/``PUT /api/programs/{id}/setup``).

``GET /api/programs/{id}/impact`` answers 200 before any analysis has run, with
``tiers.business`` null: the activity and behaviour tiers exist regardless. Every number is
JSON-safe (NaN and infinities become null). Who may read and run is decided by
``services.impact.program_impact``; errors are problem+json (see ``web/errors.py``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lodestar.analytics.options import ESTIMAND_LABELS
from lodestar.analytics.results import EffectEstimate
from lodestar.domain.evaluation import DesignRequest
from lodestar.services import program_setup
from lodestar.services.impact import program_impact
from lodestar.services.impact.serialise import jsonable
from lodestar.services.input_fields import RecordId, TypedInput
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["programs"], responses=PROBLEM_RESPONSES)

DesignChoice = DesignRequest  # defined once in domain.evaluation


class ProgramListItemRead(BaseModel):
    id: int
    code: str
    name: str
    status: str
    rollout: str
    kpi_name: str | None
    latest_summary: str | None = Field(description="The latest result in business language.")
    latest_evidence: str | None = Field(description="'strong', 'moderate', 'weak' or 'none'.")


class ProgramFactsRead(BaseModel):
    id: int
    code: str
    name: str
    rollout: str
    status: str
    start_date: date | None
    cost_per_participant: float | None
    kpi_id: int
    evaluation_design: str = Field(
        "", description="The recorded design; empty when the analysis chooses it from the data."
    )
    target_behaviours: list[str] = Field(
        default_factory=list, description="What the behaviour tier follows, in order."
    )


class KpiFactsRead(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    direction: str
    grain: str
    value_per_unit: float | None
    currency: str | None


class ActivityRead(BaseModel):
    """Activity, not impact."""

    enrolled: int
    completed: int | None = Field(description="Null when fewer than the minimum group size.")
    completion_rate: float | None
    satisfaction_mean: float | None = Field(
        description="Null when fewer answers than the minimum group size."
    )
    satisfaction_responses: int
    hidden_note: str = Field("", description="Why figures are null, if any are.")


class BehaviourPointRead(BaseModel):
    window: str
    people: int
    share_observed: float | None = Field(
        description="Null when suppressed (fewer people than the minimum group size)."
    )
    mean_score: float | None


class BehaviourTrackRead(BaseModel):
    behaviour: str
    points: list[BehaviourPointRead]


class DiagnosticRead(BaseModel):
    name: str
    label: str
    passed: bool | None = Field(description="Null when the check is informative only.")
    value: float | None
    detail: str
    data: dict[str, Any]


class EffectRead(BaseModel):
    summary: str
    evidence: str
    causal: bool
    estimate: float | None = Field(description="In the KPI's own unit (points for a % KPI).")
    se: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    percent_of_baseline: float | None
    baseline: float | None
    unit: str
    outcome: str
    estimand: str
    estimand_label: str
    method: str
    method_label: str
    citation: str
    design: str
    design_reason: str
    n_treated: int
    n_comparison: int
    n_clusters: int | None
    p_value: float | None
    warnings: list[str]
    diagnostics: list[DiagnosticRead]
    details: dict[str, Any]


class SkillGainRead(BaseModel):
    skill_code: str
    skill_name: str
    source: str
    people: int = Field(description="Participants assessed both before and after.")
    before: float | None = Field(description="Mean level before; null when hidden.")
    after: float | None
    change: float | None
    suppressed: bool


class TiersRead(BaseModel):
    activity: ActivityRead
    behaviour: list[BehaviourTrackRead]
    skills: list[SkillGainRead] = Field(
        default_factory=list, description="Tier 2, skills gained: levels before and after."
    )
    business: EffectRead | None = Field(description="Null until an analysis has been run.")


class ProgramImpactRead(BaseModel):
    result_id: int | None
    program: ProgramFactsRead
    kpi: KpiFactsRead
    design: str | None
    tiers: TiersRead
    naive: EffectRead | None = Field(
        description="The raw participant-versus-others comparison. Not causal."
    )
    money: dict[str, Any] | None = Field(description="Benefit and ROI with their interval.")
    money_note: str
    snapshot: dict[str, Any] = Field(description="Rows, people, periods and data fingerprint.")
    created_at: datetime | None
    created_by: str | None


class ImpactRun(BaseModel):
    design: DesignChoice | None = Field(
        None, description="Leave null (or 'auto') for the design the roll-out supports."
    )


class ObservedBehaviourRead(BaseModel):
    behaviour: str
    people: int = Field(description="Participants observed on it at least once.")


class ProgramSetupRead(BaseModel):
    program_id: int
    code: str
    name: str
    evaluation_design: str = Field(
        description="The recorded design; empty when the analysis chooses it from the data."
    )
    design_label: str
    target_behaviours: list[str] = Field(description="In the program's order.")
    observed_behaviours: list[ObservedBehaviourRead] = Field(
        description="Behaviours observed among the participants: the names to choose from."
    )
    behaviour_notice: str = Field(
        description="What the behaviour tier needs said about its scope; empty when nothing."
    )
    design_warnings: list[str] = Field(
        default_factory=list,
        description="Where the enrolments and the stored lottery contradict the recorded "
        "design (randomised with no lottery, staggered with one start date, an empty "
        "comparison group...), each a sentence saying what to do; empty when they agree.",
    )
    note: str = Field("", description="After a change: anything worth knowing about it.")


class ProgramSetupWrite(TypedInput):
    evaluation_design: str = Field(
        "",
        description="One of staggered, randomised, selection_on_observables, retention, "
        "time_to_productivity; empty (or 'auto') to choose from the data.",
    )
    target_behaviours: list[str] = Field(
        description="One to five behaviours, as behaviour observations name them; replaces "
        "the program's list."
    )


def setup_read(setup: program_setup.ProgramSetup, note: str = "") -> ProgramSetupRead:
    return ProgramSetupRead(
        program_id=setup.program_id,
        code=setup.code,
        name=setup.name,
        evaluation_design=setup.evaluation_design,
        design_label=setup.design_label,
        target_behaviours=list(setup.target_behaviours),
        observed_behaviours=[ObservedBehaviourRead(**jsonable(o)) for o in setup.observed],
        behaviour_notice=setup.behaviour_notice,
        design_warnings=list(setup.design_warnings),
        note=note,
    )


def effect_read(est: EffectEstimate | None) -> EffectRead | None:
    if est is None:
        return None
    data = jsonable(est)
    return EffectRead(
        **{k: data[k] for k in EffectRead.model_fields if k in data},
        summary=est.summary(),
        evidence=est.evidence,
        percent_of_baseline=jsonable(est.percent_of_baseline),
        estimand_label=ESTIMAND_LABELS.get(est.estimand, est.estimand),
    )


def impact_read(impact: program_impact.ProgramImpact) -> ProgramImpactRead:
    created = impact.created_at
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return ProgramImpactRead(
        result_id=impact.result_id,
        program=ProgramFactsRead(**jsonable(impact.program)),
        kpi=KpiFactsRead(**jsonable(impact.kpi)),
        design=impact.design or None,
        tiers=TiersRead(
            activity=ActivityRead(**jsonable(impact.operational)),
            behaviour=[BehaviourTrackRead(**jsonable(t)) for t in impact.behaviour],
            skills=[SkillGainRead(**jsonable(g)) for g in impact.skills],
            business=effect_read(impact.business),
        ),
        naive=effect_read(impact.naive),
        money=jsonable(impact.money) if impact.money else None,
        money_note=impact.money_note,
        snapshot=jsonable(impact.snapshot),
        created_at=created,
        created_by=impact.created_by,
    )


@router.get("/programs", response_model=list[ProgramListItemRead])
def list_programs(
    db: SessionDep, actor: CurrentActor, include_archived: bool = False
) -> list[ProgramListItemRead]:
    """Programs with their metric and latest result (managers, executives, L&D); archived
    programs only with ``include_archived=true``."""
    rows = program_impact.list_programs(db, actor, include_archived=include_archived)
    return [ProgramListItemRead(**jsonable(item)) for item in rows]


@router.get("/programs/{program_id}/impact", response_model=ProgramImpactRead)
def latest_impact(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> ProgramImpactRead:
    """The latest stored result with the three tiers; ``tiers.business`` is null before the
    first analysis."""
    program_impact.get_program(db, actor, program_id)
    return impact_read(program_impact.latest_program_impact(db, actor, program_id))


@router.post("/programs/{program_id}/impact", response_model=ProgramImpactRead, status_code=201)
def run_impact(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: ImpactRun | None = None
) -> ProgramImpactRead:
    """Run the impact analysis now and store it with its data snapshot (L&D and admins)."""
    design = data.design if data and data.design != "auto" else None
    impact = program_impact.estimate_program_impact(db, actor, program_id, design=design)
    db.commit()
    return impact_read(impact)


@router.get("/programs/{program_id}/setup", response_model=ProgramSetupRead)
def read_setup(db: SessionDep, actor: CurrentActor, program_id: RecordId) -> ProgramSetupRead:
    """How the program is evaluated: its recorded design, its target behaviours and the
    behaviours observed among its participants (managers, executives, L&D)."""
    return setup_read(program_setup.program_setup(db, actor, program_id))


@router.put("/programs/{program_id}/setup", response_model=ProgramSetupRead)
def write_setup(
    db: SessionDep, actor: WritingActor, program_id: RecordId, data: ProgramSetupWrite
) -> ProgramSetupRead:
    """Record the evaluation design and replace the target behaviours (L&D and admins).
    ``note`` names behaviours nobody in the program has been observed on yet."""
    saved = program_setup.set_program_setup(
        db,
        actor,
        program_id,
        evaluation_design=data.evaluation_design,
        target_behaviours=data.target_behaviours,
    )
    db.commit()
    return setup_read(saved.setup, saved.note)
