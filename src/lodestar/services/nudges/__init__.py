"""Nudges in the flow of work: design them from a program's Prompt, send what is due exactly
once (``send_due``), take the answers from signed links, and report on a program's nudges.

See docs/nudges.md for the schedule rules, the channels and running ``send-due`` from cron or
a systemd timer.
"""

from __future__ import annotations

from lodestar.config import Settings
from lodestar.services.nudges.answers import (
    AnswerOutcome,
    AnswerPrompt,
    answer_prompt,
    record_answer,
)
from lodestar.services.nudges.channels import unset_channels
from lodestar.services.nudges.design import (
    FORM_FIELDS,
    NudgeInput,
    NudgeView,
    clock,
    delete_nudge,
    form_values,
    list_nudges,
    new_nudge_defaults,
    require_nudge,
    save_nudge,
    set_active,
    stored_input,
    stored_values,
)
from lodestar.services.nudges.dispatch import RunSummary, Sender, send_due
from lodestar.services.nudges.report import NudgeCounts, ProgramNudges, program_nudges
from lodestar.services.nudges.work_patterns import (
    RecipientPatterns,
    WorkPatternView,
    clear_work_pattern,
    own_work_pattern,
    recipient_patterns,
    set_work_pattern,
    team_work_patterns,
    time_zone_names,
    work_pattern,
)


def public_base(settings: Settings) -> str:
    """Where answer links point and what statement IRIs start with: LODESTAR_PUBLIC_URL, or
    http://localhost:8000 when it is not set."""
    return settings.public_url.rstrip("/") or "http://localhost:8000"


def sender_for(settings: Settings, secret: str) -> Sender:
    """A :class:`Sender` from the settings and the app's signing secret."""
    base = public_base(settings)
    return Sender(settings=settings.nudges, secret=secret, base_url=base, iri_base=base)


__all__ = [
    "FORM_FIELDS",
    "form_values",
    "unset_channels",
    "AnswerOutcome",
    "AnswerPrompt",
    "NudgeCounts",
    "NudgeInput",
    "NudgeView",
    "ProgramNudges",
    "RunSummary",
    "Sender",
    "answer_prompt",
    "clock",
    "delete_nudge",
    "list_nudges",
    "new_nudge_defaults",
    "program_nudges",
    "public_base",
    "record_answer",
    "require_nudge",
    "save_nudge",
    "send_due",
    "sender_for",
    "set_active",
    "set_work_pattern",
    "RecipientPatterns",
    "WorkPatternView",
    "clear_work_pattern",
    "own_work_pattern",
    "recipient_patterns",
    "work_pattern",
    "team_work_patterns",
    "time_zone_names",
    "stored_input",
    "stored_values",
]
