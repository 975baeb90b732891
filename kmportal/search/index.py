"""The Whoosh index on disk: opening, reading, writing under a lock, repair and rebuild.

This module knows files and locks, not practices: callers pass the documents in. Writers in
every process take Whoosh's own file lock (flock on MAIN_WRITELOCK), waiting for it up to
SEARCH_LOCK_TIMEOUT seconds; a change that still cannot get the lock is written to a small
journal (pending/) that the next writer applies, so no update is lost and no LockError
reaches a user. Whoever writes reads the database *after* taking the lock, so the last
writer always stores the latest committed state, whatever order the commits arrived in.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import CLEAR

from kmportal.search.merging import merge_in_tiers
from kmportal.search.reading import Reading
from kmportal.search.schema import FORMAT_VERSION, build_schema

log = logging.getLogger(__name__)

LOCK_NAME = "MAIN_WRITELOCK"
JOURNAL_DIR = "pending"
REBUILD_MARKER = "REBUILDING"
FORMAT_FILE = "FORMAT"
_KEEP_ON_WIPE = {LOCK_NAME, JOURNAL_DIR, REBUILD_MARKER}
# Opening can race a writer that is replacing segment files: a few quick retries let the
# reader see the new generation before the index is declared unreadable.
_OPEN_ATTEMPTS = 4
MARKER_GRACE_SECONDS = 30


class IndexUnavailable(Exception):
    """The index is missing or cannot be read; `reason` is "missing", "unreadable" or
    "outdated" (written by an earlier version of the analysis: it must be rebuilt)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# A loader returns the current documents for some practice ids and the ids to delete.
Loader = Callable[[set[int]], tuple[list[dict], set[int]]]


