"""The language a person picks wins over their stored preference, and updates it; a language
picked just before signing in is kept after it."""

import re

from kmportal.extensions import db
from tests.conftest import PASSWORD


def page_language(client, path="/practices/") -> str:
    return re.search(r'<html lang="([a-z]+)"', client.get(path).get_data(as_text=True))[1]


def test_the_switcher_stores_a_signed_in_persons_choice(client, auth, focal_br):
    auth.login(focal_br)
    assert page_language(client) == "pt"  # the stored preference
    client.get("/language/fr", headers={"Referer": "http://localhost/practices/"})
    assert page_language(client) == "fr"
    db.session.refresh(focal_br)
    assert focal_br.language == "fr"
    # The next sign-in, in another browser, opens in the language picked.
    auth.logout()
    other = client.application.test_client()
    other.post("/login", data={"email": focal_br.email, "password": PASSWORD})
    assert page_language(other) == "fr"


def test_a_language_picked_before_signing_in_is_kept_and_stored(client, auth, focal_br):
    client.get("/language/en")
    assert page_language(client, "/login") == "en"
    auth.login(focal_br)
    assert page_language(client) == "en"  # not the stored Portuguese
    db.session.refresh(focal_br)
    assert focal_br.language == "en"


def test_without_a_new_pick_signing_in_brings_the_stored_language(client, auth, focal_br, focal_co):
    auth.login(focal_co)
    client.get("/language/fr")  # Colombia's focal point picks French, then leaves
    auth.logout()
    auth.login(focal_br)  # the next person in the same browser
    assert page_language(client) == "pt"
    db.session.refresh(focal_br)
    assert focal_br.language == "pt"


def test_an_unknown_language_changes_nothing(client, auth, focal_br):
    auth.login(focal_br)
    assert client.get("/language/xx").status_code == 302
    db.session.refresh(focal_br)
    assert focal_br.language == "pt" and page_language(client) == "pt"
