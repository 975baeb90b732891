"""notifications and notification preferences

Revision ID: 0010_notifications
Revises: 0009_plan_periods
Create Date: 2026-12-01 23:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_notifications"
down_revision = "0009_plan_periods"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("mail_state", sa.String(length=10), nullable=False),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("mailed_at", sa.DateTime(), nullable=True),
        sa.Column("mail_error", sa.String(length=300), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_event.id"],
            name=op.f("fk_notification_event_id_audit_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["user.id"],
            name=op.f("fk_notification_recipient_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notification_dedupe_key")),
    )
    op.create_index(
        "ix_notification_recipient", "notification", ["recipient_id", "read_at", "created_at"]
    )
    op.create_index("ix_notification_mail", "notification", ["mail_state", "next_attempt_at"])
    op.create_index(op.f("ix_notification_claim_token"), "notification", ["claim_token"])
    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notification_preference_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preference")),
    )


def downgrade():
    op.drop_table("notification_preference")
    op.drop_index(op.f("ix_notification_claim_token"), table_name="notification")
    op.drop_index("ix_notification_mail", table_name="notification")
    op.drop_index("ix_notification_recipient", table_name="notification")
    op.drop_table("notification")
