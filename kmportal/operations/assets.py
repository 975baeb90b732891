"""Static files under content-hashed names, cached for a year.

`url_for('static', filename='css/app.css')` gives `/static/css/app.<hash>.css`, the hash
being the first 12 hex digits of the file's SHA-256: a new version of a file has a new
address, so a hashed address may be cached for good (`immutable`). The plain address and an
address with an out-of-date hash still serve the current file, but with `no-cache`, so an
old page asking for an old hash never keeps a stale copy for a year.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

from flask import Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

HASH_LENGTH = 12
ONE_YEAR = 365 * 24 * 3600
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)$")

_digests: dict[tuple[str, int, int], str] = {}
_digests_lock = threading.Lock()


def init_app(app: Flask) -> None:
    if app.static_folder is None or "static" not in app.view_functions:
        return
    app.view_functions["static"] = serve_static
    app.url_defaults(_hashed_static_url)
    # Browsers ask for /favicon.ico whatever the page links: send them to the hashed SVG.
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def favicon():
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"))


def file_digest(path: str) -> str:
    """The file's content hash, recomputed only when its size or modification time change."""
    stat = os.stat(path)
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _digests_lock:
        if key in _digests:
            return _digests[key]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_LENGTH]
    with _digests_lock:
        _digests[key] = digest
    return digest


def hashed_name(filename: str) -> str:
    """`css/app.css` → `css/app.<hash>.css`; a name that is not a file is left as it is."""
    path = safe_join(current_app.static_folder, filename)
    if path is None or not os.path.isfile(path):
        return filename
    directory, _, name = filename.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    hashed = f"{stem}.{file_digest(path)}" + (f".{suffix}" if suffix else "")
    return f"{directory}/{hashed}" if directory else hashed


def _hashed_static_url(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values:
        values["filename"] = hashed_name(values["filename"])


def _unhashed(filename: str) -> tuple[str, str | None]:
    directory, _, name = filename.rpartition("/")
    match = _HASHED.match(name)
    if not match:
        return filename, None
    plain = match["stem"] + match["suffix"]
    return (f"{directory}/{plain}" if directory else plain), match["digest"]


def serve_static(filename: str):
    """The file at its plain name or any hashed name; immutable only under its current hash."""
    folder = current_app.static_folder
    plain, digest = filename, None
    path = safe_join(folder, filename)
    if path is None or not os.path.isfile(path):
        plain, digest = _unhashed(filename)
        path = safe_join(folder, plain)
        if digest is None or path is None or not os.path.isfile(path):
            raise NotFound()
    current = digest is not None and digest == file_digest(path)
    response = send_from_directory(folder, plain, max_age=ONE_YEAR if current else 0)
    if current:
        response.cache_control.public = True
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response
