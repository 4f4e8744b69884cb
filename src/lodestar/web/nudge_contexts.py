"""Typed page contexts of the nudge pages (see :mod:`lodestar.web.contexts` for the convention:
the fields are the whole contract between a route and its template)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lodestar.domain.roles import Actor
from lodestar.services import nudges


@dataclass(frozen=True)
class NudgesPage:
    """``nudges/program.html``: a program's nudges with their counts, and the form for a new one."""

    actor: Actor
    report: nudges.ProgramNudges
    values: Mapping[str, str]  # the new-nudge form: typed, or the defaults from the Prompt
    error: str | None
    errors: Mapping[str, str]  # field -> sentence, shown by the field
    channels: Mapping[str, str]  # value -> label
    audiences: Mapping[str, str]
    template_fields: Mapping[str, str]  # placeholder -> what it holds
    unset_channels: tuple[str, ...]  # channels the settings do not set up yet (labels)
    edit_values: Mapping[int, Mapping[str, str]]  # nudge id -> its form: stored, or as typed
    editing: int | None = None  # the nudge whose changes were refused (its form opens)
    calendars: nudges.RecipientPatterns | None = None  # the recipients' working calendars
    time_zones: tuple[str, ...] = ()
    pattern_error: str | None = None
    typed_pattern: tuple[str, str, str] | None = None  # refused: person, zone, days as typed


@dataclass(frozen=True)
class NudgeAnswerPage:
    """``nudges/answer.html``: the public page a signed link opens (no sign-in): the question
    before the answer is recorded (``prompt``), or what was recorded (``outcome``)."""

    token: str
    prompt: nudges.AnswerPrompt | None = None
    outcome: nudges.AnswerOutcome | None = None
