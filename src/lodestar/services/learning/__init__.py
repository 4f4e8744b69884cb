"""Learning paths, personal learning plans and completed steps (docs/quizzes-and-badges.md)."""

from __future__ import annotations

from lodestar.services.learning.my_area import MyArea, MyProgram, my_area
from lodestar.services.learning.paths import PathView, StepView, get_path, paths_by_code
from lodestar.services.learning.plans import (
    LearningPlan,
    PlanEntry,
    StepOutcome,
    add_path,
    build_plan,
    complete_step,
    plan_of,
)
from lodestar.services.learning.skill_source import (
    NoCatalogue,
    SkillGap,
    SkillSource,
    skill_source,
    use_skill_source,
)
from lodestar.services.reporting_line import Person, direct_reports, own_person, person_for

__all__ = [
    "MyArea",
    "MyProgram",
    "my_area",
    "LearningPlan",
    "NoCatalogue",
    "PathView",
    "Person",
    "PlanEntry",
    "SkillGap",
    "SkillSource",
    "StepOutcome",
    "StepView",
    "add_path",
    "build_plan",
    "complete_step",
    "direct_reports",
    "get_path",
    "own_person",
    "paths_by_code",
    "person_for",
    "plan_of",
    "skill_source",
    "use_skill_source",
]
