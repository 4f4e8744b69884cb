"""The sentences of a brief: what moved, how sure we are, what it can and cannot tell, and what
happens next, in business language with no statistical terms (those stay on the analyst's
page, one link away).

Null and weak results are written as plainly as strong ones: the headline of a program that
changed nothing starts "No clear change", and no money is claimed for it.
"""

from __future__ import annotations

from lodestar.analytics.results import EffectEstimate
from lodestar.domain.numbers import decimals_for, format_number
from lodestar.reports.effect_view import unit_words

EVIDENCE_TITLES = {
    "strong": "Strong evidence",
    "moderate": "Moderate evidence",
    "weak": "Weak evidence",
    "none": "No evidence of cause",
}
DECISION_WORDS = {"scale": "Scale", "adapt": "Adapt", "stop": "Stop"}


def amount(value: float, unit: str, decimals: int, *, sign: bool = False) -> str:
    """A change in the KPI's own unit: "−1.84 percentage points", "+200 EUR"."""
    return f"{format_number(value, decimals, sign=sign)} {unit_words(unit)}".strip()


def is_ratio(est: EffectEstimate) -> bool:
    return est.estimand == "hazard_ratio"


def decimals(est: EffectEstimate) -> int:
    return decimals_for(est.estimate, est.ci_low, est.ci_high)


def change_text(est: EffectEstimate) -> tuple[str, str]:
    """The estimate and its likely range as printed on the brief: ("−1.84 percentage points",
    "−2.08 to −1.60 percentage points"), or for a ratio ("0.62×", "0.42× to 0.92×")."""
    if is_ratio(est):
        return f"{est.estimate:.2f}×", f"{est.ci_low:.2f}× to {est.ci_high:.2f}×"
    d = decimals(est)
    low, high = format_number(est.ci_low, d), format_number(est.ci_high, d)
    return amount(est.estimate, est.unit, d, sign=True), f"{low} to {high} {unit_words(est.unit)}"


def _good(est: EffectEstimate) -> bool | None:
    if est.direction is None:
        return None
    if is_ratio(est):
        faster = est.method == "cox_time_to_productivity"
        return (est.estimate > 1) == faster
    return (est.direction == "up") == (est.estimate > 0)


def headline(est: EffectEstimate, kpi_name: str) -> str:
    """What moved, in one sentence."""
    value, likely = change_text(est)
    if not est.causal:
        return (
            f"{_cap(kpi_name)} differed by {value} between participants and others, but this "
            "comparison does not account for who chose to take part, so it cannot tell what "
            "the program did."
        )
    if is_ratio(est):
        what = (
            "reached the expected pace"
            if est.method == "cox_time_to_productivity"
            else "left the company"
        )
        if est.interval_includes_zero:
            return (
                f"No clear change: participants {what} at {value} the rate of the comparison "
                f"group, and the likely range ({likely}) includes no change at all."
            )
        return f"Participants {what} at {value} the rate of the comparison group (likely {likely})."
    if est.interval_includes_zero:
        return (
            f"No clear change: {kpi_name} moved by {value} among participants compared with "
            f"similar colleagues, and the likely range ({likely}) includes no change at all."
        )
    verb = "rose" if est.estimate > 0 else "fell"
    wrong = ", the wrong way," if _good(est) is False else ""
    return (
        f"{_cap(kpi_name)} {verb} by {value.lstrip('+−')}{wrong} among participants compared "
        f"with similar colleagues (likely {likely})."
    )


# A failed check on the data, in a sponsor's words (the analyst's page names the test).
FAILED_CHECK_WORDS = {
    "pre_trends": "participants and their colleagues were already drifting apart before the "
    "program started",
    "covariate_balance": "the groups compared were not alike enough before the program",
    "overlap": "some participants have no colleagues like them to be compared with",
    "proportional_hazards": "the program's advantage was not steady over time, so one ratio "
    "sums it up only roughly",
    "immortal_time": "people joined the program after their follow-up began, which flatters it",
    "attrition": "results are missing more often in one group than the other",
    "small_groups": "much of the comparison rests on very small groups",
    "few_treated": "too few teams or people took part to pin the effect down",
}


# Failed checks that question the size (or the one-number summary) of a difference the
# interval shows clearly, not whether there is one: a sponsor can be told the difference is
# clear. Every other failed check questions whether the program made the difference at all.
SIZE_ONLY_CHECKS = {
    "proportional_hazards": (
        "How large the advantage is at any one time: it was not steady, and the ratio is an "
        "average over time."
    ),
}


def _failed(est: EffectEstimate) -> list[str]:
    return [d.name for d in est.diagnostics if d.passed is False]


def clear_but_uncertain_size(est: EffectEstimate) -> bool:
    """A causal result whose interval leaves out no effect and whose evidence is weak only
    because of checks on the size of the difference (see ``SIZE_ONLY_CHECKS``)."""
    failed = _failed(est)
    return (
        est.causal
        and not est.interval_includes_zero
        and bool(failed)
        and all(n in SIZE_ONLY_CHECKS for n in failed)
    )


def failed_checks(est: EffectEstimate) -> str:
    """The failed checks named in plain words: "a check on the data failed: …"."""
    failed = [d.name for d in est.diagnostics if d.passed is False]
    if not failed:
        return ""
    said = [FAILED_CHECK_WORDS[n] for n in failed if n in FAILED_CHECK_WORDS]
    unnamed = len(failed) - len(said)
    if unnamed:
        said.append(
            "another check on the data failed (the analyst's page says which)"
            if said
            else (
                "a check on the data failed (the analyst's page says which)"
                if unnamed == 1
                else f"{unnamed} checks on the data failed (the analyst's page says which)"
            )
        )
    return "; ".join(said)


