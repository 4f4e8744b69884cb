"""Typed page contexts: what each page template receives, one frozen dataclass per page.

Like Datasette's documented template contexts, the fields below are the whole contract between a
route and its template: a route builds one of these from service results and
:func:`lodestar.web.templating.render` hands its fields to the template by name. Every page also
gets ``request``, ``user``, ``settings``, ``csrf_token``, ``flash`` and ``htmx_available``
from ``render``.

Values are read models the services return (frozen dataclasses, or the rows the strategy
services hand out) and the words and numbers of :mod:`lodestar.reports`; nothing here queries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from lodestar.domain.preregistration import GradedResult
from lodestar.domain.roles import Actor
from lodestar.errors import MissingField
from lodestar.reports.brief_view import ProgramBriefView
from lodestar.reports.program_view import ProgramView
from lodestar.services import accounts, intake, programs, strategy
from lodestar.services.briefs import LeadershipView, MyWork, ResultLine
from lodestar.services.impact.program_impact import ProgramImpact, ProgramListItem
from lodestar.services.imports import JobView
from lodestar.services.privacy import AuditPage, RetentionOutcome
from lodestar.services.program_setup import ProgramSetup
from lodestar.services.views import (
    DiagnosisPage,
    RequestDetail,
    RequestForm,
    RequestSummary,
    TransitionView,
    TriageBoard,
)
from lodestar.services.xapi.credentials import CredentialInfo as XapiCredential
from lodestar.services.xapi.credentials import NewCredential as NewXapiCredential

# A value with its unit, in words: ``qty(22.0, "%")`` → "22%" (reports.charts.fmt_value).
Quantity = Callable[[float, str], str]


# --- home ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomePage:
    """``home.html``: what needs the signed-in person's attention."""

    actor: Actor
    requests: Sequence[RequestSummary]  # the newest ten
    request_count: int
    priorities: Sequence[Any]  # active strategic priorities


# --- requests and triage -------------------------------------------------------------------


@dataclass(frozen=True)
class FilterBar:
    """``requests/_filters.html``: the filters shared by the request list and the board."""

    filters: intake.RequestFilters
    active_filters: Mapping[str, Any]
    states: Sequence[str]
    urgencies: Sequence[str]
    choices: Any  # services.views.RequestChoices
    filter_action: str  # where the filter form sends its GET
    filter_target: str  # the id htmx swaps


@dataclass(frozen=True)
class RequestListPage(FilterBar):
    """``requests/list.html`` (or its ``results`` block for htmx)."""

    actor: Actor | None = None
    items: Sequence[RequestSummary] = ()
    sees_all: bool = False


@dataclass(frozen=True)
class TriagePage(FilterBar):
    """``triage/board.html`` (or its ``board`` block for htmx)."""

    actor: Actor | None = None
    board: TriageBoard | None = None
    lanes: Sequence[tuple[str, str, Sequence[str]]] = ()  # (key, heading, states)
    decided_limit: int = 6


@dataclass(frozen=True)
class RequestFormPage:
    """``requests/form.html``: a new request or an edit, with what is still missing."""

    actor: Actor
    form: RequestForm
    detail: RequestDetail | None
    state: str  # "new" for a request not saved yet
    values: Mapping[str, Any]  # what the form shows: typed, stored, or the defaults
    missing: Sequence[MissingField]
    missing_by_name: Mapping[str, MissingField]
    draft_missing: Sequence[MissingField]
    returned: TransitionView | None  # the step that sent it back for more information
    urgencies: Sequence[str]
    error: str | None
    action_url: str


@dataclass(frozen=True)
class RequestPage:
    """``requests/detail.html``: one request, its questions, history and next steps."""

    actor: Actor
    d: RequestDetail
    s: RequestSummary
    state: str
    returned: TransitionView | None
    reason_required: frozenset[str]  # next states whose step needs a reason
    can_answer: bool
    can_submit: bool
    transition_error: str | None = None
    answers_error: str | None = None
    reason: str = ""  # typed before a refused step, shown again
    target: str | None = None
    typed_answers: Mapping[str, str] | None = None
    program: tuple[int, str] | None = None  # the program this request became, (id, name)


@dataclass(frozen=True)
class DiagnosisFormPage:
    """``triage/diagnosis.html``: the six cells and the live recommendation."""

    page: DiagnosisPage
    values: Mapping[str, Mapping[str, Any]]  # per cell: finding, evidence, fix
    rec: Any  # the recommendation shown: outcome, fixes, explanation, next_state
    all_unknown: bool
    diagnosis_error: str | None
    outcome: str
    override_reason: str
    saved: bool
    finding_options: Any
    fix_categories: Any
    outcomes: Any
    environment: Sequence[Any]  # the findings on the environment side
    person: Sequence[Any]  # the findings on the person side


