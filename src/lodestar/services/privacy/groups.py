"""Small-group suppression: the one rule every aggregate over people goes through.

An aggregate (a mean, a share, a rate) over fewer than ``k`` people is not shown, where ``k``
is ``LODESTAR_SECURITY__MIN_GROUP_SIZE`` (default 5). Counts of people stay visible (that a
window had 3 people in it says nothing about any one of them); the values computed from them
do not.

Subtraction across filters. Hiding small groups is not enough when a total and a filtered
part of it are both shown: total minus the shown part is the hidden rest. The rule chosen is
*complementary suppression* (Cox 1980, "Suppression methodology and statistical disclosure
control", JASA 75:377-385; the method of national statistics offices' table tools):

- a part of a shown total is shown only if the part *and its complement* each hold at least
  ``k`` people (or the complement is empty, when the part is the total);
- in a table of disjoint groups under a shown total, if the hidden groups together hold fewer
  than ``k`` people, the next-smallest groups are hidden too until they hold ``k`` or more,
  so the total minus the shown groups never isolates fewer than ``k`` people.

Rounding was the alternative; it is not used because it still leaks when the same total is
shown for many overlapping filters (differences of rounded numbers average the noise away)
and because rounded means no longer reconcile with the analyses that use the exact ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from lodestar.config import Settings, get_settings

K = TypeVar("K", bound=Hashable)

SETTINGS_KEY = "settings"  # session.info key the web app and the CLI set


def settings_of(session: Session) -> Settings:
    """The settings of the app or command that opened ``session`` (the environment's when it
    was opened elsewhere, e.g. in a notebook)."""
    found = session.info.get(SETTINGS_KEY)
    return found if isinstance(found, Settings) else get_settings()


@dataclass(frozen=True)
class GroupRule:
    """The minimum group size and what it hides."""

    min_size: int

    def hides(self, people: int) -> bool:
        """Whether an aggregate over ``people`` must not be shown (0 people: nothing to show,
        which is not suppression)."""
        return 0 < people < self.min_size

    def shows_part(self, part: int, total: int) -> bool:
        """Whether an aggregate over ``part`` people may be shown beside one over ``total``
        people that contains them: both the part and the rest must be large enough."""
        rest = total - part
        return part >= self.min_size and (rest == 0 or rest >= self.min_size)

    def hidden_groups(self, sizes: Mapping[K, int]) -> set[K]:
        """Which of these disjoint groups (shown under their total) to hide: every group
        below the minimum, then the next-smallest ones while the hidden groups together hold
        fewer than ``min_size`` people (complementary suppression)."""
        hidden = {key for key, n in sizes.items() if self.hides(n)}
        if not hidden:
            return hidden
        shown = sorted((n, i) for i, (key, n) in enumerate(sizes.items()) if key not in hidden)
        keys = list(sizes)
        while sum(sizes[k] for k in hidden) < self.min_size and shown:
            _, i = shown.pop(0)
            hidden.add(keys[i])
        return hidden

    def note(self, what: str, people: int | None = None) -> str:
        """The sentence shown in place of a hidden figure."""
        count = "" if people is None else f" ({_people(people)})"
        return (
            f"{what} hidden{count}: it would describe fewer than {self.min_size} people, so "
            "no one's own value can be read from it. The minimum group size is set by "
            "LODESTAR_SECURITY__MIN_GROUP_SIZE."
        )


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def group_rule(session: Session) -> GroupRule:
    """The minimum group size in force for this session."""
    return GroupRule(settings_of(session).security.min_group_size)


__all__ = ["SETTINGS_KEY", "GroupRule", "group_rule", "settings_of"]
