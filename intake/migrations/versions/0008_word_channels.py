"""issue 13: a proposal's channel names the Word draft's hidden channel it was found in ("word tracked
deletion"), longer than the PDF's own channel names

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(20), type_=sa.String(40), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(40), type_=sa.String(20), existing_nullable=False)
