"""A program's one-page brief as a typed context: the words and numbers the web page, the PDF
and ``lodestar brief program`` share.

Built from :class:`lodestar.services.briefs.ProgramBrief`. Every number from the stored result
carries the address of that result (``href``), so the page and the PDF link each one to it;
activity and behaviour figures are today's and link to the program page's tiers instead.
Money follows the program page's conservative rule: the stored result holds money only when the
evidence is clear (``services.impact.program_impact``), and the brief shows no return on
investment otherwise, saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from lodestar.analytics.results import EffectEstimate
from lodestar.domain.numbers import format_number
from lodestar.domain.options import label
from lodestar.reports import brief_words as words
from lodestar.reports.brief_charts import (
    kpi_story_svg,
    reading_interval_svg,
    svg_data_url,
    svg_summary,
)
from lodestar.reports.charts import event_study_svg, fmt_value
from lodestar.reports.effect_view import event_study_points
from lodestar.reports.program_view import money_view
from lodestar.services.briefs.program_brief import ProgramBrief


@dataclass(frozen=True)
class Figure:
    """One number on the brief, with where it comes from."""

    label: str
    value: str
    note: str = ""
    href: str = ""  # the stored result (or program tier) that produced it


@dataclass(frozen=True)
class Tier:
    key: str  # "activity", "behaviour", "business"
    title: str
    note: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class ProgramBriefView:
    """The brief's context (``brief/program.html``); ``charts=False`` leaves SVG out (CLI)."""

    program_id: int
    code: str
    name: str
    status: str
    priority_title: str
    priority_href: str
    statement: str
    problem: str
    result_id: int | None
    result_href: str  # the stored result every number links to ("" with none)
    result_words: str  # "Result #12 of 5 Dec 2026, pinned for this brief"
    kpi_name: str
    kpi_words: str  # "percentage points, lower is better"
    targets: tuple[Figure, ...]
    expectation: str  # the expectation locked at launch, or ""
    grade_label: str
    grade_sentence: str
    headline: str
    evidence: str  # "strong", "moderate", "weak", "none" or "" (no result)
    evidence_title: str
    how_sure: str
    robustness: str
    tiers: tuple[Tier, ...]
    money: tuple[Figure, ...]  # empty when no money is claimed
    money_sentence: str
    chart: Markup | None
    chart_caption: str
    chart_text: str  # the chart's summary sentence: its alternative text on the PDF
    can_tell: tuple[str, ...]
    cannot_tell: tuple[str, ...]
    risks: tuple[str, ...]
    decision: str
    next_step: str
    analyst_href: str

    @property
    def chart_image(self) -> str:
        """The chart as an image address (the PDF places it as an ``<img>``)."""
        return svg_data_url(str(self.chart)) if self.chart is not None else ""


def _activity(brief: ProgramBrief, href: str) -> Tier:
    op = brief.impact.operational
    done = "hidden" if op.completed is None else format_number(op.completed, 0)
    figures = [
        Figure("Enrolled", format_number(op.enrolled, 0), href=href),
        Figure("Completed", done, href=href),
    ]
    if op.completion_rate is not None:
        figures.append(Figure("Completion rate", f"{op.completion_rate:.0%}", href=href))
    if op.satisfaction_mean is not None:
        figures.append(
            Figure("Satisfaction", f"{format_number(op.satisfaction_mean, 1)} of 5",
                   f"{op.satisfaction_responses} ratings", href)
        )  # fmt: skip
    note = "Activity, not impact: how busy the program was."
    return Tier("activity", "Activity", f"{note} {op.hidden_note}".strip(), tuple(figures))


def _behaviour(brief: ProgramBrief, href: str) -> Tier:
    figures = []
    for track in brief.impact.behaviour:
        shown = [p for p in track.points if not p.suppressed and p.people > 0]
        if not shown:
            figures.append(Figure(track.behaviour, "not yet observed", href=href))
            continue
        first, last = shown[0], shown[-1]

        def value(p: object) -> str:
            share = getattr(p, "share_observed", None)
            score = getattr(p, "mean_score", None)
            if share is not None:
                return f"{share:.0%} observed"
            return f"{format_number(score, 1)} of 5" if score is not None else "—"

        note = f"{last.window}, {last.people} people"
        if last is not first:
            note += f"; {first.window}: {value(first)}"
        figures.append(Figure(track.behaviour, value(last), note, href))
    note = (
        "What participants do differently on the job. "
        f"Groups under {brief.min_group} people are not shown."
    )
    if not figures:
        note = "No behaviour observations are recorded for this program yet."
    return Tier("behaviour", "Behaviour on the job", note, tuple(figures))


