"""Program design rules: lifecycle, observable behaviours, activity talk, intent, grading."""

from __future__ import annotations

from datetime import date

import pytest

from lodestar.domain.five_ps import (
    FivePsCanvas,
    behaviour_problem,
    check_behaviours,
    detect_activity_talk,
)
from lodestar.domain.intent import IntentInputs, statement_of_intent
from lodestar.domain.premortem import check_risk
from lodestar.domain.preregistration import (
    Expectation,
    check_unlocked,
    grade_against_expectation,
)
from lodestar.domain.program_lifecycle import (
    DECISION_TARGETS,
    check_decision,
    check_program_transition,
)
from lodestar.errors import Conflict, IllegalTransition, InvalidInput

# --- lifecycle ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target"),
    [("in_design", "pilot"), ("pilot", "scaled"), ("pilot", "in_design"), ("pilot", "stopped")],
)
def test_allowed_program_steps(current, target):
    check_program_transition(current, target)


def test_a_stopped_program_cannot_be_scaled_and_the_error_lists_the_way_forward():
    with pytest.raises(IllegalTransition, match="'Stopped' to 'Scaled'.*'In design'"):
        check_program_transition("stopped", "scaled")


def test_decisions_lead_to_their_states_and_unknown_ones_are_refused():
    assert DECISION_TARGETS == {"scale": "scaled", "adapt": "in_design", "stop": "stopped"}
    with pytest.raises(InvalidInput, match="'scale', 'adapt' or 'stop'"):
        check_decision("pause")


# --- behaviours --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Understands the pricing model",
        "understand customer needs",
        "Is aware of the escalation policy",
        "Knows the five discovery questions",
        "Be able to understand objections",
        "Appreciates the value of feedback",
        "Gains an understanding of the product range",
        "Feels confident handling objections",
    ],
)
def test_states_of_mind_are_refused_with_an_example(text):
    problem = behaviour_problem(text)
    assert problem is not None
    assert "observe" in problem and "for example" in problem


@pytest.mark.parametrize(
    "text",
    [
        "Asks three discovery questions before quoting a price",
        "Confirms the issue is solved before closing the call",
        "Logs every hand-over note in the shift board",
        "Knocks on the supervisor's door before escalating a complaint",  # starts with "Kno"
    ],
)
def test_observable_actions_pass(text):
    assert behaviour_problem(text) is None


def test_check_behaviours_trims_dedupes_and_names_every_failure():
    ok = check_behaviours(["  Asks  three questions first ", "asks three questions first", ""])
    assert ok == ["Asks three questions first"]
    with pytest.raises(InvalidInput) as err:
        check_behaviours(["Understands pricing", "Knows the rules", "Asks three questions first"])
    assert "Understands pricing" in err.value.message and "Knows the rules" in err.value.message


def test_canvas_lists_missing_parts_in_order():
    assert FivePsCanvas(problem="p").missing() == ["behaviours", "place", "prompt", "proof"]
    assert FivePsCanvas("p", ("b c d",), "x", "y", "z").missing() == []


# --- activity talk -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A two-day workshop covering negotiation topics in six modules.",
        "Eight hours of e-learning on the product range, with a certificate on completion.",
        "Webinar series: an introduction to mindfulness, attendance tracked.",
    ],
)
def test_activity_only_descriptions_are_flagged(text):
    found = detect_activity_talk(text)
    assert found.flagged
    assert found.activity_words and "statement of intent" in found.reason


@pytest.mark.parametrize(
    "text",
    [
        "Cut repeat contacts by 15% within 60 days through a closing checklist.",
        "Six modules, so that reps raise average deal size; measured by weekly revenue.",
        "Agents confirm the issue is solved before closing the call.",
        "",
    ],
)
def test_outcome_or_behaviour_descriptions_are_not_flagged(text):
    behaviours = ("Confirm the issue is solved before closing",)
    assert not detect_activity_talk(text, behaviours).flagged


# --- statement of intent -----------------------------------------------------------------


def test_statement_reads_like_a_business_promise():
    text = statement_of_intent(
        IntentInputs(
            kpi_name="repeat-contact rate",
            kpi_unit="%",
            direction="down",
            baseline=20.0,
            target=17.0,
            horizon=date(2026, 3, 2),
            start=date(2026, 1, 1),
            audience="support agents",
            behaviours=("Confirm the issue is solved", "Offer the self-service link"),
        )
    )
    assert text == (
        "This program is expected to reduce repeat-contact rate by 3 percentage points (15% of "
        "its baseline), from 20% to 17% within 60 days through 2 behavioural levers: getting "
        "support agents to confirm the issue is solved and offer the self-service link."
    )


@pytest.mark.parametrize(
    ("behaviour", "reads"),
    [
        ("Answers a price objection", "answer a price objection"),
        ("Asks three questions", "ask three questions"),
        ("Pushes the fix to the log", "push the fix to the log"),
        ("Carries the checklist", "carry the checklist"),
        ("Has the card open", "have the card open"),
        ("Confirm the fix", "confirm the fix"),
        ("Uses the CRM card", "use the CRM card"),
    ],
)
def test_behaviours_read_after_getting_people_to(behaviour, reads):
    text = statement_of_intent(IntentInputs("Sales", "EUR", "up", None, None, None, None, "reps",
                                            (behaviour,)))  # fmt: skip
    assert text.endswith(f"getting reps to {reads}.")
    assert "raise sales" in text


