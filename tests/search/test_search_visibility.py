"""Who finds what: the read rule of practices/permissions.py, applied to results, counts,
suggestions and similar practices alike."""

import pytest

from kmportal.practices.permissions import can
from kmportal.search import service
from kmportal.search.facets import SearchRequest
from kmportal.search.similar import similar_practices
from tests.search.helpers import ANONYMOUS, found, page_ids

STATES = ("draft", "submitted", "returned", "published", "archived")


@pytest.fixture
def every_state(practice):
    """A practice in each state in Brazil and in Colombia, all about "cooperativas"."""
    return {
        (country, state): practice(
            country, state, title=f"Cooperativas {state} {country}", language="es"
        )
        for country in ("BR", "CO")
        for state in STATES
    }


def test_anonymous_search_finds_only_published(every_state):
    expected = {every_state[(c, "published")].id for c in ("BR", "CO")}
    assert set(found(ANONYMOUS, "cooperativas")) == expected


def test_anonymous_search_never_counts_drafts(every_state):
    results = service.search(ANONYMOUS, SearchRequest(text="cooperativas"))
    counts = {g.name: {v.value: v.count for v in g.values} for g in results.facets}
    assert counts["country"] == {"BR": 1, "CO": 1}
    assert sum(counts["theme"].values()) == 2
    assert results.total == 2


def test_focal_point_finds_own_country_drafts_but_not_others(every_state, focal):
    found_ids = set(found(focal("BR"), "cooperativas"))
    expected = {every_state[("BR", s)].id for s in ("draft", "submitted", "returned", "published")}
    expected.add(every_state[("CO", "published")].id)
    assert found_ids == expected


def test_secretariat_finds_every_state_with_the_state_shown(every_state, secretariat, client, auth):
    expected = {p.id for (_, state), p in every_state.items() if state != "archived"}
    assert set(found(secretariat, "cooperativas")) == expected
    auth.login(secretariat)
    html = client.get("/search?q=cooperativas").get_data(as_text=True)
    assert 'class="badge state-draft"' in html
    assert 'class="badge state-submitted"' in html


def test_search_visibility_matches_the_read_permission(every_state, focal, secretariat):
    for user in (ANONYMOUS, focal("BR"), focal("CO"), focal("MX"), secretariat):
        readable = {
            p.id
            for p in every_state.values()
            if can(user, "read", p) and p.state.value != "archived"
        }
        assert set(found(user, "cooperativas")) == readable, user


def test_facet_filter_on_a_hidden_country_reveals_nothing(every_state, client):
    response = client.get("/search?q=cooperativas&country=CO&label=good")
    assert page_ids(response) == [every_state[("CO", "published")].id]


def test_an_empty_visible_set_finds_nothing_rather_than_everything(practice):
    practice("CO", "draft", title="Cooperativas en borrador", language="es")
    assert found(ANONYMOUS, "cooperativas") == []
    assert found(ANONYMOUS) == []


def test_similar_practices_respect_visibility(practice, focal):
    shown = practice("CO", title="Cooperativas de café y escuela rural", language="es")
    practice("BR", "draft", title="Cooperativas de café en borrador rural", language="es")
    visible = practice("PE", title="Cooperativas de café con escuela", language="es")
    service.ensure_index()
    assert [p.id for p in similar_practices(ANONYMOUS, shown)] == [visible.id]
    assert len(similar_practices(focal("BR"), shown)) == 2
