"""Ranking: coordination over a plan's clauses, and the fusion of the lexical and semantic legs.

Lexical: within a side, a practice's rank key is (clauses it misses, score): practices that
match every clause come first, then those that miss one, and so on, down to the fewest
clauses a side requires (`required_clauses`). The score is the sum of the clauses' BM25F
scores, so a close match of a long natural query is never dropped for one missing word. A
clause most practices match (`COMMON_SHARE`) adds to the score but is not counted as missed.
Sides joined by OR compete: each practice takes its best side.

Fusion: weighted reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) of the
lexical order and the semantic neighbours. Practices that match every clause keep a bonus,
and those written in the query's language a smaller one. The constants were tuned on the
judged set (tests/search/relevance/, bench/relevance.py; grid in the README).

A same-language exact match stays on top: among the practices written in the query's
language whose title or summary match every clause of it (`described`: what a practice says
it is about, not a word its body uses in passing), the best fused one leads, whatever the
semantic leg's rank among close cosines says; the other languages' equivalents follow in
the fused order (the service applies it to queries of words and phrases, not to boolean
ones, and only when the query's language is clear).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from whoosh import query as wq

from kmportal.search.plan import QueryPlan

RRF_K = 10
# The fields in which a practice says what it is about.
DESCRIPTION_PARTS = ("title", "summary")
# Any match of a clause is worth this share of the best match of it.
SCORE_FLOOR = 0.3
# A clause matched by more than this share of the documents (child labour, in a catalogue
# of child labour practices) is "common": a practice may miss it without losing its rank,
# as long as it matches the query's other clauses (Lucene's CommonTermsQuery idea). It still
# adds to the score of the practices that match it.
COMMON_SHARE = 0.5
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 2.0
# The gap between rank 1 and rank 40 of one leg: the unit of the bonuses below.
_SPAN = 1.0 / (RRF_K + 1) - 1.0 / (RRF_K + 40)
# A practice matching every clause of its side outranks one that misses some...
COMPLETE_MATCH_BONUS = 2.0 * _SPAN
# ...and one written in the query's language comes before its equivalents in the others.
SAME_LANGUAGE_BONUS = 0.25 * _SPAN


def required_clauses(count: int) -> int:
    """The fewest clauses of a side a practice must match: half of them, rounded up (two
    words: either; three or four: two; nine: five). Fuller matches always rank first."""
    return max(1, -(-count // 2))


@dataclass(frozen=True)
class Ranked:
    docnum: int
    missing: int  # decisive clauses of its best side it does not match: 0 = every one
    score: float
    every_clause: bool = True  # it matches the common clauses too (shown as a full match)


def lexical(
    searcher,
    plan: QueryPlan,
    scope: Iterable[int] | None,
    written: Mapping[str, frozenset[int]] | None = None,
) -> list[Ranked]:
    """Documents matching the plan within scope (None: every document), best first.
    `written`: the documents written in each language, to weigh a clause by its rarity
    among the documents of the languages it is found in (None: among all)."""
    allow = None if scope is None else set(scope)
    if allow is not None and not allow:
        return []  # Whoosh reads an empty filter as no filter: answer "nothing" ourselves
    sizes = _language_sizes(written, allow)
    best: dict[int, tuple[int, float, bool]] = {}
    for side in plan.sides:
        excluded = _matching(searcher, side.excluded, allow)
        for docnum, key in _side_keys(searcher, side, allow, excluded, sizes).items():
            previous = best.get(docnum)
            if previous is None or (key[0], -key[1]) < (previous[0], -previous[1]):
                best[docnum] = key
    ranked = [Ranked(docnum, *key) for docnum, key in best.items()]
    ranked.sort(key=lambda r: (r.missing, -r.score, r.docnum))
    return ranked


def _language_sizes(written, allow) -> list[tuple[frozenset[int], int]] | None:
    """Each language's documents and how many of them are within scope."""
    if not written:
        return None
    return [(docs, len(docs if allow is None else docs & allow)) for docs in written.values()]


def _population(hits, sizes, total: int) -> int:
    """How many documents a clause could have matched: those of the languages it is found
    in. A word only one language uses ("agreement") is rare among all the practices because
    the others are written in other languages, not because it is specific; among its own
    language's practices it weighs what it means there. A concept's clause, expanded to
    every language, is found in all of them and weighs among all the practices."""
    if sizes is None:
        return total
    found = {docnum for _, docnum in hits}
    population = sum(size for docs, size in sizes if not found.isdisjoint(docs))
    return max(population, len(hits))


