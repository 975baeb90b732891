"""Needs: recorded by their country's focal point or the secretariat, read by anyone once
published, every change audited, bad input refused with a message and nothing written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kmportal.audit import service as audit
from kmportal.errors import NotFound, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.needs import service
from kmportal.needs.models import Need
from tests.needs.conftest import need_values


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Need))


def test_a_focal_point_records_its_countrys_need_audited(focal):
    need = service.create_need(focal("BR"), need_values())
    assert need.country_code == "BR" and need.sectors == ["domestic_work"]
    assert need.created_by_id == focal("BR").id
    events = audit.history("need", need.id)
    assert [e.action for e in events] == ["need.create"]
    assert events[0].changes["title"] == [None, need.title]


def test_a_focal_point_of_another_country_is_refused(focal):
    with pytest.raises(PermissionDenied):
        service.create_need(focal("CO"), need_values(country_code="BR"))
    assert _count() == 0


def test_a_need_with_no_text_is_refused_with_messages(focal):
    with pytest.raises(ValidationError) as refused:
        service.create_need(focal("BR"), need_values(title="  ", description=""))
    assert set(refused.value.errors) >= {"title", "description"}
    db.session.rollback()
    assert _count() == 0


def test_bad_choices_are_refused(focal):
    with pytest.raises(ValidationError) as refused:
        service.create_need(
            focal("BR"), need_values(theme="x", sectors=["moon"], funding_mode="gift")
        )
    assert set(refused.value.errors) >= {"theme", "sectors", "funding_mode"}


def test_the_secretariat_edits_and_the_change_is_audited(need, secretariat):
    item = need()
    assert service.update_need(secretariat, item, {**need_values(), "urgency": "low"})
    assert [e.action for e in audit.history("need", item.id)][0] == "need.update"
    assert service.update_need(secretariat, item, {**need_values(), "urgency": "low"}) is False


def test_a_focal_point_cannot_edit_or_move_another_countrys_need(need, focal):
    item = need("BR")
    with pytest.raises(PermissionDenied):
        service.update_need(focal("CO"), item, need_values(country_code="BR"))
    with pytest.raises(PermissionDenied):
        service.update_need(focal("BR"), item, need_values(country_code="CO"))


def test_drafts_are_read_by_their_country_only(need, focal, secretariat):
    draft = need("BR", status="draft")
    assert service.get_need(focal("BR"), draft.id) is draft
    assert service.get_need(secretariat, draft.id) is draft
    with pytest.raises(NotFound):
        service.get_need(focal("CO"), draft.id)


def test_list_filters(need, focal):
    from flask_login import AnonymousUserMixin

    need("BR")
    need("CO", theme="ptap", sectors=["mining"], language="es")
    need("PE", status="draft", language="es")
    anyone = AnonymousUserMixin()
    codes = lambda **f: sorted(  # noqa: E731
        n.country_code for n in service.list_needs(anyone, service.NeedFilters(**f))
    )
    assert codes() == ["BR", "CO"]
    assert codes(country="co") == ["CO"]
    assert codes(theme="ptap") == ["CO"]
    assert codes(sector="domestic_work") == ["BR"]
    assert codes(status="draft") == []
    assert codes(theme="nonsense") == ["BR", "CO"]


def test_pages(client, auth, need, focal):
    item = need("BR")
    assert client.get("/needs/").status_code == 200
    page = client.get(f"/needs/{item.id}")
    assert page.status_code == 200 and item.title in page.get_data(as_text=True)
    assert client.get("/needs/999999").status_code == 404
    auth.login(focal("CO"))
    assert client.get(f"/needs/{item.id}/edit").status_code == 403
    refused = client.post("/needs/new", data=need_values(country_code="BR"))
    assert refused.status_code == 403
    assert _count() == 1


def test_the_form_shows_the_message_for_an_empty_need(client, auth, focal):
    auth.login(focal("BR"))
    assert client.get("/needs/new").status_code == 200
    page = client.post("/needs/new", data=need_values(title="", description=""))
    assert page.status_code == 422
    assert 'class="error"' in page.get_data(as_text=True)
    assert _count() == 0


def test_the_form_saves_a_need(client, auth, focal):
    auth.login(focal("BR"))
    saved = client.post("/needs/new", data=need_values())
    assert saved.status_code == 302
    assert _count() == 1


def test_the_country_page_shows_its_needs(client, need):
    item = need("BR")
    page = client.get("/countries/BR").get_data(as_text=True)
    assert item.title in page
