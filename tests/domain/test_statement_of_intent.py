"""The statement of intent reads time-to-event outcomes the way their analyses do (issue 7).

A time-to-productivity program's target is the standard new hires reach, not a level the KPI
moves to; a retention program keeps people; a KPI that is itself a span of time, or counts over
a window of days, gets its horizon as a date so two numbers of days never sit side by side.
Each case has examples the statement must and must not read as. The same misreading in the
grade: a survival analysis's hazard ratio (1 = no effect) is never graded against a change in
the KPI that a pilot registered.
"""

from __future__ import annotations

from datetime import date

import pytest

from lodestar.domain.intent import IntentInputs, is_time_unit, statement_of_intent
from lodestar.domain.numbers import change_unit

START, HORIZON = date(2025, 2, 17), date(2025, 8, 18)
BUDDY = ("Checks in with their buddy at the start of every shift",)


def _statement(
    name,
    unit,
    direction,
    baseline,
    target,
    design="",
    audience="new hires",
    behaviours=BUDDY,
    start=START,
    horizon=HORIZON,
):  # type: ignore[no-untyped-def]
    return statement_of_intent(IntentInputs(name, unit, direction, baseline, target, horizon,
                                            start, audience, behaviours, design))  # fmt: skip


def test_time_to_productivity_reads_the_target_as_the_standard_reached_sooner():
    # The demo's onboarding buddy: pick rate averaged 59.5 lines/hour before the start, and the
    # standard a new hire reaches is 54 — below the average, as a standard for beginners is.
    text = _statement("Order lines per hour", "lines/hour", "up", 59.49, 54.0,
                      "time_to_productivity", "new warehouse hires")  # fmt: skip
    assert text == (
        "This program is expected to bring new warehouse hires to the order lines per hour "
        "standard (54 lines/hour or more) sooner than new hires without it (result due "
        "2025-08-18) through 1 behavioural lever: getting new warehouse hires to check in with "
        "their buddy at the start of every shift."
    )
    for misreading in ("reduce", "raise", "check the target", "59.49", "of its baseline",
                       "within 182 days"):  # fmt: skip
        assert misreading not in text


def test_a_standard_where_lower_is_better_is_reached_at_or_below_it():
    text = _statement("Average handling time", "seconds", "down", 420.0, 300.0,
                      "time_to_productivity", "new agents")  # fmt: skip
    assert "the average handling time standard (300 seconds or less) sooner" in text
    assert "reduce" not in text and "from 420" not in text


def test_time_to_productivity_without_a_standard_says_what_to_set():
    text = _statement("Order lines per hour", "lines/hour", "up", 59.0, None,
                      "time_to_productivity")  # fmt: skip
    assert (
        "no standard set yet: set the program's target to the level that counts as "
        "productive" in text
    )
    assert "no baseline and target" not in text


def test_on_a_panel_the_same_numbers_still_read_as_a_level_in_the_wrong_direction():
    # Without the time-to-productivity design, a target below the baseline of an up-KPI is a
    # fall, and the author is told to check it: the design, not the numbers, changes the reading.
    text = _statement("Order lines per hour", "lines/hour", "up", 59.49, 54.0)
    assert "reduce order lines per hour by 5.49 lines/hour" in text
    assert "check the target" in text


def test_retention_keeps_people_and_writes_a_leaving_rate_as_a_rate():
    # The demo's stay conversations: voluntary attrition in "% (annualised)".
    text = _statement("Voluntary attrition", "% (annualised)", "down", 12.22, 10.22, "retention",
                      "team managers", ("Asks each team member what would make them leave",),
                      date(2025, 4, 14), date(2025, 10, 13))  # fmt: skip
    assert text == (
        "This program is expected to keep more people from leaving: reduce voluntary attrition "
        "by 2 percentage points (annualised; 16% of its baseline), from 12.22% (annualised) to "
        "10.22% (annualised) (result due 2025-10-13) through 1 behavioural lever: getting team "
        "managers to ask each team member what would make them leave."
    )
    for misreading in ("((", "2 % (annualised)", "12.22 percentage points", "within 182 days"):
        assert misreading not in text


def test_a_staying_rate_goes_up_and_a_leaving_rate_up_is_flagged():
    kept = _statement("12-month retention", "%", "up", 80.0, 88.0, "retention")
    assert "keep more people from leaving: raise 12-month retention by 8 percentage points" in kept
    assert "from 80% to 88%" in kept and "check the target" not in kept
    worse = _statement("Voluntary attrition", "%", "down", 10.0, 12.0, "retention")
    assert "raise voluntary attrition" in worse and "check the target" in worse


