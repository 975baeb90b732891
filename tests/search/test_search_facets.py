"""Facets that narrow and combine, with counts; sort; pagination; all kept in the URL."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from kmportal.search import service
from kmportal.search.facets import Page, SearchRequest
from tests.search.helpers import ANONYMOUS, found, page_ids


@pytest.fixture
def catalogue(practice):
    return {
        "br_farm": practice(
            "BR",
            title="Escola no campo",
            language="pt",
            sectors=["agriculture"],
            period_start=2012,
            period_end=2014,
            languages=["pt"],
        ),
        "br_mine": practice(
            "BR",
            title="Escola perto da mina",
            language="pt",
            sectors=["mining"],
            period_start=2010,
            period_end=2011,
            languages=["pt"],
        ),
        "co_farm": practice(
            "CO",
            title="Escuela en el campo",
            language="es",
            sectors=["agriculture"],
            period_start=2012,
            period_end=2015,
            languages=["es"],
        ),
        "pe_fish": practice(
            "PE",
            title="Escuela en la pesca",
            language="es",
            sectors=["fishing"],
            period_start=2009,
            period_end=2012,
            theme="ptap",
            languages=["es"],
        ),
    }


def counts(results, facet):
    return {v.value: v.count for g in results.facets if g.name == facet for v in g.values}


def test_facet_counts_narrow_and_combine(catalogue):
    everything = service.search(ANONYMOUS, SearchRequest())
    assert counts(everything, "country") == {"BR": 2, "CO": 1, "PE": 1}
    assert counts(everything, "sector") == {"agriculture": 2, "mining": 1, "fishing": 1}
    assert counts(everything, "year") == {"2009": 1, "2010": 1, "2012": 2}
    narrowed = found(ANONYMOUS, country="BR", sector="agriculture")
    assert narrowed == [catalogue["br_farm"].id]


def test_values_of_one_facet_are_alternatives(catalogue):
    ids = set(found(ANONYMOUS, country=["BR", "PE"]))
    assert ids == {catalogue[k].id for k in ("br_farm", "br_mine", "pe_fish")}


def test_counts_of_the_chosen_facet_keep_its_alternatives(catalogue):
    results = service.search(ANONYMOUS, SearchRequest(filters={"country": ("BR",)}))
    assert counts(results, "country") == {"BR": 2, "CO": 1, "PE": 1}
    assert counts(results, "sector") == {"agriculture": 1, "mining": 1}
    assert results.total == 2


def test_words_and_facets_combine(catalogue):
    assert found(ANONYMOUS, "escuela", theme="ptap") == [catalogue["pe_fish"].id]
    assert found(ANONYMOUS, "escola", language="pt", year="2010") == [catalogue["br_mine"].id]


def test_facets_sort_and_page_are_kept_in_the_url(client, catalogue):
    html = client.get("/search?q=escuela&country=CO&sort=date").get_data(as_text=True)
    # toggling another value keeps the words, the chosen value and the sort
    assert re.search(r'href="/search\?q=escuela&amp;country=CO&amp;country=PE&amp;sort=date"', html)
    assert 'name="country" value="CO"' in html  # the search form keeps the filter too
    assert 'aria-current="true"' in html


def test_unknown_facet_values_are_ignored(catalogue):
    request = SearchRequest.from_args(
        MultiDict(
            [
                ("country", "br"),
                ("country", "<x>"),
                ("sector", "nope"),
                ("year", "99"),
                ("page", "abc"),
                ("sort", "sideways"),
            ]
        )
    )
    assert request.filters == {"country": ("BR",)}
    assert request.page == 1 and request.sort == ""


def test_sort_by_date_lists_the_newest_first(catalogue):
    from datetime import datetime

    from kmportal.extensions import db

    order = ["co_farm", "pe_fish", "br_farm", "br_mine"]
    for year, key in zip((2016, 2015, 2014, 2013), order, strict=True):
        catalogue[key].published_at = datetime(year, 1, 1)
    db.session.commit()
    expected = [catalogue[key].id for key in order]
    assert found(ANONYMOUS, sort="date") == expected
    assert found(ANONYMOUS, "escuela OR escola", sort="date") == expected


def test_relevance_is_the_default_with_words_and_date_without(client):
    assert SearchRequest(text="x").effective_sort == "relevance"
    assert SearchRequest().effective_sort == "date"


def test_pagination_splits_results_and_clamps_the_page(client, practice, app):
    for i in range(5):
        practice("CO", title=f"Escuela número {i}", language="es")
    app.config["PER_PAGE"] = 2
    first = client.get("/search?q=escuela")
    assert len(page_ids(first)) == 2
    assert 'rel="next"' in first.get_data(as_text=True)
    third = client.get("/search?q=escuela&page=3")
    last = client.get("/search?q=escuela&page=99")
    assert page_ids(third) == page_ids(last) and len(page_ids(last)) == 1
    seen = page_ids(first) + page_ids(client.get("/search?q=escuela&page=2")) + page_ids(third)
    assert len(set(seen)) == 5


def test_page_lists_pages_around_the_current_one():
    assert list(Page(page=6, per_page=10, total=200).iter_pages()) == [
        1,
        2,
        None,
        4,
        5,
        6,
        7,
        8,
        None,
        19,
        20,
    ]
