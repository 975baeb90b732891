"""Suggestions: the published practices of other countries that may meet a need.

Ranked by the portal's own search (kmportal/search): the need's words, planned as a search is
(stemming in every language, thesaurus concepts expanded to the other languages' labels,
typo tolerance), scored clause by clause with the search's BM25F weighting, and fused by
reciprocal rank with the practices nearest to the need's text in meaning (the semantic leg),
whatever the languages. Then facet agreement (theme, sector, outcome, population) and
feasibility (the funding the need can bring against the practice's cost notes; the
provider's earlier transfers) move a practice up. Each suggestion says why.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from kmportal.extensions import db
from kmportal.needs.models import Need
from kmportal.practices import enum_label
from kmportal.practices.enums import PracticeState, Theme
from kmportal.practices.models import Practice
from kmportal.search import ranking, semantic
from kmportal.search.index import IndexUnavailable
from kmportal.search.schema import words_of
from kmportal.search.service import EXTENSION, current_index, planner
from kmportal.transfers.enums import FundingMode, TransferStatus
from kmportal.transfers.models import Transfer

log = logging.getLogger(__name__)

CANDIDATES = 40
CHUNK_WORDS = 28
MAX_CHUNKS = 5
# Bonuses, against a fused rank's 1 / (RRF_K + rank): rank 1 is 0.091, rank 5 0.067.
THEME_BONUS = 0.004
SECTOR_BONUS = 0.012
OUTCOME_BONUS = 0.006
POPULATION_BONUS = 0.004
FEASIBILITY_BONUS = 0.003
# Words of the field for "costs little", in the four languages (folded, lower case).
LOW_COST = re.compile(
    r"bajo cost|baixo cust|low[- ]cost|faible co[uû]t|sin cost|sem cust|gratuit|free of charge"
    r"|no cost|aucun co[uû]t|recursos existentes|existing (staff|resources)|ressources existantes",
    re.IGNORECASE,
)


@dataclass
class Suggestion:
    practice: Practice
    score: float
    concepts: list[str] = field(default_factory=list)  # the thesaurus concepts matched
    facets: list[str] = field(default_factory=list)  # translated reasons
    criteria: list[str] = field(default_factory=list)
    transfer: Transfer | None = None


def thesaurus():
    return current_app.extensions[EXTENSION]["thesaurus"]


def _chunks(text: str) -> list[str]:
    """The need's words in search-sized pieces (a search plans at most 32 words)."""
    words = words_of(text)
    return [
        " ".join(words[i : i + CHUNK_WORDS])
        for i in range(0, min(len(words), CHUNK_WORDS * MAX_CHUNKS), CHUNK_WORDS)
    ]


def ranked_candidates(need: Need) -> list[tuple[int, tuple[str, ...]]]:
    """(practice id, concept ids matched) of published practices of other countries, best
    first, from the index; [] when the index cannot answer (never an error for the page)."""
    try:
        with current_index().reading() as reading:
            key = ("need", need.id, need.updated_at, need.country_code)
            if key not in reading.memo:
                reading.memo[key] = _ranked(reading, need)
            return reading.memo[key]
    except IndexUnavailable:
        return []
    except Exception:  # a damaged index must not break the need's page
        log.exception("Suggestions unavailable for need %s", need.id)
        return []


def _ranked(reading, need: Need) -> list[tuple[int, tuple[str, ...]]]:
    scope = reading.docs("state", PracticeState.PUBLISHED.value) - reading.docs(
        "country", need.country_code
    )
    if not scope:
        return []
    lexical, concepts = _lexical(reading.searcher, need, set(scope))
    nearby = semantic.neighbours_of_text(reading, need.text, scope)
    order = ranking.fuse(lexical, nearby)[:CANDIDATES]
    return [(reading.practice_id(d), tuple(concepts.get(d, ()))) for d in order]


