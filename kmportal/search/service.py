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
from kmportal.search import documents, journal, ranking, semantic
from kmportal.search.facets import FacetGroup, Page, SearchRequest, count_facets
from kmportal.search.index import IndexUnavailable, SearchIndex
from kmportal.search.plan import Planner, QueryPlan
from kmportal.search.query import QueryParsers, highlighted, positive_terms, tidy
from kmportal.search.schema import LANGUAGES

log = logging.getLogger(__name__)

EXTENSION = "kmportal.search"


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


def planner() -> Planner:
    return current_app.extensions[EXTENSION]["planner"]


def apply_changes(practice_ids: set[int], token: str | None = None) -> None:
    """Bring these practices' documents in line with the database (called after commit).

    A failure here never turns the user's saved change into an error: it is logged, the
    change is journalled for the next writer, and `flask search check` shows the drift.
    """
    index = current_index()
    # Changes left in the journal by a worker that died after its commit come along. The
    # journal is read before the index lock is taken and the documents after it, so every
    # row read here is covered by what the writer stores.
    seen = journal.outstanding()
    ids = set(practice_ids) | {practice_id for _, practice_id in seen}
    try:
        written = index.write(ids, documents.load_documents)
    except Exception:  # the database has committed; the index must not break the request
        log.exception("Could not update the search index for practices %s", ids)
        written = False
    semantic.apply_changes(ids)
    if written:
        journal.forget([row for row, _ in seen], token)


def replay_journal() -> int:
    """Apply what the journal holds (at start, after a crash); how many practices."""
    seen = journal.outstanding()
    if seen:
        apply_changes(set())
    return len({practice_id for _, practice_id in seen})


