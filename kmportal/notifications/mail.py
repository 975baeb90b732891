"""Sending what is due by mail, apart from any request (`flask notify send`).

Every row is claimed with one conditional UPDATE (pending -> sending, with this run's token)
before its mail goes out, so two runs at once, or one run twice, never send a row twice. A
mail server that refuses, times out or is down leaves the row pending with one more attempt
and a later next attempt (exponential backoff), logged, never raised.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMessage, Mail

from kmportal.audit.models import utcnow
from kmportal.extensions import db
from kmportal.notifications import service
from kmportal.notifications.models import (
    FAILED,
    IMMEDIATE,
    NONE,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    WEEKLY,
    Notification,
)

mail = Mail()
log = logging.getLogger("kmportal.notifications")


def init_app(app) -> None:
    instance = app.instance_path
    app.config.setdefault("MAIL_OUTBOX_DIR", f"{instance}/outbox")
    if not app.config.get("MAIL_BACKEND"):
        # SMTP once a server is configured (KMPORTAL_MAIL_SERVER), else .eml files.
        app.config["MAIL_BACKEND"] = (
            "smtp" if app.config.get("MAIL_SERVER") else "kmportal.notifications.outbox"
        )
    app.config.setdefault("MAIL_TIMEOUT", 10)
    app.config.setdefault("MAIL_DEFAULT_SENDER", "kmportal <no-reply@localhost>")
    mail.init_app(app)


def connection():
    """A connection built from the current configuration (the server, port, TLS or SSL,
    user, password and timeout of MAIL_*), opened lazily by the first send."""
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend != "smtp":
        return mail.get_connection(backend=backend)
    return mail.get_connection(
        backend="smtp",
        host=config.get("MAIL_SERVER", "localhost"),
        port=int(config.get("MAIL_PORT") or 25),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=bool(config.get("MAIL_USE_SSL")),
        timeout=config.get("MAIL_TIMEOUT"),
    )


def absolute(link: str) -> str:
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def deliver(to: str, subject: str, body: str, conn=None) -> None:
    """Send one mail now; raises whatever the backend raises (callers catch it)."""
    EmailMessage(
        subject=subject,
        body=body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
        connection=conn or connection(),
    ).send()


def _claim(ids: list[int]) -> list[Notification]:
    """Take the rows still pending among `ids` for this run, and return them."""
    if not ids:
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.mail_state == PENDING)
        .values(mail_state=SENDING, claim_token=token, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    query = sa.select(Notification).where(Notification.claim_token == token)
    return list(db.session.scalars(query.order_by(Notification.created_at, Notification.id)))


def _finish(rows: list[Notification], error: Exception | None) -> None:
    now = utcnow()
    limit = int(current_app.config["MAIL_MAX_ATTEMPTS"])
    base = float(current_app.config["MAIL_RETRY_SECONDS"])
    for row in rows:
        row.mail_attempts += 1
        row.claim_token = None
        if error is None:
            row.mail_state, row.mailed_at, row.mail_error = SENT, now, ""
            continue
        row.mail_error = f"{type(error).__name__}: {error}"[:300]
        if row.mail_attempts >= limit:
            row.mail_state = FAILED
        else:
            row.mail_state = PENDING
            row.next_attempt_at = now + timedelta(seconds=base * 2 ** (row.mail_attempts - 1))
    db.session.commit()


def _send_rows(rows: list[Notification], render, conn) -> bool:
    """Render (in the recipient's language) and send one mail for `rows`; True if sent."""
    recipient = rows[0].recipient
    try:
        with force_locale(recipient.language or "es"):
            subject, body = render(rows)
        deliver(recipient.email, subject, body, conn)
    except Exception as error:  # noqa: BLE001 - a mail failure is logged, the row retried
        log.warning(
            "mail to %s not sent (attempt %d): %s: %s",
            recipient.email,
            rows[0].mail_attempts + 1,
            type(error).__name__,
            error,
        )
        _finish(rows, error)
        return False
    _finish(rows, None)
    return True


def render_one(rows: list[Notification]) -> tuple[str, str]:
    (row,) = rows
    if row.kind == "password_reset":
        from kmportal.notifications import reset

        return reset.render(row)
    sentence = service.text(row)
    body = render_template(
        "notifications/mail/notification.txt",
        sentence=sentence,
        url=absolute(row.link),
        preferences=absolute(service_path("notifications.preferences")),
    )
    subject = _("kmportal: %(sentence)s", sentence=" ".join(sentence.split()))
    return subject[:200], body


def render_digest(rows: list[Notification]) -> tuple[str, str]:
    items = [(service.text(row), absolute(row.link)) for row in rows]
    body = render_template(
        "notifications/mail/digest.txt",
        items=items,
        preferences=absolute(service_path("notifications.preferences")),
    )
    return _("kmportal: your notices of the week"), body


def service_path(endpoint: str) -> str:
    from kmportal.notifications.recipients import path_for

    return path_for(endpoint)


def _due(now: datetime):
    return sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)


def release_stale(now: datetime) -> int:
    """Rows a run claimed and never finished (it crashed) are pending again after
    MAIL_CLAIM_TIMEOUT seconds; such a mail may then go out twice, never not at all."""
    cutoff = now - timedelta(seconds=float(current_app.config["MAIL_CLAIM_TIMEOUT"]))
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.mail_state == SENDING, Notification.claimed_at < cutoff)
        .values(mail_state=PENDING, claim_token=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed


def pending_by_mode(now: datetime, only_ids=None) -> dict[str, list[tuple[int, int, datetime]]]:
    """Pending, due rows as (id, recipient, created_at), grouped by their recipient's mode."""
    query = sa.select(
        Notification.id, Notification.recipient_id, Notification.kind, Notification.created_at
    ).where(Notification.mail_state == PENDING, _due(now))
    if only_ids is not None:
        query = query.where(Notification.id.in_(list(only_ids)))
    groups: dict[str, list] = {IMMEDIATE: [], WEEKLY: [], NONE: []}
    for row_id, user_id, kind, created_at in db.session.execute(query.order_by(Notification.id)):
        groups[service.mode_for(user_id, kind)].append((row_id, user_id, created_at))
    return groups


def week_start(moment: datetime) -> datetime:
    day = moment.date() - timedelta(days=moment.weekday())
    return datetime(day.year, day.month, day.day)


def send_due(now: datetime | None = None, only_ids: list[int] | None = None) -> dict[str, int]:
    """Send what is due: immediate rows one mail each; weekly rows of weeks that have ended
    as one digest per person and week. Returns counts (sent, failed attempts, digests...)."""
    now = now or utcnow()
    counts = {"sent": 0, "digests": 0, "failed": 0, "skipped": 0}
    release_stale(now)
    groups = pending_by_mode(now, only_ids)
    counts["skipped"] = _skip([row_id for row_id, _u, _c in groups[NONE]])
    conn = connection()
    for row_id, _user, _created in groups[IMMEDIATE]:
        for row in _claim([row_id]):
            counts["sent" if _send_rows([row], render_one, conn) else "failed"] += 1
    this_week = week_start(now)
    digests: dict[tuple[int, datetime], list[int]] = {}
    for row_id, user_id, created_at in groups[WEEKLY]:
        if created_at < this_week:
            digests.setdefault((user_id, week_start(created_at)), []).append(row_id)
    for ids in digests.values():
        rows = _claim(ids)
        if rows:
            counts["digests" if _send_rows(rows, render_digest, conn) else "failed"] += 1
    return counts


def _skip(ids: list[int]) -> int:
    if not ids:
        return 0
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.mail_state == PENDING)
        .values(mail_state=SKIPPED)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed
