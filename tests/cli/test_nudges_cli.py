"""`lodestar nudges` on the seeded demo: show the FCR pilot's counts, send what is due through a
real local SMTP server, and set a person's working calendar."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.services.nudges.servers import Inbox, smtp_server
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings
from lodestar.db.models import Employee, Program, ProgramEnrolment, User, WorkspaceMeta
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.nudges import NudgeInput, save_nudge


def test_show_prints_the_demo_counts(demo_cli):
    engine = make_engine(demo_cli.url)
    with Session(engine) as s:
        truth = s.get(WorkspaceMeta, "demo_nudge_truth").value  # type: ignore[union-attr]
    engine.dispose()
    out = demo_cli("nudges", "show", "fcr_pilot")
    assert out.exit_code == 0, out.output
    assert (
        "Closing checklist mornings: E-mail to participants, 08:30 on each of working days "
        "1–10 after each participant's start" in out.output
    )
    assert f"sent {truth['sent']:,}, to retry 0, failed {truth['failed']:,}" in out.output
    assert (
        f"answered {truth['answered']:,} (done it {truth['done']:,}, not today "
        f"{truth['not_today']:,}, unsubscribed {truth['unsubscribed']:,})"
    ) in out.output


def test_send_due_needs_the_secret_that_signs_the_links(demo_cli):
    out = demo_cli("nudges", "send-due")
    assert out.exit_code == 1
    assert "Error: The secret key is missing" in out.output


def test_send_due_sends_through_the_mail_server_once(demo_cli):
    engine = make_engine(demo_cli.url)
    with Session(engine) as s, s.begin():
        ld = actor_of(s.scalar(select(User).where(User.role == "ld")))  # type: ignore[arg-type]
        fcr = s.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
        unsubscribed = s.get(WorkspaceMeta, "demo_nudge_truth").value["unsubscribed"]  # type: ignore[union-attr]
        save_nudge(s, ld, fcr, NudgeInput(name="Day 30", first_day=22, occurrences=1))  # type: ignore[arg-type]
        starts = (
            s.execute(
                select(ProgramEnrolment.start_date)
                .join(Employee)
                .where(
                    ProgramEnrolment.program_id == fcr,
                    ProgramEnrolment.group == "participant",
                    ProgramEnrolment.start_date.is_not(None),
                    Employee.email.is_not(None),
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    start = min(starts)
    assert start.weekday() == 0 and set(starts) == {start}  # one cohort, on a Monday
    # Working day 22 from a Monday is the Tuesday of the fifth week; 08:30 UTC (the default).
    due = datetime.combine(start + timedelta(days=29), time(8, 30), tzinfo=UTC)
    inbox = Inbox()
    runner = CliRunner()
    with smtp_server(inbox) as port:
        env = {
            "LODESTAR_DATABASE_URL": demo_cli.url,
            "LODESTAR_CLI_USER": "",
            "LODESTAR_SECRET_KEY": "a-long-secret-for-the-cli-test",
            "LODESTAR_PUBLIC_URL": "https://lodestar.example.org",
            "LODESTAR_NUDGES__SMTP_HOST": "127.0.0.1",
            "LODESTAR_NUDGES__SMTP_PORT": str(port),
            "LODESTAR_NUDGES__SMTP_SECURITY": "none",
            "LODESTAR_NUDGES__MAIL_FROM": "Learning team <learning@example.org>",
        }
        get_settings.cache_clear()
        early = runner.invoke(
            app, ["nudges", "send-due", "--at", (due - timedelta(minutes=1)).isoformat()], env=env
        )
        get_settings.cache_clear()
        first = runner.invoke(app, ["nudges", "send-due", "--at", due.isoformat()], env=env)
        get_settings.cache_clear()
        again = runner.invoke(app, ["nudges", "send-due", "--at", due.isoformat()], env=env)
        get_settings.cache_clear()
    assert early.output == "Nudges: 0 sent.\n", early.output
    # Those who unsubscribed from the demo's nudges of this program get none of this one either.
    sent = len(starts) - unsubscribed
    assert first.exit_code == 0, first.output
    assert first.output == f"Nudges: {sent} sent, {unsubscribed} skipped.\n", first.output
    assert again.output == "Nudges: 0 sent.\n"
    assert len(inbox.messages) == sent
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert "https://lodestar.example.org/nudges/answer/" in body
    assert "A two-question checklist appears" in body  # the FCR canvas Prompt


def test_work_pattern_sets_a_persons_calendar(demo_cli):
    engine = make_engine(demo_cli.url)
    with Session(engine) as s:
        person = s.scalar(select(Employee.external_id).order_by(Employee.id))
    engine.dispose()
    out = demo_cli(
        "nudges", "work-pattern", str(person), "--time-zone", "Europe/Lisbon", "--days", "sun-thu"
    )
    assert (
        out.exit_code == 0 and f"{person} works mon,tue,wed,thu,sun in Europe/Lisbon." in out.output
    )
    bad = demo_cli("nudges", "work-pattern", str(person), "--time-zone", "Lisbon")
    assert bad.exit_code == 1 and "IANA name" in bad.output
