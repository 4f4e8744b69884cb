"""Every route × every role: what each role may reach is decided by the services, and holds.

Each route is listed with the roles allowed to use it. For a role not allowed, the answer must
be 403 (or 404 where even the object's existence is hidden); for an allowed role, anything but
401/403/404/5xx (a 409 or 422 about the object's state still means "allowed"); anonymous
visitors are sent to sign in (303 to /login for pages, 401 for the API). A new route fails
this test until it is added to the table.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Council,
    Employee,
    ImpactResult,
    KeyResult,
    Kpi,
    Objective,
    Program,
    Stakeholder,
    StrategicPriority,
    User,
)
from lodestar.db.session import make_engine
from lodestar.domain.intake import FIELD_NAMES
from lodestar.domain.roles import Actor
from lodestar.services import (
    accounts,
    diagnosis,
    intake,
    learning,
    nudges,
    programs,
    quizzes,
    strategy,
)
from lodestar.services.impact.program_impact import estimate_program_impact
from lodestar.services.imports import ImportReport, create_job, record_run
from lodestar.services.xapi import credentials as xapi_credentials

ROLES = ("admin", "ld", "manager", "executive", "employee")
EVERYONE = frozenset(ROLES)
LD = frozenset({"admin", "ld"})
LINKED = frozenset({"manager", "employee"})  # accounts linked to an employee record
TEAM_SETTERS = frozenset({"admin", "ld", "manager"})  # the manager: of a direct report
READERS_OF_REQUEST = frozenset({"admin", "ld", "executive", "manager"})  # employee: 404
RAISERS = frozenset({"admin", "ld", "manager"})
PORTFOLIO = frozenset({"admin", "ld", "executive"})
PROGRAM_READERS = frozenset({"admin", "ld", "executive", "manager"})  # employee: 403
ADMIN = frozenset({"admin"})  # personal data across the organisation: privacy and audit
OBSERVERS = frozenset({"admin", "ld", "manager"})
# Portfolio (issue 11): managers see their department's items; executives the whole portfolio,
# the symptoms, the plan, the stakeholder map (never its notes) and the council; L&D all.
PORTFOLIO_READERS = frozenset({"admin", "ld", "executive", "manager"})  # employee: 403
OVERVIEW = frozenset({"admin", "ld", "executive"})  # managers and employees: 403
LEADERS = OVERVIEW  # who sets priority weights
ATTEMPT_READERS = frozenset({"admin", "ld", "employee"})  # the taker, L&D; not outside the line
LINKED = frozenset({"manager", "employee"})  # accounts linked to an employee record
FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}

# (method, path template) -> (allowed roles, denial status for the others, body kind)
ROUTES: dict[tuple[str, str], tuple[frozenset[str], int, str | None]] = {
    ("GET", "/"): (EVERYONE, 403, None),
    ("GET", "/requests"): (EVERYONE, 403, None),
    ("GET", "/requests/new"): (RAISERS, 403, None),
    ("POST", "/requests/new"): (RAISERS, 403, "request_form"),
    ("GET", "/requests/{request_id:int}"): (READERS_OF_REQUEST, 404, None),
    ("GET", "/requests/{request_id:int}/edit"): (RAISERS, 403, None),
    ("POST", "/requests/{request_id:int}/edit"): (RAISERS, 403, "request_form"),
    ("POST", "/requests/{request_id:int}/submit"): (RAISERS, 403, "form"),
    ("POST", "/requests/{request_id:int}/answers"): (RAISERS, 403, "answers_form"),
    ("POST", "/requests/{request_id:int}"): (LD, 403, "transition_form"),
    ("GET", "/triage"): (PORTFOLIO, 403, None),
    ("GET", "/requests/{request_id:int}/diagnosis"): (LD, 403, None),
    ("POST", "/requests/{request_id:int}/diagnosis"): (LD, 403, "diagnosis_form"),
    ("GET", "/priorities"): (EVERYONE, 403, None),
    ("GET", "/priorities/new"): (LD, 403, None),
    ("POST", "/priorities/new"): (LD, 403, "priority_form"),
    ("GET", "/priorities/{priority_id:int}/edit"): (LD, 403, None),
    ("POST", "/priorities/{priority_id:int}/edit"): (LD, 403, "priority_form"),
    ("POST", "/priorities/{priority_id:int}/archive"): (LD, 403, "form"),
    ("POST", "/priorities/{priority_id:int}/restore"): (LD, 403, "form"),
    ("GET", "/priorities/{priority_id:int}"): (EVERYONE, 403, None),
    ("POST", "/priorities/{priority_id:int}/objectives"): (LD, 403, "objective_form"),
    (
        "POST",
        "/priorities/{priority_id:int}/objectives/{objective_id:int}/key-results",
    ): (LD, 403, "key_result_form"),
    ("POST", "/priorities/{priority_id:int}/objectives/{objective_id:int}/archive"): (
        LD,
        403,
        "form",
    ),
    ("POST", "/priorities/{priority_id:int}/key-results/{key_result_id:int}/archive"): (
        LD,
        403,
        "form",
    ),
    ("GET", "/kpis"): (EVERYONE, 403, None),
    ("GET", "/kpis/new"): (LD, 403, None),
    ("POST", "/kpis/new"): (LD, 403, "kpi_form"),
    ("GET", "/kpis/{kpi_id:int}/edit"): (LD, 403, None),
    ("POST", "/kpis/{kpi_id:int}/edit"): (LD, 403, "kpi_form"),
    ("GET", "/kpis/{kpi_id:int}/archive"): (LD, 403, None),
    ("POST", "/kpis/{kpi_id:int}/archive"): (LD, 403, "form"),
    ("POST", "/kpis/{kpi_id:int}/restore"): (LD, 403, "form"),
    ("GET", "/kpis/{kpi_id:int}/source"): (LD, 403, None),
    ("POST", "/kpis/{kpi_id:int}/source"): (LD, 403, "form"),
    ("GET", "/kpis/{kpi_id:int}"): (EVERYONE, 403, None),
    ("GET", "/imports"): (LD, 403, None),
    ("POST", "/imports"): (LD, 403, "form"),
    ("GET", "/imports/{run_id:int}"): (LD, 403, None),
    ("GET", "/imports/{run_id:int}/report.csv"): (LD, 403, None),
    ("GET", "/imports/jobs/{job_id:int}"): (LD, 403, None),
    ("POST", "/imports/jobs/{job_id:int}/rerun"): (LD, 403, "form"),
    ("GET", "/programs"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}"): (PROGRAM_READERS, 403, None),
    ("POST", "/programs/{program_id:int}/impact"): (LD, 403, "form"),
    ("POST", "/programs/{program_id:int}/setup"): (LD, 403, "setup_form"),
    # URLs forms post to also answer GET, leading back to their page (never a 405).
    ("GET", "/programs/{program_id:int}/setup"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/canvas"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/costs"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/risks"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/pilot/plan"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/pilot/lottery"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/pilot/launch"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/pilot/registrations"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/decisions"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/archive"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/restore"): (PROGRAM_READERS, 403, None),
    ("POST", "/programs/{program_id:int}/archive"): (LD, 403, "reason_form"),
    ("POST", "/programs/{program_id:int}/restore"): (LD, 403, "reason_form"),
    ("GET", "/programs/new"): (LD, 403, None),
    ("POST", "/programs/new"): (LD, 403, "program_form"),
    ("GET", "/programs/{program_id:int}/edit"): (LD, 403, None),
    ("POST", "/programs/{program_id:int}/edit"): (LD, 403, "program_form"),
    ("GET", "/programs/{program_id:int}/design"): (PROGRAM_READERS, 403, None),
    ("POST", "/programs/{program_id:int}/canvas"): (LD, 403, "canvas_form"),
    ("POST", "/programs/{program_id:int}/costs"): (LD, 403, "costs_form"),
    ("POST", "/programs/{program_id:int}/risks"): (LD, 403, "risk_form"),
    ("GET", "/programs/{program_id:int}/pilot"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/brief"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/brief.pdf"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/brief.html"): (PROGRAM_READERS, 403, None),
    ("POST", "/programs/{program_id:int}/brief/pin"): (LD, 403, "pin_form"),
    ("POST", "/programs/{program_id:int}/brief/unpin"): (LD, 403, "form"),
    ("GET", "/programs/{program_id:int}/results/{result_id:int}"): (PROGRAM_READERS, 403, None),
    ("GET", "/portfolio/brief"): (PORTFOLIO, 403, None),
    ("GET", "/portfolio/brief.pdf"): (PORTFOLIO, 403, None),
    ("GET", "/leadership"): (PORTFOLIO, 403, None),
    ("POST", "/programs/{program_id:int}/pilot/plan"): (LD, 403, "plan_form"),
    ("POST", "/programs/{program_id:int}/pilot/lottery"): (LD, 403, "lottery_form"),
    ("POST", "/programs/{program_id:int}/pilot/launch"): (LD, 403, "launch_form"),
    ("POST", "/programs/{program_id:int}/pilot/registrations"): (LD, 403, "revision_form"),
    ("POST", "/programs/{program_id:int}/decisions"): (LD, 403, "decision_form"),
    ("GET", "/programs/{program_id:int}/observations"): (OBSERVERS, 403, None),
    ("POST", "/programs/{program_id:int}/observations"): (OBSERVERS, 403, "observation_form"),
    ("GET", "/api/me"): (EVERYONE, 403, None),
    ("GET", "/api/intake/guide"): (EVERYONE, 403, None),
    ("GET", "/api/requests"): (EVERYONE, 403, None),
    ("POST", "/api/requests"): (RAISERS, 403, "request_json"),
    ("GET", "/api/requests/{request_id}"): (READERS_OF_REQUEST, 404, None),
    ("PUT", "/api/requests/{request_id}"): (RAISERS, 403, "request_json"),
    ("POST", "/api/requests/{request_id}/submit"): (RAISERS, 403, None),
    ("POST", "/api/requests/{request_id}/transitions"): (LD, 403, "transition_json"),
    ("PUT", "/api/requests/{request_id}/answers"): (RAISERS, 403, "answers_json"),
    ("GET", "/api/requests/{request_id}/diagnosis"): (READERS_OF_REQUEST, 404, None),
    ("PUT", "/api/requests/{request_id}/diagnosis"): (LD, 403, "diagnosis_json"),
    ("GET", "/api/triage"): (PORTFOLIO, 403, None),
    ("GET", "/api/priorities"): (EVERYONE, 403, None),
    ("POST", "/api/priorities"): (LD, 403, "priority_json"),
    ("GET", "/api/priorities/{priority_id}"): (EVERYONE, 403, None),
    ("PUT", "/api/priorities/{priority_id}"): (LD, 403, "priority_json"),
    ("POST", "/api/priorities/{priority_id}/archive"): (LD, 403, None),
    ("POST", "/api/priorities/{priority_id}/restore"): (LD, 403, None),
    ("GET", "/api/priorities/{priority_id}/page"): (EVERYONE, 403, None),
    ("POST", "/api/priorities/{priority_id}/objectives"): (LD, 403, "objective_json"),
    ("POST", "/api/objectives/{objective_id}/key-results"): (LD, 403, "key_result_json"),
    ("GET", "/api/kpis"): (EVERYONE, 403, None),
    ("POST", "/api/kpis"): (LD, 403, "kpi_json"),
    ("GET", "/api/kpis/{kpi_id}"): (EVERYONE, 403, None),
    ("PUT", "/api/kpis/{kpi_id}"): (LD, 403, "kpi_json"),
    ("POST", "/api/kpis/{kpi_id}/archive"): (LD, 403, None),
    ("POST", "/api/kpis/{kpi_id}/restore"): (LD, 403, None),
    ("GET", "/api/kpis/{kpi_id}/trend"): (EVERYONE, 403, None),
    ("GET", "/api/programs"): (PROGRAM_READERS, 403, None),
    ("GET", "/api/programs/{program_id}/impact"): (PROGRAM_READERS, 403, None),
    ("GET", "/api/programs/{program_id}/brief"): (PROGRAM_READERS, 403, None),
    ("POST", "/api/programs/{program_id}/impact"): (LD, 403, None),
    ("GET", "/api/programs/{program_id}/setup"): (PROGRAM_READERS, 403, None),
    ("PUT", "/api/programs/{program_id}/setup"): (LD, 403, "setup_json"),
    ("GET", "/privacy"): (ADMIN, 403, None),
    ("POST", "/privacy/retention"): (ADMIN, 403, "form"),
    ("GET", "/privacy/people/{employee_id:int}"): (ADMIN, 403, None),
    ("GET", "/privacy/people/{employee_id:int}/export.json"): (ADMIN, 403, None),
    ("GET", "/privacy/people/{employee_id:int}/export.zip"): (ADMIN, 403, None),
    ("POST", "/privacy/people/{employee_id:int}/erase"): (ADMIN, 403, "form"),
    ("POST", "/privacy/people/{employee_id:int}/erase/confirm"): (ADMIN, 403, "erase_form"),
    ("GET", "/privacy/audit"): (ADMIN, 403, None),
    ("GET", "/privacy/audit.csv"): (ADMIN, 403, None),
    ("GET", "/api/privacy/audit"): (ADMIN, 403, None),
    ("GET", "/api/privacy/audit.csv"): (ADMIN, 403, None),
    ("GET", "/api/privacy/people/{person}/export"): (ADMIN, 403, None),
    ("GET", "/api/privacy/people/{person}/export.zip"): (ADMIN, 403, None),
    ("POST", "/api/privacy/people/{person}/erase"): (ADMIN, 403, "erase_json"),
    ("GET", "/api/privacy/retention"): (ADMIN, 403, None),
    ("POST", "/api/privacy/retention"): (ADMIN, 403, None),
    ("POST", "/api/programs"): (LD, 403, "program_json"),
    ("GET", "/api/programs/{program_id}"): (PROGRAM_READERS, 403, None),
    ("PATCH", "/api/programs/{program_id}"): (LD, 403, "program_patch_json"),
    ("GET", "/api/programs/{program_id}/canvas"): (PROGRAM_READERS, 403, None),
    ("PUT", "/api/programs/{program_id}/canvas"): (LD, 403, "canvas_json"),
    ("GET", "/api/programs/{program_id}/costs"): (PROGRAM_READERS, 403, None),
    ("PUT", "/api/programs/{program_id}/costs"): (LD, 403, "costs_json"),
    ("GET", "/api/programs/{program_id}/risks"): (PROGRAM_READERS, 403, None),
    ("POST", "/api/programs/{program_id}/risks"): (LD, 403, "risk_json"),
    ("PUT", "/api/programs/{program_id}/risks/{risk_id}"): (LD, 403, "risk_json"),
    ("POST", "/api/programs/{program_id}/decisions"): (LD, 403, "decision_json"),
    ("POST", "/api/programs/{program_id}/archive"): (LD, 403, "reason_json"),
    ("POST", "/api/programs/{program_id}/restore"): (LD, 403, "reason_json"),
    ("GET", "/api/programs/{program_id}/history"): (PROGRAM_READERS, 403, None),
    ("GET", "/api/programs/{program_id}/observations/people"): (OBSERVERS, 403, None),
    ("POST", "/api/programs/{program_id}/observations"): (OBSERVERS, 403, "observation_json"),
    ("GET", "/api/programs/{program_id}/pilot"): (PROGRAM_READERS, 403, None),
    ("POST", "/api/programs/{program_id}/pilot/plan"): (LD, 403, "plan_json"),
    ("POST", "/api/programs/{program_id}/pilot/lottery"): (LD, 403, "lottery_json"),
    ("POST", "/api/programs/{program_id}/pilot/launch"): (LD, 403, "launch_json"),
    ("POST", "/api/programs/{program_id}/pilot/registrations"): (LD, 403, "revision_json"),
    # A reload of a URL that takes only a form's POST: a redirect to the form's page, which
    # decides who may see it (so every signed-in role gets the 303).
    ("GET", "/requests/{request_id:int}/answers"): (EVERYONE, 403, None),
    ("GET", "/priorities/{priority_id:int}/objectives"): (EVERYONE, 403, None),
    ("GET", "/priorities/{priority_id:int}/objectives/{objective_id:int}/key-results"): (
        EVERYONE,
        403,
        None,
    ),
    ("GET", "/account/tokens"): (EVERYONE, 403, None),
    ("GET", "/account/password"): (EVERYONE, 403, None),
    ("GET", "/privacy/people/{employee_id:int}/erase"): (EVERYONE, 403, None),
    ("GET", "/privacy/people/{employee_id:int}/erase/confirm"): (EVERYONE, 403, None),
    # Administering accounts (the walk's employee account; deactivated, then reactivated).
    ("GET", "/admin/accounts"): (ADMIN, 403, None),
    ("GET", "/admin/accounts/{user_id:int}"): (ADMIN, 403, None),
    ("POST", "/admin/accounts/{user_id:int}/deactivate"): (ADMIN, 403, "form"),
    ("POST", "/admin/accounts/{user_id:int}/reactivate"): (ADMIN, 403, "form"),
    ("POST", "/admin/accounts/{user_id:int}/password"): (ADMIN, 403, "admin_password_form"),
    ("POST", "/admin/accounts/{user_id:int}/department"): (ADMIN, 403, "department_form"),
    ("POST", "/admin/accounts/{user_id:int}/tokens/{token_id:int}/revoke"): (ADMIN, 403, "form"),
    ("GET", "/admin/accounts/{user_id:int}/deactivate"): (EVERYONE, 403, None),
    ("GET", "/admin/accounts/{user_id:int}/reactivate"): (EVERYONE, 403, None),
    ("GET", "/admin/accounts/{user_id:int}/password"): (EVERYONE, 403, None),
    ("GET", "/admin/accounts/{user_id:int}/department"): (EVERYONE, 403, None),
    ("GET", "/admin/accounts/{user_id:int}/tokens/{token_id:int}/revoke"): (EVERYONE, 403, None),
    ("GET", "/admin/xapi"): (ADMIN, 403, None),
    ("POST", "/admin/xapi/credentials"): (ADMIN, 403, "xapi_source_form"),
    ("POST", "/admin/xapi/credentials/{credential}/revoke"): (ADMIN, 403, "form"),
    ("GET", "/admin/xapi/credentials"): (EVERYONE, 403, None),
    ("GET", "/admin/xapi/credentials/{credential}/revoke"): (EVERYONE, 403, None),
    ("GET", "/portfolio"): (PORTFOLIO_READERS, 403, None),
    ("GET", "/portfolio/heat-map"): (PORTFOLIO_READERS, 403, None),
    ("GET", "/portfolio/export.csv"): (PORTFOLIO_READERS, 403, None),
    ("GET", "/portfolio/items/{kind}/{item_id:int}"): (PORTFOLIO_READERS, 403, None),
    ("POST", "/portfolio/items/{kind}/{item_id:int}"): (LD, 403, "scoring_form"),
    ("POST", "/portfolio/weights"): (LEADERS, 403, "weights_form"),
    ("GET", "/portfolio/symptoms"): (OVERVIEW, 403, None),
    ("GET", "/portfolio/plan"): (OVERVIEW, 403, None),
    ("POST", "/portfolio/plan/start"): (LD, 403, "plan_start_form"),
    ("POST", "/portfolio/plan/items/{key}"): (LD, 403, "untick_form"),
    ("GET", "/stakeholders"): (OVERVIEW, 403, None),
    ("GET", "/stakeholders/new"): (LD, 403, None),
    ("POST", "/stakeholders/new"): (LD, 403, "stakeholder_form"),
    ("GET", "/stakeholders/{stakeholder_id:int}"): (OVERVIEW, 403, None),
    ("POST", "/stakeholders/{stakeholder_id:int}"): (LD, 403, "stakeholder_form"),
    ("GET", "/interviews"): (LD, 403, None),
    ("POST", "/interviews"): (LD, 403, "interview_form"),
    ("GET", "/councils"): (OVERVIEW, 403, None),
    ("POST", "/councils"): (LD, 403, "council_form"),
    ("GET", "/councils/{council_id:int}"): (OVERVIEW, 403, None),
    ("POST", "/councils/{council_id:int}/decisions"): (LD, 403, "council_decision_form"),
    ("GET", "/stakeholder-updates/{program_id:int}"): (LD, 403, None),
    ("GET", "/stakeholder-updates/{program_id:int}/update.txt"): (LD, 403, None),
    ("POST", "/stakeholder-updates/{program_id:int}"): (LD, 403, "form"),
    ("GET", "/api/portfolio"): (PORTFOLIO_READERS, 403, None),
    ("GET", "/api/portfolio/symptoms"): (OVERVIEW, 403, None),
    ("GET", "/api/portfolio/plan"): (OVERVIEW, 403, None),
    ("PUT", "/api/portfolio/plan/items/{key}"): (LD, 403, "untick_json"),
    ("PUT", "/api/priorities/{priority_id}/weight"): (LEADERS, 403, "weight_json"),
    ("PUT", "/api/requests/{request_id}/scoring"): (LD, 403, "request_scoring_json"),
    ("PUT", "/api/programs/{program_id}/scoring"): (LD, 403, "program_scoring_json"),
    ("GET", "/api/stakeholders"): (OVERVIEW, 403, None),
    ("POST", "/api/stakeholders"): (LD, 403, "stakeholder_json"),
    ("GET", "/api/stakeholders/{stakeholder_id}"): (OVERVIEW, 403, None),
    ("PUT", "/api/stakeholders/{stakeholder_id}"): (LD, 403, "stakeholder_json"),
    ("GET", "/api/interviews"): (LD, 403, None),
    ("POST", "/api/interviews"): (LD, 403, "interview_json"),
    ("GET", "/api/councils"): (OVERVIEW, 403, None),
    ("POST", "/api/councils"): (LD, 403, "council_json"),
    ("GET", "/api/councils/{council_id}"): (OVERVIEW, 403, None),
    ("POST", "/api/councils/{council_id}/decisions"): (LD, 403, "council_decision_json"),
    ("GET", "/api/programs/{program_id}/stakeholder-update"): (LD, 403, None),
    # One's own account: every role, each on its own tokens (token_id is the walker's).
    ("GET", "/account"): (EVERYONE, 403, None),
    ("POST", "/account/tokens"): (EVERYONE, 403, "token_form"),
    ("POST", "/account/tokens/{token_id:int}/revoke"): (EVERYONE, 404, "form"),
    ("POST", "/account/password"): (EVERYONE, 403, "password_form"),
    ("GET", "/api/me/tokens"): (EVERYONE, 403, None),
    ("POST", "/api/me/tokens"): (EVERYONE, 403, "token_json"),
    ("POST", "/api/me/tokens/{token_id}/revoke"): (EVERYONE, 404, None),
    # Nudges (issue 10): a program's nudges page; L&D writes, pauses and resumes them.
    ("GET", "/programs/{program_id:int}/nudges"): (PROGRAM_READERS, 403, None),
    ("POST", "/programs/{program_id:int}/nudges/new"): (LD, 403, "nudge_form"),
    ("POST", "/programs/{program_id:int}/nudges/{nudge_id:int}/edit"): (LD, 403, "nudge_form"),
    ("GET", "/programs/{program_id:int}/nudges/{nudge_id:int}/edit"): (PROGRAM_READERS, 403, None),
    ("POST", "/programs/{program_id:int}/nudges/{nudge_id:int}/pause"): (LD, 403, "form"),
    ("POST", "/programs/{program_id:int}/nudges/{nudge_id:int}/resume"): (LD, 403, "form"),
    ("GET", "/programs/{program_id:int}/nudges/new"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/nudges/{nudge_id:int}/pause"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/nudges/{nudge_id:int}/resume"): (
        PROGRAM_READERS,
        403,
        None,
    ),
    # Quizzes, plans and badges (issue 13): everyone takes quizzes and has an area; L&D
    # imports quizzes; an attempt is its taker's, their line's and L&D's; the plan's API needs
    # an account linked to an employee (the demo's manager and employee personas).
    ("GET", "/me"): (EVERYONE, 403, None),
    ("GET", "/me/people/{employee_id:int}"): (LD, 403, None),
    ("POST", "/me/plan/build"): (EVERYONE, 403, "form"),
    ("POST", "/me/plan/add"): (EVERYONE, 403, "form"),
    ("POST", "/me/plan/steps/{step_id:int}/done"): (EVERYONE, 403, "form"),
    ("GET", "/quizzes"): (EVERYONE, 403, None),
    ("POST", "/quizzes/import"): (LD, 403, "form"),
    ("GET", "/quizzes/{code}"): (EVERYONE, 403, None),
    ("POST", "/quizzes/{code}"): (EVERYONE, 403, "form"),
    ("GET", "/quizzes/{code}/export.{fmt}"): (EVERYONE, 403, None),
    ("GET", "/quizzes/attempts/{attempt_id:int}"): (ATTEMPT_READERS, 403, None),
    ("GET", "/api/quizzes"): (EVERYONE, 403, None),
    ("POST", "/api/quizzes"): (LD, 403, "quiz_json"),
    ("GET", "/api/quizzes/{code}"): (EVERYONE, 403, None),
    ("POST", "/api/quizzes/{code}/attempts"): (EVERYONE, 403, "attempt_json"),
    ("GET", "/api/quizzes/attempts/{attempt_id}"): (ATTEMPT_READERS, 403, None),
    ("GET", "/api/me/plan"): (LINKED, 404, None),
    ("POST", "/api/me/plan"): (LINKED, 404, None),
    ("POST", "/api/me/plan/steps/{step_id}/done"): (LINKED, 404, None),
    ("GET", "/api/me/badges"): (LINKED, 404, None),
    # Skills (issue 13): the catalogue and profiles are for everyone; the heat map and the
    # bias for managers (their reporting line) and the company's readers; gaps across the
    # company and the forecast for L&D, admins and executives; managers assess and review
    # their reports (person_id and assessment_id are the walk manager's report's).
    ("GET", "/skills"): (EVERYONE, 403, None),
    ("GET", "/skills/frameworks/{idnumber}/moodle.csv"): (EVERYONE, 403, None),
    ("GET", "/skills/me"): (EVERYONE, 403, None),
    ("POST", "/skills/me/rate"): (EVERYONE, 403, "self_rate_form"),
    ("GET", "/skills/heatmap"): (PROGRAM_READERS, 403, None),
    ("POST", "/skills/review/{assessment_id}"): (OBSERVERS, 403, "review_form"),
    ("GET", "/skills/gaps"): (OVERVIEW, 403, None),
    ("GET", "/skills/forecast"): (OVERVIEW, 403, None),
    ("GET", "/skills/profiles"): (EVERYONE, 403, None),
    ("POST", "/skills/headcount"): (LD, 403, "form"),
    ("GET", "/api/skills/headcount"): (OVERVIEW, 403, None),
    ("PUT", "/api/skills/headcount"): (LD, 403, "headcount_json"),
    ("DELETE", "/api/skills/headcount"): (LD, 403, None),
    ("POST", "/skills/profiles"): (LD, 403, "profile_form"),
    ("GET", "/api/skills"): (EVERYONE, 403, None),
    ("GET", "/api/skills/heatmap"): (PROGRAM_READERS, 403, None),
    ("GET", "/api/skills/gaps/job-titles"): (OVERVIEW, 403, None),
    ("GET", "/api/skills/gaps/priorities"): (OVERVIEW, 403, None),
    ("GET", "/api/skills/bias"): (PROGRAM_READERS, 403, None),
    ("GET", "/api/skills/forecast"): (OVERVIEW, 403, None),
    ("GET", "/api/skills/employees/{person_id}/gaps"): (OBSERVERS, 403, None),
    ("GET", "/api/skills/employees/{person_id}/assessments"): (OBSERVERS, 403, None),
    ("POST", "/api/skills/assessments"): (OBSERVERS, 403, "assessment_json"),
    ("GET", "/api/skills/reviews"): (OBSERVERS, 403, None),
    ("POST", "/api/skills/reviews/{assessment_id}"): (OBSERVERS, 403, "review_json"),
    ("GET", "/api/skills/profiles"): (EVERYONE, 403, None),
    ("PUT", "/api/skills/profiles"): (LD, 403, "profile_json"),
    ("GET", "/api/skills/priorities"): (EVERYONE, 403, None),
    ("PUT", "/api/skills/priorities"): (LD, 403, "priority_skill_json"),
    ("GET", "/api/skills/frameworks/{idnumber}/moodle.csv"): (EVERYONE, 403, None),
    ("GET", "/api/skills/{skill_code:path}"): (EVERYONE, 403, None),
    # The nudges API: the page's roles; the walk's nudge is deleted last.
    ("GET", "/api/programs/{program_id}/nudges"): (PROGRAM_READERS, 403, None),
    ("POST", "/api/programs/{program_id}/nudges"): (LD, 403, "nudge_json"),
    ("GET", "/api/programs/{program_id}/nudges/{nudge_id}"): (PROGRAM_READERS, 403, None),
    ("PATCH", "/api/programs/{program_id}/nudges/{nudge_id}"): (LD, 403, "nudge_patch_json"),
    ("DELETE", "/api/programs/{program_id}/nudges/{nudge_id}"): (LD, 403, None),
    # Work patterns: one's own (the walk's managers and employees are linked to employee records;
    # the others are not, so theirs is not found), a manager's direct reports', anyone's for L&D.
    ("GET", "/api/me/work-pattern"): (LINKED, 404, None),
    ("PUT", "/api/me/work-pattern"): (LINKED, 404, "pattern_json"),
    ("DELETE", "/api/me/work-pattern"): (LINKED, 404, None),
    ("GET", "/api/employees/{employee}/work-pattern"): (LD, 403, None),
    ("PUT", "/api/employees/{employee}/work-pattern"): (LD, 403, "pattern_json"),
    ("DELETE", "/api/employees/{employee}/work-pattern"): (LD, 403, None),
    ("GET", "/api/programs/{program_id}/work-patterns"): (PROGRAM_READERS, 403, None),
    ("POST", "/account/work-pattern"): (EVERYONE, 403, "pattern_form"),
    ("POST", "/account/work-pattern/clear"): (EVERYONE, 403, "form"),
    ("POST", "/account/team-work-pattern"): (TEAM_SETTERS, 403, "team_pattern_form"),
    ("GET", "/account/work-pattern"): (EVERYONE, 403, None),
    ("GET", "/account/work-pattern/clear"): (EVERYONE, 403, None),
    ("GET", "/account/team-work-pattern"): (EVERYONE, 403, None),
    ("POST", "/programs/{program_id:int}/nudges/work-patterns"): (LD, 403, "person_pattern_form"),
    ("POST", "/programs/{program_id:int}/nudges/work-patterns/clear"): (
        LD,
        403,
        "person_pattern_form",
    ),
    ("GET", "/programs/{program_id:int}/nudges/work-patterns"): (PROGRAM_READERS, 403, None),
    ("GET", "/programs/{program_id:int}/nudges/work-patterns/clear"): (
        PROGRAM_READERS,
        403,
        None,
    ),
}
PUBLIC = {
    # A badge's public pages: anyone holding the link may verify it (test_learning_pages.py).
    ("GET", "/badges/issuer"),
    ("GET", "/badges/keys/{key_id}"),
    ("GET", "/badges/{public_id}"),
    ("GET", "/badges/{public_id}/credential.json"),
    ("GET", "/badges/{public_id}/credential.jwt"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/login/persona/{user_id}"),
    ("POST", "/logout"),
    ("GET", "/healthz"),
    # A nudge's signed answer link: the signature is the authority (tests/web/test_nudge_pages.py).
    ("GET", "/nudges/answer/{token}"),
    ("POST", "/nudges/answer/{token}"),
}


def app_routes() -> set[tuple[str, str]]:
    from lodestar.web.routes import ROUTERS

    out = set()
    for route in (r for router in ROUTERS for r in router.routes):
        for method in getattr(route, "methods", set()) - {"HEAD"}:
            if route.path.startswith(("/static", "/api/docs", "/api/openapi", "/docs")):
                continue
            out.add((method, route.path))
    return out


@pytest.fixture
def objects(web_database: str) -> dict[str, int]:
    """Fresh for each walk, so one role cannot change what the next role meets: two requests
    raised by the Sales manager (one submitted, one in diagnosis), and a priority, objective,
    key result and KPI made for the walk, so the demo's own objects are left alone."""
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        users = {u.role: u for u in reversed(s.scalars(select(User).order_by(User.id)).all())}
        ld = accounts.actor_of(users["ld"])
        manager = accounts.actor_of(users["manager"])
        req = intake.submit_request(s, manager, intake.RequestInput(title="Walk", **FULL))
        diagnosed = intake.submit_request(s, manager, intake.RequestInput(title="Diag", **FULL))
        diagnosis.save_diagnosis(s, ld, diagnosed.request_id, diagnosis.DiagnosisInput())
        prio = strategy.create_priority(
            s,
            ld,
            strategy.PriorityInput(
                title="Walk priority", owner_id=users["ld"].id, start_year=2026, end_year=2027
            ),
        )
        obj = strategy.add_objective(s, ld, prio.id, strategy.ObjectiveInput(title="Walk goal"))
        kr = strategy.add_key_result(s, ld, obj.id, strategy.KeyResultInput(description="Walk KR"))
        kpi = strategy.create_kpi(
            s, ld, strategy.KpiInput(code=f"walk_{uuid.uuid4().hex[:8]}", name="Walk KPI", unit="%")
        )
        run = record_run(s, ld, ImportReport("kpis", "walk.csv"))
        person = s.scalars(select(Employee).order_by(Employee.id.desc())).first()
        job = create_job(s, ld, "kpis", "walk.csv", data=b"")
        ids = {
            "run_id": run.id,
            "job_id": job.id,
            "request_id": req.request_id,
            "diagnosed_id": diagnosed.request_id,
            "priority_id": prio.id,
            "objective_id": obj.id,
            "key_result_id": kr.id,
            "kpi_id": kpi.id,
            "user_id": users["employee"].id,
            "owner_id": users["ld"].id,
            "program_id": s.scalar(select(Program.id).order_by(Program.id)),
            "employee_id": person.id,
            "person": person.external_id,  # type: ignore[dict-item]
            "employee": person.external_id,  # type: ignore[dict-item]
            "report": s.scalar(
                select(Employee.external_id)
                .where(Employee.manager_id == users["manager"].employee_id)
                .order_by(Employee.id)
            ),
        }
        # Portfolio: the walk's request is the manager's own, so a manager may open its item.
        ids["kind"] = "request"  # type: ignore[assignment]
        ids["item_id"] = req.request_id
        ids["key"] = "impact_brief"  # type: ignore[assignment]
        ids["stakeholder_id"] = s.scalar(select(Stakeholder.id).order_by(Stakeholder.id))
        ids["council_id"] = s.scalar(select(Council.id).order_by(Council.id))
        risk = programs.add_risk(
            s, ld, ids["program_id"],
            programs.check_risk("The walk finds a hole", "low", "low", "", ""),
        )  # fmt: skip
        ids["risk_id"] = risk.id
        walk_nudge = nudges.NudgeInput(name="Walk nudge", body="Hello {first_name}")
        ids["nudge_id"] = nudges.save_nudge(s, ld, ids["program_id"], walk_nudge).id
        employee = accounts.actor_of(users["employee"])
        answers = {
            q.code: [q.options[0].code] for q in quizzes.built_in_quiz("leadership-style").questions
        }
        ids["code"] = "leadership-style"  # type: ignore[assignment]
        ids["fmt"] = "csv"  # type: ignore[assignment]
        ids["attempt_id"] = quizzes.take_quiz(
            s, employee, "leadership-style", answers, iri_base="http://walk.example"
        ).id
        ids["step_id"] = learning.get_path(s, "resilience").steps[0].id
        # A stored result of the program (the walk's edits may unlink its KPI later on).
        stored = s.scalar(
            select(ImpactResult.id).where(ImpactResult.program_id == ids["program_id"])
        )
        if stored is None:
            stored = estimate_program_impact(s, ld, ids["program_id"]).result_id
        ids["result_id"] = stored  # type: ignore[assignment]
        # The xAPI endpoint (/xapi) is not walked here: it is a mounted ASGI app for learning
        # tools, not a browser route (HTTP Basic per source, no session or CSRF), so no role
        # reaches it; tests/web/test_xapi_statements.py tests its authentication. The admin
        # page that makes its credentials is walked: each walk gets a credential to revoke.
        ids["credential"] = xapi_credentials.create_credential(
            s, accounts.actor_of(users["admin"]), f"walk-{uuid.uuid4().hex[:8]}"
        ).info.name  # type: ignore[assignment]
        for role, user in users.items():
            mine = accounts.create_token(
                s, accounts.actor_of(user), user.id, accounts.TokenInput(name=f"Walk {role}")
            )
            ids[f"token_id@{role}"] = mine.info.id
        _skills_objects(s, ld, manager, ids)
        assert s.get(StrategicPriority, prio.id) and s.get(Objective, obj.id)
        assert s.get(KeyResult, kr.id) and s.get(Kpi, kpi.id)
    engine.dispose()
    return ids


