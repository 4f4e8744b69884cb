"""A program's nudges: write one from the program's Prompt, list them, pause and resume.

The Prompt of the Five Ps canvas (the signal that reminds people to act) is where a nudge starts:
a new nudge's message is prefilled with it, and ``{prompt}`` in a template always reads the
canvas as it stands. A program without a canvas Prompt writes its message here instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Nudge, NudgeDelivery, ProgramBehaviour, ProgramCanvas
from lodestar.domain.nudges import (
    AUDIENCE_LABELS,
    CHANNEL_LABELS,
    QuietHours,
    Schedule,
    check_audience,
    check_channel,
    check_quiet_hours,
    check_schedule,
    check_template,
)
from lodestar.domain.roles import Actor
from lodestar.errors import Conflict, InvalidInput, NotFound
from lodestar.services import audit
from lodestar.services.programs.access import load_program, require_designer, require_reader

DEFAULT_SUBJECT = "{program}: day {day} of {days}"
DEFAULT_BODY = "Hello {first_name},\n\n{prompt}\n\nOne small step today is enough."
DEFAULT_BODY_WITHOUT_PROMPT = "Hello {first_name},\n\n(Write the reminder here.)"


@dataclass(frozen=True)
class NudgeInput:
    """A nudge as a form or a command gives it (text values are checked by :func:`save`)."""

    name: str
    channel: str = "email"
    audience: str = "participants"
    subject: str = DEFAULT_SUBJECT
    body: str = DEFAULT_BODY
    behaviour: str = ""
    send_at: str = "08:30"
    first_day: int = 1
    occurrences: int = 10
    every: int = 1
    quiet_start: str = "19:00"
    quiet_end: str = "07:30"


@dataclass(frozen=True)
class NudgeView:
    id: int
    program_id: int
    name: str
    channel: str
    channel_label: str
    audience: str
    audience_label: str
    subject: str
    body: str
    behaviour: str
    schedule: Schedule
    schedule_text: str
    quiet: QuietHours | None
    active: bool


def nudge_view(row: Nudge) -> NudgeView:
    schedule = Schedule(row.send_at, row.first_day, row.occurrences, row.every)
    quiet = (
        QuietHours(row.quiet_start, row.quiet_end)
        if row.quiet_start is not None and row.quiet_end is not None
        else None
    )
    return NudgeView(
        id=row.id,
        program_id=row.program_id,
        name=row.name,
        channel=row.channel,
        channel_label=CHANNEL_LABELS.get(row.channel, row.channel),
        audience=row.audience,
        audience_label=AUDIENCE_LABELS.get(row.audience, row.audience),
        subject=row.subject,
        body=row.body,
        behaviour=row.behaviour,
        schedule=schedule,
        schedule_text=schedule.text() + (f", never in quiet hours {quiet.text()}" if quiet else ""),
        quiet=quiet,
        active=row.active,
    )


def canvas_prompt(session: Session, program_id: int) -> str:
    """The Prompt of the program's Five Ps canvas ("" when it has none)."""
    prompt = session.scalar(
        select(ProgramCanvas.prompt).where(ProgramCanvas.program_id == program_id)
    )
    return (prompt or "").strip()


def new_nudge_defaults(session: Session, actor: Actor, program_id: int) -> NudgeInput:
    """What the form for a new nudge starts from: the canvas Prompt when there is one."""
    require_designer(actor)
    prog = load_program(session, program_id)
    has_prompt = bool(canvas_prompt(session, prog.id))
    first = session.scalar(
        select(ProgramBehaviour.behaviour)
        .where(ProgramBehaviour.program_id == prog.id)
        .order_by(ProgramBehaviour.position, ProgramBehaviour.id)
    )
    return NudgeInput(
        name=f"{prog.name} reminders"[:120],
        body=DEFAULT_BODY if has_prompt else DEFAULT_BODY_WITHOUT_PROMPT,
        behaviour=first or "",
    )


def list_nudges(session: Session, actor: Actor, program_id: int) -> list[NudgeView]:
    require_reader(actor)
    load_program(session, program_id)
    rows = session.scalars(select(Nudge).where(Nudge.program_id == program_id).order_by(Nudge.id))
    return [nudge_view(r) for r in rows]