def _business(brief: ProgramBrief, est: EffectEstimate | None, href: str) -> Tier:
    if est is None:
        return Tier("business", "Business impact", "No impact result is stored yet.", ())
    if brief.estimate_hidden:
        return Tier(
            "business", "Business impact",
            f"The result describes fewer than {brief.min_group} participants, so it is not "
            "shown: no one's own results can be read from it.", (),
        )  # fmt: skip
    value, likely = words.change_text(est)
    what = (
        f"Rate of {words.ratio_outcome(est)}, against the comparison"
        if words.is_ratio(est)
        else f"Change in {brief.impact.kpi.name}"
    )
    figures = [Figure(what, value, f"likely {likely}", href)]
    pct = est.percent_of_baseline
    if pct is not None and not words.is_ratio(est):
        digits = 0 if abs(pct) >= 10 else 1
        figures.append(
            Figure("Against the starting level", f"{format_number(pct, digits, sign=True)}%",
                   href=href)
        )  # fmt: skip
    figures.append(
        Figure("People compared", f"{format_number(est.n_treated, 0)} participants",
               f"{format_number(est.n_comparison, 0)} in the comparison", href)
    )  # fmt: skip
    return Tier("business", "Business impact", "What moved in the metric because of the "
                "program.", tuple(figures))  # fmt: skip


def _money(brief: ProgramBrief, est: EffectEstimate | None, href: str) -> tuple[Figure, ...]:
    """Money only where the stored result claims it under the conservative rule."""
    mv = money_view(brief.impact.money)
    if mv is None or est is None or brief.estimate_hidden:
        return ()
    if not est.causal or est.evidence in ("weak", "none") or est.interval_includes_zero:
        return ()  # the rule, kept here too: never a money headline on unclear evidence
    return (
        Figure("First-year benefit", mv.benefit, f"likely {mv.benefit_interval}", href),
        Figure("Fully loaded cost", mv.cost, href=href),
        Figure("Return on investment", mv.roi, f"likely {mv.roi_interval}", href),
    )


def _money_sentence(brief: ProgramBrief, est: EffectEstimate | None, claimed: bool) -> str:
    if claimed:
        return (
            "First-year benefits only, against fully loaded costs, with the range carried "
            "through from the estimate."
        )
    if est is None:
        return "No money is claimed: no impact result is stored yet."
    if est.causal and est.evidence == "weak" and not est.interval_includes_zero:
        # The interval shows a difference: say why no money is claimed without denying it.
        return (
            "No money is claimed: the evidence is weak (see how sure we are above), and the "
            "brief claims money only on moderate or strong evidence."
        )
    if not est.causal or est.evidence in ("weak", "none") or est.interval_includes_zero:
        return (
            "No money is claimed: the evidence does not show that the program made a "
            "difference, and the brief counts only benefits the data can tell apart from none."
        )
    return brief.impact.money_note or "No money value is set for this metric."


def _chart(brief: ProgramBrief, est: EffectEstimate | None) -> tuple[Markup | None, str]:
    """The one chart that carries the story: before and after the start where the design
    gives it, else the change with its likely range beside no effect."""
    kpi = brief.impact.kpi
    if est is None or brief.estimate_hidden:
        if not brief.trend:
            return None, ""
        svg = kpi_story_svg(
            [(p.period, p.value) for p in brief.trend], unit=kpi.unit, direction=kpi.direction,
            title=kpi.name, starts=brief.start_dates, baseline=brief.target.baseline,
            target=brief.target.target,
        )  # fmt: skip
        return Markup(svg), f"{kpi.name} across the organisation; the line marks the start."  # noqa: S704
    rows = [("Participants against the comparison" if est.causal else
             "Participants against others (not causal)",
             est.estimate, est.ci_low, est.ci_high, est.causal)]  # fmt: skip
    naive = brief.impact.naive
    if naive is not None and est.causal:
        rows.append(("A raw comparison, for contrast (not causal)", naive.estimate,
                     naive.ci_low, naive.ci_high, False))  # fmt: skip
    events = event_study_points(est)
    if events and not words.is_ratio(est):
        svg = event_study_svg(events, unit=est.unit, height=160,
                              title=f"{kpi.name}: change before and after the start")  # fmt: skip
        return Markup(svg), (  # noqa: S704 - our own renderer escapes its labels
            "Each dot is the difference between participants and the comparison in one period, "
            "with its likely range. Before the start (grey) it should sit near zero; after it "
            "(blue) it shows what the program did."
        )
    ratio = words.is_ratio(est)
    title = (
        f"{kpi.name}: rate of {words.ratio_outcome(est)}, participants against the comparison"
        if ratio
        else f"Change in {kpi.name}"
    )
    svg = reading_interval_svg(rows, unit=est.unit, title=title, ratio=ratio)
    caption = (
        "The dot is the most likely ratio, the bar the range it probably lies in; the dashed "
        "line at 1 is no difference between the groups."
        if ratio
        else "The dot is the most likely change, the bar the range it probably lies in; the "
        "dashed line is no change."
    )
    if len(rows) > 1:
        caption += " The hollow row is a raw comparison that ignores who took part."
    return Markup(svg), caption  # noqa: S704 - our own renderer escapes its labels


