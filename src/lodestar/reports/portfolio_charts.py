"""The portfolio's pictures as inline SVG (Altair specs rendered by vl-convert, like
``reports.charts``): the impact heat map (priority x expected impact, circles sized by cost)
and the 80/20 view (items by expected value with the running share and the cut marked).

Both are drawn narrow enough for a 390 px phone screen (320 px wide) and carry a sentence for
screen readers. Rendering is cached on the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lodestar.domain.numbers import format_number
from lodestar.domain.portfolio import IMPACT_BANDS, NOT_ESTIMATED
from lodestar.reports.charts import ACCENT, INK, MUTED, accessible_svg, no_data_svg

BANDS: tuple[str, ...] = (*(b for _, b in IMPACT_BANDS), NOT_ESTIMATED)
SHORT_BANDS = {"under 10k": "<10k", "10k to 100k": "10k–100k", "100k to 1M": "100k–1M",
               "1M and more": "≥1M", NOT_ESTIMATED: "n/e"}  # fmt: skip
NO_PRIORITY = "No priority"
WIDTH = 320
CUT_COLOUR = "#c2410c"


@dataclass(frozen=True)
class HeatCell:
    """One priority x band cell: how many items, their expected value and their cost."""

    priority: str
    band: str
    items: int
    value: float
    cost: float


@dataclass(frozen=True)
class ParetoBar:
    label: str
    value: float
    above_cut: bool


def heat_cells(
    rows: Iterable[tuple[str | None, str, float | None, float | None]],
) -> list[HeatCell]:
    """Cells from (priority title, band, expected value, cost) per item."""
    cells: dict[tuple[str, str], list[float]] = {}
    for prio, band, value, cost in rows:
        cell = cells.setdefault((prio or NO_PRIORITY, band), [0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += value or 0.0
        cell[2] += cost or 0.0
    return [HeatCell(p, b, int(c[0]), c[1], c[2]) for (p, b), c in sorted(cells.items())]


def _short(text: str, most: int = 26) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def describe_heat_map(cells: Sequence[HeatCell]) -> str:
    if not cells:
        return "Impact heat map: no items to show."
    top = max(cells, key=lambda c: c.value)
    return (
        f"Impact heat map of {sum(c.items for c in cells)} items by priority and expected "
        f"impact. The most value sits in {top.priority}, {top.band}: {top.items} "
        f"item{'' if top.items == 1 else 's'} worth "
        f"{format_number(top.value, 0)} a year."
    )


def heat_map_svg(cells: Sequence[HeatCell]) -> str:
    key = tuple((c.priority, c.band, c.items, round(c.value, 2), round(c.cost, 2)) for c in cells)
    return _render_heat(key)


@lru_cache(maxsize=64)
def _render_heat(key: tuple[tuple[str, str, int, float, float], ...]) -> str:
    cells = [HeatCell(*k) for k in key]
    label = describe_heat_map(cells)
    if not cells:
        return no_data_svg(WIDTH, 120, label)
    import altair as alt
    import vl_convert

    priorities = sorted({c.priority for c in cells}, key=lambda p: (p == NO_PRIORITY, p))
    values = [
        {
            "priority": _short(c.priority),
            "band": SHORT_BANDS[c.band],
            "items": c.items,
            "value": c.value,
            "cost": c.cost,
        }
        for c in cells
    ]
    x = alt.X("band:O", title="Expected impact a year", sort=[SHORT_BANDS[b] for b in BANDS],
              scale=alt.Scale(domain=[SHORT_BANDS[b] for b in BANDS]),
              axis=alt.Axis(labelAngle=-35, labelColor=INK, titleColor=MUTED))  # fmt: skip
    y = alt.Y("priority:N", title=None, sort=[_short(p) for p in priorities],
              axis=alt.Axis(labelLimit=115, labelColor=INK))  # fmt: skip
    base = alt.Chart(alt.Data(name="cells")).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white", strokeWidth=2, aria=False).encode(
        color=alt.Color("value:Q", title="Value", scale=alt.Scale(scheme="blues"), legend=None)
    )
    dots = base.mark_circle(color=INK, opacity=0.35, aria=False).encode(
        size=alt.Size("cost:Q", title="Cost", scale=alt.Scale(range=[0, 500]), legend=None)
    )
    dark = max(c.value for c in cells) * 0.5
    text = base.mark_text(fontSize=10, fontWeight="bold", dx=-11, dy=-11, aria=False).encode(
        text="items:Q",
        color=alt.condition(
            f"datum.value > {dark} && {dark} > 0", alt.value("white"), alt.value(INK)
        ),
    )
    chart = alt.LayerChart(
        layer=[rect, dots, text],
        width=WIDTH - 125,
        height=max(42 * len(priorities), 84),
        background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"cells": values}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), label)


def describe_pareto(bars: Sequence[ParetoBar]) -> str:
    total = sum(b.value for b in bars)
    above = [b for b in bars if b.above_cut]
    if not total:
        return "80/20 view: no item has an expected value yet."
    carried = sum(b.value for b in above)
    return (
        f"80/20 view: {len(above)} of {len(bars)} items carry "
        f"{format_number(100 * carried / total, 0)}% of the expected value; the cut falls after "
        f"{above[-1].label if above else 'none'}."
    )


def pareto_svg(bars: Sequence[ParetoBar]) -> str:
    key = tuple((b.label, round(b.value, 2), b.above_cut) for b in bars if b.value > 0)
    return _render_pareto(key)


@lru_cache(maxsize=64)
def _render_pareto(key: tuple[tuple[str, float, bool], ...]) -> str:
    bars = [ParetoBar(*k) for k in key]
    label = describe_pareto(bars)
    if not bars:
        return no_data_svg(WIDTH, 120, label)
    import altair as alt
    import vl_convert

    total = sum(b.value for b in bars)
    running = 0.0
    values = []
    for n, b in enumerate(bars, start=1):
        running += b.value
        part = "above" if b.above_cut else "below"
        values.append({"n": n, "value": b.value, "share": running / total, "part": part})
    cut = sum(1 for b in bars if b.above_cut)
    x = alt.X("n:O", title="Items, largest expected value first",
              axis=alt.Axis(labelAngle=0, labelColor=MUTED))  # fmt: skip
    base = alt.Chart(alt.Data(name="bars")).encode(x=x)
    bar = base.mark_bar(aria=False).encode(
        y=alt.Y("value:Q", title="Expected value a year", axis=alt.Axis(format="~s")),
        color=alt.Color(
            "part:N",
            scale=alt.Scale(domain=["above", "below"], range=[ACCENT, "#c9d3ee"]),
            legend=None,
        ),  # fmt: skip
    )
    line = base.mark_line(color=CUT_COLOUR, point=True, aria=False).encode(
        y=alt.Y(
            "share:Q",
            title="Running share",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        )  # fmt: skip
    )
    step = (WIDTH - 90) / len(bars)
    cut_at = alt.Chart(alt.Data(name="cut")).encode(x=alt.X("n:O"))
    rule = cut_at.mark_rule(
        color=CUT_COLOUR, strokeDash=[4, 3], strokeWidth=2, xOffset=step / 2, aria=False
    )
    note = cut_at.mark_text(
        text="80% cut",
        color=CUT_COLOUR,
        align="left",
        baseline="top",
        dx=step / 2 + 3,
        y=2,
        fontSize=11,
        aria=False,
    )
    chart = alt.LayerChart(
        layer=[alt.LayerChart(layer=[bar, rule, note]), line],
        width=WIDTH - 90, height=160, background="transparent",
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    ).resolve_scale(y="independent")  # fmt: skip
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"bars": values, "cut": [{"n": cut}]}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), label)
