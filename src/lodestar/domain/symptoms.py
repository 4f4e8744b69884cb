"""Symptoms of a reactive L&D department, each measured from the data and paired with its
treatment.

A symptom is a share: how many of the items it looks at show the sign (or, for spend, how
much of the money). It is present when the share is above its threshold. The signs and the
treatments follow the "strategic gaps" of the source articles: firefighting and ad-hoc
calendars, learning objectives instead of business goals, no tracking of behaviour; treated
with an 80/20 analysis of effort, series of short modules instead of one-day events, a
monthly stakeholder council and a pre-mortem before launching.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

SymptomKey = Literal[
    "ad_hoc_requests",
    "no_metric",
    "no_behaviour",
    "one_off_events",
    "no_diagnosis",
    "spend_without_evidence",
]
SYMPTOM_KEYS: tuple[SymptomKey, ...] = get_args(SymptomKey)

#: Formats that are a single event rather than a series or support in the flow of work.
ONE_OFF_FORMATS = frozenset({"workshop"})
#: Formats that count as micro-interventions (the 90-day plan's days 31-60).
MICRO_FORMATS = frozenset({"micro_learning", "job_aid", "checklist", "prompt"})


@dataclass(frozen=True)
class SymptomRule:
    key: SymptomKey
    name: str
    counts: str  # what the share counts, for the sentence under the figure
    threshold: float  # present when the share is above this
    treatment: str
    money: bool = False  # the share is of money, not of items


SYMPTOMS: tuple[SymptomRule, ...] = (
    SymptomRule(
        "ad_hoc_requests",
        "Firefighting: ad-hoc and urgent requests",
        "open requests raised ad hoc or marked high or urgent",
        0.30,
        "Run an 80/20 analysis of where effort goes, route every request through the intake "
        "questions, and agree a monthly stakeholder council where requests are weighed "
        "against the priorities instead of first come, first served.",
    ),
    SymptomRule(
        "no_metric",
        "Learning objectives instead of business goals",
        "open requests and programs that name no metric",
        0.10,
        "Ask for the one metric that matters before work starts: no program goes ahead "
        "without a KPI, a baseline and a target.",
    ),
    SymptomRule(
        "no_behaviour",
        "No behaviour tracked",
        "programs with no target behaviour or no behaviour observed",
        0.0,
        "Name the workplace behaviour each program should change (Five Ps canvas) and "
        "observe it at the baseline and at 30, 60 and 90 days.",
    ),
    SymptomRule(
        "one_off_events",
        "One-off events instead of series",
        "programs delivered only as a single workshop",
        0.25,
        "Replace one-day trainings with a series of short modules, job aids and prompts "
        "placed where the work happens.",
    ),
    SymptomRule(
        "no_diagnosis",
        "Requests accepted without a diagnosis",
        "requests taken on as learning without a concluded diagnosis",
        0.0,
        "Diagnose the root cause before saying yes, and hold a pre-mortem before launch that "
        "asks how the program could fail.",
    ),
    SymptomRule(
        "spend_without_evidence",
        "Spend on programs with no evidence",
        "program spend with no stored result of moderate or strong evidence",
        0.25,
        "Start small: run a pilot with a comparison group, measure it, and scale only what "
        "the evidence supports.",
        money=True,
    ),
)
SYMPTOMS_BY_KEY: dict[str, SymptomRule] = {s.key: s for s in SYMPTOMS}


def share(count: float, total: float) -> float | None:
    """``count`` over ``total``; None when there is nothing to look at."""
    return None if total <= 0 else count / total


def is_present(rule: SymptomRule, count: float, total: float) -> bool:
    """Whether the symptom shows: its share is above the rule's threshold."""
    value = share(count, total)
    return value is not None and value > rule.threshold
