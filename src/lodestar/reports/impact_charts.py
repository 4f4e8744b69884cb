"""Charts of a program's impact: each estimate with its interval, the event study, behaviour
windows, and the honest-DiD sensitivity; inline SVG, cached on their data like the KPI trend
(:mod:`lodestar.reports.kpi_chart`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

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


def effect_interval_svg(
    rows: Iterable[IntervalRow],
    *,
    unit: str,
    title: str = "Estimated effect",
    width: int = 520,
) -> str:
    """Each estimate as a point with its confidence interval as a bar, against a rule at zero
    (no effect). Causal estimates are drawn solid in the accent colour; rows with
    ``causal=False`` (naive comparisons) dashed and hollow in another colour, and their label
    should say "not causal" — the picture never lets the two be read as the same thing."""
    key = tuple(
        (str(label), float(est), float(lo), float(hi), bool(causal))
        for label, est, lo, hi, causal in rows
        if finite(float(est), float(lo), float(hi))
    )
    return _render_interval(key, unit, title, int(width))


@lru_cache(maxsize=256)
def _render_interval(key: tuple[IntervalRow, ...], unit: str, title: str, width: int) -> str:
    height = 44 * max(len(key), 1)
    parts = [
        f"{label}: {fmt_value(est, unit)} (95% CI {fmt_value(lo, unit)} to {fmt_value(hi, unit)})"
        for label, est, lo, hi, _ in key
    ]
    text = f"{title}. " + "; ".join(parts) + "." if parts else f"{title}: no estimate yet."
    if not key:
        return no_data_svg(width, 60, text)
    import altair as alt
    import vl_convert

    values = [
        {"label": label, "estimate": est, "low": lo, "high": hi, "kind": "causal" if c else "naive"}
        for label, est, lo, hi, c in key
    ]
    order = [str(label) for label, *_ in key]
    y = alt.Y(
        "label:N",
        title=None,
        sort=order,
        axis=alt.Axis(labelLimit=220, labelColor=INK, labelFontSize=12),
    )
    x_title = "percentage points" if unit.startswith("%") else (unit or "effect")
    x = alt.X(
        "low:Q",
        title=f"Effect ({x_title})",
        axis=alt.Axis(labelColor=MUTED, grid=False, labelFontSize=11, titleFontSize=12),
    )
    color = alt.Color(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[ACCENT, NAIVE]), legend=None
    )
    dash = alt.StrokeDash(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[[1, 0], [5, 4]]), legend=None
    )
    base = alt.Chart(alt.Data(name="rows"))
    bars = base.mark_rule(strokeWidth=3, aria=False).encode(
        x=x, x2="high:Q", y=y, color=color, strokeDash=dash
    )
    points = base.mark_point(size=90, strokeWidth=2, opacity=1, aria=False).encode(
        x=alt.X("estimate:Q"),
        y=y,
        color=color,
        fill=alt.Fill(
            "kind:N",
            scale=alt.Scale(domain=["causal", "naive"], range=[ACCENT, "#ffffff"]),
            legend=None,
        ),
    )
    zero = (
        alt.Chart(alt.Data(name="zero"))
        .mark_rule(color=MUTED, strokeDash=[3, 3], aria=False)
        .encode(x=alt.X("x:Q"))
    )
    chart = alt.LayerChart(
        layer=[zero, bars, points],
        width=width,
        height=height,
        background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"rows": values, "zero": [{"x": 0.0}]}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


def event_study_svg(
    points: Iterable[EventPoint],
    *,
    unit: str,
    title: str = "Effect by week relative to the start",
    width: int = 640,
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
        axis=alt.Axis(labelColor=MUTED, grid=False, tickMinStep=1),
    )  # fmt: skip
    y_title = "percentage points" if unit.startswith("%") else (unit or "effect")
    color = alt.Color(
        "when:N", scale=alt.Scale(domain=["before", "after"], range=[MUTED, ACCENT]), legend=None
    )
    base = alt.Chart(alt.Data(name="events"))
    bars = base.mark_rule(opacity=0.6, aria=False).encode(
        x=x, y=alt.Y("low:Q", title=f"Effect ({y_title})"), y2="high:Q", color=color
    )
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


def behaviour_svg(
    points: Iterable[WindowPoint],
    *,
    measure: str,
    title: str = "Behaviour",
    width: int = 260,
    height: int = 90,
) -> str:
    """One behaviour from baseline to 30, 60 and 90 days: a small line over the windows in
    their given order. ``measure`` names what the values are ("share observed", "mean score");
    windows without a value (suppressed or not yet observed) are left out of the line."""
    key = tuple((str(w), None if v is None else float(v)) for w, v in points)
    return _render_behaviour(key, measure, title, int(width), int(height))


@lru_cache(maxsize=256)
def _render_behaviour(
    key: tuple[WindowPoint, ...], measure: str, title: str, width: int, height: int
) -> str:
    shown = [(w, v) for w, v in key if v is not None]
    pct = measure.startswith("share")
    words = ", ".join(f"{w} {v:.0%}" if pct else f"{w} {v:.2f}" for w, v in shown)
    text = f"{title} ({measure}): {words}." if shown else f"{title}: no data yet."
    if not shown:
        return no_data_svg(width, height, text)
    import altair as alt
    import vl_convert

    order = [w for w, _ in key]
    values = [{"window": w, "value": v} for w, v in shown]
    x = alt.X("window:O", sort=order, title=None, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelAngle=0, labelColor=MUTED))  # fmt: skip
    y = alt.Y(
        "value:Q", title=None, scale=alt.Scale(zero=False, nice=True),
        axis=alt.Axis(format=".0%" if pct else ".1f", labelColor=MUTED, tickCount=3,
                      gridColor="#eef0f5"),
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
    width: int = 400,
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
