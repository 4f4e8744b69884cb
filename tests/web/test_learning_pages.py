"""The employee's path through the pages and the API: take the leadership quiz, see the style,
build a plan, finish a path, hold a badge whose public page verifies without sign-in."""

from __future__ import annotations

import re

from tests.conftest import csrf_from

SERVANT = {
    "new-project": "ask-needs",
    "missed-deadline": "unblock",
    "hard-call": "cushion",
    "praise": "had-back",
    "meeting": "notes",
    "change": "shield",
    "energy": "helping",
    "hire": "attitude",
}


def test_quiz_plan_step_badge_through_the_pages(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("employee")
    form = client.get("/quizzes/leadership-style")
    assert form.status_code == 200 and 'type="checkbox" name="energy"' in form.text
    missing = client.post(
        "/quizzes/leadership-style", data={"csrf_token": csrf_from(form.text), "praise": "had-back"}
    )
    assert missing.status_code == 422 and "not answered yet" in missing.text
    sent = client.post(
        "/quizzes/leadership-style", data={"csrf_token": csrf_from(form.text), **SERVANT}
    )
    assert sent.status_code == 303
    result = client.get(sent.headers["location"])
    assert "Your style: Servant" in result.text and 'data-path="storytelling"' in result.text
    # Each recommendation leads to the demo catalogue's skill of that code and its path.
    for code in ("resilience", "storytelling", "taking-ownership"):
        assert f'href="/skills?q={code}" data-skill-link' in result.text
        found = client.get(f"/skills?q={code}")
        assert f'<td class="strat-code">{code}</td>' in found.text
    assert "not in the skills catalogue yet" not in result.text
    built = client.post("/me/plan/build", data={"csrf_token": csrf_from(result.text)})
    assert built.status_code == 303
    me = client.get("/me")
    assert 'data-path="storytelling"' in me.text and "My badges" in me.text
    entry = me.text[me.text.index('data-path="storytelling"') :]
    steps = re.findall(r"/me/plan/steps/(\d+)/done", entry)[:2]
    for step in steps:
        done = client.post(f"/me/plan/steps/{step}/done", data={"csrf_token": csrf_from(me.text)})
        assert done.status_code == 303
    me = client.get("/me")
    badge = re.search(r'href="/badges/([0-9a-f-]{36})"', me.text)
    assert badge, me.text
    stranger = client_as(None)
    public = stranger.get(f"/badges/{badge.group(1)}")
    assert public.status_code == 200 and "Verified: this badge is genuine" in public.text
    credential = stranger.get(f"/badges/{badge.group(1)}/credential.json").json()
    assert "OpenBadgeCredential" in credential["type"]
    jwt = stranger.get(f"/badges/{badge.group(1)}/credential.jwt").text
    kid_url = stranger.get(f"/badges/{badge.group(1)}").text  # the key is public too
    assert jwt.count(".") == 2 and kid_url


def test_the_api_takes_a_quiz_and_reads_the_plan(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("employee")
    answers = {k: [v] for k, v in SERVANT.items()}
    made = client.post("/api/quizzes/leadership-style/attempts", json={"answers": answers})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["outcome"] == "servant" and body["statement_id"]
    assert body["recommended_paths"] == ["resilience", "storytelling", "taking-ownership"]
    bad = client.post("/api/quizzes/leadership-style/attempts", json={"answers": {}})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid-input"
    plan = client.post("/api/me/plan").json()
    assert {e["path"] for e in plan} >= {"resilience", "storytelling", "taking-ownership"}
    refused = client.post("/api/quizzes", json={"format": "json", "content": "{}"})
    assert refused.status_code == 403


def test_ld_imports_a_quiz_file_and_sees_row_problems(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("ld")
    page = client.get("/quizzes")
    exported = client.get("/quizzes/leadership-style/export.csv").text
    bad = exported.replace("servant=2", "servant=two", 1)
    sent = client.post(
        "/quizzes/import",
        data={"csrf_token": csrf_from(page.text)},
        files={"file": ("quiz.csv", bad.encode(), "text/csv")},
    )
    assert sent.status_code == 422, sent.text
    assert "servant=two" in sent.text, sent.text[sent.text.find("<main") :][:1500]


def test_a_manager_opens_a_reports_area_and_not_a_strangers(client_as, web_database) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.db.models import User
    from lodestar.db.session import make_engine

    engine = make_engine(web_database)
    with Session(engine) as s:
        jonas = s.scalar(select(User.employee_id).where(User.email == "jonas@brightwater.example"))
    engine.dispose()
    client = client_as("manager")
    me = client.get("/me")
    assert me.status_code == 200 and "People who report to me" in me.text
    report = re.search(r'href="/me/people/(\d+)"', me.text)
    assert report
    page = client.get(f"/me/people/{report.group(1)}")
    assert page.status_code == 200 and "Learning plan" in page.text
    employee = client_as("employee")
    own = employee.get("/me")
    assert "People who report to me" not in own.text
    stranger = client.get(f"/me/people/{jonas}")  # in Service, not in the Sales line
    assert stranger.status_code == 403 and "reporting line" in stranger.text


def test_my_skills_are_listed_by_their_names_not_their_codes(client_as, web_database) -> None:  # type: ignore[no-untyped-def]
    """The levels on /me read as the catalogue's names (the gaps below them already did)."""
    import html

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lodestar.db.models import Skill, User
    from lodestar.db.session import make_engine
    from lodestar.services.accounts import actor_of
    from lodestar.services.learning import my_area

    client = client_as("employee")
    engine = make_engine(web_database)
    with Session(engine) as s:
        user = s.scalars(select(User).where(User.role == "employee").order_by(User.id)).first()
        area = my_area(s, actor_of(user))
        names = {str(c): str(n) for c, n in s.execute(select(Skill.code, Skill.name))}
    engine.dispose()
    assert area.levels, "the demo employee has skills a manager assessed"
    page = client.get("/me")
    listed = page.text[page.text.index('id="skills"') : page.text.index('id="quizzes"')]
    for code, level in area.levels.items():
        assert f"<li>{html.escape(names[code])}: level {level}</li>" in listed
        if names[code] != code:
            assert f"<li>{html.escape(code)}:" not in listed
    shown = re.findall(r"<li>([^<:]+): level \d", listed[: listed.find("Largest gaps")])
    assert shown == sorted(shown, key=str.casefold)
