"""new versions of a submission: counts of what was carried over from the previous revision

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_over", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("manual_boxes_dropped", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("manual_boxes_dropped")
        batch_op.drop_column("carried_over")
