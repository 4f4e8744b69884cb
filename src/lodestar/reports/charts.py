"""Charts as inline SVG: Vega-Lite specs built with Altair, rendered server-side by vl-convert.

No network and no JavaScript are needed to show them; the same SVG goes into web pages and
PDF briefs. Every chart carries ``role="img"``, an ``aria-label`` and a ``<title>`` that say in
words what the picture shows.

Rendering is cached on the data itself (an ``lru_cache`` keyed by a tuple of the points and
options), because one page shows several charts and the same KPI appears on several pages.
A warm render through vl-convert takes about 10 ms; a cache hit takes microseconds. The very
first render in a process also starts vl-convert's engine (about half a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from html import escape
from typing import Any, Protocol

from lodestar.domain.numbers import format_number

ACCENT = "#2f5bd3"
MUTED = "#8a93a6"
GOOD = "#1d7a45"
INK = "#1d2433"


class _Point(Protocol):
    @property
    def period(self) -> date: ...

    @property
    def value(self) -> float: ...


PointLike = _Point | tuple[date, float]


def kpi_trend_svg(
    points: Iterable[PointLike],
    *,
    unit: str,
    direction: str,
    baseline: float | None = None,
    target: float | None = None,
    width: int = 260,
    height: int = 70,
    title: str = "KPI",
    axes: bool = False,
) -> str:
    """A KPI's trend as SVG markup: a line of the per-period values, the latest value marked,
    and dashed rules at the baseline (grey) and the target (green).

    ``points`` are ``KpiPoint``-like objects or ``(period, value)`` pairs, oldest first.
    ``axes=False`` draws a sparkline for cards; ``axes=True`` a chart with labelled axes.
    With no points, a small "No data yet" picture of the same size is returned.
    """
    key = tuple(_pair(p) for p in points)
    return _render(
        key,
        unit,
        direction,
        None if baseline is None else float(baseline),
        None if target is None else float(target),
        int(width),
        int(height),
        title,
        axes,
    )


def render_cache_info() -> Any:
    """Hits and misses of the chart cache (for benchmarks and tests)."""
    return _render.cache_info()


def _pair(p: PointLike) -> tuple[str, float]:
    if isinstance(p, tuple):
        period, value = p
    else:
        period, value = p.period, p.value
    return (period.isoformat(), float(value))


def fmt_value(value: float, unit: str) -> str:
    """A value with its unit, with as many decimals as its size needs."""
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = format_number(value, digits)
    if digits:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def describe_trend(
    key: tuple[tuple[str, float], ...],
    unit: str,
    direction: str,
    baseline: float | None,
    target: float | None,
    title: str,
) -> str:
    """The sentence a screen reader hears instead of the picture."""
    if not key:
        return f"{title}: no data yet."
    first, last = key[0], key[-1]
    parts = [
        f"{title}: {len(key)} values from {first[0]} to {last[0]}",
        f"latest {fmt_value(last[1], unit)}",
    ]
    if baseline is not None:
        parts.append(f"baseline {fmt_value(baseline, unit)}")
    if target is not None:
        parts.append(f"target {fmt_value(target, unit)}")
    better = "higher" if direction == "up" else "lower"
    return "; ".join(parts) + f". {better.capitalize()} is better."


@lru_cache(maxsize=512)
def _render(
    key: tuple[tuple[str, float], ...],
    unit: str,
    direction: str,
    baseline: float | None,
    target: float | None,
    width: int,
    height: int,
    title: str,
    axes: bool,
) -> str:
    label = describe_trend(key, unit, direction, baseline, target, title)
    if not key:
        return no_data_svg(width, height, label)
    import vl_convert

    spec = _trend_spec(key, unit, baseline, target, width, height, axes)
    svg = vl_convert.vegalite_to_svg(spec)
    return accessible_svg(svg, label)


def _trend_spec(
    key: tuple[tuple[str, float], ...],
    unit: str,
    baseline: float | None,
    target: float | None,
    width: int,
    height: int,
    axes: bool,
    *,
    validate: bool = False,
) -> dict[str, Any]:
    """The Vega-Lite spec. Schema validation costs more than the render; tests switch it on."""
    import altair as alt

    values = [{"period": p, "value": v} for p, v in key]
    x = alt.X(
        "period:T",
        title=None,
        axis=alt.Axis(format="%b %Y", labelColor=MUTED, tickCount=6, grid=False) if axes else None,
    )
    y = alt.Y(
        "value:Q",
        title=unit if axes else None,
        scale=alt.Scale(zero=False, nice=axes),
        axis=alt.Axis(format=",.2~f", labelColor=MUTED, gridColor="#eef0f5", tickCount=5)
        if axes
        else None,
    )
    # The points travel as named datasets added after to_dict(): Altair deep-copies inline
    # data on every step, which would cost more than the render itself.
    line = (
        alt.Chart(alt.Data(name="trend"))
        .mark_line(color=ACCENT, strokeWidth=2 if axes else 1.8, interpolate="monotone", aria=False)
        .encode(x=x, y=y)
    )
    last = (
        alt.Chart(alt.Data(name="latest"))
        .mark_point(filled=True, color=ACCENT, size=50 if axes else 28, opacity=1, aria=False)
        .encode(x=x, y=y)
    )
    layers: list[Any] = [line, last]
    datasets: dict[str, list[dict[str, Any]]] = {"trend": values, "latest": values[-1:]}
    for value, color, name in ((baseline, MUTED, "baseline"), (target, GOOD, "target")):
        if value is None:
            continue
        datasets[name] = [{"value": value}]
        rule = alt.Chart(alt.Data(name=name)).encode(y=alt.Y("value:Q"))
        layers.append(rule.mark_rule(color=color, strokeDash=[4, 3], strokeWidth=1, aria=False))
        if axes:
            layers.append(
                rule.mark_text(
                    text=name, align="right", dy=-6, color=color, fontSize=11, aria=False
                ).encode(x=alt.value(width))
            )
    chart = alt.LayerChart(
        layer=layers,
        width=width,
        height=height,
        background="transparent",
        padding=alt.Undefined if axes else 4,
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=validate)
    spec["datasets"] = datasets
    return spec


_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")


def accessible_svg(svg: str, label: str) -> str:
    """Mark the root as one image with a name, and drop vl-convert's white backdrop."""
    safe = escape(label, quote=True)

    def opening(m: re.Match[str]) -> str:
        attrs = m.group(1).replace(' class="marks"', ' class="chart"')
        return f'<svg{attrs} role="img" aria-label="{safe}" focusable="false"><title>{safe}</title>'

    return _SVG_OPEN.sub(opening, svg, count=1)


def no_data_svg(width: int, height: int, label: str) -> str:
    safe = escape(label, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart no-data" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{safe}">'
        f"<title>{safe}</title>"
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" fill="#f6f7fb" '
        f'stroke="#d9dee8" stroke-dasharray="4 3"/>'
        f'<text x="{width / 2:g}" y="{height / 2:g}" dy="0.35em" text-anchor="middle" '
        f'font-family="sans-serif" font-size="12" fill="{MUTED}">No data yet</text></svg>'
    )


# --- impact charts ---------------------------------------------------------------------------

NAIVE = "#a15c00"

# (label, estimate, ci_low, ci_high, causal)
IntervalRow = tuple[str, float, float, float, bool]
# (event_time, estimate, ci_low, ci_high)
EventPoint = tuple[int, float, float, float]
# (window label, value or None)
WindowPoint = tuple[str, float | None]


def _finite(*values: float) -> bool:
    return all(v == v and abs(v) != float("inf") for v in values)


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
        if _finite(float(est), float(lo), float(hi))
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
        if _finite(float(a), float(lo), float(hi))
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
        if _finite(float(m), float(lo), float(hi))
    )
    mark = float(breakdown) if breakdown is not None and _finite(float(breakdown)) else None
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
