"""From what a person typed to a Whoosh query, and back to highlighted passages.

Whatever arrives (unbalanced quotes, a lone AND, 5,000 characters, symbols) is first tidied
into the small syntax we support: words, "phrases", OR, NOT or -word, and parentheses. The
tidy text is parsed once per language against that language's fields and the results are
OR-ed: a Spanish practice is matched by the query as Spanish reads it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from whoosh import qparser
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.highlight import (
    ContextFragmenter,
    HtmlFormatter,
    WholeFragmenter,
    highlight,
)
from whoosh.lang import stopwords_for_language
from whoosh.qparser import plugins

from kmportal.search.schema import (
    LANGUAGES,
    SPELLING_FIELD,
    TEXT_PARTS,
    StemFoldFilter,
    fold,
    text_field,
    word_forms,
)

MAX_WORDS = 32
COMMON_WORDS = frozenset().union(*(stopwords_for_language(lang) for lang in LANGUAGES))
MAX_INPUT_CHARS = 2000
OPERATORS = {"AND", "OR", "NOT"}
# A quote, a parenthesis, or a word (dotted like "8.7"), with "-"/"+" only at its start.
_TOKEN = re.compile(r'"|\(|\)|(?:(?<!\w)[-+])?\w+(?:\.\w+)*')


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the tidy text that was searched for
    query: wq.Query  # wq.NullQuery when nothing searchable is left
    shortened: bool = False
    only_common_words: bool = False

    @property
    def is_empty(self) -> bool:
        return self.query is wq.NullQuery


def tidy(raw: str) -> tuple[str, bool]:
    """The supported syntax out of any input, and whether it had to be shortened."""
    text = unicodedata.normalize("NFC", (raw or "")[:MAX_INPUT_CHARS])
    tokens = _TOKEN.findall(text)
    words, kept, shortened = 0, [], False
    for token in tokens:
        if token not in ('"', "(", ")") and token not in OPERATORS:
            words += 1
            if words > MAX_WORDS:
                shortened = True
                break
        kept.append(token)
    shortened = shortened or len(raw or "") > MAX_INPUT_CHARS
    kept = _balance(kept, '"')
    kept = _balance_parentheses(kept)
    kept = _drop_dangling_operators(kept)
    return _join(kept), shortened


def _balance(tokens: list[str], quote: str) -> list[str]:
    if tokens.count(quote) % 2:
        last = len(tokens) - 1 - tokens[::-1].index(quote)
        tokens = tokens[:last] + tokens[last + 1 :]
    return tokens


def _balance_parentheses(tokens: list[str]) -> list[str]:
    depth = 0
    for token in tokens:
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth < 0:
            break
    if depth != 0:
        return [token for token in tokens if token not in ("(", ")")]
    return tokens


def _drop_dangling_operators(tokens: list[str]) -> list[str]:
    """An operator needs a word on each side (NOT: on its right); others become nothing."""
    kept: list[str] = []
    for index, token in enumerate(tokens):
        if token not in OPERATORS:
            kept.append(token)
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        right_ok = following is not None and following not in OPERATORS and following != ")"
        left_ok = bool(kept) and kept[-1] not in OPERATORS and kept[-1] != "("
        if right_ok and (left_ok or token == "NOT"):
            kept.append(token)
    while kept and kept[-1] in OPERATORS:
        kept.pop()
    return kept


def _join(tokens: list[str]) -> str:
    """Tokens back to text, without stray spaces inside quotes and parentheses."""
    text, glue, in_quote = "", True, False
    for token in tokens:
        closing = token == ")" or (token == '"' and in_quote)
        if not glue and not closing:
            text += " "
        text += token
        if token == '"':
            in_quote = not in_quote
        glue = token == "(" or (token == '"' and in_quote)
    return text


class QueryParsers:
    """One parser per language, built once: Whoosh parsers are reusable."""

    def __init__(self, schema):
        self._parsers = {lang: _parser(schema, lang) for lang in LANGUAGES}

    def parse(self, raw: str) -> ParsedQuery:
        text, shortened = tidy(raw)
        if not text:
            return ParsedQuery(text="", query=wq.NullQuery, shortened=shortened)
        words = [t.lstrip("-+") for t in _TOKEN.findall(text) if t not in ('"', "(", ")")]
        if all(len(w) < 2 or w.lower() in COMMON_WORDS for w in words if w not in OPERATORS):
            # "de la", "the": common in some language, so searching them finds noise.
            return ParsedQuery(text, wq.NullQuery, shortened, only_common_words=True)
        branches = [self._parse_one(lang, text) for lang in LANGUAGES]
        branches = [branch for branch in branches if branch is not wq.NullQuery]
        if branches:
            return ParsedQuery(text, wq.Or(branches).normalize(), shortened)
        # Only excluded words ("-mining"): everything but them, rather than nothing at all.
        excluded = " ".join(_excluded_words(text))
        negatives = [self._parse_one(lang, excluded) for lang in LANGUAGES] if excluded else []
        negatives = [negative for negative in negatives if negative is not wq.NullQuery]
        if negatives:
            everything_but = wq.AndNot(wq.Every(), wq.Or(negatives))
            return ParsedQuery(text, everything_but.normalize(), shortened)
        return ParsedQuery(text, wq.NullQuery, shortened, only_common_words=True)

    def parse_in(self, lang: str, text: str) -> wq.Query:
        """Tidy text as one language's fields read it (wq.NullQuery when only stop words)."""
        return self._parse_one(lang, text)

    def _parse_one(self, lang: str, text: str) -> wq.Query:
        parsed = self._parsers[lang].parse(text)
        return _with_unaccented_forms(parsed, text, lang).normalize()


