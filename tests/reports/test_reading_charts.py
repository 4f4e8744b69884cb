"""Charts fit for reading on the analyst's pages as on the brief: drawn at the width a phone
shows them, interval charts tall enough with "no effect" labelled, sparklines with their axis,
program starts marked on KPI trends, behaviour on its whole scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from lodestar.reports.charts import (
    behaviour_svg,
    effect_interval_svg,
    event_study_svg,
    honest_did_svg,
    kpi_trend_svg,
)
from lodestar.reports.impact_charts import READING_WIDTH, behaviour_scale

SVG = "{http://www.w3.org/2000/svg}"
PHONE = 390 - 2 * 16  # a 390 px screen less the page's margins


def _size(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    return float(root.get("width", "0")), float(root.get("height", "0"))


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


ROWS = [
    ("Effect on participants", -1.84, -2.08, -1.6, True),
    ("Naive comparison, not causal", -2.5, -3.0, -2.0, False),
]


def test_an_interval_chart_fits_a_phone_and_labels_no_effect_and_its_rows():
    svg = effect_interval_svg(ROWS, unit="%", title="Estimated effect")
    width, height = _size(svg)
    assert width <= PHONE, "drawn wider than a phone shows it, its labels would shrink"
    assert height >= 58 * len(ROWS) + 60, "each row needs room for its label above the bar"
    texts = _texts(svg)
    assert "no effect" in texts and "0.0" in texts
    assert {"Effect on participants", "Naive comparison, not causal"} <= set(texts)
    assert "Change (percentage points)" in texts


def test_a_ratio_interval_marks_no_effect_at_one():
    svg = effect_interval_svg([("Hazard ratio", 0.8, 0.7, 0.95, True)], unit="", ratio=True)
    assert "Ratio (1 = no effect)" in _texts(svg)
    assert "The line marks no effect (1)" in ET.fromstring(svg).get("aria-label", "")


def _text_anchor(svg: str, text: str) -> str:
    for el in ET.fromstring(svg).iter():
        if el.tag.endswith("text") and "".join(el.itertext()).strip() == text:
            return el.get("text-anchor", "start")
    raise AssertionError(f"no text {text!r} in the chart")


def test_the_no_effect_label_stays_inside_the_chart_when_zero_is_at_the_right_edge():
    # Every interval below zero puts the line near the right edge: a label written to the
    # right of it would run past the chart and be cut off in the PDF.
    right = effect_interval_svg([("Effect", -1.84, -2.08, -1.6, True)], unit="%", title="E")
    assert _text_anchor(right, "no effect") == "end"
    left = effect_interval_svg([("Effect", 1.84, 1.6, 2.08, True)], unit="%", title="E")
    assert _text_anchor(left, "no effect") == "start"


def test_event_study_and_sensitivity_charts_are_drawn_at_a_phone_width():
    events = [(e, 0.1 * e if e >= 0 else 0.0, -0.5, 0.5) for e in range(-4, 5)]
    assert _size(event_study_svg(events, unit="%"))[0] <= PHONE
    sens = [(m, 0.5 - m, 1.5 + m) for m in (0.0, 0.5, 1.0)]
    assert _size(honest_did_svg(sens, breakdown=0.6, unit="%"))[0] <= PHONE
    assert READING_WIDTH <= PHONE


def _trend(n: int = 30) -> list[tuple[date, float]]:
    return [(date(2026, 1, 5) + timedelta(weeks=i), 18.0 - 0.05 * i) for i in range(n)]


def test_a_sparkline_carries_its_axis_the_lowest_and_highest_value_and_its_dates():
    points = _trend()
    texts = _texts(kpi_trend_svg(points, unit="%", direction="down", title="Repeat contacts"))
    low, high = min(v for _, v in points), max(v for _, v in points)
    assert f"{low:.3g}" in texts and f"{high:.3g}" in texts
    assert any(t.endswith(" 26") for t in texts), f"no month on the time axis: {texts}"


def test_kpi_trends_mark_when_the_programs_started_within_their_span():
    points = _trend()
    inside, outside = date(2026, 3, 2), date(2025, 6, 1)
    large = kpi_trend_svg(points, unit="%", direction="down", title="Repeat contacts",
                          axes=True, width=340, height=200, starts=[outside, inside])  # fmt: skip
    label = ET.fromstring(large).get("aria-label", "")
    assert label.endswith("Programs started on 2026-03-02.")
    assert "program starts" in _texts(large)
    spark = kpi_trend_svg(points, unit="%", direction="down", title="Repeat contacts",
                          starts=[inside])  # fmt: skip
    assert "Programs started on 2026-03-02." in ET.fromstring(spark).get("aria-label", "")
    plain = kpi_trend_svg(points, unit="%", direction="down", title="Repeat contacts")
    assert "Programs started" not in ET.fromstring(plain).get("aria-label", "")


def test_behaviour_is_drawn_on_the_whole_scale_of_its_measure():
    shares = [("baseline", 0.40), ("30 days", 0.44), ("60 days", 0.45)]
    svg = behaviour_svg(shares, measure="share observed", title="Checklist used")
    assert {"0%", "50%", "100%"} <= set(_texts(svg)), "a 5-point change must not fill the axis"
    scores = [("baseline", 3.1), ("30 days", 3.4)]
    assert {"1", "3", "5"} <= set(_texts(behaviour_svg(scores, measure="mean score")))
    assert behaviour_scale("mean score", [0.5, 3.0]) == (0.5, 5.0)
