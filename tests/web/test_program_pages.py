"""The program pages: the list, the impact page with its three tiers kept apart, running the
analysis from the page (L&D only), and who may read what.

The fixture organisation is small (150 employees), so effect sizes are not asserted here
(tests/services/test_impact_recovery.py checks the engine recovers the planted effects on a
bigger company); these tests hold the structure, the wording and the role rules.
Tests in this module share one database and run in file order: the first one looks at the
pages before any analysis has run.
"""

from __future__ import annotations

import html
import re
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db.models import Program
from lodestar.db.session import make_engine

# Tests in this module build on the analyses earlier ones ran: keep them on one worker.
pytestmark = pytest.mark.xdist_group("test_program_pages")

CODES = ("consultative_discovery", "fcr_pilot", "negotiation_masterclass", "mindful_webinars")
TIERS = ("Activity (not impact)", "Behaviour on the job", "Business impact")


@pytest.fixture(scope="module")
def program_ids(web_database: str) -> dict[str, int]:
    """Program ids by code; every program has at least one stored analysis, so each test
    stands alone whatever order (or worker) it runs in."""
    from lodestar.db.models import ImpactResult, User
    from lodestar.services.accounts import actor_of
    from lodestar.services.impact.program_impact import estimate_program_impact

    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        ids = {code: pid for pid, code in s.execute(select(Program.id, Program.code))}
        analysed = set(s.scalars(select(ImpactResult.program_id)))
        ld = actor_of(s.scalar(select(User).where(User.role == "ld").order_by(User.id)))
        for pid in {ids[c] for c in CODES if c in ids} - analysed:
            estimate_program_impact(s, ld, pid)
    engine.dispose()
    assert set(CODES) <= ids.keys()
    return ids


def section(page: str, heading_id: str) -> str:
    """The text of the <section> whose heading has ``heading_id``."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def run(client, program_id: int, design: str = "auto"):  # type: ignore[no-untyped-def]
    page = client.get(f"/programs/{program_id}")
    assert page.status_code == 200
    return client.post(
        f"/programs/{program_id}/impact",
        data={"csrf_token": csrf_from(page.text), "design": design},
    )


@pytest.fixture
def unanalysed_program(web_database: str) -> int:
    """A new program on the masterclass's metric, with no analysis yet."""
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        kpi_id = s.scalar(select(Program.kpi_id).where(Program.code == "negotiation_masterclass"))
        prog = Program(code=f"fresh_{uuid.uuid4().hex[:6]}", name="Fresh program", kpi_id=kpi_id)
        s.add(prog)
        s.flush()
        pid = prog.id
    engine.dispose()
    return pid


def test_before_any_run_the_page_says_so(client_as, unanalysed_program):
    pid = unanalysed_program
    ld = client_as("ld").get(f"/programs/{pid}")
    assert ld.status_code == 200
    assert "No impact analysis has been run for this program yet." in ld.text
    assert "Run the impact analysis" in ld.text
    assert f'action="/programs/{pid}/impact"' in ld.text
    for title in TIERS:
        assert title in ld.text
    manager = client_as("manager").get(f"/programs/{pid}")
    assert manager.status_code == 200
    assert "No impact analysis has been run for this program yet." in manager.text
    assert "The L&amp;D team runs it" in manager.text
    assert "/impact" not in manager.text
    listing = client_as("executive").get("/programs")
    assert listing.status_code == 200
    assert "No analysis has been run yet." in listing.text
    assert "Run it" not in listing.text


