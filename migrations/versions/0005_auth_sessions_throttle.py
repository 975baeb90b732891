"""auth: per-user session tokens and the log-in throttle's counters

Every account gets a session token (Flask-Login's alternative id, rotated to sign out every
cookie of the account); existing accounts get a fresh random one. The log-in throttle keeps
its counters in the database, so that every worker process sees the same counts.

Revision ID: 0005_auth_sessions_throttle
Revises: 0004_search_journal
Create Date: 2026-12-01 20:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005_auth_sessions_throttle"
down_revision = "0004_search_journal"
branch_labels = None
depends_on = None


def upgrade():
    # Added in place (no batch rebuild of "user": on SQLite, with foreign keys on, dropping the
    # old table would cascade to every row that refers to a user).
    op.add_column("user", sa.Column("session_token", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(
            user.update()
            .where(user.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    op.create_index(op.f("ix_user_session_token"), "user", ["session_token"], unique=True)

    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint(
            "key", "window_seconds", "window_start", name=op.f("uq_login_throttle_key")
        ),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttle_expires_at"), ["expires_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_expires_at"))
    op.drop_table("login_throttle")
    op.drop_index(op.f("ix_user_session_token"), table_name="user")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_token")