# --- strategy ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityListPage:
    """``priorities/list.html``."""

    rows: Sequence[strategy.PriorityRow]
    show_archived: bool
    can_edit: bool
    unaligned_total: int


@dataclass(frozen=True)
class StrategyForm:
    """What every strategy form shows: the values, the refusal and where it posts."""

    values: Mapping[str, str]  # typed, stored, or the defaults
    error: str | None  # the whole message of a refusal
    errors: Mapping[str, str]  # field → sentence, shown by the field
    fields: Mapping[str, Any]  # the input's fields, for labels and help
    action: str  # where the form posts


@dataclass(frozen=True)
class PriorityFormPage(StrategyForm):
    """``priorities/form.html``: a new priority or an edit."""

    priority: Any = None  # the stored priority, None for a new one
    owners: Sequence[tuple[int, str]] = ()


@dataclass(frozen=True)
class PriorityPageContext:
    """``priorities/detail.html`` (or its ``objectives`` block for htmx)."""

    page: strategy.PriorityPage
    p: Any  # the priority
    can_edit: bool
    charts: Mapping[int, Markup]  # KPI id → trend chart
    qty: Quantity
    objective_form: Mapping[str, Any] = field(default_factory=lambda: {"title": "", "error": None})
    kr_form: Mapping[str, Any] | None = None
    notice: str | None = None


@dataclass(frozen=True)
class KpiListPage:
    """``kpis/list.html``: the KPI catalogue."""

    rows: Sequence[strategy.KpiRow]
    show_archived: bool
    can_edit: bool
    choices: Mapping[str, Sequence[tuple[str, str]]]
    qty: Quantity


@dataclass(frozen=True)
class KpiFormPage(StrategyForm):
    """``kpis/form.html``: a new KPI or an edit."""

    kpi: Any = None  # the stored KPI, None for a new one
    choices: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    priorities: Sequence[Any] = ()


@dataclass(frozen=True)
class KpiPageContext:
    """``kpis/detail.html``."""

    page: strategy.KpiPage
    k: Any  # the KPI
    card: strategy.KpiCard
    chart: Markup
    can_edit: bool
    choices: Mapping[str, Mapping[str, str]]
    qty: Quantity


@dataclass(frozen=True)
class KpiArchivePage:
    """``kpis/archive.html``: the confirmation, listing what uses the KPI."""

    k: Any
    usage: strategy.KpiUsage


# --- programs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramListPage:
    """``programs/list.html``."""

    rows: Sequence[ProgramListItem]
    can_run: bool
    evidence_words: Mapping[str, str]
    show_archived: bool = False  # archived programs listed too (?archived=1)


@dataclass(frozen=True)
class ProgramPage:
    """``programs/detail.html``: the three tiers, the estimate and the evaluation setup."""

    program: Any
    impact: ProgramImpact
    view: ProgramView
    can_run: bool
    design_choices: Sequence[tuple[str, str]]
    design_words: Mapping[str, str]
    setup: ProgramSetup
    setup_design_choices: Sequence[Any]
    setup_max: int
    setup_max_length: int
    setup_values: Mapping[str, Any]  # the design and behaviour slots shown in the form
    setup_error: str | None
    setup_errors: Mapping[str, str]
    intent: Any = None  # services.programs.CanvasView: the statement of intent
    viewing_result: int | None = None  # a past stored result shown at its own address
    latest_result_id: int | None = None


@dataclass(frozen=True)
class UnalignedProgramPage:
    """``programs/unaligned.html``: a program with no metric that matters (one that came in
    with an enrolment import, say) opens, says so and offers the link."""

    program: Any
    intent: programs.CanvasView  # its statement of intent, as far as it goes
    can_edit: bool


@dataclass(frozen=True)
class ProgramFormPage:
    """``programs/form.html``: a new program (directly or from an accepted request) or an edit."""

    program: Any  # the stored program, None for a new one
    values: Mapping[str, str]  # typed, stored, or the request's defaults
    request_id: int | None  # the accepted request a new program answers
    priorities: Sequence[Any]
    kpis: Sequence[Any]
    error: str | None  # the whole message of a refusal
    errors: Mapping[str, str]  # field → sentence, shown by the field


@dataclass(frozen=True)
class ProgramDesignPage:
    """``programs/design.html``: the Five Ps canvas and statement of intent, fully loaded costs
    and the pre-mortem."""

    program: Any
    view: programs.CanvasView
    typed: Mapping[str, Any]  # the canvas as typed (or stored), with behaviour ``slots``
    formats: Mapping[str, str]  # format code → label
    costs: programs.CostsInUse  # what the ROI counts now, and where it comes from
    cost_labels: Mapping[str, str]
    risks: Sequence[Any]
    risk_levels: Sequence[str]
    risk_statuses: Mapping[str, str]
    premortem_question: str
    premortem_example: str
    can_edit: bool
    error: str | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    section: str = ""  # the section whose form was refused: canvas, costs or risks


