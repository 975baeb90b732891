"""Country names in phrases that read right in each language, and French typography."""

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kmportal.reference.loaders import MEMBER_COUNTRIES
from kmportal.reference.phrases import LANGUAGES, articles, phrase

FRENCH = Path(__file__).resolve().parents[1] / "kmportal/translations/fr/LC_MESSAGES/messages.po"


@pytest.mark.parametrize(
    ("kind", "code", "name", "language", "shown"),
    [
        ("of", "BR", "Brasil", "pt", "do Brasil"),
        ("of", "CO", "Colômbia", "pt", "da Colômbia"),
        ("of", "BS", "Bahamas", "pt", "das Bahamas"),
        ("of", "BR", "Brésil", "fr", "du Brésil"),
        ("of", "CO", "Colombie", "fr", "de la Colombie"),
        ("of", "HT", "Haïti", "fr", "d'Haïti"),
        ("of", "AR", "Argentine", "fr", "de l'Argentine"),
        ("of", "BS", "Bahamas", "fr", "des Bahamas"),
        ("of", "HN", "Honduras", "fr", "du Honduras"),  # h aspiré: no elision
        ("of", "BR", "Brasil", "es", "de Brasil"),
        ("of", "SV", "El Salvador", "es", "de El Salvador"),
        ("of", "DO", "Dominican Republic", "en", "of the Dominican Republic"),
        ("for", "BR", "Brasil", "pt", "para o Brasil"),
        ("for", "BR", "Brésil", "fr", "pour le Brésil"),
        ("for", "HT", "Haïti", "fr", "pour Haïti"),
        ("for", "PE", "Peru", "en", "for Peru"),
    ],
)
def test_country_phrases(kind, code, name, language, shown):
    assert phrase(kind, code, name, language) == shown


def test_every_member_country_has_its_articles_in_every_language():
    table = articles()
    assert set(MEMBER_COUNTRIES) <= set(table)
    assert all(set(table[code]) == set(LANGUAGES) for code in MEMBER_COUNTRIES)


def test_the_country_page_says_practices_of_the_country(client):
    def page(path):
        return html.unescape(client.get(path).get_data(as_text=True))

    assert "Boas práticas do Brasil" in page("/countries/BR?lang=pt")
    assert "Bonnes pratiques d'Haïti" in page("/countries/HT?lang=fr")
    assert "Bonnes pratiques de la Colombie" in page("/countries/CO?lang=fr")
    assert "Buenas prácticas de Colombia" in page("/countries/CO?lang=es")


def test_a_focal_points_work_list_names_its_country_in_a_phrase(client, auth, focal_br):
    auth.login(focal_br)
    page = client.get("/work?lang=pt").get_data(as_text=True)
    assert "como ponto focal do Brasil," in page
    french = client.get("/work?lang=fr").get_data(as_text=True)
    assert "en tant que point focal du Brésil," in french


# A punctuation mark that French writes after a space (":", ";", "?", "!"), glued to the word
# before it; not a URL's "://", a time's "10:30" or a placeholder's "%(x)s" format.
GLUED = re.compile(r"(?<=[^\s\u00a0\u202f])[:;?!](?!//)(?!\d)")


def french_messages():
    with FRENCH.open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                yield from (text for text in strings if text)


def test_french_puts_a_space_before_colons_semicolons_question_and_exclamation_marks():
    glued = [text for text in french_messages() if GLUED.search(text)]
    assert glued == []


def test_the_french_catalogue_uses_no_break_spaces_there():
    texts = list(french_messages())
    assert sum("\u00a0:" in text for text in texts) > 20


def test_the_typography_check_catches_a_glued_colon():
    assert GLUED.search("Annulée: le 3 mars")
    assert not GLUED.search("Annulée\u00a0: le 3 mars")
    assert not GLUED.search("https://example.org à 10:30")


def test_colons_written_by_templates_follow_french_typography(client):
    french = client.get("/plan?lang=fr").get_data(as_text=True)
    spanish = client.get("/plan?lang=es").get_data(as_text=True)
    assert re.search("Objectif 1\u00a0:</span>", french)
    assert re.search("Objetivo 1:</span>", spanish)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("pt", "Aguardando que o Brasil ou a Colômbia aceite a transferência."),
        ("fr", "On attend que le Brésil ou la Colombie accepte le transfert."),
        ("es", "A la espera de que Brasil o Colombia acepte la transferencia."),
        ("en", "Waiting for Brazil or Colombia to agree to the transfer."),
    ],
)
def test_the_next_step_names_the_countries_with_their_articles(app, language, sentence):
    from types import SimpleNamespace

    from flask import render_template_string
    from flask_babel import refresh

    from kmportal.reference.queries import get_country

    with app.test_request_context(f"/?lang={language}"):
        refresh()
        step = SimpleNamespace(kind="agree", countries=[get_country("BR"), get_country("CO")])
        shown = render_template_string(
            '{% from "transfers/_macros.html" import next_step_sentence %}'
            "{{ next_step_sentence(step) }}",
            step=step,
        )
    assert shown == sentence


def test_a_country_as_the_subject_takes_its_article():
    from kmportal.reference.phrases import phrase

    assert phrase("the", "BR", "Brasil", "pt") == "o Brasil"
    assert phrase("the", "AR", "Argentine", "fr") == "l'Argentine"
    assert phrase("the", "BS", "Bahamas", "en") == "the Bahamas"
    assert phrase("the", "CU", "Cuba", "pt") == "Cuba"


def test_a_country_that_starts_a_sentence_is_capitalised(app):
    from flask_babel import refresh

    from kmportal.reference.phrases import the_country
    from kmportal.reference.queries import get_country

    with app.test_request_context("/?lang=pt"):
        refresh()
        assert the_country(get_country("BR"), capital=True) == "O Brasil"
    with app.test_request_context("/?lang=fr"):
        refresh()
        assert the_country(get_country("CO"), capital=True) == "La Colombie"
