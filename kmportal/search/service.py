"""Search rules: who finds what, how a search is answered, and keeping the index whole.

- Indexed: every practice except archived ones (documents.is_indexed).
- Found: the same rule as reading a practice (kmportal/practices/permissions.py): anonymous
  readers find published practices; a focal point also finds its own country's others; the
  secretariat finds all, with the state shown. Facet counts come from the same filtered set.
- In step with the database: changes reach the index after the commit (sync.py), and the
  index is rebuilt when it is missing or unreadable, with a notice while that takes time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from whoosh import query as wq
from whoosh.sorting import FieldFacet

from kmportal.extensions import db
from kmportal.practices.enums import PracticeState
from kmportal.practices.models import Practice
from kmportal.practices.permissions import can, read_scope
from kmportal.search import documents
from kmportal.search.facets import FacetGroup, Page, SearchRequest, count_facets
from kmportal.search.index import IndexUnavailable, SearchIndex
from kmportal.search.query import (
    ParsedQuery,
    QueryParsers,
    corrected_text,
    highlighted,
    positive_terms,
)
from kmportal.search.schema import LANGUAGES, TEXT_PARTS, text_field

log = logging.getLogger(__name__)

EXTENSION = "kmportal.search"
# Fewer results than this, and a close spelling that finds more, earns a "Did you mean".
SUGGEST_BELOW = 3
# A similar practice scores at least this share of the most similar one's score.
SIMILAR_ENOUGH = 0.25
SIMILAR_TERMS = 10
MEMO_SIZE = 1000


@dataclass(frozen=True)
class Visibility:
    """Which indexed practices a user finds: all, or published ones plus one country's."""

    everything: bool
    country: str | None = None


def visibility(user) -> Visibility:
    """The read rule of practices/permissions.py (read_scope) expressed as an index filter."""
    scope = read_scope(user)
    return Visibility(everything=scope.everything, country=scope.country)


def _visible_docs(reading, user) -> frozenset[int] | None:
    rule = visibility(user)
    if rule.everything:
        return None
    docs = reading.docs("state", PracticeState.PUBLISHED.value)
    if rule.country:
        docs = docs | reading.docs("country", rule.country)
    return docs


# The index and keeping it in step ---------------------------------------------------------


def current_index() -> SearchIndex:
    return current_app.extensions[EXTENSION]["index"]


def query_parsers() -> QueryParsers:
    return current_app.extensions[EXTENSION]["parsers"]


def apply_changes(practice_ids: set[int]) -> None:
    """Bring these practices' documents in line with the database (called after commit).

    A failure here never turns the user's saved change into an error: it is logged, the
    change is journalled for the next writer, and `flask search check` shows the drift.
    """
    index = current_index()
    try:
        index.write(practice_ids, documents.load_documents)
    except Exception:  # the database has committed; the index must not break the request
        log.exception("Could not update the search index for practices %s", practice_ids)


def reindex(on_document: Callable[[], None] | None = None) -> int:
    """Rebuild the whole index from the database; searches see the old one until done."""
    index = current_index()
    count = index.rebuild(documents.all_documents, on_document)
    index.flush_journal(documents.load_documents)
    return count


def ensure_index() -> str:
    """Make a missing or unreadable index whole again: "ready", or "rebuilding" while a
    large collection is rebuilt in the background."""
    index = current_index()
    if index.is_rebuilding():
        return "rebuilding"
    try:
        index.check_readable()
        return "ready"
    except IndexUnavailable as unavailable:
        reason = unavailable.reason
        if reason == "unreadable":
            index.reset()
    app = current_app._get_current_object()
    if documents.indexed_count() <= app.config["SEARCH_INLINE_REBUILD_LIMIT"]:
        count = reindex()
        log.log(
            logging.WARNING if reason == "unreadable" else logging.INFO,
            "Search index at %s was %s: rebuilt with %d practices",
            index.path,
            reason,
            count,
        )
        return "ready"
    _start_background_rebuild(app, index)
    return "rebuilding"


_rebuild_guard = threading.Lock()


def _start_background_rebuild(app, index: SearchIndex) -> None:
    with _rebuild_guard:
        if index.rebuild_thread is not None and index.rebuild_thread.is_alive():
            return
        index.mark_rebuilding(True)

        def run() -> None:
            with app.app_context():
                try:
                    count = reindex()
                    log.warning("Search index rebuilt in the background: %d practices", count)
                except Exception:  # logged; the marker is cleared so a later request retries
                    log.exception("Background rebuild of the search index failed")
                finally:
                    index.mark_rebuilding(False)

        index.rebuild_thread = threading.Thread(target=run, name="search-rebuild", daemon=True)
        index.rebuild_thread.start()


def wait_for_rebuild(timeout: float | None = None) -> None:
    thread = current_index().rebuild_thread
    if thread is not None:
        thread.join(timeout)


@dataclass(frozen=True)
class DriftReport:
    """Practices whose document is missing, should not be there (or is there twice), or
    holds other values than the database."""

    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    unavailable: str | None = None

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.unavailable)