@dataclass(frozen=True)
class PilotPage:
    """``programs/pilot.html``: plan, lottery, launch and registrations, the grade, and the
    scale / adapt / stop decision with the program's history."""

    program: Any
    statement: str  # the statement of intent, as the design page shows it
    stored: programs.StoredPlan
    registrations: Sequence[programs.Registration]  # newest first
    grade: GradedResult | None
    history: Sequence[Any]  # program transitions, oldest first
    teams: Sequence[tuple[int, str]]
    assign_labels: Mapping[str, str]
    decision_labels: Mapping[str, str]
    can_edit: bool
    typed: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class ObservePage:
    """``programs/observe.html``: a manager records 30/60/90-day observations for reports."""

    program: Any
    people: Sequence[programs.Observable]
    behaviours: Sequence[str]  # the program's target behaviours
    today: str  # ISO date, the form's default
    typed: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


# --- briefs and the leadership view ----------------------------------------------------------


@dataclass(frozen=True)
class BriefPage:
    """``briefs/program.html``: the one-page brief, its downloads, results and pin."""

    brief: ProgramBriefView
    results: Sequence[ResultLine]  # every stored result, newest first
    can_pin: bool
    pinned_result_id: int | None
    chosen: int | None  # the result asked for in the address, if any


@dataclass(frozen=True)
class LeadershipPage:
    """``leadership.html``: priorities → KPIs → programs → results, with the filters."""

    view: LeadershipView
    periods: Mapping[str, tuple[str, int | None]]
    charts: Mapping[int, Markup]  # KPI id → its trend with the programs' start dates
    results: Mapping[int, Any]  # program id → reports.leadership_view.ResultWords


@dataclass(frozen=True)
class MyHomePage:
    """``home_mine.html``: an employee's or manager's own work."""

    actor: Actor
    work: MyWork
    requests: Sequence[RequestSummary]
    request_count: int
    priorities: Sequence[Any]


# --- administration ------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminAccountsPage:
    """``admin/accounts.html``: every account, for administrators."""

    rows: Sequence[accounts.AccountRow]


@dataclass(frozen=True)
class XapiCredentialsPage:
    """``admin/xapi.html``: the xAPI sources' credentials; ``new`` is the one just made (its
    secret shown this once), ``error`` and ``name`` a refused name with its sentence."""

    rows: Sequence[XapiCredential]
    endpoint: str
    new: NewXapiCredential | None = None
    error: str = ""
    name: str = ""


@dataclass(frozen=True)
class AdminAccountPage:
    """``admin/account.html``: one account and what an administrator can change on it."""

    row: accounts.AccountRow
    tokens: Sequence[accounts.TokenInfo]
    departments: Sequence[tuple[int, str]]
    is_self: bool  # the administrator's own account
    min_password: int = accounts.MIN_PASSWORD


# --- imports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportUploadPage:
    """``imports/upload.html``: the upload form, recent jobs and recent imports."""

    kinds: Mapping[str, str]  # kind -> label
    jobs: Sequence[JobView]
    runs: Sequence[Any]  # stored import runs, newest first
    error: str | None
    kind: str  # the kind chosen before a refusal
    max_upload_mb: int


@dataclass(frozen=True)
class ImportJobPage:
    """``imports/job.html``: one job's progress (its ``job_status`` block is polled)."""

    job: JobView
    kinds: Mapping[str, str]


@dataclass(frozen=True)
class ImportReportPage:
    """``imports/report.html``: one import's counts and rejected rows."""

    run: Any
    problems: Sequence[tuple[int, str, str, str]]  # line, column, value, reason
    hidden: int  # rejected rows stored but not shown on the page
    unlisted: str  # the sentence about rejected rows not stored at all
    kinds: Mapping[str, str]


# --- privacy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivacyHomePage:
    """``privacy/home.html``: find a person, and what retention would do today."""

    q: str
    people: Sequence[Any]  # employees matching ``q``
    retention: RetentionOutcome  # a dry run


@dataclass(frozen=True)
class PrivacyPersonPage:
    """``privacy/person.html``: what is held about one person, export and erasure."""

    person: Any
    held: Mapping[str, int]  # kind of record -> rows
    erased: bool


@dataclass(frozen=True)
class ErasurePage:
    """``privacy/erase.html``: the confirmation step of an erasure."""

    person: Any
    delete_facts: bool
    error: str | None = None


@dataclass(frozen=True)
class AuditTrailPage:
    """``privacy/audit.html``: one page of the audit trail with its filters."""

    page: AuditPage
    query: str  # the filters as a query string, for the CSV link
    filters_query: str  # the same, ready to prefix ``page=`` in the pager
