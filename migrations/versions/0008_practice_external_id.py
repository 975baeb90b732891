"""practice_external_id: a practice's id in another catalogue, unique per source

A bulk import (flask practices import) records the external id of every row it creates, so
that importing the same catalogue again updates those practices instead of copying them.

Revision ID: 0008_practice_external_id
Revises: 0007_attachment_one_owner
Create Date: 2026-12-01 23:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_practice_external_id"
down_revision = "0007_attachment_one_owner"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_external_id",
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_practice_external_id_practice_id_practice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source", "external_id", name=op.f("pk_practice_external_id")),
    )
    with op.batch_alter_table("practice_external_id", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_external_id_practice_id"), ["practice_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("practice_external_id", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_external_id_practice_id"))
    op.drop_table("practice_external_id")
