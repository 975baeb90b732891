"""The practices' vectors on disk: derived data like the Whoosh index, under the instance.

One SQLite file (`SEARCH_VECTORS_FILE`, default `instance/vectors.sqlite3`), shared by every
worker: SQLite's own locking makes concurrent writers safe, and WAL lets readers go on while
one writes. Each row holds a practice's vector and the digest of the text it was computed
from, so a rebuild re-encodes only what changed, and `check` tells a stale vector from a
current one. Every write takes the next sequence number; a reader keeps the matrix in memory
and loads only the rows written since it last looked.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kmportal.search.embeddings import Encoder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    practice_id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,
    vector BLOB,            -- NULL: the practice left the index
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS vectors_seq ON vectors (seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
ENCODE_BATCH = 32


def digest(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\n{text}".encode(), usedforsecurity=False).hexdigest()


@dataclass
class _Loaded:
    seq: int = -1
    ids: list[int] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)  # practice id -> row of the matrix
    matrix: np.ndarray | None = None


class VectorStore:
    def __init__(self, path: str | Path, encoder: Encoder):
        self.path = Path(path)
        self.encoder = encoder
        self._loaded = _Loaded()
        self._guard = threading.Lock()
        self._prepared = False  # schema and model checked in this process

    def _connect(self) -> sqlite3.Connection:
        """A connection to the file; the schema and the model are checked once per process
        (and again if the file went away), not on every search."""
        fresh = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        if fresh or not self._prepared:
            self._prepare(connection)
            self._prepared = True
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(_SCHEMA)
        model = connection.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
        if model is None or model[0] != self.encoder.name:
            # Vectors of another model cannot be compared with this one's: start again.
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("DELETE FROM vectors")
            connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('model', ?)",
                (self.encoder.name,),
            )
            connection.execute("COMMIT")

    # Writing ---------------------------------------------------------------------------

    def write(self, texts: dict[int, str], gone: Iterable[int] = ()) -> int:
        """Store the vectors of these practices' texts (re-encoding only changed ones) and
        forget the practices that left the index. Returns how many were encoded."""
        wanted = {pid: digest(self.encoder.name, text) for pid, text in texts.items()}
        gone = set(gone) - set(wanted)
        with closing(self._connect()) as connection:
            current = self._digests(connection, set(wanted) | gone)
            changed = [pid for pid, d in wanted.items() if current.get(pid) != d]
            vectors = self._encode([texts[pid] for pid in changed])
            connection.execute("BEGIN IMMEDIATE")
            try:
                seq = self._next_seq(connection)
                for pid, vector in zip(changed, vectors, strict=True):
                    connection.execute(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                        (pid, wanted[pid], vector.astype(np.float32).tobytes(), seq),
                    )
                for pid in gone:
                    if pid in current:
                        connection.execute(
                            "UPDATE vectors SET vector = NULL, digest = '', seq = ? "
                            "WHERE practice_id = ?",
                            (seq, pid),
                        )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return len(changed)

    def replace_all(self, texts: dict[int, str], on_progress=None) -> int:
        """Make the store hold exactly these practices (the rebuild of `flask search
        reindex`); vectors whose text is unchanged are kept."""
        encoded = 0
        items = list(texts.items())
        for start in range(0, len(items), ENCODE_BATCH * 8):
            encoded += self.write(dict(items[start : start + ENCODE_BATCH * 8]))
            if on_progress is not None:
                on_progress(min(start + ENCODE_BATCH * 8, len(items)))
        stored = set(self.digests())
        self.write({}, gone=stored - set(texts))
        return encoded

    def _encode(self, texts: list[str]) -> list[np.ndarray]:
        vectors: list[np.ndarray] = []
        for start in range(0, len(texts), ENCODE_BATCH):
            vectors.extend(self.encoder.passages(texts[start : start + ENCODE_BATCH]))
        return vectors

    @staticmethod
    def _next_seq(connection) -> int:
        row = connection.execute("SELECT COALESCE(MAX(seq), 0) FROM vectors").fetchone()
        return int(row[0]) + 1

    @staticmethod
    def _digests(connection, ids: set[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for pid, value in connection.execute(
                f"SELECT practice_id, digest FROM vectors WHERE vector IS NOT NULL "
                f"AND practice_id IN ({marks})",
                chunk,
            ):
                found[pid] = value
        return found

    # Reading ---------------------------------------------------------------------------

    def digests(self) -> dict[int, str]:
        """practice id -> digest of every stored vector (for `flask search check`)."""
        if not self.path.exists():
            return {}
        with closing(self._connect()) as connection:
            return dict(
                connection.execute(
                    "SELECT practice_id, digest FROM vectors WHERE vector IS NOT NULL"
                )
            )

    def loaded(self) -> _Loaded:
        """The vectors in memory, brought up to date with what other workers wrote."""
        with self._guard:
            if not self.path.exists():
                self._loaded = _Loaded()
                return self._loaded
            with closing(self._connect()) as connection:
                latest = connection.execute("SELECT COALESCE(MAX(seq), 0) FROM vectors")
                latest_seq = int(latest.fetchone()[0])
                if latest_seq != self._loaded.seq:
                    self._loaded = self._refreshed(connection, self._loaded, latest_seq)
            return self._loaded

    def _refreshed(self, connection, old: _Loaded, latest_seq: int) -> _Loaded:
        if old.matrix is None or latest_seq < old.seq:
            rows = connection.execute("SELECT practice_id, vector FROM vectors")
        else:
            rows = connection.execute(
                "SELECT practice_id, vector FROM vectors WHERE seq > ?", (old.seq,)
            )
        vectors = (
            {}
            if old.matrix is None or latest_seq < old.seq
            else {pid: old.matrix[row] for pid, row in old.rows.items()}
        )
        for pid, blob in rows:
            if blob is None:
                vectors.pop(pid, None)
            else:
                vectors[pid] = np.frombuffer(blob, dtype=np.float32)
        ids = sorted(vectors)
        matrix = (
            np.vstack([vectors[pid] for pid in ids])
            if ids
            else np.zeros((0, self.encoder.dim), dtype=np.float32)
        )
        return _Loaded(latest_seq, ids, {pid: row for row, pid in enumerate(ids)}, matrix)

    def nearest(
        self, vector: np.ndarray, allowed: set[int] | None, limit: int, floor: float, loaded=None
    ):
        """(practice id, cosine) of the closest stored practices among `allowed` (None: all),
        at least `floor` similar, best first (in `loaded`, when the caller has it already)."""
        loaded = loaded or self.loaded()
        if loaded.matrix is None or not loaded.ids:
            return []
        similarities = loaded.matrix @ vector.astype(np.float32)
        order = np.argsort(-similarities)
        found = []
        for row in order:
            similarity = float(similarities[row])
            if similarity < floor:
                break
            pid = loaded.ids[row]
            if allowed is None or pid in allowed:
                found.append((pid, similarity))
                if len(found) >= limit:
                    break
        return found

    def vector_of(self, practice_id: int) -> np.ndarray | None:
        loaded = self.loaded()
        row = loaded.rows.get(practice_id)
        return None if row is None or loaded.matrix is None else loaded.matrix[row]
