"""The KPI catalogue as pages: the table, the KPI form, and the KPI page with a large trend
chart and everything that uses the KPI (key results, requests, programs).

Every page works without JavaScript; POSTs follow Post/Redirect/Get, and a refused form is
shown again with the service's message next to the field and everything that was typed.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from lodestar.domain.roles import Actor
from lodestar.errors import LodestarError
from lodestar.reports.charts import fmt_value
from lodestar.services import strategy
from lodestar.web.contexts import (
    KpiArchivePage,
    KpiFormPage,
    KpiListPage,
    KpiPageContext,
)
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, see_other
from lodestar.web.routes.priority_pages import fixable, kpi_chart, show_archived, values_of
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)

KPI_FIELDS = tuple(strategy.KpiInput.model_fields)


@router.get("/kpis")
def kpi_list(
    request: Request, db: SessionDep, actor: CurrentActor, archived: str | None = None
) -> Response:
    include = show_archived(archived)
    page = KpiListPage(
        rows=strategy.kpi_catalogue(db, actor, include_archived=include),
        show_archived=include,
        can_edit=strategy.can_edit_strategy(actor),
        choices=strategy.KPI_CHOICES,
        qty=fmt_value,
    )
    return render(request, "kpis/list.html", page)


def render_form(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    kpi_id: int | None = None,
    values: dict[str, str] | None = None,
    error: LodestarError | None = None,
) -> Response:
    kpi = strategy.get_kpi(db, actor, kpi_id) if kpi_id is not None else None
    if values is None:
        # A new KPI starts from the input's defaults; a stored one from what is stored.
        values = {}
        for name, info in strategy.KpiInput.model_fields.items():
            if kpi is not None:
                value = getattr(kpi, name)
            else:
                value = None if info.is_required() else info.get_default()
            values[name] = "" if value is None else str(value)
        if kpi is None:
            values["priority_id"] = request.query_params.get("priority_id", "")
    page = KpiFormPage(
        kpi=kpi,
        values=values,
        error=error.message if error else None,
        errors=(error.details.get("fields") or {}) if error else {},
        fields=strategy.KpiInput.model_fields,
        choices=strategy.KPI_CHOICES,
        priorities=strategy.list_priorities(db, actor),
        action=f"/kpis/{kpi.id}/edit" if kpi else "/kpis/new",
    )
    return render(request, "kpis/form.html", page, status_code=error.status if error else 200)


@router.get("/kpis/new")
def new_kpi_form(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    strategy.require_editor(actor)
    return render_form(request, db, actor)


@router.post("/kpis/new")
def create_kpi(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    strategy.require_editor(actor)
    values = values_of(form, KPI_FIELDS)
    try:
        kpi = strategy.create_kpi(db, actor, strategy.read_form(strategy.KpiInput, values))
    except LodestarError as exc:
        if not fixable(exc):
            raise
        db.rollback()
        return render_form(request, db, actor, values=values, error=exc)
    db.commit()
    flash(request, f"The KPI “{kpi.name}” was added to the catalogue.", "success")
    return see_other(f"/kpis/{kpi.id}")


@router.get("/kpis/{kpi_id:int}/edit")
def edit_kpi_form(request: Request, db: SessionDep, actor: CurrentActor, kpi_id: int) -> Response:
    strategy.require_editor(actor)
    return render_form(request, db, actor, kpi_id=kpi_id)


@router.post("/kpis/{kpi_id:int}/edit")
def update_kpi(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, kpi_id: int
) -> Response:
    strategy.require_editor(actor)
    strategy.get_kpi(db, actor, kpi_id)
    values = values_of(form, KPI_FIELDS)
    try:
        strategy.update_kpi(db, actor, kpi_id, strategy.read_form(strategy.KpiInput, values))
    except LodestarError as exc:
        if not fixable(exc):
            raise
        db.rollback()
        return render_form(request, db, actor, kpi_id=kpi_id, values=values, error=exc)
    db.commit()
    flash(request, "Your changes to the KPI were saved.", "success")
    return see_other(f"/kpis/{kpi_id}")


@router.get("/kpis/{kpi_id:int}/archive")
def confirm_archive_kpi(
    request: Request, db: SessionDep, actor: CurrentActor, kpi_id: int
) -> Response:
    """The confirmation step: what uses the KPI, before it is archived."""
    strategy.require_editor(actor)
    page = KpiArchivePage(
        k=strategy.get_kpi(db, actor, kpi_id), usage=strategy.kpi_usage(db, actor, kpi_id)
    )
    return render(request, "kpis/archive.html", page)


@router.post("/kpis/{kpi_id:int}/archive")
def archive_kpi(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, kpi_id: int
) -> Response:
    """Archive after the confirmation page; a KPI in use is never archived in one click."""
    strategy.require_editor(actor)
    if form.get("confirm") != "yes" and strategy.kpi_usage(db, actor, kpi_id).in_use:
        return see_other(f"/kpis/{kpi_id}/archive")
    kpi = strategy.set_kpi_archived(db, actor, kpi_id, True)
    db.commit()
    flash(
        request,
        f"“{kpi.name}” is archived: it no longer appears on priority pages or in pickers. "
        "Its observations are kept; restore it from this page if that was a mistake.",
        "success",
    )
    return see_other(f"/kpis/{kpi_id}")


@router.post("/kpis/{kpi_id:int}/restore")
def restore_kpi(request: Request, db: SessionDep, actor: WritingActor, kpi_id: int) -> Response:
    kpi = strategy.set_kpi_archived(db, actor, kpi_id, False)
    db.commit()
    flash(request, f"“{kpi.name}” is active again.", "success")
    return see_other(f"/kpis/{kpi_id}")


@router.get("/kpis/{kpi_id:int}")
def kpi_detail(request: Request, db: SessionDep, actor: CurrentActor, kpi_id: int) -> Response:
    page = strategy.kpi_page(db, actor, kpi_id)
    ctx = KpiPageContext(
        page=page,
        k=page.kpi,
        card=page.card,
        chart=kpi_chart(page.card, large=True),
        can_edit=page.can_edit,
        choices={k: dict(v) for k, v in strategy.KPI_CHOICES.items()},
        qty=fmt_value,
    )
    return render(request, "kpis/detail.html", ctx)