def save_nudge(
    session: Session, actor: Actor, program_id: int, data: NudgeInput, nudge_id: int | None = None
) -> NudgeView:
    """Create a nudge (or change one); nothing is written unless every field is right."""
    require_designer(actor)
    prog = load_program(session, program_id, for_update=True)
    problems: dict[str, str] = {}

    def check(field: str, fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except InvalidInput as err:
            fields = err.details.get("fields")
            problems.update(fields or {err.details.get("field", field): err.message})
            return None

    name = " ".join(data.name.split())
    if not name or len(name) > 120:
        problems["name"] = "Give the nudge a name of 1 to 120 characters, e.g. 'Checklist days'."
    channel = check("channel", check_channel, data.channel)
    audience = check("audience", check_audience, data.audience)
    subject = check("subject", check_template, data.subject, "subject")
    if subject and len(subject) > 200:
        problems["subject"] = "Keep the subject to 200 characters."
    body = check("body", check_template, data.body, "body")
    if body and len(body) > 4000:
        problems["body"] = "Keep the message to 4,000 characters; a nudge is read in passing."
    if body and "{prompt}" in body and not canvas_prompt(session, prog.id):
        problems["body"] = (
            "The message uses {prompt}, but the program's Five Ps canvas has no Prompt yet. "
            "Write the Prompt on the design page, or write the reminder into the message."
        )
    schedule = check(
        "send_at", check_schedule, data.send_at, data.first_day, data.occurrences, data.every
    )
    quiet = check("quiet_start", check_quiet_hours, data.quiet_start, data.quiet_end)
    if schedule and quiet and quiet.contains(schedule.send_at):
        problems["send_at"] = (
            f"{schedule.send_at:%H:%M} falls in the quiet hours ({quiet.text()}); choose a time "
            "outside them, or change the quiet hours."
        )
    behaviour = data.behaviour.strip()
    targets = set(
        session.scalars(
            select(ProgramBehaviour.behaviour).where(ProgramBehaviour.program_id == prog.id)
        )
    )
    if behaviour and behaviour not in targets:
        problems["behaviour"] = (
            f"'{behaviour[:60]}' is not one of the program's target behaviours; choose one of "
            "them, or none."
        )
    if problems:
        raise InvalidInput(" ".join(dict.fromkeys(problems.values())), details={"fields": problems})
    assert channel and audience and subject and body and schedule
    if nudge_id is None:
        row = Nudge(program_id=prog.id, created_by_id=actor.user_id, active=True)
        session.add(row)
    else:
        row = _nudge_of(session, prog.id, nudge_id)
    row.name, row.channel, row.audience, row.subject, row.body = (
        name,
        channel,
        audience,
        subject,
        body,
    )
    row.behaviour = behaviour
    row.send_at, row.first_day, row.occurrences, row.every = (
        schedule.send_at,
        schedule.first_day,
        schedule.occurrences,
        schedule.every,
    )
    row.quiet_start = quiet.start if quiet else None
    row.quiet_end = quiet.end if quiet else None
    session.flush()
    audit.record(session, actor, "nudge.save", "program", prog.id, f"nudge #{row.id}: {name}")
    return nudge_view(row)


def set_active(
    session: Session, actor: Actor, program_id: int, nudge_id: int, active: bool
) -> NudgeView:
    """Pause a nudge (nothing more is sent; retries wait) or resume it."""
    require_designer(actor)
    load_program(session, program_id)
    row = _nudge_of(session, program_id, nudge_id)
    row.active = active
    session.flush()
    audit.record(
        session,
        actor,
        "nudge.resume" if active else "nudge.pause",
        "program",
        program_id,
        f"nudge #{row.id}",
    )
    return nudge_view(row)


#: Deliveries that left a trace with a person: a message sent, tried, or on its way.
_TRACES = ("claimed", "sent", "retrying", "failed")


def delete_nudge(session: Session, actor: Actor, program_id: int, nudge_id: int) -> NudgeView:
    """Delete a nudge that has not reached anyone yet (with its skipped and expired
    occurrences). One that has sent or tried to send a message keeps its history, the answers
    and the statements it recorded: it is paused instead, and the error says so."""
    require_designer(actor)
    load_program(session, program_id, for_update=True)
    row = _nudge_of(session, program_id, nudge_id)
    traces = int(
        session.scalar(
            select(func.count())
            .select_from(NudgeDelivery)
            .where(NudgeDelivery.nudge_id == row.id, NudgeDelivery.status.in_(_TRACES))
        )
        or 0
    )
    if traces:
        raise Conflict(
            f"Nudge “{row.name}” has sent or tried to send {traces:,} messages; its deliveries "
            "and answers are the program's record, so it cannot be deleted. Pause it instead: "
            "nothing more is sent."
        )
    view = nudge_view(row)
    session.execute(delete(NudgeDelivery).where(NudgeDelivery.nudge_id == row.id))
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "nudge.delete", "program", program_id, f"nudge #{view.id}: {view.name}"
    )
    return view


def require_nudge(session: Session, actor: Actor, program_id: int, nudge_id: int) -> NudgeView:
    """One nudge of a program, for those who may read programs; NotFound when the program has
    no such nudge."""
    require_reader(actor)
    load_program(session, program_id)
    return nudge_view(_nudge_of(session, program_id, nudge_id))


def _nudge_of(session: Session, program_id: int, nudge_id: int) -> Nudge:
    row = session.get(Nudge, nudge_id)
    if row is None or row.program_id != program_id:
        raise NotFound(
            f"Program #{program_id} has no nudge #{nudge_id}. Open the program's nudges page "
            "to see the ones it has."
        )
    return row


def clock(value: time | None) -> str:
    return "" if value is None else f"{value:%H:%M}"


FORM_FIELDS = (
    "name",
    "channel",
    "audience",
    "subject",
    "body",
    "behaviour",
    "send_at",
    "first_day",
    "occurrences",
    "every",
    "quiet_start",
    "quiet_end",
)


def stored_values(view: NudgeView) -> dict[str, str]:
    """A stored nudge as the strings its form shows."""
    return form_values(stored_input(view))


def stored_input(view: NudgeView) -> NudgeInput:
    """A stored nudge as the input that would write it again (a partial change starts here)."""
    return NudgeInput(
        name=view.name,
        channel=view.channel,
        audience=view.audience,
        subject=view.subject,
        body=view.body,
        behaviour=view.behaviour,
        send_at=clock(view.schedule.send_at),
        first_day=view.schedule.first_day,
        occurrences=view.schedule.occurrences,
        every=view.schedule.every,
        quiet_start=clock(view.quiet.start if view.quiet else None),
        quiet_end=clock(view.quiet.end if view.quiet else None),
    )


def form_values(data: NudgeInput) -> dict[str, str]:
    """A nudge input as the strings a form shows."""
    return {name: str(getattr(data, name)) for name in FORM_FIELDS}
