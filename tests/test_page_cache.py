"""Anonymous pages are cached until the data changes, never a signed-in user's page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from kmportal import create_app
from kmportal.extensions import db
from kmportal.pagecache import page_cache
from kmportal.pagecache.version import current_version
from kmportal.practices import service
from kmportal.practices.models import Practice
from kmportal.search import service as search_service
from tests.conftest import base_config
from tests.factories import practice_values
from tests.search.helpers import notices


def test_a_changed_practice_shows_on_the_next_anonymous_request(client, practices, secretariat):
    practice = practices.make(secretariat, "published", title="Escuela abierta en el campo")
    assert "Escuela abierta en el campo" in client.get(f"/practices/{practice.id}").text
    assert "Escuela abierta en el campo" in client.get(f"/practices/{practice.id}").text

    service.update_practice(secretariat, practice, practice_values(title="Escuela rural abierta"))

    page = client.get(f"/practices/{practice.id}").text
    assert "Escuela rural abierta" in page
    assert "Escuela abierta en el campo" not in page
    assert "Escuela rural abierta" in client.get("/practices/").text


def test_the_second_anonymous_request_is_served_from_the_cache(client, practices, secretariat):
    practice = practices.make(secretariat, "published")
    client.get(f"/practices/{practice.id}")
    # Changed behind the session's back (no commit through it): the kept page is served.
    db.session.execute(
        sa.text("UPDATE practice SET title = 'Cambiado a escondidas' WHERE id = :id"),
        {"id": practice.id},
    )
    db.session.connection().commit()
    assert "Cambiado a escondidas" not in client.get(f"/practices/{practice.id}").text
    page_cache().clear()
    db.session.expire_all()
    assert "Cambiado a escondidas" in client.get(f"/practices/{practice.id}").text


def test_every_committed_write_bumps_the_data_version(app, practices, secretariat):
    before = current_version()
    practice = practices.make(secretariat, "draft")
    after_create = current_version()
    assert after_create > before
    db.session.commit()  # nothing written: no bump
    assert current_version() == after_create
    db.session.execute(
        sa.update(Practice).where(Practice.id == practice.id).values(contact="x@example.org")
    )
    db.session.commit()  # a bulk UPDATE through the session counts too
    assert current_version() == after_create + 1
    db.session.execute(sa.update(Practice).values(contact="y@example.org"))
    db.session.rollback()
    assert current_version() == after_create + 1
    db.session.connection().exec_driver_sql("UPDATE practice SET contact = 'z@example.org'")
    db.session.commit()  # plain SQL on the session's connection counts too
    assert current_version() == after_create + 2
    db.session.connection().exec_driver_sql("UPDATE practice SET contact = 'w@example.org'")
    db.session.rollback()
    db.session.commit()  # the rolled-back write leaves nothing behind to count
    assert current_version() == after_create + 2


def test_a_change_made_by_another_worker_is_seen(app, client, practices, secretariat, tmp_path):
    practice = practices.make(secretariat, "published", title="Título antes del cambio")
    assert "Título antes del cambio" in client.get(f"/practices/{practice.id}").text
    other = create_app(base_config(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"]))
    with other.app_context():
        # A bulk UPDATE: the index does not follow it, so only the data version tells.
        db.session.execute(
            sa.update(Practice)
            .where(Practice.id == practice.id)
            .values(title="Título después del cambio")
        )
        db.session.commit()
        db.session.remove()
    db.session.rollback()  # the test's own session leaves its read transaction
    db.session.expire_all()
    assert "Título después del cambio" in client.get(f"/practices/{practice.id}").text


def test_etag_answers_304_until_the_data_changes(client, practices, secretariat):
    practice = practices.make(secretariat, "published")
    first = client.get(f"/practices/{practice.id}")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(f"/practices/{practice.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    service.update_practice(secretariat, practice, practice_values(title="Otro título nuevo"))
    changed = client.get(f"/practices/{practice.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Otro título nuevo" in changed.text


def test_signed_in_pages_are_never_cached_nor_served_cached(
    client, auth, practices, secretariat, focal_br
):
    practice = practices.make(secretariat, "published")
    anonymous = client.get(f"/practices/{practice.id}")
    assert "ETag" in anonymous.headers
    auth.login(focal_br)
    signed_in = client.get(f"/practices/{practice.id}")
    assert "ETag" not in signed_in.headers
    assert focal_br.name in signed_in.text
    assert signed_in.text != anonymous.text
    auth.logout()
    after = client.get(f"/practices/{practice.id}")
    assert focal_br.name not in after.text


def test_a_flashed_message_is_not_lost_to_the_cache(client, auth, focal_br):
    assert 'class="flash' not in client.get("/").text  # kept for anonymous readers
    auth.login(focal_br)
    auth.logout()
    assert 'class="flash info"' in client.get("/").text
    assert 'class="flash' not in client.get("/").text  # shown once


def test_pages_are_kept_per_language(client, practices, secretariat):
    practice = practices.make(secretariat, "published")
    spanish = client.get(f"/practices/{practice.id}?lang=es").text
    english = client.get(f"/practices/{practice.id}", headers={"Accept-Language": "en"}).text
    assert spanish != english
    assert (
        client.get(f"/practices/{practice.id}", headers={"Accept-Language": "en"}).text == english
    )


def test_a_page_with_a_csrf_token_is_never_shared(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    first = client.get("/login")
    second = app.test_client().get("/login")

    def token(response):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)[1]

    assert "ETag" not in first.headers
    assert token(first) != token(second)


def test_a_change_of_the_search_index_alone_is_seen(client, practices, secretariat):
    practices.make(secretariat, "published", title="Huertos escolares")
    assert "rebuilding" not in notices(client.get("/search?q=huertos"))
    index = search_service.current_index()
    index.mark_rebuilding(True)  # as another worker does when it starts a rebuild
    try:
        assert "rebuilding" in notices(client.get("/search?q=huertos"))
    finally:
        index.mark_rebuilding(False)
    assert "rebuilding" not in notices(client.get("/search?q=huertos"))
