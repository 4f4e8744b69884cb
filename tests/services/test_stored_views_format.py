"""Stored views are read back without running what the stored bytes name.

Each payload below is what someone able to write one row of ``derived_views`` could put there;
the marker file proves whether its code ran. A refused row is computed again, so the page
still shows the right numbers.
"""

from __future__ import annotations

import os
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from lodestar.db.models import Program, StoredView
from lodestar.db.session import make_engine, session_factory
from lodestar.services.derived import DerivedViews
from lodestar.services.impact.tiers import BehaviourPoint, BehaviourTrack, OperationalTier
from lodestar.services.stored_views_format import UnreadableView, dump_view, load_view


class _Runs:
    """Pickles as a call of ``func(*args)``: what a hostile row would hold."""

    def __init__(self, func: object, *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return self.func, self.args


def _touch_command(marker: Path) -> str:
    return f"touch {marker}"


def test_the_views_lodestar_computes_come_back_equal() -> None:
    track = BehaviourTrack(
        behaviour="Asks open questions",
        points=(
            BehaviourPoint("before", 58, 0.41, None),
            BehaviourPoint("weeks 1-4", 3, None, None, suppressed=True),
        ),
    )
    values = [
        [track],
        {"starts": [date(2025, 1, 6), date(2025, 3, 3)], "amount": Decimal("12.50")},
        (1, 2.5, "text", b"bytes", None, True, frozenset({1, 2}), {3, 4}),
    ]
    for value in values:
        assert load_view(dump_view(value)) == value


def test_a_real_operational_tier_round_trips(seeded_engine: Engine) -> None:
    from lodestar.services.impact.tiers import operational_tier

    with session_factory(seeded_engine)() as s:
        program_id = s.scalar(select(Program.id).order_by(Program.id))
        tier = operational_tier(s, program_id)
    assert isinstance(tier, OperationalTier)
    assert load_view(dump_view(tier)) == tier


@pytest.mark.parametrize(
    "payload",
    [
        lambda m: _Runs(os.system, _touch_command(m)),
        lambda m: _Runs(eval, f"open({str(m)!r}, 'w').close()"),
        lambda m: _Runs(Path.touch, m),
        lambda m: _Runs(make_engine, f"sqlite:///{m}"),  # a Lodestar function, not a class
    ],
    ids=["os.system", "builtins.eval", "pathlib.Path.touch", "lodestar function"],
)
def test_a_hostile_row_is_refused_without_running(tmp_path: Path, payload) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "ran"
    data = pickle.dumps({"tier": payload(marker)}, protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(UnreadableView, match="may not name"):
        load_view(data)
    assert not marker.exists(), "the stored bytes ran code"


def test_classes_a_view_never_holds_are_refused() -> None:
    with pytest.raises(UnreadableView, match=r"numpy"):
        load_view(pickle.dumps(np.float64(1.5), protocol=pickle.HIGHEST_PROTOCOL))
    # A module named by the bytes but never imported is not imported to find the class.
    crafted = pickle.dumps(BehaviourPoint, protocol=pickle.HIGHEST_PROTOCOL).replace(
        b"lodestar.services.impact.tiers", b"lodestar.services.impact.tiersX"
    )
    with pytest.raises(UnreadableView):
        load_view(crafted)


def test_bytes_that_are_not_a_whole_pickle_are_unreadable() -> None:
    whole = dump_view({"a": [date(2025, 1, 6)] * 10})
    for bad in (whole[: len(whole) // 2], b"", b"not a pickle"):
        with pytest.raises(UnreadableView):
            load_view(bad)


def test_a_tampered_stored_view_is_computed_again(seeded_engine: Engine, tmp_path: Path) -> None:
    """Through the store: the hostile row is not run, the right value is served, and the
    row is written over with the good one."""
    engine = make_engine(seeded_engine.url.render_as_string(hide_password=False))
    views = DerivedViews(stored="test-tampered", code=("lodestar.services.derived",))
    tables = ["programs"]
    calls: list[int] = []

    def compute(session: Session) -> list[date]:
        calls.append(1)
        return [date(2025, 1, 6), date(2025, 2, 3)]

    marker = tmp_path / "ran"
    factory = session_factory(engine)
    try:
        with factory() as s:
            views.clear(s)
            s.commit()
            assert views.get(s, "starts", tables, lambda: compute(s)) == compute(s)[:2]
        views.wait_stored()
        hostile = pickle.dumps(_Runs(os.system, _touch_command(marker)), protocol=5)
        with factory() as s:
            key = s.scalar(select(StoredView.key).where(StoredView.key.like("test-tampered:%")))
            assert key is not None
            s.execute(update(StoredView).where(StoredView.key == key).values(value=hostile))
            s.commit()
        views.clear()  # a fresh process: nothing in memory, the row is read
        calls.clear()
        with factory() as s:
            assert views.get(s, "starts", tables, lambda: compute(s)) == [
                date(2025, 1, 6),
                date(2025, 2, 3),
            ]
        assert not marker.exists(), "the stored row ran code"
        assert calls == [1] and views.loaded == 0
        views.wait_stored()
        with factory() as s:
            stored = s.scalar(select(StoredView.value).where(StoredView.key == key))
        assert load_view(stored) == [date(2025, 1, 6), date(2025, 2, 3)]
    finally:
        with factory() as s:
            views.clear(s)
            s.commit()
        engine.dispose()
