"""review workflow: decisions per revision, four-eyes columns, conflicts of interest, non-publication requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("completed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_submission_completed_by", "app_user", ["completed_by"], ["id"])
        batch_op.create_foreign_key("fk_submission_approved_by", "app_user", ["approved_by"], ["id"])

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_unique_constraint("uq_decision_proposal", ["submission_id", "revision", "proposal_id"])

    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=True),
        sa.Column("submission_id", sa.String(length=32), nullable=True),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_of_interest_user_id"), ["user_id"], unique=False)

    op.create_table(
        "non_publication_request",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("submission_id", sa.String(length=32), nullable=False),
        sa.Column("partnership_id", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("grounds_enc", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("reasons_enc", sa.LargeBinary(), nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"]),
        sa.ForeignKeyConstraint(["requested_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("non_publication_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_non_publication_request_submission_id"), ["submission_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("non_publication_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_non_publication_request_submission_id"))
    op.drop_table("non_publication_request")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_user_id"))
    op.drop_table("conflict_of_interest")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint("uq_decision_proposal", type_="unique")
        batch_op.drop_column("revision")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submission_approved_by", type_="foreignkey")
        batch_op.drop_constraint("fk_submission_completed_by", type_="foreignkey")
        batch_op.drop_column("review_note")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("completed_at")
        batch_op.drop_column("completed_by")
