"""What a review of the API found, kept fixed: token requests are no change of the pages'
data, the owner's language, bodies an operation does not read, 304s with their ETag, /me
without credentials, idempotency after a failure and with re-serialised JSON."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from kmportal.auth.models import Role
from kmportal.extensions import db
from kmportal.pagecache.version import DataVersion
from kmportal.practices.models import Practice
from tests.conftest import make_user
from tests.factories import practice_values


def _data_version() -> int:
    return db.session.scalar(sa.select(DataVersion.version))


def test_token_reads_change_nothing_the_page_cache_watches(client, focal_br, bearer):
    headers = bearer(focal_br, "read")
    before = _data_version()
    for _ in range(3):
        assert client.get("/api/v1/countries", headers=headers).status_code == 200
    db.session.expire_all()
    assert _data_version() == before


def test_a_token_read_answers_in_its_owner_s_language(client, bearer):
    english = make_user("en@example.org", Role.FOCAL_POINT, "JM", "en")
    answer = client.get("/api/v1/practices/424242", headers=bearer(english, "read"))
    assert answer.get_json()["message"] == "There is no such practice."


def test_a_form_sent_to_a_json_operation_is_415_and_changes_nothing(
    client, practices, focal_br, bearer
):
    practice = practices.make(focal_br, "draft")
    answer = client.patch(
        f"/api/v1/practices/{practice.id}",
        data={"title": "Novo"},
        content_type="multipart/form-data",
        headers=bearer(focal_br),
    )
    assert answer.status_code == 415
    db.session.refresh(practice)
    assert practice.title != "Novo"
    as_json = client.post("/api/v1/practices/import", json={"file": "x"}, headers=bearer(focal_br))
    assert as_json.status_code == 415


def test_a_304_repeats_the_etag(client):
    first = client.get("/api/v1/countries")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/countries", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_me_without_credentials_asks_for_a_token(client):
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_re_serialised_json_body_is_the_same_request(client, focal_br, bearer):
    headers = {
        **bearer(focal_br),
        "Idempotency-Key": "same-json",
        "Content-Type": "application/json",
    }
    values = practice_values(tags=[])
    first = client.post("/api/v1/practices", data=json.dumps(values), headers=headers)
    reordered = json.dumps(dict(reversed(list(values.items()))), indent=2)
    again = client.post("/api/v1/practices", data=reordered, headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Practice).count() == 1


def test_a_failure_after_the_change_keeps_the_key(app, client, focal_br, bearer, monkeypatch):
    """A 5xx may come after the change was committed: the retry gets that answer again
    instead of making a second practice."""
    from kmportal.api import practices as api_practices

    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    real = api_practices._current
    calls = []

    def fails_once(practice):
        calls.append(practice.id)
        if len(calls) == 1:
            raise RuntimeError("the answer could not be written")
        return real(practice)

    monkeypatch.setattr(api_practices, "_current", fails_once)
    headers = {**bearer(focal_br), "Idempotency-Key": "after-commit"}
    first = client.post("/api/v1/practices", json=practice_values(tags=[]), headers=headers)
    assert first.status_code == 500
    again = client.post("/api/v1/practices", json=practice_values(tags=[]), headers=headers)
    assert again.status_code == 500 and again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Practice).count() == 1


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_another_country_s_draft_need_is_not_found_whatever_is_asked(client, bearer, method):
    from kmportal.needs import service as needs
    from tests.needs.conftest import need_values

    brazil = make_user("br.need@example.org", Role.FOCAL_POINT, "BR", "pt")
    colombia = make_user("co.need@example.org", Role.FOCAL_POINT, "CO", "es")
    draft = needs.create_need(brazil, need_values(country_code="BR", status="draft"))
    path = f"/api/v1/needs/{draft.id}" + ("/interests" if method == "POST" else "")
    body = {"practice_id": 1} if method == "POST" else {"title": "x"}
    answer = client.open(path, method=method, json=body, headers=bearer(colombia))
    assert answer.status_code == 404


def test_a_read_token_s_refused_write_is_in_its_owner_s_language(client, bearer):
    french = make_user("fr@example.org", Role.FOCAL_POINT, "HT", "fr")
    answer = client.post("/api/v1/practices", json={}, headers=bearer(french, "read"))
    assert answer.status_code == 403 and "jeton" in answer.get_json()["message"]
