"""In real Chromium: script planted in every free-text field executes nothing and reads as text.

A demo organisation of its own gets payloads in request titles and their five fields,
stakeholder answers, a decline reason and diagnosis notes; priority, objective and key-result
texts; KPI names, descriptions and units; program names, descriptions and target behaviours;
and a behaviour name that arrives through a CSV import. Every page that shows them is opened
as L&D and as the manager who raised the requests. A payload that ran would set
``window.__xss`` or open a dialog; one that became markup would leave an element behind. The
text must also be on the page, as typed. The content security policy would stop most of
these on its own; the test holds the escaping to account without relying on it (a payload that
became markup fails it, and so does any policy violation).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.config import Settings
from lodestar.db.migrate import upgrade
from lodestar.db.models import Employee, Program, ProgramEnrolment, User
from lodestar.db.session import make_engine
from lodestar.domain.diagnosis import CELL_GUIDES
from lodestar.domain.intake import STAKEHOLDER_QUESTIONS
from lodestar.services import diagnosis, imports, intake, program_setup, strategy
from lodestar.services.accounts import actor_of
from lodestar.services.demo import seed_demo
from lodestar.web.app import create_app
from tests.browser.conftest import sign_in_as, watch_policy_violations
from tests.live_server import serving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MANAGER = "tomas@brightwater.example"
LEAD = "priya@brightwater.example"

# Each breaks out of a different context: element content, a double- or single-quoted
# attribute, an SVG element, a URL, and template syntax (Jinja/JS templates would give 49).
LONG = (
    'Q"\'><script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    "<svg onload=window.__xss=3></svg>{{7*7}}${7*7}"
)
MEDIUM = "'\"><img src=x onerror=window.__xss=4>"  # fits 40 characters
LINK = "javascript:window.__xss=5"
SHORT = "<b>"  # 3 characters: a currency
VISIBLE = ("<script>window.__xss=1</script>", "onerror=window.__xss=4", "{{7*7}}", LINK)

# Elements a payload would leave behind if it became markup.
PLANTED_MARKUP = """() => [...document.querySelectorAll('*')].filter(el =>
    (el.tagName === 'IMG' && el.getAttribute('src') === 'x') ||
    (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) ||
    [...el.attributes].some(a => (a.name.startsWith('on') || a.name === 'href') &&
                                 a.value.includes('__xss'))
).map(el => el.outerHTML.slice(0, 120))"""


def _plant(session: Session) -> dict[str, Any]:
    """Payloads in every free-text field, through the services users' input goes through."""
    users = {u.email: actor_of(u) for u in session.scalars(select(User))}
    lead, manager = users[LEAD], users[MANAGER]
    texts = {f: f"{LONG} {f}" for f in ("business_objective", "audience_and_behaviours")}
    texts |= {f: f"{MEDIUM} {f}" for f in ("context_of_work", "cost_of_inaction")}
    texts["horizon_and_constraints"] = f"{LINK} within 8 weeks"

    def raise_request(title: str) -> int:
        data = intake.RequestInput(title=title, **texts)
        outcome = intake.submit_request(session, manager, data)
        assert outcome.complete, outcome
        return outcome.request_id

    diagnosed = raise_request(f"{LONG} diagnosed")
    key = STAKEHOLDER_QUESTIONS[0].key
    intake.answer_questions(session, manager, diagnosed, {key: f"{LONG} answer"})
    findings = {g.cell: diagnosis.FindingInput(evidence=f"{LONG} {g.cell}") for g in CELL_GUIDES}
    diagnosis.save_diagnosis(session, lead, diagnosed, diagnosis.DiagnosisInput(findings=findings))
    declined = raise_request(f"{MEDIUM} declined")
    intake.transition_request(session, lead, declined, "declined", f"{LONG} reason")
    draft = intake.save_request(
        session, manager, intake.RequestInput(title=f"{MEDIUM} draft", **texts)
    ).id

    priority = strategy.create_priority(
        session,
        lead,
        strategy.PriorityInput(
            title=f"{LONG} priority",
            description=f"{LONG} must-win {LINK}",
            owner_id=lead.user_id,
            start_year=2026,
            end_year=2027,
        ),
    )
    kpi = strategy.create_kpi(
        session,
        lead,
        strategy.KpiInput(
            code="xss_kpi",
            name=f"{LONG} KPI",
            description=f"{LONG} description {LINK}",
            unit=MEDIUM,
            currency=SHORT,
            value_per_unit=10,
            baseline=10,
            target=20,
            priority_id=priority.id,
        ),
    )
    objective = strategy.add_objective(
        session, lead, priority.id, strategy.ObjectiveInput(title=f"{LONG} objective")
    )
    strategy.add_key_result(
        session,
        lead,
        objective.id,
        strategy.KeyResultInput(description=f"{LONG} key result", kpi_id=kpi.id, target=20),
    )

    # Programs have no form of their own yet; their texts are stored as any import would.
    program = session.scalars(select(Program).order_by(Program.id)).first()
    assert program is not None
    program.name = f"{MEDIUM} program"
    program.description = f"{LONG} program description"
    participant = session.scalar(
        select(Employee.external_id)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == Employee.id)
        .where(ProgramEnrolment.program_id == program.id)
    )
    behaviour = f"{MEDIUM} imported"
    csv = (
        "employee_id,behaviour,date,source,observed,score\n"
        f'{participant},"{behaviour.replace(chr(34), chr(34) * 2)}",{date(2026, 1, 5)},'
        "manager,yes,4\n"
    )
    report = imports.import_file(session, lead, "behaviours", csv.encode(), "behaviours.csv")
    assert not report.problems, report.problems
    program_setup.set_program_setup(
        session,
        lead,
        program.id,
        evaluation_design="",
        target_behaviours=[behaviour, f"{MEDIUM} target"],
    )
    session.flush()
    return {
        "requests": (diagnosed, declined, draft),
        "priority": priority.id,
        "kpi": kpi.id,
        "program": program.id,
    }


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A live server over a demo organisation holding the payloads: (base URL, planted ids)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('xss') / 'xss.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        seed_demo(session, employees=200, seed=11)
    with Session(engine) as session, session.begin():
        ids = _plant(session)
    engine.dispose()
    settings = Settings(database_url=url, demo=True, secret_key="xss-test-secret-0123456789")
    with serving(create_app(settings)) as base:
        yield base, ids