def check() -> DriftReport:
    """Compare the index with the database, document by document (via fingerprints)."""
    expected = {int(doc["id"]): doc["fingerprint"] for doc in documents.all_documents()}
    index = current_index()
    stored: dict[int, str | None] = {}
    duplicated: set[int] = set()
    try:
        index.check_readable()
        with index.reading() as reading:
            for fields in reading.searcher.reader().all_stored_fields():
                practice_id = int(fields["id"])
                if practice_id in stored:
                    duplicated.add(practice_id)
                stored[practice_id] = fields.get("fingerprint")
    except IndexUnavailable as unavailable:
        return DriftReport(missing=sorted(expected), unavailable=unavailable.reason)
    return DriftReport(
        missing=sorted(set(expected) - set(stored)),
        extra=sorted((set(stored) - set(expected)) | duplicated),
        stale=sorted(i for i in set(expected) & set(stored) if expected[i] != stored[i]),
    )


# Answering a search -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    practice: Practice
    title: Markup | None
    snippet: Markup | None


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    parsed: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    page: Page | None = None
    facets: list[FacetGroup] = field(default_factory=list)
    suggestion: str | None = None
    notices: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.page.total if self.page else 0


def search(user, request: SearchRequest, per_page: int = 20) -> SearchResults:
    """Practices this user may read that match the words and the selected facet values."""
    parsed = query_parsers().parse(request.text)
    notices: list[str] = []
    if parsed.shortened:
        notices.append("shortened")
    if parsed.is_empty and request.text.strip():
        notices.append("common_words" if parsed.only_common_words else "nothing_to_search")
    state = "unavailable"
    for attempt in range(2):
        try:
            return _search(user, request, parsed, per_page, list(notices))
        except IndexUnavailable:
            state = "rebuilding"
        except Exception:  # Whoosh reports damaged files with many exception types
            log.exception("Search failed; checking the index")
            current_index().forget_reader()
            state = "unavailable"
        if attempt == 0:
            try:
                state = ensure_index()
            except Exception:  # e.g. the lock held by a long rebuild elsewhere: say so
                log.exception("Could not make the search index whole")
                state = "unavailable"
            if state != "ready":
                break
    return SearchResults(request, parsed, notices=(*notices, state))


def _search(user, request, parsed, per_page, notices) -> SearchResults:
    index = current_index()
    if index.is_rebuilding():
        notices.append("rebuilding")
    query = wq.Every() if parsed.is_empty else parsed.query
    sortedby = FieldFacet("date", reverse=True) if request.effective_sort == "date" else None
    with index.reading() as reading:
        searcher = reading.searcher
        visible = _visible_docs(reading, user)
        ranked = _ranked(searcher, query, visible, sortedby=sortedby)
        facets, allowed = count_facets(reading, set(ranked), request)
        if allowed is not None:
            ranked = [docnum for docnum in ranked if docnum in allowed]
        page = Page(min(request.page, -(-len(ranked) // per_page) or 1), per_page, len(ranked))
        shown = ranked[(page.page - 1) * per_page : page.page * per_page]
        ids = [int(searcher.stored_fields(docnum)["id"]) for docnum in shown]
        suggestion = None
        if len(ranked) < SUGGEST_BELOW and not parsed.is_empty:
            suggestion = _suggestion(reading, parsed, visible, allowed, len(ranked))
    terms = set() if parsed.is_empty else positive_terms(parsed.query)
    hits = [_hit(p, terms) for p in _readable(user, ids)]
    return SearchResults(request, parsed, hits, page, facets, suggestion, tuple(notices))


def _ranked(searcher, query, scope, limit=None, sortedby=None) -> list[int]:
    """Document numbers matching the query within scope (None: no restriction), best first.

    Whoosh treats an empty filter as no filter at all, so an empty scope is answered here:
    a reader who may see nothing must find nothing.
    """
    if scope is not None and not scope:
        return []
    allow = None if scope is None else set(scope)
    results = searcher.search(query, filter=allow, limit=limit, sortedby=sortedby)
    return [docnum for _, docnum in results.top_n]


def _suggestion(reading, parsed: ParsedQuery, visible, allowed, found: int) -> str | None:
    corrected = corrected_text(parsed.text, reading.searcher.reader())
    if corrected is None:
        return None
    candidate = query_parsers().parse(corrected)
    if candidate.is_empty:
        return None
    scope = visible if allowed is None else (allowed if visible is None else visible & allowed)
    # Counting within the user's visible set: a suggestion never points at hidden practices.
    return corrected if len(_ranked(reading.searcher, candidate.query, scope)) > found else None


def _readable(user, ids: list[int]) -> list[Practice]:
    """The practices behind the hits, in rank order, re-checked against the database."""
    if not ids:
        return []
    query = documents.practice_query(set(ids))
    by_id = {p.id: p for p in db.session.scalars(query)}
    shown = [by_id[i] for i in ids if i in by_id]
    return [p for p in shown if documents.is_indexed(p) and can(user, "read", p)]


def _hit(practice: Practice, terms: set) -> Hit:
    lang = practice.language if practice.language in LANGUAGES else "es"
    title = highlighted(practice.title, lang, "title", terms, whole=True)
    snippet = highlighted(practice.summary, lang, "summary", terms, whole=False)
    if snippet is None:
        snippet = highlighted(practice.description, lang, "body", terms, whole=False)
    return Hit(
        practice,
        Markup(title) if title else None,
        Markup(snippet) if snippet else None,
    )


# Similar practices ------------------------------------------------------------------------


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
    return [int(hit["id"]) for hit in results if hit.score >= best * SIMILAR_ENOUGH]
