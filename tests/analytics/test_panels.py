"""Panel validation: the errors say what is wrong and what to do next."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from panel_sim import simulate_panel

from lodestar.analytics.panels import MIN_GROUP_SIZE, prepare_panel
from lodestar.errors import InvalidInput

KW = {"outcome": "kpi", "unit": "person", "time": "week"}


def test_treatment_column_gives_first_treated_period() -> None:
    data = simulate_panel(n_units=200, starts={4: 0.3, 7: 0.3})
    panel = prepare_panel(data, treatment="trained", **KW)
    per_unit = panel.frame.drop_duplicates("unit").set_index("unit")["cohort"]
    expected = data.drop_duplicates("person").set_index("person")["start"].replace(0, np.inf)
    pd.testing.assert_series_equal(per_unit, expected, check_names=False)
    assert set(panel.cohort_sizes) == {4.0, 7.0}
    assert panel.balanced and panel.staggered
    assert panel.n_never_treated == 200 - panel.n_treated


def test_unbalanced_panel_is_allowed_and_flagged() -> None:
    data = simulate_panel(n_units=200).sample(frac=0.9, random_state=3)
    data.loc[data.index[:5], "kpi"] = np.nan
    panel = prepare_panel(data, cohort="start", **KW)
    assert not panel.balanced
    assert any("unbalanced" in n for n in panel.notes)
    assert any("not observed" in n for n in panel.notes)


def test_no_pre_period_says_load_history() -> None:
    data = simulate_panel(n_units=100)
    late = data[data["week"] >= 7]
    with pytest.raises(InvalidInput, match="no observations before the program started") as e:
        prepare_panel(late, treatment="trained", **KW)
    assert "Load at least 2 periods of history" in e.value.message


def test_everyone_treated_has_no_comparison_group() -> None:
    data = simulate_panel(n_units=100, starts={5: 1.0})
    with pytest.raises(InvalidInput, match="no comparison group"):
        prepare_panel(data, treatment="trained", **KW)
    staggered = simulate_panel(n_units=100, starts={5: 0.5, 8: 0.5})
    with pytest.raises(InvalidInput, match="not_yet_treated"):
        prepare_panel(staggered, treatment="trained", **KW)
    panel = prepare_panel(staggered, treatment="trained", control_group="not_yet_treated", **KW)
    assert panel.n_never_treated == 0


def test_cohort_of_three_is_too_small() -> None:
    data = simulate_panel(n_units=100)
    few = data["person"].isin([0, 1, 2])
    data.loc[few, "start"] = 3
    with pytest.raises(InvalidInput, match=f"at least {MIN_GROUP_SIZE} people") as e:
        prepare_panel(data, cohort="start", **KW)
    assert "period 3 (3 people)" in e.value.message


def test_wrong_types_and_shapes() -> None:
    data = simulate_panel(n_units=50)
    with pytest.raises(InvalidInput, match="must hold numbers"):
        prepare_panel(data.assign(kpi="high"), treatment="trained", **KW)
    with pytest.raises(InvalidInput, match="no column 'sales'"):
        prepare_panel(data, treatment="trained", **{**KW, "outcome": "sales"})
    with pytest.raises(InvalidInput, match="repeated person-period rows"):
        prepare_panel(pd.concat([data, data.head(3)]), treatment="trained", **KW)
    with pytest.raises(InvalidInput, match="0 or 1"):
        prepare_panel(data.assign(trained=2), treatment="trained", **KW)
    switched = data.copy()
    switched.loc[(switched["trained"] == 1) & (switched["week"] == 10), "trained"] = 0
    with pytest.raises(InvalidInput, match="switches off"):
        prepare_panel(switched, treatment="trained", **KW)
    with pytest.raises(InvalidInput, match="exactly one"):
        prepare_panel(data, treatment="trained", cohort="start", **KW)
    with pytest.raises(InvalidInput, match="not a known comparison group"):
        prepare_panel(data, treatment="trained", control_group="others", **KW)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Number the periods"):
        prepare_panel(
            data.assign(week=pd.Timestamp("2024-01-01") + pd.to_timedelta(data["week"], "W")),
            treatment="trained",
            **KW,
        )
