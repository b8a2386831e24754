"""issue 12: optional TOTP second factor; a user's own data key; the sealed proposal set of a revision;
the unused lock-out columns dropped

* ``app_user``: the TOTP secret (sealed), the one being enrolled, when it was enabled, the last time
  step accepted (replay), and the id of the user's data key. ``failed_logins`` and ``locked_until`` go:
  nothing has read them since login failures slow down in Redis (intake.accounts.throttle).
* ``data_key.submission_id`` may be null: a user's key (purpose ``totp:<user id>``) belongs to no
  submission, and is re-wrapped by ``safepub keys rotate`` like every other data key.
* ``submission.proposal_set_enc``: the current revision's proposal ids as SafePub wrote them, sealed.
  Revisions processed before this migration have none, and their final render is refused until the
  draft is processed again (see the README's upgrade notes).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_key_id", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("totp_secret_enc", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("totp_pending_enc", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    with op.batch_alter_table("data_key", schema=None) as batch_op:
        batch_op.alter_column("submission_id", existing_type=sa.String(32), nullable=True)
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_set_enc", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("proposal_set_enc")
    # users' own keys have no submission; they cannot exist below this revision
    op.execute(sa.text("UPDATE app_user SET totp_key_id = NULL"))
    op.execute(sa.text("DELETE FROM data_key WHERE submission_id IS NULL"))
    with op.batch_alter_table("data_key", schema=None) as batch_op:
        batch_op.alter_column("submission_id", existing_type=sa.String(32), nullable=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_pending_enc")
        batch_op.drop_column("totp_secret_enc")
        batch_op.drop_column("totp_key_id")
