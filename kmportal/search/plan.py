"""What a search looks for: the tidy query as sides of clauses, each clause with its
alternatives (the concept's labels in the other languages, close spellings of unknown words).

Syntax: words, "phrases", `-word` / `NOT word`, parentheses, and `OR`, which joins whole
sides: `a b OR c d` is `(a b) OR (c d)`. Within a side each word, phrase or parenthesised
group is one clause; ranking (ranking.py) puts practices that match every clause of a side
first, then those that miss one, so one word a practice does not use never hides it.

A run of words that names a thesaurus concept is one clause, matched by the words as typed
or by any label of the concept, in any language. A word the index has never seen, in any
language's analysis, is also matched by its close spellings (typo tolerance by length), and
the corrected text is offered as "Did you mean".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from kmportal.search.query import _TOKEN, COMMON_WORDS, OPERATORS, QueryParsers, tidy
from kmportal.search.schema import LANGUAGES, SPELLING_FIELD, TEXT_PARTS, fold, text_field
from kmportal.search.schema import word_forms as analysed_forms
from kmportal.search.syntax import Item, asked_for, parse
from kmportal.search.thesaurus import Thesaurus, _stopwords
from kmportal.search.typos import close_spellings, max_typos

# Alternatives weigh less than what the person typed: their own words rank first.
EXPANSION_BOOST = 0.5
CORRECTION_BOOST = 0.8


@dataclass
class Clause:
    """One thing a side asks for, with the alternatives that also satisfy it."""

    text: str
    query: wq.Query
    concept: str | None = None


@dataclass
class Side:
    clauses: list[Clause] = field(default_factory=list)
    excluded: list[wq.Query] = field(default_factory=list)
    # What the side asks for in words (corrected, without what it leaves out): the text
    # its semantic neighbours are found for.
    semantic_text: str = ""


@dataclass(frozen=True)
class Expansion:
    """A concept found in the query, and the labels it was also searched with."""

    concept: str
    matched: str
    labels: tuple[tuple[str, str], ...]  # (language, label): every label searched

    @property
    def shown(self) -> tuple[tuple[str, str], ...]:
        """What the page lists: the first label searched in each language."""
        first: dict[str, str] = {}
        for lang, label in self.labels:
            first.setdefault(lang, label)
        return tuple(first.items())


@dataclass
class QueryPlan:
    text: str  # the tidy text that was searched for
    sides: list[Side] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    shortened: bool = False
    only_common_words: bool = False
    precise: bool = False  # operators, exclusions or groups: the person asked for logic
    language: str | None = None  # the language the query is written in, when it is clear

    @property
    def is_empty(self) -> bool:
        return not any(side.clauses or side.excluded for side in self.sides)

    @property
    def excluded_query(self) -> wq.Query:
        """What any side leaves out: the semantic leg never brings those back."""
        excluded = [query for side in self.sides for query in side.excluded]
        return wq.Or(excluded).normalize() if excluded else wq.NullQuery

    @property
    def only_exclusions(self) -> bool:
        return not self.is_empty and not any(side.clauses for side in self.sides)

    @property
    def positive_query(self) -> wq.Query:
        """Every alternative of every clause: what highlighting marks."""
        clauses = [clause.query for side in self.sides for clause in side.clauses]
        return wq.Or(clauses).normalize() if clauses else wq.NullQuery

    @property
    def corrected_text(self) -> str | None:
        if not self.corrections:
            return None
        return _TOKEN.sub(lambda m: self.corrections.get(m.group(0), m.group(0)), self.text)

    @property
    def semantic_text(self) -> str:
        """The words a person asked for, for the semantic leg (no operators, no exclusions)."""
        tokens = _TOKEN.findall(self.text)
        kept, skip_next = [], False
        for token in tokens:
            if skip_next:
                skip_next = False
                continue
            if token == "NOT":
                skip_next = True
            elif token not in (*OPERATORS, '"', "(", ")") and not token.startswith("-"):
                kept.append(self.corrections.get(token, token).lstrip("+"))
        return " ".join(kept)


# Building the plan -------------------------------------------------------------------------


class Planner:
    """Turns tidy text into a QueryPlan against one index reader."""

    def __init__(self, parsers: QueryParsers, thesaurus: Thesaurus | None):
        self.parsers = parsers
        self.thesaurus = thesaurus

    def plan(self, raw: str, searcher, scope=None, expand: bool = True) -> QueryPlan:
        """The plan of a query against one searcher; corrections are only spellings found
        in `scope` (the documents the reader may see; None: all), so a suggestion never
        reveals a hidden practice."""
        text, shortened = tidy(raw)
        plan = QueryPlan(text=text, shortened=shortened)
        if not text:
            return plan
        tokens = _TOKEN.findall(text)
        words = [t.lstrip("-+") for t in tokens if t not in ('"', "(", ")", *OPERATORS)]
        if all(len(w) < 2 or w.lower() in COMMON_WORDS for w in words):
            plan.only_common_words = True  # "de la", "the": noise in some language
            return plan
        plan.precise = any(t in ("(", ")", *OPERATORS) or t[0] in "-+" for t in tokens)
        sides, _ = parse(tokens)
        builder = _Builder(self, searcher, scope, plan, expand)
        plan.sides = [builder.side(items) for items in sides]
        for side, items in zip(plan.sides, sides, strict=True):
            words = " ".join(asked_for(items)).split()
            side.semantic_text = " ".join(plan.corrections.get(w, w) for w in words)
        # The words as corrected: a typo ("trabjo") is no word of any language, and the
        # language of "trabajo infantil doméstico" is decided by "trabajo".
        plan.language = builder.language([plan.corrections.get(w, w).lower() for w in words])
        plan.sides = [side for side in plan.sides if side.clauses or side.excluded]
        if plan.is_empty:
            plan.only_common_words = True
        return plan


class _Builder:
    def __init__(self, planner: Planner, searcher, scope, plan: QueryPlan, expand: bool):
        self.parsers = planner.parsers
        self.thesaurus = planner.thesaurus if expand else None
        self.searcher = searcher
        self.reader = searcher.reader()
        self.scope = scope
        self.plan = plan

    def side(self, items: list[Item]) -> Side:
        side = Side()
        run: list[Item] = []
        for item in items:
            if item.kind == "word" and not item.negated:
                run.append(item)
                continue
            side.clauses.extend(self._words(run))
            run = []
            query = self._item_query(item)
            if query is wq.NullQuery:
                continue
            if item.kind == "phrase" and not item.negated:
                item, query = self._corrected_phrase(item, query)
            concept = self._whole_concept(item)
            if concept is not None and item.negated:
                # An excluded concept is left out in every language (its translations are
                # what a person left out, in the practices of the other languages), but in
                # its own language only as typed: a synonym is not what a person left out.
                query = wq.Or([query, self._translations_query(concept)]).normalize()
            elif concept is not None:
                # A quoted concept is matched as a phrase in any of its labels.
                query = wq.Or([query, self._labels_query(concept, item.text)]).normalize()
            if item.negated:
                side.excluded.append(query)
            else:
                side.clauses.append(
                    Clause(item.text or "( )", query, concept.concept.id if concept else None)
                )
        side.clauses.extend(self._words(run))
        return side

    def _item_query(self, item: Item) -> wq.Query:
        if item.kind == "group":
            branches = []
            for items in item.sides:
                inner = self.side(items)
                if not inner.clauses:
                    continue
                branch = wq.And([clause.query for clause in inner.clauses])
                if inner.excluded:
                    branch = wq.AndNot(branch, wq.Or(inner.excluded))
                branches.append(branch)
            return wq.Or(branches).normalize() if branches else wq.NullQuery
        source = f'"{item.text}"' if item.kind == "phrase" else item.text
        return self._in_every_language(source)

    def _in_every_language(self, source: str, boost: float = 1.0, langs=LANGUAGES):
        branches = [self.parsers.parse_in(lang, source) for lang in langs]
        branches = [branch for branch in branches if branch is not wq.NullQuery]
        if not branches:
            return wq.NullQuery
        return wq.Or(branches, boost=boost).normalize()

    def _words(self, run: list[Item]) -> list[Clause]:
        """Clauses for a run of plain words: concepts first, then the remaining words."""
        if not run:
            return []
        words, matches = self._concepts_of(run)
        clauses: list[Clause] = []
        position = 0
        for match in [*matches, None]:
            end = match.first if match else len(run)
            for index in range(position, end):
                clause = self._word_clause(run[index].text, words[index])
                if clause is not None:
                    clauses.append(clause)
            if match is None:
                break
            clauses.append(self._concept_clause(match, run, words))
            position = match.last + 1
        return clauses

    def _concepts_of(self, run: list[Item]) -> tuple[list[str], list]:
        """The run's words, corrected where needed, and the concepts they name. A word that
        is part of a concept's label as typed ("canne à sucre") is a known word, never a
        typo to correct, even when no practice uses it."""
        words = self._corrected_words([item.text for item in run])
        find = self.thesaurus.find if self.thesaurus else (lambda _words: [])
        return words, find([w.lower() for w in words])

    def _corrected_words(self, typed: list[str]) -> list[str]:
        find = self.thesaurus.find if self.thesaurus else (lambda _words: [])
        named = {i for m in find([w.lower() for w in typed]) for i in range(m.first, m.last + 1)}
        return [w if i in named else self._corrected(w) for i, w in enumerate(typed)]

    def _corrected_phrase(self, item: Item, query: wq.Query) -> tuple[Item, wq.Query]:
        """A quoted phrase with a word the index does not know ("trabjo infantil") is also
        searched with its close spelling, in the same order, and offered as "Did you mean";
        the corrected phrase is what names a concept."""
        typed = _TOKEN.findall(item.text)
        words = self._corrected_words(typed)
        if words == typed:
            return item, query
        corrected = Item("phrase", " ".join(words))
        alternative = self._in_every_language(f'"{corrected.text}"', boost=CORRECTION_BOOST)
        if alternative is wq.NullQuery:
            return item, query
        return corrected, wq.Or([query, alternative]).normalize()

    def _word_clause(self, typed: str, corrected: str) -> Clause | None:
        if typed.lower() in COMMON_WORDS or len(typed) < 2:
            # A stop word of any of the four languages ("en", "la", "de") is noise in a
            # query that has other words: it never decides what a practice must match.
            return None
        query = self._in_every_language(typed)
        if corrected != typed:
            alternative = self._in_every_language(corrected, boost=CORRECTION_BOOST)
            parts = [q for q in (query, alternative) if q is not wq.NullQuery]
            query = wq.Or(parts).normalize() if parts else wq.NullQuery
        if query is wq.NullQuery:
            return None
        return Clause(typed, query)

    def _whole_concept(self, item: Item):
        """The concept a word or phrase item names with all its words, if any."""
        if self.thesaurus is None or item.kind == "group":
            return None
        words = [w.lower() for w in _TOKEN.findall(item.text)]
        matches = self.thesaurus.find(words)
        if len(matches) == 1 and matches[0].first == 0 and matches[0].last == len(words) - 1:
            return matches[0]
        return None

    def _labels_query(self, match, typed: str) -> wq.Query:
        """Every label of a matched concept but the one typed, each as a phrase in its own
        language; the expansion is recorded to be shown on the page."""
        labels: list[tuple[str, str]] = []
        alternatives = []
        for lang in LANGUAGES:
            for label in match.concept.labels[lang]:
                if lang == match.lang and fold(label) == fold(typed):
                    continue
                source = f'"{label}"' if len(label.split()) > 1 else label
                alternative = self._in_every_language(source, EXPANSION_BOOST, (lang,))
                if alternative is not wq.NullQuery:
                    alternatives.append(alternative)
                    labels.append((lang, label))
        self.plan.expansions.append(Expansion(match.concept.id, typed, tuple(labels)))
        return wq.Or(alternatives).normalize() if alternatives else wq.NullQuery

    def _translations_query(self, match) -> wq.Query:
        """Every label of a matched concept in the other languages, each as a phrase in its
        own language (not shown as an expansion: nothing is added to what is searched)."""
        alternatives = []
        for lang in LANGUAGES:
            if lang == match.lang:
                continue
            for label in match.concept.labels[lang]:
                source = f'"{label}"' if len(label.split()) > 1 else label
                alternative = self._in_every_language(source, langs=(lang,))
                if alternative is not wq.NullQuery:
                    alternatives.append(alternative)
        return wq.Or(alternatives).normalize() if alternatives else wq.NullQuery

    def _concept_clause(self, match, run: list[Item], words: list[str]) -> Clause:
        span = range(match.first, match.last + 1)
        typed = " ".join(run[i].text for i in span)
        own = [self._word_clause(run[i].text, words[i]) for i in span]
        own_query = wq.And([clause.query for clause in own if clause is not None]).normalize()
        matched = " ".join(words[i] for i in span).lower()
        labels = self._labels_query(match, matched)
        # The words in the order typed weigh as much again as the words anywhere: a
        # practice about "trabajo infantil doméstico" comes before one that says "trabajo
        # infantil" here and "doméstico" there (a proximity boost, as Lucene's phrase
        # "should" clause); the label typed is the one _labels_query leaves out.
        together = self._in_every_language(f'"{matched}"') if len(span) > 1 else wq.NullQuery
        alternatives = [q for q in (own_query, together, labels) if q is not wq.NullQuery]
        return Clause(typed, wq.Or(alternatives).normalize(), concept=match.concept.id)

    def language(self, words: list[str]) -> str | None:
        """The language whose texts use the query's words most exclusively: each word votes
        for the languages in which the index knows it (a stop word for the languages whose
        stop word it is), its vote shared among them. None when two languages tie."""
        votes = dict.fromkeys(LANGUAGES, 0.0)
        for word in words:
            langs = [lang for lang in LANGUAGES if word in _stopwords(lang)]
            if not langs:
                langs = [lang for lang in LANGUAGES if self._known_in(lang, word)]
            for lang in langs:
                votes[lang] += 1 / len(langs)
        ranked = sorted(votes.items(), key=lambda item: -item[1])
        if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def _known_in(self, lang: str, word: str) -> bool:
        forms = [form for form in analysed_forms(lang, word) if form]
        return any(
            (text_field(part, lang), form) in self.reader for part in TEXT_PARTS for form in forms
        )

    # Spelling --------------------------------------------------------------------------

    def _corrected(self, word: str) -> str:
        """The word, or its closest spelling the index knows when it knows none of its
        analysed forms in any language (so "escuelas" is never corrected to "escuela"). A word
        with a digit in it is a code or a number (C182, 2016, lote4b): never corrected into
        another one."""
        lower = word.lower()
        typos = max_typos(lower)
        if typos == 0 or any(char.isdigit() for char in lower) or self._known(lower):
            return word
        for suggestion in close_spellings(self.reader, fold(lower), typos):
            if self._found_in_scope(suggestion):
                self.plan.corrections[word] = suggestion
                return suggestion
        return word

    def _found_in_scope(self, word: str) -> bool:
        query = self._in_every_language(word)
        if query is wq.NullQuery:
            return False
        docs = self.searcher.docs_for_query(query)
        return any(True for _ in docs) if self.scope is None else any(d in self.scope for d in docs)

    def _known(self, word: str) -> bool:
        reader = self.reader
        if (SPELLING_FIELD, fold(word)) in reader:
            return True
        return any(self._known_in(lang, word) for lang in LANGUAGES)
