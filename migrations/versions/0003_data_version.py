"""data version: one row bumped by every committing write (kmportal/pagecache/version.py)

Revision ID: 0003_data_version
Revises: 0002_transfers
Create Date: 2026-12-01 20:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_data_version"
down_revision = "0002_transfers"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("data_version")
