"""Nudges in the flow of work: the rules that need no database.

A nudge is a short message sent on a schedule that counts the *recipient's* working days from a
participant's start in a program ("08:30 on each of the first ten working days"), in the
recipient's time zone, never inside quiet hours. Its text is a template whose fields are filled
per person; the reader answers through signed links ("done it", "not today", "unsubscribe").

Everything here is pure: the option sets, the working calendar, the schedule arithmetic,
templates, the retry backoff.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lodestar.errors import InvalidInput

Channel = Literal["email", "slack", "teams"]
Audience = Literal["participants", "managers"]
Answer = Literal["done", "not_today", "unsubscribe"]
DeliveryStatus = Literal["claimed", "sent", "retrying", "failed", "skipped", "expired"]

CHANNELS: tuple[Channel, ...] = get_args(Channel)
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
ANSWERS: tuple[Answer, ...] = get_args(Answer)
STATUSES: tuple[DeliveryStatus, ...] = get_args(DeliveryStatus)

CHANNEL_LABELS: dict[str, str] = {
    "email": "E-mail",
    "slack": "Slack (webhook)",
    "teams": "Microsoft Teams (webhook)",
}
AUDIENCE_LABELS: dict[str, str] = {
    "participants": "Participants",
    "managers": "Participants' managers",
}
ANSWER_LABELS: dict[str, str] = {
    "done": "Done it",
    "not_today": "Not today",
    "unsubscribe": "Unsubscribe",
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_OCCURRENCES = 60
MAX_FIRST_DAY = 260  # about a working year
MAX_EVERY = 20

#: Template fields and what each holds.
TEMPLATE_FIELDS: dict[str, str] = {
    "first_name": "the recipient's first name",
    "name": "the recipient's full name",
    "participant": "the participant the nudge is about (the recipient, or a manager's report)",
    "participant_first_name": "the participant's first name",
    "program": "the program's name",
    "prompt": "the Prompt from the program's Five Ps canvas",
    "behaviour": "the behaviour the nudge prompts",
    "day": "which occurrence this is (1, 2, 3 ...)",
    "days": "how many occurrences the schedule has",
}


def _choice(value: str, allowed: tuple[str, ...], what: str, field: str) -> str:
    if value not in allowed:
        listed = ", ".join(f"'{a}'" for a in allowed)
        raise InvalidInput(
            f"'{value}' is not a {what}; use one of {listed}.", details={"field": field}
        )
    return value


def check_channel(value: str) -> Channel:
    return _choice(value, CHANNELS, "channel", "channel")  # type: ignore[return-value]


def check_audience(value: str) -> Audience:
    return _choice(value, AUDIENCES, "audience", "audience")  # type: ignore[return-value]


def check_answer(value: str) -> Answer:
    return _choice(value, ANSWERS, "possible answer", "answer")  # type: ignore[return-value]


# --- the working calendar ------------------------------------------------------------------


def check_time_zone(name: str) -> str:
    """An IANA time zone name (Europe/Lisbon), or a sentence saying what to write."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name}' is not a time zone Lodestar knows. Use an IANA name such as "
            "Europe/Berlin, America/New_York or UTC.",
            details={"field": "time_zone"},
        ) from None
    return name


def parse_working_days(text: str) -> frozenset[int]:
    """``mon-fri``, ``mon,tue,thu`` or ``sun-thu`` as weekday numbers (Monday = 0)."""
    days: set[int] = set()
    cleaned = text.replace(" ", "").lower()
    for part in filter(None, cleaned.split(",")):
        ends = part.split("-")
        if len(ends) > 2 or any(e not in WEEKDAYS for e in ends):
            raise InvalidInput(
                f"'{text}' is not a list of working days. Write days as mon, tue, wed, thu, "
                "fri, sat, sun, separated by commas, or as a range such as mon-fri.",
                details={"field": "working_days"},
            )
        first, last = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        span = (last - first) % 7
        days.update((first + i) % 7 for i in range(span + 1))
    if not days:
        raise InvalidInput(
            "Name at least one working day, for example mon-fri.",
            details={"field": "working_days"},
        )
    return frozenset(days)


def working_days_text(days: frozenset[int]) -> str:
    """Weekday numbers back as text, in week order: ``mon,tue,wed,thu,fri``."""
    return ",".join(WEEKDAYS[d] for d in sorted(days))


@dataclass(frozen=True)
class WorkCalendar:
    """Where and when a person works: a time zone and the weekdays they work."""

    time_zone: str = "UTC"
    working_days: frozenset[int] = frozenset(range(5))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days

    def working_day(self, start: date, number: int) -> date:
        """The ``number``-th working day counted from ``start`` (1 = ``start`` itself when it
        is a working day, else the first working day after it)."""
        day, seen = start, 0
        while True:
            if self.is_working_day(day):
                seen += 1
                if seen == number:
                    return day
            day += timedelta(days=1)


