"""Which evaluation design a program's analysis uses, and why — in one sentence or two.

The design is a fact about how people were chosen and when they started, so the L&D lead
records it when the program is set up (``Program.evaluation_design``). When nothing is
recorded, the design is chosen from the data's structure, and the reason says so:

- several start cohorts → staggered roll-out (Callaway & Sant'Anna 2021);
- otherwise → selection on observables (doubly robust adjustment for who took part).

Randomisation is never inferred: a comparison group in the data may have been drawn by lottery
or picked by hand, and only the person who ran the pilot knows which. Without a recorded
"randomised" design, a comparison group is treated as hand-picked, and the reason says how to
unlock the randomised analysis. Free roll-out text ("randomised pilot") is not read at all.

``program_design`` is the rule, pure; ``design_for_panel`` reads the two facts it needs from a
program's analysis panel (cheaply: one pass over the person column) and applies it. (The
notebook door ``lodestar.analytics.estimate.choose_design`` answers another question: which
estimator fits a data frame handed to ``estimate_effect``, with a lottery given as a flag.)

Retention and time to productivity are designs about the *outcome* (time to an event), so their
recorded design cannot also say how people were chosen. For them :func:`stored_assignment`
reads it from what is stored: the pilot lottery (``lodestar pilot randomise``) or a recorded
"randomised" design — never the roll-out text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lodestar.domain.evaluation import DESIGN_LABELS, EVALUATION_DESIGNS, EvaluationDesign
from lodestar.errors import InvalidInput
from lodestar.services.impact.facts import ProgramFacts

if TYPE_CHECKING:
    import pandas as pd

    from lodestar.services.impact.panel import ProgramPanel


@dataclass(frozen=True)
class DesignChoice:
    """The design an analysis uses and, in full sentences, why."""

    design: EvaluationDesign
    reason: str
    recorded: bool  # True when it came from the program's recorded design (or a run's override)


@dataclass(frozen=True)
class DataStructure:
    """What the data say about a roll-out: how many distinct start dates participants have,
    and whether the program has its own comparison group."""

    start_cohorts: int
    has_comparison_group: bool


# How each design reads inside a sentence ("The program's recorded evaluation design is …").
DESIGN_IN_A_SENTENCE: dict[str, str] = {
    "staggered": "a staggered roll-out",
    "randomised": "a randomised pilot",
    "selection_on_observables": (
        "selection on observables (participants chosen by their managers or by themselves)"
    ),
    "retention": "a retention analysis",
    "time_to_productivity": "a time-to-productivity analysis",
}
_DESIGNS: dict[str, EvaluationDesign] = {d: d for d in EVALUATION_DESIGNS}


def _label(design: str) -> str:
    return DESIGN_IN_A_SENTENCE.get(design, design)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def program_design(
    recorded: str, *, start_cohorts: int, has_comparison_group: bool
) -> DesignChoice:
    """The design for an analysis: the recorded one when there is one, else from the data.

    ``recorded`` is ``Program.evaluation_design`` ("" = nothing recorded). ``start_cohorts``
    counts the distinct start dates among participants; ``has_comparison_group`` says whether
    any enrolment is in the program's own comparison group.
    """
    design = (recorded or "").strip()
    if design in _DESIGNS:
        return DesignChoice(
            _DESIGNS[design],
            _recorded_reason(design, start_cohorts, has_comparison_group),
            recorded=True,
        )
    prefix = ""
    if design:
        allowed = ", ".join(EVALUATION_DESIGNS)
        prefix = (
            f"The recorded evaluation design '{design}' is not one Lodestar knows ({allowed}), "
            "so it was set aside; correct it in the program's setup. "
        )
    return _from_data(prefix, start_cohorts, has_comparison_group)


def design_problem(
    value: str, *, empty_means: str = "let the analysis choose from the data"
) -> str:
    """Why ``value`` is not an evaluation design, with every code and its label, in one
    sentence (for the setup form, the CLI, the API and a run's override alike)."""
    allowed = "; ".join(f"{code} ({DESIGN_LABELS[code]})" for code in EVALUATION_DESIGNS)
    return (
        f"The evaluation design “{value.strip()}” is not one Lodestar knows. Choose one of: "
        f"{allowed}; or leave it empty to {empty_means}."
    )


def _recorded_sentence(design: str) -> str:
    return f"The program's recorded evaluation design is {_label(design)}."


def _recorded_reason(design: str, start_cohorts: int, has_comparison_group: bool) -> str:
    reason = _recorded_sentence(design)
    if design == "staggered" and start_cohorts == 1:
        reason += (
            " All participants started on the same date, so the staggered analysis has a "
            "single cohort and compares it with colleagues who had not started."
        )
    elif design == "randomised" and not has_comparison_group:
        reason += (
            " The data hold no comparison group, so there is nobody the lottery left out to "
            "compare with: store the pilot's assignment as enrolments (lodestar pilot "
            "randomise does this), or record the design the roll-out really followed."
        )
    if start_cohorts == 0 and design in ("staggered", "randomised", "selection_on_observables"):
        reason += " No participant has a start date yet, so there is nothing to estimate so far."
    return reason


def _from_data(prefix: str, start_cohorts: int, has_comparison_group: bool) -> DesignChoice:
    if start_cohorts > 1:
        return DesignChoice(
            "staggered",
            prefix + "No evaluation design is recorded, so it was chosen from the data: "
            f"participants started in {_plural(start_cohorts, 'cohort')} at different dates, "
            "which is a staggered roll-out. Record the design in the program's setup to make "
            "the choice explicit.",
            recorded=False,
        )
    if start_cohorts == 0:
        timing = "no participant has a start date yet"
    else:
        timing = "all participants started on the same date"
    reason = (
        prefix + f"No evaluation design is recorded, so it was chosen from the data: {timing}, "
        "so who took part is adjusted for what is known about them (selection on observables)."
    )
    if has_comparison_group:
        reason += (
            " The program has a comparison group, and it is treated as hand-picked because no "
            "randomised design was recorded. If the comparison group was drawn by lottery, "
            "record the design 'randomised' in the program's setup to unlock the randomised "
            "analysis."
        )
    return DesignChoice("selection_on_observables", reason, recorded=False)


def data_structure(frame: pd.DataFrame, *, unit: str = "employee_id") -> DataStructure:
    """Start cohorts and comparison group from an analysis frame (``employee_id``, ``group``,
    ``first_treat``; the two are constant within a person).

    Only each run of rows of one person is looked at (its first row), so a sorted
    employee-period panel costs one comparison over the person column; an unsorted frame gives
    the same answer, every person having at least one such row.
    """
    if frame.empty:
        return DataStructure(0, False)
    employee = frame[unit].to_numpy()
    heads = np.flatnonzero(np.r_[True, employee[1:] != employee[:-1]])
    first_treat = frame["first_treat"].to_numpy()[heads]
    group = frame["group"].to_numpy()[heads]
    starts = np.unique(first_treat[first_treat > 0])
    return DataStructure(int(starts.size), bool((group == "comparison").any()))


def design_for_panel(panel: ProgramPanel, *, requested: str | None = None) -> DesignChoice:
    """The design for one program's analysis panel.

    ``requested`` is a one-off override for a single run (the design picked on the run form or
    ``lodestar impact run --design``); it wins over the recorded design, and the reason says so.
    """
    facts = data_structure(panel.people, unit="unit_id")
    return design_for_structure(panel.program.evaluation_design, facts, requested=requested)


def design_for_structure(
    recorded: str, facts: DataStructure, *, requested: str | None = None
) -> DesignChoice:
    """:func:`design_for_panel` from the two facts it reads (for a KPI whose rows stay in an
    external source, they come from an aggregate query there)."""
    if requested and requested != "auto":
        if requested not in _DESIGNS:
            raise InvalidInput(
                design_problem(requested, empty_means="use the program's recorded design")
            )
        choice = program_design(
            requested,
            start_cohorts=facts.start_cohorts,
            has_comparison_group=facts.has_comparison_group,
        )
        if requested == recorded:
            return choice
        instead = f"the recorded {_label(recorded)}" if recorded else "a choice from the data"
        detail = choice.reason.removeprefix(_recorded_sentence(requested))
        return DesignChoice(
            choice.design,
            f"This run used {_label(requested)}, as asked, in place of {instead}." + detail,
            recorded=True,
        )
    return program_design(
        recorded,
        start_cohorts=facts.start_cohorts,
        has_comparison_group=facts.has_comparison_group,
    )


@dataclass(frozen=True)
class StoredAssignment:
    """How a program's participants were chosen, as stored, for the time-to-event designs."""

    randomised: bool
    reason: str  # full sentences: what was found, and what it means for the reading


def stored_assignment(program: ProgramFacts) -> StoredAssignment:
    """Whether a lottery decided who took part: a stored pilot lottery or a recorded
    "randomised" design says so; nothing else does (the roll-out text is not read)."""
    if program.assigned_by:
        unit = "whole teams" if program.assigned_by == "team" else "people"
        return StoredAssignment(
            True,
            f"The program's stored pilot lottery drew {unit} into the program, so participants "
            "and the colleagues it left out differ only by chance.",
        )
    if program.evaluation_design == "randomised":
        return StoredAssignment(
            True,
            "The program's recorded evaluation design is a randomised pilot, so participants "
            "and the colleagues left out differ only by chance.",
        )
    return StoredAssignment(
        False,
        "No lottery is stored for this program, so who took part is treated as chosen (by "
        "managers or by themselves) and the comparison is adjusted for what is recorded about "
        "people; draw the groups with lodestar pilot randomise for a randomised comparison.",
    )


__all__ = [
    "DESIGN_IN_A_SENTENCE",
    "DataStructure",
    "DesignChoice",
    "StoredAssignment",
    "data_structure",
    "design_for_panel",
    "design_for_structure",
    "design_problem",
    "program_design",
    "stored_assignment",
]
