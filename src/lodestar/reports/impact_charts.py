"""Charts of a program's impact: each estimate with its interval, the event study, behaviour
windows, and the honest-DiD sensitivity; inline SVG, cached on their data like the KPI trend
(:mod:`lodestar.reports.kpi_chart`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from lodestar.domain.numbers import change_unit
from lodestar.reports.chart_svg import (
    ACCENT,
    GOOD,
    INK,
    MUTED,
    NAIVE,
    accessible_svg,
    finite,
    no_data_svg,
)
from lodestar.reports.kpi_chart import fmt_value

# (label, estimate, ci_low, ci_high, causal)
IntervalRow = tuple[str, float, float, float, bool]
# (event_time, estimate, ci_low, ci_high)
EventPoint = tuple[int, float, float, float]
# (window label, value or None)
WindowPoint = tuple[str, float | None]


#: Charts are drawn at the width they are shown: a plot 320 px wide, with its axis labels, fits a
#: 390 px phone with the page's margins, so a phone never shrinks their 12 px labels; a chart
#: with a titled vertical axis gives that title its room (``AXIS_ROOM``).
READING_WIDTH = 320
AXIS_ROOM = 55
LABEL = 12


def effect_interval_svg(
    rows: Iterable[IntervalRow],
    *,
    unit: str,
    title: str = "Estimated effect",
    width: int = READING_WIDTH,
    ratio: bool = False,
    summary: str = "",
) -> str:
    """Each estimate as a dot with its confidence interval as a bar, its label above it (so a
    long label never crowds the bar on a phone), against a labelled "no effect" line at zero
    (at 1 for ratios). Causal estimates are drawn solid in the accent colour; rows with
    ``causal=False`` (naive comparisons) dashed and hollow in another colour, and their label
    should say "not causal": the picture never lets the two be read as the same thing.
    ``summary`` replaces the sentence screen readers hear (the brief says it in plain words)."""
    key = tuple(
        (str(label), _number(est), _number(lo), _number(hi), bool(causal))
        for label, est, lo, hi, causal in rows
        if finite(_number(est), _number(lo), _number(hi))
    )
    shown = "" if ratio else unit
    text = summary or (
        f"{title}. "
        + "; ".join(
            f"{label}: {fmt_value(est, shown)} (95% CI {fmt_value(lo, shown)} to "
            f"{fmt_value(hi, shown)})"
            for label, est, lo, hi, _ in key
        )
        + f". The line marks no effect ({1 if ratio else 0})."
    )
    if not key:
        return no_data_svg(int(width), 120, f"{title}: no estimate yet.")
    return _render_interval(key, unit, ratio, int(width), text)


def _number(value: object) -> float:
    """A stored number as a float, NaN when a stored result holds none (a NaN kept as NULL):
    such a row is left out of the chart instead of failing the page."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def axis_unit(unit: str) -> str:
    """How an effect's axis names its unit: a change in a percentage is in percentage points."""
    return change_unit(unit) or "effect"


