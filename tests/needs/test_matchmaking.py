"""Suggestions, interest, matches at publication, the practice page's panel and the matrix."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from kmportal.audit.models import AuditEvent
from kmportal.errors import PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.needs import service
from kmportal.practices import service as practices_service
from kmportal.transfers.models import Transfer
from tests.needs.conftest import DOMESTIC_ES, MINING_FR


def _transfers() -> list[Transfer]:
    return list(db.session.scalars(sa.select(Transfer)))


@pytest.fixture
def offers(index, practices, focal):
    """A Colombian practice that meets the Brazilian need (in Spanish), a French one that
    does not, a Brazilian one (the need's own country) and a withdrawn one."""
    return {
        "match": practices.make(focal("CO"), "published", **DOMESTIC_ES),
        "other": practices.make(focal("HT"), "published", **MINING_FR),
        "own": practices.make(focal("BR"), "published"),
        "withdrawn": practices.make(focal("PE"), "archived", **DOMESTIC_ES),
    }


def test_suggestions_cross_languages_and_never_the_needs_own_country(need, offers, focal):
    item = need("BR")
    with force_locale("en"):
        found = service.suggestions(focal("BR"), item)
    ids = [s.practice.id for s in found]
    assert ids[0] == offers["match"].id
    assert offers["own"].id not in ids and offers["withdrawn"].id not in ids
    first = found[0]
    assert first.concepts, "the thesaurus concepts matched are shown"
    assert any("Sector" in reason for reason in first.facets)
    assert any("costs little" in reason for reason in first.criteria)


def test_express_interest_proposes_one_transfer_linked_to_the_need(need, offers, focal):
    item = need("BR")
    done = service.express_interest(focal("BR"), item, offers["match"].id)
    assert done.created and done.transfer.need_id == item.id
    assert done.transfer.recipient_code == "BR" and done.transfer.provider_code == "CO"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "transfer.propose"))
    assert event.changes["need_id"] == [None, item.id]
    again = service.express_interest(focal("BR"), item, offers["match"].id)
    assert not again.created and again.transfer.id == done.transfer.id
    assert len(_transfers()) == 1
    shown = service.suggestions(focal("BR"), item)
    assert shown[0].transfer.id == done.transfer.id


def test_interest_in_a_withdrawn_practice_is_refused(need, offers, focal):
    item = need("BR")
    with pytest.raises(ValidationError):
        service.express_interest(focal("BR"), item, offers["withdrawn"].id)
    with pytest.raises(ValidationError):
        service.express_interest(focal("BR"), item, "not-an-id")
    with pytest.raises(ValidationError):
        service.express_interest(focal("BR"), item, offers["own"].id)
    assert _transfers() == []


def test_only_the_needs_country_expresses_interest(need, offers, focal):
    item = need("BR")
    with pytest.raises(PermissionDenied):
        service.express_interest(focal("CO"), item, offers["other"].id)
    assert _transfers() == []


def test_interest_on_the_web_twice_makes_one_transfer(client, auth, need, offers, focal):
    item = need("BR")
    auth.login(focal("BR"))
    page = client.get(f"/needs/{item.id}").get_data(as_text=True)
    assert offers["match"].title in page and offers["own"].title not in page
    for _ in range(2):
        answer = client.post(f"/needs/{item.id}/interest", data={"practice_id": offers["match"].id})
        assert answer.status_code == 303
    assert len(_transfers()) == 1
    withdrawn = client.post(
        f"/needs/{item.id}/interest", data={"practice_id": offers["withdrawn"].id}
    )
    assert withdrawn.status_code == 303 and len(_transfers()) == 1
    page = client.get(f"/needs/{item.id}").get_data(as_text=True)
    assert f"/transfers/{_transfers()[0].id}" in page


def test_another_country_cannot_express_interest_on_the_web(client, auth, need, offers, focal):
    item = need("BR")
    auth.login(focal("CO"))
    answer = client.post(f"/needs/{item.id}/interest", data={"practice_id": offers["other"].id})
    assert answer.status_code == 403 and _transfers() == []


def _matched(need_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "need.matched", AuditEvent.entity_id == need_id
            )
        )
    )


def test_publishing_a_matching_practice_records_need_matched(need, practices, focal):
    item = need("BR")
    unrelated = need("CO", theme="ptap", sectors=["mining"], language="es")
    practice = practices.make(focal("PE"), "published", **DOMESTIC_ES)
    events = _matched(item.id)
    assert [e.changes for e in events] == [{"practice_id": practice.id}]
    assert events[0].entity_type == "need"
    assert _matched(unrelated.id) == []


def test_a_practice_of_the_needs_own_country_or_a_draft_need_is_not_matched(need, practices, focal):
    item = need("BR")
    draft = need("CO", status="draft", language="es")
    practices.make(focal("BR"), "published", **DOMESTIC_ES)
    assert _matched(item.id) == []
    practices.make(focal("PE"), "published", **DOMESTIC_ES)
    assert _matched(draft.id) == []


def test_a_failed_publication_leaves_no_match(need, practices, focal, secretariat, monkeypatch):
    item = need("BR")
    practice = practices.make(focal("PE"), "submitted", **DOMESTIC_ES)
    with pytest.raises(ValidationError):
        practices_service.publish(secretariat, practice, {"innovative": 9})
    db.session.rollback()
    assert _matched(item.id) == []


def test_the_practice_page_shows_the_countries_whose_needs_it_meets(client, need, practices, focal):
    item = need("BR")
    practice = practices.make(focal("PE"), "published", **DOMESTIC_ES)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert item.title in page


def test_the_matrix_highlights_demand_without_practice(
    client, auth, need, practices, focal, secretariat
):
    need("BR")  # domestic work, PETI: no practice
    need("CO", theme="ptap", sectors=["mining"], language="es")
    practices.make(focal("HT"), "published", **{**MINING_FR, "theme": "both"})
    from kmportal.needs import matrix

    built = matrix.build()
    cells = {sector.value: cells for sector, cells in built.rows}
    themes = [t.value for t in built.themes]
    assert cells["domestic_work"][themes.index("peti")].gap
    assert not cells["mining"][themes.index("ptap")].gap
    assert built.gaps == 1
    auth.login(focal("BR"))
    assert client.get("/needs/matrix").status_code == 403
    auth.logout()
    auth.login(secretariat)
    page = client.get("/needs/matrix")
    assert page.status_code == 200 and 'class="gap"' in page.get_data(as_text=True)
    assert "style=" not in page.get_data(as_text=True)
