"""The Atom feed of newly published practices, its link on the list page, and the
schema.org / Dublin Core metadata in the head of a practice page."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice

ATOM = "{http://www.w3.org/2005/Atom}"
REQUIRED = ("id", "title", "updated")


def test_feed_is_atom_with_the_published_practices_newest_first(client, catalogue):
    response = client.get("/feeds/practices.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for name in REQUIRED:
        assert feed.find(f"{ATOM}{name}").text
    entries = feed.findall(f"{ATOM}entry")
    expected = (
        Practice.query.filter(Practice.state == PracticeState.PUBLISHED)
        .order_by(Practice.published_at.desc(), Practice.id.desc())
        .all()
    )
    assert [e.find(f"{ATOM}title").text for e in entries] == [p.title for p in expected]
    for entry, practice in zip(entries, expected, strict=True):
        for name in (*REQUIRED, "published", "summary"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/practices/{practice.id}"
        assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == practice.language
        assert entry.find(f"{ATOM}published").text.startswith(
            practice.published_at.date().isoformat()
        )
        assert entry.find(f"{ATOM}author/{ATOM}name").text == practice.institution


def test_list_page_links_the_feed(client):
    page = client.get("/practices/").get_data(as_text=True)
    head = page.split("</head>")[0]
    assert 'type="application/atom+xml" href="/feeds/practices.atom"' in head


def _head(client, practice) -> str:
    return client.get(f"/practices/{practice.id}").get_data(as_text=True).split("</head>")[0]


def test_practice_page_has_dublin_core_and_schema_org(client, catalogue):
    practice = catalogue["published"][0]
    head = _head(client, practice)
    assert f'<meta name="DC.title" content="{practice.title}" lang="pt">' in head
    assert '<meta name="DC.language" content="pt">' in head
    assert f'<meta name="DC.identifier" content="http://localhost/practices/{practice.id}">' in head
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org" and data["name"] == practice.title
    assert data["inLanguage"] == "pt" and data["spatialCoverage"]["identifier"] == "BR"
    assert data["datePublished"] == practice.published_at.date().isoformat()


def test_the_json_ld_is_a_data_block_the_csp_allows(client, practices, focal_br):
    """A script element of type application/ld+json is never executed, so the CSP's script
    rules do not apply to it; the page keeps a CSP without 'unsafe-inline', and a title
    cannot close the element early (<, > and & are escaped in the JSON)."""
    title = "</script><script>alert(1)</script> & más"
    practice = practices.make(focal_br, "published", title=title)
    response = client.get(f"/practices/{practice.id}")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "default-src 'self'" in policy
    head = response.get_data(as_text=True).split("</head>")[0]
    assert re.findall(r"<script([^>]*)>", head) == [' type="application/ld+json"']
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)[1]
    assert json.loads(block)["name"] == title


def test_unpublished_practices_carry_no_metadata(client, auth, catalogue, focal_br):
    auth.login(focal_br)
    head = _head(client, catalogue["draft"])
    assert "DC.title" not in head and "application/ld+json" not in head


def test_search_page_links_the_feed(client):
    head = client.get("/search?q=escuela").get_data(as_text=True).split("</head>")[0]
    assert 'href="/feeds/practices.atom"' in head


def test_the_page_stays_in_the_readers_language_after_its_metadata(client, catalogue):
    """The metadata names themes in English (force_locale): the page itself stays French."""
    with client.session_transaction() as session:
        session["lang"] = "fr"
    page = client.get(f"/practices/{catalogue['published'][0].id}").get_data(as_text=True)
    head, body = page.split("</head>")
    assert 'content="Prevention and eradication of child labour (PETI)" lang="en"' in head
    assert "Bonnes pratiques" in body and "Prévention" in body
