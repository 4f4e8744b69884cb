"""The program impact page as lines of text, for ``lodestar impact run`` and ``impact show``.

Built from the same :class:`~lodestar.reports.program_view.ProgramView` as the web page (made
with ``charts=False``), under the page's own headings and labels, so the command line and the
browser say the same thing in the same words: the three tiers kept apart, the estimate with its
interval, evidence grade, design, how robust it is (the sensitivity analysis, with the numbers
behind the page's chart), checks and warnings, the naive comparison marked "not causal",
money, and the data snapshot.
"""

from __future__ import annotations

from lodestar.reports.program_view import EffectView, ProgramView
from lodestar.reports.sensitivity_view import SensitivityView
from lodestar.reports.survival_view import SurvivalView
from lodestar.services.impact.program_impact import ProgramImpact

INDENT = "  "


def program_lines(impact: ProgramImpact, view: ProgramView) -> list[str]:
    """Every line ``lodestar impact show`` prints for one program."""
    kpi = impact.kpi
    better = "higher" if kpi.direction == "up" else "lower"
    lines = [
        f"{impact.program.name} — metric that matters: {kpi.name} ({kpi.unit}, {better} is better)",
        "",
        *_activity(view),
        "",
        *_behaviour(view),
        "",
        *_business(impact, view),
    ]
    return lines


def _activity(view: ProgramView) -> list[str]:
    a = view.activity
    if a.satisfaction:
        satisfaction = f"{a.satisfaction} ({a.satisfaction_responses} responses)"
    elif a.satisfaction_responses:
        plural = "s" if a.satisfaction_responses > 1 else ""
        satisfaction = f"hidden ({a.satisfaction_responses} response{plural})"
    else:
        satisfaction = "no responses yet"
    completed = a.completed if a.completed is not None else "hidden"
    lines = [
        "Activity (not impact)",
        f"{INDENT}Enrolled: {a.enrolled} · Completed: {completed} · Completion rate: "
        f"{a.completion_rate or '—'} · Satisfaction: {satisfaction}",
    ]
    if a.hidden_note:
        lines.append(f"{INDENT}{a.hidden_note}")
    if a.statements:
        lines.append(f"{INDENT}From xAPI: {a.statements}")
    if a.statements_note:
        lines.append(f"{INDENT}{a.statements_note}")
    return lines


def _behaviour(view: ProgramView) -> list[str]:
    lines = ["Behaviour on the job"]
    if not view.behaviours:
        return [*lines, f"{INDENT}No data yet: no behaviour observations have been recorded "
                        "for this program's participants."]  # fmt: skip
    hidden = f"hidden: fewer than {view.activity.min_group} people"
    for bv in view.behaviours:
        cells = []
        for r in bv.rows:
            if r.suppressed:
                shown = "no data yet" if r.people == 0 else hidden
            else:
                shown = r.share if bv.measure == "share observed" else r.score
            cells.append(f"{r.window}: {shown}")
        lines.append(f"{INDENT}{bv.behaviour} ({bv.measure}): " + " · ".join(cells))
    return lines


def _business(impact: ProgramImpact, view: ProgramView) -> list[str]:
    b = view.business
    lines = ["Business impact"]
    if b is None:
        return [*lines, f"{INDENT}No impact analysis has been run for this program yet. The "
                        "L&D team runs it with `lodestar impact run`."]  # fmt: skip
    lines += _estimate(impact, b)
    if view.sensitivity is not None:
        lines += ["", *sensitivity_lines(view.sensitivity)]
    if view.naive is not None:
        n = view.naive
        lines += [
            "",
            "Naive comparison (not causal)",
            f"{INDENT}{n.summary}",
            f"{INDENT}Raw difference {n.estimate} ({n.confidence} CI {n.interval}), "
            f"{n.n_treated} participants against {n.n_comparison} others. It ignores how people "
            "came to take part, so it is not an estimate of what the program did.",
        ]
    lines += ["", "Warnings"]
    lines += [f"{INDENT}- {w}" for w in b.warnings] or [
        f"{INDENT}No warnings: nothing in the checks below weakens the evidence."
    ]
    lines += ["", "Checks on the evidence"]
    lines += [
        f"{INDENT}- {d.status_words}: {d.label}" + (f" · {d.value}" if d.value else "")
        + (f". {d.detail}" if d.detail else "")
        for d in view.diagnostics
    ] or [f"{INDENT}This method reports no diagnostics."]  # fmt: skip
    if view.survival is not None:
        lines += ["", *_survival(view.survival)]
    lines += ["", *_money(view, b)]
    if view.snapshot is not None:
        s = view.snapshot
        note = f"; {s.fingerprint_note}" if s.fingerprint_note else ""
        lines += [
            "",
            "Data snapshot",
            f"{INDENT}Result: #{impact.result_id}"
            + (f", run by {impact.created_by}" if impact.created_by else ""),
            f"{INDENT}Rows analysed: {s.rows}",
            f"{INDENT}Periods: {s.periods}",
            f"{INDENT}Fingerprint: {s.fingerprint} (a hash of the analysed values{note})",
        ]
    return lines


