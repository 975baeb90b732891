"""Optionally, right after a commit that wrote notifications, send their immediate mails in
a background thread (NOTIFY_SEND_IN_BACKGROUND, on outside testing). The request only wrote
rows; the thread claims them like `flask notify send` does (which stays the contract and
catches whatever the thread could not send), so a slow or failing mail server never delays
or breaks the request, and the two never send a row twice."""

from __future__ import annotations

import logging
import threading

from flask import current_app, has_request_context
from sqlalchemy import event

from kmportal.extensions import db
from kmportal.notifications.models import Notification

log = logging.getLogger("kmportal.notifications")
_KEY = "kmportal.notifications.new"


def init_app(app) -> None:
    app.config.setdefault("NOTIFY_SEND_IN_BACKGROUND", not app.testing)
    if not getattr(init_app, "_listening", False):
        event.listen(_session_class(), "after_flush", _after_flush)
        event.listen(_session_class(), "after_commit", _after_commit)
        event.listen(_session_class(), "after_rollback", _after_rollback)
        init_app._listening = True


def _session_class():
    from sqlalchemy.orm import Session

    return Session


def _after_flush(session, _context) -> None:
    new = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if new:
        session.info.setdefault(_KEY, []).extend(new)


def _after_rollback(session) -> None:
    session.info.pop(_KEY, None)


def _after_commit(session) -> None:
    ids = session.info.pop(_KEY, None)
    # Only after a request's commit: a command (flask demo load) may end before a thread
    # finishes, and `flask notify send` sends what it wrote anyway.
    if not ids or not has_request_context():
        return
    try:
        enabled = current_app.config.get("NOTIFY_SEND_IN_BACKGROUND")
    except RuntimeError:  # no application (a script using the models alone)
        return
    if enabled:
        send_soon([row_id for row_id in ids if row_id is not None])


def send_soon(ids: list[int]) -> threading.Thread | None:
    """Send these rows' mails in a thread of their own (if enabled); never raises."""
    if not ids or not current_app.config.get("NOTIFY_SEND_IN_BACKGROUND"):
        return None
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, list(ids)), daemon=True)
    thread.start()
    return thread


def _run(app, ids: list[int]) -> None:
    from kmportal.notifications import mail

    with app.app_context():
        try:
            mail.send_due(only_ids=ids)
        except Exception:  # noqa: BLE001 - `flask notify send` will try again
            log.exception("background sending of notifications %s failed", ids)
        finally:
            db.session.remove()
