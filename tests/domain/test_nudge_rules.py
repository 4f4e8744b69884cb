"""The nudge rules without a database: working days, schedules in a time zone, quiet hours,
templates and the retry backoff."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lodestar.domain.nudges import (
    QuietHours,
    Schedule,
    WorkCalendar,
    check_quiet_hours,
    check_schedule,
    check_template,
    check_time_zone,
    next_allowed,
    occurrence_times,
    parse_working_days,
    render_template,
    retry_delay,
    working_days_text,
)
from lodestar.errors import InvalidInput

MON = date(2026, 3, 2)
NIGHT = QuietHours(time(19), time(7, 30))


def test_working_days_read_ranges_lists_and_wrap_round_the_week():
    assert parse_working_days("mon-fri") == frozenset(range(5))
    assert parse_working_days("Sun-Thu") == frozenset({6, 0, 1, 2, 3})
    assert parse_working_days("mon, wed,fri") == frozenset({0, 2, 4})
    assert working_days_text(parse_working_days("fri-mon")) == "mon,fri,sat,sun"
    with pytest.raises(InvalidInput, match="mon-fri"):
        parse_working_days("weekdays")
    with pytest.raises(InvalidInput, match="at least one"):
        parse_working_days(" , ")


def test_time_zones_are_iana_names():
    assert check_time_zone("Europe/Lisbon") == "Europe/Lisbon"
    with pytest.raises(InvalidInput, match="IANA"):
        check_time_zone("Mars/Olympus_Mons")


def test_ten_working_days_skip_the_weekend():
    schedule = Schedule(time(8, 30), first_day=1, occurrences=10)
    times = occurrence_times(MON, schedule, WorkCalendar(), None)
    days = [t.date() for t in times]
    assert days[:5] == [MON + timedelta(days=i) for i in range(5)]
    assert days[5:] == [MON + timedelta(days=7 + i) for i in range(5)]
    assert all(t.time() == time(8, 30) and t.tzinfo == UTC for t in times)


def test_a_start_on_a_day_off_counts_from_the_next_working_day():
    saturday = MON + timedelta(days=5)
    first = occurrence_times(saturday, Schedule(time(9), 1, 1), WorkCalendar(), None)[0]
    assert first.date() == MON + timedelta(days=7)


def test_the_clock_is_the_recipients_across_a_daylight_saving_change():
    # Berlin moves to summer time on Sunday 29 March 2026: 08:30 is 07:30 UTC before, 06:30 after.
    berlin = WorkCalendar("Europe/Berlin", frozenset(range(5)))
    times = occurrence_times(date(2026, 3, 26), Schedule(time(8, 30), 1, 3), berlin, None)
    assert [(t.day, t.hour, t.minute) for t in times] == [(26, 7, 30), (27, 7, 30), (30, 6, 30)]


def test_every_other_working_day_from_day_three():
    schedule = Schedule(time(9), first_day=3, occurrences=3, every=2)
    assert schedule.day_numbers() == (3, 5, 7)
    days = [t.date() for t in occurrence_times(MON, schedule, WorkCalendar(), None)]
    assert days == [date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 10)]
    assert "3 times, every 2 working days from working day 3" in schedule.text()


def test_quiet_hours_move_a_moment_to_their_end_on_a_working_day():
    cal = WorkCalendar()
    evening = datetime(2026, 3, 2, 20, tzinfo=UTC)
    assert next_allowed(evening, cal, NIGHT) == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)
    early = datetime(2026, 3, 3, 6, tzinfo=UTC)
    assert next_allowed(early, cal, NIGHT) == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)
    friday_night = datetime(2026, 3, 6, 22, tzinfo=UTC)
    assert next_allowed(friday_night, cal, NIGHT) == datetime(2026, 3, 9, 7, 30, tzinfo=UTC)
    noon = datetime(2026, 3, 3, 12, tzinfo=UTC)
    assert next_allowed(noon, cal, NIGHT) == noon
    lunch = QuietHours(time(12), time(13))
    assert next_allowed(noon, cal, lunch) == datetime(2026, 3, 3, 13, tzinfo=UTC)


def test_quiet_hours_and_schedules_from_form_values():
    assert check_quiet_hours("", "") is None
    assert check_quiet_hours("19:00", "07:30") == NIGHT
    with pytest.raises(InvalidInput, match="same time"):
        check_quiet_hours("08:00", "08:00")
    with pytest.raises(InvalidInput) as caught:
        check_schedule("8h30", 0, 100, 1)
    assert set(caught.value.details["fields"]) == {"send_at", "first_day", "occurrences"}
    assert check_schedule("08:30", 1, 10, 1) == Schedule(time(8, 30), 1, 10, 1)


def test_templates_take_only_the_fields_lodestar_fills():
    text = check_template("Hello {first_name}, day {day} of {days}", "body")
    values = {"first_name": "Ana", "day": "2", "days": "10"}
    assert render_template(text, values) == "Hello Ana, day 2 of 10"
    with pytest.raises(InvalidInput, match=r"\{salary\}"):
        check_template("Your {salary}", "body")
    with pytest.raises(InvalidInput, match="attribute|cannot fill"):
        check_template("{name.__class__}", "body")
    with pytest.raises(InvalidInput, match="unmatched brace"):
        check_template("Hello {first_name", "subject")
    with pytest.raises(InvalidInput, match="Write the subject"):
        check_template("  ", "subject")


def test_retries_wait_twice_as_long_each_time_up_to_a_cap():
    waits = [retry_delay(n, 300, 3600).total_seconds() for n in range(1, 6)]
    assert waits == [300, 600, 1200, 2400, 3600]
