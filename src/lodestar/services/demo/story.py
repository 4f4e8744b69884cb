"""The demo company's story: personas, must-wins, KPIs, OKRs and the training requests.

Everything is written through the real services (accounts, strategy, intake, diagnosis), so
the demo shows what a user would have produced, history and audit trail included. The story
depends only on the department codes, never on how many employees were generated, and it
has no randomness: the same call gives the same story.

- :mod:`.story_strategy` holds the four must-wins, their OKRs and the seven KPIs;
- the thirty training requests, by where they stand: :mod:`.story_requests_new` (drafts,
  needs information), :mod:`.story_requests_queue` (submitted, in diagnosis),
  :mod:`.story_requests_accepted`, :mod:`.story_requests_programs` (in design, pilot) and
  :mod:`.story_requests_redirected` (redirected to a non-training fix, declined);
- :mod:`.story_script` plays a request through the services and dates its steps.

Manager and employee personas are linked to generated employees (``PERSONA_EMPLOYEES``), who
take the persona's name and email, and the planted programs that answer a story request
point at it (``PROGRAM_REQUEST_TITLES``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lodestar.analytics.demo import CONSULTATIVE_DISCOVERY, FCR_PILOT
from lodestar.db.models import Employee, Program, TrainingRequest, User
from lodestar.services import accounts, strategy
from lodestar.services.demo.story_requests_accepted import ACCEPTED
from lodestar.services.demo.story_requests_new import NEW_REQUESTS
from lodestar.services.demo.story_requests_programs import PROGRAM_REQUESTS
from lodestar.services.demo.story_requests_queue import QUEUED_REQUESTS
from lodestar.services.demo.story_requests_redirected import REDIRECTED_AND_DECLINED
from lodestar.services.demo.story_script import STORY_END, RequestSpec, play
from lodestar.services.demo.story_strategy import KPIS, PRIORITIES

COMPANY = "Brightwater Supply Co."
DEMO_PASSWORD = "brightwater-demo"

# The KPI codes the fact generator (analytics.demo) writes observations for.
KPI_CODES = (
    "sales_conversion",
    "avg_deal_size",
    "repeat_contact_rate",
    "csat",
    "time_to_productivity",
    "voluntary_attrition",
    "time_to_market",
    "order_lines_per_hour",
)


@dataclass(frozen=True)
class SeededOrg:
    """Ids of the organisation structure already loaded."""

    department_ids: dict[str, int]  # by department code: sales, service, engineering, ...
    team_ids: list[int] = field(default_factory=list)  # by team index of the generator
    head_employee_ids: dict[str, int] = field(default_factory=dict)  # by department code
    team_manager_ids: list[int] = field(default_factory=list)  # by team index
    team_departments: list[str] = field(default_factory=list)  # department code by team index
    # One long-serving member per member job title ("Customer Service Agent", ...).
    member_ids_by_title: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryHandles:
    users: dict[str, User]  # by persona key
    priority_ids: dict[str, int]  # by priority key
    kpi_ids: dict[str, int]  # by KPI code (every code in KPI_CODES)


# The first persona of each role is the one tests and one-click sign-in pick for that role,
# so the order matters: admin, Priya (ld), Tomás (manager), Helen (executive), Jonas (employee).
PERSONAS: tuple[tuple[str, str, str, str, str | None, str], ...] = (
    # key, name, email, role, department code, job title
    (
        "admin",
        "Morgan Blake",
        "admin@brightwater.example",
        "admin",
        "people",
        "Systems Administrator",
    ),
    ("ld", "Priya Natarajan", "priya@brightwater.example", "ld", "people", "Head of Learning"),
    ("sales_mgr", "Tomás Reyes", "tomas@brightwater.example", "manager", "sales", "Sales Director"),
    (
        "service_mgr",
        "Aisha Bello",
        "aisha@brightwater.example",
        "manager",
        "service",
        "Head of Customer Service",
    ),
    (
        "exec",
        "Helen Okafor",
        "helen@brightwater.example",
        "executive",
        "operations",
        "Chief Operating Officer",
    ),
    (
        "employee",
        "Jonas Lindqvist",
        "jonas@brightwater.example",
        "employee",
        "service",
        "Customer Service Agent",
    ),
    ("ld_partner", "Kofi Mensah", "kofi@brightwater.example", "ld", "people", "Learning Partner"),
    (
        "sales_mgr_south",
        "Grace Whitfield",
        "grace@brightwater.example",
        "manager",
        "sales",
        "Regional Sales Manager, South",
    ),
    (
        "eng_mgr",
        "Lena Hoffmann",
        "lena@brightwater.example",
        "manager",
        "engineering",
        "Head of Engineering",
    ),
    (
        "ops_mgr",
        "Marek Nowak",
        "marek@brightwater.example",
        "manager",
        "operations",
        "Head of Warehouse Operations",
    ),
    ("hr_mgr", "Sofia Ricci", "sofia@brightwater.example", "manager", "people", "HR Director"),
    (
        "cfo",
        "Daniel Aho",
        "daniel@brightwater.example",
        "executive",
        None,
        "Chief Financial Officer",
    ),
    (
        "employee_sales",
        "Elif Demir",
        "elif@brightwater.example",
        "employee",
        "sales",
        "Account Executive",
    ),
)

# Which generated employee each persona is, so the org chart and the account agree: "head"
# is the head of the persona's department, "team lead" the manager of its second team, and
# a job title a long-serving member with that title. That employee is renamed to the persona.
PERSONA_EMPLOYEES: dict[str, str] = {
    "sales_mgr": "head",
    "service_mgr": "head",
    "eng_mgr": "head",
    "ops_mgr": "head",
    "hr_mgr": "head",
    "sales_mgr_south": "team lead",
    "employee": "Customer Service Agent",
    "employee_sales": "Account Executive",
}

# The planted programs (``analytics.demo.PROGRAMS``) that answer a story request, by program
# code: the request's title. The other four planted programs were never requested.
PROGRAM_REQUEST_TITLES: dict[str, str] = {
    CONSULTATIVE_DISCOVERY.code: "Discovery-call coaching for account executives",
    FCR_PILOT.code: "First-contact resolution for tier-1 agents",
}

# Open requests first, then the decided ones; the order fixes the ids.
REQUESTS: tuple[RequestSpec, ...] = (
    NEW_REQUESTS + QUEUED_REQUESTS + ACCEPTED + PROGRAM_REQUESTS + REDIRECTED_AND_DECLINED
)


def write_people_and_strategy(session: Session, org: SeededOrg) -> StoryHandles:
    """Create the personas, the must-wins with their OKRs, and a KPI for every code."""
    users: dict[str, User] = {}
    for key, name, email, role, dept, title in PERSONAS:
        users[key] = accounts.create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            department_id=org.department_ids[dept] if dept else None,
            job_title=title,
            fast_hash=True,  # demo passwords are public; authenticate() verifies either hash
        )
    _link_personas_to_employees(session, org, users)
    ld = accounts.actor_of(users["ld"])
    priority_ids: dict[str, int] = {}
    for p in PRIORITIES:
        prio = strategy.create_priority(
            session,
            ld,
            strategy.PriorityInput(
                title=p.title,
                description=p.description,
                owner_id=users[p.owner].id,
                start_year=p.start_year,
                end_year=p.end_year,
            ),
        )
        priority_ids[p.key] = prio.id
    kpi_ids: dict[str, int] = {}
    for priority_key, data in KPIS:
        kpi = strategy.create_kpi(
            session, ld, data.model_copy(update={"priority_id": priority_ids[priority_key]})
        )
        kpi_ids[kpi.code] = kpi.id
    missing = set(KPI_CODES) - set(kpi_ids)
    if missing:
        raise RuntimeError(f"The story defines no KPI for: {', '.join(sorted(missing))}.")
    for p in PRIORITIES:
        for o in p.objectives:
            obj = strategy.add_objective(
                session, ld, priority_ids[p.key], strategy.ObjectiveInput(title=o.title)
            )
            for kr in o.key_results:
                strategy.add_key_result(
                    session,
                    ld,
                    obj.id,
                    strategy.KeyResultInput(
                        description=kr.description,
                        kpi_id=kpi_ids[kr.kpi],
                        target=kr.target,
                        due_date=kr.due,
                    ),
                )
    return StoryHandles(users=users, priority_ids=priority_ids, kpi_ids=kpi_ids)


def _persona_employee(org: SeededOrg, dept: str | None, position: str) -> int | None:
    """The employee id a persona stands for (see ``PERSONA_EMPLOYEES``), if the org has one."""
    if dept is None:
        return None
    if position == "head":
        return org.head_employee_ids.get(dept)
    if position == "team lead":
        leads = [
            m
            for m, d in zip(org.team_manager_ids, org.team_departments, strict=True)
            if d == dept and m != org.head_employee_ids.get(dept)
        ]
        return leads[0] if leads else None
    return org.member_ids_by_title.get(position)


def _link_personas_to_employees(session: Session, org: SeededOrg, users: dict[str, User]) -> None:
    """Set each persona's ``employee_id`` and give that employee the persona's name and email."""
    departments = {key: dept for key, _, _, _, dept, _ in PERSONAS}
    for key, position in PERSONA_EMPLOYEES.items():
        employee_id = _persona_employee(org, departments[key], position)
        if employee_id is None:  # a small org may lack a second team
            continue
        user = users[key]
        session.execute(
            update(Employee)
            .where(Employee.id == employee_id)
            .values(name=user.name, email=user.email)
        )
        user.employee_id = employee_id


def link_programs_to_requests(session: Session) -> int:
    """Point each planted program that answers a story request at it; return how many."""
    linked = 0
    for code, title in PROGRAM_REQUEST_TITLES.items():
        request_id = session.scalar(
            select(TrainingRequest.id).where(TrainingRequest.title == title)
        )
        if request_id is not None:
            session.execute(
                update(Program).where(Program.code == code).values(request_id=request_id)
            )
            linked += 1
    return linked


def write_requests(session: Session, org: SeededOrg, handles: StoryHandles) -> int:
    """Play every scripted request through the services; return how many were written.

    Ages count back from the end of the KPI history (``story_script.STORY_END``), not from the
    wall clock, so a request's dates agree with the data and with the programs it became.
    """
    for spec in REQUESTS:
        play(session, spec, handles, STORY_END)
    return len(REQUESTS)