def _skills_objects(s: Session, ld: Actor, manager: Actor, ids: dict) -> None:
    """A Moodle framework, and a self-rating of one of the walk manager's reports."""
    from datetime import date
    from pathlib import Path

    from lodestar.services.imports import import_file
    from lodestar.services.reporting_line import reports_of
    from lodestar.services.skills.assessments import record_assessment

    sample = Path(__file__).parents[2] / "docs" / "examples" / "moodle_framework.csv"
    import_file(s, ld, "moodle", sample.read_bytes(), "walk.csv")
    report = min(reports_of(s, manager))
    rating = record_assessment(s, ld, report, "BW-DATA", 4, "self", date.today())
    ids.update(idnumber="BW-SALES", skill_code="BW-DATA", person_id=report,
               assessment_id=rating.id)  # fmt: skip


def body(kind: str | None, role: str, ids: dict[str, int]) -> dict:
    kpi = {"code": "walk_kpi", "name": "Walk KPI", "unit": "%", "direction": "up",
           "grain": "employee", "cadence": "weekly", "lead_lag": "lag"}  # fmt: skip
    forms = {
        "form": {},
        "xapi_source_form": {"name": f"walk-source-{role}-{uuid.uuid4().hex[:6]}"},
        "pin_form": {"result_id": str(ids["result_id"])},
        "request_form": {"title": "Walk", "action": "save", "urgency": "normal", **FULL},
        "answers_form": {"q_one_metric": "Conversion."},
        "transition_form": {"target": "needs_information", "reason": "Walk check."},
        "diagnosis_form": {"action": "save", "finding_knowledge": "unknown"},
        "priority_form": {
            "title": "Walk priority",
            "owner_id": str(ids["owner_id"]),
            "start_year": "2026",
            "end_year": "2027",
        },  # fmt: skip
        "objective_form": {"title": f"Walk objective {role}"},
        "key_result_form": {"description": f"Walk KR {role}"},
        "kpi_form": kpi,
        "setup_form": {"evaluation_design": "", "target_behaviour": [f"Walk behaviour {role}"]},
        "erase_form": {"confirm": "not the HR number"},
        "program_form": {"name": f"Walk program {role}"},
        "canvas_form": {"behaviour": [f"Logs every walk step as {role}"], "place": "Walk"},
        "costs_form": {"currency": "EUR", "delivery": "100"},
        "risk_form": {
            "description": f"The walk by {role} goes wrong",
            "likelihood": "low",
            "impact": "low",
        },  # fmt: skip
        "plan_form": {"team_id": ["1"], "hoped_effect": "1"},
        "lottery_form": {"team_id": ["1"], "start_date": "2026-01-05", "seed": "1"},
        "launch_form": {"expected_effect": "1", "horizon_date": "2027-01-05"},
        "revision_form": {"reason": f"Walk revision by {role}.", "expected_effect": "2"},
        "decision_form": {"decision": "adapt", "reason": f"Walk check by {role}."},
        "reason_form": {"reason": f"Walk check by {role}."},
        "observation_form": {
            "employee_id": "1",
            "behaviour": "Walk",
            "observed_on": "2026-01-05",
            "observed": "yes",
        },  # fmt: skip
        "token_form": {"name": f"Walk {role}", "expires_in_days": "7"},
        "admin_password_form": {
            "new_password": "a walk passphrase",
            "repeat_password": "a walk passphrase",
        },  # fmt: skip
        "department_form": {"department_id": "1"},
        "scoring_form": {"effort_days": "4", "origin": "planned"},
        "weights_form": {f"weight_{ids['priority_id']}": "3"},
        "plan_start_form": {"started_on": "2026-01-05"},
        "untick_form": {"done": "no"},
        "stakeholder_form": {"name": f"Walk stakeholder {role}", "influence": "2", "interest": "4"},
        "interview_form": {
            "stakeholder_id": str(ids["stakeholder_id"]),
            "held_on": "2026-01-06",
            "q_one_metric": f"Walked by {role}.",
        },  # fmt: skip
        "council_form": {"held_on": "2026-01-07"},
        "council_decision_form": {"decision": f"Walk decision by {role}."},
        "nudge_form": {
            "name": f"Walk nudge {role}",
            "channel": "email",
            "audience": "participants",
            "subject": "Walk",
            "body": "Hello {first_name}",
            "send_at": "08:30",
            "first_day": "1",
            "occurrences": "3",
            "every": "1",
        },  # fmt: skip
        "self_rate_form": {"skill_code": "BW-DATA", "level": "3"},
        "review_form": {"level": "2"},
        "profile_form": {
            "job_title": "Recruiter",
            "skill_code": "BW-DATA",
            "target_level": "3",
            "importance": "2",
        },
        "pattern_form": {"time_zone": "Europe/Lisbon", "working_days": ["mon", "tue"]},
        "team_pattern_form": {
            "employee": str(ids["report"]),
            "time_zone": "Europe/Lisbon",
            "working_days": ["mon", "tue"],
        },  # fmt: skip
        "person_pattern_form": {
            "employee": str(ids["person"]),
            "time_zone": "Europe/Lisbon",
            "working_days": ["mon", "tue"],
        },  # fmt: skip
        # A wrong current password: refused as a correction (422), and the walker stays in.
        "password_form": {
            "current_password": "not it",
            "new_password": "x" * 12,
            "repeat_password": "x" * 12,
        },  # fmt: skip
    }
    jsons = {
        "nudge_json": {"name": f"Walk nudge {role}", "body": "Hello {first_name}"},
        "nudge_patch_json": {"send_at": "09:15"},
        "pattern_json": {"time_zone": "Asia/Singapore", "working_days": "sun-thu"},
        "request_json": {"title": "Walk", **FULL},
        "answers_json": {"one_metric": "Conversion."},
        "transition_json": {"to": "needs_information", "reason": "Walk check."},
        "diagnosis_json": {"findings": {"knowledge": {"finding": "unknown"}}},
        "priority_json": {
            "title": "Walk priority",
            "owner_id": ids["owner_id"],
            "start_year": 2026,
            "end_year": 2027,
        },  # fmt: skip
        "objective_json": {"title": f"Walk objective {role}"},
        "key_result_json": {"description": f"Walk KR {role}"},
        "kpi_json": kpi,
        "setup_json": {"evaluation_design": "", "target_behaviours": [f"Walk behaviour {role}"]},
        "erase_json": {"confirm": "not the HR number"},
        "program_json": {"name": f"Walk program {role}"},
        "program_patch_json": {"description": f"Walked by {role}."},
        "canvas_json": {"behaviours": [f"Logs every walk step as {role}"]},
        "costs_json": {"currency": "EUR", "delivery": 100.0},
        "risk_json": {
            "description": f"The walk by {role} goes wrong",
            "likelihood": "low",
            "impact": "low",
        },  # fmt: skip
        "decision_json": {"decision": "adapt", "reason": f"Walk check by {role}."},
        "reason_json": {"reason": f"Walk check by {role}."},
        "observation_json": {
            "employee_id": 1,
            "behaviour": "Walk",
            "observed_on": "2026-01-05",
            "observed": True,
        },  # fmt: skip
        "plan_json": {"team_ids": [1]},
        "lottery_json": {"team_ids": [1], "start_date": "2026-01-05", "seed": 1},
        "launch_json": {"expected_effect": 1.0, "horizon_date": "2027-01-05"},
        "revision_json": {"reason": f"Walk revision by {role}.", "expected_effect": 2.0},
        "token_json": {"name": f"Walk {role}", "expires_in_days": 7},
        "untick_json": {"done": False},
        "assessment_json": {
            "employee_id": ids["person_id"],
            "skill_code": "BW-DATA",
            "level": 3,
            "source": "manager",
            "assessed_on": "2026-11-01",
        },
        "review_json": {"level": 2},
        "headcount_json": {"job_title": "Recruiter", "horizon_months": 24, "change": 1},
        "profile_json": {
            "job_title": "Recruiter",
            "skill_code": "BW-DATA",
            "target_level": 3,
            "importance": 2,
        },
        "priority_skill_json": {
            "priority_id": ids["priority_id"],
            "skill_code": "BW-DATA",
            "weight": 0.5,
        },
        "weight_json": {"weight": 3},
        "request_scoring_json": {"origin": "ad_hoc", "effort_days": 2.5},
        "program_scoring_json": {"effort_days": 12},
        "stakeholder_json": {"name": f"Walk stakeholder {role}", "influence": 2, "interest": 4},
        "interview_json": {
            "stakeholder_id": ids["stakeholder_id"],
            "held_on": "2026-01-06",
            "answers": {"one_metric": f"Walked by {role}."},
        },  # fmt: skip
        "council_json": {"held_on": "2026-01-07"},
        "council_decision_json": {"decision": f"Walk decision by {role}."},
        "quiz_json": {"format": "json", "content": "{}"},
        "attempt_json": {"answers": {}},
    }
    if kind is None:
        return {}
    if kind in forms:
        return {"data": forms[kind]}
    return {"json": jsons[kind]}


