"""Small import files built in the tests, and running an import on them."""

from __future__ import annotations

import csv
import io
import json

from flask_babel import force_locale

from kmportal.practices.enums import Criterion
from kmportal.practices.importing.service import ImportOptions, import_practices

FULL_ROW = {
    "external_id": "ilo-1",
    "country": "Brasil",
    "title": "Escolas sem trabalho infantil",
    "summary": "Transferência de renda condicionada à frequência escolar.",
    "description": "Famílias recebem apoio quando as crianças frequentam a escola.",
    "theme": "PETI",
    "language": "pt",
    "institution": "Ministério do Desenvolvimento Social",
    "population": "Crianças de 7 a 15 anos",
    "results": "Redução de 30% do trabalho infantil.",
    "replication": "Cadastro único de famílias.",
    "period_start": "2010",
    "period_end": "2014",
    "sectors": "Trabajo doméstico; agriculture",
    "outcomes": "prevention",
    "actors": "Gobierno",
    "languages": "pt; Español",
    "tags": "escola, renda",
    "sdg_87": "sim",
    **{f"argument_{c.value}": f"Argumento sobre {c.value}." for c in Criterion},
}
SCORES = {f"score_{c.value}": "3" for c in Criterion}


def csv_bytes(rows: list[dict], delimiter=",", bom=False, encoding="utf-8") -> bytes:
    names = list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, names, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def json_bytes(rows) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode()


def run(user, data: bytes, filename="practices.csv", locale="en", **options):
    """The import's report, its messages in `locale` (English unless told)."""
    with force_locale(locale):
        options = ImportOptions(filename=filename, **options)
        return import_practices(user, io.BytesIO(data), options)


def row(**overrides) -> dict:
    values = dict(FULL_ROW)
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}
