"""KPI trend charts: Altair spec → vl-convert SVG, accessible, cached, no script, no network."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import altair as alt

from lodestar.reports import charts, kpi_chart
from lodestar.reports.charts import fmt_value, kpi_trend_svg
from lodestar.services.views import KpiPoint

SVG = "{http://www.w3.org/2000/svg}"


def _points(n: int = 12, start: float = 20.0) -> list[KpiPoint]:
    return [KpiPoint(date(2025, 1, 6) + timedelta(weeks=i), start + i * 0.5) for i in range(n)]


def test_sparkline_is_an_accessible_inline_svg():
    svg = kpi_trend_svg(
        _points(), unit="%", direction="up", baseline=20.0, target=28.0, title="Win rate"
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label == (
        "Win rate: 12 values from 2025-01-06 to 2025-03-24; latest 25.5%; baseline 20%; "
        "target 28%. Higher is better."
    )
    assert root.find(f"{SVG}title").text == label
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")
    # A line, the latest-value dot, and two dashed rules (baseline and target).
    assert svg.count("stroke-dasharray") == 2
    assert root.get("width") and root.get("viewBox")


def test_large_chart_has_axes_and_rule_labels():
    svg = kpi_trend_svg(
        _points(30), unit="minutes", direction="down", baseline=30.0, target=25.0,
        title="Handling time", width=600, height=240, axes=True,
    )  # fmt: skip
    assert ">baseline<" in svg and ">target<" in svg
    assert ">minutes<" in svg  # the y-axis title is the unit
    assert "Lower is better." in svg


def test_empty_trend_gives_a_no_data_picture_of_the_same_size():
    svg = kpi_trend_svg([], unit="%", direction="up", width=200, height=50, title="Win rate")
    root = ET.fromstring(svg)
    assert root.get("width") == "200" and root.get("height") == "50"
    assert root.get("aria-label") == "Win rate: no data yet."
    assert "No data yet" in svg


def test_labels_are_escaped():
    svg = kpi_trend_svg(_points(3), unit="<b>", direction="up", title='Q&A "rate" <x>')
    root = ET.fromstring(svg)  # still well-formed
    assert root.get("aria-label").startswith('Q&A "rate" <x>: 3 values')
    assert "<x>" not in svg.split("<title>")[0]


def test_renders_are_cached_on_the_data():
    pts = _points(8, start=41.0)
    before = charts.render_cache_info()
    first = kpi_trend_svg(pts, unit="%", direction="up", title="Cached")
    again = kpi_trend_svg(
        [(p.period, p.value) for p in pts], unit="%", direction="up", title="Cached"
    )
    after = charts.render_cache_info()
    assert first == again
    assert after.hits == before.hits + 1 and after.misses == before.misses + 1
    changed = kpi_trend_svg(_points(8, start=42.0), unit="%", direction="up", title="Cached")
    assert changed != first


def test_the_spec_is_valid_vega_lite():
    key = tuple((p.period.isoformat(), p.value) for p in _points())
    for axes in (False, True):
        spec = kpi_chart._trend_spec(key, "%", 20.0, 28.0, 260, 70, axes, validate=True)
        alt.LayerChart.from_dict({k: v for k, v in spec.items() if k != "datasets"})
        assert spec["datasets"]["trend"][0] == {"period": "2025-01-06", "value": 20.0}


def test_values_are_shown_with_their_unit():
    assert fmt_value(22.0, "%") == "22%"
    assert fmt_value(7.25, "minutes") == "7.25 minutes"
    assert fmt_value(12.345, "days") == "12.3 days"
    assert fmt_value(125000.0, "EUR") == "125,000 EUR"


def test_sparkline_value_labels_never_use_exponents():
    """A deal size of 10,200 EUR was labelled "1e+4" on the executive's home page."""
    points = [KpiPoint(date(2025, 1, 6) + timedelta(weeks=i), 9_870.0 + 55 * i) for i in range(8)]
    svg = kpi_trend_svg(points, unit="EUR", direction="up", title="Deal size")
    texts = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "9,870" in texts and "10,255" in texts, texts
    assert not any("e+" in t for t in texts), texts
    small = kpi_trend_svg(_points(), unit="%", direction="up", title="Win rate")
    labels = [t.text or "" for t in ET.fromstring(small).iter(f"{SVG}text")]
    assert "20" in labels and "25.5" in labels, labels
