"""Charts sized to be read on a brief, a dashboard and a 390 px phone.

The same Vega-Lite-through-vl-convert pipeline as :mod:`lodestar.reports.charts`, with the rules
a reader needs: drawn at the width they are shown (about 360 px, so a phone does not shrink the
text), 12 px labels, the "no effect" line labelled on interval charts, a zero-based scale where a
share is shown, and program start dates marked on KPI trends. Every SVG carries a sentence for
screen readers (``accessible_svg``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from lodestar.reports.charts import (
    ACCENT,
    GOOD,
    INK,
    MUTED,
    NAIVE,
    IntervalRow,
    accessible_svg,
    fmt_value,
    no_data_svg,
)

WIDTH = 340  # drawn at the size shown: fits a 390 px screen with the page's margins
LABEL = 12


def _axis_unit(unit: str, estimand_ratio: bool = False) -> str:
    if estimand_ratio:
        return "ratio (1 = no effect)"
    return "percentage points" if unit.startswith("%") else (unit or "effect")


def reading_interval_svg(
    rows: Iterable[IntervalRow],
    *,
    unit: str,
    title: str,
    ratio: bool = False,
    width: int = WIDTH,
) -> str:
    """Each estimate as a dot with its likely range as a bar, the label above it (so long labels
    never crowd the bar at 390 px), against a labelled "no effect" line at 0 (1 for ratios).
    Non-causal rows are hollow, dashed and another colour."""
    key = tuple(
        (str(label), float(est), float(lo), float(hi), bool(causal))
        for label, est, lo, hi, causal in rows
        if all(v == v and abs(v) != float("inf") for v in (est, lo, hi))
    )
    return _interval(key, unit, title, ratio, int(width))


@lru_cache(maxsize=256)
def _interval(key: tuple[IntervalRow, ...], unit: str, title: str, ratio: bool, width: int) -> str:
    null = 1.0 if ratio else 0.0
    shown = [
        f"{label}: {fmt_value(est, '' if ratio else unit)}, likely between "
        f"{fmt_value(lo, '' if ratio else unit)} and {fmt_value(hi, '' if ratio else unit)}"
        for label, est, lo, hi, _ in key
    ]
    text = f"{title}. " + "; ".join(shown) + f". The line marks no effect ({null:g})."
    if not key:
        return no_data_svg(width, 120, f"{title}: no estimate yet.")
    import altair as alt
    import vl_convert

    values = []
    for i, (label, est, lo, hi, causal) in enumerate(key):
        values.append({"row": i, "label": label, "estimate": est, "low": lo, "high": hi,
                       "kind": "causal" if causal else "naive"})  # fmt: skip
    lows = [lo for _, _, lo, _, _ in key] + [null]
    highs = [hi for _, _, _, hi, _ in key] + [null]
    span = max(highs) - min(lows) or 1.0
    domain = [min(lows) - 0.08 * span, max(highs) + 0.08 * span]
    height = 58 * len(key) + 18
    x = alt.X(
        "low:Q", title=f"Change ({_axis_unit(unit, ratio)})",
        scale=alt.Scale(domain=domain, nice=False, zero=False),
        axis=alt.Axis(labelColor=INK, grid=False, labelFontSize=LABEL, titleFontSize=LABEL,
                      tickCount=5, titleColor=INK),
    )  # fmt: skip
    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingOuter=0.6))
    color = alt.Color(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[ACCENT, NAIVE]), legend=None
    )
    dash = alt.StrokeDash(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[[1, 0], [5, 4]]), legend=None
    )
    base = alt.Chart(alt.Data(name="rows"))
    bars = base.mark_rule(strokeWidth=4, aria=False).encode(
        x=x, x2="high:Q", y=y, color=color, strokeDash=dash
    )
    dots = base.mark_point(size=110, strokeWidth=2, opacity=1, aria=False).encode(
        x=alt.X("estimate:Q"),
        y=y,
        color=color,
        fill=alt.Fill("kind:N", scale=alt.Scale(domain=["causal", "naive"],
                                                range=[ACCENT, "#ffffff"]), legend=None),
    )  # fmt: skip
    labels = base.mark_text(
        align="left", baseline="bottom", dy=-9, fontSize=LABEL, color=INK, aria=False
    ).encode(x=alt.value(0), y=y, text="label:N")
    zero = alt.Chart(alt.Data(name="null")).encode(x=alt.X("x:Q"))
    chart = alt.LayerChart(
        layer=[
            zero.mark_rule(color=INK, strokeDash=[4, 3], strokeWidth=1.2, aria=False),
            zero.mark_text(align="left", baseline="top", dx=4, dy=2, fontSize=11, color=INK,
                           aria=False).encode(y=alt.value(0), text="name:N"),
            bars, dots, labels,
        ],
        width=width, height=height, background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )  # fmt: skip
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"rows": values, "null": [{"x": null, "name": "no effect"}]}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


def kpi_story_svg(
    points: Iterable[tuple[date, float]],
    *,
    unit: str,
    direction: str,
    title: str,
    starts: Iterable[date] = (),
    baseline: float | None = None,
    target: float | None = None,
    width: int = WIDTH,
    height: int = 150,
) -> str:
    """A KPI over time with its axes, the program start dates as labelled vertical lines, and
    the baseline and target as dashed lines."""
    key = tuple((p.isoformat(), float(v)) for p, v in points)
    marks = tuple(d.isoformat() for d in starts)
    return _story(key, marks, unit, direction, title, baseline, target, int(width), int(height))


@lru_cache(maxsize=256)
def _story(
    key: tuple[tuple[str, float], ...],
    starts: tuple[str, ...],
    unit: str,
    direction: str,
    title: str,
    baseline: float | None,
    target: float | None,
    width: int,
    height: int,
) -> str:
    better = "higher" if direction == "up" else "lower"
    if not key:
        return no_data_svg(width, height, f"{title}: no data yet.")
    text = (
        f"{title}: {len(key)} values from {key[0][0]} to {key[-1][0]}, latest "
        f"{fmt_value(key[-1][1], unit)}"
        + (f"; baseline {fmt_value(baseline, unit)}" if baseline is not None else "")
        + (f"; target {fmt_value(target, unit)}" if target is not None else "")
        + (f"; the program started on {', '.join(starts)}" if starts else "")
        + f". {better.capitalize()} is better."
    )
    import altair as alt
    import vl_convert

    x = alt.X("period:T", title=None,
              axis=alt.Axis(format="%b %y", labelColor=INK, labelFontSize=11, tickCount=4,
                            grid=False))  # fmt: skip
    y = alt.Y(
        "value:Q", title=unit or None, scale=alt.Scale(zero=False, nice=True),
        axis=alt.Axis(labelColor=INK, labelFontSize=11, titleFontSize=11, tickCount=4,
                      gridColor="#eef0f5", format=",.4~g"),
    )  # fmt: skip
    layers: list[Any] = [
        alt.Chart(alt.Data(name="trend"))
        .mark_line(color=ACCENT, strokeWidth=2, aria=False)
        .encode(x=x, y=y)
    ]
    datasets: dict[str, Any] = {"trend": [{"period": p, "value": v} for p, v in key]}
    for value, color, name in ((baseline, MUTED, "baseline"), (target, GOOD, "target")):
        if value is None:
            continue
        datasets[name] = [{"value": value, "name": name}]
        rule = alt.Chart(alt.Data(name=name)).encode(y=alt.Y("value:Q"))
        layers.append(rule.mark_rule(color=color, strokeDash=[4, 3], aria=False))
        words = rule.mark_text(align="right", dy=-5, fontSize=11, color=color, aria=False)
        layers.append(words.encode(x=alt.value(width), text="name:N"))
    if starts:
        datasets["starts"] = [{"period": s, "name": "start" if i else "program starts"}
                              for i, s in enumerate(starts)]  # fmt: skip
        start = alt.Chart(alt.Data(name="starts")).encode(x=alt.X("period:T"))
        layers.append(start.mark_rule(color=NAIVE, strokeWidth=1.2, aria=False))
        layers.append(start.mark_text(align="left", dx=3, baseline="top", fontSize=10,
                                      color=NAIVE, aria=False).encode(y=alt.value(0),
                                                                      text="name:N"))  # fmt: skip
    chart = alt.LayerChart(
        layer=layers, width=width, height=height, background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )  # fmt: skip
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = datasets
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


__all__ = ["WIDTH", "kpi_story_svg", "reading_interval_svg"]
