"""How a program's effect is evaluated: the design its roll-out supports.

An L&D lead records the design when the program is set up, because it follows from how people
were chosen and when they started, which the data alone cannot always tell. Left empty, the
design is chosen from the data (several start dates → staggered; a comparison group assigned
at random → randomised; otherwise selection on observables) and the result says why.
"""

from __future__ import annotations

from typing import Literal, get_args

# The one list of program evaluation designs: everything else (the services' panel and
# time-to-event sets, the API's request field, the page's choices) derives from these.
#: Designs estimated on the KPI's person x period panel.
PanelDesign = Literal["staggered", "randomised", "selection_on_observables"]
#: Designs on time to an event, with their own analyses (no KPI panel).
TimeToEventDesign = Literal["retention", "time_to_productivity"]
EvaluationDesign = Literal[PanelDesign, TimeToEventDesign]
#: What a request to analyse may name: a design, or "auto" for the recorded/data-led choice.
DesignRequest = Literal["auto", EvaluationDesign]

EVALUATION_DESIGNS: tuple[EvaluationDesign, ...] = get_args(EvaluationDesign)
PANEL_DESIGNS: tuple[PanelDesign, ...] = get_args(PanelDesign)
TIME_TO_EVENT_DESIGNS: tuple[TimeToEventDesign, ...] = get_args(TimeToEventDesign)
DESIGN_REQUESTS: tuple[DesignRequest, ...] = get_args(DesignRequest)

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
