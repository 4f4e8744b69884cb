"""The noun for the units an analysis is about — people, teams, stores, states — in the right
number: ``count(1, "people")`` is "1 person", ``count(42, "states")`` is "42 states".

The engine's results carry the plural (``EffectEstimate.population``, default "people"); the
public API takes it as ``unit_noun=`` in either number.
"""

from __future__ import annotations

__all__ = ["count", "plural", "relative_pronoun", "singular"]

_IRREGULAR = {
    "person": "people",
    "child": "children",
    "country": "countries",
    "city": "cities",
    "company": "companies",
    "agency": "agencies",
    "branch": "branches",
    "class": "classes",
}
_SINGULAR = {p: s for s, p in _IRREGULAR.items()}


def _last_word(noun: str) -> tuple[str, str]:
    head, _, last = noun.strip().rpartition(" ")
    return (head + " " if head else ""), last


def plural(noun: str) -> str:
    """The plural of ``noun`` (a plural is returned unchanged): state → states, person → people;
    in a phrase, of its last word ("treated person" → "treated people")."""
    head, n = _last_word(noun)
    return head + _plural_word(n)


def singular(noun: str) -> str:
    """The singular of ``noun``: people → person, states → state, countries → country."""
    head, n = _last_word(noun)
    return head + _singular_word(n)


def _plural_word(n: str) -> str:
    low = n.lower()
    if low in _SINGULAR or low in {"staff", "personnel"}:
        return n
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("s"):
        return n
    if low.endswith("y") and low[-2:-1] not in set("aeiou"):
        return n[:-1] + "ies"
    if low.endswith(("ch", "sh", "x")):
        return n + "es"
    return n + "s"


def _singular_word(n: str) -> str:
    low = n.lower()
    if low in _SINGULAR:
        return _SINGULAR[low]
    if low in {"staff", "personnel"} or low in _IRREGULAR:
        return n
    if low.endswith("ies"):
        return n[:-3] + "y"
    if low.endswith(("ches", "shes", "xes", "sses")):
        return n[:-2]
    if low.endswith("s") and not low.endswith("ss"):
        return n[:-1]
    return n


def count(n: int, noun: str) -> str:
    """``n`` and ``noun`` in the right number: "1 person", "1,204 people"."""
    return f"{n:,} {singular(noun) if n == 1 else plural(noun)}"


#: Units that are places or organisations: "the 3 states that took part", not "who".
_NOT_PEOPLE = {
    "state",
    "store",
    "shop",
    "country",
    "region",
    "site",
    "branch",
    "office",
    "city",
    "school",
    "department",
    "location",
    "plant",
    "hospital",
    "clinic",
    "county",
    "district",
    "firm",
    "company",
    "unit",
    "restaurant",
    "warehouse",
    "market",
    "municipality",
    "province",
}


def relative_pronoun(noun: str) -> str:
    """ "that" for places and organisations (states, stores), "who" for people and teams."""
    return "that" if _singular_word(_last_word(noun)[1]).lower() in _NOT_PEOPLE else "who"