def _lexical(searcher, need: Need, scope: set[int]):
    clauses, seen = [], set()
    for chunk in _chunks(need.text):
        plan = planner().plan(chunk, searcher, scope)
        for side in plan.sides:
            for clause in side.clauses:
                key = clause.concept or clause.text.lower()
                if key not in seen:
                    seen.add(key)
                    clauses.append(clause)
    total = max(searcher.doc_count(), 1)
    matched: dict[int, int] = {}
    scores: dict[int, float] = {}
    concepts: dict[int, list[str]] = {}
    for clause in clauses:
        hits = searcher.search(clause.query, filter=scope, limit=None).top_n
        if not hits:
            continue
        weight = math.log(1 + total / len(hits))
        best = hits[0][0] or 1.0
        for score, docnum in hits:
            matched[docnum] = matched.get(docnum, 0) + 1
            strength = ranking.SCORE_FLOOR + (1 - ranking.SCORE_FLOOR) * score / best
            scores[docnum] = scores.get(docnum, 0.0) + weight * strength
            if clause.concept:
                concepts.setdefault(docnum, []).append(clause.concept)
    required = min(2, len(clauses))
    ranked = [
        ranking.Ranked(docnum, len(clauses) - count, scores[docnum])
        for docnum, count in matched.items()
        if count >= required
    ]
    ranked.sort(key=lambda r: (-r.score, r.docnum))
    return ranked[:CANDIDATES], concepts


def rank_score(rank: int) -> float:
    return 1.0 / (ranking.RRF_K + rank)


def concept_labels(concept_ids, locale: str) -> list[str]:
    by_id = {c.id: c for c in thesaurus().concepts}
    lang = locale if locale in ("es", "pt", "en", "fr") else "en"
    return [by_id[c].preferred(lang) for c in dict.fromkeys(concept_ids) if c in by_id]


def concepts_of(text: str) -> set[str]:
    """The thesaurus concepts a text names, in any of the four languages."""
    return {match.concept.id for match in thesaurus().find(words_of(text or ""))}


def themes_agree(need_theme: Theme, practice_theme: Theme) -> bool:
    return Theme.BOTH in (need_theme, practice_theme) or need_theme is practice_theme


def facet_reasons(need: Need, practice: Practice) -> tuple[float, list[str]]:
    bonus, reasons = 0.0, []
    if themes_agree(need.theme, practice.theme):
        bonus += THEME_BONUS
        reasons.append(str(_l("Theme: %(theme)s", theme=practice.theme.label)))
    shared = [s for s in need.sectors if s in practice.sectors]
    if shared:
        bonus += SECTOR_BONUS
        labels = ", ".join(str(enum_label("sector", s)) for s in shared)
        reasons.append(str(_l("Sector: %(sectors)s", sectors=labels)))
    if need.outcome and need.outcome in practice.outcomes:
        bonus += OUTCOME_BONUS
        label = enum_label("outcome", need.outcome)
        reasons.append(str(_l("Strategic outcome: %(outcome)s", outcome=label)))
    if (
        need.population
        and practice.population
        and (concepts_of(need.population) & concepts_of(practice.population))
    ):
        bonus += POPULATION_BONUS
        reasons.append(str(_l("Population: %(population)s", population=practice.population)))
    return bonus, reasons


def feasibility(need: Need, practice: Practice, provider_history: dict) -> tuple[float, list[str]]:
    bonus, reasons = 0.0, []
    low_cost = bool(LOW_COST.search(practice.cost_notes or ""))
    if low_cost:
        bonus += FEASIBILITY_BONUS * (
            2 if need.funding_mode is not FundingMode.RECIPIENT_FUNDED else 1
        )
        reasons.append(str(_l("Its cost notes say it costs little")))
    elif need.funding_mode is FundingMode.RECIPIENT_FUNDED and practice.cost_notes:
        bonus += FEASIBILITY_BONUS
        reasons.append(str(_l("Its costs are documented, and your country can fund the exchange")))
    done, funded = provider_history.get(practice.country_code, (0, 0))
    if done:
        bonus += FEASIBILITY_BONUS
        reasons.append(str(_l("Its country has transferred practices before (%(n)d)", n=done)))
    if funded and need.funding_mode in (FundingMode.PROVIDER_FUNDED, FundingMode.COST_SHARED):
        bonus += FEASIBILITY_BONUS
        reasons.append(str(_l("Its country has funded exchanges before")))
    return bonus, reasons


def provider_history(countries: set[str]) -> dict[str, tuple[int, int]]:
    """Per provider country: its live transfers, and those it funded (alone or shared)."""
    if not countries:
        return {}
    funded = sa.case(
        (Transfer.funding_mode.in_([FundingMode.PROVIDER_FUNDED, FundingMode.COST_SHARED]), 1),
        else_=0,
    )
    rows = db.session.execute(
        sa.select(Transfer.provider_code, sa.func.count(), sa.func.sum(funded))
        .where(Transfer.provider_code.in_(countries), Transfer.status != TransferStatus.CANCELLED)
        .group_by(Transfer.provider_code)
    )
    return {code: (count, int(paid or 0)) for code, count, paid in rows}
