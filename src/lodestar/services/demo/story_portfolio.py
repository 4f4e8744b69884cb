"""The demo's portfolio and stakeholder story, written through the real services, with its
known answers kept beside the demo truth (``workspace_meta['demo_portfolio_truth']``).

Priya (Head of Learning) started her 90-day plan 74 days before the demo's "today" (so today
is day 75): she mapped nine stakeholders, logged seven of the ten interviews she planned, and
held two stakeholder councils. Leaders weighted the four must-wins; L&D estimated effort and
marked which requests came in ad hoc. The known answers follow from these inputs by design:

- the top three by score, at the default 2,000 employees, are the programs with the largest
  KPI gaps at stake: Consultative Discovery (weight 5, conversion, the most participants),
  the FCR pilot (its registered effect closes the whole gap) and the Negotiation Masterclass;
  the same three carry 80% of the expected value, so the 80/20 cut falls after the third;
- symptoms: ad-hoc and urgent requests above 30% of the open ones, open requests without a
  metric, running programs whose behaviour nobody has observed, and all program spend without
  a result of moderate or strong evidence; the masterclass is the one single-workshop program
  among the ten with a canvas (10%, under the 25% line; the four programs the story makes from
  requests mix job aids, checklists, coaching and micro-learning), and every request taken on
  had a concluded diagnosis, so those two symptoms do not show;
- the plan on day 75: stakeholders mapped, heat map (weights set), the top programs described
  by outcomes, micro-interventions (the FCR checklist) and a registered pilot are done; the
  interviews (7 of 10) and one metric everywhere are late.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Program,
    StrategicPriority,
    TrainingRequest,
    User,
    WorkspaceMeta,
)
from lodestar.services import accounts, portfolio, stakeholders
from lodestar.services.portfolio import ProgramScoringInput, RequestScoringInput

PLAN_DAY = 75
WEIGHTS = {
    "Win more of the deals we already qualify": 5,
    "Solve it the first time: a customer experience worth coming back to": 4,
    "Get new hires productive faster and keep the people we have": 3,
    "Ship faster: from approved idea to first order in ten weeks": 2,
}
AD_HOC = (
    "We need Excel training for everyone",
    "Presentation skills for engineers",
    "Resilience and wellbeing workshop for the contact centre",
    "Negotiation refresher for key account managers",
    "Leadership essentials for all people managers",
    "Coaching skills for newly promoted shift leads",
    "Time-management course for the payroll team",
    "Teams and SharePoint tips for all staff",
    "Telephone etiquette refresher for the contact centre",
    "Cold-calling training to win back dormant accounts",
)
# title: (people affected, effort in days, numeric cost of inaction a year)
REQUEST_INPUTS: dict[str, tuple[int | None, float, float | None]] = {
    "First-contact resolution for tier-1 agents": (60, 15, 250_000.0),
    "Selling the full kit: consumables and service contracts with equipment": (40, 12, None),
    "Objection handling for newly hired account executives": (12, 8, None),
    "CRM discipline for account executives": (None, 5, 60_000.0),
    "We need Excel training for everyone": (None, 20, 15_000.0),
    "Automated testing for the ordering-portal team": (None, 25, 120_000.0),
}
PROGRAM_EFFORT = {
    "consultative_discovery": 30.0,
    "fcr_pilot": 12.0,
    "negotiation_masterclass": 20.0,
}
# (persona key or None, name, title, organisation, influence, interest, notes)
STAKEHOLDERS: tuple[tuple[str | None, str, str, str, int, int, str], ...] = (
    ("sales_mgr", "", "", "", 4, 5,
     "Wants numbers before stories. Send the one-pager a day before any meeting."),
    ("exec", "", "", "", 5, 4,
     "Sponsor of the first-contact work. Asks every time what we will stop doing."),
    ("hr_mgr", "", "", "", 4, 4, "Ally on retention; wary of another leadership course."),
    ("service_mgr", "", "", "", 3, 5,
     "Runs the contact centre floor; her team leads make or break the checklist."),
    ("cfo", "", "", "", 5, 2,
     "Reads only money and risk. Has not signed off a value for satisfaction yet."),
    ("eng_mgr", "", "", "", 3, 2, "Sees most problems as tooling; send her the diagnosis."),
    ("ops_mgr", "", "", "", 2, 4, ""),
    ("sales_mgr_south", "", "", "", 2, 3, ""),
    (None, "Ruth Adeyemi", "Chair", "Works council", 3, 3,
     "Must be consulted before any change to shift patterns or monitoring."),
)  # fmt: skip
# (stakeholder persona key, days after the plan started, answers, requests it led to)
INTERVIEWS: tuple[tuple[str, int, dict[str, str], tuple[str, ...]], ...] = (
    ("exec", 3, {
        "quarterly_goals": "Repeat contacts down two points by the end of the quarter.",
        "one_metric": "Repeat-contact rate.",
        "no_course": "Fix the knowledge base articles agents copy from.",
    }, ()),
    ("service_mgr", 5, {
        "lead_and_lag": "Checklist use per agent weekly; repeat contacts monthly.",
        "risk_and_cost": "Each repeat contact costs about ten euros; churn follows.",
    }, ("First-contact resolution for tier-1 agents",)),
    ("sales_mgr", 8, {
        "quarterly_goals": "Conversion from first meeting to proposal.",
        "one_metric": "Meeting-to-proposal conversion.",
        "risk_and_cost": "Pipeline we pay to generate and then lose at the first meeting.",
    }, ("Selling the full kit: consumables and service contracts with equipment",)),
    ("hr_mgr", 12, {
        "lead_and_lag": "Stay conversations held; voluntary leavers per quarter.",
        "no_course": "Managers need a monthly slot, not a workshop.",
    }, ()),
    ("cfo", 15, {
        "risk_and_cost": "Show me the cost per percentage point before asking for budget.",
    }, ()),
    ("eng_mgr", 19, {
        "no_course": "Automate the hand-off checks between product and catalogue.",
    }, ("Automated testing for the ordering-portal team",)),
    ("ops_mgr", 24, {
        "quarterly_goals": "Picking accuracy during the peak season.",
        "one_metric": "Order lines per hour without errors.",
    }, ()),
)  # fmt: skip
# (days after the plan started, [(program code or request title it concerns, decision, owner)])
COUNCILS: tuple[tuple[int, tuple[tuple[str | None, str, str], ...]], ...] = (
    (28, (
        (None, "Weights agreed for the four must-wins: sales 5, service 4, talent 3, speed 2.",
         "Helen Okafor"),
        (None, "Every new request goes through the five intake questions before it is "
               "scheduled.", "Priya Natarajan"),
    )),
    (58, (
        ("fcr_pilot", "The FCR checklist pilot continues to its horizon; no scale-up before the "
               "result.", "Aisha Bello"),
        ("We need Excel training for everyone",
         "The Excel request is answered with a self-service guide, not a course.",
         "Priya Natarajan"),
    )),
)  # fmt: skip
TRUTH: dict[str, Any] = {
    "top_three": ["Consultative Discovery", "First-Contact Resolution pilot",
                  "Negotiation Masterclass"],
    "pareto_cut": 3,
    "above_cut": ["Consultative Discovery", "Negotiation Masterclass",
                  "First-Contact Resolution pilot"],
    "symptoms": ["ad_hoc_requests", "no_metric", "no_behaviour", "spend_without_evidence"],
    "interviews": 7,
    "interview_goal": 10,
    "councils_held": 2,
    "stakeholders": 9,
    "plan_day": PLAN_DAY,
    "plan_done": ["map_stakeholders", "heat_map", "business_language", "micro_interventions",
                  "pilot"],
    "plan_late": ["ten_interviews", "one_metric"],
}  # fmt: skip


def write_portfolio_story(session: Session, users: dict[str, User], today: date) -> None:
    """Weights, scoring inputs, stakeholders, interviews, councils and the plan's start."""
    ld = accounts.actor_of(users["ld"])
    started = today - timedelta(days=PLAN_DAY - 1)
    for prio_id, title in session.execute(select(StrategicPriority.id, StrategicPriority.title)):
        if title in WEIGHTS:
            portfolio.set_priority_weight(session, ld, prio_id, WEIGHTS[title])
    requests = {
        t: i
        for i, t in session.execute(
            select(TrainingRequest.id, TrainingRequest.title).where(
                TrainingRequest.state != "draft"
            )
        )
    }
    for title, rid in requests.items():
        people, effort, cost = REQUEST_INPUTS.get(title, (None, None, None))
        data = RequestScoringInput(
            origin="ad_hoc" if title in AD_HOC else "planned",
            audience_size=people, effort_days=effort, cost_of_inaction_amount=cost,
        )  # fmt: skip
        portfolio.set_request_scoring(session, ld, rid, data)
    for code, days in PROGRAM_EFFORT.items():
        pid = session.scalar(select(Program.id).where(Program.code == code))
        if pid is not None:
            portfolio.set_program_scoring(session, ld, pid, ProgramScoringInput(effort_days=days))
    ids: dict[str, int] = {}
    for key, name, title, org, influence, interest, notes in STAKEHOLDERS:
        row = stakeholders.add_stakeholder(
            session, ld,
            stakeholders.StakeholderInput(
                user_id=users[key].id if key else None, name=name, title=title,
                organisation=org, influence=influence, interest=interest,
                relationship_notes=notes,
            ),
        )  # fmt: skip
        ids[key or name] = row.id
    for key, day, answers, led_to in INTERVIEWS:
        stakeholders.log_interview(
            session, ld,
            stakeholders.InterviewInput(
                stakeholder_id=ids[key], held_on=started + timedelta(days=day), answers=answers,
                request_ids=[requests[t] for t in led_to if t in requests],
            ),
        )  # fmt: skip
    for day, decisions in COUNCILS:
        council = stakeholders.create_council(
            session, ld, stakeholders.CouncilInput(held_on=started + timedelta(days=day))
        )
        for about, text, owner in decisions:
            pid = session.scalar(select(Program.id).where(Program.code == about)) if about else None
            decision = stakeholders.DecisionInput(
                decision=text, owner=owner, program_id=pid,
                request_id=requests.get(about) if about and pid is None else None,
            )  # fmt: skip
            stakeholders.record_decision(session, ld, council.id, decision)
    portfolio.start_plan(session, ld, started)
    session.merge(WorkspaceMeta(key="demo_portfolio_truth", value=TRUTH))
