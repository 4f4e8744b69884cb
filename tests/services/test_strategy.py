"""Strategy alignment through the services, on SQLite and PostgreSQL: role rules, alignment
counts, the priority and KPI pages, trends aggregated in the database, form sentences."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pandas as pd
import pytest

from lodestar.db import kpi_store
from lodestar.db.models import Kpi, Program
from lodestar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lodestar.services import intake, strategy
from lodestar.services.views import KpiPoint


def _code() -> str:
    return f"k_{uuid.uuid4().hex[:10]}"


def _priority(db, actor, **over):
    data = {"title": "Win more renewals", "start_year": 2026, "end_year": 2027}
    data.setdefault("owner_id", actor.user_id)
    data.update(over)
    return strategy.create_priority(db, actor, strategy.PriorityInput(**data))


def _kpi(db, actor, **over):
    data = {"code": _code(), "name": "Renewal rate", "unit": "%"}
    data.update(over)
    return strategy.create_kpi(db, actor, strategy.KpiInput(**data))


def _program(db, priority_id, kpi_id=None):
    prog = Program(code=_code(), name=f"Program {_code()}", priority_id=priority_id, kpi_id=kpi_id)
    db.add(prog)
    db.flush()
    return prog


GROUP = 5


def _observe(db, kpi_id, weeks, values, start=date(2025, 1, 6)):
    # A KPI holds one value per subject and period: each value is given by GROUP people
    # (so the mean is unchanged and no group is too small to show). Written as an import
    # writes them, through the KPI store.
    rows = [
        {
            "kpi_id": kpi_id,
            "employee_id": GROUP * i + k + 1,
            "team_id": None,
            "period": start + timedelta(weeks=w),
            "value": v,
            "weight": 1,
        }
        for w in weeks
        for i, v in enumerate(values(w))
        for k in range(GROUP)
    ]
    kpi_store.write_observations(db, pd.DataFrame(rows))


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["executive", "manager", "employee"])
def test_only_ld_and_admins_edit_the_strategy(db, actors, role):
    ld, reader = actors["ld"], actors[role]
    prio = _priority(db, ld)
    kpi = _kpi(db, ld)
    obj = strategy.add_objective(db, ld, prio.id, strategy.ObjectiveInput(title="Renew early"))
    assert not strategy.can_edit_strategy(reader)
    attempts = [
        lambda: _priority(db, reader),
        lambda: strategy.update_priority(
            db,
            reader,
            prio.id,
            strategy.PriorityInput(
                title="X y z", owner_id=reader.user_id, start_year=2026, end_year=2026
            ),
        ),
        lambda: strategy.set_priority_archived(db, reader, prio.id),
        lambda: strategy.add_objective(db, reader, prio.id, strategy.ObjectiveInput(title="Abc")),
        lambda: strategy.add_key_result(
            db, reader, obj.id, strategy.KeyResultInput(description="Abc")
        ),
        lambda: strategy.archive_objective(db, reader, obj.id),
        lambda: _kpi(db, reader),
        lambda: strategy.set_kpi_archived(db, reader, kpi.id),
        lambda: strategy.require_editor(reader),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="Only the L&D team and administrators"):
            attempt()
    # Reading is fine.
    assert strategy.priority_page(db, reader, prio.id).can_edit is False
    assert strategy.kpi_page(db, reader, kpi.id).can_edit is False
    assert strategy.can_edit_strategy(actors["admin"]) and strategy.can_edit_strategy(ld)


# --- validation points at the field ----------------------------------------------------------


def test_errors_name_the_field_they_are_about(db, actors):
    ld = actors["ld"]
    with pytest.raises(InvalidInput) as exc:
        _priority(db, ld, start_year=2026, end_year=2030)
    assert exc.value.details["fields"] == {"end_year": exc.value.message}
    with pytest.raises(InvalidInput, match="before it starts") as exc:
        _priority(db, ld, start_year=2027, end_year=2026)
    with pytest.raises(NotFound) as exc:
        _priority(db, ld, owner_id=999_999)
    assert "owner_id" in exc.value.details["fields"]

    taken = _kpi(db, ld).code
    with pytest.raises(Conflict) as exc:
        _kpi(db, ld, code=taken)
    assert exc.value.details["fields"] == {"code": exc.value.message}
    with pytest.raises(InvalidInput, match="higher is better") as exc:
        _kpi(db, ld, baseline=20, target=18)
    assert set(exc.value.details["fields"]) == {"target"}
    with pytest.raises(InvalidInput) as exc:
        _kpi(db, ld, cadence="daily")
    assert set(exc.value.details["fields"]) == {"cadence"}
    assert exc.value.details["allowed"] == ["weekly", "monthly", "quarterly"]
    with pytest.raises(InvalidInput, match="needs a currency"):
        _kpi(db, ld, value_per_unit=100.0)
    other = _kpi(db, ld)
    with pytest.raises(Conflict):
        strategy.update_kpi(
            db, ld, other.id, strategy.KpiInput(code=taken, name="Renewal rate", unit="%")
        )


def test_read_form_turns_every_problem_into_one_sentence():
    with pytest.raises(InvalidInput) as exc:
        strategy.read_form(
            strategy.PriorityInput,
            {"title": " ab ", "description": "", "start_year": "soon", "end_year": "", "x": "1"},
        )
    fields = exc.value.details["fields"]
    assert fields == {
        "title": "Title needs at least 3 characters.",
        "owner_id": "Owner is required.",
        "start_year": "Start year must be a whole number, such as 2027.",
        "end_year": "End year is required.",
    }
    assert exc.value.message == " ".join(fields.values())
    with pytest.raises(InvalidInput) as exc:
        strategy.read_form(
            strategy.KpiInput,
            {"code": "Bad Code", "name": "Renewal rate", "unit": "%", "baseline": "1,5",
             "horizon_date": "next June"},
        )  # fmt: skip
    fields = exc.value.details["fields"]
    assert fields["code"].startswith("Code may contain only lowercase letters")
    assert (
        fields["baseline"] == "Baseline must be a number, such as 22.5 (use a point for decimals)."
    )
    assert fields["horizon_date"] == "Target date must be a date, such as 2027-06-30."
    ok = strategy.read_form(
        strategy.KpiInput,
        {"code": "renewals", "name": "Renewal rate", "unit": "%", "baseline": " 12.5 ",
         "target": "", "currency": "", "priority_id": ""},
    )  # fmt: skip
    assert ok.baseline == 12.5 and ok.target is None and ok.currency is None
    assert ok.priority_id is None and ok.direction == "up"


# --- the list, the priority page, the KPI page -----------------------------------------------


def test_overview_counts_linked_work_and_flags_what_lacks_a_metric(db, actors):
    ld, manager = actors["ld"], actors["manager"]
    prio = _priority(db, ld)
    measured = _kpi(db, ld, priority_id=prio.id)
    retired = _kpi(db, ld, priority_id=prio.id)
    strategy.set_kpi_archived(db, ld, retired.id)
    for kpi_id in (measured.id, None):
        intake.submit_request(
            db,
            manager,
            intake.RequestInput(title="Renewal clinic", priority_id=prio.id, kpi_id=kpi_id),
        )
    _program(db, prio.id, measured.id)
    _program(db, prio.id, None)
    quiet = _priority(db, ld, title="A priority with nothing linked")

    rows = {r.priority.id: r for r in strategy.priority_overview(db, ld)}
    row = rows[prio.id]
    assert (row.kpi_count, row.request_count, row.program_count) == (1, 2, 2)
    assert (row.requests_without_metric, row.programs_without_metric) == (1, 1)
    assert row.lacking_metric == 2 and row.unaligned
    assert not rows[quiet.id].unaligned and rows[quiet.id].kpi_count == 0
    # Counts respect what the actor may see: an employee sees none of the manager's requests.
    assert {r.priority.id: r for r in strategy.priority_overview(db, actors["employee"])}[
        prio.id
    ].request_count == 0
    strategy.set_priority_archived(db, ld, quiet.id)
    assert quiet.id not in {r.priority.id for r in strategy.priority_overview(db, ld)}
    assert quiet.id in {
        r.priority.id for r in strategy.priority_overview(db, ld, include_archived=True)
    }


def test_priority_page_gathers_objectives_kpis_and_linked_work(db, actors):
    ld, manager = actors["ld"], actors["manager"]
    prio = _priority(db, ld, owner_id=actors["executive"].user_id)
    mine = _kpi(db, ld, name="Zeta renewal rate", priority_id=prio.id, baseline=80, target=90)
    elsewhere = _kpi(db, ld, name="Alpha churn")
    first = strategy.add_objective(db, ld, prio.id, strategy.ObjectiveInput(title="Renew early"))
    second = strategy.add_objective(db, ld, prio.id, strategy.ObjectiveInput(title="Price well"))
    kept = strategy.add_key_result(
        db,
        ld,
        first.id,
        strategy.KeyResultInput(description="90% renew", kpi_id=mine.id, target=90),
    )
    dropped = strategy.add_key_result(
        db, ld, first.id, strategy.KeyResultInput(description="Dropped one")
    )
    strategy.archive_key_result(db, ld, dropped.id)
    req = intake.save_request(
        db, manager, intake.RequestInput(title="Renewal clinic", priority_id=prio.id)
    )
    intake.submit_request(db, manager, request_id=req.id)  # drafts are private to the requester
    prog = _program(db, prio.id, None)
    _observe(db, mine.id, range(4), lambda w: (80.0 + w, 82.0 + w))

    page = strategy.priority_page(db, ld, prio.id)
    assert page.can_edit and page.owner_name == actors["executive"].name
    assert [(o.title, [k.id for k in krs]) for o, krs in page.objectives] == [
        ("Renew early", [kept.id]),
        ("Price well", []),
    ]
    assert second.id == page.objectives[1][0].id
    (card,) = page.kpis
    assert card.kpi.id == mine.id and card.latest == 84.0
    assert [p.value for p in card.trend] == [81.0, 82.0, 83.0, 84.0]
    # The priority's own KPIs come first in the key-result picker.
    assert page.kpi_choices[0] == (mine.id, "Zeta renewal rate")
    assert (elsewhere.id, "Alpha churn") in page.kpi_choices
    assert [r.id for r in page.requests_without_metric] == [req.id]
    assert [p.id for p in page.programs_without_metric] == [prog.id]
    assert page.lacking_metric == 2
    assert len(strategy.priority_page(db, ld, prio.id, trend_points=2).kpis[0].trend) == 2

    kpage = strategy.kpi_page(db, manager, mine.id)
    assert kpage.priority_title == prio.title
    assert [(kr.id, title) for kr, title in kpage.key_results] == [(kept.id, "Renew early")]
    assert kpage.card.latest == 84.0 and kpage.requests == () and kpage.programs == ()
    with pytest.raises(NotFound):
        strategy.priority_page(db, ld, 999_999)


def test_kpi_catalogue_names_the_priority(db, actors):
    ld = actors["ld"]
    prio = _priority(db, ld, title="Keep our best people")
    kpi = _kpi(db, ld, priority_id=prio.id)
    loose = _kpi(db, ld)
    rows = {r.kpi.id: r for r in strategy.kpi_catalogue(db, ld)}
    assert rows[kpi.id].priority_title == "Keep our best people"
    assert rows[loose.id].priority_title is None


# --- KPI cards ------------------------------------------------------------------------------


def _card(direction, baseline, target, values):
    kpi = Kpi(code="x", name="X", unit="%", direction=direction, baseline=baseline, target=target)
    trend = tuple(KpiPoint(date(2025, 1, 6) + timedelta(weeks=i), v) for i, v in enumerate(values))
    return strategy.KpiCard(kpi, trend, values[-1] if values else None)


def test_kpi_card_reads_movement_and_progress_by_direction():
    down = _card("down", 18.0, 12.0, [18.0, 16.0, 15.0])
    assert down.change == -3.0 and down.movement == "better" and down.progress == 0.5
    up_worse = _card("up", 20.0, 30.0, [20.0, 19.0])
    assert up_worse.movement == "worse" and up_worse.progress == -0.1
    no_baseline = _card("up", None, None, [5.0, 6.0])
    assert no_baseline.reference == 5.0 and no_baseline.movement == "better"
    assert no_baseline.progress is None
    assert _card("up", 10.0, 12.0, [10.0]).movement == "flat"
    empty = _card("up", 10.0, 12.0, [])
    assert empty.change is None and empty.movement is None and empty.progress is None


# --- trends are aggregated in the database --------------------------------------------------


def test_trend_is_the_mean_per_period_capped_and_refreshed(db, actors):
    kpi = _kpi(db, actors["ld"])
    assert strategy.kpi_trend(db, kpi.id) == ()
    _observe(db, kpi.id, range(10), lambda w: (float(w), float(w) + 2.0, float(w) + 4.0))
    trend = strategy.kpi_trend(db, kpi.id)
    assert [p.value for p in trend] == [w + 2.0 for w in range(10)]
    assert trend[0].period == date(2025, 1, 6) and trend[-1].period == date(2025, 3, 10)
    last3 = strategy.kpi_trend(db, kpi.id, max_points=3)
    assert [p.period for p in last3] == [p.period for p in trend[-3:]]

    # A new period shows at once.
    _observe(db, kpi.id, [10], lambda w: (100.0,))
    assert strategy.kpi_trend(db, kpi.id)[-1].value == 100.0
    # So does a correction to an older period, made as a re-import makes it.
    first = kpi_store.observations(db, kpi_ids=[kpi.id], last=date(2025, 1, 6))
    kpi_store.write_observations(db, first.assign(value=50.0))
    assert strategy.kpi_trend(db, kpi.id)[0].value == 50.0
    assert strategy.kpi_card(db, actors["employee"], kpi.id, max_points=5).latest == 100.0