def _side_keys(
    searcher, side, allow, excluded: set[int], sizes=None
) -> dict[int, tuple[int, float, bool]]:
    if not side.clauses:  # only exclusions ("-mining"): everything but them
        everything = allow if allow is not None else set(searcher.reader().all_doc_ids())
        return {docnum: (0, 0.0, True) for docnum in everything - excluded}
    matched: dict[int, int] = {}
    decisive_matched: dict[int, int] = {}
    scores: dict[int, float] = {}
    total = max(len(allow) if allow is not None else searcher.doc_count(), 1)
    results = [searcher.search(c.query, filter=allow, limit=None).top_n for c in side.clauses]
    decisive = [len(hits) <= COMMON_SHARE * total for hits in results]
    for hits, counts in zip(results, decisive, strict=True):
        if not hits:
            continue
        # A clause weighs by how rare it is (a concept every practice names, such as child
        # labour, decides little), and a practice by how well it matches it among the rest.
        weight = math.log(1 + _population(hits, sizes, total) / len(hits))
        best = hits[0][0] or 1.0
        for score, docnum in hits:
            matched[docnum] = matched.get(docnum, 0) + 1
            if counts:
                decisive_matched[docnum] = decisive_matched.get(docnum, 0) + 1
            strength = SCORE_FLOOR + (1 - SCORE_FLOOR) * score / best
            scores[docnum] = scores.get(docnum, 0.0) + weight * strength
    count, required, rank_by = len(results), required_clauses(len(results)), sum(decisive)
    # Missing a common clause costs a practice nothing in its rank (only its score).
    return {
        docnum: (rank_by - decisive_matched.get(docnum, 0), scores[docnum], hits == count)
        for docnum, hits in matched.items()
        if hits >= required and docnum not in excluded
    }


def described(searcher, plan: QueryPlan, scope: Iterable[int] | None) -> set[int]:
    """Documents within scope whose title or summary match every clause of a side (and
    nothing the side leaves out): practices that say they are about what was asked."""
    allow = None if scope is None else set(scope)
    if allow is not None and not allow:
        return set()
    found: set[int] = set()
    for side in plan.sides:
        if not side.clauses:
            continue
        clauses = [_in_description(clause.query) for clause in side.clauses]
        if any(clause is wq.NullQuery for clause in clauses):
            continue
        found |= _matching(searcher, [wq.And(clauses)], allow) - _matching(
            searcher, side.excluded, allow
        )
    return found


def _in_description(query: wq.Query) -> wq.Query:
    """The query with only its branches on the title and summary fields."""

    def keep(node: wq.Query) -> wq.Query:
        name = getattr(node, "fieldname", None)
        if node.is_leaf() and name and name.split("_")[0] not in DESCRIPTION_PARTS:
            return wq.NullQuery
        return node

    return query.accept(keep).normalize()


def _matching(searcher, queries: list[wq.Query], allow) -> set[int]:
    if not queries:
        return set()
    docs = set(searcher.docs_for_query(wq.Or(queries)))
    return docs if allow is None else docs & allow


def fuse(
    lexical_hits: list[Ranked],
    semantic_hits: list[int],
    same_language: frozenset[int] = frozenset(),
    semantic_lists: Sequence[list[int]] | None = None,
    lead: Collection[int] = frozenset(),
) -> list[int]:
    """One order out of both legs (document numbers, best first); `same_language` holds the
    documents written in the query's language. The semantic leg is one list of neighbours,
    or one per side of an OR (`semantic_lists`, instead of `semantic_hits`): the sides share
    the leg's weight, so it weighs as much in the order whatever the number of sides.
    `lead`: the same-language exact matches; the best fused of them comes first."""
    fused: dict[int, float] = {}
    for rank, hit in enumerate(lexical_hits, start=1):
        bonus = COMPLETE_MATCH_BONUS if hit.missing == 0 else 0.0
        fused[hit.docnum] = LEXICAL_WEIGHT / (RRF_K + rank) + bonus
    lists = [semantic_hits] if semantic_lists is None else list(semantic_lists)
    for hits in lists:
        weight = SEMANTIC_WEIGHT / len(lists)
        for rank, docnum in enumerate(hits, start=1):
            fused[docnum] = fused.get(docnum, 0.0) + weight / (RRF_K + rank)
    for docnum in fused.keys() & same_language:
        fused[docnum] += SAME_LANGUAGE_BONUS
    order = sorted(fused, key=lambda docnum: (-fused[docnum], docnum))
    first = next((docnum for docnum in order if docnum in lead), None)
    if first is None:
        return order
    return [first, *(docnum for docnum in order if docnum != first)]