@lru_cache(maxsize=256)
def _render_interval(
    key: tuple[IntervalRow, ...], unit: str, ratio: bool, width: int, text: str
) -> str:
    import altair as alt
    import vl_convert

    null = 1.0 if ratio else 0.0
    values = [
        {"row": i, "label": label, "estimate": est, "low": lo, "high": hi,
         "kind": "causal" if causal else "naive"}
        for i, (label, est, lo, hi, causal) in enumerate(key)
    ]  # fmt: skip
    lows = [lo for _, _, lo, _, _ in key] + [null]
    highs = [hi for _, _, _, hi, _ in key] + [null]
    span = max(highs) - min(lows) or 1.0
    domain = [min(lows) - 0.08 * span, max(highs) + 0.08 * span]
    height = 58 * len(key) + 18  # a row for the label above each bar
    title = "Ratio (1 = no effect)" if ratio else f"Change ({axis_unit(unit)})"
    # The "no effect" label sits right of its line, or left of it when the line is near the
    # right edge (a label running past the chart is cut off in the PDF).
    near_right = (null - domain[0]) / (domain[1] - domain[0]) > 0.7
    x = alt.X(
        "low:Q", title=title,
        scale=alt.Scale(domain=domain, nice=False, zero=False),
        axis=alt.Axis(labelColor=INK, grid=False, labelFontSize=LABEL, titleFontSize=LABEL,
                      tickCount=5, titleColor=INK),
    )  # fmt: skip
    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingOuter=0.6))
    kinds = alt.Scale(domain=["causal", "naive"], range=[ACCENT, NAIVE])
    color = alt.Color("kind:N", scale=kinds, legend=None)
    dash = alt.StrokeDash(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[[1, 0], [5, 4]]), legend=None
    )
    base = alt.Chart(alt.Data(name="rows"))
    bars = base.mark_rule(strokeWidth=4, aria=False).encode(
        x=x, x2="high:Q", y=y, color=color, strokeDash=dash
    )
    fill = alt.Fill(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[ACCENT, "#ffffff"]),
        legend=None,
    )  # fmt: skip
    dots = base.mark_point(size=110, strokeWidth=2, opacity=1, aria=False).encode(
        x=alt.X("estimate:Q"), y=y, color=color, fill=fill
    )
    labels = base.mark_text(
        align="left", baseline="bottom", dy=-9, fontSize=LABEL, color=INK, aria=False
    ).encode(x=alt.value(0), y=y, text="label:N")
    zero = alt.Chart(alt.Data(name="null")).encode(x=alt.X("x:Q"))
    chart = alt.LayerChart(
        layer=[
            zero.mark_rule(color=INK, strokeDash=[4, 3], strokeWidth=1.2, aria=False),
            zero.mark_text(align="right" if near_right else "left", baseline="top",
                           dx=-4 if near_right else 4, dy=2, fontSize=11, color=INK,
                           aria=False).encode(y=alt.value(0), text="name:N"),
            bars, dots, labels,
        ],
        width=width, height=height, background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )  # fmt: skip
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"rows": values, "null": [{"x": null, "name": "no effect"}]}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


def event_study_svg(
    points: Iterable[EventPoint],
    *,
    unit: str,
    title: str = "Effect by week relative to the start",
    width: int = READING_WIDTH - AXIS_ROOM,
    height: int = 220,
) -> str:
    """An event study: the effect at each period before (grey) and after (accent) the start,
    with 95% intervals. Before the start the points should hover around zero; a drift there
    means participants were already on a different path (a failed pre-trend check)."""
    key = tuple(
        (int(e), float(a), float(lo), float(hi))
        for e, a, lo, hi in points
        if finite(float(a), float(lo), float(hi))
    )
    return _render_event_study(key, unit, title, int(width), int(height))


@lru_cache(maxsize=128)
def _render_event_study(
    key: tuple[EventPoint, ...], unit: str, title: str, width: int, height: int
) -> str:
    pre = [p for p in key if p[0] < 0]
    post = [p for p in key if p[0] >= 0]
    text = (
        f"{title}: {len(pre)} periods before the start and {len(post)} after, each with a 95% "
        "confidence interval; before the start the effects should be near zero."
    )
    if not key:
        return no_data_svg(width, height, f"{title}: no data yet.")
    import altair as alt
    import vl_convert

    values = [
        {"e": e, "estimate": a, "low": lo, "high": hi, "when": "before" if e < 0 else "after"}
        for e, a, lo, hi in key
    ]
    x = alt.X(
        "e:Q", title="Periods relative to the start (0 = first period)",
        axis=alt.Axis(labelColor=INK, grid=False, tickMinStep=1, labelFontSize=11,
                      titleFontSize=LABEL),
    )  # fmt: skip
    y_title = "percentage points" if unit.startswith("%") else (unit or "effect")
    color = alt.Color(
        "when:N", scale=alt.Scale(domain=["before", "after"], range=[MUTED, ACCENT]), legend=None
    )
    base = alt.Chart(alt.Data(name="events"))
    y = alt.Y("low:Q", title=f"Effect ({y_title})",
              axis=alt.Axis(labelColor=INK, labelFontSize=11, titleFontSize=LABEL))  # fmt: skip
    bars = base.mark_rule(opacity=0.6, aria=False).encode(x=x, y=y, y2="high:Q", color=color)
    dots = base.mark_point(filled=True, size=28, opacity=1, aria=False).encode(
        x=x, y=alt.Y("estimate:Q"), color=color
    )
    zero = (
        alt.Chart(alt.Data(name="zero"))
        .mark_rule(color=INK, strokeWidth=0.8, aria=False)
        .encode(y=alt.Y("y:Q"))
    )
    start = (
        alt.Chart(alt.Data(name="start"))
        .mark_rule(color=MUTED, strokeDash=[4, 3], aria=False)
        .encode(x=alt.X("x:Q"))
    )
    chart = alt.LayerChart(
        layer=[zero, start, bars, dots],
        width=width,
        height=height,
        background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"events": values, "zero": [{"y": 0.0}], "start": [{"x": -0.5}]}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


