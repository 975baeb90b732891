"""The secretariat's plan forms (a new plan period, a target) through the one importer."""

from datetime import date

import sqlalchemy as sa

from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.reference import queries
from kmportal.reference.models import Target
from tests.test_reference_data import dump

PERIOD = {
    "code": "2017-2018",
    "start": "2017-01",
    "end": "2018-12",
    "official_language": "es",
    "title": "Plan de Trabajo 2017 – 2018",
    "place_and_date": "Lima, diciembre 2016",
}


def last_event() -> AuditEvent:
    return db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))


def test_the_secretariat_creates_a_plan_period(client, auth, secretariat):
    auth.login(secretariat)
    assert client.get("/plan/periods/new").status_code == 200
    response = client.post("/plan/periods/new", data=PERIOD)
    assert response.status_code == 303 and "/plan/edit?period=2017-2018" in response.location
    plan = queries.plan_by_code("2017-2018")
    assert (plan.first_month, plan.last_month, plan.title) == (
        date(2017, 1, 1),
        date(2018, 12, 1),
        "Plan de Trabajo 2017 – 2018",
    )
    event = last_event()
    assert (event.action, event.actor_id, event.changes["created"]) == (
        "plan.import",
        secretariat.id,
        ["2017-2018"],
    )
    # The same code twice: a message on the code, nothing changed.
    before = dump()
    again = client.post("/plan/periods/new?lang=en", data=PERIOD)
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    assert dump() == before


def test_the_period_form_has_the_importers_checks_on_its_fields(client, auth, secretariat):
    auth.login(secretariat)
    before = dump()
    odd = client.post("/plan/periods/new?lang=en", data={**PERIOD, "official_language": "de"})
    assert odd.status_code == 422
    bad = {**PERIOD, "start": "2018-13", "end": "2017", "title": ""}
    page = client.post("/plan/periods/new?lang=en", data=bad)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "A month is written YYYY-MM (2015-10)." in text
    assert dump() == before
    backwards = client.post("/plan/periods/new?lang=en", data={**PERIOD, "end": "2016-12"})
    assert "The end comes before the start." in backwards.get_data(as_text=True)
    empty = client.post("/plan/periods/new?lang=en", data={**PERIOD, "title": ""})
    assert "official language (es) is missing" in empty.get_data(as_text=True)
    assert dump() == before


def test_the_secretariat_edits_a_target(client, auth, secretariat):
    target = db.session.scalar(sa.select(Target))
    auth.login(secretariat)
    assert 'value="15"' in client.get(f"/plan/targets/{target.id}").get_data(as_text=True)
    data = {"quantity": "17", "start": "2015-10-01", "end": "2016-09-30"}
    assert client.post(f"/plan/targets/{target.id}", data=data).status_code == 303
    assert target.quantity == 17
    assert last_event().changes["updated"] == ["3.1:practices_transferred"]
    before = dump()
    for quantity, end in (
        ("0", "2016-09-30"),
        ("-2", "2016-09-30"),
        ("x", "2016-09-30"),
        ("5", "2017-01-31"),
    ):
        bad = {**data, "quantity": quantity, "end": end}
        assert client.post(f"/plan/targets/{target.id}?lang=en", data=bad).status_code == 422
    assert dump() == before
    assert client.post("/plan/targets/999999", data=data).status_code == 404


def test_only_the_secretariat_uses_the_plan_forms(client, auth, focal_br):
    target = db.session.scalar(sa.select(Target))
    auth.login(focal_br)
    assert client.post("/plan/periods/new", data=PERIOD).status_code == 403
    assert client.post(f"/plan/targets/{target.id}", data={"quantity": "1"}).status_code == 403
    assert queries.plan_by_code("2017-2018") is None and target.quantity == 15
