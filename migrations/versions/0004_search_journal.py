"""search journal

The practices whose search document may be behind the database, written in the same
transaction as their change and replayed after a crash between the commit and the index write.

Revision ID: 0004_search_journal
Revises: 0003_data_version
Create Date: 2026-12-01 21:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_search_journal"
down_revision = "0003_data_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_journal")),
    )
    op.create_index(
        op.f("ix_search_journal_practice_id"), "search_journal", ["practice_id"], unique=False
    )
    op.create_index(op.f("ix_search_journal_token"), "search_journal", ["token"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_search_journal_token"), table_name="search_journal")
    op.drop_index(op.f("ix_search_journal_practice_id"), table_name="search_journal")
    op.drop_table("search_journal")
