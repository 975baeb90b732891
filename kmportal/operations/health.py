"""The health check behind /healthz: the database, the search index and free disk space.

Each check answers on its own, so a failure of one never hides the state of the others; the
portal is healthy when all of them are.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from kmportal.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    checks: dict[str, Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, check in self.checks.items() if not check.ok]

    def as_dict(self) -> dict:
        return {
            "status": "ok" if self.ok else "error",
            "failed": self.failed,
            "checks": {
                name: {"ok": check.ok, **check.detail} for name, check in self.checks.items()
            },
        }


def check_health() -> Health:
    """Healthy when the database answers, the search index can be read and written (or is
    yet to be built) and every data directory has at least HEALTH_MIN_FREE_MB free."""
    database = check_database()
    return Health(
        {
            "database": database,
            "search_index": check_search_index(),
            "disk": check_disk(),
        }
    )


def check_database() -> Check:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        _rollback_quietly()
        return Check(False, {"error": error.__class__.__name__})
    return Check(True)


def check_search_index() -> Check:
    """Failed when the index is unreadable or its folder cannot be written. A missing index
    is not a failure: the first search (or `flask search reindex`) builds it."""
    from kmportal.search import service

    index = service.current_index()
    if index.is_rebuilding():
        return Check(True, {"state": "rebuilding"})
    folder = _existing_ancestor(index.path)
    if not os.access(folder, os.W_OK | os.X_OK):
        return Check(False, {"error": "not writable", "path": str(folder)})
    try:
        index.check_readable()
    except service.IndexUnavailable as unavailable:
        if unavailable.reason == "missing":
            return Check(True, {"state": "missing"})
        return Check(False, {"error": unavailable.reason})
    return Check(True, {"state": "ready"})


def check_disk() -> Check:
    minimum = int(current_app.config["HEALTH_MIN_FREE_MB"]) * 1024 * 1024
    free = {}
    for name, path in _data_directories().items():
        free[name] = shutil.disk_usage(_existing_ancestor(path)).free
    low = sorted(name for name, bytes_free in free.items() if bytes_free < minimum)
    detail = {"free_mb": {name: bytes_free // (1024 * 1024) for name, bytes_free in free.items()}}
    if low:
        detail["low"] = low
    return Check(not low, detail)


def _data_directories() -> dict[str, Path]:
    config = current_app.config
    directories = {
        "instance": Path(current_app.instance_path),
        "uploads": Path(config["UPLOAD_DIR"]),
        "search_index": Path(config["SEARCH_INDEX_DIR"]),
    }
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        directories["database"] = Path(url.database).parent
    return directories


def _existing_ancestor(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        log.debug("Rollback after a failed health check failed", exc_info=True)
