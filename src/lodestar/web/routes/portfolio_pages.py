"""The portfolio as pages: the ranked table with the 80/20 view, the impact heat map, CSV
export, one item's score and inputs, priority weights, the symptoms and the 90-day plan.

Filters and sorting travel in the query string (links and a GET form: no JavaScript), so a
filtered view can be bookmarked, exported and opened as a heat map with the same filters.
Who sees what is decided by ``services.portfolio``.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from lodestar.domain.options import check_option
from lodestar.domain.portfolio import ITEM_KINDS, ORIGINS
from lodestar.errors import InvalidInput, LodestarError, NotFound
from lodestar.reports.portfolio_charts import (
    BANDS,
    NO_PRIORITY,
    ParetoBar,
    heat_cells,
    heat_map_svg,
    pareto_svg,
)
from lodestar.services import portfolio, strategy
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, form_date, form_number, form_text, see_other
from lodestar.web.portfolio_contexts import (
    HeatMapPage,
    ItemPage,
    PlanPage,
    PortfolioPage,
    SymptomsPage,
)
from lodestar.web.templating import flash, render

router = APIRouter(include_in_schema=False)
FILTER_KEYS = ("priority", "kind", "origin", "band", "sort", "dir")


def read_filters(request: Request) -> portfolio.PortfolioFilters:
    """The filters from the query string; a value that is not one of the choices is refused."""
    q = request.query_params
    raw_priority = q.get("priority", "")
    if raw_priority and not (raw_priority.isdigit() and len(raw_priority) < 10):
        raise InvalidInput(
            f"“{raw_priority[:40]}” is not a priority. Pick one from the filter list."
        )
    kind, origin, band = q.get("kind", ""), q.get("origin", ""), q.get("band", "")
    return portfolio.PortfolioFilters(
        priority_id=int(raw_priority) if raw_priority else None,
        kind=check_option(kind, ITEM_KINDS, "kind") if kind else "",
        origin=check_option(origin, ORIGINS, "origin") if origin else "",
        band=check_option(band, BANDS, "impact band") if band else "",
        sort=check_option(q.get("sort", "score"), portfolio.SORT_KEYS, "sort order"),
        descending=q.get("dir", "desc") != "asc",
    )


def query_of(request: Request) -> dict[str, str]:
    return {k: v for k in FILTER_KEYS if (v := request.query_params.get(k, ""))}


def _url(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _sort_links(query: dict[str, str], f: portfolio.PortfolioFilters) -> dict[str, str]:
    links = {}
    for key in portfolio.SORT_KEYS:
        flip = "asc" if f.sort == key and f.descending else "desc"
        links[key] = _url("/portfolio", {**query, "sort": key, "dir": flip})
    return links


@router.get("/portfolio")
def portfolio_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    filters = read_filters(request)
    p = portfolio.score_portfolio(db, actor, filters)
    bars = [
        ParetoBar(i.title, i.expected_value or 0.0, i.above_cut)
        for i in portfolio.by_expected_value(p.items)
    ]
    query = query_of(request)
    prios = [(row.id, row.title, row.weight) for row in strategy.list_priorities(db, actor)]
    return render(
        request,
        "portfolio/list.html",
        PortfolioPage(
            actor=actor, portfolio=p, pareto_chart=Markup(pareto_svg(bars)), priorities=prios,
            query=query, sort_links=_sort_links(query, filters),
            export_url=_url("/portfolio/export.csv", query),
            heat_map_url=_url("/portfolio/heat-map", query), bands=BANDS,
            can_weigh=actor.role in ("ld", "admin", "executive"), can_score=actor.is_ld,
        ),
    )  # fmt: skip


@router.get("/portfolio/heat-map")
def heat_map_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    filters = read_filters(request)
    p = portfolio.score_portfolio(db, actor, filters)
    cells = heat_cells((i.priority_title, i.band, i.expected_value, i.cost) for i in p.items)
    prios = sorted({c.priority for c in cells}, key=lambda t: (t == NO_PRIORITY, t))
    filtered_to = next((i.priority_title for i in p.items if filters.priority_id), None)
    query = query_of(request)
    return render(
        request,
        "portfolio/heat_map.html",
        HeatMapPage(
            actor=actor, chart=Markup(heat_map_svg(cells)), cells=cells, bands=BANDS,
            priorities=prios, query=query, back_url=_url("/portfolio", query),
            filtered_to=filtered_to,
        ),
    )  # fmt: skip


@router.get("/portfolio/export.csv")
def portfolio_export(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    text = portfolio.portfolio_csv(db, actor, read_filters(request))
    name = f"portfolio-{date.today().isoformat()}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _item(db: SessionDep, actor: CurrentActor, kind: str, item_id: int) -> portfolio.PortfolioItem:
    check_option(kind, ITEM_KINDS, "kind")
    found = next(
        (i for i in portfolio.score_portfolio(db, actor).items if i.key == f"{kind}-{item_id}"),
        None,
    )
    if found is None:
        raise NotFound(
            f"There is no open {kind} #{item_id} in the portfolio you can see. Closed requests "
            "and stopped programs are not scored; open the portfolio to find the item."
        )
    return found


def _values(item: portfolio.PortfolioItem) -> dict[str, str]:
    def num(x: float | None) -> str:
        return "" if x is None else f"{x:g}"

    return {
        "origin": item.origin,
        "effort_days": num(item.effort_days) if item.effort_estimated else "",
        "audience_size": str(item.people or "") if item.kind == "request" else "",
        "cost_of_inaction_amount": num(item.cost_of_inaction),
    }


@router.get("/portfolio/items/{kind}/{item_id:int}")
def item_page(
    request: Request, db: SessionDep, actor: CurrentActor, kind: str, item_id: int
) -> Response:
    item = _item(db, actor, kind, item_id)
    return render(request, "portfolio/item.html", ItemPage(actor, item, _values(item)))


@router.post("/portfolio/items/{kind}/{item_id:int}")
def save_item_inputs(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, kind: str, item_id: int
) -> Response:
    portfolio.require_scorer(actor)
    item = _item(db, actor, kind, item_id)
    errors: dict[str, str] = {}
    effort = form_number(form, "effort_days", errors)
    people = form_number(form, "audience_size", errors)
    cost = form_number(form, "cost_of_inaction_amount", errors)
    values = {n: form_text(form, n) for n in _values(item)}
    try:
        if errors:
            raise InvalidInput(" ".join(errors.values()))
        if kind == "request":
            data = portfolio.RequestScoringInput(
                origin=form_text(form, "origin") or "planned",  # type: ignore[arg-type]
                effort_days=effort, cost_of_inaction_amount=cost,
                audience_size=None if people is None else int(people),
            )  # fmt: skip
            portfolio.set_request_scoring(db, actor, item_id, data)
        else:
            portfolio.set_program_scoring(
                db, actor, item_id, portfolio.ProgramScoringInput(effort_days=effort)
            )
    except (LodestarError, ValueError) as exc:
        db.rollback()
        message = exc.message if isinstance(exc, LodestarError) else _first_error(exc)
        page = ItemPage(actor, item, values, message)
        return render(request, "portfolio/item.html", page, status_code=422)
    flash(request, "The scoring inputs were saved; the portfolio is ranked again.", "success")
    return see_other(f"/portfolio/items/{kind}/{item_id}")


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        return (
            f"The {field.replace('_', ' ')} is not valid: {first.get('msg', 'check it')}. "
            "Correct it and save again."
        )
    return f"{exc}. Correct it and save again."


@router.post("/portfolio/weights")
def save_weights(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    changed = 0
    for key, value in form.multi_items():
        if not key.startswith("weight_") or not isinstance(value, str) or not value.strip():
            continue
        raw_id = key.removeprefix("weight_")
        if not raw_id.isdigit() or not value.strip().isdigit() or len(value.strip()) > 3:
            raise InvalidInput(
                "A weight is a whole number from 0 to 5. Correct the weights and save again."
            )
        portfolio.set_priority_weight(db, actor, int(raw_id), int(value))
        changed += 1
    flash(request, f"{changed} priority weights saved; the portfolio is ranked again.", "success")
    return see_other("/portfolio")


@router.get("/portfolio/symptoms")
def symptoms_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    report = portfolio.reactive_symptoms(db, actor)
    return render(request, "portfolio/symptoms.html", SymptomsPage(actor, report))


@router.get("/portfolio/plan")
def plan_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    plan = portfolio.ninety_day_plan(db, actor)
    return render(request, "portfolio/plan.html", PlanPage(actor, plan, actor.is_ld))


@router.post("/portfolio/plan/start")
def start_plan(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    errors: dict[str, str] = {}
    started = form_date(form, "started_on", errors)
    if errors or started is None:
        raise InvalidInput(
            errors.get("started_on", "Give the plan's first day, for example 2026-01-05.")
        )
    portfolio.start_plan(db, actor, started)
    flash(request, f"The 90-day plan now starts on {started.isoformat()}.", "success")
    return see_other("/portfolio/plan")


@router.post("/portfolio/plan/items/{key}")
def tick_item(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, key: str
) -> Response:
    done = form_text(form, "done") != "no"
    portfolio.tick_plan_item(db, actor, key, done=done)
    flash(request, "The plan item was ticked." if done else "The tick was removed.", "success")
    return see_other("/portfolio/plan")
