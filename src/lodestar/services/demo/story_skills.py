"""The demo's skills: a catalogue of 29 skills, a profile per job title, the skills the four
must-wins depend on, and a headcount plan. People's assessments and the known answers are
written by :mod:`.story_skills_people`.

The catalogue is Brightwater's own (codes ``BW-…``, as a Moodle framework's ID numbers
would be): five skills everyone needs, four to five per department, and two for people
leaders. The seven trainings the built-in leadership-style quiz recommends keep the codes the
quiz and the built-in learning paths use (``collaboration-influence``, ``storytelling``,
``analytical-thinking``, ``resilience``, ``taking-ownership``, ``empowering-leadership``,
``diversity-inclusion``), so a quiz result leads to catalogue skills and paths: four of them
are in the job profiles (two core, two for people leaders), three are in the catalogue only.
Importance and priority weights are chosen so the known answers are unambiguous:
each skill serves at most one priority; solution selling is essential to account executives
(importance 5) and carries the conversion must-win's full weight, discovery questioning a
little less (importance 4, weight 0.5).

The headcount plan grows the account executives by about 5 % in 12 months and 25 % in 24
months (a new territory), adds about 10 % software engineers in 12 months, and shrinks the
contact centre's agents by about 5 % in 24 months (self-service); the delivery must-win asks
for two more people at target in cloud infrastructure within 24 months.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    Employee,
    HeadcountPlan,
    JobRole,
    JobSkill,
    PrioritySkill,
    StrategicPriority,
)
from lodestar.services.imports.report import ImportReport
from lodestar.services.skills.catalogue import SkillDraft, skill_ids, store_skills

# code: (name, category, description)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "BW-WRITE": ("Written communication", "Core", "Writes clearly for the reader's purpose."),
    "BW-DATA": ("Data literacy", "Core", "Reads a chart or a table and draws a fair conclusion."),
    "collaboration-influence": (
        "Collaboration & influence",
        "Core",
        "Gets work done with and through others.",
    ),
    "resilience": ("Resilience", "Core", "Keeps going, and recovers, under pressure."),
    "taking-ownership": ("Taking ownership", "Core", "Sees a problem through to its end."),
    "BW-DISCOVERY": ("Discovery questioning", "Selling", "Learns the customer's goal first."),
    "BW-NEGOTIATE": ("Negotiation", "Selling", "Trades terms to reach a deal both keep."),
    "BW-SOLUTION": ("Solution selling", "Selling", "Builds an offer around the customer's goal."),
    "BW-PIPELINE": ("Pipeline management", "Selling", "Keeps deals moving and forecasts them."),
    "BW-CRM": ("CRM hygiene", "Selling", "Records every customer contact the same day."),
    "BW-DEESCALATE": ("De-escalation", "Customer service", "Calms an upset customer."),
    "BW-FIRSTFIX": ("First-contact resolution", "Customer service", "Solves it on the first call."),
    "BW-PRODUCT": ("Product knowledge", "Customer service", "Knows the range and its uses."),
    "BW-EMPATHY": ("Empathetic listening", "Customer service", "Hears what is meant."),
    "BW-PYTHON": ("Python", "Engineering", "Writes maintainable Python."),
    "BW-TESTING": ("Automated testing", "Engineering", "Tests that catch real regressions."),
    "BW-CLOUD": ("Cloud infrastructure", "Engineering", "Runs services on managed cloud."),
    "BW-DESIGN": ("System design", "Engineering", "Shapes systems that can change."),
    "BW-INVENTORY": ("Inventory control", "Operations", "Right stock, right place."),
    "BW-SAFETY": ("Warehouse safety", "Operations", "Works safely and stops unsafe work."),
    "BW-ROUTES": ("Route planning", "Operations", "Plans deliveries that arrive on time."),
    "BW-SOURCING": ("Supplier negotiation", "Operations", "Buys well and keeps suppliers."),
    "BW-COACH": ("Coaching", "People", "Helps others find their own answers."),
    "BW-INTERVIEW": ("Structured interviewing", "People", "Hires on evidence."),
    "BW-FACILITATE": ("Facilitation", "People", "Runs sessions where everyone contributes."),
    "empowering-leadership": (
        "Empowering leadership",
        "Leadership",
        "Gives people room and support.",
    ),
    # The quiz's other three trainings, in the catalogue (not yet in a job profile).
    "storytelling": ("Storytelling", "Core", "Turns facts into a story people act on."),
    "analytical-thinking": (
        "Analytical thinking",
        "Core",
        "Breaks a messy problem down and decides on evidence.",
    ),
    "diversity-inclusion": (
        "Diversity & inclusion",
        "People",
        "Makes room for every voice and background.",
    ),
}
# The codes the leadership-style quiz's outcomes recommend (skills and paths alike).
QUIZ_TRAININGS: tuple[str, ...] = (
    "collaboration-influence", "storytelling", "analytical-thinking", "resilience",
    "taking-ownership", "empowering-leadership", "diversity-inclusion",
)  # fmt: skip

CORE = {
    "BW-WRITE": (3, 2),
    "BW-DATA": (3, 3),
    "collaboration-influence": (3, 3),
    "taking-ownership": (3, 3),
}
LEADER = {"BW-COACH": (4, 4), "empowering-leadership": (4, 4), "resilience": (4, 3)}
# title: {code: (target level, importance)}, in addition to the core skills
PROFILES: dict[str, dict[str, tuple[int, int]]] = {
    "Account Executive": {
        "BW-SOLUTION": (4, 5),
        "BW-DISCOVERY": (4, 4),
        "BW-NEGOTIATE": (3, 3),
        "BW-PIPELINE": (3, 3),
        "BW-CRM": (3, 2),
    },
    "Senior Account Executive": {
        "BW-SOLUTION": (5, 5),
        "BW-DISCOVERY": (5, 4),
        "BW-NEGOTIATE": (4, 4),
        "BW-PIPELINE": (4, 3),
    },
    "Sales Team Lead": {"BW-SOLUTION": (4, 4), "BW-PIPELINE": (4, 4), **LEADER},
    "Sales Director": {"BW-PIPELINE": (4, 4), "BW-NEGOTIATE": (4, 3), **LEADER},
    "Customer Service Agent": {
        "BW-FIRSTFIX": (4, 5),
        "BW-DEESCALATE": (3, 4),
        "BW-PRODUCT": (3, 3),
        "BW-EMPATHY": (3, 3),
        "resilience": (3, 3),
    },
    "Senior Customer Service Agent": {
        "BW-FIRSTFIX": (5, 5),
        "BW-DEESCALATE": (4, 4),
        "BW-PRODUCT": (4, 3),
        "BW-EMPATHY": (4, 3),
    },
    "Customer Service Team Lead": {"BW-FIRSTFIX": (4, 5), "BW-DEESCALATE": (4, 4), **LEADER},
    "Head of Customer Service": {"BW-FIRSTFIX": (4, 5), **LEADER},
    "Software Engineer": {
        "BW-PYTHON": (3, 5),
        "BW-TESTING": (3, 4),
        "BW-CLOUD": (3, 4),
        "BW-DESIGN": (2, 3),
    },
    "Senior Software Engineer": {
        "BW-PYTHON": (4, 5),
        "BW-TESTING": (4, 4),
        "BW-CLOUD": (4, 4),
        "BW-DESIGN": (4, 4),
    },
    "Quality Engineer": {"BW-TESTING": (4, 5), "BW-PYTHON": (3, 3)},
    "Engineering Manager": {"BW-DESIGN": (3, 3), **LEADER},
    "Head of Engineering": {"BW-DESIGN": (4, 4), **LEADER},
    "Warehouse Associate": {"BW-SAFETY": (4, 5), "BW-INVENTORY": (3, 4)},
    "Logistics Coordinator": {"BW-ROUTES": (4, 5), "BW-INVENTORY": (3, 3)},
    "Procurement Buyer": {"BW-SOURCING": (4, 5), "BW-INVENTORY": (3, 3)},
    "Operations Team Lead": {"BW-SAFETY": (4, 5), **LEADER},
    "Head of Operations": {"BW-SAFETY": (4, 4), **LEADER},
    "HR Business Partner": {"BW-COACH": (4, 4), "BW-FACILITATE": (3, 3)},
    "Learning Partner": {"BW-FACILITATE": (4, 5), "BW-COACH": (3, 4)},
    "Recruiter": {"BW-INTERVIEW": (4, 5)},
    "People Team Lead": {"BW-INTERVIEW": (3, 3), **LEADER},
    "Head of People": {"BW-FACILITATE": (3, 3), **LEADER},
}
# priority title (start): {code: weight}; each skill serves at most one priority.
PRIORITY_SKILLS: dict[str, dict[str, float]] = {
    "Win more of the deals": {"BW-SOLUTION": 1.0, "BW-DISCOVERY": 0.5, "BW-NEGOTIATE": 0.5},
    "Solve it the first time": {"BW-FIRSTFIX": 1.0, "BW-DEESCALATE": 0.5},
    "Get new hires productive": {"BW-COACH": 0.5, "BW-INTERVIEW": 0.5},
    "Ship faster": {"BW-CLOUD": 1.0, "BW-TESTING": 0.5},
}
CLOUD_EXTRA_24 = 2
# title: (share of today's headcount at 12 months, at 24 months) plus a constant
HEADCOUNT: dict[str, tuple[float, float, int]] = {
    "Account Executive": (0.05, 0.25, 1),
    "Software Engineer": (0.10, 0.10, 1),
    "Customer Service Agent": (0.0, -0.05, 0),
}


def write_skill_catalogue(session: Session) -> dict[str, int]:
    """The catalogue, profiles, priority weights and headcount plan; returns code → id."""
    drafts = [
        SkillDraft(code=code, name=name, category=category, description=text)
        for code, (name, category, text) in CATALOGUE.items()
    ]
    store_skills(session, drafts, ImportReport("demo", "demo skills"))
    ids = skill_ids(session)
    roles = {str(t): int(i) for t, i in session.execute(select(JobRole.title, JobRole.id))}
    rows = []
    for title, own in PROFILES.items():
        if title not in roles:
            continue
        wanted = {**CORE, **own}
        rows += [
            JobSkill(
                job_role_id=roles[title],
                skill_id=ids[code],
                target_level=target,
                importance=importance,
            )
            for code, (target, importance) in wanted.items()
        ]
    session.add_all(rows)
    priorities = list(session.execute(select(StrategicPriority.id, StrategicPriority.title)))
    for start, weights in PRIORITY_SKILLS.items():
        found = [int(i) for i, t in priorities if str(t).startswith(start)]
        if not found:
            continue
        session.add_all(
            PrioritySkill(
                priority_id=found[0],
                skill_id=ids[code],
                weight=w,
                extra_people_24=CLOUD_EXTRA_24 if code == "BW-CLOUD" else 0,
            )
            for code, w in weights.items()
        )
    headcount = dict(
        session.execute(
            select(Employee.job_role_id, func.count())
            .where(Employee.exit_date.is_(None))
            .group_by(Employee.job_role_id)
        ).all()
    )
    for title, (at12, at24, constant) in HEADCOUNT.items():
        now = int(headcount.get(roles.get(title, -1), 0))
        if title not in roles or now == 0:
            continue
        for months, share in ((12, at12), (24, at24)):
            change = round(share * now) + (constant if share > 0 else 0)
            if change:
                session.add(
                    HeadcountPlan(
                        job_role_id=roles[title],
                        horizon_months=months,
                        change=change,
                        note="demo plan",
                    )
                )
    session.flush()
    return ids


__all__ = ["CATALOGUE", "PROFILES", "QUIZ_TRAININGS", "write_skill_catalogue"]
