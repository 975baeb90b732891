"""The notifications page, the unread count in the navigation, and the preferences form."""

from __future__ import annotations

import pytest

from kmportal.notifications import service
from kmportal.notifications.models import NotificationPreference
from kmportal.practices import service as practice_service
from tests.notifications.conftest import rows


@pytest.fixture(autouse=True)
def english(app, client):
    from flask_babel import refresh

    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()
    with client.session_transaction() as session:
        session["lang"] = "en"


@pytest.fixture
def two_notices(practices, secretariat, focal_br):
    first = practices.make(focal_br, "submitted", title="Primera práctica de escuelas")
    practice_service.return_to_author(secretariat, first, "Falta evidencia.")
    second = practices.make(focal_br, "published", title="Segunda <b>práctica</b>")
    return first, second


def test_the_list_newest_first_unread_marked_each_a_link(client, auth, focal_br, two_notices):
    first, second = two_notices
    auth.login(focal_br)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index(f'href="/practices/{second.id}"') < page.index(
        f'href="/practices/{first.id}"'
    )
    assert page.count('class="unread"') == 2
    assert "Segunda &lt;b&gt;práctica&lt;/b&gt;" in page  # titles are escaped
    assert "(2 unread)" in page


def test_mark_as_read_and_the_count(client, auth, focal_br, two_notices):
    auth.login(focal_br)
    notice = rows(recipient_id=focal_br.id)[0]
    response = client.post(f"/notifications/{notice.id}/read")
    assert response.status_code == 302
    assert service.unread_count(focal_br) == 1
    assert "(1 unread)" in client.get("/notifications").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert service.unread_count(focal_br) == 0


def test_another_persons_notification_is_not_found(client, auth, focal_co, focal_br, two_notices):
    auth.login(focal_co)
    notice = rows(recipient_id=focal_br.id)[0]
    assert client.post(f"/notifications/{notice.id}/read").status_code == 404
    assert client.post("/notifications/nonsense/read").status_code == 404
    assert client.post("/notifications/99999999999999999999/read").status_code == 404
    assert rows(recipient_id=focal_br.id)[0].read_at is None


def test_signed_out_readers_are_sent_to_sign_in(client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/account/notifications").status_code == 302


def test_preferences_are_saved(client, auth, focal_br):
    auth.login(focal_br)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "A practice is returned with comments" in page
    response = client.post(
        "/account/notifications",
        data={"kind-practice_returned": "weekly", "kind-transfer_agreed": "none"},
    )
    assert response.status_code == 302
    chosen = service.preferences(focal_br)
    assert chosen["practice_returned"] == "weekly" and chosen["transfer_agreed"] == "none"
    assert chosen["transfer_proposed"] == "immediate"


@pytest.mark.parametrize(
    "data",
    [
        {"kind-practice_returned": "weekly", "kind-nonsense": "none"},
        {"kind-practice_returned": "weekly", "kind-transfer_agreed": "hourly"},
        {"kind-password_reset": "none"},  # not a kind anyone may turn off
    ],
)
def test_unknown_kinds_or_modes_change_nothing(client, auth, focal_br, data):
    auth.login(focal_br)
    response = client.post("/account/notifications", data=data)
    assert response.status_code == 422
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert NotificationPreference.query.count() == 0


def test_the_navigation_links_to_the_notifications(client, auth, focal_br):
    auth.login(focal_br)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/notifications"' in page
    assert "unread)" not in page
