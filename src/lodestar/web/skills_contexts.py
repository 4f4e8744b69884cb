"""Typed contexts of the skills pages (``templates/skills/``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lodestar.services.skills.assessments import AssessmentView
from lodestar.services.skills.catalogue import SkillView
from lodestar.services.skills.forecast import Forecast
from lodestar.services.skills.gaps import GapLine, GroupGap, HeatMap, SelfRatingBias
from lodestar.services.skills.headcount import HeadcountLine
from lodestar.services.skills.moves import MoveLine
from lodestar.services.skills.profiles import JobProfile, PrioritySkillLine


@dataclass(frozen=True)
class CataloguePage:
    """``skills/catalogue.html``: the catalogue, searchable, with the Moodle frameworks."""

    skills: Sequence[SkillView]
    total: int
    search: str
    frameworks: Sequence[tuple[str, str]]
    can_edit: bool


@dataclass(frozen=True)
class MySkillsPage:
    """``skills/me.html``: my gaps against my job title, my history, a self-rating form."""

    has_employee: bool
    gaps: Sequence[GapLine]
    history: Sequence[AssessmentView]
    error: str | None


@dataclass(frozen=True)
class HeatMapPage:
    """``skills/heatmap.html``: teams × skills, with the largest gaps named."""

    heat: HeatMap
    departments: Sequence[tuple[int, str]]
    department_id: int | None
    largest: Sequence[tuple[str, str, object]]
    bias: SelfRatingBias
    to_review: Sequence[AssessmentView]


@dataclass(frozen=True)
class GapsPage:
    """``skills/gaps.html``: gaps by job title, by priority, and the self-rating bias."""

    titles: Sequence[GroupGap]
    priorities: Mapping[str, Sequence[GroupGap]]
    bias: SelfRatingBias
    min_group_size: int


@dataclass(frozen=True)
class ForecastPage:
    """``skills/forecast.html``: need vs supply at 12 and 24 months, and what to start now."""

    forecast: Forecast
    headcount: list[HeadcountLine]
    job_titles: list[str]
    can_edit: bool
    error: str | None = None


@dataclass(frozen=True)
class MovesPage:
    """``skills/moves.html``: planned moves (the forecast's input) with add, change and delete
    forms for L&D; ``typed`` holds what was typed when a form was refused."""

    moves: Sequence[MoveLine]
    job_titles: Sequence[str]
    can_edit: bool
    error: str | None = None
    typed: Mapping[str, str] | None = None


@dataclass(frozen=True)
class PriorityWeightsPage:
    """``skills/priorities.html``: how much each strategic priority weights the skills it
    depends on, with a form to set or remove one (L&D)."""

    lines: Sequence[PrioritySkillLine]
    priorities: Sequence[tuple[int, str]]
    can_edit: bool
    error: str | None = None
    typed: Mapping[str, str] | None = None


@dataclass(frozen=True)
class ProfilesPage:
    """``skills/profiles.html``: each job title's profile and the priorities' skills."""

    profiles: Sequence[JobProfile]
    priorities: Sequence[PrioritySkillLine]
    can_edit: bool
    error: str | None
