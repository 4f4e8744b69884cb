"""Every CLI command and every setting is documented."""

from pathlib import Path

import typer.main

from lodestar.cli.main import app
from lodestar.config import Settings

DOCS = Path(__file__).parents[1] / "docs"


def _commands(group: typer.Typer, prefix: str = "lodestar") -> list[str]:
    click_group = typer.main.get_command(group)
    out = []

    def walk(cmd, path):  # type: ignore[no-untyped-def]
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{path} {name}")
        else:
            out.append(path)

    walk(click_group, prefix)
    return out


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text()
    commands = _commands(app)
    assert len(commands) >= 9
    for command in commands:
        assert f"`{command}" in text, f"{command} is missing from docs/cli.md"


def test_every_setting_is_documented():
    text = (DOCS / "settings.md").read_text()
    for name in Settings.model_fields:
        assert f"LODESTAR_{name.upper()}" in text
    for group, field in Settings.model_fields.items():
        if field.default_factory is None:
            continue
        for name in field.default_factory().model_dump():  # type: ignore[call-arg]
            variable = f"LODESTAR_{group.upper()}__{name.upper()}"
            assert variable in text, f"{variable} is missing from docs/settings.md"


def test_example_request_file_is_valid():
    import json

    from lodestar.domain.intake import missing_fields
    from lodestar.services.intake import RequestInput

    data = RequestInput.model_validate(json.loads((DOCS / "examples" / "request.json").read_text()))
    assert missing_fields(data.model_dump()) == []


def test_the_readme_and_the_demo_page_count_the_demo_programs_right(db):
    from sqlalchemy import func, select

    from lodestar.db.models import Program
    from lodestar.services.demo.story_request_designs import STORY_PROGRAMS_TRUTH

    words = {4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
    made = db.scalar(select(func.count()).where(Program.code.in_(STORY_PROGRAMS_TRUTH)))
    planted = db.scalar(select(func.count()).select_from(Program)) - made
    readme = (DOCS.parent / "README.md").read_text()
    demo = (DOCS / "demo.md").read_text()
    assert f"lists the {words[planted]} programs planted in the demo data" in readme
    assert f"{words[planted]} programs whose true effects are known" in demo
    assert f"and {words[made]} that L&D made from\n   requests in the story" in readme
    assert f"{words[made]} more programs that L&D made from requests in the story" in demo
    for code, known in STORY_PROGRAMS_TRUTH.items():  # the demo page's table of them
        row = next(line for line in demo.splitlines() if f"| `{code}` |" in line)
        assert known["request"] in row and known["request_state"].replace("_", " ") in row
        assert f"{known['baseline']:g} → {known['target']:g}" in row, row
