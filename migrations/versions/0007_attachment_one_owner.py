"""attachment: exactly one owner

An attachment belongs either to a practice (a document) or to a follow-up (evidence of a
transfer), never to both and never to neither. Until now only the code kept that rule.

Revision ID: 0007_attachment_one_owner
Revises: 0006_state_changes_once
Create Date: 2026-12-01 21:15:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_attachment_one_owner"
down_revision = "0006_state_changes_once"
branch_labels = None
depends_on = None

# The same condition as kmportal.attachments.models.ONE_OWNER.
ONE_OWNER = (
    "(practice_id IS NOT NULL AND follow_up_id IS NULL)"
    " OR (practice_id IS NULL AND follow_up_id IS NOT NULL)"
)


def upgrade():
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_check_constraint("one_owner", ONE_OWNER)


def downgrade():
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_attachment_one_owner"), type_="check")