#: The whole scale a behaviour is measured on, so a small change is drawn small: a share from
#: 0% to 100%, a rating from 1 to 5.
SHARE_SCALE = (0.0, 1.0)
SCORE_SCALE = (1.0, 5.0)


def behaviour_svg(
    points: Iterable[WindowPoint],
    *,
    measure: str,
    title: str = "Behaviour",
    width: int = 280,
    height: int = 110,
) -> str:
    """One behaviour from baseline to 30, 60 and 90 days: a small line over the windows in
    their given order, on the measure's whole scale (0-100% for a share observed, 1-5 for a
    mean score) rather than one stretched to the values. ``measure`` names what the values are
    ("share observed", "mean score"); windows without a value (suppressed or not yet observed)
    are left out of the line."""
    key = tuple((str(w), None if v is None else float(v)) for w, v in points)
    return _render_behaviour(key, measure, title, int(width), int(height))


def behaviour_scale(measure: str, values: Iterable[float]) -> tuple[float, float]:
    """The axis a behaviour is drawn on: the measure's whole scale, widened only if a value
    falls outside it."""
    low, high = SHARE_SCALE if measure.startswith("share") else SCORE_SCALE
    seen = list(values)
    return (min([low, *seen]), max([high, *seen]))


@lru_cache(maxsize=256)
def _render_behaviour(
    key: tuple[WindowPoint, ...], measure: str, title: str, width: int, height: int
) -> str:
    shown = [(w, v) for w, v in key if v is not None]
    pct = measure.startswith("share")
    words = ", ".join(f"{w} {v:.0%}" if pct else f"{w} {v:.2f}" for w, v in shown)
    low, high = behaviour_scale(measure, (v for _, v in shown))
    scale = f"{low:.0%} to {high:.0%}" if pct else f"{low:g} to {high:g}"
    text = f"{title} ({measure}, on a scale of {scale}): {words}." if shown else (
        f"{title}: no data yet."
    )  # fmt: skip
    if not shown:
        return no_data_svg(width, height, text)
    import altair as alt
    import vl_convert

    order = [w for w, _ in key]
    values = [{"window": w, "value": v} for w, v in shown]
    x = alt.X("window:O", sort=order, title=None, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelAngle=0, labelColor=INK, labelFontSize=11))  # fmt: skip
    y = alt.Y(
        "value:Q", title=None, scale=alt.Scale(domain=[low, high], zero=False, nice=False),
        axis=alt.Axis(format=".0%" if pct else ".0f", labelColor=INK, labelFontSize=11,
                      values=[low, (low + high) / 2, high], gridColor="#eef0f5"),
    )  # fmt: skip
    base = alt.Chart(alt.Data(name="windows")).encode(x=x, y=y)
    chart = alt.LayerChart(
        layer=[
            base.mark_line(color=ACCENT, strokeWidth=2, aria=False),
            base.mark_point(filled=True, color=ACCENT, size=36, opacity=1, aria=False),
        ],
        width=width,
        height=height,
        background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"windows": values}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


