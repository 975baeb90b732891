"""Open data, one function per file: each reads through kmportal.opendata.records (the
portal's visibility rules for an anonymous reader) and returns the file's bytes.

A built file is kept, per worker, under the data version the anonymous page cache uses
(kmportal/pagecache/version.py: every committing write bumps it), the address the links are
built from and the day (IATI's planned and actual dates depend on it): a harvester asking
again gets the same bytes without rebuilding, and the first request after any change builds
the file anew. The version is read before the data, so a kept file is never older than its
version (the page cache's own argument)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from flask import current_app, request

from kmportal.opendata import dcat, feed, iati, tables
from kmportal.pagecache.version import current_version

EXTENSION = "kmportal.opendata"


class BuiltFiles:
    """The latest build of each file, per worker process, shared by its threads."""

    def __init__(self):
        self._files: dict[str, tuple[tuple, bytes]] = {}
        self._lock = threading.Lock()
        self.builds = 0  # how many files were built (the tests count them)

    def get(self, name: str, validity: tuple, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            kept = self._files.get(name)
        if kept is not None and kept[0] == validity:
            return kept[1]
        body = build()
        with self._lock:
            self.builds += 1
            self._files[name] = (validity, body)
        return body


def built_files() -> BuiltFiles:
    return current_app.extensions[EXTENSION]


def _file(name: str, build: Callable[[], bytes]) -> bytes:
    version = current_version()
    if version is None:  # no data version to trust: build every time
        return build()
    validity = (version, request.host_url, date.today().isoformat())
    return built_files().get(name, validity, build)


def catalogue(fmt: str) -> bytes:
    """The DCAT-AP 3 catalogue, fmt "turtle" or "json-ld"."""
    return _file(f"catalog.{fmt}", lambda: dcat.serialise(dcat.catalogue_graph(), fmt))


def practices_csv() -> bytes:
    return _file("practices.csv", tables.practices_csv)


def practices_json() -> bytes:
    return _file("practices.json", tables.practices_json)


def practices_atom() -> bytes:
    return _file("practices.atom", feed.practices_atom)


def transfers_iati() -> bytes:
    return _file("transfers.iati.xml", iati.transfers_xml)
