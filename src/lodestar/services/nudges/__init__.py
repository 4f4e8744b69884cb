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
from lodestar.services.nudges.calendars import set_work_pattern
from lodestar.services.nudges.channels import unset_channels
from lodestar.services.nudges.design import (
    FORM_FIELDS,
    NudgeInput,
    NudgeView,
    clock,
    form_values,
    list_nudges,
    new_nudge_defaults,
    save_nudge,
    set_active,
    stored_values,
)
from lodestar.services.nudges.dispatch import RunSummary, Sender, send_due
from lodestar.services.nudges.report import NudgeCounts, ProgramNudges, program_nudges


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
    "list_nudges",
    "new_nudge_defaults",
    "program_nudges",
    "public_base",
    "record_answer",
    "save_nudge",
    "send_due",
    "sender_for",
    "set_active",
    "set_work_pattern",
    "stored_values",
]
