"""The search page itself: the box on every page, a CSP-friendly page, translated text."""

import re

from tests.search.helpers import page_ids


def test_every_page_has_a_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and 'name="q"' in html


def test_search_page_has_no_inline_script_or_style(client, practice):
    practice("CO", title="Huertos escolares", language="es")
    html = client.get("/search?q=huertos&country=CO").get_data(as_text=True)
    assert "<script" not in html
    assert not re.search(r"\sstyle=", html)


def test_results_show_country_theme_year_and_label(client, practice):
    practice("CO", title="Huertos escolares", language="es", period_start=2013)
    html = client.get("/search?q=huertos").get_data(as_text=True)
    hit = html[html.index('<li class="hit">') :]
    assert "Colombia" in hit and "2013" in hit
    assert "(PETI)" in hit and "badge label-good" in hit


def test_search_page_speaks_the_readers_language(client, practice):
    practice("CO", title="Huertos escolares", language="es")
    client.get("/language/en")
    english = client.get("/search?q=huertos").get_data(as_text=True)
    client.get("/language/pt")
    portuguese = client.get("/search?q=huertos").get_data(as_text=True)
    assert english != portuguese
    assert "Search practices" in english


def test_empty_search_browses_every_visible_practice(client, practice):
    shown = practice("CO", title="Huertos escolares", language="es")
    practice("PE", "draft", title="Borrador", language="es")
    assert page_ids(client.get("/search")) == [shown.id]
