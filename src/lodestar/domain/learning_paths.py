"""Learning paths: ordered steps of four kinds, a completion rule, and who may mark a step done.

- Kinds: a ``module`` (a course or micro-learning), ``practice`` (an exercise on one's own),
  an ``on_the_job`` task, an ``internal_gig`` (a short stint on another team's work).
- Who marks a step done: the learner marks modules and practice; an on-the-job task or an
  internal gig is confirmed by the learner's manager (anyone above them in the reporting line)
  or by L&D, since its proof is in the work.
- Completion rules: ``all_required`` (every step marked required is done) or ``min_steps``
  (at least ``min_steps`` steps of any kind are done, and every required one).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

StepKind = Literal["module", "practice", "on_the_job", "internal_gig"]
CompletionRule = Literal["all_required", "min_steps"]
PlanReason = Literal["gap", "job", "quiz", "chosen"]
STEP_KINDS: tuple[StepKind, ...] = get_args(StepKind)
COMPLETION_RULES: tuple[CompletionRule, ...] = get_args(CompletionRule)
PLAN_REASONS: tuple[PlanReason, ...] = get_args(PlanReason)
STEP_LABELS: dict[str, str] = {
    "module": "Module",
    "practice": "Practice",
    "on_the_job": "On-the-job task",
    "internal_gig": "Internal gig",
}
CONFIRMED_BY_MANAGER: frozenset[str] = frozenset({"on_the_job", "internal_gig"})
REASON_LABELS: dict[str, str] = {
    "gap": "closes a skill gap",
    "job": "your job profile asks for it",
    "quiz": "recommended by your quiz result",
    "chosen": "you chose it",
}


@dataclass(frozen=True)
class StepState:
    step_id: int
    kind: StepKind
    required: bool


def path_complete(
    rule: CompletionRule, min_steps: int | None, steps: Sequence[StepState], done: Collection[int]
) -> bool:
    """Whether the steps ``done`` (step ids) complete a path under its rule."""
    required_done = all(s.step_id in done for s in steps if s.required)
    if rule == "all_required":
        return required_done and bool(steps)
    count = sum(1 for s in steps if s.step_id in done)
    return required_done and count >= (min_steps or len(steps))


def rule_sentence(rule: CompletionRule, min_steps: int | None, steps: int) -> str:
    if rule == "all_required":
        return "Complete every required step."
    return f"Complete at least {min_steps or steps} of the {steps} steps, and every required one."


def who_confirms(kind: str) -> Literal["learner", "manager"]:
    return "manager" if kind in CONFIRMED_BY_MANAGER else "learner"
