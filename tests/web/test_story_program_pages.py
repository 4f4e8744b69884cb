"""The programs the demo story made from requests open on every page a user reaches them from,
and each links to the request it answers and back (issue 7): the three in design, and the
seasonal-warehouse pilot that launched with no participants recorded yet."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program
from lodestar.db.session import make_engine
from lodestar.services.demo.story_request_designs import STORY_PROGRAMS_TRUTH


@pytest.fixture(scope="module")
def made(web_database: str) -> dict[str, tuple[int, int]]:
    """(program id, request id) by code."""
    engine = make_engine(web_database)
    with Session(engine) as s:
        rows = s.execute(
            select(Program.code, Program.id, Program.request_id).where(
                Program.code.in_(STORY_PROGRAMS_TRUTH)
            )
        ).all()
    engine.dispose()
    return {code: (pid, rid) for code, pid, rid in rows}


@pytest.mark.parametrize("code", sorted(STORY_PROGRAMS_TRUTH))
def test_a_program_made_from_a_request_opens_and_links_both_ways(client_as, made, code):
    pid, rid = made[code]
    ld = client_as("ld")
    for path in (f"/programs/{pid}", f"/programs/{pid}/design", f"/programs/{pid}/pilot"):
        page = ld.get(path)
        assert page.status_code == 200, path
        text = html.unescape(page.text)
        assert "This program is expected to" in text, path
    design = html.unescape(ld.get(f"/programs/{pid}/design").text)
    assert f'href="/requests/{rid}"' in design
    request_page = ld.get(f"/requests/{rid}").text
    assert f'href="/programs/{pid}"' in request_page
    assert (
        ld.get(f"/api/programs/{pid}").json()["status"]
        == (STORY_PROGRAMS_TRUTH[code]["request_state"])
    )


def test_the_seasonal_pilot_shows_its_locked_expectation(client_as, made):
    pid, _ = made["seasonal_onboarding"]
    page = html.unescape(client_as("ld").get(f"/programs/{pid}/pilot").text)
    assert "Version 1, locked 2026-10-26" in page
    assert "−5 days on Time to productivity by 2026-12-21" in page or (
        "-5 days on Time to productivity by 2026-12-21" in page
    )