def sensitivity_lines(sv: SensitivityView) -> list[str]:
    """The page's "How robust is it?" section as lines: verdict, sentence, figures, the chart's
    numbers, method and source."""
    lines = [
        f"How robust is it? {sv.status_words}",
        f"{INDENT}{sv.label}",
        f"{INDENT}{sv.sentence}",
    ]
    lines += [f"{INDENT}{what}: {value}" for what, value in sv.figures]
    if sv.rows:
        width = max(len(what) for what, _ in sv.rows)
        lines.append(f"{INDENT}{sv.table_title}:")
        lines += [f"{INDENT}{INDENT}{what:<{width}}  {value}" for what, value in sv.rows]
    lines += [f"{INDENT}Method: {sv.method}", f"{INDENT}Source: {sv.citation}"]
    return lines


def _estimate(impact: ProgramImpact, b: EffectView) -> list[str]:
    evidence = b.evidence_words + ("" if b.causal else " · Not causal")
    baseline = f" (baseline {b.baseline})" if b.baseline else ""
    lines = [
        f"{INDENT}{evidence}: {b.evidence_help}",
        f"{INDENT}{b.summary}",
        f"{INDENT}{b.estimate_label(impact.kpi.name)}: {b.estimate}",
        f"{INDENT}{b.confidence} confidence interval: {b.interval}",
        f"{INDENT}Of baseline: {b.percent_of_baseline or '—'}{baseline}",
        f"{INDENT}People compared: {b.n_treated} participants, {b.n_comparison} in the comparison",
        f"{INDENT}Estimand: {b.estimand}",
        f"{INDENT}Design: {b.design}",
        f"{INDENT}Why this design: {b.design_reason or '—'}",
        f"{INDENT}Method: {b.method}",
        f"{INDENT}Source: {b.citation}",
    ]
    if b.p_value:
        lines.append(f"{INDENT}p-value: {b.p_value}")
    if b.n_clusters:
        lines.append(f"{INDENT}Clusters: {b.n_clusters}")
    return lines


def _survival(sv: SurvivalView) -> list[str]:
    lines = [sv.heading]
    for g in sv.groups:
        ci = f" (95% CI {g.median_ci})" if sv.kind != "retention" else ""
        lines.append(
            f"{INDENT}{g.label}: {g.people} people, {sv.events_label.lower()}: {g.events}, "
            f"median time {g.median}{ci}"
        )
    lines += [f"{INDENT}{label}: {value}" for label, value in sv.facts]
    if sv.note:
        lines.append(f"{INDENT}{sv.note}")
    lines.append(f"{INDENT}{sv.ratio_help}")
    return lines


def _money(view: ProgramView, b: EffectView) -> list[str]:
    lines = ["In money"]
    mv = view.money
    if mv is not None:
        if b.evidence in ("weak", "none"):
            lines.append(
                f"{INDENT}The evidence for the effect is {b.evidence}, so these money figures "
                "rest on an uncertain estimate: read them as a range of what the program may be "
                "worth, not as a result."
            )
        lines += [
            f"{INDENT}First-year benefit: {mv.benefit} ({b.confidence} CI {mv.benefit_interval})",
            f"{INDENT}Fully loaded cost: {mv.cost}",
            f"{INDENT}Net benefit: {mv.net_benefit}",
            f"{INDENT}Return on investment: {mv.roi} ({b.confidence} CI {mv.roi_interval})",
            f"{INDENT}Benefit–cost ratio: {mv.benefit_cost_ratio}",
            *(f"{INDENT}- {w}" for w in mv.warnings),
            *(f"{INDENT}Assumption: {a}" for a in mv.assumptions),
        ]
    if view.money_note:
        lines.append(f"{INDENT}{view.money_note}")
    if len(lines) == 1:
        lines.append(f"{INDENT}No money value is set for this KPI.")
    return lines


__all__ = ["program_lines"]
