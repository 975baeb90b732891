"""Whole anonymous pages cached until the data changes, validated by ETag.

What a page may compute per request, and what is kept: an anonymous reader's GET of an HTML
page is rendered once per (address, language, host, day) and kept, in each worker, until
the data version (a row every committing write bumps, see version.py) or the search index
generation changes; a reader who sends the page's ETag back gets 304. Each request still
reads the data version (one indexed SELECT) and the index's table of contents (a directory
listing), so a change is visible on the very next request, in every worker.

Never cached: anything a signed-in user asks for or receives, any method but GET, any
answer but a 200 HTML page, a page that carries a CSRF token or sets a cookie, and any
request whose session holds more than the chosen language (flashed messages, for example).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from kmportal.api import errors as api_errors

EXTENSION = "kmportal.pagecache"
# What an anonymous session may hold for its pages to be shared with other readers.
SHAREABLE_SESSION_KEYS = frozenset({"lang", "lang_picked", "csrf_token"})  # main/language.py
NEVER_CACHED = frozenset({"static", "main.healthz"})


@dataclass(frozen=True)
class CachedPage:
    validity: tuple
    body: bytes
    etag: str
    content_type: str


class PageCache:
    """A small LRU of rendered pages, per worker process, shared by its threads."""

    def __init__(self, size: int):
        from kmportal.pagecache.version import VersionReader

        self.size = size
        self.versions = VersionReader()
        self._pages: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, validity: tuple) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.validity != validity:
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: CachedPage) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def init_app(app: Flask) -> None:
    from kmportal.extensions import db
    from kmportal.pagecache import version

    with app.app_context():
        version.install(db.engine)
    app.config.setdefault("PAGE_CACHE_SIZE", 300)
    app.extensions[EXTENSION] = PageCache(app.config["PAGE_CACHE_SIZE"])
    app.before_request(_serve_from_cache)
    app.after_request(_keep_page)


def page_cache() -> PageCache:
    return current_app.extensions[EXTENSION]


def _shareable_request() -> bool:
    return (
        current_app.config["PAGE_CACHE_SIZE"] > 0
        and request.method == "GET"
        and not api_errors.is_api_request()  # JSON, per reader and token
        and request.endpoint is not None
        and request.endpoint not in NEVER_CACHED
        and set(session.keys()) <= SHAREABLE_SESSION_KEYS
        and not current_user.is_authenticated
    )


def _index_generation() -> tuple:
    """Names the state of the search index folder: its files (Whoosh writes a new table of
    contents per commit), the journal of pending changes and the rebuilding marker. Pages
    show similar practices, search results and notices that come from the index, which is
    written just after the database commit."""
    path = current_app.config["SEARCH_INDEX_DIR"]
    try:
        with os.scandir(path) as entries:
            return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in entries))
    except FileNotFoundError:
        return ()


def _serve_from_cache():
    g.pop("page_cache_key", None)
    if not _shareable_request():
        return None
    from kmportal.extensions import db

    try:
        data_version = page_cache().versions.read(db.engine)
    except sa.exc.DBAPIError:
        # No version to trust (the database is away, or not migrated yet): the page is
        # rendered as if there were no cache, and a view that needs the database answers
        # the outage page itself.
        return None
    if data_version is None:
        return None
    key = (request.host, request.full_path, str(get_locale()))
    validity = (data_version, _index_generation(), date.today().isoformat())
    page = page_cache().get(key, validity)
    if page is None:
        g.page_cache_key, g.page_cache_validity = key, validity  # render, then keep it
        return None
    response = current_app.response_class(page.body, content_type=page.content_type)
    return _conditional(response, page.etag)


def _keep_page(response):
    key = g.pop("page_cache_key", None)
    if key is None or not _keepable(response):
        return response
    body = response.get_data()
    etag = hashlib.sha256(body).hexdigest()[:32]
    page_cache().put(key, CachedPage(g.page_cache_validity, body, etag, response.content_type))
    return _conditional(response, etag)


def _keepable(response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session.modified
        # The page carries this session's CSRF token (Flask-WTF keeps it in g once made).
        and current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in g
        and not current_user.is_authenticated
    )


def _conditional(response, etag: str):
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # keep it, but ask again each time
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)
