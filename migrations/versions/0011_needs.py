"""needs

Country needs (the problem in the country's own words, its theme, sectors, population,
outcome, urgency and the funding it can bring) and the need a transfer answers.

Revision ID: 0011_needs
Revises: 0010_notifications
Create Date: 2026-12-01 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_needs"
down_revision = "0010_notifications"
branch_labels = None
depends_on = None


def _enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade():
    op.create_table(
        "need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("theme", _enum("peti", "ptap", "both", name="theme"), nullable=False),
        sa.Column("population", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("urgency", _enum("low", "medium", "high", name="urgency"), nullable=False),
        sa.Column(
            "funding_mode",
            _enum(
                "recipient_funded",
                "provider_funded",
                "cost_shared",
                "third_party",
                name="fundingmode",
            ),
            nullable=True,
        ),
        sa.Column(
            "status", _enum("draft", "published", "closed", name="needstatus"), nullable=False
        ),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"], ["country.code"], name=op.f("fk_need_country_code_country")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_need_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user.id"],
            name=op.f("fk_need_updated_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    op.create_index("ix_need_status_country", "need", ["status", "country_code"])
    op.create_table(
        "need_sector",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_need_sector_need_id_need"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("need_id", "sector", name=op.f("pk_need_sector")),
    )
    op.create_index("ix_need_sector_value", "need_sector", ["sector"])
    _add_need_to_transfer()


def _add_need_to_transfer():
    """transfer.need_id, a plain indexed column (no foreign key): adding a foreign key on
    SQLite rebuilds the table, and dropping the old table with foreign keys on deletes every
    follow-up, confirmation and contribution by cascade. Needs are never deleted."""
    op.add_column("transfer", sa.Column("need_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_transfer_need_id"), "transfer", ["need_id"])


def downgrade():
    op.drop_index(op.f("ix_transfer_need_id"), table_name="transfer")
    # SQLite drops a plain column in place (3.35+), so the table is not rebuilt.
    op.drop_column("transfer", "need_id")
    op.drop_index("ix_need_sector_value", table_name="need_sector")
    op.drop_table("need_sector")
    op.drop_index("ix_need_status_country", table_name="need")
    op.drop_table("need")
