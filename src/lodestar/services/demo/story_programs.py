"""The planted programs' design story: a canvas for each, the FCR pilot's registration, a
materialised risk, and the decisions taken (Consultative Discovery scaled, Mindful webinars
stopped), each step written as the program services record it.

Every step is dated by the data, never by the wall clock: a program is created four weeks
before its first start (or when the request it answers moved to design), launched on its first
start date, and decided on a dated week of the history; the FCR registration is locked on the
pilot's start. A request a program answers ends in the program's state, dated with it.

Known answers, recorded beside the demo truth (``workspace_meta['demo_design_truth']``,
:data:`DESIGN_TRUTH`): the FCR registration expects −2.5 points of repeat contacts while the
data hold −1.8, so its grade is "smaller than expected, but real"; the Mindful description talks
only of activity and is flagged; Consultative Discovery pre-registered +3 points, which is its
stored target less its baseline; the two requests planted programs answer stand where their
programs stand; no dated step lies after the story's end. The two programs the story itself
makes from requests (:mod:`.story_requests_programs`) add theirs under ``story_programs``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.analytics.demo.calendar import monday_iso
from lodestar.db.models import (
    PilotRegistration,
    Program,
    ProgramBehaviour,
    ProgramCanvas,
    ProgramRisk,
    ProgramTransition,
    RequestTransition,
    TrainingRequest,
    WorkspaceMeta,
)
from lodestar.domain.program_lifecycle import REQUEST_STATE_FOR
from lodestar.services.demo.story_request_designs import STORY_PROGRAMS_TRUTH
from lodestar.services.demo.story_script import STORY_END

CANVASES: dict[str, dict[str, Any]] = {
    "consultative_discovery": {
        "audience": "account executives",
        "place": "Discovery calls on live deals, before a proposal is written.",
        "prompt": "The CRM asks for the call review when a deal moves to 'proposal'.",
        "proof": "Meeting-to-proposal conversion, weekly; call reviews at 30/60/90 days.",
        "formats": ["coaching", "prompt"],
    },
    "fcr_pilot": {
        "audience": "customer service agents",
        "place": "Inbound contacts, at the moment the agent is about to close the ticket.",
        "prompt": "A two-question checklist appears when the agent clicks 'Resolve'.",
        "proof": "Repeat-contact rate per agent, weekly; team leads' call reviews.",
        "formats": ["checklist", "prompt"],
    },
    "negotiation_masterclass": {
        "audience": "nominated sales reps",
        "place": "Price negotiations in the last week before a deal closes.",
        "prompt": "A written value summary is required before a discount is approved.",
        "proof": "Average deal size; managers' deal reviews.",
        "formats": ["workshop"],
    },
    "stay_conversations": {
        "audience": "team managers in engineering, operations and HR & L&D",
        "place": "A one-to-one with each team member in the first month of every quarter.",
        "prompt": "The HR system opens a stay-conversation note when the quarter's first "
        "one-to-one is booked.",
        "proof": "Voluntary leavers a year, against teams not yet in the program; the "
        "managers' follow-up notes.",
        "formats": ["job_aid", "coaching"],
        "behaviours": ["Asks each team member what would make them leave"],
    },
    "onboarding_buddy": {
        # The generated statement reads the target (54 lines/hour) as the standard new hires
        # reach sooner, as the time-to-productivity analysis does, so nobody rewrote it.
        "audience": "new warehouse and logistics hires",
        "place": "The first six weeks on the warehouse floor, at the start of each shift.",
        "prompt": "A five-minute check-in prompt on the buddy's scanner at shift start.",
        "proof": "Days until a new hire reaches the standard pick rate three weeks in a row.",
        "formats": ["internal_gig", "prompt"],
        "behaviours": ["Checks in with their buddy at the start of every shift"],
    },
    "mindful_webinars": {
        "audience": "customer service agents",
        "place": "",
        "prompt": "",
        "proof": "Customer satisfaction (CSAT).",
        "formats": ["micro_learning"],
    },
}

DESIGN_TRUTH: dict[str, Any] = {
    "fcr_pilot": {
        "registered_effect": -2.5,
        "planted_effect": -1.8,
        "expected_grade": "smaller_but_real",
        "launched_on": monday_iso(58),
        "request": "First-contact resolution for tier-1 agents",
        "request_state": "pilot",
    },
    "consultative_discovery": {
        "preregistered_effect": 3.0,  # the request's "+3 points", = target − baseline
        "request": "Discovery-call coaching for account executives",
        "request_state": "scaled",
    },
    "mindful_webinars": {"activity_talk": True},
    # Every program has a canvas and a statement — the planted ones and the two the story
    # makes from requests — and only the Mindful description is flagged.
    "canvases": sorted([*CANVASES, *STORY_PROGRAMS_TRUTH]),
    "story_programs": STORY_PROGRAMS_TRUTH,
    "activity_talk_flagged": ["mindful_webinars"],
    "decisions": {"consultative_discovery": "scale", "mindful_webinars": "stop"},
    "materialised_risks": {"fcr_pilot": 1},
    "story_end": STORY_END.isoformat(),
}

#: (program code, from, to, decision, reason, week of the history it happened in).
STEPS: tuple[tuple[str, str, str, str, str, int], ...] = (
    ("consultative_discovery", "in_design", "pilot", "", "First cohort started.", 40),
    ("consultative_discovery", "pilot", "scaled", "scale",
     "Conversion rose in the first cohorts against teams not yet started; rolled out by team.",
     63),
    ("fcr_pilot", "in_design", "pilot", "",
     "Launched; expectation locked as version 1: -2.5 points of repeat contacts within 90 days.",
     58),
    ("negotiation_masterclass", "in_design", "scaled", "scale",
     "Sales leadership nominated every senior rep; no pilot was run.", 66),
    ("mindful_webinars", "in_design", "pilot", "", "Open enrolment opened.", 30),
    ("stay_conversations", "in_design", "pilot", "",
     "Half the teams, drawn by lottery, start the conversations; the others follow later.", 20),
    ("onboarding_buddy", "in_design", "pilot", "",
     "New hires are drawn for a buddy by lottery from this week's intake on.", 12),
    ("mindful_webinars", "pilot", "stopped", "stop",
     "No clear effect on CSAT; the budget moves to the FCR checklist.", 55),
)  # fmt: skip
#: The week the FCR risk happened: the delivery-tracking outage, when contact volumes doubled.
RISK_WEEK = 71


def on_week(week: int, hour: int = 9) -> datetime:
    """``hour`` o'clock UTC on the Monday of history week ``week``."""
    return datetime.combine(date.fromisoformat(monday_iso(week)), time(hour), tzinfo=UTC)


