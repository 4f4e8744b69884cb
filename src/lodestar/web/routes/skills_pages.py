"""Skills as pages: the catalogue, my skills (with a self-rating form), the team heat map
(with the self-ratings to review), gaps by job title and priority, the forecast, and the
job-title profiles. Who sees what is the services' to decide; a refusal is the error page."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.errors import InvalidInput, NotFound
from lodestar.services.privacy.groups import group_rule
from lodestar.services.reporting_line import own_employee_id
from lodestar.services.skills import assessments, catalogue, forecast, gaps, headcount, profiles
from lodestar.services.skills.moodle_export import export_moodle, framework_codes
from lodestar.web.badge_awards import award_shown_proficiency
from lodestar.web.deps import CatalogueEditor, CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, form_text, see_other
from lodestar.web.skills_contexts import (
    CataloguePage,
    ForecastPage,
    GapsPage,
    HeatMapPage,
    MySkillsPage,
    ProfilesPage,
)
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)


@router.get("/skills")
def skills_catalogue(
    request: Request, db: SessionDep, actor: CurrentActor, q: str = ""
) -> Response:
    page = CataloguePage(
        skills=catalogue.list_skills(db, actor, search=q[:100], limit=500),
        total=catalogue.count_skills(db),
        search=q[:100],
        frameworks=framework_codes(db),
        can_edit=actor.is_ld,
    )
    return render(request, "skills/catalogue.html", page)


@router.get("/skills/frameworks/{idnumber}/moodle.csv")
def moodle_csv(idnumber: str, db: SessionDep, actor: CurrentActor) -> Response:
    text = export_moodle(db, actor, idnumber)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in idnumber)[:60]
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _my_page(
    request: Request,
    db: SessionDep,
    actor: CurrentActor,
    error: str | None = None,
    status: int = 200,
) -> Response:
    me = own_employee_id(db, actor)
    page = MySkillsPage(
        has_employee=me is not None,
        gaps=gaps.employee_gaps(db, actor, me) if me is not None else [],
        history=assessments.my_assessments(db, actor)[:50],
        error=error,
    )
    return render(request, "skills/me.html", page, status_code=status)


@router.get("/skills/me")
def my_skills(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return _my_page(request, db, actor)


@router.post("/skills/me/rate")
def rate_myself(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    me = own_employee_id(db, actor)
    try:
        if me is None:
            raise InvalidInput(
                "Your account is not linked to an employee record, so there is nobody to rate. "
                "Ask an administrator to link it."
            )
        level = int(form_text(form, "level") or "0")
        assessments.record_assessment(
            db, actor, me, form_text(form, "skill_code"), level, "self", date.today()
        )
    except (InvalidInput, ValueError) as exc:
        db.rollback()
        message = exc.message if isinstance(exc, InvalidInput) else "Choose a level."
        return _my_page(request, db, actor, message, 422)
    db.commit()
    flash(request, "Your self-rating is recorded. Your manager will review it.")
    return see_other("/skills/me")


@router.get("/skills/heatmap")
def heat_map_page(
    request: Request, db: SessionDep, actor: CurrentActor, department: str = ""
) -> Response:
    department_id = int(department) if department.isdigit() else None
    heat = gaps.heat_map(db, actor, department_id=department_id)
    page = HeatMapPage(
        heat=heat,
        departments=gaps.department_choices(db),
        department_id=department_id,
        largest=heat.largest(5),
        bias=gaps.self_rating_bias(db, actor),
        to_review=assessments.self_ratings_to_review(db, actor, limit=25)
        if actor.role == "manager"
        else [],
    )
    return render(request, "skills/heatmap.html", page)


@router.post("/skills/review/{assessment_id}")
def review(
    request: Request, assessment_id: int, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    try:
        level = int(form_text(form, "level") or "0")
        view = assessments.review_self_rating(db, actor, assessment_id, level)
        award_shown_proficiency(request, db, view.employee_id)
    except (InvalidInput, ValueError) as exc:
        db.rollback()
        flash(request, exc.message if isinstance(exc, InvalidInput) else "Choose a level.", "error")
        return see_other("/skills/heatmap")
    db.commit()
    flash(request, "The review is recorded as your assessment.")
    return see_other("/skills/heatmap")


@router.get("/skills/gaps")
def gaps_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    page = GapsPage(
        titles=gaps.job_title_gaps(db, actor)[:60],
        priorities=gaps.priority_gaps(db, actor),
        bias=gaps.self_rating_bias(db, actor),
        min_group_size=group_rule(db).min_size,
    )
    return render(request, "skills/gaps.html", page)


def _forecast(
    request: Request, db: SessionDep, actor: CurrentActor, error: str | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    page = ForecastPage(
        forecast.skills_forecast(db, actor),
        headcount=headcount.headcount_plan(db, actor),
        job_titles=[p.title for p in profiles.job_profiles(db, actor)],
        can_edit=actor.is_ld,
        error=error,
    )
    return render(request, "skills/forecast.html", page, status_code=status)


@router.get("/skills/forecast")
def forecast_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return _forecast(request, db, actor)


@router.post("/skills/headcount")
def set_headcount(
    request: Request, db: SessionDep, actor: CatalogueEditor, form: FormDep
) -> Response:
    title = form_text(form, "job_title")
    try:
        horizon = int(form_text(form, "horizon_months") or "0")
        if form_text(form, "remove"):
            headcount.remove_headcount(db, actor, title, horizon)
            said = "The plan is taken out of the forecast."
        else:
            change = int(form_text(form, "change") or "0")
            headcount.set_headcount(db, actor, title, horizon, change, form_text(form, "note"))
            said = "The headcount plan is saved; the forecast counts it."
    except (InvalidInput, NotFound, ValueError) as exc:
        db.rollback()
        message = (
            exc.message
            if isinstance(exc, InvalidInput | NotFound)
            else "The horizon and the change in people are whole numbers (a fall is negative)."
        )
        return _forecast(request, db, actor, message, 422)
    db.commit()
    flash(request, said)
    return see_other("/skills/forecast#headcount")


def _profiles(
    request: Request,
    db: SessionDep,
    actor: CurrentActor,
    error: str | None = None,
    status: int = 200,
) -> Response:
    page = ProfilesPage(
        profiles=profiles.job_profiles(db, actor),
        priorities=profiles.priority_skills(db, actor),
        can_edit=actor.is_ld,
        error=error,
    )
    return render(request, "skills/profiles.html", page, status_code=status)


@router.get("/skills/profiles")
def profiles_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    return _profiles(request, db, actor)


@router.post("/skills/profiles")
def set_profile(
    request: Request, db: SessionDep, actor: CatalogueEditor, form: FormDep
) -> Response:
    try:
        profiles.set_job_skill(
            db,
            actor,
            form_text(form, "job_title"),
            form_text(form, "skill_code"),
            target_level=int(form_text(form, "target_level") or "0"),
            importance=int(form_text(form, "importance") or "0"),
        )
    except (InvalidInput, ValueError) as exc:
        db.rollback()
        message = (
            exc.message
            if isinstance(exc, InvalidInput)
            else ("The target level and the importance are whole numbers.")
        )
        return _profiles(request, db, actor, message, 422)
    db.commit()
    flash(request, "The job title's profile is saved.")
    return see_other("/skills/profiles")