def test_statement_says_what_is_missing_and_flags_a_target_in_the_wrong_direction():
    text = statement_of_intent(IntentInputs("churn", "%", "down", 5.0, 6.0, None, None, "", ()))
    assert "raise churn" in text and "check the target" in text
    assert "no target behaviour named yet" in text
    bare = statement_of_intent(IntentInputs("sales", "EUR", "up", None, None, None, None, "", ()))
    assert "no baseline and target set yet" in bare


# --- registration and grading ------------------------------------------------------------

EXPECT = Expectation("first-contact resolution", "points", -2.5, date(2026, 6, 1))
AFTER = date(2026, 7, 1)


@pytest.mark.parametrize(
    ("estimate", "low", "high", "grade"),
    [
        (-1.84, -2.08, -1.60, "smaller_but_real"),  # the demo FCR pilot
        (-2.6, -3.1, -2.1, "met"),
        (-1.9, -2.7, -1.1, "met"),  # the interval reaches the expectation
        (-0.4, -1.1, 0.3, "no_clear_effect"),
        (0.9, 0.3, 1.5, "opposite"),
    ],
)
def test_each_grading_outcome(estimate, low, high, grade):
    got = grade_against_expectation(
        EXPECT, estimate=estimate, ci_low=low, ci_high=high, causal=True, today=AFTER
    )
    assert got.grade == grade
    assert "−2.50 points" in got.sentence or grade in ("too_early", "ungradable")


def test_a_change_in_a_percentage_is_graded_in_percentage_points():
    in_percent = Expectation("first-contact resolution", "%", 2.0, date(2026, 6, 1))
    got = grade_against_expectation(
        in_percent, estimate=1.2, ci_low=0.4, ci_high=2.1, causal=True, today=AFTER
    )
    assert got.grade == "met"
    assert "Expected +2.00 percentage points" in got.sentence
    assert "measured +1.20 percentage points [+0.40, +2.10]" in got.sentence
    assert " %" not in got.sentence


def test_too_early_and_non_causal_results_are_not_graded():
    early = grade_against_expectation(
        EXPECT, estimate=-3, ci_low=-4, ci_high=-2, causal=True, today=date(2026, 5, 1)
    )
    assert early.grade == "too_early"
    naive = grade_against_expectation(
        EXPECT, estimate=-3, ci_low=-4, ci_high=-2, causal=False, today=AFTER
    )
    assert naive.grade == "ungradable"


def test_locked_fields_refuse_a_silent_change():
    check_unlocked(False, "expected_effect", None)
    check_unlocked(True, "name", date(2026, 1, 5))
    with pytest.raises(Conflict, match="locked at launch on 2026-01-05.*new registration"):
        check_unlocked(True, "expected_effect", date(2026, 1, 5))


def test_risks_are_checked_and_ordered_by_severity():
    risk = check_risk("Leads skip the reviews at quarter end", "high", "medium", "Move them", "Ana")
    assert risk.severity == 6 and risk.status == "open"
    with pytest.raises(InvalidInput, match="how could the program fail"):
        check_risk("late", "low", "low", "", "")
    with pytest.raises(InvalidInput, match="likelihood"):
        check_risk("Leads skip the reviews at quarter end", "huge", "low", "", "")


# --- the data against the recorded design ----------------------------------------------------


def _facts(participants=40, comparison=40, starts=("2026-01-05",), undated=0, lottery=True):  # type: ignore[no-untyped-def]
    from datetime import date

    from lodestar.domain.design_checks import RolloutFacts

    return RolloutFacts(participants, comparison, tuple(date.fromisoformat(d) for d in starts),
                        undated, lottery)  # fmt: skip


@pytest.mark.parametrize(
    ("design", "facts", "says"),
    [
        ("randomised", _facts(lottery=False), ["no lottery is stored"]),
        ("randomised", _facts(comparison=0), ["The comparison group is empty"]),
        ("randomised", _facts(comparison=0, lottery=False),
         ["no lottery is stored", "The comparison group is empty"]),
        ("staggered", _facts(lottery=False), ["every participant started on 2026-01-05"]),
        ("selection_on_observables", _facts(), ["A lottery is stored for this program"]),
        ("staggered", _facts(participants=0, comparison=0, starts=(), lottery=False),
         ["No participant is enrolled yet"]),
        ("selection_on_observables", _facts(starts=(), undated=40, lottery=False),
         ["No participant has a start date"]),
    ],
)  # fmt: skip
def test_data_that_contradict_the_design_are_named_with_the_fix(design, facts, says):
    from lodestar.domain.design_checks import design_contradictions

    found = design_contradictions(design, facts)
    assert len(found) == len(says)
    for sentence, words in zip(found, says, strict=True):
        assert words in sentence and sentence.endswith(".")
        assert "record" in sentence.lower() or "import" in sentence.lower()


@pytest.mark.parametrize(
    ("design", "facts"),
    [
        ("randomised", _facts()),
        ("staggered", _facts(starts=("2025-09-01", "2025-11-24"), lottery=False)),
        ("selection_on_observables", _facts(comparison=0, lottery=False)),
        ("", _facts(comparison=0, lottery=False)),  # chosen from the data: nothing to contradict
        ("retention", _facts(participants=0, comparison=0, starts=(), lottery=False)),
    ],
)
def test_data_that_fit_the_design_raise_no_warning(design, facts):
    from lodestar.domain.design_checks import design_contradictions

    assert design_contradictions(design, facts) == ()
