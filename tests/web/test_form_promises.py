"""Forms that keep their promises: attributes the browser can read, plans refused in sentences
(the same rules through the API), a confirmation before archiving a KPI that is in use, and a
refused workflow step shown on a URL that can be reloaded; and /api/docs that needs no other
server."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.web.test_request_pages import post_form, submitted_request
from tests.web.test_strategy_pages import _kpi_form, _new_kpi, _new_priority


class _Inputs(HTMLParser):
    """The attributes of every <input>, by id, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("id"):
            self.by_id[str(found["id"])] = found


def _inputs(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.by_id


def test_kpi_form_attributes_reach_the_browser_as_plain_values(client_as):
    inputs = _inputs(client_as("ld").get("/kpis/new").text)
    assert inputs["name"]["maxlength"] == "200" and "required" in inputs["name"]
    assert inputs["code"]["maxlength"] == "60" and inputs["code"]["pattern"] == "[a-z0-9_]+"
    assert inputs["unit"]["maxlength"] == "40"
    assert inputs["currency"]["maxlength"] == "3"
    for name in ("baseline", "target", "value_per_unit"):
        assert inputs[name]["inputmode"] == "decimal", name


def test_a_target_date_outside_the_plan_is_refused_on_the_form_and_the_api(client_as):
    ld = client_as("ld")
    form = ld.post("/kpis/new", data=_kpi_form(horizon_date="1999-06-30"))
    assert form.status_code == 422
    assert "The target date 30 June 1999 is outside the years a plan can name" in form.text
    api = ld.post(
        "/api/kpis", json={"code": "old_plan", "name": "Old plan", "unit": "%",
                           "horizon_date": "1999-06-30"},
    )  # fmt: skip
    assert api.status_code == 422 and api.json()["fields"].keys() == {"horizon_date"}

    prio = _new_priority(ld)  # 2026 to 2027
    late = ld.post(
        "/kpis/new", data=_kpi_form(priority_id=str(prio["id"]), horizon_date="2029-03-31")
    )
    assert late.status_code == 422
    assert "outside the horizon of its strategic priority (2026 to 2027)" in late.text


def test_a_negative_money_value_per_unit_is_refused(client_as):
    ld = client_as("ld")
    form = ld.post("/kpis/new", data=_kpi_form(value_per_unit="-500", currency="EUR"))
    assert form.status_code == 422
    assert "The money value of one unit must be an amount above zero" in form.text
    api = ld.post(
        "/api/kpis", json={"code": "negative_money", "name": "Negative money", "unit": "%",
                           "value_per_unit": -500, "currency": "EUR"},
    )  # fmt: skip
    assert api.status_code == 422 and "above zero" in api.json()["detail"]


def test_a_priority_needs_an_owner_on_the_form_and_the_api(client_as):
    ld = client_as("ld")
    api = ld.post("/api/priorities", json={"title": "Nobody's baby", "start_year": 2026,
                                           "end_year": 2027})  # fmt: skip
    assert api.status_code == 422 and "owner_id" in api.text
    form = ld.post(
        "/priorities/new",
        data={"title": "Nobody's baby", "owner_id": "", "start_year": "2026", "end_year": "2027"},
    )
    assert form.status_code == 422 and "Owner is required." in form.text


def test_a_key_result_due_outside_the_priority_horizon_is_refused(client_as):
    ld = client_as("ld")
    prio = _new_priority(ld)
    objective = ld.post(f"/api/priorities/{prio['id']}/objectives", json={"title": "Grow"}).json()
    resp = ld.post(
        f"/api/objectives/{objective['id']}/key-results",
        json={"description": "Conversion reaches 28%", "due_date": "1999-12-31"},
    )
    assert resp.status_code == 422
    assert "The due date 31 December 1999 is outside the horizon" in resp.json()["detail"]


def test_archiving_a_kpi_in_use_asks_first_and_lists_what_uses_it(client_as):
    ld = client_as("ld")
    prio = _new_priority(ld)
    kpi = _new_kpi(ld, priority_id=prio["id"])
    objective = ld.post(f"/api/priorities/{prio['id']}/objectives", json={"title": "Grow"}).json()
    kr = ld.post(
        f"/api/objectives/{objective['id']}/key-results",
        json={"description": "Repeat purchases reach 30%", "kpi_id": kpi["id"]},
    )
    assert kr.status_code == 201, kr.text

    page = ld.get(f"/kpis/{kpi['id']}").text
    assert f'href="/kpis/{kpi["id"]}/archive"' in page  # a link to the confirmation, no POST

    one_click = ld.post(f"/kpis/{kpi['id']}/archive")
    assert one_click.status_code == 303
    assert one_click.headers["location"] == f"/kpis/{kpi['id']}/archive"
    assert ld.get(f"/api/kpis/{kpi['id']}").json()["archived_at"] is None

    confirm = ld.get(f"/kpis/{kpi['id']}/archive")
    assert confirm.status_code == 200
    assert "This KPI is in use" in confirm.text and "Repeat purchases reach 30%" in confirm.text
    assert "1 key result" in confirm.text and 'name="confirm" value="yes"' in confirm.text

    done = ld.post(f"/kpis/{kpi['id']}/archive", data={"confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"/kpis/{kpi['id']}"
    assert ld.get(f"/api/kpis/{kpi['id']}").json()["archived_at"] is not None
    assert client_as("manager").get(f"/kpis/{kpi['id']}/archive").status_code == 403


def test_a_decline_without_a_reason_stays_on_a_url_that_reloads(client_as):
    rid = submitted_request(client_as("manager"))
    ld = client_as("ld")
    page_url = f"/requests/{rid}"
    refused = post_form(ld, page_url, {"target": "declined", "reason": ""})
    assert refused.status_code == 422 and "Say why in a sentence" in refused.text
    assert str(refused.url).endswith(page_url)  # where the browser now is
    assert ld.get(str(refused.url)).status_code == 200  # what a reload (GET) answers
    unstorable = post_form(ld, page_url, {"target": "declined", "reason": "No\x00 budget."})
    assert unstorable.status_code == 422 and "cannot contain the NUL character" in unstorable.text


def _reload_lands_on(client, refused, page: str) -> None:
    """Where a browser left on a refused form's answer goes when the address is loaded again
    (a GET of the same URL): to the form's page, which answers 200, not to a 405."""
    again = client.get(str(refused.url))
    assert again.status_code == 303, f"GET {refused.url.path}: {again.status_code}"
    assert again.headers["location"] == page
    assert client.get(page.split("#")[0]).status_code == 200


def test_refused_stakeholder_answers_stay_on_a_url_that_reloads(client_as):
    manager = client_as("manager")
    rid = submitted_request(manager)
    refused = post_form(
        manager, f"/requests/{rid}/answers", {"q_one_metric": "Churn\x00 rate"},
        page_url=f"/requests/{rid}",
    )  # fmt: skip
    assert refused.status_code == 422 and "cannot contain the NUL character" in refused.text
    assert "Churn" in refused.text  # what was typed is shown again
    _reload_lands_on(manager, refused, f"/requests/{rid}#questions")


def test_a_refused_objective_or_key_result_stays_on_a_url_that_reloads(client_as):
    ld = client_as("ld")
    prio = _new_priority(ld)
    page = f"/priorities/{prio['id']}"
    no_title = post_form(ld, f"{page}/objectives", {"title": ""}, page_url=page)
    assert no_title.status_code == 422
    _reload_lands_on(ld, no_title, f"{page}#objectives")

    objective = ld.post(f"/api/priorities/{prio['id']}/objectives", json={"title": "Grow"}).json()
    kr_url = f"{page}/objectives/{objective['id']}/key-results"
    no_description = post_form(ld, kr_url, {"description": "", "target": "x"}, page_url=page)
    assert no_description.status_code == 422
    _reload_lands_on(ld, no_description, f"{page}#objectives")


def test_account_forms_answered_on_their_post_url_reload_to_the_account_page(client_as):
    me = client_as("employee")
    unnamed = post_form(me, "/account/tokens", {"name": ""}, page_url="/account")
    assert unnamed.status_code == 422
    _reload_lands_on(me, unnamed, "/account#tokens")
    created = post_form(me, "/account/tokens", {"name": "Reload check"}, page_url="/account")
    token = re.search(r'<code class="token">(lsk_[^<]+)</code>', created.text)
    assert created.status_code == 200 and token  # shown once, on this answer
    _reload_lands_on(me, created, "/account#tokens")
    assert token.group(1) not in me.get("/account").text
    mismatch = post_form(
        me, "/account/password",
        {"current_password": "x", "new_password": "y" * 12, "repeat_password": "z" * 12},
        page_url="/account",
    )  # fmt: skip
    assert mismatch.status_code == 422
    _reload_lands_on(me, mismatch, "/account#password")


def test_erasure_steps_reload_to_the_person_page(client_as):
    admin = client_as("admin")
    pid = 1
    ask = post_form(admin, f"/privacy/people/{pid}/erase", {}, page_url=f"/privacy/people/{pid}")
    assert ask.status_code == 200
    _reload_lands_on(admin, ask, f"/privacy/people/{pid}")
    wrong = post_form(
        admin, f"/privacy/people/{pid}/erase/confirm", {"confirm": "no"},
        page_url=f"/privacy/people/{pid}",
    )  # fmt: skip
    assert wrong.status_code == 422
    _reload_lands_on(admin, wrong, f"/privacy/people/{pid}")


def test_a_reload_of_a_form_url_still_needs_a_sign_in(client_as):
    anonymous = client_as(None).get("/requests/1/answers")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_api_docs_load_nothing_from_other_servers(client_as):
    page = client_as(None).get("/api/docs")
    assert page.status_code == 200
    assert re.findall(r'(?:src|href)="(https?:)?//', page.text) == []
    assert 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in page.text
    assert client_as(None).get("/static/api-docs.js").status_code == 200
