"""Typo tolerance: how many edits a word forgives by its length, and the index's words
within that many edits (a swap of neighbouring letters is one edit)."""

from __future__ import annotations

from kmportal.search.schema import SPELLING_FIELD


def max_typos(word: str) -> int:
    """Edits forgiven in a word by its length (as Meilisearch and Elasticsearch's AUTO)."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 9 else 2


def close_spellings(reader, word: str, typos: int) -> list[str]:
    """Words of the index within `typos` edits of `word` (a swap of two neighbouring letters
    is one edit, as in Damerau-Levenshtein), closest and most common first. The first letter
    is kept: few typos are there, and it keeps the look-up fast."""
    candidates = set(reader.terms_within(SPELLING_FIELD, word, typos, prefix=1))
    for i in range(1, len(word) - 1):  # every swap of neighbouring letters but the first
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped != word:
            candidates.update(reader.terms_within(SPELLING_FIELD, swapped, typos - 1, prefix=1))
    candidates.discard(word)
    return sorted(
        candidates,
        key=lambda c: (edit_distance(word, c), -reader.doc_frequency(SPELLING_FIELD, c), c),
    )


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
