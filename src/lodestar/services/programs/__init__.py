"""Programs from request to decision: lifecycle, the Five Ps canvas and statement of intent,
fully loaded costs, the pre-mortem, the stored pilot plan and lottery, the registration locked
at launch and its grade, scale / adapt / stop with roll-out waves, and managers' observations.
"""

from lodestar.services.programs.access import require_designer
from lodestar.services.programs.canvas import CanvasInput, CanvasView, program_canvas, save_canvas
from lodestar.services.programs.costs import (
    COST_FIELDS,
    COST_LABELS,
    CostInput,
    CostsInUse,
    costs_in_use,
    program_costs,
    save_costs,
)
from lodestar.services.programs.decisions import DecisionOutcome, WaveInput, decide
from lodestar.services.programs.lifecycle import (
    ProgramInput,
    archive_program,
    create_program,
    edit_program,
    get_program,
    move_program,
    program_history,
    program_of_request,
    request_defaults,
    restore_program,
    transitions,
)
from lodestar.services.programs.observations import (
    Observable,
    observable_participants,
    record_observation,
)
from lodestar.services.programs.pilot import (
    StoredPlan,
    draw_lottery,
    plan_and_store,
    stored_plan,
    team_choices,
)
from lodestar.services.programs.registration import (
    Registration,
    current_registration,
    grade_program,
    launch_pilot,
    registrations,
    revise_registration,
)
from lodestar.services.programs.risks import add_risk, check_risk, program_risks, update_risk
from lodestar.services.programs.summary import ProgramSummary, program_summary

__all__ = [
    "COST_FIELDS",
    "COST_LABELS",
    "CanvasInput",
    "CanvasView",
    "CostInput",
    "DecisionOutcome",
    "Observable",
    "ProgramInput",
    "ProgramSummary",
    "Registration",
    "StoredPlan",
    "WaveInput",
    "add_risk",
    "archive_program",
    "check_risk",
    "create_program",
    "current_registration",
    "decide",
    "draw_lottery",
    "edit_program",
    "get_program",
    "grade_program",
    "launch_pilot",
    "move_program",
    "observable_participants",
    "plan_and_store",
    "program_canvas",
    "program_costs",
    "costs_in_use",
    "CostsInUse",
    "program_history",
    "program_of_request",
    "program_risks",
    "program_summary",
    "record_observation",
    "registrations",
    "request_defaults",
    "restore_program",
    "require_designer",
    "revise_registration",
    "save_canvas",
    "save_costs",
    "stored_plan",
    "team_choices",
    "transitions",
    "update_risk",
]
