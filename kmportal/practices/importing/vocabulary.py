"""What an import accepts for a coded field: the code itself, or its label in any of the
portal's four languages, compared without case or accents ("Trabajo doméstico", "domestic
work" and "TRABALHO DOMESTICO" are all `domestic_work`). Countries by ISO code (two or three
letters) or by name in any of the four languages.

The labels are the enums' own translatable labels read through the translation catalogues,
so a label added or retranslated there is accepted here with nothing else to change. A
spelling that two values share is refused as ambiguous rather than guessed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import pycountry
import sqlalchemy as sa
from flask_babel import force_locale

from kmportal.extensions import db
from kmportal.languages import LANGUAGE_NAMES, LANGUAGES, OWN_NAMES
from kmportal.practices.enums import Actor, Sector, StrategicOutcome, Theme
from kmportal.reference.models import Country

AMBIGUOUS = object()


def fold(text: str) -> str:
    """Lower case, no accents, one space between words; `_` and `-` count as spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[_\-]+", " ", bare.casefold()).split())


@functools.lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return fold(text)


@dataclass
class Vocabulary:
    """Spelling (folded) -> code, per field; AMBIGUOUS where two codes share a spelling."""

    terms: dict[str, dict[str, object]] = field(default_factory=dict)
    # The member countries, held for the import's length: the session's identity map keeps
    # only what is referenced, and every row's cleaning looks its country up.
    countries: list = field(default_factory=list)

    def add(self, kind: str, spelling: str, code: str) -> None:
        table = self.terms.setdefault(kind, {})
        key = fold(spelling)
        if not key:
            return
        known = table.get(key)
        table[key] = code if known in (None, code) else AMBIGUOUS

    def lookup(self, kind: str, spelling: str) -> str | None | object:
        """The code, None when unknown, AMBIGUOUS when it could be several."""
        return self.terms.get(kind, {}).get(_fold_cached(spelling))


ENUMS = {"theme": Theme, "sectors": Sector, "outcomes": StrategicOutcome, "actors": Actor}


def build() -> Vocabulary:
    """The vocabulary for one import (it reads the countries once)."""
    vocabulary = Vocabulary()
    for locale in LANGUAGES:
        with force_locale(locale):
            for kind, enum_cls in ENUMS.items():
                for member in enum_cls:
                    vocabulary.add(kind, str(member.label), member.value)
            for code, name in LANGUAGE_NAMES.items():
                vocabulary.add("language", str(name), code)
    for kind, enum_cls in ENUMS.items():  # codes last: a code always wins over a label
        for member in enum_cls:
            vocabulary.terms[kind][fold(member.value)] = member.value
    for code, name in OWN_NAMES.items():
        vocabulary.add("language", name, code)
    for code in LANGUAGES:
        vocabulary.terms["language"][fold(code)] = code
    _add_countries(vocabulary)
    return vocabulary


def _add_countries(vocabulary: Vocabulary) -> None:
    vocabulary.countries = list(db.session.scalars(sa.select(Country)))
    for country in vocabulary.countries:
        names = [country.name_es, country.name_en, country.name_pt, country.name_fr]
        record = pycountry.countries.get(alpha_2=country.code)
        if record is not None:
            names += [
                getattr(record, attribute, "")
                for attribute in ("name", "official_name", "common_name")
            ]
            vocabulary.add("country", record.alpha_3, country.code)
        for name in names:
            vocabulary.add("country", name or "", country.code)
    for country in vocabulary.countries:  # codes win over names
        vocabulary.terms.setdefault("country", {})[fold(country.code)] = country.code
