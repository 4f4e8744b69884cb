"""How a program's effect is evaluated: the design its roll-out supports.

An L&D lead records the design when the program is set up, because it follows from how people
were chosen and when they started, which the data alone cannot always tell. Left empty, the
design is chosen from the data (several start dates → staggered; a comparison group assigned
at random → randomised; otherwise selection on observables) and the result says why.
"""

from __future__ import annotations

from typing import Literal, get_args

EvaluationDesign = Literal[
    "staggered",
    "randomised",
    "selection_on_observables",
    "retention",
    "time_to_productivity",
]
EVALUATION_DESIGNS: tuple[EvaluationDesign, ...] = get_args(EvaluationDesign)

DESIGN_LABELS: dict[str, str] = {
    "": "Choose from the data",
    "staggered": "Staggered roll-out (cohorts start at different times)",
    "randomised": "Randomised pilot (participants and comparison drawn by lottery)",
    "selection_on_observables": "Chosen by managers or self-selected (adjust for who took part)",
    "retention": "Retention (who stays, with training as it happens)",
    "time_to_productivity": "Time to productivity for new hires",
}

#: Most behaviours one program targets; a program that targets more has no focus.
MAX_TARGET_BEHAVIOURS = 5
