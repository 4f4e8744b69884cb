"""Answers from the signed links: each one an xAPI statement, the first one standing, and for a
participants' nudge that names a behaviour, a self-report the behaviour tier reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.services.nudges.conftest import BEHAVIOUR, LD, SECRET, START, World, sender
from tests.services.nudges.servers import Receiver, http_receiver

from lodestar.db.models import LearningStatement, NudgeDelivery
from lodestar.errors import NotFound
from lodestar.services.impact.tiers import behaviour_tier
from lodestar.services.nudges import answer_prompt, record_answer, send_due
from lodestar.services.nudges.links import answer_token
from lodestar.services.privacy.groups import GroupRule

IRI = "http://lodestar.test"


def _send_day_22(world: World) -> list[NudgeDelivery]:
    """One Slack nudge on working day 22 (about 30 days after the start), sent to all twelve."""
    world.nudge(channel="slack", first_day=22, occurrences=1, name="A month in")
    due = datetime.combine(START + timedelta(days=29), datetime.min.time(), tzinfo=UTC)
    with http_receiver(Receiver()) as url:
        summary = send_due(
            world.factory, LD, sender(slack_webhook_url=url), now=due.replace(hour=9)
        )
    assert summary.sent == 12
    with world.factory() as s:
        return list(s.scalars(select(NudgeDelivery).order_by(NudgeDelivery.employee_id)))


def test_answers_are_statements_and_self_reports_the_behaviour_tier_reads(world: World):
    rows = _send_day_22(world)
    assert rows[0].due_at.date() == START + timedelta(days=29)  # working day 22: 29 days on
    with world.factory() as s:
        for i, row in enumerate(rows):
            answer = "done" if i < 9 else "not_today"
            outcome = record_answer(s, SECRET, answer_token(SECRET, row.id, answer), IRI)
            assert outcome.recorded
        s.commit()
        # The behaviour tier's 30-day window (days 15-44 after the start) holds the answers.
        [track] = behaviour_tier(s, world.program_id, rule=GroupRule(5))
        point = next(p for p in track.points if p.window == "30 days")
        assert track.behaviour == BEHAVIOUR
        assert (point.people, point.share_observed) == (12, 9 / 12)
        verbs = s.scalars(select(LearningStatement.verb_id)).all()
    assert verbs.count("http://adlnet.gov/expapi/verbs/completed") == 9
    assert verbs.count("http://id.tincanapi.com/verb/skipped") == 3
    assert verbs.count("http://activitystrea.ms/schema/1.0/receive") == 12


def test_the_first_answer_stands_and_a_repeated_one_is_a_no_op(world: World):
    row = _send_day_22(world)[0]
    done = answer_token(SECRET, row.id, "done")
    with world.factory() as s:
        assert record_answer(s, SECRET, done, IRI).recorded
        s.commit()
        assert answer_prompt(s, SECRET, answer_token(SECRET, row.id, "not_today")).earlier == (
            "Done it"
        )
        again = record_answer(s, SECRET, answer_token(SECRET, row.id, "not_today"), IRI)
        assert not again.recorded and "already answered “Done it”" in again.sentence
        s.commit()
        stored = [
            json.loads(r)
            for r in s.scalars(
                select(LearningStatement.raw).where(
                    LearningStatement.verb_id != "http://activitystrea.ms/schema/1.0/receive"
                )
            )
        ]
    assert [st["verb"]["display"]["en"] for st in stored] == ["completed"]
    assert stored[0]["result"] == {"completion": True}


def test_a_link_with_another_secret_or_an_unsent_delivery_is_refused(world: World):
    row = _send_day_22(world)[0]
    with world.factory() as s:
        with pytest.raises(NotFound, match="not valid"):
            answer_prompt(s, SECRET, answer_token("another-secret-of-length", row.id, "done"))
        with pytest.raises(NotFound, match="no longer on record"):
            answer_prompt(s, SECRET, answer_token(SECRET, 10_000, "done"))
