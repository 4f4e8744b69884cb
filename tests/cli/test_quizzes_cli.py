"""`lodestar quizzes`: export the leadership-style quiz, import a changed copy, refuse a broken
file with every problem and no change, and print the demo's spread of styles."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from lodestar.db.models import WorkspaceMeta
from lodestar.db.session import make_engine

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "quiz-tea-or-coffee.csv"


def test_export_import_and_refuse(demo_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "leadership.json"
    assert demo_cli("quizzes", "export", "leadership-style", str(out)).exit_code == 0
    copy = tmp_path / "copy.json"
    copy.write_text(out.read_text().replace('"leadership-style"', '"leadership-copy"', 1))
    done = demo_cli("quizzes", "import", str(copy))
    assert done.exit_code == 0, done.output
    assert "leadership-copy, 8 questions" in done.output
    example = demo_cli("quizzes", "import", str(EXAMPLE))
    assert example.exit_code == 0 and "tea-or-coffee" in example.output
    broken = tmp_path / "broken.csv"
    broken.write_text(EXAMPLE.read_text().replace("tea=2", "tea=lots").replace("tea-or", "x-or"))
    refused = demo_cli("quizzes", "import", str(broken))
    assert refused.exit_code == 1 and "tea=lots" in refused.output
    listed = demo_cli("quizzes", "list").output
    assert "leadership-copy" in listed and "x-or-coffee" not in listed


def test_results_print_the_demo_spread(demo_cli) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(demo_cli.url)
    with Session(engine) as s:
        truth = s.get(WorkspaceMeta, "demo_quiz_truth").value  # type: ignore[union-attr]
    engine.dispose()
    printed = demo_cli("quizzes", "results", "leadership-style").output
    assert f"Coaching: {truth['styles']['coaching']}" in printed


def test_badges_list_and_revoke(demo_cli) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_badge_revocation_pages import _award

    public_id = _award(demo_cli.url, "employee")
    listed = demo_cli("badges", "list", "--search", "Careful")
    assert listed.exit_code == 0 and f"{public_id}  Careful walker" in listed.output
    assert "· valid" in listed.output
    wrong = demo_cli("badges", "revoke", public_id, "--reason", "because")
    assert wrong.exit_code == 1 and "Choose why the badge is revoked" in wrong.output
    done = demo_cli("badges", "revoke", public_id, "--reason", "holder_asked")
    assert done.exit_code == 0 and "asked for it to be withdrawn" in done.output
    assert "revoked" in demo_cli("badges", "list", "--search", "Careful").output
    again = demo_cli("badges", "revoke", public_id, "--reason", "holder_asked")
    assert again.exit_code == 1 and "already revoked" in again.output
