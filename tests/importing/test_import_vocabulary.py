"""Codes, or labels in any of the four languages, without case or accents."""

import pytest

from kmportal.practices.importing import vocabulary
from kmportal.practices.importing.vocabulary import AMBIGUOUS, Vocabulary, fold


@pytest.fixture
def words(app):
    return vocabulary.build()


SPELLINGS = [
    ("sectors", "PETI", None),
    ("theme", "PETI", "peti"),
    ("theme", "Prevención y erradicación del trabajo infantil (PETI)", "peti"),
    ("sectors", "Trabajo doméstico", "domestic_work"),
    ("sectors", "domestic work", "domestic_work"),
    ("sectors", "trabalho doméstico", "domestic_work"),
    ("sectors", "TRAVAIL DOMESTIQUE", "domestic_work"),
    ("sectors", "domestic_work", "domestic_work"),
    ("outcomes", "prevención", "prevention"),
    ("actors", "Empregadores", "employers"),
    ("language", "Espanhol", "es"),
    ("language", "Français", "fr"),
    ("language", "EN", "en"),
    ("country", "br", "BR"),
    ("country", "BRA", "BR"),
    ("country", "Brésil", "BR"),
    ("country", "brasil", "BR"),
    ("country", "Perú", "PE"),
    ("country", "peru", "PE"),
    ("country", "Atlantis", None),
]


def test_spellings(words):
    wrong = [
        (kind, spelling, words.lookup(kind, spelling))
        for kind, spelling, code in SPELLINGS
        if words.lookup(kind, spelling) != code
    ]
    assert not wrong


def test_theme_label_is_taken_from_the_catalogue(words):
    # Built from the es catalogue: the Spanish label must be in it (a wrong test otherwise).
    assert fold("Prevención y erradicación del trabajo infantil (PETI)") in words.terms["theme"]


def test_a_spelling_of_two_values_is_ambiguous():
    table = Vocabulary()
    table.add("actors", "Otros", "other")
    table.add("actors", "otros", "other")
    assert table.lookup("actors", "OTROS") == "other"
    table.add("actors", "Otros", "workers")
    assert table.lookup("actors", "otros") is AMBIGUOUS


def test_fold():
    assert fold("  Trabalho_Doméstico-rural ") == "trabalho domestico rural"
