"""The strategy pages: priorities and KPIs created, edited and archived through forms; role
rules; full-sentence validation with the input kept; trend charts on the priority page."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy.orm import Session
from tests.conftest import csrf_from

from lodestar.db import kpi_store
from lodestar.db.models import User
from lodestar.db.session import make_engine
from lodestar.services import accounts, intake


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _new_priority(ld, **over) -> dict:
    me = ld.get("/api/me").json()["id"]
    body = {
        "title": f"Grow repeat business {_uid()}", "owner_id": me, "start_year": 2026,
        "end_year": 2027,
    }  # fmt: skip
    body.update(over)
    resp = ld.post("/api/priorities", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _new_kpi(ld, **over) -> dict:
    code = f"kpi_{_uid()}"
    body = {"code": code, "name": f"Repeat purchase rate {code}", "unit": "%", "direction": "up"}
    body.update(over)
    resp = ld.post("/api/kpis", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _observe(database_url: str, kpi_id: int, values: list[float]) -> None:
    """Write weekly observations (three values a week) through the KPI store."""
    engine = make_engine(database_url)
    start = date(2025, 1, 6)
    with Session(engine) as s, s.begin():
        rows = [
            {"kpi_id": kpi_id, "subject": 5 * j + k + 1, "period": start + timedelta(weeks=i),
             "value": v + d, "weight": 1}  # one value per person and week; five people per value
            for i, v in enumerate(values)
            for j, d in enumerate((-1.0, 0.0, 1.0))
            for k in range(5)
        ]  # fmt: skip
        kpi_store.write_observations(s, pd.DataFrame(rows))
    engine.dispose()


def _card_html(html: str, kpi_id: int) -> str:
    start = html.index(f'aria-labelledby="kpi-{kpi_id}-name"')
    return html[start:].split("</article>")[0]


def _form_page(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


# --- reading and roles -----------------------------------------------------------------------


def test_list_shows_counts_and_flags_unaligned_work(client_as, web_database):
    ld = client_as("ld")
    prio = _new_priority(ld)
    _new_kpi(ld, priority_id=prio["id"])
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        manager = next(u for u in s.query(User).order_by(User.id) if u.role == "manager")
        intake.submit_request(
            s,
            accounts.actor_of(manager),
            intake.RequestInput(title="Coaching without a metric", priority_id=prio["id"]),
        )
    engine.dispose()
    page = ld.get("/priorities")
    assert page.status_code == 200
    row = page.text[page.text.index(prio["title"]) :].split("</tr>")[0]
    assert "Unaligned: 1 without a metric" in row
    assert re.search(r'<td class="num">1</td>\s*<td class="num">1</td>', row)  # 1 KPI, 1 request
    assert 'href="/priorities/new"' in page.text


@pytest.mark.parametrize("role", ["executive", "manager", "employee"])
def test_readers_see_no_edit_controls_and_posts_are_refused(client_as, role):
    prio = _new_priority(client_as("ld"))
    reader = client_as(role)
    listing = reader.get("/priorities")
    assert listing.status_code == 200 and prio["title"] in listing.text
    assert "New priority" not in listing.text
    page = reader.get(f"/priorities/{prio['id']}")
    assert page.status_code == 200
    assert f"/priorities/{prio['id']}/edit" not in page.text
    assert "Add objective" not in page.text
    assert reader.get("/priorities/new").status_code == 403
    assert reader.get(f"/priorities/{prio['id']}/edit").status_code == 403
    assert reader.get("/kpis/new").status_code == 403
    refused = reader.post(
        "/priorities/new", data={"title": "Sneaky", "start_year": "2026", "end_year": "2027"}
    )
    assert refused.status_code == 403
    assert "Only the L&amp;D team and administrators edit the strategy" in refused.text
    assert reader.post(f"/priorities/{prio['id']}/archive").status_code == 403
    assert (
        reader.post(f"/priorities/{prio['id']}/objectives", data={"title": "Hi"}).status_code == 403
    )
    assert "New KPI" not in reader.get("/kpis").text


def test_anonymous_is_sent_to_login(client_as):
    resp = client_as(None).get("/priorities")
    assert resp.status_code == 303 and resp.headers["location"].startswith("/login")


def test_form_without_csrf_token_is_refused(client_as):
    ld = client_as("ld")
    del ld.headers["X-CSRF-Token"]
    resp = ld.post("/priorities/new", data={"title": "No token", "start_year": "2026"})
    assert resp.status_code == 403
    assert "Reload the page" in resp.text


# --- priority forms --------------------------------------------------------------------------


def test_create_edit_archive_and_restore_a_priority_through_forms(client_as):
    ld = client_as("ld")
    del ld.headers["X-CSRF-Token"]  # forms carry their own token
    token = _form_page(ld, "/priorities/new")
    title = f"Cut time to productivity {_uid()}"
    data = {
        "csrf_token": token,
        "title": title,
        "description": "New hires reach full speed sooner.",
        "owner_id": "",
        "start_year": "2026",
        "end_year": "2028",
    }
    ownerless = ld.post("/priorities/new", data=data)
    assert ownerless.status_code == 422
    assert "Owner is required." in ownerless.text and f'value="{title}"' in ownerless.text
    data["owner_id"] = str(ld.get("/api/me").json()["id"])
    resp = ld.post("/priorities/new", data=data)
    assert resp.status_code == 303, resp.text
    url = resp.headers["location"]
    pid = int(url.rsplit("/", 1)[1])
    page = ld.get(url)
    assert title in page.text and "2026–2028" in page.text
    assert "was created" in page.text  # the flash message

    edit = ld.get(f"/priorities/{pid}/edit")
    assert f'value="{title}"' in edit.text
    token = csrf_from(edit.text)
    resp = ld.post(
        f"/priorities/{pid}/edit",
        data={
            "csrf_token": token,
            "title": title + " fast",
            "owner_id": data["owner_id"],
            "start_year": "2026",
            "end_year": "2027",
        },
    )
    assert resp.status_code == 303
    assert "2026–2027" in ld.get(url).text

    assert ld.post(f"/priorities/{pid}/archive", data={"csrf_token": token}).status_code == 303
    archived_page = ld.get(url).text
    assert "is archived" in archived_page and ">Restore<" in archived_page
    assert title not in ld.get("/priorities").text
    assert title in ld.get("/priorities?archived=1").text
    assert ld.post(f"/priorities/{pid}/restore", data={"csrf_token": token}).status_code == 303
    assert title in ld.get("/priorities").text


def test_horizon_over_three_years_is_explained_and_the_input_kept(client_as):
    ld = client_as("ld")
    resp = ld.post(
        "/priorities/new",
        data={
            "title": "Become the market leader",
            "description": "Long game.",
            "owner_id": str(ld.get("/api/me").json()["id"]),
            "start_year": "2026",
            "end_year": "2031",
        },
    )
    assert resp.status_code == 422
    assert "The priority was not saved." in resp.text
    assert "A horizon of 5 years is too long for a must-win." in resp.text
    assert 'value="Become the market leader"' in resp.text
    assert ">Long game.</textarea>" in resp.text
    assert 'value="2031"' in resp.text
    end_year_input = re.search(r'<input[^>]*id="end_year"[^>]*>', resp.text).group(0)
    assert 'aria-invalid="true"' in end_year_input


def test_unreadable_fields_get_one_sentence_each(client_as):
    resp = client_as("ld").post(
        "/priorities/new", data={"title": "ab", "start_year": "next year", "end_year": ""}
    )
    assert resp.status_code == 422
    assert "Title needs at least 3 characters." in resp.text
    assert "Start year must be a whole number, such as 2027." in resp.text
    assert "End year is required." in resp.text
    assert 'value="next year"' in resp.text


def test_editing_a_missing_priority_is_a_404_page(client_as):
    resp = client_as("ld").get("/priorities/999999/edit")
    assert resp.status_code == 404
    assert "There is no strategic priority #999999" in resp.text


# --- objectives and key results -------------------------------------------------------------


def test_objective_and_key_result_without_javascript(client_as):
    ld = client_as("ld")
    prio = _new_priority(ld)
    kpi = _new_kpi(ld, priority_id=prio["id"])
    resp = ld.post(f"/priorities/{prio['id']}/objectives", data={"title": "Onboard buddies"})
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/priorities/{prio['id']}#objectives"
    page = ld.get(f"/priorities/{prio['id']}").text
    assert "Onboard buddies" in page
    oid = int(re.search(rf"/priorities/{prio['id']}/objectives/(\d+)/key-results", page).group(1))
    resp = ld.post(
        f"/priorities/{prio['id']}/objectives/{oid}/key-results",
        data={
            "description": "Every hire has a buddy in week one",
            "kpi_id": str(kpi["id"]),
            "target": "95",
            "due_date": "2026-12-31",
        },
    )
    assert resp.status_code == 303
    page = ld.get(f"/priorities/{prio['id']}").text
    assert "Every hire has a buddy in week one" in page
    assert "target 95" in page and "due 31 Dec 2026" in page

    # A refusal re-renders the whole page with the message and what was typed.
    bad = ld.post(
        f"/priorities/{prio['id']}/objectives/{oid}/key-results",
        data={"description": "Faster ramp-up", "target": "a lot"},
    )
    assert bad.status_code == 422
    assert "Target must be a number, such as 22.5" in bad.text
    assert 'value="Faster ramp-up"' in bad.text and 'value="a lot"' in bad.text
    assert '<details class="strat-inline-form" open>' in bad.text


def test_objective_with_htmx_swaps_only_the_block(client_as):
    ld = client_as("ld")
    prio = _new_priority(ld)
    headers = {"HX-Request": "true"}
    resp = ld.post(
        f"/priorities/{prio['id']}/objectives", data={"title": "Shorter ramp-up"}, headers=headers
    )
    assert resp.status_code == 200
    assert resp.text.lstrip().startswith('<section id="objectives"')
    assert "<html" not in resp.text
    assert "Shorter ramp-up" in resp.text and "The objective was added." in resp.text
    bad = ld.post(f"/priorities/{prio['id']}/objectives", data={"title": "x"}, headers=headers)
    assert bad.status_code == 200  # htmx swaps 2xx only; the message is in the fragment
    assert "Objective needs at least 3 characters." in bad.text and 'value="x"' in bad.text
    oid = int(re.search(r"/objectives/(\d+)/archive", resp.text).group(1))
    gone = ld.post(f"/priorities/{prio['id']}/objectives/{oid}/archive", headers=headers)
    assert gone.status_code == 200 and "Shorter ramp-up" not in gone.text


# --- the priority page -----------------------------------------------------------------------


def test_priority_page_shows_kpi_cards_with_trend_charts_and_missing_metrics(
    client_as, web_database
):
    ld = client_as("ld")
    prio = _new_priority(ld, description="Keep the customers we have.")
    with_data = _new_kpi(
        ld,
        priority_id=prio["id"],
        name="Repeat contact rate",
        unit="%",
        direction="down",
        baseline=18.0,
        target=12.0,
        horizon_date="2027-06-30",
    )
    empty = _new_kpi(ld, priority_id=prio["id"], name="Net revenue retention")
    _observe(web_database, with_data["id"], [18.0, 17.0, 16.5, 16.0, 15.0])
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        manager = next(u for u in s.query(User).order_by(User.id) if u.role == "manager")
        req = intake.save_request(
            s,
            accounts.actor_of(manager),
            intake.RequestInput(title="First-call resolution clinic", priority_id=prio["id"]),
        )
        intake.submit_request(s, accounts.actor_of(manager), request_id=req.id)
        rid = req.id
    engine.dispose()

    page = client_as("executive").get(f"/priorities/{prio['id']}")
    assert page.status_code == 200
    html = page.text
    card = _card_html(html, with_data["id"])
    assert "<svg" in card and 'role="img"' in card
    assert 'aria-label="Repeat contact rate: 5 values from 2025-01-06 to 2025-02-03' in card
    assert "<title>" in card and "<script" not in card
    assert "15%" in card and "18%" in card and "12%" in card  # latest, baseline, target
    assert "▼" in card and "strat-move-better" in card and "3 pp" in card
    assert "50% of the way from baseline to target" in card
    empty_card = _card_html(html, empty["id"])
    assert "No data yet" in empty_card
    # The warning names the request that lacks a metric, with a link to it.
    assert "names no metric that matters" in html
    assert f'href="/requests/{rid}"' in html and "First-call resolution clinic" in html


def test_priority_page_of_unknown_priority_is_404(client_as):
    resp = client_as("ld").get("/priorities/987654")
    assert resp.status_code == 404


# --- KPI pages -------------------------------------------------------------------------------


def _kpi_form(**over) -> dict:
    data = {
        "code": f"kpi_{_uid()}",
        "name": "Average handling time",
        "description": "Minutes from pick-up to wrap-up.",
        "unit": "minutes",
        "direction": "down",
        "grain": "team",
        "cadence": "weekly",
        "lead_lag": "lead",
        "value_per_unit": "",
        "currency": "",
        "baseline": "9.5",
        "target": "7.5",
        "horizon_date": "2027-03-31",
        "priority_id": "",
    }
    data.update(over)
    return data


def test_create_edit_archive_a_kpi_through_forms(client_as, web_database):
    ld = client_as("ld")
    prio = _new_priority(ld)
    new_form = ld.get(f"/kpis/new?priority_id={prio['id']}")
    assert new_form.status_code == 200
    assert f'<option value="{prio["id"]}" selected>' in new_form.text
    data = _kpi_form(priority_id=str(prio["id"]), value_per_unit="1200", currency="EUR")
    resp = ld.post("/kpis/new", data=data)
    assert resp.status_code == 303, resp.text
    url = resp.headers["location"]
    kid = int(url.rsplit("/", 1)[1])
    _observe(web_database, kid, [9.5, 9.1, 8.8])
    detail = ld.get(url).text
    assert "Average handling time" in detail and data["code"] in detail
    assert 'class="strat-chart strat-chart-large"><svg' in detail
    assert "The values behind the chart" in detail and "1,200.00 EUR" in detail

    catalogue = ld.get("/kpis").text
    row = catalogue[catalogue.index(data["code"]) :].split("</tr>")[0]
    assert "minutes" in row and "Lower is better" in row and "Team" in row
    assert "9.5 minutes" in row and "7.5 minutes" in row and "31 Mar 2027" in row
    assert prio["title"] in row

    edit = ld.get(f"/kpis/{kid}/edit").text
    assert f'value="{data["code"]}"' in edit and 'value="9.5"' in edit
    resp = ld.post(f"/kpis/{kid}/edit", data=dict(data, name="Average handle time"))
    assert resp.status_code == 303
    assert "Average handle time" in ld.get(url).text

    assert ld.post(f"/kpis/{kid}/archive").status_code == 303
    assert data["code"] not in ld.get("/kpis").text
    assert data["code"] in ld.get("/kpis?archived=1").text
    assert ld.post(f"/kpis/{kid}/restore").status_code == 303
    assert data["code"] in ld.get("/kpis").text


def test_kpi_validation_messages_keep_the_input(client_as):
    ld = client_as("ld")
    taken = _new_kpi(ld)["code"]
    dup = ld.post("/kpis/new", data=_kpi_form(code=taken, name="Duplicate code KPI"))
    assert dup.status_code == 409
    assert f"A KPI with the code &#39;{taken}&#39; exists already. Choose another code." in dup.text
    assert 'value="Duplicate code KPI"' in dup.text

    worse = ld.post("/kpis/new", data=_kpi_form(baseline="9.5", target="11"))
    assert worse.status_code == 422
    assert (
        "For this KPI lower is better, but the target (11) is not lower than the baseline"
        in worse.text
    )
    target_input = re.search(r'<input[^>]*id="target"[^>]*>', worse.text).group(0)
    assert 'aria-invalid="true"' in target_input and 'value="11"' in target_input

    bad = ld.post("/kpis/new", data=_kpi_form(code="Has Spaces", value_per_unit="12", currency=""))
    assert bad.status_code == 422
    assert "Code may contain only lowercase letters, digits and underscores" in bad.text
    money = ld.post("/kpis/new", data=_kpi_form(value_per_unit="12", currency=""))
    assert "A money value per unit needs a currency." in money.text


def test_kpi_detail_for_a_reader_has_no_edit_controls(client_as):
    kpi = _new_kpi(client_as("ld"))
    page = client_as("manager").get(f"/kpis/{kpi['id']}")
    assert page.status_code == 200
    assert f"/kpis/{kpi['id']}/edit" not in page.text
    assert "No observations have been imported for this KPI yet." in page.text
    assert client_as("manager").post(f"/kpis/{kpi['id']}/archive").status_code == 403
