"""archive handover: one row per document (or withdrawal notice) per sink, and one per attempt

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_delivery",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("submission_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sink", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=80), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("archive_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sink", "idempotency_key", name="uq_handover_delivery_key"),
    )
    with op.batch_alter_table("handover_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_delivery_submission_id"), ["submission_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_delivery_state"), ["state"], unique=False)

    op.create_table(
        "handover_attempt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=80), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["handover_delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handover_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_attempt_delivery_id"), ["delivery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handover_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_attempt_delivery_id"))
    op.drop_table("handover_attempt")
    with op.batch_alter_table("handover_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_delivery_state"))
        batch_op.drop_index(batch_op.f("ix_handover_delivery_submission_id"))
    op.drop_table("handover_delivery")
