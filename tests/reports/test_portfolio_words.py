"""How the portfolio brief says where a symptom of a reactive department stands and which way
it went."""

from __future__ import annotations

from lodestar.reports.portfolio_output import symptom_words
from lodestar.services.briefs.portfolio_brief import SymptomLine


def _line(share, threshold, present, first=None, last=None, money=False):  # type: ignore[no-untyped-def]
    return SymptomLine("Firefighting", share, threshold, present, money, first, last)


def test_a_present_symptom_names_its_line_and_its_way():
    words = symptom_words(_line(0.44, 0.30, True, ("Jun 2026", 0.55), ("Nov 2026", 0.40)))
    assert words == (
        "44% now, a sign of a reactive department (above 30%); falling: 55% of those raised in "
        "Jun 2026, 40% in Nov 2026."
    )


def test_a_symptom_within_bounds_rising_and_one_with_a_zero_line():
    assert symptom_words(_line(0.2, 0.25, False, ("Jun 2026", 0.1), ("Nov 2026", 0.2))) == (
        "20% now, within bounds (up to 25%); rising: 10% of those raised in Jun 2026, 20% in "
        "Nov 2026."
    )
    assert symptom_words(_line(0.4, 0.0, True)) == (
        "40% now, a sign of a reactive department (any is one)."
    )
    assert symptom_words(_line(0.0, 0.0, False, ("Aug 2026", 0.0), ("Oct 2026", 0.0))) == (
        "0% now, within bounds (none); level: 0% of those raised in Aug 2026, 0% in Oct 2026."
    )


def test_money_and_nothing_to_count():
    assert symptom_words(_line(1.0, 0.25, True, money=True)) == (
        "100% of the money spent now, a sign of a reactive department (above 25%)."
    )
    assert symptom_words(_line(None, 0.1, False)) == "nothing to count yet."