class SearchIndex:
    """One index directory, shared by every thread and process that serves the portal."""

    def __init__(self, path: str | os.PathLike, lock_timeout: float = 10.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.schema = build_schema()
        self._local = threading.local()
        self._process_lock = threading.Lock()
        self.rebuild_thread: threading.Thread | None = None

    # Reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        """A table of contents is on disk (readable or not: see check_readable)."""
        try:
            return any(name.endswith(".toc") for name in os.listdir(self.path))
        except FileNotFoundError:
            return False

    def is_rebuilding(self) -> bool:
        """True while some process rebuilds a missing or unreadable index from scratch."""
        marker = self.path / REBUILD_MARKER
        if not marker.exists():
            return False
        if self.rebuild_thread is not None and self.rebuild_thread.is_alive():
            return True
        try:
            if time.time() - marker.stat().st_mtime < MARKER_GRACE_SECONDS:
                return True  # the rebuilder may not have taken the write lock yet
        except FileNotFoundError:
            return False
        # A marker left by a process that died: nobody holds the write lock any more.
        lock = FileStorage(str(self.path)).lock(LOCK_NAME)
        if lock.acquire(blocking=False):
            try:
                marker.unlink(missing_ok=True)
            finally:
                lock.release()
            return False
        return True

    @contextmanager
    def reading(self) -> Iterator[Reading]:
        """The calling thread's searcher, refreshed to the latest committed generation."""
        yield self._current_reading()

    def forget_reader(self) -> None:
        reading = getattr(self._local, "reading", None)
        self._local.reading = None
        if reading is not None:
            _close_quietly(reading.searcher)

    def _current_reading(self) -> Reading:
        token = self._toc_token()
        reading: Reading | None = getattr(self._local, "reading", None)
        if reading is not None and reading.token == token:
            return reading
        # Not searcher.refresh(): in Whoosh-Reloaded 2.7.5 it carries the old reader's
        # segments into the new one (index.py _reader, "Merge segments with reuse
        # segments"), so merged-away segments and replaced documents come back.
        self.forget_reader()
        reading = Reading(searcher=self._open().searcher(), token=token)
        self._local.reading = reading
        return reading

    def _toc_token(self) -> tuple:
        """Names the current table of contents: changes whenever a writer commits."""
        try:
            names = [name for name in os.listdir(self.path) if name.endswith(".toc")]
        except FileNotFoundError:
            raise IndexUnavailable("missing") from None
        if not names:
            raise IndexUnavailable("missing")
        latest = max(names, key=_toc_generation)
        stat = (self.path / latest).stat()
        return latest, stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _open(self):
        last_error: Exception | None = None
        for attempt in range(_OPEN_ATTEMPTS):
            if not self.exists():
                raise IndexUnavailable("missing")
            try:
                return whoosh_index.open_dir(str(self.path))
            # Whoosh reports a damaged table of contents with whatever unpickling or I/O
            # raised (EOFError, UnpicklingError, OSError, struct.error...).
            except Exception as error:
                last_error = error
                if attempt + 1 < _OPEN_ATTEMPTS:
                    time.sleep(0.02 * 2**attempt)
        log.error("Search index at %s is unreadable: %r", self.path, last_error)
        raise IndexUnavailable("unreadable")

    def check_readable(self) -> None:
        """Raise IndexUnavailable unless the index opens, is of the current format and its
        documents can be read."""
        ix = self._open()
        if not self.is_current_format():
            raise IndexUnavailable("outdated")
        try:
            with ix.searcher() as searcher:
                searcher.doc_count()
                for _ in searcher.reader().all_stored_fields():
                    break
        except Exception as error:  # damaged segment files, see _open
            log.error("Search index at %s is unreadable: %r", self.path, error)
            raise IndexUnavailable("unreadable") from error

    def is_current_format(self) -> bool:
        try:
            return (self.path / FORMAT_FILE).read_text("utf-8").strip() == FORMAT_VERSION
        except OSError:
            return False

    def _write_format(self) -> None:
        temporary = self.path / f".{FORMAT_FILE}.{os.getpid()}.tmp"
        temporary.write_text(FORMAT_VERSION, encoding="utf-8")
        temporary.replace(self.path / FORMAT_FILE)

    # Writing ---------------------------------------------------------------------------

    def write(self, practice_ids: set[int], load: Loader) -> bool:
        """Store the current state of these practices; journal them if the lock stays busy.

        Returns True when the index was written, False when the change was journalled or
        there is no index to keep in step (it will be built from the database when needed).
        """
        ids = set(practice_ids)
        if not self.path.is_dir():
            return False
        if self.exists() and not self.is_current_format():
            self._journal(ids)  # an index of an earlier format is rebuilt, journal and all
            return False
        if not self._process_lock.acquire(timeout=self.lock_timeout):
            self._journal(ids)
            return False
        try:
            try:
                writer = self._open().writer(timeout=self.lock_timeout, delay=0.02)
            except LockError:
                log.warning("Search index busy for %ss; change journalled", self.lock_timeout)
                self._journal(ids)
                return False
            except IndexUnavailable:
                # Being created or rebuilt (or lost): whoever rebuilds applies the journal.
                self._journal(ids)
                return False
            try:
                journal_files, journalled = self._read_journal()
                documents, gone = load(ids | journalled)
                for document in documents:
                    writer.update_document(**document)
                for practice_id in gone:
                    writer.delete_by_term("id", str(practice_id))
                writer.commit(mergetype=merge_in_tiers)
            except BaseException:
                writer.cancel()
                self._journal(ids)
                raise
            _remove(journal_files)
            return True
        finally:
            self._process_lock.release()

    def flush_journal(self, load: Loader) -> bool:
        """Apply changes journalled by writers that could not get the lock."""
        if not self._journal_files():
            return True
        return self.write(set(), load)

    def rebuild(
        self,
        documents: Callable[[], Iterable[dict]],
        on_document: Callable[[], None] | None = None,
    ) -> int:
        """Replace the whole index with `documents()`, read after the lock is held.

        Searchers keep seeing the old index until the single commit at the end; writers
        wait for the lock (or journal) meanwhile and are applied afterwards.
        """
        if not self._process_lock.acquire(timeout=self.lock_timeout):
            raise LockError("another rebuild is running in this process")
        try:
            ix = self._open_or_create()
            writer = ix.writer(timeout=max(self.lock_timeout, 60.0), delay=0.1, limitmb=256)
            count = 0
            try:
                journal_files, _ = self._read_journal()
                for document in documents():
                    writer.add_document(**document)
                    count += 1
                    if on_document is not None:
                        on_document()
                writer.commit(mergetype=CLEAR)
            except BaseException:
                writer.cancel()
                raise
            self._write_format()
            _remove(journal_files)
            return count
        finally:
            self._process_lock.release()
            self.forget_reader()

    def reset(self) -> None:
        """Start from an empty index, removing a damaged one (under the write lock)."""
        self.path.mkdir(parents=True, exist_ok=True)
        storage = FileStorage(str(self.path))
        lock = storage.lock(LOCK_NAME)
        if not _acquire(lock, self.lock_timeout):
            raise LockError("could not lock the index to reset it")
        try:
            for entry in self.path.iterdir():
                if entry.name not in _KEEP_ON_WIPE and entry.is_file():
                    entry.unlink(missing_ok=True)
            storage.create_index(self.schema)
            self._write_format()
        finally:
            lock.release()
        self.forget_reader()

    def mark_rebuilding(self, on: bool) -> None:
        marker = self.path / REBUILD_MARKER
        if on:
            self.path.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(os.getpid()), encoding="utf-8")
        else:
            marker.unlink(missing_ok=True)

    def _open_or_create(self):
        try:
            ix = self._open()
        except IndexUnavailable as unavailable:
            if unavailable.reason == "missing":
                self._create_if_missing()
            else:
                self.reset()
            return self._open()
        if not self.is_current_format():
            self.reset()  # the old schema is pickled in its table of contents
            return self._open()
        return ix

    def _create_if_missing(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        storage = FileStorage(str(self.path))
        lock = storage.lock(LOCK_NAME)
        if not _acquire(lock, self.lock_timeout):
            raise LockError("could not lock the index to create it")
        try:
            if not self.exists():  # another process may have created it meanwhile
                storage.create_index(self.schema)
                self._write_format()
        finally:
            lock.release()

    # Journal of changes that could not be written at once -------------------------------

    def _journal(self, ids: set[int]) -> None:
        if not ids:
            return
        folder = self.path / JOURNAL_DIR
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        temporary = folder / f".{name}.tmp"
        temporary.write_text("\n".join(str(i) for i in sorted(ids)), encoding="utf-8")
        temporary.replace(folder / f"{name}.ids")

    def _journal_files(self) -> list[Path]:
        folder = self.path / JOURNAL_DIR
        return sorted(folder.glob("*.ids")) if folder.is_dir() else []

    def _read_journal(self) -> tuple[list[Path], set[int]]:
        files, ids = self._journal_files(), set()
        for path in files:
            try:
                ids.update(int(line) for line in path.read_text("utf-8").split() if line)
            except (OSError, ValueError):
                log.warning("Ignoring unreadable search journal entry %s", path)
        return files, ids

    def pending_ids(self) -> set[int]:
        return self._read_journal()[1]


def _toc_generation(name: str) -> int:
    try:
        return int(name.rsplit("_", 1)[1].split(".")[0])
    except (IndexError, ValueError):
        return -1


def _acquire(lock, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _close_quietly(searcher) -> None:
    try:
        searcher.close()
    except Exception:  # a searcher on deleted files may fail to close; it is discarded anyway
        log.debug("Ignoring error while closing a stale searcher", exc_info=True)
