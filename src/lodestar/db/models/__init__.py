"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from lodestar.db.models.badges import BadgeAchievement, BadgeAward, BadgeSigningKey
from lodestar.db.models.briefs import BriefPin
from lodestar.db.models.facts import DataVersion, KpiColumn, KpiPeriodTotal
from lodestar.db.models.impact import ImpactResult
from lodestar.db.models.kpi_sources import KpiSource
from lodestar.db.models.learning import (
    LearningPath,
    LearningPathStep,
    LearningPlanItem,
    StepCompletion,
)
from lodestar.db.models.measurement import (
    BehaviourObservation,
    EmployeeMove,
    EnrolmentSatisfaction,
    ImportJob,
    ImportLock,
    ImportRun,
    LearningStatement,
)
from lodestar.db.models.meta import AuditEvent, StoredView, WorkspaceMeta
from lodestar.db.models.nudges import Nudge, NudgeDelivery, NudgeOptOut, WorkPattern
from lodestar.db.models.org import Department, Employee, JobRole, Team
from lodestar.db.models.program_design import (
    PilotRegistration,
    ProgramCanvas,
    ProgramCost,
    ProgramRisk,
    ProgramTransition,
    RolloutWave,
)
from lodestar.db.models.programs import Program, ProgramBehaviour, ProgramEnrolment
from lodestar.db.models.quizzes import QuizAttempt, QuizDefinition
from lodestar.db.models.requests import (
    Diagnosis,
    DiagnosisFinding,
    RequestTransition,
    StakeholderAnswer,
    TrainingRequest,
)
from lodestar.db.models.skills import (
    HeadcountPlan,
    JobSkill,
    PlannedMove,
    PrioritySkill,
    ProficiencyScaleRow,
    Skill,
    SkillAssessment,
    SkillCategory,
    SkillFramework,
)
from lodestar.db.models.stakeholders import (
    Council,
    CouncilAgendaItem,
    CouncilDecision,
    InterviewAnswer,
    InterviewRequest,
    PlanItem,
    ProgramUpdate,
    Stakeholder,
    StakeholderInterview,
)
from lodestar.db.models.strategy import KeyResult, Kpi, Objective, StrategicPriority
from lodestar.db.models.users import ApiToken, SignInFailure, User, UserSession
from lodestar.db.models.xapi import (
    ProgramActivity,
    XapiActivity,
    XapiAttachment,
    XapiCredential,
    XapiDocument,
    XapiPullJob,
    XapiStatementRef,
)

__all__ = [
    "KpiSource",
    "StakeholderInterview",
    "Stakeholder",
    "ProgramUpdate",
    "PlanItem",
    "InterviewRequest",
    "InterviewAnswer",
    "CouncilDecision",
    "CouncilAgendaItem",
    "Council",
    "ApiToken",
    "SignInFailure",
    "UserSession",
    "AuditEvent",
    "BehaviourObservation",
    "BriefPin",
    "Department",
    "Diagnosis",
    "DiagnosisFinding",
    "Employee",
    "ImpactResult",
    "EmployeeMove",
    "EnrolmentSatisfaction",
    "ImportJob",
    "ImportLock",
    "ImportRun",
    "JobRole",
    "KeyResult",
    "Kpi",
    "KpiColumn",
    "KpiPeriodTotal",
    "DataVersion",
    "LearningStatement",
    "Objective",
    "PilotRegistration",
    "Program",
    "ProgramCanvas",
    "ProgramCost",
    "ProgramRisk",
    "ProgramTransition",
    "RolloutWave",
    "ProgramBehaviour",
    "ProgramEnrolment",
    "RequestTransition",
    "StakeholderAnswer",
    "StrategicPriority",
    "Team",
    "TrainingRequest",
    "User",
    "StoredView",
    "WorkspaceMeta",
    "ProgramActivity",
    "XapiActivity",
    "XapiAttachment",
    "XapiCredential",
    "XapiDocument",
    "XapiPullJob",
    "XapiStatementRef",
    "Nudge",
    "NudgeDelivery",
    "NudgeOptOut",
    "WorkPattern",
    "BadgeAchievement",
    "BadgeAward",
    "BadgeSigningKey",
    "LearningPath",
    "LearningPathStep",
    "LearningPlanItem",
    "StepCompletion",
    "QuizAttempt",
    "QuizDefinition",
    "HeadcountPlan",
    "JobSkill",
    "PlannedMove",
    "PrioritySkill",
    "ProficiencyScaleRow",
    "Skill",
    "SkillAssessment",
    "SkillCategory",
    "SkillFramework",
]
