"""What the index holds: one document per practice, its text analysed in the practice's own
language (stemmed, accent-folded), and the facet values that narrow a search.

Each language has its own title/summary/body fields, so Spanish text is stemmed as Spanish
and Portuguese as Portuguese; a query is parsed once per language (see query.py), which
keeps each language's stop words and stems consistent between documents and queries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from whoosh import fields
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language, stopwords_for_language

from kmportal.languages import LANGUAGES

TEXT_PARTS = ("title", "summary", "body")
# Title and summary say what a practice is; a match there weighs more than one in the body.
FIELD_BOOSTS = {"title": 3.0, "summary": 2.0, "body": 1.0}
# The facets a search can be narrowed by, in the order the page shows them.
FACETS = ("country", "theme", "sector", "outcome", "year", "language", "label")
SPELLING_FIELD = "words"
# Bumped whenever analysis or fields change: an index of another format is rebuilt.
FORMAT_VERSION = "3"

# Letters NFKD does not decompose, folded the way people type them without a keyboard layout.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def fold(text: str) -> str:
    """Lower-case text without accents: "Educación" -> "educacion", "Œuvre" -> "oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Whoosh's RegexTokenizer's default pattern: what the index calls a word.
_WORD = re.compile(r"\w+(?:\.?\w+)*")
SPELLING_FILE = Path(__file__).parent / "data" / "spelling.tsv"


def words_of(text: str) -> list[str]:
    """The lower-case words of a text, cut as the index cuts them."""
    return _WORD.findall(text.lower())


class SpellingFileError(ValueError):
    """A line of the spelling variants file that cannot be read (says which line)."""


def read_spelling_variants(path: Path | str = SPELLING_FILE) -> dict[str, dict[str, str]]:
    """language -> {variant: canonical spelling}, from `lang<TAB>variant<TAB>canonical`."""
    variants: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            cells = [cell.strip() for cell in text.split("\t")]
            if len(cells) != 3 or cells[0] not in variants or not all(cells):
                raise SpellingFileError(
                    f"{path}, line {number}: expected language (es, pt, en or fr), variant and "
                    "canonical spelling, separated by tabs"
                )
            lang, variant, canonical = cells
            if len(words_of(variant)) != 1 or len(words_of(canonical)) != 1:
                raise SpellingFileError(f"{path}, line {number}: variants are single words")
            variants[lang][variant.lower()] = canonical.lower()
    return variants


SPELLING_VARIANTS = read_spelling_variants() if SPELLING_FILE.exists() else {}


def canonical_spelling(lang: str, word: str) -> str:
    """The spelling the index keeps for a lower-case word ("labor" -> "labour" in English)."""
    return SPELLING_VARIANTS.get(lang, {}).get(word, word)


def _plural_aware(lang: str, stem: Callable[[str], str]) -> Callable[[str, str], str]:
    """The language's stemmer; in Portuguese also a short plural in -as, -es or -os that
    Snowball leaves alone because the ending falls before its RV region ("ruas", "vias" stay
    as written, so "situação de rua" never met "nas ruas"). `typed` is the word as written:
    "três" is no plural. Plurals in -is are left alone: "pais" is also "país" unaccented."""

    def stem_any(word: str, typed: str) -> str:
        return stem(word)

    def stem_pt(word: str, typed: str) -> str:
        stemmed = stem(word)
        if len(typed) >= 4 and stemmed == word and typed[-1] == "s" and typed[-2] in "aeo":
            return stem(word[:-1])
        return stemmed

    return stem_pt if lang == "pt" else stem_any


def _word_variants(lang: str) -> Callable[[str], tuple[str, str | None]]:
    stem = _plural_aware(lang, stemmer_for_language(lang))
    spellings = SPELLING_VARIANTS.get(lang, {})
    folded_spellings = {fold(variant): canonical for variant, canonical in spellings.items()}

    @lru_cache(maxsize=200_000)
    def variants(word: str) -> tuple[str, str | None]:
        # Spelling variants of the field are one word: "labor" is indexed as "labour".
        word = spellings.get(word) or folded_spellings.get(word) or word
        # Stemmers expect accents ("educación" -> "educ") and stem an unaccented spelling
        # differently ("educacion" -> "educacion"). A document keeps both forms at the same
        # position, so either spelling of a query word finds it, and plurals still meet
        # their singulars through the first form.
        accented = fold(stem(word, word))
        folded_word = fold(word)
        plain = stem(folded_word, word) if folded_word != word else accented
        return accented, (plain if plain != accented else None)

    return variants


_VARIANTS = {lang: _word_variants(lang) for lang in LANGUAGES}


def word_forms(lang: str, word: str) -> tuple[str, str | None]:
    """The indexed forms of a lower-case word: (stemmed then folded, folded then stemmed
    when that differs). "minería" -> ("min", "mineri"); "escuelas" -> ("escuel", None)."""
    return _VARIANTS[lang](word)


class StemFoldFilter(Filter):
    """Stems a token in one language and folds its accents (see _word_variants)."""

    is_morph = True

    def __init__(self, lang: str):
        self.lang = lang
        self._variants = _VARIANTS[lang]

    def __eq__(self, other) -> bool:
        return isinstance(other, StemFoldFilter) and other.lang == self.lang

    def __getstate__(self) -> dict:
        # The schema is pickled into the index's table of contents: keep only the language.
        return {"lang": self.lang}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["lang"])

    def __call__(self, tokens: Iterator) -> Iterator:
        variants = self._variants
        for token in tokens:
            accented, plain = variants(token.text)
            token.text = accented
            yield token
            if plain is not None and token.mode != "query":
                token.text = plain
                yield token


class FoldFilter(Filter):
    """Accent folding only, for the spelling field ("Did you mean")."""

    def __call__(self, tokens: Iterator) -> Iterator:
        for token in tokens:
            token.text = _cached_fold(token.text)
            yield token


_cached_fold = lru_cache(maxsize=200_000)(fold)


def language_analyzer(lang: str):
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=stopwords_for_language(lang), minsize=2)
        | StemFoldFilter(lang)
    )


def spelling_analyzer():
    return RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=(), minsize=3) | FoldFilter()


def text_field(part: str, lang: str) -> str:
    return f"{part}_{lang}"


def build_schema() -> fields.Schema:
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        state=fields.ID(stored=True),
        country=fields.ID(stored=True, sortable=True),
        theme=fields.ID(stored=True, sortable=True),
        sector=fields.KEYWORD(stored=True, sortable=True),
        outcome=fields.KEYWORD(stored=True, sortable=True),
        language=fields.KEYWORD(stored=True, sortable=True),
        year=fields.ID(stored=True, sortable=True),
        written=fields.ID(stored=True),  # the language the practice is written in
        label=fields.ID(stored=True, sortable=True),
        date=fields.NUMERIC(int, bits=64, sortable=True, signed=False),
        fingerprint=fields.STORED(),
        words=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
    )
    for lang in LANGUAGES:
        analyzer = language_analyzer(lang)
        for part in TEXT_PARTS:
            schema.add(
                text_field(part, lang),
                fields.TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS[part]),
            )
    return schema
