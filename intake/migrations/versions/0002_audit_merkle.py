"""audit trail: RFC 6962 Merkle leaves and signed checkpoints

Each audit row gets its gap-free sequence number (the leaf index), the exact canonical entry bytes that
were hashed, and the leaf hash SHA-256(0x00 || entry). Rows written before this revision are back-filled
in id order with the same canonical form intake.audit uses, so the log is verifiable from its first row.
``audit_head`` is the single row every append locks and advances; ``audit_checkpoint`` keeps every
signed C2SP checkpoint note that ``safepub audit checkpoint`` or a periodic checkpoint produced.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _canonical(value: object) -> str:
    # Kept in step with intake.audit.canonical; a migration must not import application code that may change.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _backfill(connection: sa.engine.Connection) -> tuple[int, str | None]:
    rows = connection.execute(
        sa.text(
            "SELECT id, occurred_at, action, actor_id, actor_role, partnership_id, submission_id, details "
            "FROM audit_event ORDER BY id"
        )
    ).all()
    prev = None
    for seq, row in enumerate(rows):
        occurred = row.occurred_at
        if isinstance(occurred, str):  # SQLite via a raw text() query returns the stored string
            from datetime import datetime

            occurred = datetime.fromisoformat(occurred)
        if occurred.tzinfo is not None:
            occurred = occurred.astimezone(UTC).replace(tzinfo=None)
        entry = _canonical(
            {
                "seq": seq,
                "prev": prev,
                "at": occurred.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "action": row.action,
                "actor": row.actor_id,
                "role": row.actor_role,
                "partnership": row.partnership_id,
                "submission": row.submission_id,
                "details": json.loads(row.details or "{}"),
            }
        )
        leaf = hashlib.sha256(b"\x00" + entry.encode("ascii")).hexdigest()
        connection.execute(
            sa.text("UPDATE audit_event SET seq = :seq, entry = :entry, leaf_hash = :leaf WHERE id = :id"),
            {"seq": seq, "entry": entry, "leaf": leaf, "id": row.id},
        )
        prev = leaf
    return len(rows), prev


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entry", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("leaf_hash", sa.String(length=64), nullable=True))

    size, last_leaf = _backfill(op.get_bind())

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("entry", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("leaf_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_audit_event_seq", ["seq"])

    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoint_tree_size"), ["tree_size"], unique=False)

    # One row: the append lock (UPDATE takes PostgreSQL's row lock and SQLite's write lock) and the tree head,
    # so a deleted or added last entry shows up even before the next checkpoint.
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("last_leaf", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(head, [{"id": 1, "tree_size": size, "last_leaf": last_leaf}])


def downgrade() -> None:
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoint_tree_size"))
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_event_seq", type_="unique")
        batch_op.drop_column("leaf_hash")
        batch_op.drop_column("entry")
        batch_op.drop_column("seq")
