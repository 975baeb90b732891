"""Similar practices: what a practice page lists under "Similar practices".

The practice's most distinctive words, looked up in the titles and summaries of the
practices the reader may see, fused with the practices nearest to it in meaning (the same
fusion as a search, so similar practices cross languages), other countries first. Kept per
reader generation of the index (until the next commit).
"""

from __future__ import annotations

import logging

from whoosh import query as wq

from kmportal.practices.models import Practice
from kmportal.search import documents, ranking, semantic
from kmportal.search.index import IndexUnavailable
from kmportal.search.schema import LANGUAGES, TEXT_PARTS, text_field
from kmportal.search.service import _readable, _visible_docs, current_index, visibility

log = logging.getLogger(__name__)

# A similar practice scores at least this share of the most similar one's score.
SIMILAR_ENOUGH = 0.25
SIMILAR_TERMS = 10
MEMO_SIZE = 1000


def similar_practices(user, practice: Practice, limit: int = 4) -> list[Practice]:
    """Practices like this one (more-like-this over the index), other countries first.

    Never fails the practice page: without a usable index it returns nothing.
    """
    try:
        return _similar(user, practice, limit)
    except IndexUnavailable:
        return []
    except Exception:  # a damaged index must not break the practice page
        log.exception("Similar practices unavailable for practice %s", practice.id)
        return []


def _similar(user, practice: Practice, limit: int) -> list[Practice]:
    with current_index().reading() as reading:
        key = ("similar", practice.id, visibility(user), limit)
        if key not in reading.memo:
            if len(reading.memo) > MEMO_SIZE:
                reading.memo.clear()
            reading.memo[key] = _similar_ids(reading, user, practice, limit)
        ids = reading.memo[key]
    candidates = [p for p in _readable(user, ids) if p.id != practice.id]
    # Other countries first: the point is to find experience a country does not have yet.
    candidates.sort(key=lambda p: p.country_code == practice.country_code)
    return candidates[:limit]


def _similar_ids(reading, user, practice: Practice, limit: int) -> list[int]:
    """The practice's most distinctive words (from all its text) looked for in the titles
    and summaries of the others: what a practice is about, not every word of its body."""
    lang = practice.language if practice.language in LANGUAGES else "es"
    document = documents.document_for(practice)
    searcher = reading.searcher
    weights: dict[str, float] = {}
    for part in TEXT_PARTS:
        fieldname = text_field(part, lang)
        for term, weight in searcher.key_terms_from_text(fieldname, document[fieldname], 8):
            weights[term] = max(weight, weights.get(term, 0.0))
    strongest = sorted(weights.items(), key=lambda item: -item[1])[:SIMILAR_TERMS]
    clauses = [
        wq.Term(text_field(part, lang), term, boost=weight)
        for term, weight in strongest
        for part in ("title", "summary")
    ]
    if not clauses:
        return []
    facets = [wq.Term("sector", sector, boost=0.2) for sector in practice.sectors]
    facets += [wq.Term("outcome", outcome, boost=0.1) for outcome in practice.outcomes]
    visible = _visible_docs(reading, user)
    scope = set(reading.all_docs() if visible is None else visible)
    scope.discard(searcher.document_number(id=str(practice.id)))
    if not scope:
        return []
    # The facets only weigh in among practices that share words with this one.
    query = wq.AndMaybe(wq.Or(clauses), wq.Or(facets)) if facets else wq.Or(clauses)
    results = searcher.search(query, filter=scope, limit=limit * 4)
    best = results.score(0) if len(results.top_n) else 0
    # Close enough to count as similar; among those, the order is decided by the caller.
    lexical = [
        ranking.Ranked(docnum, 1, score)
        for score, docnum in results.top_n
        if score >= best * SIMILAR_ENOUGH
    ]
    # Near in meaning, whatever the language: the same fusion as a search.
    nearby = semantic.neighbours_of_practice(reading, practice.id, scope, limit * 2)
    return [reading.practice_id(docnum) for docnum in ranking.fuse(lexical, nearby)[: limit * 4]]
