"""The semantic leg of search: practices near a query (or a practice) in meaning, whatever
their language, from the vectors of vectors.py.

Kept in step like the index: after each commit the changed practices' vectors are written
(service.apply_changes), `flask search reindex` rebuilds them (re-encoding only changed
texts), `flask search check` compares them with the database, and a search that finds
vectors missing fills them in a background thread. Without a usable model everything here
answers "nothing", and search goes on with the lexical leg.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from kmportal.extensions import db
from kmportal.practices.models import Practice
from kmportal.search import documents
from kmportal.search.embeddings import passage_text
from kmportal.search.vectors import VectorStore

log = logging.getLogger(__name__)

EXTENSION = "kmportal.search"
# How many semantic neighbours join a result list, and how close they must be (cosine of
# USE vectors): tuned on the judged set.
NEIGHBOURS = 20
QUERY_FLOOR = 0.15
PRACTICE_FLOOR = 0.35
_QUERY_CACHE_SIZE = 512


def store() -> VectorStore | None:
    return current_app.extensions[EXTENSION].get("vectors")


def off_reason() -> str | None:
    """Why the semantic leg is off, or None when it works."""
    return current_app.extensions[EXTENSION].get("semantic_off")


# Keeping the vectors in step -------------------------------------------------------------


def _texts(ids: set[int] | None) -> tuple[dict[int, str], set[int]]:
    """The passage text of each indexed practice (all of them when ids is None), read in a
    session of its own, and the requested ids that must leave the store."""
    query = sa.select(Practice.id, Practice.title, Practice.summary, Practice.description)
    query = query.where(documents.indexed_in_sql())
    if ids is not None:
        query = query.where(Practice.id.in_(ids))
    with Session(db.engine) as session:
        texts = {
            row.id: passage_text(row.title, row.summary, row.description)
            for row in session.execute(query)
        }
    return texts, (set(ids) - set(texts)) if ids is not None else set()


def apply_changes(practice_ids: set[int]) -> None:
    """After a commit: the changed practices' vectors (never an error for the request)."""
    vectors = store()
    if vectors is None:
        return
    try:
        texts, gone = _texts(set(practice_ids))
        vectors.write(texts, gone)
    except Exception:  # the database has committed; check/ensure repair what is missing
        log.exception("Could not update the vectors of practices %s", practice_ids)


def rebuild(on_progress=None) -> int:
    """Every indexed practice's vector (unchanged texts keep theirs); how many encoded."""
    vectors = store()
    if vectors is None:
        return 0
    texts, _ = _texts(None)
    return vectors.replace_all(texts, on_progress)


@dataclass(frozen=True)
class VectorDrift:
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def check() -> VectorDrift | None:
    """Compare the stored vectors with the database (None when the leg is off)."""
    vectors = store()
    if vectors is None:
        return None
    from kmportal.search.vectors import digest

    texts, _ = _texts(None)
    expected = {pid: digest(vectors.encoder.name, text) for pid, text in texts.items()}
    stored = vectors.digests()
    return VectorDrift(
        missing=sorted(set(expected) - set(stored)),
        extra=sorted(set(stored) - set(expected)),
        stale=sorted(p for p in set(expected) & set(stored) if expected[p] != stored[p]),
    )


_filling = threading.Lock()


def fill_missing_in_background(reading, stored: int) -> None:
    """Vectors missing for documents of the index (a lost file, a crash after a commit)
    are computed in a background thread; searches go on meanwhile. `stored`: how many
    vectors the store holds."""
    if stored >= len(reading.all_docs()) or not _filling.acquire(blocking=False):
        return
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context():
                count = rebuild()
                log.warning("Filled in %d missing practice vectors", count)
        except Exception:  # logged; a later search tries again
            log.exception("Could not fill in the missing practice vectors")
        finally:
            _filling.release()

    threading.Thread(target=run, name="vectors-fill", daemon=True).start()


# Neighbours ------------------------------------------------------------------------------


class _QueryVectors:
    """Recent query vectors: encoding a query costs tens of milliseconds."""

    def __init__(self, size: int):
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, encoder, text: str) -> np.ndarray:
        key = f"{encoder.name}\n{text}"
        with self._lock:
            if key in self._vectors:
                self._vectors.move_to_end(key)
                return self._vectors[key]
        vector = encoder.query(text)
        with self._lock:
            self._vectors[key] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


_query_vectors = _QueryVectors(_QUERY_CACHE_SIZE)


def _allowed_ids(reading, scope) -> set[int] | None:
    return None if scope is None else {reading.practice_id(docnum) for docnum in scope}


def _as_docnums(reading, found) -> list[int]:
    docnums = [reading.docnum_of(pid) for pid, _ in found]
    return [docnum for docnum in docnums if docnum is not None]


def neighbours_of_text(reading, text: str, scope) -> list[int]:
    """Documents (numbers) within scope closest in meaning to the text, best first."""
    vectors = store()
    if vectors is None or not text.strip() or (scope is not None and not scope):
        return []
    loaded = vectors.loaded()
    fill_missing_in_background(reading, len(loaded.ids))
    vector = _query_vectors.get(vectors.encoder, text)
    allowed = _allowed_ids(reading, scope)
    found = vectors.nearest(vector, allowed, NEIGHBOURS, QUERY_FLOOR, loaded)
    return _as_docnums(reading, found)


def neighbours_of_practice(reading, practice_id: int, scope, limit: int) -> list[int]:
    """Documents (numbers) within scope closest in meaning to a practice, best first."""
    vectors = store()
    if vectors is None:
        return []
    vector = vectors.vector_of(practice_id)
    if vector is None:
        return []
    allowed = _allowed_ids(reading, scope)
    if allowed is not None:
        allowed.discard(practice_id)
    found = vectors.nearest(vector, allowed, limit + 1, PRACTICE_FLOOR)
    return _as_docnums(reading, [(pid, s) for pid, s in found if pid != practice_id][:limit])
