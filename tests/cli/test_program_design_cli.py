"""`lodestar program create|edit|archive|restore|decide|history` and `lodestar program pilot`
on a real SQLite file: the same services as the pages and the API, refusals as sentences."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import PilotRegistration, Program, TrainingRequest, User
from lodestar.db.session import make_engine


@pytest.fixture(scope="module")
def cli(demo_cli):  # type: ignore[no-untyped-def]
    return demo_cli


def query(url: str, statement):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with Session(engine) as s:
        value = s.execute(statement).scalar()
    engine.dispose()
    return value


def program_code(output: str) -> str:
    found = re.search(r"Program #\d+ .+ \(([\w-]+)\) —", output)
    assert found, output
    return found.group(1)


def test_request_to_locked_pilot_revision_and_decision(cli):
    request_id = query(
        cli.url,
        select(TrainingRequest.id).where(TrainingRequest.title.like("Objection handling%")),
    )
    made = cli("program", "create", "--request", str(request_id), "--kpi", "sales_conversion",
               "--baseline", "24", "--target", "28", "--horizon", "2027-03-31")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "— In design" in made.output and f"Answers request #{request_id}" in made.output
    assert "Meeting-to-proposal conversion, 24 % → 28 % by 2027-03-31" in made.output
    assert "Statement of intent: This program is expected to" in made.output
    code = program_code(made.output)
    state = select(TrainingRequest.state).where(TrainingRequest.id == request_id)
    assert query(cli.url, state) == "in_design"

    edited = cli("program", "edit", code, "--description", "Reps answer price objections.")
    assert edited.exit_code == 0 and "Saved: description." in edited.output

    planned = cli("program", "pilot", "plan", code, "--teams", "sales", "--hoped-effect", "5")
    assert planned.exit_code == 0, planned.output
    assert "can reliably detect a change of" in planned.output
    assert "need about" in planned.output
    drawn = cli("program", "pilot", "lottery", code, "--teams", "sales",
                "--start", "2026-10-05", "--seed", "7")  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    assert re.search(r"Drew \d+ people into the pilot and \d+ into the comparison", drawn.output)
    launched = cli("program", "pilot", "launch", code, "--expect", "5",
                   "--horizon", "2027-01-05")  # fmt: skip
    assert launched.exit_code == 0, launched.output
    assert "Expectation locked as version 1: +5 percentage points" in launched.output
    assert query(cli.url, state) == "pilot"

    refused = cli("program", "edit", code, "--horizon", "2027-06-30")
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: The expectation for this pilot was locked at launch")
    assert "Record a new registration version with the reason" in refused.output
    horizon = select(Program.horizon_date).where(Program.code == code)
    assert str(query(cli.url, horizon)) == "2027-01-05"
    again = cli("program", "pilot", "lottery", code, "--teams", "sales",
                "--start", "2026-10-12", "--seed", "8")  # fmt: skip
    assert again.exit_code == 1 and "its lottery is locked" in again.output
    replan = cli("program", "pilot", "plan", code, "--teams", "sales")
    assert replan.exit_code == 1 and "its plan is locked" in replan.output

    revised = cli("program", "pilot", "revise", code, "--expect", "4",
                  "--reason", "The first weeks fell in the quarter-end rush.")  # fmt: skip
    assert revised.exit_code == 0 and "Recorded version 2: +4 percentage points" in revised.output
    shown = cli("program", "pilot", "show", code)
    assert "Registration version 2" in shown.output and "Registration version 1" in shown.output
    assert "Plan: the smallest change the pilot can detect is" in shown.output
    program_id = select(Program.id).where(Program.code == code).scalar_subquery()
    versions = (
        select(PilotRegistration.version)
        .where(PilotRegistration.program_id == program_id)
        .order_by(PilotRegistration.version.desc())
    )
    assert query(cli.url, versions) == 2

    stopped = cli("program", "decide", code, "stop", "--reason", "Budget moved to onboarding.")
    assert stopped.exit_code == 0, stopped.output
    assert "Decision recorded: Stop it" in stopped.output
    assert query(cli.url, state) == "stopped"
    steps = cli("program", "history", code)
    assert "Pilot" in steps.output and "decided to stop" in steps.output
    assert "Budget moved to onboarding." in steps.output


def test_a_program_without_a_metric_says_so_and_is_linked_by_edit(cli):
    made = cli("program", "create", "--name", "Coaching circles", "--code", "coaching-circles")
    assert made.exit_code == 0, made.output
    assert "Metric that matters: none linked" in made.output
    assert "lodestar program edit coaching-circles --kpi" in made.output
    linked = cli("program", "edit", "coaching-circles", "--kpi", "csat", "--priority", "1")
    assert linked.exit_code == 0, linked.output
    assert "Metric that matters: Customer satisfaction" in linked.output

    archived = cli("program", "archive", "coaching-circles", "--reason", "Folded into FCR.")
    assert archived.exit_code == 0 and "Archived program coaching-circles" in archived.output
    status = select(Program.status).where(Program.code == "coaching-circles")
    assert query(cli.url, status) == "archived"
    again = cli("program", "restore", "coaching-circles", "--reason", "Back for next year.")
    assert again.exit_code == 0 and query(cli.url, status) == "in_design"
    twice = cli("program", "restore", "coaching-circles", "--reason", "Again.")
    assert twice.exit_code == 1 and "not archived, so there is nothing to restore" in twice.output


def test_refusals_are_sentences_and_change_nothing(cli):
    manager = query(cli.url, select(User.email).where(User.role == "manager").order_by(User.id))
    denied = cli("program", "create", "--name", "Mine", "--as", manager)
    assert denied.exit_code == 1
    assert "Error: Only the L&D team and administrators design programs" in denied.output
    no_kpi = cli("program", "create", "--name", "X", "--kpi", "happiness")
    assert no_kpi.exit_code == 1 and "There is no KPI 'happiness'" in no_kpi.output
    bad_date = cli("program", "create", "--name", "X", "--horizon", "next spring")
    assert bad_date.exit_code == 1 and "--horizon 'next spring' is not a date" in bad_date.output
    nothing = cli("program", "edit", "fcr_pilot")
    assert nothing.exit_code == 1 and "Nothing to change" in nothing.output
    wrong = cli("program", "decide", "fcr_pilot", "grow", "--reason", "Because.")
    assert wrong.exit_code == 1 and "'grow' is not a decision" in wrong.output
    teams = cli("program", "pilot", "plan", "fcr_pilot", "--teams", "nowhere")
    assert teams.exit_code == 1 and "'nowhere' is neither a team number" in teams.output
    locked = cli("program", "pilot", "launch", "fcr_pilot", "--expect", "-3",
                 "--horizon", "2026-06-01")  # fmt: skip
    assert locked.exit_code == 1 and "a pilot launches from 'In design'" in locked.output
    assert query(cli.url, select(Program.status).where(Program.code == "X")) is None


def test_the_top_level_pilot_group_is_the_same_commands(cli):
    shown = cli("pilot", "show", "fcr_pilot")
    assert shown.exit_code == 0, shown.output
    assert "Registration version 1" in shown.output and "−2.5" not in shown.output
    assert "-2.5 percentage points" in shown.output or "-2.5 %" in shown.output
