"""api idempotency keys

The writes an API client sent with an Idempotency-Key, per token: the key, the request's
fingerprint and, once it succeeded, its answer to replay. A new table only.

Revision ID: 0013_api_idempotency
Revises: 0012_api_tokens
Create Date: 2026-12-02 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_api_idempotency"
down_revision = "0012_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
            name=op.f("fk_api_idempotent_request_token_id_api_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotent_request")),
        sa.UniqueConstraint("token_id", "key", name=op.f("uq_api_idempotent_request_token_id")),
    )
    op.create_index(
        op.f("ix_api_idempotent_request_token_id"), "api_idempotent_request", ["token_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_api_idempotent_request_token_id"), table_name="api_idempotent_request")
    op.drop_table("api_idempotent_request")
