"""`lodestar nudges`: send what is due (for cron or a systemd timer), show a program's nudges,
and set a person's working calendar. See docs/nudges.md."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, program_scope, session_scope

app = typer.Typer(help="Nudges in the flow of work.", no_args_is_help=True)


def _moment(text: str | None) -> datetime | None:
    from lodestar.errors import InvalidInput

    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise fail(
            InvalidInput(
                f"--at '{text}' is not a date and time. Write it as 2026-03-02T08:30:00Z "
                "(ISO 8601, UTC unless it names an offset)."
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("send-due")
def send_due(
    at: str | None = typer.Option(
        None, "--at", help="Act as if it were this moment (ISO 8601), to try a schedule."
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Send every nudge that is due, once; retry failed deliveries whose wait is over."""
    from lodestar.config import get_settings
    from lodestar.db.session import check_ready, make_engine, session_factory
    from lodestar.errors import LodestarError
    from lodestar.services import nudges
    from lodestar.services.privacy.groups import SETTINGS_KEY
    from lodestar.services.workspace import is_demo_database

    moment = _moment(at)
    settings = get_settings()
    try:
        engine = make_engine(settings.database_url)
        check_ready(engine)
        secret = settings.checked_secret(demo_database=is_demo_database(engine))
        factory = session_factory(engine)
        factory.configure(info={SETTINGS_KEY: settings})
        with factory() as session:
            actor = acting_user(session, as_)
        summary = nudges.send_due(factory, actor, nudges.sender_for(settings, secret), now=moment)
    except LodestarError as exc:
        raise fail(exc) from None
    typer.echo(f"Nudges: {summary}")
    for reason in dict.fromkeys(summary.errors):
        typer.echo(f"  {reason}")


@app.command("show")
def show(
    program: str = typer.Argument(..., help="The program's code or number."),
    as_: str | None = AS_OPTION,
) -> None:
    """A program's nudges: scheduled, sent, failed, answered and the response rate."""
    from lodestar.errors import LodestarError
    from lodestar.services import nudges

    with program_scope(program, as_) as (session, actor, program_id):
        try:
            report = nudges.program_nudges(session, actor, program_id)
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(f"Nudges of {report.program_name}")
    if not report.nudges:
        typer.echo("  None yet: write one on the program's nudges page.")
    for n in report.nudges:
        state = "" if n.nudge.active else " (paused)"
        typer.echo(
            f"\n{n.nudge.name}{state}: {n.nudge.channel_label} to "
            f"{n.nudge.audience_label.lower()}, {n.nudge.schedule_text}."
        )
        typer.echo(
            f"  still to come {n.upcoming:,}, due now {n.due_now:,}, sent {n.sent:,}, "
            f"to retry {n.waiting:,}, failed {n.failed:,}, skipped {n.skipped:,}, "
            f"expired {n.expired:,}"
        )
        if n.hidden_note:
            typer.echo(f"  {n.hidden_note}")
        else:
            rate = "—" if n.response_rate is None else f"{100 * n.response_rate:.0f}%"
            typer.echo(
                f"  answered {n.answered:,} (done it {n.done:,}, not today "
                f"{n.not_today:,}, unsubscribed {n.unsubscribed:,}); response rate "
                f"{rate} from {n.recipients:,} people"
            )
    if report.opted_out:
        typer.echo(f"\n{report.opted_out:,} people have unsubscribed from this program's nudges.")


@app.command("work-pattern")
def work_pattern(
    employee: str = typer.Argument(..., help="The person's HR number or e-mail."),
    time_zone: str = typer.Option(..., "--time-zone", help="IANA name, e.g. Europe/Lisbon."),
    days: str = typer.Option("mon-fri", "--days", help="Working days, e.g. mon-fri or sun-thu."),
    as_: str | None = AS_OPTION,
) -> None:
    """Set where and when a person works; their nudges follow their clock and days."""
    from lodestar.domain.nudges import working_days_text
    from lodestar.errors import LodestarError
    from lodestar.services import nudges

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            calendar = nudges.set_work_pattern(session, actor, employee, time_zone, days)
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo(
        f"{employee} works {working_days_text(calendar.working_days)} in {calendar.time_zone}."
    )