SensitivityPoint = tuple[float, float, float]  # (M-bar, low, high)


def honest_did_svg(
    points: Iterable[SensitivityPoint],
    *,
    breakdown: float | None,
    unit: str,
    title: str = "Robust interval as trends are allowed to differ after the start",
    width: int = READING_WIDTH - AXIS_ROOM,
    height: int = 200,
) -> str:
    """Honest-DiD sensitivity: the robust interval for the average effect at each M̄ (how much
    larger than the largest pre-start change a post-start break in trends may be), accent while
    it excludes zero and grey once it includes it, with the breakdown value M̄* and the
    plausible level M̄ = 1 marked."""
    key = tuple(
        (float(m), float(lo), float(hi))
        for m, lo, hi in points
        if finite(float(m), float(lo), float(hi))
    )
    mark = float(breakdown) if breakdown is not None and finite(float(breakdown)) else None
    return _render_honest_did(key, mark, unit, title, int(width), int(height))


@lru_cache(maxsize=64)
def _render_honest_did(
    key: tuple[SensitivityPoint, ...],
    breakdown: float | None,
    unit: str,
    title: str,
    width: int,
    height: int,
) -> str:
    if not key:
        return no_data_svg(width, height, f"{title}: no data yet.")
    shown = breakdown is not None and breakdown <= key[-1][0]
    text = (
        f"{title}: robust 95% intervals for M-bar from {key[0][0]:g} to {key[-1][0]:g}"
        + (
            f"; the interval first includes zero beyond M-bar = {breakdown:.2f}"
            if shown and breakdown is not None
            else "; the interval excludes zero throughout"
            if all(lo > 0 or hi < 0 for _, lo, hi in key)
            else ""
        )
        + ". M-bar = 1 means breaks as large as the largest seen before the start."
    )
    import altair as alt
    import vl_convert

    values = [
        {"m": m, "low": lo, "high": hi, "clear": "clear" if lo > 0 or hi < 0 else "includes zero"}
        for m, lo, hi in key
    ]
    x = alt.X(
        "m:Q", title="M̄: allowed break in trends after the start, × largest before",
        axis=alt.Axis(labelColor=MUTED, grid=False),
    )  # fmt: skip
    y_title = "percentage points" if unit.startswith("%") else (unit or "effect")
    color = alt.Color(
        "clear:N",
        scale=alt.Scale(domain=["clear", "includes zero"], range=[ACCENT, MUTED]),
        legend=None,
    )
    base = alt.Chart(alt.Data(name="grid"))
    bars = base.mark_rule(strokeWidth=3, aria=False).encode(
        x=x, y=alt.Y("low:Q", title=f"Average effect ({y_title})"), y2="high:Q", color=color
    )
    zero = (
        alt.Chart(alt.Data(name="zero"))
        .mark_rule(color=INK, strokeWidth=0.8, aria=False)
        .encode(y=alt.Y("y:Q"))
    )
    plausible = (
        alt.Chart(alt.Data(name="plausible"))
        .mark_rule(color=MUTED, strokeDash=[4, 3], aria=False)
        .encode(x=alt.X("x:Q"))
    )
    layers: list[Any] = [zero, plausible, bars]
    datasets: dict[str, Any] = {"grid": values, "zero": [{"y": 0.0}], "plausible": [{"x": 1.0}]}
    if shown:
        layers.append(
            alt.Chart(alt.Data(name="breakdown"))
            .mark_rule(color=GOOD if (breakdown or 0) >= 1 else "#b3261e", aria=False)
            .encode(x=alt.X("x:Q"))
        )
        layers.append(
            alt.Chart(alt.Data(name="breakdown"))
            .mark_text(align="left", dx=4, dy=-4, fontSize=11, color=INK, aria=False)
            .encode(x=alt.X("x:Q"), y=alt.value(10), text="label:N")
        )
        datasets["breakdown"] = [{"x": breakdown, "label": f"M̄* = {breakdown:.2f}"}]
    chart = alt.LayerChart(
        layer=layers,
        width=width,
        height=height,
        background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = datasets
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)
