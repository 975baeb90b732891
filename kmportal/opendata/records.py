"""What open data publishes, read through the portal's own visibility rules: the published
practices (the public catalogue's rule) and the transfers with what an anonymous reader is
shown of them. Also the vocabularies the exports share (themes, sectors, languages)."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from kmportal.extensions import db
from kmportal.languages import LANGUAGES
from kmportal.practices.enums import Sector, Theme
from kmportal.practices.models import Practice
from kmportal.practices.queries import CatalogueFilters, published
from kmportal.transfers.models import Transfer
from kmportal.transfers.permissions import can as transfer_can
from kmportal.transfers.queries import ShownPractice, TransferFilters, filtered, shown_practice

# A practice of theme "both" is about PETI and about PTAP.
THEME_CONCEPTS = {Theme.PETI: ("peti",), Theme.PTAP: ("ptap",), Theme.BOTH: ("peti", "ptap")}
# ISO 639-1 (the portal's) to ISO 639-2/B (the EU language authority's codes).
ISO_639_2 = {"es": "SPA", "en": "ENG", "pt": "POR", "fr": "FRA"}


def anonymous():
    """The reader open data is for: nobody signed in."""
    return current_app.login_manager.anonymous_user()


def published_practices() -> list[Practice]:
    """The public catalogue (every published practice, no filter), oldest first: a stable
    order, so two downloads of the same data are the same file."""
    query = published(CatalogueFilters()).order_by(None).order_by(Practice.id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PublicTransfer:
    transfer: Transfer
    practice: ShownPractice


def public_transfers() -> list[PublicTransfer]:
    """Every transfer an anonymous reader may read, oldest first, with the practice as the
    transfer pages show it to that reader ("Practice withdrawn" once archived)."""
    reader = anonymous()
    query = (
        filtered(TransferFilters(), None)
        .order_by(None)
        .order_by(Transfer.id)
        .options(selectinload(Transfer.practice).lazyload("*"))
    )
    return [
        PublicTransfer(transfer, shown_practice(reader, transfer.practice))
        for transfer in db.session.scalars(query)
        if transfer_can(reader, "read", transfer)
    ]


def labels(lazy_label, languages=LANGUAGES) -> dict[str, str]:
    """A translated label in each of the portal's languages (or of those given)."""
    result = {}
    for language in languages:
        with force_locale(language):
            result[language] = str(lazy_label)
    return result


def concept_labels(scheme: str, code: str, languages=LANGUAGES) -> dict[str, str]:
    if scheme == "themes":
        theme = {"peti": Theme.PETI, "ptap": Theme.PTAP}[code]
        return labels(theme.label, languages)
    return labels(Sector(code).label, languages)


def root_url() -> str:
    return url_for("main.home", _external=True)


def practice_url(practice_id: int) -> str:
    return url_for("practices.detail", practice_id=practice_id, _external=True)


def concept_uri(scheme: str, code: str) -> str:
    """A concept of the portal's own schemes (themes: peti, ptap; sectors)."""
    return f"{root_url()}vocabulary/{scheme}/{code}"


def scheme_uri(scheme: str) -> str:
    return f"{root_url()}vocabulary/{scheme}"


def alpha_3(country_code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=country_code)
    return country.alpha_3 if country else None


def sector_values(practice: Practice) -> list[str]:
    """The practice's sectors that are sectors of the vocabulary (the facet is free text)."""
    known = set(Sector.values())
    return [value for value in practice.sectors if value in known]


def unique_languages(practice: Practice) -> list[str]:
    return list(dict.fromkeys([practice.language, *practice.languages]))


def attachment_url(attachment_id: int) -> str:
    return url_for("practices.download", attachment_id=attachment_id, _external=True)