@dataclass(frozen=True)
class QuietHours:
    """Local hours in which nothing is sent; ``start`` > ``end`` spans midnight (19:00–07:30)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def text(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def next_allowed(moment: datetime, calendar: WorkCalendar, quiet: QuietHours | None) -> datetime:
    """The first moment at or after ``moment`` (aware) that falls on one of the calendar's
    working days and outside quiet hours, in the calendar's time zone; returned in UTC."""
    local = moment.astimezone(calendar.zone)
    for _ in range(400):
        if not calendar.is_working_day(local.date()):
            nxt = local.date() + timedelta(days=1)
            at = quiet.end if quiet and quiet.start > quiet.end else time(0)
            local = datetime.combine(nxt, at, tzinfo=calendar.zone)
            continue
        if quiet is not None and quiet.contains(local.time().replace(tzinfo=None)):
            end_today = datetime.combine(local.date(), quiet.end, tzinfo=calendar.zone)
            if end_today > local:
                local = end_today
            else:  # the quiet hours run to tomorrow morning
                local = datetime.combine(
                    local.date() + timedelta(days=1), quiet.end, tzinfo=calendar.zone
                )
            continue
        return local.astimezone(UTC)
    raise InvalidInput(  # pragma: no cover - a calendar with a working day always ends
        "No moment outside quiet hours could be found; shorten the quiet hours."
    )


# --- the schedule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """``occurrences`` messages at ``send_at`` local time, on working day ``first_day`` of the
    participant's program (1 = their start day) and every ``every`` working days after it."""

    send_at: time
    first_day: int = 1
    occurrences: int = 10
    every: int = 1

    def day_numbers(self) -> tuple[int, ...]:
        return tuple(self.first_day + k * self.every for k in range(self.occurrences))

    def span_days(self) -> int:
        """Calendar days from a start to the last occurrence, at most (one working day a week)."""
        return 7 * (self.day_numbers()[-1] + 1)

    def text(self) -> str:
        days = self.day_numbers()
        if self.occurrences == 1:
            which = f"working day {days[0]}"
        elif self.every == 1:
            which = f"each of working days {days[0]}–{days[-1]}"
        else:
            which = (
                f"{self.occurrences} times, every {self.every} working days from working day "
                f"{days[0]}"
            )
        return f"{self.send_at:%H:%M} on {which} after each participant's start"


def check_schedule(send_at: str, first_day: int, occurrences: int, every: int) -> Schedule:
    """A schedule from form values, or an error naming every field that is wrong."""
    problems: dict[str, str] = {}
    at = parse_clock(send_at, "send_at", problems)
    if not 1 <= first_day <= MAX_FIRST_DAY:
        problems["first_day"] = (
            f"Start on working day 1 (the start day) to {MAX_FIRST_DAY}; {first_day} is outside."
        )
    if not 1 <= occurrences <= MAX_OCCURRENCES:
        problems["occurrences"] = (
            f"Send between 1 and {MAX_OCCURRENCES} messages; {occurrences} is outside that."
        )
    if not 1 <= every <= MAX_EVERY:
        problems["every"] = f"Repeat every 1 to {MAX_EVERY} working days; {every} is outside."
    if problems or at is None:
        raise InvalidInput(" ".join(problems.values()), details={"fields": problems})
    return Schedule(at, first_day, occurrences, every)


def parse_clock(text: str, field: str, problems: dict[str, str]) -> time | None:
    """``HH:MM`` as a time; a sentence in ``problems`` when it is not one."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        problems[field] = f"'{text}' is not a time of day; write it as HH:MM, for example 08:30."
        return None


def check_quiet_hours(start: str, end: str) -> QuietHours | None:
    """Quiet hours from two ``HH:MM`` values; both empty = none."""
    if not start.strip() and not end.strip():
        return None
    problems: dict[str, str] = {}
    begin = parse_clock(start, "quiet_start", problems)
    finish = parse_clock(end, "quiet_end", problems)
    if begin is None or finish is None:
        raise InvalidInput(" ".join(problems.values()), details={"fields": problems})
    if begin == finish:
        raise InvalidInput(
            "Quiet hours that start and end at the same time are empty; leave both blank for "
            "none, or give them a length, for example 19:00 to 07:30.",
            details={"field": "quiet_end"},
        )
    return QuietHours(begin, finish)


def occurrence_times(
    start: date, schedule: Schedule, calendar: WorkCalendar, quiet: QuietHours | None
) -> tuple[datetime, ...]:
    """When each occurrence is due (UTC), for a participant who starts on ``start``: the
    scheduled local time on the counted working day, moved past quiet hours if it falls in
    them."""
    out = []
    for number in schedule.day_numbers():
        day = calendar.working_day(start, number)
        local = datetime.combine(day, schedule.send_at, tzinfo=calendar.zone)
        out.append(next_allowed(local, calendar, quiet))
    return tuple(out)


def retry_delay(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling from the base."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


# --- templates -------------------------------------------------------------------------------


def check_template(text: str, field: str) -> str:
    """A message template with ``{field}`` placeholders; refuses unknown or malformed ones."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"Write the {field} of the message.", details={"field": field})
    allowed = ", ".join("{" + name + "}" for name in TEMPLATE_FIELDS)
    try:
        names = [
            name
            for _, name, spec, conv in string.Formatter().parse(cleaned)
            if name is not None or spec or conv
        ]
    except ValueError:
        raise InvalidInput(
            f"The {field} has an unmatched brace. Placeholders are written in braces, such as "
            f"{{first_name}}; the ones you can use are {allowed}.",
            details={"field": field},
        ) from None
    unknown = [n or "{}" for n in names if n not in TEMPLATE_FIELDS]
    if unknown:
        raise InvalidInput(
            f"The {field} uses {', '.join('{' + u + '}' for u in unknown)}, which Lodestar "
            f"cannot fill. Use {allowed}.",
            details={"field": field},
        )
    return cleaned


def render_template(text: str, values: dict[str, str]) -> str:
    """Fill a checked template; every field of :data:`TEMPLATE_FIELDS` must be in ``values``."""
    return text.format_map({name: values.get(name, "") for name in TEMPLATE_FIELDS})


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else full_name
