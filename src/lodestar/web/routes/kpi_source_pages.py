"""Where a KPI's observations live: the form on the KPI's pages that points it at a Parquet
file or folder, a DuckDB, PostgreSQL or Spark table (docs/external-sources.md). The table is
opened and its columns checked before anything is saved; a refusal is shown with everything
that was typed. Connections are named, never entered: their addresses stay in the settings.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lodestar.errors import LodestarError
from lodestar.services import strategy
from lodestar.services.impact.kpi_sources import (
    SourceInput,
    kpi_source,
    remove_kpi_source,
    set_kpi_source,
)
from lodestar.services.impact.source_tables import SOURCE_KINDS
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, see_other
from lodestar.web.routes.priority_pages import fixable, values_of
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)

FIELDS = tuple(SourceInput.model_fields)


@router.get("/kpis/{kpi_id:int}/source")
def source_form(request: Request, db: SessionDep, actor: CurrentActor, kpi_id: int) -> Response:
    strategy.require_editor(actor)
    view = kpi_source(db, actor, kpi_id)
    values = {name: "" for name in FIELDS}
    if view is not None:
        m = view.mapping
        values.update(
            kind=view.kind,
            location=view.location,
            connection=view.connection or "",
            subject_column=m.subject,
            period_column=m.period,
            value_column=m.value,
            weight_column=m.weight or "",
        )
    return _page(request, db, actor, kpi_id, values, None, view.described if view else None)


@router.post("/kpis/{kpi_id:int}/source")
def save_source(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, kpi_id: int
) -> Response:
    strategy.require_editor(actor)
    values = values_of(form, FIELDS)
    try:
        if form.get("remove") == "yes":
            remove_kpi_source(db, actor, kpi_id)
            message = "The KPI's observations are read from Lodestar's database again."
        else:
            data = SourceInput(
                **{k: (v or None) if k.endswith("weight_column") else v for k, v in values.items()}
            )
            view = set_kpi_source(db, actor, kpi_id, data)
            message = f"Checked and saved: the observations are read from the {view.described}."
    except LodestarError as exc:
        if not fixable(exc):
            raise
        db.rollback()
        return _page(request, db, actor, kpi_id, values, exc.message, None, status=exc.status)
    db.commit()
    flash(request, message, "success")
    return see_other(f"/kpis/{kpi_id}")


def _page(
    request: Request,
    db: SessionDep,
    actor: CurrentActor,
    kpi_id: int,
    values: dict[str, str],
    error: str | None,
    described: str | None,
    status: int = 200,
) -> Response:
    context = {
        "k": strategy.get_kpi(db, actor, kpi_id),
        "values": values,
        "error": error,
        "described": described,
        "kinds": SOURCE_KINDS,
    }
    return render(request, "kpis/source.html", context, status_code=status)
