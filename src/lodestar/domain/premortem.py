"""The pre-mortem: "It is a year from now and this program failed — why?"

Each answer is a risk with how likely it is, how much it would hurt, what is done about it,
who watches it, and whether it is still open, has happened, or is retired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from lodestar.errors import InvalidInput

RiskLevel = Literal["low", "medium", "high"]
RiskStatus = Literal["open", "happened", "retired"]
RISK_LEVELS: tuple[RiskLevel, ...] = get_args(RiskLevel)
RISK_STATUSES: tuple[RiskStatus, ...] = get_args(RiskStatus)
RISK_STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "happened": "Happened",
    "retired": "Retired",
}
PREMORTEM_QUESTION = "It is a year from now and this program failed. What went wrong?"
PREMORTEM_EXAMPLE = (
    "Team leads never ran the 30-day call reviews because quarter-end took all their time."
)

_SCORE = {"low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class Risk:
    description: str
    likelihood: RiskLevel
    impact: RiskLevel
    mitigation: str
    owner: str
    status: RiskStatus = "open"

    @property
    def severity(self) -> int:
        """Likelihood × impact, 1 (low × low) to 9 (high × high), for ordering."""
        return _SCORE[self.likelihood] * _SCORE[self.impact]


def check_risk(
    description: str,
    likelihood: str,
    impact: str,
    mitigation: str,
    owner: str,
    status: str = "open",
) -> Risk:
    """A risk from form or API values, or a clear error naming what to fix."""
    text = " ".join(description.split())
    if len(text) < 10:
        raise InvalidInput(
            "Describe the risk in a sentence: how could the program fail? "
            f"For example: '{PREMORTEM_EXAMPLE}'",
            details={"field": "description"},
        )
    for name, value, allowed in (
        ("likelihood", likelihood, RISK_LEVELS),
        ("impact", impact, RISK_LEVELS),
        ("status", status, RISK_STATUSES),
    ):
        if value not in allowed:
            raise InvalidInput(
                f"{value!r} is not a valid {name}; use one of {', '.join(allowed)}.",
                details={"field": name, "allowed": list(allowed)},
            )
    return Risk(
        description=text,
        likelihood=likelihood,  # type: ignore[arg-type]
        impact=impact,  # type: ignore[arg-type]
        mitigation=" ".join(mitigation.split()),
        owner=" ".join(owner.split()),
        status=status,  # type: ignore[arg-type]
    )
