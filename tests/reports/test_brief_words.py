"""The brief's words depend on whether the interval leaves out no effect and on which check
failed, not only on the evidence grade: weak evidence with a clear difference is never told as
"we cannot be sure the program made a difference", and nothing is graded up."""

from __future__ import annotations

import dataclasses

from lodestar.analytics.results import Diagnostic, EffectEstimate
from lodestar.reports import brief_words as words

RAMP = EffectEstimate(
    estimate=1.91,
    se=0.19,
    ci_low=1.31,
    ci_high=2.77,
    estimand="hazard_ratio",
    method="cox_time_to_productivity",
    method_label="Cox model",
    citation="Cox (1972)",
    design="randomised",
    causal=True,
    n_treated=60,
    n_comparison=71,
    outcome="reaching the Order lines per hour standard",
    unit="days",
    baseline=49.0,
    direction="down",
    p_value=0.0001,
    diagnostics=(Diagnostic("proportional_hazards", "Proportional-hazards test", False, 0.0),),
)


def _failing(name: str) -> EffectEstimate:
    return dataclasses.replace(RAMP, diagnostics=(Diagnostic(name, name, False, 0.01),))


def test_a_clear_difference_of_unsteady_size_is_said_to_be_clear() -> None:
    assert RAMP.evidence == "weak", "nothing graded up"
    assert words.clear_but_uncertain_size(RAMP)
    sure = words.how_sure(RAMP)
    assert sure.startswith("The difference is clear") and "size is not settled" in sure
    assert words.FAILED_CHECK_WORDS["proportional_hazards"] in sure
    cannot = words.cannot_tell(RAMP, money=False, last_period="")
    assert "Whether the program made any difference at all." not in cannot
    assert any(line.startswith("How large the advantage is") for line in cannot)
    assert any("(they did)" in line for line in words.can_tell(RAMP, money=False, behaviours=False))
    assert "the difference is clear but its size is not" in words.next_step(RAMP)


def test_an_interval_including_no_effect_still_says_we_cannot_be_sure() -> None:
    null = dataclasses.replace(RAMP, ci_low=0.8, ci_high=2.4)
    assert not words.clear_but_uncertain_size(null)
    assert words.how_sure(null).startswith("We cannot be sure the program made a difference")
    assert "Whether the program made any difference at all." in words.cannot_tell(
        null, money=False, last_period=""
    )


def test_a_failed_check_on_attribution_keeps_the_doubt_about_the_program() -> None:
    drift = _failing("pre_trends")
    assert drift.evidence == "weak" and not words.clear_but_uncertain_size(drift)
    sure = words.how_sure(drift)
    assert "looks clear" in sure and "cannot be sure the program made it" in sure
    assert words.FAILED_CHECK_WORDS["pre_trends"] in sure
    cannot = words.cannot_tell(drift, money=False, last_period="")
    assert any(line.startswith("Whether the program made the difference") for line in cannot)
    assert "Adapt before scaling: keep the pilot running" in words.next_step(drift)
