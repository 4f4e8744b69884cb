"""The request workflow: which state may follow which, and why a step is refused."""

from __future__ import annotations

from lodestar.domain.options import RequestState, label
from lodestar.errors import IllegalTransition

TRANSITIONS: dict[RequestState, tuple[RequestState, ...]] = {
    "draft": ("submitted", "needs_information"),
    "needs_information": ("submitted", "needs_information", "declined"),
    "submitted": ("in_diagnosis", "needs_information", "declined"),
    "in_diagnosis": ("accepted", "redirected", "declined", "needs_information"),
    "accepted": ("in_design", "declined"),
    "redirected": ("in_diagnosis",),
    "declined": ("in_diagnosis",),
    "in_design": ("pilot", "stopped"),
    "pilot": ("scaled", "stopped", "in_design"),
    "scaled": (),
    "stopped": (),
}

# States a requester works in; the rest belong to the L&D team.
REQUESTER_STATES: frozenset[str] = frozenset({"draft", "needs_information"})
OPEN_STATES: frozenset[str] = frozenset({"draft", "needs_information", "submitted", "in_diagnosis"})
# Moves that only the L&D team may make.
LD_ONLY_TARGETS: frozenset[str] = frozenset(
    {
        "in_diagnosis",
        "accepted",
        "redirected",
        "declined",
        "in_design",
        "pilot",
        "scaled",
        "stopped",
    }
)


def check_transition(current: RequestState, target: RequestState) -> None:
    """Raise a clear error when ``target`` may not follow ``current``."""
    allowed = TRANSITIONS.get(current, ())
    if target in allowed:
        return
    if allowed:
        options = ", ".join(f"'{label(s)}'" for s in allowed)
        hint = f"From '{label(current)}' it can move to {options}."
    else:
        hint = f"'{label(current)}' is a final state; open a new request instead."
    raise IllegalTransition(
        f"A request cannot move from '{label(current)}' to '{label(target)}'. {hint}",
        details={"from": current, "to": target, "allowed": list(allowed)},
    )


def needs_reason(target: RequestState) -> bool:
    """Decisions that close or return a request must say why."""
    return target in ("needs_information", "declined", "redirected", "stopped")
