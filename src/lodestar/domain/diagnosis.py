"""Root-cause diagnosis over Gilbert's Behavior Engineering Model.

Thomas F. Gilbert, *Human Competence: Engineering Worthy Performance* (1978).
Six cells: three in the work environment (information, resources, incentives) and three
in the person (knowledge, capacity, motives). Gilbert's point, which this rule follows, is
that the environment is the cheaper and more frequent cause, so it is checked first, and
training answers only a *knowledge* gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lodestar.domain.options import (
    CellFinding,
    DiagnosisOutcome,
    FixCategory,
    GilbertCell,
    label,
)


@dataclass(frozen=True)
class CellGuide:
    cell: GilbertCell
    title: str
    side: str  # "environment" or "person"
    questions: tuple[str, ...]
    default_fix: FixCategory | None


CELL_GUIDES: tuple[CellGuide, ...] = (
    CellGuide(
        "information",
        "Information",
        "environment",
        (
            "Do people know exactly what is expected of them, and how good is good enough?",
            "Do they get timely, specific feedback on how they are doing?",
            "Are the steps and hand-offs of the work written down and agreed?",
        ),
        "communication",
    ),
    CellGuide(
        "resources",
        "Resources",
        "environment",
        (
            "Do people have the tools, systems, time and materials the work needs?",
            "Does the workflow let them do it, or do hand-offs and queues get in the way?",
            "Is the process itself sound, or does it produce the problem?",
        ),
        "process_workflow",
    ),
    CellGuide(
        "incentives",
        "Incentives",
        "environment",
        (
            "Is the wanted behaviour rewarded, or does the current pay or target punish it?",
            "Are there consequences, good or bad, that people can see?",
        ),
        "incentives",
    ),
    CellGuide(
        "knowledge",
        "Knowledge and skills",
        "person",
        (
            "Could people do it if their lives depended on it? If not, what is missing?",
            "Have they done it before, and has the job changed since?",
        ),
        None,
    ),
    CellGuide(
        "capacity",
        "Capacity",
        "person",
        (
            "Does the role fit the people in it (selection, workload, physical or mental demands)?",
            "Are people set up to perform at the times the work demands?",
        ),
        "hiring",
    ),
    CellGuide(
        "motives",
        "Motives",
        "person",
        (
            "Do people want to do the work, and does it fit what they value?",
            "Would they do it if every barrier above were removed?",
        ),
        "incentives",
    ),
)

GUIDES_BY_CELL: dict[str, CellGuide] = {g.cell: g for g in CELL_GUIDES}
ENVIRONMENT_CELLS: tuple[GilbertCell, ...] = ("information", "resources", "incentives")
PERSON_CELLS: tuple[GilbertCell, ...] = ("knowledge", "capacity", "motives")


@dataclass(frozen=True)
class CellAnswer:
    cell: GilbertCell
    finding: CellFinding
    evidence: str = ""
    fix: FixCategory | None = None


@dataclass(frozen=True)
class Recommendation:
    outcome: DiagnosisOutcome
    fixes: tuple[FixCategory, ...]
    explanation: str

    @property
    def next_state(self) -> str:
        return {
            "learning_solution": "accepted",
            "non_training_fix": "redirected",
            "no_action": "declined",
        }[self.outcome]


def recommend(answers: Mapping[str, CellAnswer]) -> Recommendation:
    """The conclusion the six findings point to, explained in plain words."""
    barriers = [c for c in (*ENVIRONMENT_CELLS, *PERSON_CELLS) if _is_barrier(answers, c)]
    unknown = [c for c in (*ENVIRONMENT_CELLS, *PERSON_CELLS) if _finding(answers, c) == "unknown"]
    env = [c for c in barriers if c in ENVIRONMENT_CELLS]
    knowledge = "knowledge" in barriers
    fixes = _fixes(answers, [c for c in barriers if c != "knowledge"])
    gap_note = (
        f" Still unanswered: {', '.join(GUIDES_BY_CELL[c].title.lower() for c in unknown)}; "
        "check these before committing budget."
        if unknown
        else ""
    )

    if not barriers:
        return Recommendation(
            "no_action",
            (),
            "No cell shows a barrier, so there is no performance gap for a program to close. "
            "Decline for now and revisit if the metric moves the wrong way." + gap_note,
        )
    if knowledge and not env:
        return Recommendation(
            "learning_solution",
            fixes,
            "People lack knowledge or skill while the environment supports the behaviour, "
            "so a learning solution can close the gap." + _also(fixes) + gap_note,
        )
    if knowledge:
        return Recommendation(
            "learning_solution",
            fixes,
            "There is a genuine skill gap, but the environment also stands in the way "
            f"({_cells(env)}). Build the learning solution only together with "
            + _fix_words(fixes)
            + "; training alone would not stick."
            + gap_note,
        )
    return Recommendation(
        "non_training_fix",
        fixes,
        f"People already know how; the barrier is {_cells(barriers)}. Training would not "
        f"change the result. Redirect to {_fix_words(fixes)}." + gap_note,
    )


def _finding(answers: Mapping[str, CellAnswer], cell: str) -> str:
    a = answers.get(cell)
    return a.finding if a else "unknown"


def _is_barrier(answers: Mapping[str, CellAnswer], cell: str) -> bool:
    return _finding(answers, cell) == "barrier"


def _fixes(answers: Mapping[str, CellAnswer], cells: list[GilbertCell]) -> tuple[FixCategory, ...]:
    out: list[FixCategory] = []
    for c in cells:
        chosen = answers[c].fix or GUIDES_BY_CELL[c].default_fix
        if chosen and chosen not in out:
            out.append(chosen)
    return tuple(out)


def _cells(cells: list[GilbertCell]) -> str:
    words = [GUIDES_BY_CELL[c].title.lower() for c in cells]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _fix_words(fixes: tuple[FixCategory, ...]) -> str:
    if not fixes:
        return "a change in the work environment"
    words = [label(f).lower() for f in fixes]
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"a fix in {joined}"


def _also(fixes: tuple[FixCategory, ...]) -> str:
    return f" Pair it with {_fix_words(fixes)}." if fixes else ""
