"""issue 11: page images and manual redactions computed by the worker; verification holds

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verification_hold", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hold_overridden_by", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("hold_overridden_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("hold_override_enc", sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key("fk_submission_hold_overridden_by", "app_user", ["hold_overridden_by"], ["id"])
    op.create_table(
        "page_image",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("submission_id", sa.String(32), sa.ForeignKey("submission.id"), nullable=False, index=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("width", sa.Float(), nullable=False),
        sa.Column("height", sa.Float(), nullable=False),
        sa.Column("dpi", sa.Integer(), nullable=False),
        sa.Column("data_key_id", sa.String(32), sa.ForeignKey("data_key.id"), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("submission_id", "revision", "variant", "page", name="uq_page_image"),
    )
    op.create_table(
        "screen_task",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("submission_id", sa.String(32), sa.ForeignKey("submission.id"), nullable=False, index=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(32), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("request_enc", sa.LargeBinary(), nullable=False),
        sa.Column("result_enc", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("screen_task")
    op.drop_table("page_image")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submission_hold_overridden_by", type_="foreignkey")
        batch_op.drop_column("hold_override_enc")
        batch_op.drop_column("hold_overridden_at")
        batch_op.drop_column("hold_overridden_by")
        batch_op.drop_column("verification_hold")
