"""The portfolio's charts: cells add up, the pictures carry their sentence, empty data says so."""

from __future__ import annotations

from lodestar.reports.portfolio_charts import (
    NO_PRIORITY,
    ParetoBar,
    describe_pareto,
    heat_cells,
    heat_map_svg,
    pareto_svg,
)


def test_heat_cells_add_items_value_and_cost_per_priority_and_band():
    cells = heat_cells(
        [
            ("Sales", "100k to 1M", 200_000.0, 5_000.0),
            ("Sales", "100k to 1M", 300_000.0, None),
            (None, "not estimated", None, None),
        ]
    )
    by_key = {(c.priority, c.band): c for c in cells}
    sales = by_key[("Sales", "100k to 1M")]
    assert (sales.items, sales.value, sales.cost) == (2, 500_000.0, 5_000.0)
    assert by_key[(NO_PRIORITY, "not estimated")].items == 1


def test_heat_map_is_an_image_with_a_sentence():
    svg = heat_map_svg(heat_cells([("Sales", "1M and more", 2e6, 1e4)]))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "The most value sits in Sales, 1M and more: 1 item worth" in svg
    assert "No data yet" in heat_map_svg([])


def test_pareto_chart_names_the_cut():
    bars = [ParetoBar("A", 60, True), ParetoBar("B", 25, True), ParetoBar("C", 15, False)]
    assert describe_pareto(bars) == (
        "80/20 view: 2 of 3 items carry 85% of the expected value; the cut falls after B."
    )
    svg = pareto_svg(bars)
    assert "80% cut" in svg and 'role="img"' in svg
    assert "No data yet" in pareto_svg([ParetoBar("A", 0, False)])
