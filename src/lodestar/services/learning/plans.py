"""Personal learning plans: built from a person's skill gaps (through ``SkillSource``), their
job and their latest quiz result; read by the person and by their managers; steps marked done
by whoever the step's kind allows, and a completed path awards its badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.base import utcnow
from lodestar.db.models import (
    LearningPath,
    LearningPathStep,
    LearningPlanItem,
    StepCompletion,
)
from lodestar.domain.learning_paths import (
    REASON_LABELS,
    CompletionRule,
    StepState,
    path_complete,
    who_confirms,
)
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, NotFound, PermissionDenied
from lodestar.services.badges.awards import Issuer, award, path_achievement
from lodestar.services.learning.paths import PathView, paths_by_code, paths_for_skills
from lodestar.services.learning.skill_source import skill_source
from lodestar.services.quizzes.attempts import latest_attempt
from lodestar.services.reporting_line import Person, own_employee_id, own_person, person_for

MAX_PLAN_ITEMS = 6


@dataclass(frozen=True)
class PlanEntry:
    path: PathView
    reason: str
    reason_label: str
    reason_detail: str
    done_step_ids: frozenset[int]
    completed_at: datetime | None

    @property
    def done_count(self) -> int:
        return len(self.done_step_ids)


@dataclass(frozen=True)
class LearningPlan:
    person: Person
    entries: list[PlanEntry]
    can_edit: bool


@dataclass(frozen=True)
class StepOutcome:
    path_name: str
    step_title: str
    path_completed: bool
    badge_public_id: str | None


def whose(session: Session, actor: Actor, employee_id: int | None) -> Person:
    """The actor themself (``employee_id`` None) or someone in their line they may see."""
    if employee_id is None:
        return own_person(session, actor)
    return person_for(session, actor, employee_id)


def build_plan(session: Session, actor: Actor, employee_id: int | None = None) -> LearningPlan:
    """Add to the plan the paths that close the person's largest gaps (job and priorities),
    then those their latest quiz result recommends; paths already in it stay as they are."""
    person = (
        own_person(session, actor)
        if employee_id is None
        else person_for(session, actor, employee_id)
    )
    have = set(
        session.scalars(
            select(LearningPlanItem.path_id).where(
                LearningPlanItem.employee_id == person.employee_id
            )
        )
    )
    wanted: list[tuple[PathView, str, str]] = []
    for gap in skill_source().gaps(session, person.employee_id):
        for p in paths_for_skills(session, [gap.skill_code]):
            wanted.append(
                (
                    p,
                    gap.because if gap.because == "job" else "gap",
                    f"{gap.skill_name}: level {gap.current_level or 0} of "
                    f"{gap.target_level} wanted",
                )
            )
    attempt = latest_attempt(session, actor, person.employee_id)
    if attempt is not None:
        for p in paths_by_code(session, list(attempt.outcome.paths)).values():
            wanted.append((p, "quiz", f"{attempt.outcome.name}, in “{attempt.quiz_title}”"))
    rank = len(have)
    for p, reason, detail in wanted:
        if p.id in have or rank >= MAX_PLAN_ITEMS:
            continue
        have.add(p.id)
        session.add(
            LearningPlanItem(
                employee_id=person.employee_id,
                path_id=p.id,
                reason=reason,
                reason_detail=detail[:300],
                rank=rank,
            )
        )
        rank += 1
    session.flush()
    return plan_of(session, actor, person.employee_id)


def add_path(session: Session, actor: Actor, path_code: str) -> LearningPlan:
    """Add a path the person chose to their own plan."""
    person = own_person(session, actor)
    path = paths_by_code(session, [path_code]).get(path_code)
    if path is None:
        raise NotFound(f"There is no learning path “{path_code}”; choose one from the list.")
    exists = session.scalar(
        select(LearningPlanItem.id).where(
            LearningPlanItem.employee_id == person.employee_id, LearningPlanItem.path_id == path.id
        )
    )
    if exists is None:
        count = len(plan_of(session, actor, person.employee_id).entries)
        session.add(
            LearningPlanItem(
                employee_id=person.employee_id, path_id=path.id, reason="chosen", rank=count
            )
        )
        session.flush()
    return plan_of(session, actor, person.employee_id)


def plan_of(session: Session, actor: Actor, employee_id: int | None = None) -> LearningPlan:
    """The person's plan (the actor's own, or someone's in their reporting line)."""
    person = (
        own_person(session, actor)
        if employee_id is None
        else person_for(session, actor, employee_id)
    )
    items = list(
        session.scalars(
            select(LearningPlanItem)
            .where(LearningPlanItem.employee_id == person.employee_id)
            .order_by(LearningPlanItem.rank, LearningPlanItem.id)
        )
    )
    codes = dict(
        session.execute(
            select(LearningPath.id, LearningPath.code).where(
                LearningPath.id.in_([i.path_id for i in items])
            )
        ).all()
    )
    views = paths_by_code(session, list(codes.values()))
    done = set(
        session.scalars(
            select(StepCompletion.step_id).where(StepCompletion.employee_id == person.employee_id)
        )
    )
    entries = []
    for item in items:
        view = views[codes[item.path_id]]
        entries.append(
            PlanEntry(
                path=view,
                reason=item.reason,
                reason_label=REASON_LABELS.get(item.reason, ""),
                reason_detail=item.reason_detail,
                done_step_ids=frozenset(s.id for s in view.steps if s.id in done),
                completed_at=item.completed_at,
            )
        )
    own = own_employee_id(session, actor)
    return LearningPlan(person, entries, can_edit=own == person.employee_id)


