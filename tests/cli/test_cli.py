"""The CLI end to end on a real SQLite file: upgrade, seed, list, show, submit, users."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings
from lodestar.domain.intake import FIELD_NAMES


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("LODESTAR_DATABASE_URL", url)
    mp.delenv("LODESTAR_CLI_USER", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        get_settings.cache_clear()
        return runner.invoke(app, list(args), input=input, env={"LODESTAR_DATABASE_URL": url})

    assert run("db", "upgrade").exit_code == 0
    seeded = run("demo", "seed", "--employees", "600", "--seed", "3")
    assert seeded.exit_code == 0, seeded.output
    yield run
    mp.undo()
    get_settings.cache_clear()


def test_commands_before_the_database_exists_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("LODESTAR_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["requests", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "Error:" in result.output and "lodestar db upgrade" in result.output


def test_upgrade_is_idempotent_and_a_second_seed_is_refused(cli):
    assert cli("db", "upgrade").exit_code == 0
    again = cli("demo", "seed", "--employees", "120")
    assert again.exit_code == 1
    assert "--replace" in again.output


def test_list_show_and_priorities(cli):
    listing = cli("requests", "list")
    assert listing.exit_code == 0, listing.output
    assert "Title" in listing.output
    import re

    first = re.search(r"│ (\d+) +│", cli("requests", "list", "--state", "submitted").output)
    assert first, "no submitted request listed"
    shown = cli("requests", "show", first.group(1))
    assert shown.exit_code == 0 and "Business objective" in shown.output
    missing = cli("requests", "show", "99999")
    assert missing.exit_code == 1 and "no training request #99999" in missing.output
    assert cli("priorities", "list").exit_code == 0
    assert "KPIs:" in cli("priorities", "show", "1").output


def test_submit_from_file_complete_and_incomplete(cli, tmp_path):
    manager = "tomas@brightwater.example"
    incomplete = tmp_path / "incomplete.json"
    incomplete.write_text(json.dumps({"title": "Coaching", "business_objective": "More wins"}))
    result = cli("requests", "submit", str(incomplete), "--as", manager)
    assert result.exit_code == 2
    assert "needs information" in result.output and "Context of work is empty" in result.output
    complete = tmp_path / "complete.json"
    complete.write_text(
        json.dumps({"title": "Coaching", **{f: f"Answer for {f} here." for f in FIELD_NAMES}})
    )
    result = cli("requests", "submit", str(complete), "--as", manager)
    assert result.exit_code == 0 and "was submitted" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli("requests", "submit", str(broken))
    assert result.exit_code == 1 and "not a valid request file" in result.output


def test_users_create_token_and_unknown_actor(cli):
    result = cli(
        "users",
        "create",
        "--email",
        "new@x.example",
        "--name",
        "New Person",
        "--role",
        "ld",
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "new@x.example" in cli("users", "list").output
    token = cli("users", "token", "new@x.example")
    assert token.exit_code == 0 and token.output.strip().startswith("lsk_")
    bad_role = cli(
        "users",
        "create",
        "--email",
        "b@x.example",
        "--name",
        "B",
        "--role",
        "boss",
        input="a long enough password\na long enough password\n",
    )
    assert bad_role.exit_code == 1 and "'admin', 'ld'" in bad_role.output
    nobody = cli("requests", "list", "--as", "ghost@x.example")
    assert nobody.exit_code == 1 and "No account uses ghost@x.example" in nobody.output


def test_help_does_not_import_the_heavy_stack():
    code = (
        "import sys; import lodestar.cli.main; "
        "heavy = [m for m in ('fastapi', 'pandas', 'numpy', 'sqlalchemy.orm', 'uvicorn', 'altair') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_python_dash_m_works():
    out = subprocess.run(
        [sys.executable, "-m", "lodestar", "--help"], capture_output=True, text=True, check=True
    )
    assert "serve" in out.stdout and "demo" in out.stdout


def test_pilot_commands_explain_bad_input(cli):
    missing = cli("pilot", "plan", "no_such_program", "--teams", "1,2")
    assert missing.exit_code == 1 and "There is no program 'no_such_program'" in missing.output
    bad_teams = cli("pilot", "plan", "fcr_pilot", "--teams", "north,south")
    assert bad_teams.exit_code == 1
    assert "'north' is neither a team number nor a department code" in bad_teams.output
    bad_date = cli(
        "pilot", "randomise", "fcr_pilot", "--teams", "1", "--start", "soon", "--seed", "1"
    )
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.output


def test_impact_run_and_show_from_the_cli(cli):
    run = cli("impact", "run", "fcr_pilot", "--as", "priya@brightwater.example")
    assert run.exit_code == 0, run.output
    assert "Activity (not impact)" in run.output and "Business impact" in run.output
    assert "Design: Randomised pilot" in run.output
    shown = cli("impact", "show", "fcr_pilot", "--as", "helen@brightwater.example")
    assert shown.exit_code == 0 and "Fingerprint: " in shown.output
    refused = cli("impact", "run", "fcr_pilot", "--as", "helen@brightwater.example")
    assert refused.exit_code == 1 and "Only the L&D team" in refused.output


def test_users_administration_from_the_command_line(cli):
    created = cli(
        "users", "create", "--email", "cli.manager@x.example", "--name", "Cli Manager",
        "--role", "manager", input="a long enough password\na long enough password\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output

    dept = cli("users", "set-department", "cli.manager@x.example", "Sales")
    assert dept.exit_code == 0 and "now belongs to Sales" in dept.output, dept.output
    unknown = cli("users", "set-department", "cli.manager@x.example", "Astronauts")
    assert unknown.exit_code == 1 and "Use one of" in unknown.output

    made = cli("users", "token", "cli.manager@x.example", "--name", "Reports", "--days", "30")
    assert made.exit_code == 0 and made.output.startswith("lsk_"), made.output
    listing = cli("users", "tokens", "cli.manager@x.example")
    assert "active" in listing.output and "Reports" in listing.output
    token_id = listing.output.split()[0]
    revoked = cli("users", "revoke-token", "cli.manager@x.example", token_id)
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in cli("users", "tokens", "cli.manager@x.example").output
    too_long = cli("users", "token", "cli.manager@x.example", "--days", "9999")
    assert too_long.exit_code == 1 and "366" in too_long.output

    reset = cli(
        "users", "reset-password", "cli.manager@x.example",
        input="another long password\nanother long password\n",
    )  # fmt: skip
    assert reset.exit_code == 0 and "signed out everywhere" in reset.output, reset.output

    off = cli("users", "deactivate", "cli.manager@x.example")
    assert off.exit_code == 0 and "deactivated" in off.output
    assert "(deactivated)" in cli("users", "list").output
    on = cli("users", "reactivate", "cli.manager@x.example")
    assert on.exit_code == 0 and "can sign in again" in on.output

    not_admin = cli("users", "deactivate", "cli.manager@x.example", "--as", "cli.manager@x.example")
    assert not_admin.exit_code == 1 and "Only an administrator" in not_admin.output


def test_impact_prints_the_whole_sensitivity_view(cli):
    """The command line prints the page's "How robust is it?" section, not only its sentence:
    the verdict, the figures, the robust interval at each M̄ (the chart's numbers), the method
    and the source."""
    import re

    run = cli("impact", "run", "consultative_discovery", "--as", "priya@brightwater.example")
    assert run.exit_code == 0, run.output
    out = run.output
    section = out[out.index("How robust is it?") :]
    assert re.match(
        r"How robust is it\? (Holds under a plausible violation|Fragile|No clear effect to "
        r"overturn|Not judged: no measured factor to compare with)",
        section,
    )
    assert "Breakdown value M̄*: " in section
    assert "Robust 95% interval as trends may differ after the start:" in section
    for m in ("0", "0.5", "1", "2"):
        assert re.search(rf"M̄ = {re.escape(m)}\s+[−\d][\d.,]* to [−\d]", section), m
    assert "Method: Rambachan & Roth relative-magnitudes bounds" in section
    assert "Source: Rambachan, A. & Roth, J. (2023)" in section
    # The summary's closing sentence and the section's are the same words.
    sentence = re.search(r"Sensitivity: ([^\n]+)", out)
    assert sentence is not None
    assert sentence.group(1)[1:40] in section
    shown = cli("impact", "run", "negotiation_masterclass", "--as", "priya@brightwater.example")
    assert shown.exit_code == 0, shown.output
    assert "E-value (interval limit): " in shown.output
    assert "interval if a hidden factor as strong as a measured one existed:" in shown.output
