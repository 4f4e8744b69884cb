"""Brightwater Supply Co.: a deterministic demo organisation with planted program effects.

Pure: ``build_organisation(employees, seed)`` takes a size and a seed and returns frames
(departments, job roles, teams, employees, weekly KPI history, programs, enrolments) and
the complete *truth* behind them. No database, no files: ``services.demo`` loads the frames.
Rows refer to each other by position (``*_idx`` columns, 0-based); the loader maps
positions to database ids. The same ``(employees, seed)`` always gives the same frames.

The company
    Five departments (sales, service, engineering, operations, people), teams of about
    8–14 people, each led by one of its members (the first team of a department is led by
    the department head, to whom the other team leads report). ``employees`` is the number
    of *positions*: about that many people are employed in any week. Over the 104 weeks
    (Mondays from 2024-11-25 to 2026-11-16) people leave — voluntarily at about 9–16 % a
    year depending on the department, involuntarily at 2–4 % — and each leaver is replaced
    after a vacancy of a few weeks; about 4 % of positions are newly created during the
    history. Team leads and heads stay in post for the two years. In-window hires start on
    a Monday and leave on a Friday, so a person is present in week ``w`` exactly when
    ``hire_date <= monday(w) <= exit_date``.

Every person has a latent *ability* ``a ~ N(0, 1)``; the performance rating is
``clip(round(3.1 + 0.55 a + N(0, 0.35), 1), 1, 5)``. A KPI's subject effect is
``sd * (loading * a + sqrt(1 - loading**2) * e)``, so it correlates with the rating.

KPIs (observations exist only for people present that week; an unbalanced panel)
    sales_conversion (sales reps, weekly, %): meetings ``m ~ Poisson(7 * exp(0.2 z))``
        (x0.35 over the year-end holidays); weeks without a meeting have no row.
        ``p = 24 + subject(4.0) + team(1.5) + dept-week(0.8) + 1.5 [last 3 weeks of a
        quarter] + 0.5 pp/year trend - 10 exp(-tenure/tau) + planted effect``;
        value = ``100 Binomial(m, p/100) / m``, weight = ``m``.
    avg_deal_size (sales reps, weekly, EUR): only weeks with at least one proposal
        (``k`` = conversions); value = ``mu + N(0, 2500/sqrt(k))`` with
        ``mu = 9000 + subject(1800) + team(400) + 540 in Q4 + 180/year + planted effect``
        (additive, so trends are parallel in euros).
    repeat_contact_rate (service agents, weekly, %, lower is better): contacts
        ``c ~ Poisson(110 exp(0.15 z) (1 - 0.5 ramp))``; ``r = 18 + subject(2.5, better
        agents lower) + team(1.0) + dept-week(0.7) + 1.5 [January] + 3.0 [outage weeks
        70–73] + 6 ramp + planted effect``; value = ``100 Binomial(c, r/100) / c``.
    csat (service agents, weekly, % of surveyed customers satisfied): responses
        ``k ~ Poisson(0.12 c)``; ``q = 84 + subject(3.0) + team(1.0) + dept-week(0.6)
        - 4.0 [outage] - 5 ramp + planted effect``; value = ``100 Binomial(k, q/100)/k``.
    time_to_productivity (every department, days, lower is better): one row per person
        hired during the history, in the week they reach 90 % of full productivity
        (``ceil(7 tau ln 10)`` days after the hire, ``tau = ramp_weeks * exp(0.2 z - 0.15
        a)``), written only if that week is inside the history and before they leave.
        ``ramp = exp(-tenure_weeks / tau)`` is the same curve the weekly KPIs use.
    voluntary_attrition (team grain, monthly, % annualised): voluntary leavers in the
        calendar month / mean weekly headcount x 12 x 100; weight = mean headcount; the
        23 complete months (2024-12 … 2026-10), period = the 1st of the month.
    time_to_market (engineering teams, monthly, weeks): releases ``n ~ 1 + Poisson(1)``;
        value = ``10 + team(2.0) - 0.6/year + N(0, 2.5/sqrt(n))``, weight = ``n``.

Planted programs (see ``PROGRAMS``; the full truth is ``DemoOrganisation.truth``)
    consultative_discovery — staggered roll-out by team in up to four cohorts (weeks 40,
        52, 64, 76), about a quarter of the sales teams never treated; effect on the
        conversion probability ``3.0 * min(1, (e + 1) / 4)`` pp at ``e`` weeks after the
        cohort's start. Estimand: ATT = mean planted effect over the participants'
        observed post-start weeks (each observed employee-week counts once).
    fcr_pilot — randomised: in a random half of the service teams, agents present at
        week 58 (and hired at least 8 weeks before) are randomised within team to
        participant / comparison; effect -1.8 pp on repeat contacts from week 58.
    negotiation_masterclass — hand-picked: in each sales team the managers pick the
        top 20 % of reps by ``z(rating) + z(mean deal size, 26 pre weeks) + N(0, 0.5)``;
        true effect +200 EUR from week 66, so a naive comparison shows a large false gap.
    mindful_webinars — no effect: about 30 % of service agents volunteer (more likely
        with a high csat subject effect); true effect 0 on csat from week 30.

This module is long for one reason: it is the one place the demo company's story lives,
and the truth dictionary must sit next to the equations it describes.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from lodestar.errors import InvalidInput

Design = Literal["staggered", "randomised", "selected_on_observables", "no_effect"]
KpiGroup = Literal["sales_rep", "service_agent"]

COMPANY = "Brightwater Supply Co."
EMAIL_DOMAIN = "brightwater.example"
FIRST_WEEK = date(2024, 11, 25)  # a Monday
HISTORY_WEEKS = 104
LAST_WEEK = FIRST_WEEK + timedelta(weeks=HISTORY_WEEKS - 1)  # 2026-11-16
MIN_EMPLOYEES = 50
MAX_EMPLOYEES = 1_000_000
MIN_DEPARTMENT = 8
TEAM_SIZE_RANGE = (8, 14)
NEW_POSITION_SHARE = 0.04
GENERATOR_VERSION = 1
# The KPIs this generator writes observations for (the story's KPI_CODES must match).
KPI_CODES = (
    "sales_conversion",
    "avg_deal_size",
    "repeat_contact_rate",
    "csat",
    "time_to_productivity",
    "voluntary_attrition",
    "time_to_market",
)

_FIRST = np.datetime64(FIRST_WEEK.isoformat(), "D")
WEEK_MONDAYS: np.ndarray = _FIRST + 7 * np.arange(HISTORY_WEEKS)


@dataclass(frozen=True)
class DepartmentSpec:
    """One department: its size, roles, attrition and how long newcomers take to ramp up."""

    code: str
    name: str
    share: float
    head_title: str
    lead_title: str
    roles: tuple[tuple[str, float], ...]  # member job titles and their shares
    kpi_group: KpiGroup | None
    voluntary_rate: float  # annual probability of leaving voluntarily
    involuntary_rate: float
    ramp_weeks: float  # tau of the ramp-up curve exp(-tenure / tau)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.head_title, self.lead_title, *(r for r, _ in self.roles))


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "sales", "Sales", 0.18, "Sales Director", "Sales Team Lead",
        (("Account Executive", 0.7), ("Senior Account Executive", 0.3)),
        "sales_rep", 0.14, 0.04, 6.0,
    ),
    DepartmentSpec(
        "service", "Customer Service", 0.30, "Head of Customer Service",
        "Customer Service Team Lead",
        (("Customer Service Agent", 0.8), ("Senior Customer Service Agent", 0.2)),
        "service_agent", 0.16, 0.03, 4.0,
    ),
    DepartmentSpec(
        "engineering", "Engineering", 0.22, "Head of Engineering", "Engineering Manager",
        (("Software Engineer", 0.55), ("Senior Software Engineer", 0.3),
         ("Quality Engineer", 0.15)),
        None, 0.10, 0.02, 8.0,
    ),
    DepartmentSpec(
        "operations", "Operations", 0.24, "Head of Operations", "Operations Team Lead",
        (("Warehouse Associate", 0.6), ("Logistics Coordinator", 0.25),
         ("Procurement Buyer", 0.15)),
        None, 0.13, 0.03, 3.0,
    ),
    DepartmentSpec(
        "people", "HR & L&D", 0.06, "Head of People", "People Team Lead",
        (("HR Business Partner", 0.4), ("Learning Partner", 0.35), ("Recruiter", 0.25)),
        None, 0.09, 0.02, 5.0,
    ),
)  # fmt: skip

TEAM_SITES = (
    "Rotterdam", "Leeds", "Lyon", "Porto", "Gdańsk", "Dublin", "Valencia", "Hamburg",
    "Turin", "Aarhus", "Brno", "Tampere",
)  # fmt: skip

FIRST_NAMES = (
    "Amara", "Kwame", "Chiamaka", "Tunde", "Zanele", "Sipho", "Fatima", "Youssef", "Layla",
    "Omar", "Leila", "Karim", "Noor", "Tariq", "Priya", "Arjun", "Ananya", "Rohan", "Meera",
    "Vikram", "Aditi", "Sanjay", "Farah", "Imran", "Mei", "Wei", "Jun", "Hana", "Kenji",
    "Yuki", "Min-jun", "Seo-yeon", "Linh", "Minh", "Siti", "Rizal", "Mateo", "Valentina",
    "Camila", "Santiago", "Lucía", "Diego", "Isabela", "Thiago", "Gabriela", "Joaquín",
    "Sofía", "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Chloe", "Lucas", "Maya",
    "Jonas", "Freya", "Astrid", "Magnus", "Ingrid", "Eero", "Aino", "Lars", "Sanne", "Daan",
    "Femke", "Bram", "Léa", "Hugo", "Chloé", "Théo", "Giulia", "Marco", "Francesca",
    "Luca", "Chiara", "Katarzyna", "Piotr", "Zofia", "Tomasz", "Ana", "João", "Inês",
    "Rui", "Elena", "Andrei", "Ioana", "Mihai", "Nikos", "Eleni", "Aylin", "Emre", "Zeynep",
    "Dmitri", "Oksana", "Taras", "Siobhán", "Cian", "Aoife", "Rhys", "Nia", "Ewan", "Isla",
    "Kai", "Aroha", "Tane", "Malia", "Keoni", "Dawit", "Selam", "Abebe", "Nadia", "Hamid",
)  # fmt: skip

LAST_NAMES = (
    "Okafor", "Mensah", "Adeyemi", "Nkosi", "Dlamini", "Mwangi", "Haddad", "Mansour",
    "El-Amin", "Farouk", "Rahman", "Haidari", "Sharma", "Patel", "Iyer", "Reddy", "Gupta",
    "Chatterjee", "Khan", "Siddiqui", "Chen", "Wang", "Li", "Zhang", "Tanaka", "Sato",
    "Suzuki", "Kim", "Park", "Nguyen", "Tran", "Santoso", "Garcia", "Rodríguez",
    "Fernández", "López", "Martínez", "Silva", "Santos", "Oliveira", "Pereira", "Costa",
    "Herrera", "Castillo", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Walker",
    "Murphy", "O'Brien", "Kelly", "Byrne", "Evans", "Jones", "MacLeod", "Campbell",
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Dubois", "Lefèvre", "Moreau", "Laurent", "Rossi",
    "Russo", "Ferrari", "Esposito", "Bianchi", "Nowak", "Kowalski", "Wiśniewski",
    "Novák", "Dvořák", "Horváth", "Popescu", "Ionescu", "Papadopoulos", "Yılmaz",
    "Demir", "Kaya", "Ivanova", "Kovalenko", "Shevchenko", "Johansson", "Lindqvist",
    "Nielsen", "Hansen", "Virtanen", "Korhonen", "Andersen", "Berg", "Tesfaye",
    "Bekele", "Alemu", "Ngata", "Kealoha", "Cohen", "Levi", "Mizrahi",
)  # fmt: skip


@dataclass(frozen=True)
class ShareModel:
    """A weekly share KPI in %: ``100 * Binomial(volume, level / 100) / volume``, where
    ``level = base + subject + team + department-week shock + calendar - ramp_penalty * ramp
    + planted effect``, clipped to ``clip`` before the draw."""

    kpi_code: str
    base: float
    subject_sd: float
    ability_loading: float  # correlation of the subject effect with ability
    team_sd: float
    week_sd: float
    ramp_penalty: float  # points lost at tenure 0, fading as exp(-tenure / tau)
    calendar: tuple[tuple[str, float], ...]  # (calendar flag, points added in those weeks)
    volume: str  # what the weight column counts
    clip: tuple[float, float] = (1.0, 99.0)


SALES_CONVERSION = ShareModel(
    "sales_conversion", 24.0, 4.0, 0.6, 1.5, 0.8, 10.0,
    (("quarter_end", 1.5), ("years", 0.5)), "meetings",
)  # fmt: skip
REPEAT_CONTACTS = ShareModel(
    "repeat_contact_rate", 18.0, 2.5, -0.5, 1.0, 0.7, -6.0,
    (("january", 1.5), ("outage", 3.0)), "contacts", (0.5, 95.0),
)  # fmt: skip
CSAT = ShareModel(
    "csat", 84.0, 3.0, 0.5, 1.0, 0.6, 5.0, (("outage", -4.0),), "survey responses", (5.0, 99.5)
)


@dataclass(frozen=True)
class DealSizeModel:
    """Average deal size (EUR) in a week with ``k`` proposals: ``mu + N(0, noise / sqrt(k))``
    with ``mu = base + subject + team + calendar + planted effect`` (additive, so trends are
    parallel in euros), at least ``floor``."""

    base: float = 9000.0
    subject_sd: float = 1800.0
    ability_loading: float = 0.6
    team_sd: float = 400.0
    noise_sd_per_deal: float = 2500.0
    calendar: tuple[tuple[str, float], ...] = (("q4", 540.0), ("years", 180.0))
    floor: float = 300.0


DEAL_SIZE = DealSizeModel()
OUTAGE_WEEKS = (70, 71, 72, 73)  # a delivery-tracking outage floods customer service
TIME_TO_MARKET = {"base_weeks": 10.0, "team_sd": 2.0, "trend_per_year": -0.6, "noise_sd": 2.5}


@dataclass(frozen=True)
class ProgramSpec:
    """A planted program: who takes part, from when, and what it truly does to its KPI."""

    code: str
    name: str
    description: str
    kpi_code: str
    design: Design
    status: str
    rollout: str
    start_weeks: tuple[int, ...]
    effect: float  # full effect in KPI units
    unit: str
    cost_per_participant: float
    target_change: float


CONSULTATIVE_DISCOVERY = ProgramSpec(
    "consultative_discovery", "Consultative Discovery",
    "Reps practise discovery questions on live deals with a call-review prompt in the CRM.",
    "sales_conversion", "staggered", "scaled", "staggered by team",
    (40, 52, 64, 76), 3.0, "percentage points", 450.0, 4.0,
)  # fmt: skip
FCR_PILOT = ProgramSpec(
    "fcr_pilot", "First-Contact Resolution pilot",
    "Agents get a resolution checklist and a prompt before closing a contact.",
    "repeat_contact_rate", "randomised", "pilot", "randomised pilot",
    (58,), -1.8, "percentage points", 180.0, -2.5,
)  # fmt: skip
NEGOTIATION = ProgramSpec(
    "negotiation_masterclass", "Negotiation Masterclass",
    "A three-day masterclass for reps their managers nominate.",
    "avg_deal_size", "selected_on_observables", "scaled", "manager nomination",
    (66,), 200.0, "EUR", 1200.0, 1000.0,
)  # fmt: skip
MINDFUL = ProgramSpec(
    "mindful_webinars", "Mindful Productivity webinar series",
    "Six optional lunchtime webinars on focus and stress.",
    "csat", "no_effect", "stopped", "open enrolment",
    (30,), 0.0, "percentage points", 60.0, 2.0,
)  # fmt: skip
PROGRAMS = (CONSULTATIVE_DISCOVERY, FCR_PILOT, NEGOTIATION, MINDFUL)

CD_RAMP_WEEKS = 4
CD_NEVER_SHARE = 0.25
FCR_MIN_PRE_WEEKS = 8
NEGOTIATION_PICK_SHARE = 0.2
NEGOTIATION_PRE_WEEKS = 26
MINDFUL_SIGNUP = (-1.0, 0.6)  # logit intercept, slope per sd of the csat subject effect


@dataclass(frozen=True)
class DemoOrganisation:
    """Frames ready for bulk loading, plus the truth the tests check recovery against.

    Frames and their columns (``*_idx`` are 0-based row positions in the named frame):
    departments(code, name); job_roles(title, department_idx);
    teams(name, department_idx, manager_employee_idx);
    employees(external_id, name, email, team_idx, job_role_idx, manager_idx, hire_date,
    exit_date, exit_reason, performance_rating) — managers come before their reports;
    kpi_observations(kpi_code, employee_idx, team_idx, period, value, weight);
    programs(code, name, description, kpi_code, status, rollout, start_date,
    cost_per_participant, baseline, target, horizon_date);
    enrolments(program_code, employee_idx, group, cohort, start_date, completed_on).
    """

    departments: pd.DataFrame
    job_roles: pd.DataFrame
    teams: pd.DataFrame
    employees: pd.DataFrame
    kpi_observations: pd.DataFrame
    programs: pd.DataFrame
    enrolments: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)
    first_week: date = FIRST_WEEK
    last_week: date = LAST_WEEK


@dataclass(frozen=True)
class _Planted:
    """One planted program: its programs row, its enrolments, and its truth."""

    row: dict[str, Any]
    enrolments: pd.DataFrame
    truth: dict[str, Any]


# --- entry point ------------------------------------------------------------------------


def build_organisation(employees: int = 2000, seed: int = 42) -> DemoOrganisation:
    """Build Brightwater Supply Co. with ``employees`` positions; deterministic in the seed."""
    _check_size(employees, seed)
    names = ("structure", "people", "names", "sales", "service", "teams", "programs")
    streams = np.random.SeedSequence([seed, employees]).spawn(len(names))
    rng = {name: np.random.default_rng(s) for name, s in zip(names, streams, strict=True)}
    departments, job_roles = _departments_and_roles()
    seats, teams = _seats_and_teams(employees, rng["structure"])
    people = _name(_order(_people(seats, teams, rng["people"])), rng["names"])
    teams = _with_managers(teams, people)
    people["manager_idx"] = _manager_of(people, teams)
    sales_rows, sales_programs = _sales(people, teams, rng["sales"], rng["programs"])
    service_rows, service_programs = _service(people, teams, rng["service"], rng["programs"])
    planted = [*sales_programs, *service_programs]
    observations = pd.concat(
        [
            sales_rows,
            service_rows,
            _time_to_productivity(people),
            _voluntary_attrition(people, len(teams)),
            _time_to_market(teams, rng["teams"]),
        ],
        ignore_index=True,
    )
    return DemoOrganisation(
        departments=departments,
        job_roles=job_roles,
        teams=teams[["name", "department_idx", "manager_employee_idx"]],
        employees=_public_employees(people),
        kpi_observations=observations,
        programs=pd.DataFrame([p.row for p in planted]),
        enrolments=pd.concat([p.enrolments for p in planted], ignore_index=True),
        truth=_truth(employees, seed, {p.row["code"]: p.truth for p in planted}),
    )


def _check_size(employees: int, seed: int) -> None:
    if not isinstance(employees, int | np.integer) or isinstance(employees, bool):
        raise InvalidInput(f"The number of employees must be a whole number, not {employees!r}.")
    if employees < MIN_EMPLOYEES:
        raise InvalidInput(
            f"The demo organisation needs at least {MIN_EMPLOYEES} employees so that every "
            f"department has a team; {employees} was asked for. Choose {MIN_EMPLOYEES} or more."
        )
    if employees > MAX_EMPLOYEES:
        raise InvalidInput(
            f"The demo organisation is limited to {MAX_EMPLOYEES:,} employees; {employees:,} "
            "was asked for. Choose a smaller size."
        )
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise InvalidInput(f"The seed must be a whole number of 0 or more, not {seed!r}.")


# --- structure: departments, roles, positions and teams ---------------------------------


def _departments_and_roles() -> tuple[pd.DataFrame, pd.DataFrame]:
    departments = pd.DataFrame(
        {"code": [d.code for d in DEPARTMENTS], "name": [d.name for d in DEPARTMENTS]}
    )
    roles = [(title, i) for i, d in enumerate(DEPARTMENTS) for title in d.titles]
    return departments, pd.DataFrame(roles, columns=["title", "department_idx"])


def _role_index(department: int, title: str) -> int:
    """Position of a job title in the job_roles frame."""
    offset = sum(len(d.titles) for d in DEPARTMENTS[:department])
    return offset + DEPARTMENTS[department].titles.index(title)


def _department_sizes(n: int) -> np.ndarray:
    """Positions per department: the shares of ``n``, at least MIN_DEPARTMENT each."""
    raw = np.array([d.share for d in DEPARTMENTS]) * n
    sizes: np.ndarray = np.floor(raw).astype(np.int64)
    sizes[np.argsort(-(raw - sizes), kind="stable")[: n - sizes.sum()]] += 1
    while (short := np.flatnonzero(sizes < MIN_DEPARTMENT)).size:
        need = MIN_DEPARTMENT - sizes[short[0]]
        sizes[short[0]] += need
        sizes[np.argmax(sizes)] -= need
    return sizes


def _team_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``n`` positions into teams of roughly 8–14 people."""
    low, high = TEAM_SIZE_RANGE
    n_teams = max(1, round(n / ((low + high) / 2 - 0.5)))
    raw = rng.integers(low, high + 1, n_teams).astype(float)
    sizes: np.ndarray = np.floor(raw / raw.sum() * n).astype(np.int64)
    short = n - sizes.sum()
    sizes[rng.permutation(n_teams)[: min(short, n_teams)]] += 1
    sizes[-1] += n - sizes.sum()
    return sizes


