"""The 90-day plan from reactive to strategic, checked from the data (``domain.ninety_day_plan``).

Automatic items are read from the data every time (nothing to forget to tick); the one item
the data cannot see (the impact brief sent to leadership) is ticked by hand and stored in
``plan_items``. The start date lives in ``workspace_meta['ninety_day_plan']``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    PilotRegistration,
    PlanItem,
    ProgramCanvas,
    Stakeholder,
    StrategicPriority,
    User,
    WorkspaceMeta,
)
from lodestar.domain.ninety_day_plan import (
    INTERVIEW_GOAL,
    PHASE_TITLES,
    PLAN_ITEMS,
    STAKEHOLDERS_TO_MAP,
    TOP_PROGRAMS,
    PlanItemSpec,
    day_of_plan,
    due_date,
    item_status,
    manual_item,
)
from lodestar.domain.roles import Actor
from lodestar.domain.symptoms import MICRO_FORMATS
from lodestar.errors import Conflict
from lodestar.services import audit, programs
from lodestar.services.portfolio.access import require_overview_reader, require_scorer
from lodestar.services.portfolio.scoring import score_portfolio
from lodestar.services.stakeholders import interview_count

META_KEY = "ninety_day_plan"


@dataclass(frozen=True)
class PlanItemView:
    spec: PlanItemSpec
    done: bool
    status: str  # done, late, due, upcoming
    due: date | None
    evidence: str  # what the data says, in words
    ticked_by: str | None = None


@dataclass(frozen=True)
class PlanView:
    started_on: date | None
    day: int | None
    items: tuple[PlanItemView, ...]

    @property
    def done_count(self) -> int:
        return sum(1 for i in self.items if i.done)

    @property
    def late(self) -> tuple[PlanItemView, ...]:
        return tuple(i for i in self.items if i.status == "late")

    def phase(self, n: int) -> tuple[PlanItemView, ...]:
        return tuple(i for i in self.items if i.spec.phase == n)

    @property
    def phases(self) -> tuple[tuple[int, str], ...]:
        return tuple(PHASE_TITLES.items())


def plan_start(session: Session) -> date | None:
    meta = session.get(WorkspaceMeta, META_KEY)
    if meta is None or not meta.value.get("started_on"):
        return None
    return date.fromisoformat(meta.value["started_on"])


def start_plan(session: Session, actor: Actor, started_on: date) -> date:
    require_scorer(actor)
    session.merge(WorkspaceMeta(key=META_KEY, value={"started_on": started_on.isoformat()}))
    session.flush()
    audit.record(session, actor, "plan.start", "plan", None, started_on.isoformat())
    return started_on


def tick_plan_item(session: Session, actor: Actor, key: str, *, done: bool = True) -> None:
    """Tick (or untick) an item the data cannot check."""
    require_scorer(actor)
    spec = manual_item(key)
    row = session.get(PlanItem, spec.key)
    if done and row is not None:
        raise Conflict(f"'{spec.title}' is already ticked.")
    if done:
        session.add(PlanItem(key=spec.key, ticked_by_id=actor.user_id))
    else:
        session.execute(delete(PlanItem).where(PlanItem.key == spec.key))
    session.flush()
    audit.record(session, actor, "plan.tick" if done else "plan.untick", "plan", None, spec.key)


def _checks(session: Session, actor: Actor) -> dict[str, Callable[[], tuple[bool, str]]]:
    def stakeholders() -> tuple[bool, str]:
        n = int(session.scalar(select(func.count()).select_from(Stakeholder)) or 0)
        return n >= STAKEHOLDERS_TO_MAP, f"{n} stakeholders on the map."

    def interviews() -> tuple[bool, str]:
        n = interview_count(session)
        return n >= INTERVIEW_GOAL, f"{n} of {INTERVIEW_GOAL} interviews logged."

    def heat_map() -> tuple[bool, str]:
        unweighted = int(
            session.scalar(
                select(func.count()).where(
                    StrategicPriority.archived_at.is_(None), StrategicPriority.weight.is_(None)
                )
            )
            or 0
        )
        scored = score_portfolio(session, actor).scored_count
        words = f"{unweighted} priorities without a weight; {scored} items with an expected impact."
        return unweighted == 0 and scored > 0, words

    def business_language() -> tuple[bool, str]:
        top = [i for i in score_portfolio(session, actor).items if i.kind == "program"]
        flagged = [
            i.title
            for i in top[:TOP_PROGRAMS]
            if programs.program_canvas(session, actor, i.id).activity_talk.flagged
        ]
        if not top:
            return False, "No programs yet."
        if flagged:
            return False, "Still described by activity: " + ", ".join(flagged) + "."
        return True, f"The top {min(len(top), TOP_PROGRAMS)} programs speak of outcomes."

    def one_metric() -> tuple[bool, str]:
        items = score_portfolio(session, actor).items
        missing = [i for i in items if i.kpi_id is None]
        return not missing, f"{len(missing)} open requests and programs name no metric."

    def canvas_formats() -> set[str]:
        return {f for fs in session.scalars(select(ProgramCanvas.formats)) for f in (fs or ())}

    def micro() -> tuple[bool, str]:
        found = sorted(canvas_formats() & MICRO_FORMATS)
        return bool(found), ("Formats in use: " + ", ".join(found) + ".") if found else (
            "No program uses a job aid, checklist, prompt or micro-learning yet."
        )

    def pilot() -> tuple[bool, str]:
        n = int(
            session.scalar(select(func.count(func.distinct(PilotRegistration.program_id)))) or 0
        )
        return n > 0, f"{n} pilots with a registered expectation."

    def community() -> tuple[bool, str]:
        ok = "community_of_practice" in canvas_formats()
        return ok, "A program runs as a community of practice." if ok else (
            "No program runs as a community of practice yet."
        )

    return {
        "map_stakeholders": stakeholders,
        "ten_interviews": interviews,
        "heat_map": heat_map,
        "business_language": business_language,
        "one_metric": one_metric,
        "micro_interventions": micro,
        "pilot": pilot,
        "community": community,
    }


def ninety_day_plan(session: Session, actor: Actor, *, today: date | None = None) -> PlanView:
    require_overview_reader(actor, "The 90-day plan")
    today = today or date.today()
    started = plan_start(session)
    checks = _checks(session, actor)
    ticks = {
        key: name
        for key, name in session.execute(
            select(PlanItem.key, User.name).outerjoin(User, User.id == PlanItem.ticked_by_id)
        )
    }
    items = []
    for spec in PLAN_ITEMS:
        if spec.automatic:
            done, evidence = checks[spec.key]()
            by = None
        else:
            done = spec.key in ticks
            by = ticks.get(spec.key)
            evidence = f"Ticked by {by or 'someone no longer here'}." if done else "Not ticked yet."
        status = (
            item_status(done, spec.phase, started, today)
            if started
            else ("done" if done else "upcoming")
        )
        items.append(
            PlanItemView(
                spec, done, status, due_date(started, spec.phase) if started else None, evidence, by
            )
        )
    return PlanView(started, day_of_plan(started, today) if started else None, tuple(items))
