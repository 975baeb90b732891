"""Country names inside phrases that read right in each language: "Práticas do Brasil",
"Pratiques du Brésil / de la Colombie / d'Haïti", "Practices of the Bahamas".

The grammar lives in data: data/country_articles.tsv gives the article each country's name takes
in each language; the prepositions and their contractions with the articles (pt de + o = do,
fr de + le = du, fr de before a vowel = d') are the few rules below. A phrase is built as
"<preposition> <article> <name>", the name being the country's own in that language
(Country.name). Templates call of_country(country) and for_country(country), and their
messages carry the whole phrase: _("Good practices %(of_country)s", of_country=...).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

ARTICLES_FILE = Path(__file__).with_name("data") / "country_articles.tsv"
LANGUAGES = ("en", "es", "pt", "fr")
PREPOSITIONS = {
    "of": {"en": "of", "es": "de", "pt": "de", "fr": "de"},
    "for": {"en": "for", "es": "para", "pt": "para", "fr": "pour"},
    # The name as a sentence's subject or object, with its article: "o Brasil", "le Brésil".
    "the": {"en": "", "es": "", "pt": "", "fr": ""},
}
# (language, preposition, article) → the contracted form.
CONTRACTIONS = {
    ("es", "de", "el"): "del",
    ("pt", "de", "o"): "do",
    ("pt", "de", "a"): "da",
    ("pt", "de", "os"): "dos",
    ("pt", "de", "as"): "das",
    ("fr", "de", "le"): "du",
    ("fr", "de", "les"): "des",
}
FRENCH_ELIDING = {"de": "d'"}
VOWELS = set("aeiouyhàâäéèêëîïôöùûüœæAEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")


@cache
def articles() -> dict[str, dict[str, str]]:
    """{country code: {language: article or ""}}, from country_articles.tsv."""
    with ARTICLES_FILE.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        rows = csv.DictReader(lines, delimiter="\t")
        return {
            row["code"]: {lang: ("" if row[lang] == "-" else row[lang]) for lang in LANGUAGES}
            for row in rows
        }


def phrase(kind: str, code: str, name: str, language: str) -> str:
    """ "<preposition> <article> <name>" in `language`: phrase("of", "BR", "Brasil", "pt") is
    "do Brasil". An unknown country or language takes no article."""
    language = language if language in LANGUAGES else "es"
    preposition = PREPOSITIONS[kind][language]
    article = articles().get(code, {}).get(language, "")
    if not preposition:
        joiner = "" if article.endswith("'") or not article else " "
        return f"{article}{joiner}{name}"
    if not article:
        if language == "fr" and preposition in FRENCH_ELIDING and name[:1] in VOWELS:
            return FRENCH_ELIDING[preposition] + name
        return f"{preposition} {name}"
    contracted = CONTRACTIONS.get((language, preposition, article))
    if contracted:
        return f"{contracted} {name}"
    joiner = "" if article.endswith("'") else " "
    return f"{preposition} {article}{joiner}{name}"


def _in_reader_language(kind: str, country) -> str:
    from flask_babel import get_locale

    if country is None:
        return ""
    language = str(get_locale())
    return phrase(kind, country.code, country.name(language), language)


def of_country(country) -> str:
    """ "of Brazil" in the reader's language: "de Brasil", "do Brasil", "du Brésil"."""
    return _in_reader_language("of", country)


def the_country(country, capital: bool = False) -> str:
    """The country's name with the article it takes in the reader's language, as a
    sentence's subject or object: "o Brasil", "le Brésil", "l'Argentine", "the Bahamas",
    "Brasil"; `capital` for the start of a sentence ("O Brasil confirmou…")."""
    shown = _in_reader_language("the", country)
    return shown[:1].upper() + shown[1:] if capital else shown


def for_country(country) -> str:
    """ "for Brazil" in the reader's language: "para Brasil", "para o Brasil", "pour le Brésil"."""
    return _in_reader_language("for", country)