def _pages(ids: dict[str, Any]) -> dict[str, list[str]]:
    diagnosed, declined, draft = ids["requests"]
    requests = [
        "/requests",
        f"/requests/{diagnosed}",
        f"/requests/{declined}",
    ]
    strategy_pages = [
        "/",
        "/priorities",
        f"/priorities/{ids['priority']}",
        "/kpis",
        f"/kpis/{ids['kpi']}",
        "/programs",
        f"/programs/{ids['program']}",
    ]
    return {
        LEAD: [
            *requests,
            "/triage",
            f"/requests/{diagnosed}/diagnosis",
            *strategy_pages,
            f"/priorities/{ids['priority']}/edit",
            f"/kpis/{ids['kpi']}/edit",
        ],
        MANAGER: [*requests, f"/requests/{draft}/edit", *strategy_pages],
    }


@pytest.mark.parametrize("who", [LEAD, MANAGER], ids=["ld", "manager"])
def test_planted_script_runs_nowhere_and_reads_as_typed(browser, planted, who):  # type: ignore[no-untyped-def]
    base, ids = planted
    context = browser.new_context(base_url=base, viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded 2-core machine can take 15 s+ for one page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The content security policy would block an inline payload: a violation means one got in.
    violations = watch_policy_violations(page)
    try:
        sign_in_as(page, who)
        shown: set[str] = set()
        for path in _pages(ids)[who]:
            resp = page.goto(path)
            assert resp is not None and resp.status == 200, (path, resp and resp.status)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__xss") is None, f"a payload ran on {path}"
            assert page.evaluate(PLANTED_MARKUP) == [], f"a payload became markup on {path}"
            text = page.inner_text("body")
            values = page.evaluate(
                "() => [...document.querySelectorAll('input, textarea')].map(e => e.value)"
            )
            found = {v for v in VISIBLE if v in text or any(v in x for x in values)}
            assert found, f"no payload reads as text on {path}"
            shown |= found
            if path.endswith("/edit"):
                # Attribute-breaking quotes come back in the form exactly as they were typed.
                assert any(LONG in v or MEDIUM in v for v in values), path
        assert dialogs == []
        assert violations == []
        assert shown == set(VISIBLE)
    finally:
        context.close()