def _targets(brief: ProgramBrief) -> tuple[Figure, ...]:
    t, unit = brief.target, brief.impact.kpi.unit
    href = f"/kpis/{brief.impact.kpi.id}"
    est = brief.impact.business
    # A time-to-productivity program's target is the pace that counts as productive, not a
    # level the whole KPI should reach: saying "Target 54" under "Baseline 59.5, higher is
    # better" would read as a goal below today's level.
    pace = est is not None and est.method == "cox_time_to_productivity"
    out = []
    if t.baseline is not None:
        said = "Whole organisation at the start" if pace else "Baseline"
        out.append(Figure(said, fmt_value(t.baseline, unit), href=href))
    if t.target is not None:
        by = f"by {t.horizon:%-d %b %Y}" if t.horizon and not pace else ""
        said = "Pace that counts as productive" if pace else "Target"
        out.append(Figure(said, fmt_value(t.target, unit), by, href))
    if t.latest is not None:
        when = f"{t.latest_period:%-d %b %Y}" if t.latest_period else ""
        out.append(Figure("Latest, whole organisation", fmt_value(t.latest, unit), when, href))
    elif t.source_note:
        out.append(Figure("Latest, whole organisation", "in the source", t.source_note, href))
    return tuple(out)


def _decision(brief: ProgramBrief) -> str:
    d = brief.decision
    if d is None:
        return ""
    verb = words.DECISION_WORDS.get(d.decision, label(d.decision))
    who = f" by {d.decided_by}" if d.decided_by else ""
    return f"{verb}, decided on {d.at:%-d %b %Y}{who}: {d.reason}".rstrip(": ")


def brief_view(brief: ProgramBrief, *, charts: bool = True) -> ProgramBriefView:
    impact = brief.impact
    est = impact.business
    rid = impact.result_id
    href = f"/programs/{brief.program_id}/results/{rid}" if rid else ""
    tiers_href = f"/programs/{brief.program_id}#tier-activity"
    money = _money(brief, est, href)
    kpi = impact.kpi
    better = "higher" if kpi.direction == "up" else "lower"
    reg = brief.registration
    expectation = ""
    if reg is not None:
        by = f" by {reg.horizon_date:%-d %b %Y}" if reg.horizon_date else ""
        expectation = (
            f"Expected at launch: {words.amount(reg.expected_effect, reg.unit, 2, sign=True)}"
            f" in {reg.kpi_name}{by} (locked on {reg.locked_on:%-d %b %Y})."
        )
    source = {"pinned": "pinned for this brief", "latest": "the newest",
              "chosen": "chosen for this brief"}[brief.source]  # fmt: skip
    result_words = (
        f"Result #{rid} of {impact.created_at:%-d %b %Y}, {source}"
        if rid and impact.created_at
        else "No stored result yet"
    )
    shown = est if est is not None and not brief.estimate_hidden else None
    chart, caption = _chart(brief, est) if charts else (None, "")
    sens = est.sensitivity.sentence if est is not None and est.sensitivity else ""
    last_period = str(impact.snapshot.get("last_period") or "")
    return ProgramBriefView(
        program_id=brief.program_id,
        code=brief.code,
        name=brief.name,
        status=label(brief.status),
        priority_title=brief.priority_title or "Not linked to a strategic priority",
        priority_href=f"/priorities/{brief.priority_id}" if brief.priority_id else "",
        statement=brief.statement,
        problem=brief.problem,
        result_id=rid,
        result_href=href,
        result_words=result_words,
        kpi_name=kpi.name,
        kpi_words=f"{kpi.unit.strip() or 'its own unit'}, {better} is better",
        targets=_targets(brief),
        expectation=expectation,
        grade_label=brief.grade.label if brief.grade else "",
        grade_sentence=brief.grade.sentence if brief.grade else "",
        headline=words.headline(shown, kpi.name)
        if shown
        else (
            "Hidden: the result describes too few participants to show."
            if est is not None
            else "No impact result is stored yet: this brief shows activity only."
        ),
        evidence=shown.evidence if shown else "",
        evidence_title=words.EVIDENCE_TITLES.get(shown.evidence, "") if shown else "No result",
        how_sure=words.how_sure(shown) if shown else "",
        robustness=sens,
        tiers=(
            _activity(brief, tiers_href),
            _behaviour(brief, tiers_href),
            _business(brief, est, href),
        ),  # fmt: skip
        money=money,
        money_sentence=_money_sentence(brief, shown, bool(money)),
        chart=chart,
        chart_caption=caption,
        chart_text=svg_summary(chart) if chart is not None else "",
        can_tell=words.can_tell(shown, money=bool(money), behaviours=bool(impact.behaviour)),
        cannot_tell=words.cannot_tell(shown, money=bool(money), last_period=last_period),
        risks=tuple(
            f"{r.description}" + (f" What we did: {r.mitigation}" if r.mitigation else "")
            for r in brief.risks_happened
        ),
        decision=_decision(brief),
        next_step=words.next_step(shown),
        analyst_href=href or f"/programs/{brief.program_id}",
    )


__all__ = ["Figure", "ProgramBriefView", "Tier", "brief_view"]