def _seats_and_teams(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions (seat 0 of each team is its manager's) and the teams they belong to.

    Seat ranks: 0 = department head (leads the first team), 1 = team lead, 2 = member.
    """
    seat_parts, team_parts = [], []
    teams_so_far = 0
    for d_idx, (spec, size) in enumerate(zip(DEPARTMENTS, _department_sizes(n), strict=True)):
        sizes = _team_sizes(int(size), rng)
        number = np.arange(sizes.size)
        sites = len(TEAM_SITES)
        names = [f"{spec.name} · {TEAM_SITES[k % sites]} {k // sites + 1}" for k in number]
        team_parts.append(pd.DataFrame({"name": names, "department_idx": d_idx}))
        team_in_dept = np.repeat(number, sizes)
        position = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        rank = np.where(position > 0, 2, np.where(team_in_dept == 0, 0, 1))
        shares = np.array([s for _, s in spec.roles])
        member_role = rng.choice(len(spec.roles), size=rank.size, p=shares / shares.sum())
        role_of_member = np.array([_role_index(d_idx, title) for title, _ in spec.roles])
        manager_role = np.where(
            rank == 0, _role_index(d_idx, spec.head_title), _role_index(d_idx, spec.lead_title)
        )
        role = np.where(rank == 2, role_of_member[member_role], manager_role)
        seat_parts.append(
            pd.DataFrame(
                {
                    "department_idx": d_idx,
                    "team_idx": teams_so_far + team_in_dept,
                    "rank": rank,
                    "job_role_idx": role,
                }
            )
        )
        teams_so_far += sizes.size
    seats = pd.concat(seat_parts, ignore_index=True)
    new = (seats["rank"].to_numpy() == 2) & (rng.random(len(seats)) < NEW_POSITION_SHARE)
    seats["opens_week"] = np.where(new, rng.integers(1, HISTORY_WEEKS, len(seats)), 0)
    teams = pd.concat(team_parts, ignore_index=True)
    teams["attrition_z"] = rng.standard_normal(len(teams))  # manager quality
    return seats, teams


# --- people: occupants of the positions over time ---------------------------------------


def _people(seats: pd.DataFrame, teams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Everyone who held a position, one generation of occupants at a time.

    A leaver's seat is refilled after ``1 + Poisson(4)`` weeks if that is still inside the
    history. Columns: seat attributes, ``hire_day`` (days from FIRST_WEEK; negative =
    before), ``last_week`` (last week present), ``exit_reason``, latent ``ability``,
    ``rating`` and ``ramp_tau`` (weeks).
    """
    rank = seats["rank"].to_numpy()
    opens = seats["opens_week"].to_numpy()
    managers = rank < 2
    tenure_years = np.where(
        managers, 2 + rng.exponential(5.0, len(seats)), rng.exponential(3.2, len(seats))
    )
    pre_history = -np.ceil(np.minimum(tenure_years, 30) * 365.25)
    hire_day = np.where(opens > 0, 7.0 * opens, pre_history)
    seat_idx = np.arange(len(seats))
    generations = []
    while seat_idx.size:
        generation = _occupy(seats, teams, seat_idx, hire_day, rng)
        generations.append(generation)
        left = generation["exit_reason"].notna().to_numpy()
        next_hire = generation["last_week"].to_numpy()[left] + 1 + rng.poisson(4.0, left.sum())
        refilled = next_hire < HISTORY_WEEKS
        seat_idx = generation["seat"].to_numpy()[left][refilled]
        hire_day = 7.0 * next_hire[refilled]
    return pd.concat(generations, ignore_index=True)


def _occupy(
    seats: pd.DataFrame,
    teams: pd.DataFrame,
    seat_idx: np.ndarray,
    hire_day: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One occupant per seat: ability, rating, ramp-up, and when (and why) they leave.

    Weekly exit hazards (exponential times): voluntary ``-ln(1 - rate)/52 * exp(0.3 z_team -
    0.2 a - 0.065)``, involuntary ``-ln(1 - rate)/52 * exp(-0.7 a - 0.245)``. Managers stay.
    """
    n = seat_idx.size
    seat = seats.iloc[seat_idx]
    dept = seat["department_idx"].to_numpy()
    rank = seat["rank"].to_numpy()
    ability = rng.standard_normal(n)
    team_z = teams["attrition_z"].to_numpy()[seat["team_idx"].to_numpy()]
    vol = np.array([d.voluntary_rate for d in DEPARTMENTS])[dept]
    inv = np.array([d.involuntary_rate for d in DEPARTMENTS])[dept]
    hazard_vol = -np.log1p(-vol) / 52 * np.exp(0.3 * team_z - 0.2 * ability - 0.065)
    hazard_inv = -np.log1p(-inv) / 52 * np.exp(-0.7 * ability - 0.245)
    t_vol, t_inv = rng.exponential(1 / hazard_vol), rng.exponential(1 / hazard_inv)
    first_week = np.maximum(np.ceil(hire_day / 7), 0)
    exit_week = np.floor(first_week + np.minimum(t_vol, t_inv))
    leaves = (exit_week < HISTORY_WEEKS) & (rank == 2)
    reason = np.where(t_vol < t_inv, "voluntary", "involuntary")
    ramp_weeks = np.array([d.ramp_weeks for d in DEPARTMENTS])[dept]
    rating = np.clip(np.round(3.1 + 0.55 * ability + rng.normal(0, 0.35, n), 1), 1, 5)
    return pd.DataFrame(
        {
            "seat": seat_idx,
            "department_idx": dept,
            "team_idx": seat["team_idx"].to_numpy(),
            "rank": rank,
            "job_role_idx": seat["job_role_idx"].to_numpy(),
            "hire_day": hire_day.astype(np.int64),
            "last_week": np.where(leaves, exit_week, HISTORY_WEEKS - 1).astype(np.int64),
            "exit_reason": pd.array(np.where(leaves, reason, np.array(None)), dtype="string"),
            "ability": ability,
            "rating": rating,
            "ramp_tau": ramp_weeks * np.exp(0.2 * rng.standard_normal(n) - 0.15 * ability),
        }
    )


def _order(people: pd.DataFrame) -> pd.DataFrame:
    """Heads, then team leads, then everyone else: managers precede their reports."""
    keys = ["rank", "department_idx", "team_idx", "hire_day", "seat"]
    return people.sort_values(keys, kind="stable", ignore_index=True)


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _name(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Names, unique emails, and external ids numbered in order of hiring."""
    n = len(people)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    firsts, lasts = np.array(FIRST_NAMES, dtype=object), np.array(LAST_NAMES, dtype=object)
    people["name"] = firsts[first] + " " + lasts[last]
    local = (
        np.array([_ascii(f) for f in FIRST_NAMES], dtype=object)[first]
        + "."
        + np.array([_ascii(s) for s in LAST_NAMES], dtype=object)[last]
    )
    repeat = pd.Series(local).groupby(local).cumcount().to_numpy()
    suffix = np.where(repeat > 0, (repeat + 1).astype(str), "").astype(object)
    people["email"] = local + suffix + "@" + EMAIL_DOMAIN
    number = np.empty(n, dtype=np.int64)
    number[np.argsort(people["hire_day"].to_numpy(), kind="stable")] = np.arange(1, n + 1)
    people["external_id"] = [f"BW{k:06d}" for k in number]
    return people


def _with_managers(teams: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each team's manager is the occupant of its first seat (managers never leave)."""
    managers = people.index[people["rank"].to_numpy() < 2].to_numpy()
    teams = teams.copy()
    teams["manager_employee_idx"] = -1
    teams.loc[people["team_idx"].to_numpy()[managers], "manager_employee_idx"] = managers
    return teams


def _manager_of(people: pd.DataFrame, teams: pd.DataFrame) -> pd.Series:
    """Members report to their team's manager, team leads to the head, heads to nobody."""
    rank = people["rank"].to_numpy()
    dept = people["department_idx"].to_numpy()
    team_manager = teams["manager_employee_idx"].to_numpy()[people["team_idx"].to_numpy()]
    head_of = np.full(len(DEPARTMENTS), -1)
    head_of[dept[rank == 0]] = np.flatnonzero(rank == 0)
    manager = np.where(rank == 2, team_manager, head_of[dept])
    return pd.Series(pd.array(manager, dtype="Int64")).mask(rank == 0)


def _public_employees(people: pd.DataFrame) -> pd.DataFrame:
    left = people["exit_reason"].notna().to_numpy()
    exit_day = WEEK_MONDAYS[people["last_week"].to_numpy()] + np.timedelta64(4, "D")  # Friday
    return pd.DataFrame(
        {
            "external_id": people["external_id"],
            "name": people["name"],
            "email": people["email"],
            "team_idx": people["team_idx"],
            "job_role_idx": people["job_role_idx"],
            "manager_idx": people["manager_idx"],
            "hire_date": pd.to_datetime(_day(people["hire_day"].to_numpy())),
            "exit_date": pd.to_datetime(np.where(left, exit_day, np.datetime64("NaT"))),
            "exit_reason": people["exit_reason"],
            "performance_rating": people["rating"],
        }
    )


# --- weekly panels and share KPIs -------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """Present person-weeks: person (row in ``people``), week, and ramp ``exp(-tenure/tau)``
    (1 on the first day, near 0 once fully productive)."""

    person: np.ndarray
    week: np.ndarray
    ramp: np.ndarray

    def take(self, mask: np.ndarray) -> Panel:
        return Panel(self.person[mask], self.week[mask], self.ramp[mask])


def _present_weeks(people: pd.DataFrame, rows: np.ndarray) -> Panel:
    """Every history week each of ``rows`` is present, from hire week to last week."""
    hire_day = people["hire_day"].to_numpy()
    first = np.maximum(np.ceil(hire_day[rows] / 7).astype(np.int64), 0)
    length = np.maximum(people["last_week"].to_numpy()[rows] - first + 1, 0)
    person = np.repeat(rows, length)
    week = (
        np.repeat(first, length)
        + np.arange(length.sum())
        - np.repeat(np.cumsum(length) - length, length)
    )
    tenure_weeks = (7 * week - hire_day[person]) / 7
    return Panel(person, week, np.exp(-tenure_weeks / people["ramp_tau"].to_numpy()[person]))


def _calendar() -> dict[str, np.ndarray]:
    """Flags (0/1) and the trend (years since the first week) for each history week."""
    month_start = WEEK_MONDAYS.astype("datetime64[M]")
    day = (WEEK_MONDAYS - month_start.astype("datetime64[D]")).astype(int) + 1
    month = month_start.astype(int) % 12 + 1
    weeks = np.arange(HISTORY_WEEKS)
    flags = {
        "quarter_end": np.isin(month, (3, 6, 9, 12)) & (day >= 10),  # last ~3 weeks
        "holiday": (month == 12) & (day >= 20),
        "january": month == 1,
        "q4": month >= 10,
        "outage": np.isin(weeks, OUTAGE_WEEKS),
    }
    return {k: v.astype(float) for k, v in flags.items()} | {"years": weeks / 52.0}


def _calendar_effect(calendar: tuple[tuple[str, float], ...], week: np.ndarray) -> np.ndarray:
    cal = _calendar()
    return sum((points * cal[flag][week] for flag, points in calendar), np.zeros(week.size))


def _subject_effect(
    people: pd.DataFrame, sd: float, loading: float, rng: np.random.Generator
) -> np.ndarray:
    """Per person: ``sd * (loading * ability + sqrt(1 - loading**2) * e)``."""
    e = rng.standard_normal(len(people))
    ability = people["ability"].to_numpy(dtype=np.float64)
    effect: np.ndarray = sd * (loading * ability + math.sqrt(1 - loading**2) * e)
    return effect


def _share_level(
    model: ShareModel, people: pd.DataFrame, n_teams: int, panel: Panel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Expected share (%) per panel row before any program, and each person's subject effect."""
    subject = _subject_effect(people, model.subject_sd, model.ability_loading, rng)
    team_fx = rng.normal(0, model.team_sd, n_teams)
    week_fx = rng.normal(0, model.week_sd, HISTORY_WEEKS)
    team = people["team_idx"].to_numpy()[panel.person]
    level = (
        model.base
        + subject[panel.person]
        + team_fx[team]
        + week_fx[panel.week]
        + _calendar_effect(model.calendar, panel.week)
        - model.ramp_penalty * panel.ramp
    )
    return level, subject


def _share_rows(
    model: ShareModel,
    panel: Panel,
    volume: np.ndarray,
    level: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Observed rows for weeks with volume > 0; also the hit counts and that week mask."""
    some = volume > 0
    rate = np.clip(level[some], *model.clip)
    hits = rng.binomial(volume[some], rate / 100)
    kept = panel.take(some)
    value = np.round(100 * hits / volume[some], 2)
    rows = _frame(model.kpi_code, kept.person, None, WEEK_MONDAYS[kept.week], value, volume[some])
    return rows, hits, some


def _nullable(idx: np.ndarray | None, n: int) -> pd.arrays.IntegerArray:
    """Row positions as a nullable Int32 column (all missing when ``idx`` is None)."""
    if idx is None:
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int32), np.ones(n, dtype=bool))
    return pd.arrays.IntegerArray(idx.astype(np.int32), np.zeros(n, dtype=bool))


def _frame(
    code: str,
    people_rows: np.ndarray | None,
    team_rows: np.ndarray | None,
    periods: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray,
) -> pd.DataFrame:
    """KPI observation rows in the shape of ``DemoOrganisation.kpi_observations``."""
    n = len(values)
    codes = np.full(n, KPI_CODES.index(code), dtype=np.int8)
    return pd.DataFrame(
        {
            "kpi_code": pd.Categorical.from_codes(codes, categories=list(KPI_CODES)),
            "employee_idx": _nullable(people_rows, n),
            "team_idx": _nullable(team_rows, n),
            "period": periods.astype("datetime64[s]"),
            "value": values.astype(np.float64),
            "weight": weights.astype(np.int32),
        }
    )


def _group_rows(people: pd.DataFrame, group: KpiGroup) -> np.ndarray:
    """People measured on a group's KPIs: members (not managers) of its department."""
    groups = np.array([d.kpi_group for d in DEPARTMENTS], dtype=object)
    in_group = groups[people["department_idx"].to_numpy()] == group
    return np.flatnonzero(in_group & (people["rank"].to_numpy() == 2))


# --- sales: conversion, deal size, Consultative Discovery, Negotiation Masterclass -------


def _sales(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    rng: np.random.Generator,
    program_rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[_Planted]]:
    reps = _group_rows(people, "sales_rep")
    panel = _present_weeks(people, reps)
    level, _ = _share_level(SALES_CONVERSION, people, len(teams), panel, rng)
    pace = 7.0 * np.exp(0.2 * rng.standard_normal(len(people)))
    holiday = _calendar()["holiday"][panel.week]
    meetings = rng.poisson(pace[panel.person] * (1 - 0.65 * holiday))
    cohorts, never = _cd_cohorts(people, reps, program_rng)
    start = _cd_start_week(people, panel, cohorts)
    effect = _cd_effect(panel.week - start[panel.person])
    conversion, proposals, held = _share_rows(
        SALES_CONVERSION, panel, meetings, level + effect, rng
    )
    clipped = _clipped_share(SALES_CONVERSION, (level + effect)[held])
    observed = _Rows(panel.take(held), effect[held], conversion)
    discovery = _cd_program(people, teams, start, observed, cohorts, never, clipped)
    deals = _deal_size(people, len(teams), panel.take(held), proposals, rng)
    masterclass, deals = _negotiation(people, reps, deals, program_rng)
    return pd.concat([conversion, deals], ignore_index=True), [discovery, masterclass]


def _cd_cohorts(
    people: pd.DataFrame, reps: np.ndarray, rng: np.random.Generator
) -> tuple[list[np.ndarray], np.ndarray]:
    """Sales teams shuffled: about a quarter never treated, the rest in up to four cohorts."""
    shuffled = rng.permutation(np.unique(people["team_idx"].to_numpy()[reps]))
    n_never = 0 if shuffled.size < 2 else max(1, round(CD_NEVER_SHARE * shuffled.size))
    treated = shuffled[n_never:]
    n_cohorts = min(len(CONSULTATIVE_DISCOVERY.start_weeks), treated.size)
    cohorts = [np.sort(c) for c in np.array_split(treated, n_cohorts)] if n_cohorts else []
    return cohorts, np.sort(shuffled[:n_never])


def _cd_start_week(people: pd.DataFrame, panel: Panel, cohorts: list[np.ndarray]) -> np.ndarray:
    """Each person's Consultative Discovery start week (a week past the history if none):
    reps on a cohort's teams who are present in its start week. Later joiners of a treated
    team are not enrolled."""
    start = np.full(len(people), 10 * HISTORY_WEEKS, dtype=np.int64)
    team = people["team_idx"].to_numpy()[panel.person]
    for cohort_teams, week in zip(cohorts, CONSULTATIVE_DISCOVERY.start_weeks, strict=False):
        start[panel.person[np.isin(team, cohort_teams) & (panel.week == week)]] = week
    return start


def _cd_effect(event_week: np.ndarray) -> np.ndarray:
    """``effect * min(1, (e + 1) / CD_RAMP_WEEKS)`` for e >= 0 weeks since the start."""
    ramp = np.minimum(1.0, (event_week + 1) / CD_RAMP_WEEKS)
    return np.where(event_week >= 0, CONSULTATIVE_DISCOVERY.effect * ramp, 0.0)


@dataclass(frozen=True)
class _Rows:
    """Observed KPI rows with the panel they came from and the effect planted in each."""

    panel: Panel
    effect: np.ndarray
    frame: pd.DataFrame


def _cd_program(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    start: np.ndarray,
    observed: _Rows,
    cohorts: list[np.ndarray],
    never: np.ndarray,
    clipped: float,
) -> _Planted:
    """Enrolments and truth of the staggered roll-out; ``start`` is each person's start week."""
    spec = CONSULTATIVE_DISCOVERY
    last_week = people["last_week"].to_numpy()
    rows, effect = observed.panel, observed.effect
    parts, cohort_truth = [], []
    for c_idx, (cohort_teams, week) in enumerate(zip(cohorts, spec.start_weeks, strict=False)):
        label = f"Cohort {c_idx + 1}"
        who = np.flatnonzero(start == week)
        completed = np.where(last_week[who] >= week + 4, 7 * week + 32, -1)
        parts.append(_enrolments(spec.code, who, "participant", label, week, completed))
        post = np.isin(rows.person, who) & (rows.week >= week)
        cohort_truth.append(
            {
                "cohort": label,
                "start_week": week,
                "start_date": _iso(week),
                "teams": teams["name"].to_numpy()[cohort_teams].tolist(),
                "participants": int(who.size),
                "post_observations": int(post.sum()),
                "att": _mean(effect[post]),
            }
        )
    enrolments = _concat_enrolments(parts)
    post_all = effect > 0
    noise = _share_noise(SALES_CONVERSION, observed.frame)
    truth = _truth_entry(spec, enrolments, int(post_all.sum()), noise) | {
        "true_effect": _mean(effect[post_all]),
        "estimand": (
            "ATT: mean planted effect on the weekly conversion probability over the "
            "participants' observed post-start weeks (weeks with at least one meeting; each "
            "employee-week counts once, not weighted by meetings)."
        ),
        "effect_full": spec.effect,
        "effect_by_event_week": (
            f"{spec.effect} * min(1, (e + 1) / {CD_RAMP_WEEKS}) percentage points, e = weeks "
            "since the cohort's start week (e >= 0); 0 before the start"
        ),
        "att_by_cohort": {c["cohort"]: c["att"] for c in cohort_truth},
        "cohorts": cohort_truth,
        "never_treated_teams": teams["name"].to_numpy()[never].tolist(),
        "treated": (
            "Sales reps (Account Executive, Senior Account Executive) on a cohort's teams who "
            "are present in its start week; later joiners of those teams are not enrolled."
        ),
        "selection": {
            "rule": (
                f"Sales teams shuffled at random: about {CD_NEVER_SHARE:.0%} never treated "
                "within the history, the rest split evenly into cohorts in shuffled order."
            ),
            "covariates": [],
        },
        "share_of_rows_clipped": clipped,
    }
    first = spec.start_weeks[0] if cohorts else None
    return _Planted(_program_row(spec, observed.frame, first), enrolments, truth)


def _deal_size(
    people: pd.DataFrame,
    n_teams: int,
    conversion_panel: Panel,
    proposals: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Average deal size in the weeks with at least one proposal (no program effect yet)."""
    m = DEAL_SIZE
    subject = _subject_effect(people, m.subject_sd, m.ability_loading, rng)
    team_fx = rng.normal(0, m.team_sd, n_teams)
    some = proposals > 0
    panel, deals = conversion_panel.take(some), proposals[some]
    team = people["team_idx"].to_numpy()[panel.person]
    mu = m.base + subject[panel.person] + team_fx[team] + _calendar_effect(m.calendar, panel.week)
    noise = rng.standard_normal(deals.size) * m.noise_sd_per_deal / np.sqrt(deals)
    value = np.round(np.maximum(mu + noise, m.floor), 2)
    return _frame("avg_deal_size", panel.person, None, WEEK_MONDAYS[panel.week], value, deals)


def _negotiation(
    people: pd.DataFrame, reps: np.ndarray, deals: pd.DataFrame, rng: np.random.Generator
) -> tuple[_Planted, pd.DataFrame]:
    """Managers nominate their top reps by rating and recent deal size; the true effect is
    small. Returns the program and the deal-size rows with the effect added."""
    spec = NEGOTIATION
    week = spec.start_weeks[0]
    chosen, eligible = _nominate(people, reps, deals, week, rng)
    person = deals["employee_idx"].to_numpy(dtype=np.int64)
    post_rows = deals["period"].to_numpy() >= np.datetime64(_iso(week))
    treated_rows = np.isin(person, chosen) & post_rows
    deals = deals.copy()
    deals.loc[treated_rows, "value"] = np.round(deals["value"][treated_rows] + spec.effect, 2)
    post_means = deals[post_rows].groupby(person[post_rows])["value"].mean()
    is_chosen = post_means.index.isin(chosen)
    naive = post_means[is_chosen].mean() - post_means[~is_chosen].mean()
    completed = np.full(chosen.size, 7 * week + 2)
    enrolments = _enrolments(spec.code, chosen, "participant", "Masterclass 2026", week, completed)
    truth = _truth_entry(spec, enrolments, int(treated_rows.sum()), asdict(DEAL_SIZE)) | {
        "true_effect": spec.effect,
        "estimand": (
            f"ATT: a constant +{spec.effect:.0f} EUR on each participant's weekly average deal "
            "size from the start week on (every observed post week)."
        ),
        "treated": "Reps nominated by their managers, all starting in the same week.",
        "selection": {
            "rule": (
                f"Among reps present at week {week} with at least 8 weeks of deal-size data in "
                f"the {NEGOTIATION_PRE_WEEKS} weeks before, score = z(performance_rating) + "
                "z(mean avg_deal_size over those weeks) + N(0, 0.5); in each team with 3 or "
                f"more eligible reps the top ceil({NEGOTIATION_PICK_SHARE} x eligible) are "
                "picked."
            ),
            "covariates": ["performance_rating", "pre-period mean avg_deal_size"],
            "eligible": int(eligible),
        },
        "naive_post_gap": None if np.isnan(naive) else round(float(naive), 2),
        "note": (
            "Participants were picked partly on their deal sizes in the 26 weeks before the "
            "start, so a difference-in-differences that uses those same weeks as its "
            "pre-period inherits a regression-to-the-mean bias of roughly -50 EUR; pre-period "
            "weeks before the selection window avoid it."
        ),
    }
    return _Planted(_program_row(spec, deals, week), enrolments, truth), deals


def _nominate(
    people: pd.DataFrame,
    reps: np.ndarray,
    deals: pd.DataFrame,
    week: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, int]:
    """The reps managers pick (see the truth's selection rule) and how many were eligible."""
    period = deals["period"].to_numpy()
    window = (period >= np.datetime64(_iso(week - NEGOTIATION_PRE_WEEKS))) & (
        period < np.datetime64(_iso(week))
    )
    person = deals["employee_idx"].to_numpy(dtype=np.int64)[window]
    pre = deals["value"][window].groupby(person).agg(["mean", "size"])
    candidates = pre.index.to_numpy()
    present = (people["last_week"].to_numpy() >= week) & (people["hire_day"].to_numpy() <= 7 * week)
    ok = (pre["size"].to_numpy() >= 8) & present[candidates] & np.isin(candidates, reps)
    eligible = candidates[ok]
    score = (
        _z(people["rating"].to_numpy()[eligible])
        + _z(pre["mean"].to_numpy()[ok])
        + rng.normal(0, 0.5, eligible.size)
    )
    team = people["team_idx"].to_numpy()[eligible]
    order = np.lexsort((-score, team))
    by_team = pd.Series(team[order]).groupby(team[order])
    rank_in_team = by_team.cumcount().to_numpy()
    team_size = by_team.transform("size").to_numpy()
    picked = (rank_in_team < np.ceil(NEGOTIATION_PICK_SHARE * team_size)) & (team_size >= 3)
    return np.sort(eligible[order][picked]), int(eligible.size)


# --- service: repeat contacts, csat, the FCR pilot and the Mindful webinars -------------


def _service(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    rng: np.random.Generator,
    program_rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[_Planted]]:
    agents = _group_rows(people, "service_agent")
    panel = _present_weeks(people, agents)
    pace = 110 * np.exp(0.15 * rng.standard_normal(len(people)))
    contacts = rng.poisson(pace[panel.person] * (1 - 0.5 * panel.ramp))
    treated, comparison, pilot_teams = _fcr_arms(people, len(teams), panel, agents, program_rng)
    fcr_effect = _constant_effect(panel, treated, FCR_PILOT)
    level, _ = _share_level(REPEAT_CONTACTS, people, len(teams), panel, rng)
    repeat, _, _ = _share_rows(REPEAT_CONTACTS, panel, contacts, level + fcr_effect, rng)
    level, csat_subject = _share_level(CSAT, people, len(teams), panel, rng)
    responses = rng.poisson(0.12 * contacts)
    volunteers = _volunteers(panel, csat_subject, program_rng)
    mindful_effect = _constant_effect(panel, volunteers, MINDFUL)
    csat, _, _ = _share_rows(CSAT, panel, responses, level + mindful_effect, rng)
    pilot = _fcr_program(people, teams, treated, comparison, pilot_teams, repeat)
    webinars = _mindful_program(people, volunteers, csat, program_rng)
    return pd.concat([repeat, csat], ignore_index=True), [pilot, webinars]


def _constant_effect(panel: Panel, treated: np.ndarray, spec: ProgramSpec) -> np.ndarray:
    """``spec.effect`` on the treated from the (single) start week on; 0 elsewhere."""
    on = np.isin(panel.person, treated) & (panel.week >= spec.start_weeks[0])
    return np.where(on, spec.effect, 0.0)


def _fcr_arms(
    people: pd.DataFrame, n_teams: int, panel: Panel, agents: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random half of the service teams pilots; their eligible agents are randomised
    within team, alternating after a shuffle, a coin per team deciding the odd one out."""
    week = FCR_PILOT.start_weeks[0]
    team = people["team_idx"].to_numpy()
    service_teams = np.unique(team[agents])
    pilot_teams = np.sort(rng.permutation(service_teams)[: max(1, service_teams.size // 2)])
    at_start = panel.person[(panel.week == week) & np.isin(team[panel.person], pilot_teams)]
    hired_early = people["hire_day"].to_numpy()[at_start] <= 7 * (week - FCR_MIN_PRE_WEEKS)
    eligible = at_start[hired_early]
    shuffled = eligible[rng.permutation(eligible.size)]
    grouped = shuffled[np.argsort(team[shuffled], kind="stable")]
    position = pd.Series(team[grouped]).groupby(team[grouped]).cumcount().to_numpy()
    coin = rng.integers(0, 2, n_teams)[team[grouped]]
    participant = (position + coin) % 2 == 0
    return np.sort(grouped[participant]), np.sort(grouped[~participant]), pilot_teams


def _fcr_program(
    people: pd.DataFrame,
    teams: pd.DataFrame,
    treated: np.ndarray,
    comparison: np.ndarray,
    pilot_teams: np.ndarray,
    repeat: pd.DataFrame,
) -> _Planted:
    spec = FCR_PILOT
    week = spec.start_weeks[0]
    completed = np.where(people["last_week"].to_numpy()[treated] >= week + 2, 7 * week + 11, -1)
    never_done = np.full(comparison.size, -1)
    enrolments = _concat_enrolments(
        [
            _enrolments(spec.code, treated, "participant", "Pilot", week, completed),
            _enrolments(spec.code, comparison, "comparison", "Pilot", week, never_done),
        ]
    )
    post = _post_rows(repeat, treated, week)
    truth = _truth_entry(spec, enrolments, int(post.sum()), _share_noise(REPEAT_CONTACTS, repeat))
    truth |= {
        "true_effect": spec.effect,
        "estimand": (
            f"ATT = ATE in the randomised sample: a constant {spec.effect} points on each "
            "participant's expected repeat-contact rate from the start week on."
        ),
        "treated": (
            "Participants of the randomisation; comparison agents and agents outside the pilot "
            "teams are never treated."
        ),
        "selection": {
            "rule": (
                f"A random half of the service teams is in the pilot; their agents present at "
                f"week {week} and hired at least {FCR_MIN_PRE_WEEKS} weeks before are "
                "randomised within team to participant or comparison (alternating after a "
                "seeded shuffle; a coin decides the odd one out)."
            ),
            "covariates": [],
            "pilot_teams": teams["name"].to_numpy()[pilot_teams].tolist(),
        },
        "comparison": int(comparison.size),
    }
    return _Planted(_program_row(spec, repeat, week), enrolments, truth)


def _volunteers(panel: Panel, csat_subject: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Agents present at the start who sign up, more often when their csat is high."""
    at_start = panel.person[panel.week == MINDFUL.start_weeks[0]]
    intercept, slope = MINDFUL_SIGNUP
    z = csat_subject[at_start] / CSAT.subject_sd
    signs_up = rng.random(at_start.size) < 1 / (1 + np.exp(-(intercept + slope * z)))
    return np.sort(at_start[signs_up])


def _mindful_program(
    people: pd.DataFrame, volunteers: np.ndarray, csat: pd.DataFrame, rng: np.random.Generator
) -> _Planted:
    spec = MINDFUL
    week = spec.start_weeks[0]
    stayed = people["last_week"].to_numpy()[volunteers] >= week + 5
    finished = (rng.random(volunteers.size) < 0.7) & stayed
    completed = np.where(finished, 7 * week + 39, -1)
    enrolments = _enrolments(spec.code, volunteers, "participant", "Series 1", week, completed)
    post = _post_rows(csat, volunteers, week)
    intercept, slope = MINDFUL_SIGNUP
    truth = _truth_entry(spec, enrolments, int(post.sum()), _share_noise(CSAT, csat)) | {
        "true_effect": 0.0,
        "estimand": "ATT: zero — the webinars change nobody's csat.",
        "treated": f"Service agents present at week {week} who volunteered.",
        "selection": {
            "rule": (
                f"Each agent volunteers with probability logistic({intercept} + {slope} z), z = "
                "the agent's csat subject effect in sd units (engaged agents sign up more), so "
                "a naive comparison shows a gap that is not an effect."
            ),
            "covariates": ["csat subject effect (latent; proxied by pre-period csat)"],
        },
    }
    return _Planted(_program_row(spec, csat, week), enrolments, truth)


# --- organisation-wide KPIs -------------------------------------------------------------


def _time_to_productivity(people: pd.DataFrame) -> pd.DataFrame:
    """One row per in-history hire, dated the week they reach 90 % of full productivity."""
    hire_day = people["hire_day"].to_numpy()
    hired = np.flatnonzero(hire_day >= 0)
    days = np.ceil(7 * people["ramp_tau"].to_numpy()[hired] * math.log(10)).astype(np.int64)
    week = (hire_day[hired] + days) // 7
    keep = (week < HISTORY_WEEKS) & (week <= people["last_week"].to_numpy()[hired])
    periods, values = WEEK_MONDAYS[week[keep]], days[keep].astype(np.float64)
    ones = np.ones(keep.sum(), dtype=np.int32)
    return _frame("time_to_productivity", hired[keep], None, periods, values, ones)


def _months() -> np.ndarray:
    """First days of the complete calendar months inside the history."""
    first = WEEK_MONDAYS[0].astype("datetime64[M]") + 1
    end = (WEEK_MONDAYS[-1] + 6).astype("datetime64[M]")  # month of the last Sunday
    return np.arange(first, end).astype("datetime64[D]")


def _voluntary_attrition(people: pd.DataFrame, n_teams: int) -> pd.DataFrame:
    """Per team and month: voluntary leavers / mean weekly headcount x 12 x 100 (in %)."""
    months = _months()
    month_of_week = np.searchsorted(months, WEEK_MONDAYS, side="right") - 1
    first = np.maximum(np.ceil(people["hire_day"].to_numpy() / 7).astype(np.int64), 0)
    last = people["last_week"].to_numpy()
    team = people["team_idx"].to_numpy()
    change = np.zeros((n_teams, HISTORY_WEEKS + 1))
    np.add.at(change, (team, first), 1)
    np.add.at(change, (team, last + 1), -1)
    weekly = np.cumsum(change, axis=1)[:, :HISTORY_WEEKS]
    headcount = np.stack(
        [weekly[:, month_of_week == m].mean(axis=1) for m in range(months.size)], axis=1
    )
    exit_month = np.searchsorted(months, WEEK_MONDAYS[last] + 4, side="right") - 1
    voluntary = (people["exit_reason"] == "voluntary").fillna(False).to_numpy(dtype=bool)
    counted = voluntary & (exit_month >= 0) & (exit_month < months.size)
    leavers = np.zeros_like(headcount)
    np.add.at(leavers, (team[counted], exit_month[counted]), 1)
    t, m = np.nonzero(headcount > 0)
    rate = np.round(leavers[t, m] * 12 * 100 / headcount[t, m], 2)
    weight = np.maximum(np.round(headcount[t, m]), 1)
    return _frame("voluntary_attrition", None, t, months[m], rate, weight)


def _time_to_market(teams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Engineering teams, monthly: weeks from idea to release, improving slowly."""
    engineering = [d.code for d in DEPARTMENTS].index("engineering")
    eng = np.flatnonzero(teams["department_idx"].to_numpy() == engineering)
    months = _months()
    m = TIME_TO_MARKET
    team_fx = rng.normal(0, m["team_sd"], eng.size)
    t = np.repeat(np.arange(eng.size), months.size)
    month = np.tile(np.arange(months.size), eng.size)
    releases = 1 + rng.poisson(1.0, t.size)
    noise = rng.standard_normal(t.size) * m["noise_sd"] / np.sqrt(releases)
    value = m["base_weeks"] + team_fx[t] + m["trend_per_year"] * month / 12 + noise
    rounded = np.round(np.maximum(value, 1.0), 2)
    return _frame("time_to_market", None, eng[t], months[month], rounded, releases)


# --- programs, enrolments and the truth -------------------------------------------------


def _iso(week: int) -> str:
    return (FIRST_WEEK + timedelta(weeks=int(week))).isoformat()


def _day(days: np.ndarray) -> np.ndarray:
    """Dates ``days`` after FIRST_WEEK."""
    return _FIRST + np.asarray(days).astype("timedelta64[D]")


def _mean(x: np.ndarray) -> float | None:
    return round(float(np.mean(x)), 4) if x.size else None


def _z(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros(x.size)


def _clipped_share(model: ShareModel, level: np.ndarray) -> float:
    low, high = model.clip
    return float(np.mean((level < low) | (level > high))) if level.size else 0.0


def _post_rows(rows: pd.DataFrame, who: np.ndarray, week: int) -> np.ndarray:
    person = rows["employee_idx"].to_numpy(dtype=np.int64)
    post = rows["period"].to_numpy() >= np.datetime64(_iso(week))
    mask: np.ndarray = np.isin(person, who) & post
    return mask


def _enrolments(
    code: str, who: np.ndarray, group: str, cohort: str, week: int, completed_day: np.ndarray
) -> pd.DataFrame:
    """Enrolment rows; ``completed_day`` counts days from FIRST_WEEK (negative = not done)."""
    done = np.asarray(completed_day) >= 0
    return pd.DataFrame(
        {
            "program_code": code,
            "employee_idx": who.astype(np.int64),
            "group": group,
            "cohort": cohort,
            "start_date": pd.to_datetime(np.full(who.size, np.datetime64(_iso(week)))),
            "completed_on": pd.to_datetime(
                np.where(done, _day(np.maximum(completed_day, 0)), np.datetime64("NaT"))
            ),
        }
    )


def _concat_enrolments(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return _enrolments("", np.zeros(0, dtype=np.int64), "participant", "", 0, np.zeros(0))
    return pd.concat(parts, ignore_index=True)


def _program_row(spec: ProgramSpec, rows: pd.DataFrame, week: int | None) -> dict[str, Any]:
    """The programs row; the baseline is the KPI's mean over all rows before the start."""
    before = rows["period"].to_numpy() < np.datetime64(_iso(week or 0))
    baseline = round(float(rows["value"][before].mean()), 2) if before.any() else None
    return {
        "code": spec.code,
        "name": spec.name,
        "description": spec.description,
        "kpi_code": spec.kpi_code,
        "status": spec.status,
        "rollout": spec.rollout,
        "start_date": None if week is None else date.fromisoformat(_iso(week)),
        "cost_per_participant": spec.cost_per_participant,
        "baseline": baseline,
        "target": None if baseline is None else round(baseline + spec.target_change, 2),
        "horizon_date": None if week is None else date.fromisoformat(_iso(week + 26)),
    }


def _share_noise(model: ShareModel, rows: pd.DataFrame) -> dict[str, Any]:
    """The noise model of a share KPI, with its typical weekly sampling sd at the base."""
    p = model.base / 100
    mean_volume = float(rows["weight"].mean()) if len(rows) else float("nan")
    return {
        "model": f"100 * Binomial({model.volume}, level / 100) / {model.volume}",
        "typical_weekly_sampling_sd": round(100 * math.sqrt(p * (1 - p) / mean_volume), 2),
        "mean_weekly_volume": round(mean_volume, 1),
    } | asdict(model)


def _truth_entry(
    spec: ProgramSpec, enrolments: pd.DataFrame, post_observations: int, noise: dict[str, Any]
) -> dict[str, Any]:
    """The fields every program's truth has; each program adds its own."""
    participants = enrolments["group"] == "participant"
    return {
        "code": spec.code,
        "name": spec.name,
        "kpi_code": spec.kpi_code,
        "design": spec.design,
        "unit": spec.unit,
        "start_weeks": list(spec.start_weeks),
        "start_dates": [_iso(s) for s in spec.start_weeks],
        "effect_applies": "from the participant's start week (inclusive) while employed",
        "participants": int(participants.sum()),
        "post_observations": post_observations,
        "noise": noise,
    }


def _truth(employees: int, seed: int, programs: dict[str, Any]) -> dict[str, Any]:
    return {
        "company": COMPANY,
        "employees": employees,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "first_week": FIRST_WEEK.isoformat(),
        "last_week": LAST_WEEK.isoformat(),
        "weeks": HISTORY_WEEKS,
        "programs": programs,
        "kpi_models": {
            "sales_conversion": asdict(SALES_CONVERSION),
            "avg_deal_size": asdict(DEAL_SIZE),
            "repeat_contact_rate": asdict(REPEAT_CONTACTS) | {"outage_weeks": OUTAGE_WEEKS},
            "csat": asdict(CSAT) | {"outage_weeks": OUTAGE_WEEKS},
            "time_to_productivity": {
                "definition": (
                    "ceil(7 * tau * ln 10) days, one row per in-history hire, dated the week "
                    "productivity reaches 90 %"
                ),
                "ramp_weeks_by_department": {d.code: d.ramp_weeks for d in DEPARTMENTS},
            },
            "voluntary_attrition": {
                "definition": "voluntary leavers in month / mean weekly headcount x 12 x 100",
                "annual_voluntary_rate_by_department": {
                    d.code: d.voluntary_rate for d in DEPARTMENTS
                },
            },
            "time_to_market": dict(TIME_TO_MARKET),
        },
    }