@pytest.mark.parametrize("code", CODES)
def test_ld_runs_each_program_and_sees_three_tiers(client_as, program_ids, code):
    ld = client_as("ld")
    pid = program_ids[code]
    resp = run(ld, pid)
    assert resp.status_code == 303, resp.text
    assert resp.headers["location"] == f"/programs/{pid}#business"
    page = ld.get(f"/programs/{pid}").text
    assert "The analysis ran on" in page  # the flash

    # The three tiers, labelled, in order; activity is never called impact.
    positions = [page.index(f">{title}<") for title in TIERS]
    assert positions == sorted(positions)
    activity = text_of(section(page, "tier-activity"))
    assert re.sub(r"\(not impact\)", "", activity).lower().count("impact") == 0
    for label in ("Enrolled", "Completed", "Completion rate", "Satisfaction"):
        assert label in activity
    behaviour = text_of(section(page, "tier-behaviour"))
    assert "No data yet" in behaviour or "Baseline" in behaviour

    # Business impact: the stored summary, the interval, n, estimand, evidence.
    latest = ld.get(f"/api/programs/{pid}/impact").json()
    business = latest["tiers"]["business"]
    tier = text_of(section(page, "tier-business"))
    assert " ".join(business["summary"].split()) in " ".join(tier.split())
    assert "95% confidence interval" in tier
    assert "Of baseline" in tier and "participants" in tier
    assert business["estimand_label"] in tier
    assert re.search(r"(Strong|Moderate|Weak) evidence|No causal evidence", tier)

    details = text_of(section(page, "estimate-title"))
    assert business["method_label"] in details
    assert "Why this design" in details and "Source" in details
    assert "Checks on the evidence" in details and "Warnings" in details
    for warning in business["warnings"]:
        assert " ".join(warning.split()) in " ".join(details.split())
    for diag in business["diagnostics"]:
        assert diag["label"] in details
    assert 'role="img"' in page  # the estimate-with-interval chart

    snapshot = text_of(section(page, "snapshot-title"))
    assert latest["snapshot"]["fingerprint"] in snapshot
    assert f"#{latest['result_id']}" in snapshot and "by Priya" in snapshot

    money = text_of(section(page, "money-title"))
    assert ("Return on investment" in money) or latest["money_note"] in money


def test_hand_picked_program_shows_the_naive_comparison_as_not_causal(client_as, program_ids):
    ld = client_as("ld")
    page = ld.get(f"/programs/{program_ids['negotiation_masterclass']}").text
    details = text_of(section(page, "estimate-title"))
    assert "Naive comparison" in details and "Not causal" in details
    assert "Not a causal estimate:" in details
    # In the chart too: the naive row is named "not causal" in the picture's accessible name.
    assert re.search(r'aria-label="[^"]*Naive comparison, not causal', page)


def test_staggered_program_shows_the_event_study(client_as, program_ids):
    page = client_as("ld").get(f"/programs/{program_ids['consultative_discovery']}").text
    assert "Before and after the start" in page
    assert "Pre-trend joint test" in page


@pytest.mark.parametrize(
    ("code", "kind"),
    [("consultative_discovery", "honest DiD"), ("negotiation_masterclass", "E-value")],
)
def test_sensitivity_is_shown_beside_the_estimate(client_as, program_ids, code, kind):
    """Staggered and selection-on-observables results say how robust they are, in words and a
    chart, next to the estimate; a randomised pilot needs no such analysis."""
    page = client_as("ld").get(f"/programs/{program_ids[code]}").text
    tier = text_of(section(page, "tier-business"))
    assert "How robust is it?" in tier
    assert "Not assessed" not in tier, "the verdict is the computed one"
    details = section(page, "estimate-title")
    robust = details[details.index('id="sensitivity"') :]
    words = text_of(robust)
    assert kind in words
    assert "<svg" in robust and 'role="img"' in robust
    assert re.search(
        r"(Holds under a plausible violation|Fragile|No clear effect to overturn"
        r"|Not judged: no measured factor to compare with)",
        words,
    )
    assert "<details" in robust and "<table>" in robust  # the chart's numbers, as a table
    if kind == "honest DiD":
        assert "Breakdown value M̄*" in words
        assert "M̄ = 1" in words
        assert re.search(r'aria-label="[^"]*M-bar', robust)
    else:
        assert "E-value (interval limit)" in words
        assert "As strong as" in robust or "Strongest benchmarks" in words
    assert "Sensitivity:" in tier  # the summary at the top ends with the same sentence