def reindex(on_document: Callable[[], None] | None = None) -> int:
    """Rebuild the whole index from the database; searches see the old one until done."""
    index = current_index()
    seen = journal.outstanding()  # covered by the rebuild, which reads the database later
    count = index.rebuild(documents.all_documents, on_document)
    index.flush_journal(documents.load_documents)
    semantic.rebuild()
    journal.forget([row for row, _ in seen], None)
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
        if reason in ("unreadable", "outdated"):
            index.reset()
    app = current_app._get_current_object()
    if documents.indexed_count() <= app.config["SEARCH_INLINE_REBUILD_LIMIT"]:
        count = reindex()
        log.log(
            logging.WARNING if reason != "missing" else logging.INFO,
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
    complete: bool = True  # matches every word it was asked (False: most of them, or meaning)


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    plan: QueryPlan
    hits: list[Hit] = field(default_factory=list)
    page: Page | None = None
    facets: list[FacetGroup] = field(default_factory=list)
    suggestion: str | None = None
    notices: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # languages of all the results, not only this page's

    @property
    def total(self) -> int:
        return self.page.total if self.page else 0

    @property
    def expansions(self) -> list:
        return self.plan.expansions

    @property
    def several_languages(self) -> bool:
        return len(self.languages) > 1


def search(user, request: SearchRequest, per_page: int = 20) -> SearchResults:
    """Practices this user may read that match the words and the selected facet values."""
    state = "unavailable"
    for attempt in range(2):
        try:
            return _search(user, request, per_page)
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
    text, shortened = tidy(request.text)
    plan = QueryPlan(text=text, shortened=shortened)
    return SearchResults(request, plan, notices=(*_plan_notices(request, plan), state))


def _plan_notices(request: SearchRequest, plan: QueryPlan) -> list[str]:
    notices = ["shortened"] if plan.shortened else []
    if plan.is_empty and request.text.strip():
        notices.append("common_words" if plan.only_common_words else "nothing_to_search")
    return notices


def _search(user, request: SearchRequest, per_page: int) -> SearchResults:
    index = current_index()
    with index.reading() as reading:
        searcher = reading.searcher
        visible = _visible_docs(reading, user)
        plan = planner().plan(request.text, searcher, visible, expand=request.expand)
        notices = _plan_notices(request, plan)
        if index.is_rebuilding():
            notices.append("rebuilding")
        ranked, complete = _ranked_docs(reading, plan, visible)
        if request.effective_sort == "date":
            ranked = _by_date(searcher, ranked)
        facets, allowed = count_facets(reading, set(ranked), request)
        if allowed is not None:
            ranked = [docnum for docnum in ranked if docnum in allowed]
        page = Page(min(request.page, -(-len(ranked) // per_page) or 1), per_page, len(ranked))
        shown = ranked[(page.page - 1) * per_page : page.page * per_page]
        ids = [reading.practice_id(docnum) for docnum in shown]
        complete_ids = {reading.practice_id(docnum) for docnum in shown if docnum in complete}
        languages = _languages(reading, ranked)
    terms = set() if plan.is_empty else positive_terms(plan.positive_query)
    hits = [_hit(p, terms, p.id in complete_ids) for p in _readable(user, ids)]
    return SearchResults(
        request, plan, hits, page, facets, plan.corrected_text, tuple(notices), languages
    )


def _ranked_docs(reading, plan: QueryPlan, visible) -> tuple[list[int], set[int]]:
    """Document numbers best first, and those that match every clause of their side."""
    searcher = reading.searcher
    if plan.is_empty:
        docs = _by_date(searcher, reading.all_docs() if visible is None else visible)
        return docs, set(docs)
    written = {lang: reading.docs("written", lang) for lang in LANGUAGES}
    lexical_hits = ranking.lexical(searcher, plan, visible, written)
    complete = {hit.docnum for hit in lexical_hits if hit.missing == 0 and hit.every_clause}
    semantic_hits = _semantic_hits(reading, plan, visible)
    same_language = reading.docs("written", plan.language) if plan.language else frozenset()
    # A same-language exact match stays on top; a boolean query asks for logic over its
    # sides, not for one practice that says it all.
    lead = set()
    if plan.language and not plan.precise:
        lead = ranking.described(searcher, plan, visible) & same_language
    order = ranking.fuse(lexical_hits, [], same_language, semantic_lists=semantic_hits, lead=lead)
    return order, complete


def _semantic_hits(reading, plan: QueryPlan, visible) -> list[list[int]]:
    """For each side, the practices nearest in meaning to what it asks for, best first:
    sides joined by OR are near different things ("domesticité OR rue"), so each is encoded
    on its own; what a side leaves out (the word typed, and the concept's labels in the
    other languages) never comes back through its neighbours."""
    found: list[list[int]] = []
    for side in plan.sides:
        if not side.clauses or not side.semantic_text.strip():
            continue
        near = semantic.neighbours_of_text(reading, side.semantic_text, visible)
        if side.excluded and near:
            left_out = set(reading.searcher.docs_for_query(wq.Or(side.excluded)))
            near = [docnum for docnum in near if docnum not in left_out]
        found.append(near)
    return found


def _by_date(searcher, ranked) -> list[int]:
    if not ranked:
        return []
    newest = searcher.search(
        wq.Every(), filter=set(ranked), limit=None, sortedby=FieldFacet("date", reverse=True)
    )
    return [docnum for _, docnum in newest.top_n]


def _languages(reading, ranked: list[int]) -> tuple[str, ...]:
    found = set(ranked)
    return tuple(lang for lang in LANGUAGES if found & reading.docs("written", lang))


def _readable(user, ids: list[int]) -> list[Practice]:
    """The practices behind the hits, in rank order, re-checked against the database."""
    if not ids:
        return []
    query = documents.practice_query(set(ids))
    by_id = {p.id: p for p in db.session.scalars(query)}
    shown = [by_id[i] for i in ids if i in by_id]
    return [p for p in shown if documents.is_indexed(p) and can(user, "read", p)]


def _hit(practice: Practice, terms: set, complete: bool = True) -> Hit:
    lang = practice.language if practice.language in LANGUAGES else "es"
    title = highlighted(practice.title, lang, "title", terms, whole=True)
    snippet = highlighted(practice.summary, lang, "summary", terms, whole=False)
    if snippet is None:
        snippet = highlighted(practice.description, lang, "body", terms, whole=False)
    return Hit(
        practice,
        Markup(title) if title else None,
        Markup(snippet) if snippet else None,
        complete,
    )
