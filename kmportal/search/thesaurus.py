"""The four-language thesaurus of the field, and finding its concepts in what people type.

The data is `data/thesaurus.tsv` (one concept a line: id, domain, then the Spanish,
Portuguese, English and French labels, each cell `preferred|variant|…`). A query that names
a concept in any language ("trabalho infantil") is also searched with the concept's labels
in the other languages ("trabajo infantil", "child labour", "travail des enfants").

Labels are matched as their own language analyses them (stems, accents optional, stop words
skipped, spelling variants folded), so "trabalhos infantis" or "trabajo de los niños" name
the same concepts as the labels do. The longest label wins where labels overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from whoosh.lang import stopwords_for_language

from kmportal.search.schema import LANGUAGES, word_forms, words_of

DATA_DIR = Path(__file__).parent / "data"
THESAURUS_FILE = DATA_DIR / "thesaurus.tsv"
# The file's own column order (fixed: it is data, whatever order the portal lists languages).
FILE_LANGUAGES = ("es", "pt", "en", "fr")
COLUMNS = ("concept", "domain", *FILE_LANGUAGES)


class ThesaurusError(ValueError):
    """A line of the thesaurus file that cannot be read; says which line and why."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}, line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Concept:
    id: str
    domain: str
    labels: dict[str, tuple[str, ...]]  # language -> labels, the preferred one first

    def preferred(self, lang: str) -> str:
        return self.labels[lang][0]


@dataclass(frozen=True)
class ConceptMatch:
    """A concept named by the words first..last (inclusive) of a query, in `lang`."""

    concept: Concept
    lang: str
    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


def read_thesaurus(path: Path | str = THESAURUS_FILE) -> list[Concept]:
    """Every concept of the file; a malformed line is refused with its number."""
    concepts: list[Concept] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\n").rstrip("\r")
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            concept = _concept_from_line(path, number, text)
            if concept.id in seen:
                raise ThesaurusError(path, number, f"concept {concept.id!r} appears twice")
            seen.add(concept.id)
            concepts.append(concept)
    return concepts


def _concept_from_line(path, number: int, text: str) -> Concept:
    cells = text.split("\t")
    if len(cells) != len(COLUMNS):
        raise ThesaurusError(
            path, number, f"expected {len(COLUMNS)} tab-separated columns, found {len(cells)}"
        )
    concept_id, domain, *label_cells = (cell.strip() for cell in cells)
    if not concept_id or not concept_id.replace("_", "").isalnum() or not concept_id.isascii():
        raise ThesaurusError(path, number, f"concept id {concept_id!r} is not a snake_case id")
    if not domain:
        raise ThesaurusError(path, number, "the domain is empty")
    labels: dict[str, tuple[str, ...]] = {}
    for lang, cell in zip(FILE_LANGUAGES, label_cells, strict=True):
        values = tuple(dict.fromkeys(label.strip() for label in cell.split("|") if label.strip()))
        if not values:
            raise ThesaurusError(path, number, f"no {lang} label for {concept_id!r}")
        if any(not words_of(value) for value in values):
            raise ThesaurusError(path, number, f"a {lang} label of {concept_id!r} has no word")
        labels[lang] = values
    return Concept(concept_id, domain, labels)


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int, _size: int) -> Thesaurus:
    return Thesaurus(read_thesaurus(path))


# A label's words as its language indexes them: each word's set of indexed forms.
Key = tuple[frozenset[str], ...]


def _forms(lang: str, word: str) -> frozenset[str]:
    accented, plain = word_forms(lang, word)
    return frozenset((accented, plain) if plain else (accented,))


@lru_cache(maxsize=4)
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(lang))


def content_words(lang: str, words: Sequence[str]) -> list[tuple[int, frozenset[str]]]:
    """(position, forms) of the words that are not stop words in `lang`."""
    stop = _stopwords(lang)
    return [
        (position, _forms(lang, word))
        for position, word in enumerate(words)
        if word not in stop and len(word) > 1
    ]


class Thesaurus:
    """The concepts, indexed by the first analysed word of each label in its language."""

    def __init__(self, concepts: Iterable[Concept]):
        self.concepts = list(concepts)
        self._by_first: dict[tuple[str, str], list[tuple[Key, Concept]]] = {}
        for concept in self.concepts:
            for lang in LANGUAGES:
                for label in concept.labels[lang]:
                    key = tuple(forms for _, forms in content_words(lang, words_of(label)))
                    if not key:
                        continue
                    for form in key[0]:
                        self._by_first.setdefault((lang, form), []).append((key, concept))

    def __len__(self) -> int:
        return len(self.concepts)

    @classmethod
    def load(cls, path: Path | str = THESAURUS_FILE) -> Thesaurus:
        """The thesaurus of a file, read once per process while the file is unchanged."""
        stat = Path(path).stat()
        return _load(str(path), stat.st_mtime_ns, stat.st_size)

    def find(self, words: Sequence[str]) -> list[ConceptMatch]:
        """The concepts named by these (lower-case) query words, longest first, without
        overlaps, in the order they appear."""
        candidates: list[ConceptMatch] = []
        for lang in LANGUAGES:
            analysed = content_words(lang, words)
            for start in range(len(analysed)):
                candidates.extend(self._matches_at(lang, analysed, start))
        chosen: list[ConceptMatch] = []
        taken: set[int] = set()
        for match in sorted(candidates, key=lambda m: (-m.length, m.first, m.lang != "es")):
            span = set(range(match.first, match.last + 1))
            if span & taken or any(c.concept.id == match.concept.id for c in chosen):
                continue
            chosen.append(match)
            taken |= span
        return sorted(chosen, key=lambda m: m.first)

    def _matches_at(self, lang: str, analysed, start: int) -> Iterable[ConceptMatch]:
        """The concepts a label of which starts here, each by its longest label that
        matches ("school feeding program" is the concept's label of three words, not its
        label "school feeding" and a word "program" left over)."""
        position, forms = analysed[start]
        longest: dict[str, ConceptMatch] = {}
        for form in forms:
            for key, concept in self._by_first.get((lang, form), ()):
                if start + len(key) > len(analysed):
                    continue
                window = analysed[start : start + len(key)]
                pairs = zip(window, key, strict=True)
                if not all(forms_here & wanted for (_, forms_here), wanted in pairs):
                    continue
                found = longest.get(concept.id)
                if found is None or window[-1][0] > found.last:
                    longest[concept.id] = ConceptMatch(concept, lang, position, window[-1][0])
        return list(longest.values())
