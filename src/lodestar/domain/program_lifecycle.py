"""A program's life: in design → pilot → scaled or stopped, and *adapt* back to design.

The states and the steps between them are the rule; services record who took a step, when and
why, and move the program's request along with it (a request that became a program follows
its program, so the two never tell different stories).
"""

from __future__ import annotations

from typing import Literal, get_args

from lodestar.errors import IllegalTransition, InvalidInput

ProgramState = Literal["in_design", "pilot", "scaled", "stopped", "archived"]
PROGRAM_STATES: tuple[ProgramState, ...] = get_args(ProgramState)

#: The decision an L&D lead takes on a pilot's evidence, and the state it leads to.
ProgramDecision = Literal["scale", "adapt", "stop"]
PROGRAM_DECISIONS: tuple[ProgramDecision, ...] = get_args(ProgramDecision)

STATE_LABELS: dict[str, str] = {
    "in_design": "In design",
    "pilot": "Pilot",
    "scaled": "Scaled",
    "stopped": "Stopped",
    "archived": "Archived",
}
DECISION_LABELS: dict[str, str] = {
    "scale": "Scale it: roll out to the next wave",
    "adapt": "Adapt it: back to design, keeping what was learnt",
    "stop": "Stop it: the evidence does not justify more",
}

TRANSITIONS: dict[ProgramState, tuple[ProgramState, ...]] = {
    "in_design": ("pilot", "scaled", "stopped", "archived"),
    "pilot": ("scaled", "in_design", "stopped"),
    "scaled": ("scaled", "in_design", "stopped"),
    "stopped": ("in_design", "archived"),
    "archived": ("in_design",),
}

DECISION_TARGETS: dict[ProgramDecision, ProgramState] = {
    "scale": "scaled",
    "adapt": "in_design",
    "stop": "stopped",
}

#: The request state that mirrors each program state (requests have no "archived").
REQUEST_STATE_FOR: dict[ProgramState, str] = {
    "in_design": "in_design",
    "pilot": "pilot",
    "scaled": "scaled",
    "stopped": "stopped",
    "archived": "stopped",
}

#: States in which a program still belongs on working lists.
ACTIVE_STATES: frozenset[str] = frozenset({"in_design", "pilot", "scaled"})


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state.replace("_", " ").capitalize())


def check_program_state(value: object) -> ProgramState:
    """``value`` as a program state, or a clear error that lists the states."""
    if isinstance(value, str) and value in PROGRAM_STATES:
        return value  # type: ignore[return-value]
    allowed = ", ".join(f"'{s}' ({STATE_LABELS[s]})" for s in PROGRAM_STATES)
    raise InvalidInput(
        f"{value!r} is not a program state. Use one of: {allowed}.",
        details={"field": "status", "allowed": list(PROGRAM_STATES)},
    )


def check_decision(value: object) -> ProgramDecision:
    """``value`` as a scale/adapt/stop decision, or a clear error that lists them."""
    if isinstance(value, str) and value in PROGRAM_DECISIONS:
        return value  # type: ignore[return-value]
    raise InvalidInput(
        f"{value!r} is not a decision. Decide 'scale', 'adapt' or 'stop'.",
        details={"field": "decision", "allowed": list(PROGRAM_DECISIONS)},
    )


def check_program_transition(current: str, target: ProgramState) -> None:
    """Raise a clear error when a program may not move from ``current`` to ``target``."""
    allowed = TRANSITIONS.get(current, ())  # type: ignore[call-overload]
    if target in allowed:
        return
    options = ", ".join(f"'{state_label(s)}'" for s in allowed)
    raise IllegalTransition(
        f"A program cannot move from '{state_label(current)}' to '{state_label(target)}'. "
        f"From '{state_label(current)}' it can move to {options or 'no other state'}.",
        details={"from": current, "to": target, "allowed": list(allowed)},
    )


def needs_reason(target: ProgramState) -> bool:
    """Every step after design is a decision somebody must be able to explain later."""
    return target != "pilot"
