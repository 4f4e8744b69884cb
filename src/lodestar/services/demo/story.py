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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from lodestar.db.models import User
from lodestar.services import accounts, strategy
from lodestar.services.demo.story_requests_accepted import ACCEPTED
from lodestar.services.demo.story_requests_new import NEW_REQUESTS
from lodestar.services.demo.story_requests_programs import PROGRAM_REQUESTS
from lodestar.services.demo.story_requests_queue import QUEUED_REQUESTS
from lodestar.services.demo.story_requests_redirected import REDIRECTED_AND_DECLINED
from lodestar.services.demo.story_script import RequestSpec, play
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
)


@dataclass(frozen=True)
class SeededOrg:
    """Ids of the organisation structure already loaded."""

    department_ids: dict[str, int]  # by department code: sales, service, engineering, ...
    team_ids: list[int] = field(default_factory=list)  # by team index of the generator


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


def write_requests(session: Session, org: SeededOrg, handles: StoryHandles) -> int:
    """Play every scripted request through the services; return how many were written.

    Ages count back from a full hour shortly before now, so "raised 12 days ago" stays true
    whenever the demo is seeded, and no step lies in the future.
    """
    anchor = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    for spec in REQUESTS:
        play(session, spec, handles, anchor)
    return len(REQUESTS)
