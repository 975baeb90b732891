"""state changes once: the uniqueness rules as database constraints

One live transfer per practice and recipient, one change per practice waiting for review,
each scheduled follow-up of a transfer once, one account per e-mail address whatever its
case. Existing rows that break a rule (left by requests that raced before this revision) are
repaired first, keeping what counts: the most advanced duplicate transfer stays and the
others are cancelled with the reason; the latest pending change stays and the older ones are
closed as superseded; the extra pending scheduled follow-ups are dropped; and a transfer
whose two countries both confirmed gets the day it was fully confirmed.

Revision ID: 0006_state_changes_once
Revises: 0005_auth_sessions_throttle
Create Date: 2026-12-01 20:40:00

"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_state_changes_once"
down_revision = "0005_auth_sessions_throttle"
branch_labels = None
depends_on = None

transfer = sa.table(
    "transfer",
    sa.column("id", sa.Integer),
    sa.column("practice_id", sa.Integer),
    sa.column("recipient_code", sa.String),
    sa.column("status", sa.String),
    sa.column("fully_confirmed_on", sa.Date),
    sa.column("cancelled_on", sa.Date),
    sa.column("cancel_reason", sa.Text),
)
confirmation = sa.table(
    "transfer_confirmation",
    sa.column("transfer_id", sa.Integer),
    sa.column("side", sa.String),
    sa.column("confirmed_on", sa.Date),
)
pending_edit = sa.table(
    "pending_edit",
    sa.column("id", sa.Integer),
    sa.column("practice_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("decided_at", sa.DateTime),
    sa.column("comment", sa.Text),
)
follow_up = sa.table(
    "follow_up",
    sa.column("id", sa.Integer),
    sa.column("transfer_id", sa.Integer),
    sa.column("scheduled_months", sa.Integer),
    sa.column("done_on", sa.Date),
)
user = sa.table("user", sa.column("id", sa.Integer), sa.column("email", sa.String))

# How far a transfer has got, to keep the most advanced of duplicates.
PROGRESS = ["proposed", "agreed", "in_progress", "transferred", "adopted", "institutionalised"]


def upgrade():
    connection = op.get_bind()
    _mark_fully_confirmed(connection)
    _cancel_duplicate_transfers(connection)
    _close_superseded_edits(connection)
    _drop_duplicate_follow_ups(connection)
    _lower_emails(connection)
    op.create_index(
        "uq_transfer_live",
        "transfer",
        ["practice_id", "recipient_code"],
        unique=True,
        sqlite_where=sa.text("status <> 'cancelled'"),
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.create_index(
        "uq_pending_edit_open",
        "pending_edit",
        ["practice_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "uq_follow_up_scheduled",
        "follow_up",
        ["transfer_id", "scheduled_months"],
        unique=True,
        sqlite_where=sa.text("scheduled_months IS NOT NULL"),
        postgresql_where=sa.text("scheduled_months IS NOT NULL"),
    )
    op.create_index("uq_user_email_lower", "user", [sa.text("lower(email)")], unique=True)


def downgrade():
    op.drop_index("uq_user_email_lower", table_name="user")
    op.drop_index("uq_follow_up_scheduled", table_name="follow_up")
    op.drop_index("uq_pending_edit_open", table_name="pending_edit")
    op.drop_index("uq_transfer_live", table_name="transfer")


def _mark_fully_confirmed(connection) -> None:
    """Two confirmations that raced could leave the pair complete but the transfer unmarked."""
    pairs = connection.execute(
        sa.select(confirmation.c.transfer_id, sa.func.max(confirmation.c.confirmed_on))
        .group_by(confirmation.c.transfer_id)
        .having(sa.func.count(sa.distinct(confirmation.c.side)) == 2)
    ).all()
    for transfer_id, last in pairs:
        connection.execute(
            transfer.update()
            .where(transfer.c.id == transfer_id, transfer.c.fully_confirmed_on.is_(None))
            .values(fully_confirmed_on=last)
        )


def _cancel_duplicate_transfers(connection) -> None:
    live = connection.execute(
        sa.select(
            transfer.c.id,
            transfer.c.practice_id,
            transfer.c.recipient_code,
            transfer.c.status,
            transfer.c.fully_confirmed_on,
        ).where(transfer.c.status != "cancelled")
    ).all()
    groups: dict[tuple, list] = {}
    for row in live:
        groups.setdefault((row.practice_id, row.recipient_code), []).append(row)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        rows.sort(
            key=lambda r: (
                r.fully_confirmed_on is None,
                -PROGRESS.index(r.status) if r.status in PROGRESS else 0,
                r.id,
            )
        )
        kept = rows[0].id
        for row in rows[1:]:
            connection.execute(
                transfer.update()
                .where(transfer.c.id == row.id)
                .values(
                    status="cancelled",
                    cancelled_on=date.today(),
                    cancel_reason=f"Duplicate of transfer #{kept} (closed by a migration).",
                )
            )


def _close_superseded_edits(connection) -> None:
    pending = connection.execute(
        sa.select(pending_edit.c.id, pending_edit.c.practice_id)
        .where(pending_edit.c.status == "pending")
        .order_by(pending_edit.c.id)
    ).all()
    latest: dict[int, int] = {}
    for row in pending:
        latest[row.practice_id] = row.id
    superseded = [row.id for row in pending if latest[row.practice_id] != row.id]
    if superseded:
        connection.execute(
            pending_edit.update()
            .where(pending_edit.c.id.in_(superseded))
            .values(
                status="rejected",
                decided_at=datetime.now(UTC).replace(tzinfo=None),
                comment="Superseded by a later change (closed by a migration).",
            )
        )


def _drop_duplicate_follow_ups(connection) -> None:
    """Each scheduled follow-up once: a recorded duplicate is kept as a plain entry, an empty
    pending duplicate is dropped."""
    rows = connection.execute(
        sa.select(
            follow_up.c.id,
            follow_up.c.transfer_id,
            follow_up.c.scheduled_months,
            follow_up.c.done_on,
        )
        .where(follow_up.c.scheduled_months.is_not(None))
        .order_by(follow_up.c.done_on.is_(None), follow_up.c.id)
    ).all()
    seen: set[tuple] = set()
    for row in rows:
        key = (row.transfer_id, row.scheduled_months)
        if key not in seen:
            seen.add(key)
        elif row.done_on is None:
            connection.execute(follow_up.delete().where(follow_up.c.id == row.id))
        else:
            connection.execute(
                follow_up.update().where(follow_up.c.id == row.id).values(scheduled_months=None)
            )


def _lower_emails(connection) -> None:
    """The service always stored e-mail addresses lower-case; make sure, or say what clashes."""
    rows = connection.execute(sa.select(user.c.id, user.c.email).order_by(user.c.id)).all()
    owners: dict[str, int] = {}
    for row in rows:
        lowered = row.email.lower()
        if lowered in owners:
            raise RuntimeError(
                f"Accounts {owners[lowered]} and {row.id} share the e-mail address {lowered!r}: "
                "merge or rename one of them, then run the migration again."
            )
        owners[lowered] = row.id
        if lowered != row.email:
            connection.execute(user.update().where(user.c.id == row.id).values(email=lowered))