def test_a_window_of_days_in_the_kpi_name_gets_its_horizon_as_a_date():
    text = _statement("Leavers within 90 days of hire", "% of new hires", "down", 20.0, 12.0,
                      "retention", start=date(2026, 1, 5), horizon=date(2027, 1, 4))  # fmt: skip
    assert (
        "reduce leavers within 90 days of hire by 8 percentage points (of new hires; 40% of "
        "its baseline), from 20% of new hires to 12% of new hires (result due 2027-01-04)" in text
    )
    assert "within 364 days" not in text
    panel = _statement("Leavers within 90 days of hire", "%", "down", 20.0, 12.0,
                       start=date(2026, 1, 5), horizon=date(2027, 1, 4))  # fmt: skip
    assert "(result due 2027-01-04)" in panel and "within 364 days" not in panel


def test_a_kpi_that_is_a_span_of_time_reads_sooner_and_is_dated():
    # The demo's seasonal-warehouse pilot: days to the standard pick rate, 21 → 16.
    text = _statement("Time to productivity", "days", "down", 21.0, 16.0,
                      start=date(2026, 10, 26), horizon=date(2026, 12, 21))  # fmt: skip
    assert (
        "reduce time to productivity by 5 days (24% of its baseline), from 21 to 16 days "
        "(result due 2026-12-21)" in text
    )
    assert "within 56 days" not in text and "check the target" not in text
    longer = _statement("Time to productivity", "days", "down", 21.0, 30.0)
    assert "raise time to productivity" in longer and "check the target" in longer


def test_an_ordinary_kpi_keeps_its_horizon_in_days():
    text = _statement("Average deal size", "EUR", "up", 9328.23, 10328.23, audience="reps",
                      behaviours=("Anchors price on a written value summary",),
                      start=date(2026, 3, 2), horizon=date(2026, 8, 31))  # fmt: skip
    assert (
        "raise average deal size by EUR 1,000 (11% of its baseline), from EUR 9,328 to "
        "EUR 10,328 within 182 days" in text
    )


@pytest.mark.parametrize(
    ("unit", "is_time"),
    [("days", True), ("weeks", True), ("working days", True), ("Month", True),
     ("seconds", True), ("%", False), ("lines/hour", False), ("EUR", False),
     ("daily calls", False), ("", False)],
)  # fmt: skip
def test_which_units_are_spans_of_time(unit, is_time):
    assert is_time_unit(unit) is is_time


def test_a_bracketed_percentage_unit_is_not_bracketed_twice():
    assert change_unit("% (annualised)") == "percentage points (annualised)"
    assert change_unit("% satisfied") == "percentage points (satisfied)"
    assert change_unit("%") == "percentage points"


# --- a ratio result against a registered change ------------------------------------------


@pytest.mark.parametrize(("estimate", "low", "high"), [(0.62, 0.42, 0.92), (1.91, 1.31, 2.77)])
def test_a_hazard_ratio_is_never_graded_against_a_change_in_the_kpi(estimate, low, high):
    # Stay conversations registered -2 points of attrition; the retention analysis stores a
    # hazard ratio, where 1 (not 0) is no effect. Graded on the KPI's scale, 0.62 would read as
    # "the opposite of what was expected"; it must not be graded at all.
    from lodestar.domain.preregistration import Expectation, grade_against_expectation

    expected = Expectation("voluntary attrition", "% (annualised)", -2.0, date(2025, 10, 13))
    graded = grade_against_expectation(
        expected, estimate=estimate, ci_low=low, ci_high=high, causal=True,
        today=date(2026, 1, 1), estimand="hazard_ratio",
    )  # fmt: skip
    assert graded.grade == "ungradable"
    assert (
        f"hazard ratio {estimate:.2f}" in graded.sentence and "1 means no effect" in graded.sentence
    )
    assert "−2.00 percentage points (annualised)" in graded.sentence
    panel = grade_against_expectation(
        expected, estimate=-1.2, ci_low=-1.9, ci_high=-0.5, causal=True, today=date(2026, 1, 1),
        estimand="ATT",
    )  # fmt: skip
    assert panel.grade == "smaller_but_real"
