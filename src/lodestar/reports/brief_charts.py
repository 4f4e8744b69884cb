"""Charts sized to be read on a brief, a dashboard and a 390 px phone.

The same Vega-Lite-through-vl-convert pipeline as :mod:`lodestar.reports.charts`, with the rules
a reader needs: drawn at the width they are shown (about 360 px, so a phone does not shrink the
text), 12 px labels, the "no effect" line labelled on interval charts, a zero-based scale where a
share is shown, and program start dates marked on KPI trends. Every SVG carries a sentence for
screen readers (``accessible_svg``).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from html import unescape
from typing import Any

from lodestar.reports.charts import (
    ACCENT,
    GOOD,
    INK,
    MUTED,
    NAIVE,
    IntervalRow,
    accessible_svg,
    effect_interval_svg,
    fmt_value,
    no_data_svg,
)
from lodestar.reports.impact_charts import READING_WIDTH as WIDTH

_TITLE = re.compile(r"<svg\b[^>]*>\s*<title>(.*?)</title>", re.S)


def svg_summary(svg: str) -> str:
    """The sentence a chart carries for screen readers (its ``<title>``, set by
    ``accessible_svg``): the same words become the chart's alternative text in a PDF."""
    m = _TITLE.search(svg)
    return unescape(m.group(1)) if m else ""


@lru_cache(maxsize=64)
def svg_data_url(svg: str) -> str:
    """The chart as a ``data:`` URL for an ``<img>``: on a PDF the chart is an image, which
    WeasyPrint parses once and then keeps in its image cache, keyed by this address."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def reading_interval_svg(
    rows: Iterable[IntervalRow],
    *,
    unit: str,
    title: str,
    ratio: bool = False,
    width: int = WIDTH,
) -> str:
    """The interval chart of the analyst's page (``effect_interval_svg``), its sentence for
    screen readers in the brief's plain words ("likely between") instead of "95% CI"."""
    kept = [
        (str(label), float(est), float(lo), float(hi), bool(causal))
        for label, est, lo, hi, causal in rows
        if all(v == v and abs(v) != float("inf") for v in (est, lo, hi))
    ]
    shown = "" if ratio else unit
    text = (
        f"{title}. "
        + "; ".join(
            f"{label}: {fmt_value(est, shown)}, likely between {fmt_value(lo, shown)} and "
            f"{fmt_value(hi, shown)}"
            for label, est, lo, hi, _ in kept
        )
        + f". The line marks no effect ({1 if ratio else 0})."
    )
    return effect_interval_svg(kept, unit=unit, title=title, width=width, ratio=ratio,
                               summary=text)  # fmt: skip


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


__all__ = ["WIDTH", "kpi_story_svg", "reading_interval_svg", "svg_data_url", "svg_summary"]
