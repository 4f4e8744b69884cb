"""Skills: proficiency scales, assessment sources, and the gap arithmetic.

A *gap* is what a job asks of a skill minus what a person has of it, on the skill's
proficiency scale, never below zero (a surplus is not a negative gap: it does not cancel a
shortfall elsewhere). Its *weight* says how much closing it matters:

    weighted gap = gap × importance / 5 × (1 + priority weight)

``importance`` (1–5) is how much the job title depends on the skill; ``priority weight``
(0–1 each, summed over the strategic priorities that depend on the skill, at most 3) is how
much the strategy does. A skill nobody's strategy names keeps its job weight alone.

The *current level* of a person on a skill is read from their assessments, most trusted
source first: the latest manager assessment, else the latest quiz result, else the latest
self-rating (self-ratings run high; see ``self_rating_bias``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from lodestar.errors import InvalidInput

AssessmentSource = Literal["self", "manager", "quiz"]
ASSESSMENT_SOURCES: tuple[AssessmentSource, ...] = get_args(AssessmentSource)
# Most trusted first: the source whose latest assessment gives the current level.
SOURCE_TRUST: tuple[AssessmentSource, ...] = ("manager", "quiz", "self")

SkillSource = Literal["manual", "esco", "onet", "moodle"]
SKILL_SOURCES: tuple[SkillSource, ...] = get_args(SkillSource)

DEFAULT_SCALE_NAME = "Lodestar five levels"
DEFAULT_LEVELS: tuple[str, ...] = (
    "Novice",
    "Advanced beginner",
    "Competent",
    "Proficient",
    "Expert",
)
IMPORTANCE_RANGE = (1, 5)
MAX_PRIORITY_WEIGHT = 3.0

Horizon = Literal[12, 24]
HORIZONS: tuple[Horizon, ...] = (12, 24)

Recommendation = Literal["build", "buy", "borrow"]
RECOMMENDATIONS: tuple[Recommendation, ...] = get_args(Recommendation)


@dataclass(frozen=True)
class ProficiencyScale:
    """Named levels, numbered from 1; ``proficient`` is the first level that counts as
    proficient (Moodle's "proficient" flag)."""

    name: str
    levels: tuple[str, ...]
    proficient: int

    def label(self, level: float | None) -> str:
        if level is None:
            return "not assessed"
        index = round(level)
        if 1 <= index <= len(self.levels):
            return self.levels[index - 1]
        return f"level {level:g}"

    def check(self, level: float) -> float:
        if not 1 <= level <= len(self.levels):
            raise InvalidInput(
                f"Level {level:g} is not on the scale “{self.name}”, which runs from 1 "
                f"({self.levels[0]}) to {len(self.levels)} ({self.levels[-1]}). Choose a level "
                "in that range.",
                details={"fields": {"level": f"1 to {len(self.levels)}"}},
            )
        return level


DEFAULT_SCALE = ProficiencyScale(DEFAULT_SCALE_NAME, DEFAULT_LEVELS, proficient=3)


def check_importance(value: int) -> int:
    low, high = IMPORTANCE_RANGE
    if not low <= value <= high:
        raise InvalidInput(
            f"Importance {value} is outside {low}–{high}. Give 1 for nice to have up to 5 for "
            "essential to the job.",
            details={"fields": {"importance": f"{low} to {high}"}},
        )
    return value


def check_priority_weight(value: float) -> float:
    if not 0 <= value <= 1:
        raise InvalidInput(
            f"A priority's weight on a skill is between 0 and 1 (got {value:g}). Give 1 when "
            "the priority cannot be reached without the skill.",
            details={"fields": {"weight": "0 to 1"}},
        )
    return value


def gap(target: float, current: float | None) -> float:
    """Target minus current, never below zero; not assessed counts as no proficiency (0)."""
    return max(0.0, target - (current or 0.0))


def gap_weight(importance: float, priority_weight: float) -> float:
    """How much a gap on this skill matters: importance to the job × (1 + the strategy's)."""
    return importance / IMPORTANCE_RANGE[1] * (1.0 + min(priority_weight, MAX_PRIORITY_WEIGHT))


def weighted_gap(target: float, current: float | None, importance: float, priority: float) -> float:
    return gap(target, current) * gap_weight(importance, priority)


def current_level(latest: dict[str, float]) -> tuple[float | None, str]:
    """The current level and its source, from the latest level per source."""
    for source in SOURCE_TRUST:
        if source in latest:
            return latest[source], source
    return None, ""


def self_rating_bias(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean of (self − manager) over the people rated by both: above 0, self-ratings run high."""
    if not pairs:
        return None
    return sum(s - m for s, m in pairs) / len(pairs)


def recommend(
    *, shortfall: float, internal_surplus: float, months: int, build_months: float = 9.0
) -> Recommendation:
    """Build, buy or borrow for a forecast shortfall (people at target, missing).

    - **borrow** (internal gigs) when people elsewhere in the company already hold the skill
      above their own job's need and they cover at least half the shortfall;
    - **build** (programs) when there is time: the horizon is longer than it takes to bring
      people to target (``build_months``, nine by default);
    - **buy** (hire) otherwise: the skill is needed sooner than it can be grown.
    """
    if shortfall <= 0:
        return "build"
    if internal_surplus >= shortfall / 2:
        return "borrow"
    if months > build_months:
        return "build"
    return "buy"


__all__ = [
    "ASSESSMENT_SOURCES",
    "DEFAULT_SCALE",
    "HORIZONS",
    "RECOMMENDATIONS",
    "SKILL_SOURCES",
    "SOURCE_TRUST",
    "AssessmentSource",
    "ProficiencyScale",
    "Recommendation",
    "check_importance",
    "check_priority_weight",
    "current_level",
    "gap",
    "gap_weight",
    "recommend",
    "self_rating_bias",
    "weighted_gap",
]
