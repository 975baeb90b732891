"""/api/v1/needs: the needs page's list and filters, one need as its page shows it, its
suggestions, and the form's writes and the interest through the same service: a refusal
changes nothing, a second interest is the same transfer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.needs import service
from kmportal.needs.models import Need
from kmportal.search import service as search
from kmportal.transfers.models import Transfer
from tests.conftest import make_user
from tests.needs.conftest import DOMESTIC_ES, MINING_FR, need_values


def _needs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Need))


def _transfers() -> list[Transfer]:
    return list(db.session.scalars(sa.select(Transfer)))


@pytest.fixture
def fp(app):
    """A focal point per country (its language), made once per test."""
    made = {}

    def get(code: str, language: str = "es"):
        if code not in made:
            email = f"api.focal.{code.lower()}@example.org"
            made[code] = make_user(email, Role.FOCAL_POINT, code, language)
        return made[code]

    return get


@pytest.fixture
def make_need(fp):
    def make(country: str = "BR", **values):
        return service.create_need(fp(country), need_values(country_code=country, **values))

    return make


@pytest.fixture
def offers(app, practices, fp):
    """A Colombian practice that meets the Brazilian need, a Haitian one on mining and a
    Brazilian one (the need's own country), all published and indexed."""
    search.reindex()
    return {
        "match": practices.make(fp("CO"), "published", **DOMESTIC_ES),
        "other": practices.make(fp("HT"), "published", **MINING_FR),
        "own": practices.make(fp("BR"), "published"),
    }


# Reading ---------------------------------------------------------------------------------


def test_the_list_shows_published_needs_with_the_pages_filters(client, make_need):
    make_need("BR")
    make_need("CO", theme="ptap", sectors=["mining"], language="es")
    make_need("PE", status="draft", language="es")
    answer = client.get("/api/v1/needs", headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["pages"] == 1
    assert {item["country"]["code"] for item in body["items"]} == {"BR", "CO"}
    first = next(item for item in body["items"] if item["country"]["code"] == "BR")
    assert first["theme"]["code"] == "peti" and first["theme"]["label"]
    assert first["sectors"][0]["code"] == "domestic_work"
    assert first["urgency"]["code"] == "high" and first["status"]["code"] == "published"
    assert first["url"].endswith(f"/needs/{first['id']}")
    mining = client.get("/api/v1/needs?sector=mining").get_json()
    assert [item["country"]["code"] for item in mining["items"]] == ["CO"]
    assert client.get("/api/v1/needs?country=br&theme=peti").get_json()["total"] == 1
    assert client.get("/api/v1/needs?status=draft").get_json()["total"] == 0


def test_the_list_pages_in_a_fixed_order_with_link_headers(client, make_need):
    made = [make_need("BR", title=f"Necessidade {n}") for n in range(5)]
    seen = []
    for number in (1, 2, 3):
        answer = client.get(f"/api/v1/needs?per_page=2&page={number}")
        body = answer.get_json()
        assert body["total"] == 5 and body["pages"] == 3
        seen += [item["id"] for item in body["items"]]
        assert 'rel="first"' in answer.headers["Link"] and 'rel="last"' in answer.headers["Link"]
    assert sorted(seen) == sorted(n.id for n in made) and len(set(seen)) == 5
    middle = client.get("/api/v1/needs?per_page=2&page=2").headers["Link"]
    assert 'rel="prev"' in middle and 'rel="next"' in middle and "per_page=2" in middle


def test_a_bad_filter_is_refused_by_name(client):
    answer = client.get("/api/v1/needs?theme=moon&per_page=0")
    assert answer.status_code == 422
    assert set(answer.get_json()["errors"]) == {"theme", "per_page"}


def test_drafts_are_listed_and_read_by_their_country_only(client, auth, make_need, fp):
    draft = make_need("BR", status="draft")
    assert client.get(f"/api/v1/needs/{draft.id}").status_code == 404
    auth.login(fp("CO"))
    assert client.get(f"/api/v1/needs/{draft.id}").status_code == 404
    auth.logout()
    auth.login(fp("BR"))
    answer = client.get(f"/api/v1/needs/{draft.id}")
    assert answer.status_code == 200 and answer.get_json()["status"]["code"] == "draft"
    assert client.get("/api/v1/needs?status=draft").get_json()["total"] == 1


def test_one_need_says_what_this_reader_may_do(client, auth, make_need, fp):
    item = make_need("BR")
    anonymous = client.get(f"/api/v1/needs/{item.id}").get_json()
    assert anonymous["steps"] == [] and anonymous["transfers"] == []
    assert anonymous["title"] == item.title and anonymous["population"] == item.population
    assert anonymous["funding_mode"]["code"] == "provider_funded"
    assert anonymous["outcome"]["code"] == "withdrawal"
    auth.login(fp("BR"))
    assert client.get(f"/api/v1/needs/{item.id}").get_json()["steps"] == [
        "edit",
        "express_interest",
    ]
    auth.logout()
    auth.login(fp("CO"))
    assert client.get(f"/api/v1/needs/{item.id}").get_json()["steps"] == []


def test_a_need_answers_304_to_its_etag(client, make_need, fp):
    item = make_need("BR")
    first = client.get(f"/api/v1/needs/{item.id}")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/needs/{item.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    listed = client.get("/api/v1/needs")
    assert (
        client.get("/api/v1/needs", headers={"If-None-Match": listed.headers["ETag"]}).status_code
        == 304
    )
    service.update_need(fp("BR"), item, {**service.values_to_edit(item), "urgency": "low"})
    changed = client.get(f"/api/v1/needs/{item.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["urgency"]["code"] == "low"


def test_suggestions_as_the_page_shows_them(client, make_need, offers):
    item = make_need("BR")
    answer = client.get(f"/api/v1/needs/{item.id}/suggestions", headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    body = answer.get_json()
    ids = [s["practice"]["id"] for s in body["items"]]
    assert ids[0] == offers["match"].id and offers["own"].id not in ids
    first = body["items"][0]
    assert first["practice"]["country"]["code"] == "CO" and first["practice"]["language"] == "es"
    assert first["score"] > 0 and first["concepts"] and first["transfer"] is None
    assert any(reason.startswith("Concepts in common") for reason in first["reasons"])
    assert any("costs little" in reason for reason in first["reasons"])
    assert body["may_express_interest"] is False  # anonymous


def test_suggestions_of_a_draft_are_hidden_from_other_countries(client, make_need):
    draft = make_need("BR", status="draft")
    assert client.get(f"/api/v1/needs/{draft.id}/suggestions").status_code == 404


# Writing ---------------------------------------------------------------------------------


def test_writes_need_a_write_token(client, bearer, fp, make_need):
    item = make_need("BR")
    values = need_values()
    assert client.post("/api/v1/needs", json=values).status_code == 401
    read = bearer(fp("BR"), "read")
    refused = client.post("/api/v1/needs", json=values, headers=read)
    assert refused.status_code == 403 and refused.get_json()["status"] == 403
    patched = client.patch(f"/api/v1/needs/{item.id}", json={"urgency": "low"}, headers=read)
    assert patched.status_code == 403
    assert _needs() == 1 and db.session.get(Need, item.id).urgency.value == "high"


def test_a_focal_point_records_its_countrys_need(client, bearer, fp):
    values = need_values()
    del values["country_code"], values["language"]  # the caller's, as on the form
    answer = client.post("/api/v1/needs", json=values, headers=bearer(fp("BR", "pt")))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["country"]["code"] == "BR" and body["language"] == "pt"
    assert answer.headers["Location"].endswith(f"/api/v1/needs/{body['id']}")
    assert body["steps"] == ["edit", "express_interest"]
    need = db.session.get(Need, body["id"])
    assert need.created_by_id == fp("BR").id and need.sectors == ["domestic_work"]


def test_a_refused_need_is_keyed_by_the_services_fields_and_writes_nothing(client, bearer, fp):
    token = bearer(fp("BR"))
    answer = client.post(
        "/api/v1/needs",
        json=need_values(title=" ", description="Too short", theme="x", sectors=["moon"]),
        headers={**token, "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    body = answer.get_json()
    assert set(body["errors"]) == {"title", "description", "theme", "sectors"}
    assert body["errors"]["theme"] == "Not a valid choice."
    unknown = client.post("/api/v1/needs", json={**need_values(), "colour": "red"}, headers=token)
    assert unknown.status_code == 422 and set(unknown.get_json()["errors"]) == {"colour"}
    other = client.post("/api/v1/needs", json=need_values(country_code="CO"), headers=token)
    assert other.status_code == 403
    assert _needs() == 0


def test_patch_changes_only_what_is_sent(client, bearer, make_need, fp):
    item = make_need("BR")
    token = bearer(fp("BR"))
    answer = client.patch(f"/api/v1/needs/{item.id}", json={"urgency": "low"}, headers=token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["outcome"] == "applied" and body["need"]["urgency"]["code"] == "low"
    assert body["need"]["title"] == item.title and body["need"]["sectors"][0]["code"] == (
        "domestic_work"
    )
    same = client.patch(f"/api/v1/needs/{item.id}", json={"urgency": "low"}, headers=token)
    assert same.get_json()["outcome"] == "unchanged"
    cleared = client.patch(f"/api/v1/needs/{item.id}", json={"outcome": None}, headers=token)
    assert cleared.get_json()["need"]["outcome"] is None


def test_patch_refusals_change_nothing(client, bearer, make_need, fp):
    item = make_need("BR")
    token = bearer(fp("BR"))
    bad = client.patch(f"/api/v1/needs/{item.id}", json={"description": "x"}, headers=token)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"description"}
    moved = client.patch(f"/api/v1/needs/{item.id}", json={"country_code": "CO"}, headers=token)
    assert moved.status_code == 403
    other = client.patch(
        f"/api/v1/needs/{item.id}", json={"urgency": "low"}, headers=bearer(fp("CO"))
    )
    assert other.status_code == 403
    db.session.expire_all()
    need = db.session.get(Need, item.id)
    assert need.country_code == "BR" and need.urgency.value == "high"
    assert len(need.description.split()) > 5
    assert client.patch("/api/v1/needs/999999", json={}, headers=token).status_code == 404


def test_interest_twice_is_one_transfer(client, bearer, make_need, fp, offers):
    item = make_need("BR")
    token = bearer(fp("BR"))
    url = f"/api/v1/needs/{item.id}/interests"
    first = client.post(url, json={"practice_id": offers["match"].id}, headers=token)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["created"] is True and body["transfer"]["status"]["code"] == "proposed"
    again = client.post(url, json={"practice_id": offers["match"].id}, headers=token)
    assert again.status_code == 200
    assert again.get_json() == {**body, "created": False}
    transfers = _transfers()
    assert len(transfers) == 1 and transfers[0].need_id == item.id
    shown = client.get(f"/api/v1/needs/{item.id}").get_json()["transfers"]
    assert shown[0]["id"] == transfers[0].id and shown[0]["provider"]["code"] == "CO"
    assert shown[0]["practice"] == {
        "id": offers["match"].id,
        "title": offers["match"].title,
        "readable": True,
    }
    suggested = client.get(f"/api/v1/needs/{item.id}/suggestions").get_json()["items"]
    assert suggested[0]["transfer"]["id"] == transfers[0].id


def test_interest_refusals_change_nothing(client, bearer, make_need, fp, offers):
    item = make_need("BR")
    url = f"/api/v1/needs/{item.id}/interests"
    token = {**bearer(fp("BR")), "Accept-Language": "en"}
    own = client.post(url, json={"practice_id": offers["own"].id}, headers=token)
    assert own.status_code == 422
    assert own.get_json()["message"] == "A need is met by practices of other countries."
    missing = client.post(url, json={"practice_id": 999999}, headers=token)
    assert missing.status_code == 422
    malformed = client.post(url, json={"practice_id": "x"}, headers=token)
    assert malformed.status_code == 422 and set(malformed.get_json()["errors"]) == {"practice_id"}
    other = client.post(url, json={"practice_id": offers["match"].id}, headers=bearer(fp("CO")))
    assert other.status_code == 403
    assert _transfers() == []


def test_the_need_page_and_the_api_name_a_withdrawn_practice_alike(
    client, make_need, fp, offers, secretariat
):
    """Both name a transfer's practice through transfers.queries.shown_practice: once the
    practice is archived, "Practice withdrawn" on the page and in the API."""
    from kmportal.practices import service as practices_service

    item = make_need("BR")
    service.express_interest(fp("BR"), item, offers["match"].id)
    practices_service.archive(secretariat, offers["match"])
    page = client.get(f"/needs/{item.id}?lang=en").get_data(as_text=True)
    assert offers["match"].title not in page and "Practice withdrawn" in page
    shown = client.get(f"/api/v1/needs/{item.id}").get_json()["transfers"][0]["practice"]
    assert shown["readable"] is False and shown["title"] != offers["match"].title
