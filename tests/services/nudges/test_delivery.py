"""``send-due`` against a real SMTP server and a real HTTP receiver, on SQLite and PostgreSQL:
a schedule is delivered on the recipients' own working days and clock, a failed delivery is
tried again after its backoff, two overlapping runs send nothing twice, an unsubscribe is
honoured, and every delivery is an xAPI statement."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

from sqlalchemy import func, select
from tests.services.nudges.conftest import LD, SECRET, World, sender
from tests.services.nudges.servers import Inbox, Receiver, http_receiver, smtp_server

from lodestar.db.models import LearningStatement, NudgeDelivery
from lodestar.db.session import make_engine, session_factory
from lodestar.services.nudges import record_answer, send_due, set_work_pattern
from lodestar.services.nudges.links import answer_token


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour``:``minute`` UTC on ``day`` March 2026 (2 March is a Monday)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def deliveries(world: World) -> list[NudgeDelivery]:
    with world.factory() as s:
        return list(s.scalars(select(NudgeDelivery).order_by(NudgeDelivery.id)))


def statements(world: World, verb: str) -> list[dict]:
    with world.factory() as s:
        raws = s.scalars(select(LearningStatement.raw).where(LearningStatement.verb_id == verb))
        return [json.loads(r) for r in raws]


RECEIVED = "http://activitystrea.ms/schema/1.0/receive"


def test_a_schedule_is_delivered_on_each_recipients_working_days_and_clock(world: World):
    world.nudge(occurrences=3)
    with world.factory() as s:
        # p00 works Sunday to Thursday in Singapore (UTC+8): 08:30 there is 00:30 UTC.
        set_work_pattern(s, LD, "P00", "Asia/Singapore", "sun-thu")
        s.commit()
    inbox = Inbox()
    with smtp_server(inbox) as port:
        mail = sender(smtp_port=port)
        first = send_due(world.factory, LD, mail, now=at(2, 8, 0))
        # Only p00's first morning has come (00:30 UTC in Singapore); 08:30 UTC is still ahead.
        assert first.sent == 1 and [str(m["To"]) for m in inbox.messages] == [
            "Pat Person00 <p00@nudge.example>"
        ]
        second = send_due(world.factory, LD, mail, now=at(2, 8, 31))
        assert second.sent == 11
        again = send_due(world.factory, LD, mail, now=at(2, 9, 0))
        assert again.sent == 0, "a second run at the same moment sends nothing again"
        # Friday 6 March: day 3 for the UTC people (Mon, Tue, Wed were days 1-3) is past;
        # p00 works Sun-Thu, so their days were Mon, Tue, Wed too.
        send_due(world.factory, LD, mail, now=at(3, 8, 31))
        send_due(world.factory, LD, mail, now=at(4, 8, 31))
        assert send_due(world.factory, LD, mail, now=at(6, 8, 31)).sent == 0
    assert len(inbox.messages) == 12 * 3
    for n in range(12):
        assert len(inbox.to(f"p{n:02d}@nudge.example")) == 3
    message = inbox.to("p05@nudge.example")[1]
    assert message["Subject"] == "First-Contact Resolution pilot: day 2 of 3"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Hello Pat,")
    assert "Before you click Resolve, ask" in text  # {prompt}: the canvas Prompt
    assert "http://testserver/nudges/answer/" in text and "Stop these reminders:" in text
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://testserver/nudges/answer/")
    rows = deliveries(world)
    assert {r.status for r in rows} == {"sent"} and len(rows) == 36
    singapore = [r.sent_at for r in rows if r.recipient_id == world.participant_ids[0]]
    assert singapore[0] == at(2, 8, 0)
    received = statements(world, RECEIVED)
    assert len(received) == 36
    one = received[0]
    assert one["actor"]["mbox"].startswith("mailto:p")
    assert one["object"]["id"].startswith("http://lodestar.test/programs/fcr/nudges/")
    assert one["context"]["contextActivities"]["parent"][0]["id"].endswith("/programs/fcr")


def test_a_managers_nudge_goes_to_each_participants_manager(world: World):
    world.nudge(
        audience="managers",
        occurrences=1,
        name="Ask about the checklist",
        subject="{participant_first_name} starts {program} today",
        body="Ask {participant} how the checklist went.",
    )
    inbox = Inbox()
    with smtp_server(inbox) as port:
        assert send_due(world.factory, LD, sender(smtp_port=port), now=at(2, 9)).sent == 12
    assert len(inbox.to("m0@nudge.example")) == 6 and len(inbox.to("m1@nudge.example")) == 6
    assert (
        "Ask Pat Person03 how" in inbox.to("m0@nudge.example")[3].get_body(("plain",)).get_content()
    )


def test_a_failed_webhook_delivery_is_retried_after_its_backoff(world: World):
    world.nudge(channel="slack", occurrences=1)
    receiver = Receiver(statuses=(503, 200))
    with http_receiver(receiver) as url:
        hook = sender(slack_webhook_url=url, batch_size=50)
        # One participant only, so the first answer (503) falls on them.
        with world.factory() as s:
            from lodestar.db.models import ProgramEnrolment

            s.query(ProgramEnrolment).filter(
                ProgramEnrolment.employee_id != world.participant_ids[0]
            ).delete()
            s.commit()
        first = send_due(world.factory, LD, hook, now=at(2, 9))
        assert (first.sent, first.retrying) == (0, 1)
        assert "answered 503" in first.errors[0]
        [row] = deliveries(world)
        assert row.status == "retrying" and row.attempts == 1
        assert row.next_attempt_at == at(2, 9, 5)  # 300 s after the first try
        assert send_due(world.factory, LD, hook, now=at(2, 9, 4)).sent == 0
        assert send_due(world.factory, LD, hook, now=at(2, 9, 5)).sent == 1
    [row] = deliveries(world)
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")
    assert receiver.answered == [503, 200]
    payload = receiver.bodies[1]
    assert payload["recipient"] == {"email": "p00@nudge.example", "name": "Pat Person00"}
    buttons = payload["blocks"][1]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Done it", "Not today"]
    assert buttons[0]["url"].startswith("http://testserver/nudges/answer/")
    assert len(statements(world, RECEIVED)) == 1


def test_a_refusing_mail_server_is_retried_then_given_up_on(world: World):
    world.nudge(occurrences=1)
    inbox = Inbox(refuse_first=100)
    with smtp_server(inbox) as port:
        mail = sender(smtp_port=port, max_attempts=2, batch_size=50)
        assert send_due(world.factory, LD, mail, now=at(2, 9)).retrying == 12
        summary = send_due(world.factory, LD, mail, now=at(2, 9, 5))
    assert summary.failed == 12 and inbox.messages == []
    rows = deliveries(world)
    assert {r.status for r in rows} == {"failed"}
    assert "451" in rows[0].error and "Gave up after 2 attempts" in rows[0].error
    assert statements(world, RECEIVED) == []


def test_teams_payload_is_an_adaptive_card(world: World):
    world.nudge(channel="teams", occurrences=1)
    receiver = Receiver()
    with http_receiver(receiver) as url:
        assert send_due(world.factory, LD, sender(teams_webhook_url=url), now=at(2, 9)).sent == 12
    body = receiver.bodies[0]
    card = body["attachments"][0]["content"]
    assert body["type"] == "message" and card["type"] == "AdaptiveCard"
    assert [a["title"] for a in card["actions"]] == ["Done it", "Not today", "Unsubscribe"]


def test_two_overlapping_runs_send_nothing_twice(world: World):
    """Two runs start together, each on its own connection, against a mail server slow enough
    that they overlap for the whole run; small batches make them share the work."""
    world.nudge(occurrences=3)
    inbox = Inbox(delay=0.02)
    results: list[object] = [None, None]
    with smtp_server(inbox) as port:
        mail = sender(smtp_port=port, batch_size=4, max_lateness_hours=100)
        start = threading.Barrier(2)

        def run(i: int) -> None:
            engine = make_engine(world.url)
            try:
                start.wait()
                results[i] = send_due(session_factory(engine), LD, mail, now=at(4, 9))
            except Exception as exc:  # noqa: BLE001 - the assertion below shows it
                results[i] = exc
            finally:
                engine.dispose()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    a, b = results
    assert not isinstance(a, Exception) and not isinstance(b, Exception), results
    assert a.sent + b.sent == 36, (a, b)  # type: ignore[union-attr]
    assert a.sent > 0 and b.sent > 0, "both runs took part"  # type: ignore[union-attr]
    keys = [(str(m["To"]), m["Subject"]) for m in inbox.messages]
    assert len(keys) == 36 and len(set(keys)) == 36, "no message went out twice"
    rows = deliveries(world)
    assert len(rows) == 36 and {r.status for r in rows} == {"sent"}
    assert {r.claimed_by for r in rows} == {a.run, b.run}  # type: ignore[union-attr]
    with world.factory() as s:
        assert s.scalar(select(func.count()).select_from(LearningStatement)) == 36


def test_an_unsubscribe_is_honoured(world: World):
    world.nudge(occurrences=3)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        mail = sender(smtp_port=port)
        send_due(world.factory, LD, mail, now=at(2, 9))
        first = next(r for r in deliveries(world) if r.recipient_id == world.participant_ids[4])
        with world.factory() as s:
            outcome = record_answer(
                s,
                SECRET,
                answer_token(SECRET, first.id, "unsubscribe"),
                "http://lodestar.test",
                now=at(2, 10),
            )
            s.commit()
        assert "no more reminders" in outcome.sentence
        summary = send_due(world.factory, LD, mail, now=at(3, 9))
        assert (summary.sent, summary.skipped) == (11, 1)
        send_due(world.factory, LD, mail, now=at(4, 9))
    assert len(inbox.to("p04@nudge.example")) == 1
    assert len(inbox.to("p05@nudge.example")) == 3
    skipped = [r for r in deliveries(world) if r.status == "skipped"]
    assert {r.recipient_id for r in skipped} == {world.participant_ids[4]}
    assert all("unsubscribed" in r.error for r in skipped)
    [exited] = statements(world, "http://adlnet.gov/expapi/verbs/exited")
    assert exited["actor"]["mbox"] == "mailto:p04@nudge.example"


def test_quiet_hours_hold_a_late_run_and_stale_occurrences_expire(world: World):
    world.nudge(occurrences=2)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        mail = sender(smtp_port=port)
        # 20:00 is in the quiet hours (19:00-07:30): nothing goes out, and by 07:30 the next
        # day the 08:30 reminder would be 23 hours late, past the 12-hour limit: expired.
        late = send_due(world.factory, LD, mail, now=at(2, 20))
        assert (late.sent, late.expired) == (0, 12)
        # A week later, the second day's occurrence is long past: expired without sending.
        assert send_due(world.factory, LD, mail, now=at(9, 9)).expired == 12
    assert inbox.messages == []
    assert {r.status for r in deliveries(world)} == {"expired"}


def test_a_claim_left_by_a_killed_run_is_sent_after_the_claim_timeout(world: World):
    """A run that died between claiming and recording leaves its rows claimed; another run
    takes them over only once CLAIM_TIMEOUT_SECONDS have passed, counting the attempt."""
    from sqlalchemy import update

    world.nudge(occurrences=1)
    with world.factory() as s:
        from lodestar.db.models import ProgramEnrolment

        s.query(ProgramEnrolment).filter(
            ProgramEnrolment.employee_id != world.participant_ids[0]
        ).delete()
        s.commit()
    inbox = Inbox(refuse_first=1)  # the first run's message never lands: it "dies" on it
    with smtp_server(inbox) as port:
        mail = sender(smtp_port=port, claim_timeout_seconds=900)
        send_due(world.factory, LD, mail, now=at(2, 9))
        with world.factory() as s:  # make it look like the run was killed while sending
            s.execute(
                update(NudgeDelivery).values(
                    status="claimed",
                    claimed_by="dead-run",
                    claimed_at=at(2, 9),
                    next_attempt_at=None,
                )
            )
            s.commit()
        assert send_due(world.factory, LD, mail, now=at(2, 9, 10)).sent == 0  # too soon
        taken = send_due(world.factory, LD, mail, now=at(2, 9, 16))
    assert taken.sent == 1 and len(inbox.messages) == 1
    [row] = deliveries(world)
    # Three tries: the refused one, the one the killed run never recorded, and this one.
    assert row.status == "sent" and row.attempts == 3 and row.claimed_by == taken.run
