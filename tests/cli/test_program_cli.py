"""`lodestar program show` and `lodestar program setup` on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramBehaviour, User
from lodestar.db.session import make_engine
from lodestar.services.demo.activity import BEHAVIOURS

DISCOVERY = BEHAVIOURS["consultative_discovery"][0]
ANCHORS = BEHAVIOURS["negotiation_masterclass"][0]


@pytest.fixture(scope="module")
def cli(demo_cli):  # type: ignore[no-untyped-def]
    return demo_cli


def stored(url: str, code: str) -> tuple[str, list[str]]:
    engine = make_engine(url)
    with Session(engine) as s:
        prog = s.scalar(select(Program).where(Program.code == code))
        assert prog is not None
        names = list(
            s.scalars(
                select(ProgramBehaviour.behaviour)
                .where(ProgramBehaviour.program_id == prog.id)
                .order_by(ProgramBehaviour.position)
            )
        )
        design = prog.evaluation_design
    engine.dispose()
    return design, names


def email_of(url: str, role: str) -> str:
    engine = make_engine(url)
    with Session(engine) as s:
        email = s.scalar(select(User.email).where(User.role == role).order_by(User.id))
    engine.dispose()
    assert email
    return email


def test_show_prints_the_design_targets_and_observations(cli):
    result = cli("program", "show", "negotiation_masterclass")
    assert result.exit_code == 0, result.output
    assert "evaluation design: Chosen by managers or self-selected" in result.output
    assert f"1. {ANCHORS}" in result.output
    assert "Observed among participants:" in result.output
    assert DISCOVERY in result.output  # observed, offered as a choice, not a target


def test_setup_records_design_and_replaces_behaviours(cli):
    result = cli(
        "program", "setup", "consultative_discovery", "--design", "auto",
        "--behaviour", DISCOVERY, "--behaviour", "Books the next meeting before leaving",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Saved the setup of Consultative Discovery." in result.output
    assert "evaluation design: chosen from the data" in result.output
    assert "Note: Nobody in this program has been observed on" in result.output
    assert "Books the next meeting before leaving" in result.output
    assert stored(cli.url, "consultative_discovery") == (
        "",
        [DISCOVERY, "Books the next meeting before leaving"],
    )


def test_options_left_out_keep_what_is_recorded(cli):
    code = "negotiation_masterclass"
    assert cli("program", "setup", code, "--design", "staggered").exit_code == 0
    assert stored(cli.url, code) == ("staggered", [ANCHORS])
    assert cli("program", "setup", code, "--behaviour", "Reads the case history").exit_code == 0
    assert stored(cli.url, code) == ("staggered", ["Reads the case history"])
    assert cli("program", "setup", code, "--design", "selection_on_observables",
               "--behaviour", ANCHORS).exit_code == 0  # fmt: skip


def test_a_launched_pilots_design_is_locked(cli):
    result = cli("program", "setup", "fcr_pilot", "--design", "staggered")
    assert result.exit_code == 1 and "locked at launch" in result.output
    assert stored(cli.url, "fcr_pilot")[0] == "randomised"


def test_bad_input_prints_an_error_and_changes_nothing(cli):
    before = stored(cli.url, "negotiation_masterclass")
    result = cli("program", "setup", "negotiation_masterclass", "--design", "astrology")
    assert result.exit_code == 1
    assert "Error: The evaluation design “astrology” is not one Lodestar knows" in result.output
    assert "selection_on_observables" in result.output
    many = [arg for i in range(6) for arg in ("--behaviour", f"Behaviour {i}")]
    result = cli("program", "setup", "negotiation_masterclass", *many)
    assert result.exit_code == 1 and "at most 5" in result.output
    assert stored(cli.url, "negotiation_masterclass") == before


def test_only_ld_and_admins_set_up_and_unknown_programs_are_named(cli):
    manager = email_of(cli.url, "manager")
    result = cli("program", "setup", "fcr_pilot", "--design", "staggered", "--as", manager)
    assert result.exit_code == 1 and "Only the L&D team and administrators" in result.output
    ld = email_of(cli.url, "ld")
    assert cli("program", "show", "fcr_pilot", "--as", ld).exit_code == 0
    missing = cli("program", "show", "no_such_program")
    assert missing.exit_code == 1 and "There is no program 'no_such_program'" in missing.output
