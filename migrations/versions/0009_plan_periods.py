"""plan periods: official language and per-language texts of the work plans

A plan (one plan period: code, first and last month) now names the language of its
official text, and the plan, its objectives, results, activities and targets keep their
texts in other languages (unofficial translations) beside the official one. Existing rows
keep their texts as the official Spanish text, with no translation yet (`flask reference
load` adds the shipped ones).

Revision ID: 0009_plan_periods
Revises: 0008_practice_external_id
Create Date: 2026-12-01 23:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_plan_periods"
down_revision = "0008_practice_external_id"
branch_labels = None
depends_on = None

TRANSLATED = ("plan", "objective", "result", "activity", "target")


def columns() -> dict[str, sa.Column]:
    """The columns this migration adds, by table."""
    added = {
        table: [sa.Column("translations", sa.JSON(), nullable=False, server_default="{}")]
        for table in TRANSLATED
    }
    added["plan"].insert(
        0, sa.Column("official_language", sa.String(length=8), nullable=False, server_default="es")
    )
    return added


def upgrade():
    # Plain ALTER TABLE ... ADD COLUMN with a default: existing rows get it, no table copy. A
    # column already there (added by hand so that today's models can write to an older
    # schema, as tests/test_migration_once.py does) is left as it is.
    inspector = sa.inspect(op.get_bind())
    for table, new in columns().items():
        present = {column["name"] for column in inspector.get_columns(table)}
        for column in new:
            if column.name not in present:
                op.add_column(table, column)


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ too): a batch copy of "plan" would drop
    # the old table, and with foreign keys on, SQLite would cascade it to every objective.
    for table in reversed(TRANSLATED):
        op.drop_column(table, "translations")
    op.drop_column("plan", "official_language")