def _created_at(session: Session, prog: Program) -> datetime:
    """When a program was created: when the request it answers moved to design, or four weeks
    before its first step."""
    if prog.request_id is not None:
        moved = session.scalar(
            select(RequestTransition.at).where(
                RequestTransition.request_id == prog.request_id,
                RequestTransition.to_state == "in_design",
            )
        )
        if moved is not None:
            return moved
    first = min(week for code, *_, week in STEPS if code == prog.code)
    return on_week(first - 4)


def write_program_story(session: Session, truth: dict[str, Any], ld_user_id: int) -> None:
    """Canvases, histories, the FCR registration and a risk for the planted programs."""
    programs = {p.code: p for p in session.scalars(select(Program))}
    for code, planted in CANVASES.items():
        prog = programs.get(code)
        if prog is None:
            continue
        created = _created_at(session, prog)
        prog.created_at = created
        canvas = {"statement": "", **planted}
        session.add_all(
            ProgramBehaviour(program_id=prog.id, behaviour=name, position=i)
            for i, name in enumerate(canvas.pop("behaviours", ()))
        )
        session.add(ProgramCanvas(program_id=prog.id, updated_by_id=ld_user_id, problem="",
                                  updated_at=created, **canvas))  # fmt: skip
        session.add(ProgramTransition(program_id=prog.id, from_state=None, to_state="in_design",
                                      actor_id=ld_user_id, reason="Created.",
                                      at=created))  # fmt: skip
    for code, before, after, decision, reason, week in STEPS:
        if code in programs:
            session.add(ProgramTransition(program_id=programs[code].id, from_state=before,
                                          to_state=after, decision=decision, at=on_week(week),
                                          actor_id=ld_user_id, reason=reason))  # fmt: skip
    fcr = programs.get("fcr_pilot")
    if fcr is not None and fcr.kpi_id is not None:
        start = date.fromisoformat(truth["programs"]["fcr_pilot"]["start_dates"][0])
        launched = datetime.combine(start, time(9), tzinfo=UTC)
        fcr.horizon_date = start + timedelta(days=90)  # launch set it to the registered one
        session.add(
            PilotRegistration(
                program_id=fcr.id, version=1, kpi_id=fcr.kpi_id, expected_effect=-2.5,
                horizon_date=start + timedelta(days=90), evaluation_design="randomised",
                analysis_settings={}, plan={}, reason="Locked at launch.",
                locked_by_id=ld_user_id, locked_at=launched,
            )
        )  # fmt: skip
        session.add(
            ProgramRisk(
                program_id=fcr.id,
                description="Team leads skip the checklist reviews in the weeks of the "
                "quarterly release, when contact volumes double.",
                likelihood="medium", impact="high", status="happened", owner="Service lead",
                mitigation="Move the reviews to the week after each release.",
                created_at=launched - timedelta(days=14), updated_at=on_week(RISK_WEEK),
            )
        )  # fmt: skip
    _requests_follow(session, programs.values(), ld_user_id)
    session.merge(WorkspaceMeta(key="demo_design_truth", value=DESIGN_TRUTH))


def _requests_follow(session: Session, programs: Any, ld_user_id: int) -> None:
    """A request that became a program ends in the program's state, moved when it moved."""
    for prog in programs:
        if prog.request_id is None:
            continue
        req = session.get(TrainingRequest, prog.request_id)
        wanted = REQUEST_STATE_FOR.get(prog.status, "")  # type: ignore[call-overload]
        if req is None or not wanted or req.state == wanted:
            continue
        weeks = [w for code, _, after, *_, w in STEPS if code == prog.code and after == wanted]
        at = on_week(weeks[-1], hour=10) if weeks else STORY_END
        session.add(
            RequestTransition(
                request_id=req.id, from_state=req.state, to_state=wanted,
                actor_id=ld_user_id, reason=f"Follows program #{prog.id}.", at=at,
            )
        )  # fmt: skip
        req.state = wanted
        req.updated_at = max(req.updated_at, at)
