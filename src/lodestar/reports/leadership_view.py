"""The leadership view's pictures and words: each KPI's trend with the programs' start dates,
and each program's newest result in one line ("−1.84 percentage points, likely −2.08 to
−1.60 · Strong evidence"), hidden where it describes too few participants."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from lodestar.domain.numbers import decimals_for, format_number
from lodestar.reports.brief_charts import kpi_story_svg
from lodestar.reports.brief_words import EVIDENCE_TITLES, amount
from lodestar.services.briefs.leadership import KpiRow, LeadershipView, ResultCell


@dataclass(frozen=True)
class ResultWords:
    change: str  # "" when hidden
    evidence: str
    evidence_title: str
    href: str


def result_words(program_id: int, cell: ResultCell, unit: str, min_group: int) -> ResultWords:
    href = f"/programs/{program_id}/results/{cell.result_id}"
    if cell.hidden:
        return ResultWords(f"hidden: fewer than {min_group} participants", "", "", href)
    if cell.estimand == "hazard_ratio":
        change = f"{cell.estimate:.2f}× the rate, likely {cell.ci_low:.2f}× to {cell.ci_high:.2f}×"
    else:
        d = decimals_for(cell.estimate, cell.ci_low, cell.ci_high)
        change = (
            f"{amount(cell.estimate, unit, d, sign=True)}, likely "
            f"{format_number(cell.ci_low, d)} to {format_number(cell.ci_high, d)}"
        )
    title = EVIDENCE_TITLES.get(cell.evidence, cell.evidence)
    return ResultWords(change, cell.evidence, title, href)


def kpi_chart(row: KpiRow) -> Markup:
    svg = kpi_story_svg(
        [(p.period, p.value) for p in row.trend], unit=row.unit, direction=row.direction,
        title=row.name, starts=row.starts, baseline=row.baseline, target=row.target,
        height=130,
    )  # fmt: skip
    return Markup(svg)  # noqa: S704 - our own renderer escapes its labels


def leadership_pictures(
    view: LeadershipView,
) -> tuple[dict[int, Markup], dict[int, ResultWords]]:
    charts: dict[int, Markup] = {}
    results: dict[int, ResultWords] = {}
    for block in view.priorities:
        units = {k.id: k.unit for k in block.kpis}
        for k in block.kpis:
            charts[k.id] = kpi_chart(k)
        for p in block.programs:
            if p.result is not None:
                unit = units.get(p.kpi_id or -1, "")
                results[p.id] = result_words(p.id, p.result, unit, view.min_group)
    return charts, results


__all__ = ["ResultWords", "kpi_chart", "leadership_pictures", "result_words"]
