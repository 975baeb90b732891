"""Ids and page numbers typed by people: odd ones are "not found" or ignored, never a 500.

SQLite cannot even bind an integer beyond 64 bits (OverflowError) and PostgreSQL refuses one
beyond its 32-bit id columns (NumericValueOutOfRange), so every id and page number is parsed
with kmportal.ids before it reaches a query."""

from urllib.parse import quote

import pytest
from werkzeug.datastructures import MultiDict

from kmportal.ids import MAX_ID
from kmportal.transfers import data, trainings
from kmportal.transfers.queries import TransferFilters
from tests.transfers.factories import transfer_values

ODD = [
    "99999999999999999999",
    str(MAX_ID + 1),
    "-1",
    "0",
    "1e3",
    "1.5",
    "abc",
    " 7 ",
    "",
    "\u0663",  # an Arabic-Indic three: int() reads it
]


@pytest.fixture
def world(transfers, secretariat):
    transfer = transfers.make("transferred")
    proposed = transfers.make("proposed", recipient="PE")
    training = trainings.create(
        secretariat,
        {"title": "Curso", "provider": "OIT", "modality": "virtual", "starts_on": "2016-02-01"},
    )
    return {
        "transfer": transfer.id,
        "proposed": proposed.id,
        "practice": transfers.practice("BR").id,
        "training": training.id,
        "edit": data.form_values(data.snapshot(proposed)),
    }


def _get(path):
    return lambda client, ids, value: client.get(path.format(**ids, v=quote(value)))


def _query(path, name):
    return lambda client, ids, value: client.get(path.format(**ids), query_string={name: value})


REQUESTS = {
    "GET /transfers/?result=": _query("/transfers/", "result"),
    "GET /transfers/?page=": _query("/transfers/", "page"),
    "GET /transfers/follow-ups?page=": _query("/transfers/follow-ups", "page"),
    "GET /exports/transfers.csv?result=": _query("/exports/transfers.csv", "result"),
    "GET /exports/follow-ups.xlsx?result=": _query("/exports/follow-ups.xlsx", "result"),
    "GET /transfers/new?practice=": _query("/transfers/new", "practice"),
    "GET /transfers/<id>/follow-ups/new?due=": _query(
        "/transfers/{transfer}/follow-ups/new", "due"
    ),
    "GET /transfers/<v>": _get("/transfers/{v}"),
    "GET /transfers/<v>/edit": _get("/transfers/{v}/edit"),
    "GET /transfers/evidence/<v>": _get("/transfers/evidence/{v}"),
    "GET /trainings/<v>": _get("/trainings/{v}"),
    "POST /transfers/new practice_id": lambda client, ids, value: client.post(
        "/transfers/new", data=transfer_values(practice_id=value, recipient_code="MX")
    ),
    "POST /transfers/new?practice= result_id": lambda client, ids, value: client.post(
        f"/transfers/new?practice={ids['practice']}",
        data=transfer_values(practice_id=ids["practice"], recipient_code="MX", result_id=value),
    ),
    "POST /transfers/<id>/edit result_id": lambda client, ids, value: client.post(
        f"/transfers/{ids['proposed']}/edit", data={**ids["edit"], "result_id": value}
    ),
    "POST /trainings/<id>/participants user_id": lambda client, ids, value: client.post(
        f"/trainings/{ids['training']}/participants", data={"user_id": value}
    ),
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
@pytest.mark.parametrize("role", ["secretariat", "focal_co"])
def test_odd_input_never_gives_500(client, auth, world, request, name, role):
    auth.login(request.getfixturevalue(role))
    for value in ODD:
        response = REQUESTS[name](client, world, value)
        assert response.status_code < 500, (value, response.status_code)


def test_ids_beyond_the_database_range_are_ignored_or_not_found(client, auth, world, secretariat):
    big = str(MAX_ID + 1)
    assert TransferFilters.from_args(MultiDict({"result": big})).result is None
    assert "2 transfers" in client.get(f"/transfers/?result={big}").get_data(as_text=True)
    assert client.get(f"/transfers/{big}").status_code == 404
    assert client.get(f"/trainings/{big}").status_code == 404
    auth.login(secretariat)
    assert client.get(f"/transfers/new?practice={big}").status_code == 404
    response = client.post(
        f"/transfers/{world['proposed']}/edit", data={**world["edit"], "result_id": big}
    )
    assert response.status_code == 422 and "Choose from the list." in response.get_data(True)
    response = client.post(f"/trainings/{world['training']}/participants", data={"user_id": big})
    assert response.status_code == 422


POSTGRES_REQUESTS = [
    "/transfers/?result={v}",
    "/transfers/?page={v}",
    "/transfers/follow-ups?page={v}",
    "/exports/transfers.csv?result={v}",
    "/exports/follow-ups.csv?result={v}",
    "/transfers/new?practice={v}",
    "/transfers/{v}",
    "/transfers/{v}/edit",
    "/transfers/evidence/{v}",
    "/trainings/{v}",
]


@pytest.mark.slow
@pytest.mark.postgres
def test_ids_beyond_32_bits_never_give_500_on_postgres(postgres_app):
    """PostgreSQL refuses 2147483648 for an integer column (NumericValueOutOfRange)."""
    from flask_migrate import upgrade

    from kmportal.demo import loader as demo
    from kmportal.reference import loaders

    upgrade()
    loaders.load_countries()
    loaders.load_plan()
    demo.load()
    client = postgres_app.test_client()
    client.post("/login", data={"email": demo.SECRETARIAT_EMAIL, "password": demo.DEMO_PASSWORD})
    for value in (str(MAX_ID + 1), "99999999999999999999"):
        for url in POSTGRES_REQUESTS:
            assert client.get(url.format(v=value)).status_code < 500, (url, value)
        for field in ("practice_id", "result_id"):
            values = {**transfer_values(practice_id="1"), field: value}
            response = client.post("/transfers/new", data=values)
            assert response.status_code < 500, (field, value)
        response = client.post("/trainings/1/participants", data={"user_id": value})
        assert response.status_code < 500, value


@pytest.mark.parametrize("query", ["country=BRX", "provider=BR.bak", "recipient=CO~"])
def test_transfer_filters_ignore_what_is_not_an_exact_country_code(client, transfers, query):
    transfers.make("agreed", provider="BR", recipient="CO")
    transfers.make("agreed", provider="AR", recipient="UY")
    page = client.get(f"/transfers/?{query}").get_data(as_text=True)
    assert "/countries/AR" in page and "/countries/BR" in page  # no filter: both listed
