"""The planted programs' design story: a canvas for each, the FCR pilot's registration, a
materialised risk, and the decisions taken (Consultative Discovery scaled, Mindful webinars
stopped), each step written as the program services record it.

Known answers, recorded beside the demo truth (``workspace_meta['demo_design_truth']``):
the FCR registration expects −2.5 points of repeat contacts while the data hold −1.8, so its
grade is "smaller than expected, but real"; the Mindful description talks only of activity
and is flagged.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    PilotRegistration,
    Program,
    ProgramCanvas,
    ProgramRisk,
    ProgramTransition,
    RequestTransition,
    TrainingRequest,
    WorkspaceMeta,
)
from lodestar.domain.program_lifecycle import REQUEST_STATE_FOR

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
    "mindful_webinars": {
        "audience": "customer service agents",
        "place": "",
        "prompt": "",
        "proof": "Customer satisfaction (CSAT).",
        "formats": ["micro_learning"],
    },
}

DESIGN_TRUTH: dict[str, Any] = {
    "fcr_pilot": {"registered_effect": -2.5, "expected_grade": "smaller_but_real"},
    "mindful_webinars": {"activity_talk": True},
    "decisions": {"consultative_discovery": "scale", "mindful_webinars": "stop"},
}

#: (program code, from, to, decision, reason) after the creation step.
STEPS: tuple[tuple[str, str, str, str, str], ...] = (
    ("consultative_discovery", "in_design", "pilot", "", "First cohort started."),
    ("consultative_discovery", "pilot", "scaled", "scale",
     "Conversion rose in the first cohorts against teams not yet started; rolled out by team."),
    ("fcr_pilot", "in_design", "pilot", "",
     "Launched; expectation locked as version 1: -2.5 points of repeat contacts within 90 days."),
    ("negotiation_masterclass", "in_design", "scaled", "scale",
     "Sales leadership nominated every senior rep; no pilot was run."),
    ("mindful_webinars", "in_design", "pilot", "", "Open enrolment opened."),
    ("mindful_webinars", "pilot", "stopped", "stop",
     "No clear effect on CSAT; the budget moves to the FCR checklist."),
)  # fmt: skip


def write_program_story(session: Session, truth: dict[str, Any], ld_user_id: int) -> None:
    """Canvases, histories, the FCR registration and a risk for the planted programs."""
    programs = {p.code: p for p in session.scalars(select(Program))}
    for code, canvas in CANVASES.items():
        prog = programs.get(code)
        if prog is None:
            continue
        session.add(ProgramCanvas(program_id=prog.id, statement="", updated_by_id=ld_user_id,
                                  problem="", **canvas))  # fmt: skip
        session.add(ProgramTransition(program_id=prog.id, from_state=None, to_state="in_design",
                                      actor_id=ld_user_id, reason="Created."))  # fmt: skip
    for code, before, after, decision, reason in STEPS:
        if code in programs:
            session.add(ProgramTransition(program_id=programs[code].id, from_state=before,
                                          to_state=after, decision=decision,
                                          actor_id=ld_user_id, reason=reason))  # fmt: skip
    fcr = programs.get("fcr_pilot")
    if fcr is not None and fcr.kpi_id is not None:
        start = date.fromisoformat(truth["programs"]["fcr_pilot"]["start_dates"][0])
        session.add(
            PilotRegistration(
                program_id=fcr.id, version=1, kpi_id=fcr.kpi_id, expected_effect=-2.5,
                horizon_date=start + timedelta(days=90), evaluation_design="randomised",
                analysis_settings={}, plan={}, reason="Locked at launch.",
                locked_by_id=ld_user_id,
            )
        )  # fmt: skip
        session.add(
            ProgramRisk(
                program_id=fcr.id,
                description="Team leads skip the checklist reviews in the weeks of the "
                "quarterly release, when contact volumes double.",
                likelihood="medium", impact="high", status="happened", owner="Service lead",
                mitigation="Move the reviews to the week after each release.",
            )
        )  # fmt: skip
    # A request that became a program mirrors the program's state.
    for prog in programs.values():
        if prog.request_id is not None:
            req = session.get(TrainingRequest, prog.request_id)
            wanted = REQUEST_STATE_FOR.get(prog.status, "")  # type: ignore[call-overload]
            if req is not None and wanted and req.state != wanted:
                session.add(
                    RequestTransition(
                        request_id=req.id, from_state=req.state, to_state=wanted,
                        actor_id=ld_user_id, reason=f"Follows program #{prog.id}.",
                    )
                )  # fmt: skip
                req.state = wanted
    session.merge(WorkspaceMeta(key="demo_design_truth", value=DESIGN_TRUTH))
