"""The dashboard, the transfer list and the country pages issue as many SQL queries with ten
times the transfers, countries and trainings (counted with SQLAlchemy's cursor events)."""

import pytest

from kmportal.extensions import db
from tests.progress.bulk import add_trainings, add_transfers
from tests.querycount import count_queries

PAGES = [
    "/dashboard",
    "/dashboard/report",
    "/transfers/",
    "/transfers/?country=AR&counted=yes",
    "/countries/AR",
    "/plan",
    "/exports/transfers.csv",
]


def queries_per_page(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        client.get(url)  # the first request warms what is cached per process
        db.session.expunge_all()
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = queries.count
    return counts


@pytest.mark.parametrize("role", ["anonymous", "secretariat"])
def test_query_count_does_not_grow_with_the_data(client, auth, secretariat, focal_br, role):
    if role == "secretariat":
        auth.login(secretariat)
    add_transfers(14, seed=1, countries=3)
    add_trainings(2, seed=1)
    small = queries_per_page(client)
    add_transfers(140, seed=2)  # ten times the transfers, between all 32 countries
    add_trainings(20, seed=2)
    large = queries_per_page(client)
    assert large == small
    assert all(n < 40 for n in small.values()), small
