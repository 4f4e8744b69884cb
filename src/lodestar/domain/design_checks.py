"""Where a program's data contradict its recorded evaluation design, found before any analysis.

The design is recorded by a person; the enrolments and the stored lottery are what happened.
When they disagree — a "randomised pilot" with no lottery stored, a "staggered roll-out" whose
participants all started on one day, a comparison group that is empty — an analysis would run
on a premise the data do not support. The setup form and ``GET /api/programs/{id}/setup`` say
so while the design can still be corrected; the analysis itself still explains its own choice
(``services.impact.design_choice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lodestar.domain.evaluation import DESIGN_LABELS, PANEL_DESIGNS


@dataclass(frozen=True)
class RolloutFacts:
    """What the stored enrolments and lottery say about how people took part."""

    participants: int
    comparison: int
    start_dates: tuple[date, ...]  # distinct participant start dates, earliest first
    undated: int  # participants without a start date
    lottery_stored: bool


def _named(design: str) -> str:
    return f"“{DESIGN_LABELS.get(design, design)}”"


def design_contradictions(design: str, facts: RolloutFacts) -> tuple[str, ...]:
    """Each contradiction between ``design`` (the recorded one; "" = chosen from the data) and
    ``facts``, as a full sentence that says what to do. Empty when they agree."""
    found: list[str] = []
    if design == "randomised" and not facts.lottery_stored:
        found.append(
            f"The recorded design is {_named(design)}, but no lottery is stored for this "
            "program, so nothing shows that chance decided who took part. Draw the groups with "
            "the pilot's lottery (the pilot page, or lodestar program pilot lottery), or record "
            "the design the roll-out really followed."
        )
    if design == "randomised" and facts.participants and not facts.comparison:
        found.append(
            "The comparison group is empty: the enrolments hold participants only, so a "
            "randomised analysis has nobody the lottery left out to compare with. Store the "
            "comparison group's enrolments, or record the design the roll-out really followed."
        )
    if design == "staggered" and len(facts.start_dates) == 1:
        found.append(
            f"The recorded design is {_named(design)}, but every participant started on "
            f"{facts.start_dates[0].isoformat()}: there is one cohort, so nothing is staggered. "
            "Import the later cohorts' start dates, or record the design the roll-out followed "
            "(a randomised pilot if a lottery drew the groups, otherwise chosen by managers or "
            "self-selected)."
        )
    if design == "selection_on_observables" and facts.lottery_stored:
        found.append(
            f"A lottery is stored for this program, but the recorded design is {_named(design)}, "
            "which treats the comparison as hand-picked. Record “randomised” so the analysis "
            "uses the fair comparison the lottery made."
        )
    if design in PANEL_DESIGNS and not facts.participants:
        found.append(
            "No participant is enrolled yet, so an analysis would have nobody to measure. Import "
            "the enrolments (lodestar import enrolments) or draw the pilot's lottery first."
        )
    elif design in PANEL_DESIGNS and facts.undated == facts.participants:
        found.append(
            "No participant has a start date, so an analysis cannot tell before from after. "
            "Import the enrolments again with their start dates."
        )
    return tuple(found)