def call(client, method: str, template: str, ids: dict[str, int], kind: str | None, role: str):  # type: ignore[no-untyped-def]
    path = template
    if method == "GET" and template.endswith("/diagnosis") and template.startswith("/api"):
        # Reading a diagnosis needs one to exist: use the request that is in diagnosis.
        path = path.replace("{request_id}", str(ids["diagnosed_id"]))
    own_token = str(ids.get(f"token_id@{role}", 0))
    path = path.replace("{token_id:int}", own_token).replace("{token_id}", own_token)
    for key, value in ids.items():
        for pattern in (f"{{{key}:int}}", f"{{{key}:path}}", f"{{{key}}}"):
            path = path.replace(pattern, str(value))
    return client.request(method, path, **body(kind, role, ids))


def test_the_table_covers_every_route():
    routes = app_routes()
    assert routes - PUBLIC == set(ROUTES), "add new routes to ROUTES (or PUBLIC)"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_it_may(client_as, objects, role):
    client = client_as(role)
    failures = []
    for (method, template), (allowed, denial, kind) in ROUTES.items():
        resp = call(client, method, template, objects, kind, role)
        if role in allowed:
            ok = resp.status_code < 500 and resp.status_code not in (401, 403, 404)
        else:
            ok = resp.status_code in (denial, 403, 404) and resp.status_code != 200
        if not ok:
            failures.append(f"{method} {template} as {role}: {resp.status_code}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_sign_in(client_as, objects):
    client = client_as(None)
    for (method, template), (_, _, kind) in ROUTES.items():
        resp = call(client, method, template, objects, kind, "anonymous")
        if template.startswith("/api"):
            assert resp.status_code in (401, 403), f"{method} {template}: {resp.status_code}"
            if resp.status_code == 401:
                assert resp.headers["content-type"].startswith("application/problem+json")
        elif method == "GET":
            assert resp.status_code == 303, f"{method} {template}: {resp.status_code}"
            assert resp.headers["location"].startswith("/login")
        else:
            # Unsafe page routes without a session are refused (CSRF or sign-in), never served.
            assert resp.status_code in (303, 401, 403), f"{method} {template}: {resp.status_code}"


def test_every_api_error_has_the_one_problem_shape(client_as, objects):
    client = client_as("employee")
    for (method, template), (allowed, _, kind) in ROUTES.items():
        if not template.startswith("/api") or "employee" in allowed:
            continue
        resp = call(client, method, template, objects, kind, "employee")
        assert resp.headers["content-type"].startswith("application/problem+json")
        problem = resp.json()
        assert {"type", "title", "status", "detail", "code"} <= problem.keys()
        assert problem["status"] == resp.status_code
        assert problem["detail"].endswith(".") and len(problem["detail"].split()) >= 5
