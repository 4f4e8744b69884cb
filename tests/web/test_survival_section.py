"""The program page's time-to-event section: Kaplan–Meier curves as accessible SVG for the
retention and time-to-productivity programs, for the L&D team and for managers."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, User
from lodestar.db.session import make_engine

CODES = ("stay_conversations", "onboarding_buddy")


@pytest.fixture(scope="module")
def analysed(web_database: str) -> dict[str, int]:
    from lodestar.services.accounts import actor_of
    from lodestar.services.impact.program_impact import estimate_program_impact

    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        ids = {c: p for p, c in s.execute(select(Program.id, Program.code)) if c in CODES}
        ld = actor_of(s.scalar(select(User).where(User.role == "ld").order_by(User.id)))
        for pid in ids.values():
            estimate_program_impact(s, ld, pid)
    engine.dispose()
    return ids


def _section(page: str) -> str:
    start = page.index('id="survival"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("who", ["ld", "manager"])
def test_retention_curves_render_for_ld_and_managers(client_as, analysed, who):
    page = client_as(who).get(f"/programs/{analysed['stay_conversations']}")
    assert page.status_code == 200
    part = _section(page.text)
    assert "Who stays: retention curves" in part
    svgs = re.findall(r"<svg\b[^>]*>", part)
    assert len(svgs) == 1 and all('role="img"' in s and "aria-label=" in s for s in svgs)
    label = html.unescape(re.search(r'aria-label="([^"]+)"', svgs[0]).group(1))
    assert "in the program by the landmark" in label and "not (yet) in the program" in label
    assert "<path" in part, "the curves are drawn"
    assert "Leavers prevented per 100 participants per year" in part
    assert "Landmark date" in part and "2025" in part
    # The estimate section's interval chart is the ratio chart, with its rule at 1, and the
    # "ever trained" model appears there only as the flagged contrast.
    estimate = page.text[page.text.index('id="estimate-title"') :]
    ratio = html.unescape(re.search(r'aria-label="([^"]+)"', estimate).group(1))
    assert "Hazard of leaving" in ratio and "1 means no difference" in ratio
    assert "'Ever trained' — biased, not causal" in ratio


@pytest.mark.parametrize("who", ["ld", "manager"])
def test_ramp_comparison_renders(client_as, analysed, who):
    page = client_as(who).get(f"/programs/{analysed['onboarding_buddy']}")
    assert page.status_code == 200
    part = html.unescape(_section(page.text))
    assert "Time to productivity: the ramp-up of new hires" in part
    assert "Share of new hires at the standard" in part
    assert "took part" in part and "did not take part" in part
    assert "Productive means" in part and "the program's target" in part
    assert "Median time" in part and "95% CI of the median" in part


def test_panel_programs_have_no_survival_section(client_as, analysed, web_database):
    engine = make_engine(web_database)
    with Session(engine) as s:
        pid = s.scalar(select(Program.id).where(Program.code == "fcr_pilot"))
    engine.dispose()
    page = client_as("ld").get(f"/programs/{pid}")
    assert page.status_code == 200 and 'id="survival"' not in page.text