def complete_step(
    session: Session,
    actor: Actor,
    issuer: Issuer,
    step_id: int,
    employee_id: int | None = None,
    *,
    now: datetime | None = None,
) -> StepOutcome:
    """Mark a step of a path in the person's plan done; awards the path's badge when this
    completes the path. Modules and practice are the learner's to mark; on-the-job tasks and
    internal gigs their manager's (or L&D's)."""
    own = own_employee_id(session, actor)
    target = own if employee_id is None else person_for(session, actor, employee_id).employee_id
    if target is None:
        own_person(session, actor)  # raises the sentence about an unlinked account
        raise AssertionError
    step = session.get(LearningPathStep, step_id)
    if step is None:
        raise NotFound(f"There is no step {step_id}; open it from the plan.")
    path = session.get(LearningPath, step.path_id)
    assert path is not None
    item = session.scalar(
        select(LearningPlanItem).where(
            LearningPlanItem.employee_id == target, LearningPlanItem.path_id == path.id
        )
    )
    if item is None:
        raise Conflict(f"“{path.name}” is not in this plan; add the path before marking steps.")
    confirmer = who_confirms(step.kind)
    is_self = own == target
    if confirmer == "manager" and is_self and not actor.is_ld:
        raise PermissionDenied(
            f"“{step.title}” is confirmed by your manager, who sees it in your plan; "
            "tell them when it is done."
        )
    if confirmer == "learner" and not is_self:
        raise PermissionDenied(f"“{step.title}” is the learner's to mark done, not yours.")
    at = now or utcnow()
    if (
        session.scalar(
            select(StepCompletion.id).where(
                StepCompletion.employee_id == target, StepCompletion.step_id == step.id
            )
        )
        is None
    ):
        session.add(
            StepCompletion(
                employee_id=target, step_id=step.id, completed_at=at, recorded_by_id=actor.user_id
            )
        )
        session.flush()
    steps = list(
        session.scalars(select(LearningPathStep).where(LearningPathStep.path_id == path.id))
    )
    done = set(
        session.scalars(
            select(StepCompletion.step_id).where(
                StepCompletion.employee_id == target,
                StepCompletion.step_id.in_([s.id for s in steps]),
            )
        )
    )
    states = [StepState(s.id, s.kind, s.required) for s in steps]  # type: ignore[arg-type]
    rule: CompletionRule = "min_steps" if path.completion_rule == "min_steps" else "all_required"
    finished = path_complete(rule, path.min_steps, states, done)
    badge_id = None
    if finished:
        if item.completed_at is None:
            item.completed_at = at
        badge = award(
            session,
            issuer,
            path_achievement(session, path),
            target,
            evidence=f"Completed every required step of “{path.name}”.",
            skill_codes=tuple(paths_by_code(session, [path.code])[path.code].skill_codes),
            now=at,
        )
        badge_id = badge.public_id
    return StepOutcome(path.name, step.title, finished, badge_id)
