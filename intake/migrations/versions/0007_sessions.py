"""issue 12: server-side session records; API tokens expire; conflict withdrawals approved; decision MACs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# tokens issued before expiry existed get the default lifetime from the day of the upgrade
LEGACY_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("app_user.id"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(40), nullable=True),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal_requested_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_approved_by", sa.String(32), nullable=True))
        batch_op.create_foreign_key(
            "fk_conflict_withdrawal_approved_by", "app_user", ["withdrawal_approved_by"], ["id"]
        )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(64), nullable=True))
    until = (datetime.now(UTC) + timedelta(days=LEGACY_TOKEN_DAYS)).replace(tzinfo=None)
    op.execute(sa.text("UPDATE api_token SET expires_at = :until WHERE expires_at IS NULL").bindparams(until=until))


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_column("mac")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_constraint("fk_conflict_withdrawal_approved_by", type_="foreignkey")
        batch_op.drop_column("withdrawal_approved_by")
        batch_op.drop_column("withdrawal_requested_at")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    op.drop_table("user_session")