def ratio_outcome(est: EffectEstimate) -> str:
    """What a hazard ratio is the rate of: "reaching the expected pace", "leaving"."""
    return (
        "reaching the expected pace"
        if est.method == "cox_time_to_productivity"
        else "leaving the company"
    )


def how_sure(est: EffectEstimate) -> str:
    """How sure we are, in words a sponsor understands."""
    grade = est.evidence
    failed = [d.label for d in est.diagnostics if d.passed is False]
    if grade == "strong":
        why = (
            "participants and the comparison group were chosen by lottery"
            if est.design == "randomised"
            else "the result holds up when its assumptions are stretched"
        )
        return f"We are confident the program caused this change: {why}."
    if grade == "moderate":
        return (
            "The change is clear, but it rests on assumptions the data cannot fully check; "
            "read it as likely, not proven."
        )
    if grade == "none" or not est.causal:
        return (
            "This cannot show what the program caused: the comparison does not account for "
            "who took part."
        )
    if clear_but_uncertain_size(est):
        return (
            "The difference is clear (the likely range leaves out no difference), but its size "
            f"is not settled: {failed_checks(est)}."
        )
    if failed and not est.interval_includes_zero:
        return (
            "The difference looks clear (the likely range leaves out no difference), but we "
            f"cannot be sure the program made it: {failed_checks(est)}."
        )
    reasons = []
    if est.interval_includes_zero:
        reasons.append("the likely range includes no change at all")
    if failed:
        reasons.append(failed_checks(est))
    because = " and ".join(reasons) or "the checks on the data do not settle it"
    return f"We cannot be sure the program made a difference: {because}."


def can_tell(est: EffectEstimate | None, *, money: bool, behaviours: bool) -> tuple[str, ...]:
    """What the brief can tell a reader."""
    if est is None:
        return ("How many people took part and how they rated it (activity only).",)
    out = []
    if est.causal and est.evidence == "weak" and clear_but_uncertain_size(est):
        out.append(
            "Whether participants' results differed from those of colleagues who did not take "
            "part over the same weeks (they did), and the range the average difference "
            "probably lies in."
        )
    elif est.causal and est.evidence in ("weak", "none"):
        # It cannot say whether the program made a difference (see cannot_tell), so it does not
        # claim here that it can.
        out.append(
            "How participants' results compare with colleagues who did not take part over the "
            "same weeks, and how wide the range of plausible effects still is."
        )
    elif est.causal:
        out.append(
            "Whether participants' results changed because of the program, measured against "
            "colleagues who did not take part over the same weeks."
        )
        out.append("How large the change probably is, as a range rather than a single number.")
    else:
        out.append("How participants and others differed: a description, not a cause.")
    if behaviours:
        out.append("Whether the behaviours the program aims at are being seen on the job.")
    if money:
        out.append("What the change was worth in its first year, after fully loaded costs.")
    return tuple(out)


def cannot_tell(est: EffectEstimate | None, *, money: bool, last_period: str) -> tuple[str, ...]:
    """What the brief cannot tell a reader, so nobody reads more into it than it holds."""
    out = [
        "Enrolments, completions and ratings show how busy the program was, not what it achieved."
    ]
    if est is None:
        return (*out, "What the program changed: no impact result is stored yet.")
    if not est.causal:
        out.append("What the program caused: the comparison ignores who chose to take part.")
    elif est.evidence in ("weak", "none") and clear_but_uncertain_size(est):
        # The difference is clear; what it cannot tell is its size (never "whether there was
        # any difference", which the interval shown settles).
        out.extend(dict.fromkeys(SIZE_ONLY_CHECKS[n] for n in _failed(est)))
    elif est.evidence in ("weak", "none") and _failed(est) and not est.interval_includes_zero:
        out.append(
            "Whether the program made the difference: a check on the data failed, so something "
            "else may explain it."
        )
    elif est.evidence in ("weak", "none"):
        out.append("Whether the program made any difference at all.")
    if est.design == "selection_on_observables":
        out.append(
            "Whether differences that were never recorded (motivation, say) explain part of "
            "the change."
        )
    out.append(
        "Whether the effect would be the same for people who did not take part: it describes "
        "the participants."
    )
    if last_period:
        out.append(f"Whether the change lasts beyond {last_period}, the last period analysed.")
    if not money:
        out.append("What the program is worth in money: none is claimed from this evidence.")
    return tuple(out)


def next_step(est: EffectEstimate | None) -> str:
    """The step the evidence points to, when no decision is on record yet."""
    if est is None:
        return (
            "Run the impact analysis once participants have had time to change what they do; "
            "this brief fills in from the stored result."
        )
    if not est.causal or est.evidence == "none":
        return (
            "Set up a fair comparison for the next wave (a lottery, or teams starting at "
            "different times) so the next brief can say what the program caused."
        )
    if _good(est) is False and not est.interval_includes_zero:
        return "Stop or redesign: the metric moved the wrong way among participants."
    if est.evidence == "weak" and clear_but_uncertain_size(est):
        return (
            "Adapt before scaling: the difference is clear but its size is not; look at when "
            "the advantage holds (the analyst's page shows it over time) and decide with more "
            "data."
        )
    if est.evidence == "weak":
        return (
            "Adapt before scaling: keep the pilot running for more data, or change the design "
            "so it can show a difference, then decide."
        )
    return (
        "A candidate to scale: the evidence supports a wider roll-out; agree the next wave and "
        "its measurement with the sponsor."
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


__all__ = [
    "DECISION_WORDS",
    "EVIDENCE_TITLES",
    "amount",
    "can_tell",
    "cannot_tell",
    "clear_but_uncertain_size",
    "change_text",
    "decimals",
    "headline",
    "how_sure",
    "is_ratio",
    "next_step",
]
