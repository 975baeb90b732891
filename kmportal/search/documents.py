"""Practices as index documents: which practices are indexed, and what each document holds.

The rule: every practice but archived ones is indexed (archiving or deleting a practice
removes its document); who may find which document is decided at search time by
service.visibility().
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload, selectinload

from kmportal.extensions import db
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice
from kmportal.search.schema import LANGUAGES, SPELLING_FIELD, text_field

_BATCH = 500


def is_indexed(practice: Practice) -> bool:
    """Every practice but archived ones is searchable (by whoever may read it)."""
    return practice.state is not PracticeState.ARCHIVED


def indexed_in_sql():
    """is_indexed() as a SQL condition."""
    return Practice.state != PracticeState.ARCHIVED


def practice_query(ids: set[int] | None = None) -> sa.Select:
    """Practices with what their documents and result cards need, in a fixed few queries."""
    query = sa.select(Practice).options(
        selectinload(Practice.facets),
        selectinload(Practice.assessments),
        lazyload(Practice.activities),
        lazyload(Practice.attachments),
    )
    if ids is not None:
        query = query.where(Practice.id.in_(ids))
    return query


def load_documents(ids: set[int]) -> tuple[list[dict], set[int]]:
    """Current documents for these ids, read in a session of its own (the caller's session
    may be in the middle of its commit), and the ids that must leave the index."""
    with Session(db.engine) as session:
        practices = list(session.scalars(practice_query(ids)))
        documents = [document_for(p) for p in practices if is_indexed(p)]
    return documents, set(ids) - {int(d["id"]) for d in documents}


def all_documents() -> Iterator[dict]:
    """Every document the index should hold, read in batches."""
    with Session(db.engine) as session:
        query = practice_query().where(indexed_in_sql())
        for practice in session.scalars(
            query.order_by(Practice.id).execution_options(yield_per=_BATCH)
        ):
            yield document_for(practice)


def indexed_count() -> int:
    """How many practices belong in the index, according to the database."""
    with Session(db.engine) as session:
        return session.scalar(
            sa.select(sa.func.count()).select_from(Practice).where(indexed_in_sql())
        )


def document_for(practice) -> dict:
    """The index document of one practice: its text under its language's fields, its facets,
    and a fingerprint of both, which `flask search check` compares with the database."""
    lang = practice.language if practice.language in LANGUAGES else "es"
    country = practice.country
    country_names = (
        " ".join(dict.fromkeys(country.name(code) for code in LANGUAGES)) if country else ""
    )
    body = "\n".join(
        part
        for part in (
            practice.description,
            practice.results,
            practice.replication,
            practice.population,
            practice.institution,
            " ".join(practice.tags),
            country_names,
        )
        if part
    )
    label = practice.label
    languages = dict.fromkeys([practice.language, *practice.languages])
    date = practice.published_at or practice.updated_at or practice.created_at
    document = {
        "id": str(practice.id),
        "state": practice.state.value,
        "country": practice.country_code,
        "theme": practice.theme.value,
        "sector": " ".join(practice.sectors),
        "outcome": " ".join(practice.outcomes),
        "language": " ".join(code for code in languages if code),
        "written": lang,
        "year": str(practice.period_start) if practice.period_start else "",
        "label": label.value if label else "",
        "date": _timestamp(date),
        text_field("title", lang): practice.title,
        text_field("summary", lang): practice.summary,
        text_field("body", lang): body,
        SPELLING_FIELD: f"{practice.title}\n{practice.summary}\n{body}",
    }
    document["fingerprint"] = fingerprint(document)
    return document


def fingerprint(document: dict) -> str:
    """A digest of everything a document holds, to tell a stale document from a current one."""
    content = {key: value for key, value in document.items() if key != "fingerprint"}
    return hashlib.sha1(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8"),
        usedforsecurity=False,
    ).hexdigest()


def _timestamp(moment: datetime | None) -> int:
    return int(moment.timestamp() * 1000) if moment else 0
