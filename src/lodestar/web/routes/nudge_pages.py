"""A program's nudges page (scheduled, sent, failed, answered; a form for a new nudge; pause and
resume), and the public page a nudge's signed link opens.

The answer page needs no sign-in: the link's signature names the delivery and the answer.
Opening it only asks; the button on it records (a POST with the page's CSRF token), so mail
scanners that follow every link in a message answer nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from lodestar.domain.nudges import AUDIENCE_LABELS, CHANNEL_LABELS, TEMPLATE_FIELDS
from lodestar.domain.roles import Actor
from lodestar.errors import LodestarError
from lodestar.services import nudges, programs
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor, csrf_protect
from lodestar.web.forms import (
    FieldErrors,
    FormDep,
    form_text,
    form_urls_answer_get,
    handle_form,
)
from lodestar.web.nudge_contexts import NudgeAnswerPage, NudgesPage
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)
CALENDARS = "/programs/{program_id}/nudges#calendars"
form_urls_answer_get(
    router,
    {
        "/programs/{program_id:int}/nudges/new": "/programs/{program_id}/nudges#new",
        "/programs/{program_id:int}/nudges/{nudge_id:int}/edit": "/programs/{program_id}/nudges",
        "/programs/{program_id:int}/nudges/{nudge_id:int}/pause": "/programs/{program_id}/nudges",
        "/programs/{program_id:int}/nudges/{nudge_id:int}/resume": "/programs/{program_id}/nudges",
        "/programs/{program_id:int}/nudges/work-patterns": CALENDARS,
        "/programs/{program_id:int}/nudges/work-patterns/clear": CALENDARS,
    },
    lambda db, actor, program_id, **_: programs.get_program(db, actor, program_id),
)
NUMBERS = ("first_day", "occurrences", "every")


def _render(
    request: Request, db: Session, actor: Actor, program_id: int, *,
    typed: dict[str, str] | None = None, error: LodestarError | None = None,
    editing: int | None = None, pattern_error: str | None = None,
    typed_pattern: tuple[str, str, str] | None = None,
) -> Response:  # fmt: skip
    report = nudges.program_nudges(db, actor, program_id)
    edit_values = {n.nudge.id: nudges.stored_values(n.nudge) for n in report.nudges}
    if editing is not None and typed is not None:
        edit_values[editing], typed = typed, None
    if typed is None:
        typed = (
            nudges.form_values(nudges.new_nudge_defaults(db, actor, program_id))
            if actor.is_ld
            else {}
        )
    page = NudgesPage(
        actor=actor,
        report=report,
        values=typed,
        error=error.message if error else None,
        errors=(error.details.get("fields") or {}) if error else {},
        channels=CHANNEL_LABELS,
        audiences=AUDIENCE_LABELS,
        template_fields=TEMPLATE_FIELDS,
        unset_channels=nudges.unset_channels(request.app.state.settings.nudges),
        edit_values=edit_values,
        editing=editing,
        calendars=nudges.recipient_patterns(db, actor, program_id),
        time_zones=nudges.time_zone_names() if actor.is_ld else (),
        pattern_error=pattern_error,
        typed_pattern=typed_pattern,
    )
    status = error.status if error else 422 if pattern_error else 200
    return render(request, "nudges/program.html", page, status_code=status)


@router.get("/programs/{program_id:int}/nudges")
def program_nudges(
    request: Request, db: SessionDep, actor: CurrentActor, program_id: int
) -> Response:
    return _render(request, db, actor, program_id)


def read_nudge_form(form: FormData, errors: FieldErrors) -> nudges.NudgeInput:
    values: dict[str, object] = {
        f: form_text(form, f) for f in nudges.FORM_FIELDS if f not in NUMBERS
    }
    for name in NUMBERS:
        raw = form_text(form, name)
        if raw.isdigit() and len(raw) < 6:
            values[name] = int(raw)
        else:
            errors[name] = f"“{raw[:20]}” is not a whole number of days; write it with digits."
    errors.raise_if_any()
    return nudges.NudgeInput(**values)  # type: ignore[arg-type]


@router.post("/programs/{program_id:int}/nudges/new")
def create_nudge(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    def act(errors: FieldErrors) -> str:
        made = nudges.save_nudge(db, actor, program_id, read_nudge_form(form, errors))
        return f"Nudge “{made.name}” saved: {made.schedule_text}."

    def refused(exc: LodestarError) -> Response:
        typed = {f: form_text(form, f) for f in nudges.FORM_FIELDS}
        return _render(request, db, actor, program_id, typed=typed, error=exc)

    return handle_form(request, db, act, refused=refused, done=f"/programs/{program_id}/nudges")


@router.post("/programs/{program_id:int}/nudges/{nudge_id:int}/edit")
def edit_nudge(
    request: Request,
    db: SessionDep,
    actor: WritingActor,
    form: FormDep,
    program_id: int,
    nudge_id: int,
) -> Response:
    def act(errors: FieldErrors) -> str:
        data = read_nudge_form(form, errors)
        saved = nudges.save_nudge(db, actor, program_id, data, nudge_id=nudge_id)
        return f"Nudge “{saved.name}” changed: {saved.schedule_text}. What was sent stays as sent."

    def refused(exc: LodestarError) -> Response:
        typed = {f: form_text(form, f) for f in nudges.FORM_FIELDS}
        return _render(request, db, actor, program_id, typed=typed, error=exc, editing=nudge_id)

    return handle_form(request, db, act, refused=refused, done=f"/programs/{program_id}/nudges")


def _switch(active: bool):  # type: ignore[no-untyped-def]
    def route(
        request: Request, db: SessionDep, actor: WritingActor, program_id: int, nudge_id: int
    ) -> Response:
        def act(errors: FieldErrors) -> str:
            view = nudges.set_active(db, actor, program_id, nudge_id, active)
            return f"Nudge “{view.name}” {'resumed' if active else 'paused'}."

        def refused(exc: LodestarError) -> Response:
            return _render(request, db, actor, program_id, error=exc)

        return handle_form(request, db, act, refused=refused, done=f"/programs/{program_id}/nudges")

    return route


for _verb, _active in (("pause", False), ("resume", True)):
    router.add_api_route(
        f"/programs/{{program_id:int}}/nudges/{{nudge_id:int}}/{_verb}",
        _switch(_active),
        methods=["POST"],
    )


# --- the recipients' working calendars -------------------------------------------------------


@router.post("/programs/{program_id:int}/nudges/work-patterns")
def set_recipient_pattern(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    person = form_text(form, "employee")
    zone = form_text(form, "time_zone")
    days = ",".join(d for d in form.getlist("working_days") if isinstance(d, str))

    def act(errors: FieldErrors) -> str:
        nudges.set_work_pattern(db, actor, person, zone, days)
        name = nudges.work_pattern(db, actor, person).name
        return f"{name}'s nudges now follow {zone}, on {days.replace(',', ', ')}."

    def refused(exc: LodestarError) -> Response:
        if exc.status == 403:
            raise exc
        return _render(
            request, db, actor, program_id, pattern_error=exc.message,
            typed_pattern=(person, zone, days),
        )  # fmt: skip

    return handle_form(
        request, db, act, refused=refused, done=f"/programs/{program_id}/nudges#calendars"
    )


@router.post("/programs/{program_id:int}/nudges/work-patterns/clear")
def clear_recipient_pattern(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, program_id: int
) -> Response:
    person = form_text(form, "employee")

    def act(errors: FieldErrors) -> str:
        back = nudges.clear_work_pattern(db, actor, person)
        return f"{back.name} follows the default working calendar again."

    def refused(exc: LodestarError) -> Response:
        raise exc

    return handle_form(
        request, db, act, refused=refused, done=f"/programs/{program_id}/nudges#calendars"
    )


# --- the public answer page ------------------------------------------------------------------


def _answer_page(request: Request, page: NudgeAnswerPage, status: int = 200) -> Response:
    return render(request, "nudges/answer.html", page, status_code=status)


@router.get("/nudges/answer/{token}")
def answer_question(request: Request, db: SessionDep, token: str) -> Response:
    prompt = nudges.answer_prompt(db, request.app.state.secret, token)
    return _answer_page(request, NudgeAnswerPage(token=token, prompt=prompt))


@router.post("/nudges/answer/{token}", dependencies=[Depends(csrf_protect)])
def answer_record(request: Request, db: SessionDep, token: str) -> Response:
    settings = request.app.state.settings
    outcome = nudges.record_answer(
        db, request.app.state.secret, token, nudges.public_base(settings)
    )
    return _answer_page(request, NudgeAnswerPage(token=token, outcome=outcome))