def _with_unaccented_forms(node: wq.Query, text: str, lang: str) -> wq.Query:
    """Let an accented query word also match text typed without its accents.

    Documents hold both forms of accented words; a query word is analysed to the first form
    only (so phrases keep one word per position). Here each single-word term gets the
    second form as an alternative: "minería" then also finds "mineria". Phrases keep the
    accented form only.
    """
    if isinstance(node, wq.Term):
        if node.startchar is None or node.endchar is None:
            return node
        word = text[node.startchar : node.endchar].lower()
        accented, plain = word_forms(lang, word)
        if plain is None or accented != node.text:
            return node
        return wq.Or([node, wq.Term(node.fieldname, plain, boost=node.boost)])
    if node.is_leaf():
        return node
    return node.apply(lambda child: _with_unaccented_forms(child, text, lang))


def _excluded_words(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    return [
        token.lstrip("-")
        for index, token in enumerate(tokens)
        if (token.startswith("-") and len(token) > 1) or (index and tokens[index - 1] == "NOT")
    ]


def _parser(schema, lang: str) -> qparser.QueryParser:
    fieldnames = [text_field(part, lang) for part in TEXT_PARTS]
    parser = qparser.MultifieldParser(fieldnames, schema, group=qparser.AndGroup)
    for plugin in (
        plugins.FieldsPlugin,
        plugins.WildcardPlugin,
        plugins.RangePlugin,
        plugins.BoostPlugin,
        plugins.EveryPlugin,
        plugins.SingleQuotePlugin,
    ):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(plugins.PlusMinusPlugin())
    return parser


def positive_terms(query: wq.Query) -> set[tuple[str, str]]:
    """(field, text) of the words a result matched, leaving out excluded ones."""
    found: set[tuple[str, str]] = set()

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, wq.Term):
            found.add((node.fieldname, node.text))
        elif isinstance(node, wq.Phrase):
            found.update((node.fieldname, word) for word in node.words)
        for child in node.children():
            walk(child)

    walk(query)
    return found


# Highlighting re-analyses each shown text; stop words are never query terms, so the stop
# filter (which with removestops=False only marks them) is left out: about a fifth faster.
_ANALYZERS = {
    lang: RegexTokenizer() | LowercaseFilter() | StemFoldFilter(lang) for lang in LANGUAGES
}


def highlighted(text: str, lang: str, part: str, terms: set, whole: bool) -> str | None:
    """HTML-escaped text with the matched words in <mark>, or None when nothing matched."""
    lang = lang if lang in _ANALYZERS else "es"
    wanted = {word for fieldname, word in terms if fieldname == text_field(part, lang)}
    if not text or not wanted:
        return None
    fragmenter = WholeFragmenter() if whole else ContextFragmenter(maxchars=220, surround=60)
    # A formatter numbers the terms it has seen (term0, term1...): one per call, not shared.
    formatter = HtmlFormatter(tagname="mark", classname="match", between="" if whole else " … ")
    # mode="index" yields both spellings of an accented word, so "educacion" marks "educación".
    marked = highlight(text, wanted, _ANALYZERS[lang], fragmenter, formatter, top=2, mode="index")
    return marked or None


def corrected_text(text: str, reader, limit_per_word: int = 1) -> str | None:
    """The query with words the index has never seen replaced by a close spelling it has."""
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        if word in OPERATORS or not 4 <= len(word) <= 30 or word.isdigit():
            return word
        folded = fold(word)
        if (SPELLING_FIELD, folded) in reader:
            return word
        corrector = reader.corrector(SPELLING_FIELD)
        suggestions = corrector.suggest(folded, limit=limit_per_word, maxdist=2, prefix=1)
        if not suggestions:
            return word
        changed = True
        return suggestions[0]

    result = re.sub(r"\w+", replace, text)
    return result if changed else None
