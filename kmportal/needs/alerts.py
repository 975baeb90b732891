"""Open needs a practice matches well: what the practice page lists, and the `need.matched`
audit event recorded when a practice is published (notifications turn it into a notice for
the needing country).

At publication the search index is not yet updated (it follows the commit), so the new
practice is scored against the open needs directly: the cosine of the semantic encoder's
vectors when the leg is on, the thesaurus concepts both texts name, and the facets. Bounded
(the newest OPEN_NEEDS_LIMIT open needs) and fast (need vectors kept per process).
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import numpy as np
import sqlalchemy as sa

from kmportal.audit import service as audit
from kmportal.extensions import db
from kmportal.needs.enums import NeedStatus
from kmportal.needs.matching import concepts_of, themes_agree
from kmportal.needs.models import Need
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice
from kmportal.search import semantic
from kmportal.search.embeddings import QUERY_CHARS, passage_text

log = logging.getLogger(__name__)

OPEN_NEEDS_LIMIT = 300
# A good match: near in meaning (cosine of USE vectors)...
COSINE_FLOOR = 0.45
# ...or, without the semantic leg, naming this many thesaurus concepts in common.
SHARED_CONCEPTS = 3
_VECTOR_CACHE = 2000
_need_vectors: OrderedDict = OrderedDict()


def open_needs(other_than: str, limit: int = OPEN_NEEDS_LIMIT) -> list[Need]:
    return list(
        db.session.scalars(
            sa.select(Need)
            .where(Need.status == NeedStatus.PUBLISHED, Need.country_code != other_than)
            .order_by(Need.updated_at.desc(), Need.id.desc())
            .limit(limit)
        )
    )


def _encoder():
    vectors = semantic.store()
    return None if vectors is None else vectors.encoder


def _vector_key(encoder, need: Need) -> tuple:
    return (encoder.name, need.id, need.updated_at)


def _encode_missing(encoder, needs: list[Need]) -> None:
    """The vectors of the needs not yet cached, in one batch (one call to the model)."""
    missing = [need for need in needs if _vector_key(encoder, need) not in _need_vectors]
    if not missing:
        return
    vectors = encoder.passages([need.text[:QUERY_CHARS] for need in missing])
    for need, vector in zip(missing, vectors, strict=True):
        _need_vectors[_vector_key(encoder, need)] = vector
    while len(_need_vectors) > _VECTOR_CACHE:
        _need_vectors.popitem(last=False)


def _need_vector(encoder, need: Need):
    key = _vector_key(encoder, need)
    if key not in _need_vectors:
        _encode_missing(encoder, [need])
    return _need_vectors[key]


_concepts: OrderedDict = OrderedDict()


def _cached_concepts(key: tuple, text: str) -> set[str]:
    """The thesaurus concepts of a need's or a practice's text, kept per process while the
    record is unchanged (`key` carries its updated_at): a practice page asks on every render."""
    if key not in _concepts:
        _concepts[key] = concepts_of(text)
        while len(_concepts) > _VECTOR_CACHE:
            _concepts.popitem(last=False)
    return _concepts[key]


def _concepts_of_need(need: Need) -> set[str]:
    return _cached_concepts(("need", need.id, need.updated_at), f"{need.text}\n{need.population}")


def _concepts_of_practice(practice: Practice) -> set[str]:
    text = passage_text(practice.title, practice.summary, practice.description)
    key = ("practice", practice.id, practice.updated_at)
    return _cached_concepts(key, f"{text}\n{practice.population}")


def _practice_vector(encoder, practice: Practice):
    stored = semantic.store().vector_of(practice.id)
    if stored is not None:
        return stored
    text = passage_text(practice.title, practice.summary, practice.description)
    return encoder.passages([text])[0]


def match_strength(need: Need, practice: Practice, practice_concepts: set[str], encoder, vector):
    """How well the practice meets the need (higher is better), or None when it does not."""
    if not themes_agree(need.theme, practice.theme):
        return None
    if need.sectors and practice.sectors and not set(need.sectors) & set(practice.sectors):
        return None
    shared = len(_concepts_of_need(need) & practice_concepts)
    if encoder is not None:
        cosine = float(np.dot(_need_vector(encoder, need), vector))
        return cosine + 0.02 * shared if cosine >= COSINE_FLOOR else None
    return float(shared) if shared >= SHARED_CONCEPTS else None


def matching_needs(practice: Practice, limit: int = 10) -> list[Need]:
    """The open needs of other countries the (published) practice matches well, best first."""
    if practice.state is not PracticeState.PUBLISHED:
        return []
    encoder = _encoder()
    vector = _practice_vector(encoder, practice) if encoder is not None else None
    concepts = _concepts_of_practice(practice)
    candidates = open_needs(practice.country_code)
    if encoder is not None:
        _encode_missing(encoder, candidates)
    scored = []
    for need in candidates:
        strength = match_strength(need, practice, concepts, encoder, vector)
        if strength is not None:
            scored.append((strength, need))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [need for _, need in scored[:limit]]


def on_recorded(event, actor=None, **_):
    """audit.recorded receiver: a published practice that matches open needs well records
    `need.matched` for each, in the publication's transaction."""
    if event.action != "practice.publish":
        return
    # A database not yet migrated to the needs (0008) has nothing to match; asked on a
    # connection of its own, since a failed read would abort the publication on PostgreSQL.
    if not sa.inspect(db.engine).has_table(Need.__tablename__):
        return
    try:
        practice = db.session.get(Practice, event.entity_id)
        needs = matching_needs(practice) if practice is not None else []
    except Exception:  # never fail a publication for a suggestion
        log.exception("Could not match practice %s against the open needs", event.entity_id)
        return
    for need in needs:
        audit.record(actor, "need.matched", "need", need.id, {"practice_id": practice.id})
