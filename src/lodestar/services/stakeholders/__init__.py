"""Stakeholders: the register and its influence x interest grid, the interview log (intake's
standard questions), the monthly council (agenda from the data, decisions), and stakeholder
updates per program. Who sees what is decided in ``access``: relationship notes and the
interview log never leave the L&D team.
"""

from lodestar.services.stakeholders.access import (
    require_council_reader,
    require_ld,
    require_map_reader,
    sees_notes,
)
from lodestar.services.stakeholders.choices import (
    department_choices,
    people_choices,
    request_choices,
)
from lodestar.services.stakeholders.council import (
    AgendaDraft,
    CouncilInput,
    CouncilView,
    DecisionInput,
    DecisionView,
    council_view,
    councils_held,
    create_council,
    draft_agenda,
    list_councils,
    mark_held,
    record_decision,
)
from lodestar.services.stakeholders.interviews import (
    InterviewInput,
    InterviewView,
    get_interview,
    interview_count,
    list_interviews,
    log_interview,
)
from lodestar.services.stakeholders.register import (
    StakeholderInput,
    StakeholderMap,
    StakeholderView,
    add_stakeholder,
    get_stakeholder,
    stakeholder_map,
    update_stakeholder,
)
from lodestar.services.stakeholders.updates import UpdateDraft, draft_update, record_update

__all__ = [
    "request_choices",
    "people_choices",
    "department_choices",
    "AgendaDraft",
    "CouncilInput",
    "CouncilView",
    "DecisionInput",
    "DecisionView",
    "InterviewInput",
    "InterviewView",
    "StakeholderInput",
    "StakeholderMap",
    "StakeholderView",
    "UpdateDraft",
    "add_stakeholder",
    "council_view",
    "councils_held",
    "create_council",
    "draft_agenda",
    "draft_update",
    "get_interview",
    "get_stakeholder",
    "interview_count",
    "list_councils",
    "list_interviews",
    "log_interview",
    "mark_held",
    "record_decision",
    "record_update",
    "require_council_reader",
    "require_ld",
    "require_map_reader",
    "sees_notes",
    "stakeholder_map",
    "update_stakeholder",
]