def test_randomised_pilot_has_no_naive_comparison(client_as, program_ids):
    page = client_as("ld").get(f"/programs/{program_ids['fcr_pilot']}").text
    assert "Randomised pilot" in page
    assert "Naive comparison" not in page
    assert "How robust is it?" not in page


def test_design_override_and_invalid_design(client_as, program_ids):
    ld = client_as("ld")
    pid = program_ids["consultative_discovery"]
    assert run(ld, pid, "selection_on_observables").status_code == 303
    page = ld.get(f"/programs/{pid}").text
    assert "Selection on observables (doubly robust adjustment)" in page
    resp = run(ld, pid, "bogus")
    assert resp.status_code == 303
    page = ld.get(f"/programs/{pid}").text
    assert "is not a program design" in html.unescape(page)
    assert 'class="flash error"' in page


def test_list_shows_latest_result_and_evidence(client_as, program_ids):
    page = client_as("manager").get("/programs").text
    for code in CODES:
        row = re.search(
            rf'<tr[^>]*>(?:(?!</tr>).)*href="/programs/{program_ids[code]}"(?:(?!</tr>).)*</tr>',
            page,
            re.S,
        )
        assert row, code
        assert "No analysis has been run yet." not in row.group(0)
    assert re.search(r'class="evidence evidence-(strong|moderate|weak|none)"', page)


@pytest.mark.parametrize("role", ["executive", "manager"])
def test_readers_read_but_do_not_run(client_as, program_ids, role):
    client = client_as(role)
    pid = program_ids["mindful_webinars"]
    page = client.get(f"/programs/{pid}")
    assert page.status_code == 200
    assert "Run the analysis again" not in page.text
    assert ">Programs</a>" in page.text  # in the nav
    resp = client.post(f"/programs/{pid}/impact", data={"csrf_token": csrf_from(page.text)})
    assert resp.status_code == 403
    assert "Only the L&amp;D team runs impact analyses." in resp.text


def test_employees_see_no_program_results(client_as, program_ids):
    client = client_as("employee")
    home = client.get("/")
    assert ">Programs</a>" not in home.text
    pid = program_ids["negotiation_masterclass"]
    for path in ("/programs", f"/programs/{pid}"):
        resp = client.get(path)
        assert resp.status_code == 403
        assert "Ask your manager" in resp.text
    resp = client.post(f"/programs/{pid}/impact", data={"csrf_token": csrf_from(home.text)})
    assert resp.status_code == 403


def test_unknown_program_is_404(client_as):
    resp = client_as("ld").get("/programs/999999")
    assert resp.status_code == 404
    assert "There is no program #999999." in resp.text


def test_the_cli_and_the_page_say_the_same_thing_in_the_same_words(
    client_as, program_ids, web_database
):
    from typer.testing import CliRunner

    from lodestar.cli.main import app
    from lodestar.config import get_settings

    get_settings.cache_clear()
    shown = CliRunner().invoke(
        app,
        ["impact", "show", "fcr_pilot", "--as", "priya@brightwater.example"],
        env={"LODESTAR_DATABASE_URL": web_database},
    )
    get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    html_page = client_as("ld").get(f"/programs/{program_ids['fcr_pilot']}").text
    page = " ".join(text_of(html_page).split())
    labels = ("Estimated effect on", "95% confidence interval", "Design", "Method", "Estimand",
              "Rows analysed", "Periods", "Return on investment", "Net benefit")  # fmt: skip
    compared = 0
    for line in shown.output.splitlines():
        label, _, value = line.strip().partition(": ")
        if value and label.startswith(labels):
            assert " ".join(value.split()) in page, f"the page does not say {line.strip()!r}"
            compared += 1
    assert compared >= 6
