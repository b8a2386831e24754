"""Verifying the audit log, signing checkpoints and proving inclusion. No Flask import.

``verify`` recomputes every leaf and root from the stored canonical entries and names the FIRST entry (by
sequence number) that was altered, deleted, inserted or moved; it then checks every stored checkpoint's
signature and that the tree of that size still has the signed root. Naming works on three layers:

* each row must be self-consistent: its position is its ``seq``, the entry's own ``seq`` says the same,
  the leaf hash is SHA-256(0x00 || entry) and the queryable columns match the entry;
* each entry carries the previous leaf hash, so a row rewritten consistently breaks its successor's link
  (and the head row's ``last_leaf`` for the last entry);
* signed checkpoints cover everything else: an attacker who rewrites a whole suffix consistently cannot
  re-sign, so the first checkpoint past the rewrite fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.audit import canonical, format_timestamp, lock_head
from intake.audit.checkpoint import Checkpoint, CheckpointError, CheckpointSigner, CheckpointVerifier
from intake.audit.merkle import MerkleTree, TreeBuilder, leaf_hash, root_from_inclusion_proof
from intake.models import AuditCheckpoint, AuditEvent, AuditHead


class AuditChainBroken(Exception):
    """The stored log is not what was appended; ``seq`` is the first entry that differs."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"entry {seq}: {reason}")
        self.seq = seq
        self.reason = reason


class CheckpointInvalid(Exception):
    """A stored checkpoint's signature does not verify (or its note disagrees with its row)."""

    def __init__(self, checkpoint_id: int, reason: str) -> None:
        super().__init__(f"checkpoint {checkpoint_id}: {reason}")
        self.checkpoint_id = checkpoint_id
        self.reason = reason


class NoCheckpoint(Exception):
    """No signed checkpoint covers the entry yet (run ``safepub audit checkpoint``)."""


@dataclass(frozen=True)
class Verified:
    """What a verification established. ``frontier`` (the compact range of the verified tree, log2(size)
    hashes) and ``last_leaf`` let the periodic signer check later rounds incrementally."""

    size: int
    root: bytes
    checkpoints: int
    frontier: tuple[bytes, ...] = ()
    last_leaf: bytes | None = None


@dataclass(frozen=True)
class Row:
    seq: int
    entry: str
    leaf: str
    columns: dict[str, Any]


def load_rows(session: Session, since: int = 0) -> list[Row]:
    """The rows with ``seq >= since`` in sequence order (duplicates kept: ``check_row`` names them)."""
    query = select(AuditEvent).order_by(AuditEvent.seq, AuditEvent.id)
    if since:
        query = query.where(AuditEvent.seq >= since)
    result = session.execute(query.execution_options(yield_per=2000))
    rows = []
    for (event,) in result:
        rows.append(
            Row(
                event.seq,
                event.entry,
                event.leaf_hash,
                {
                    "at": format_timestamp(event.occurred_at),
                    "action": event.action,
                    "actor": event.actor_id,
                    "role": event.actor_role,
                    "partnership": event.partnership_id,
                    "submission": event.submission_id,
                    "details": event.details,
                },
            )
        )
    return rows


def _parse(entry: str) -> dict[str, Any] | None:
    try:
        value = json.loads(entry)
    except ValueError:
        return None
    if not isinstance(value, dict) or canonical(value) != entry:
        return None
    return value


def check_row(position: int, row: Row) -> tuple[dict[str, Any], bytes]:
    """Raise AuditChainBroken unless the row at ``position`` is self-consistent; return (entry, leaf)."""
    if row.seq != position:
        if row.seq < position:
            raise AuditChainBroken(row.seq, "an entry was inserted here (duplicate or out-of-range sequence)")
        raise AuditChainBroken(position, "entry is missing (deleted)")
    parsed = _parse(row.entry)
    if parsed is None:
        raise AuditChainBroken(position, "entry bytes are not the canonical JSON that was hashed (altered)")
    claimed = parsed.get("seq")
    if claimed != position:
        if isinstance(claimed, int) and not isinstance(claimed, bool) and 0 <= claimed < position:
            raise AuditChainBroken(claimed, "an entry was inserted here (later entries were renumbered)")
        raise AuditChainBroken(position, "entry is missing or out of order (its own sequence says otherwise)")
    leaf = leaf_hash(row.entry.encode("ascii"))
    if leaf.hex() != row.leaf:
        raise AuditChainBroken(position, "leaf hash does not match the entry (altered)")
    for name, value in row.columns.items():
        stored = canonical(parsed.get("details")) if name == "details" else parsed.get(name)
        if stored != value:
            raise AuditChainBroken(position, f"column {name} does not match the hashed entry (altered)")
    return parsed, leaf


def _prev_of(row: Row) -> Any:
    parsed = _parse(row.entry)
    return None if parsed is None else parsed.get("prev")


def verify(session: Session, verifier: CheckpointVerifier | None) -> Verified:
    """Recompute the whole log under the append lock (so no append lands half-way through the check)."""
    head = lock_head(session)
    rows = load_rows(session)
    checkpoints = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size, AuditCheckpoint.id)))
    builder = TreeBuilder()
    roots = {0: builder.root()}
    previous = walk(rows, 0, None, builder, {c.tree_size for c in checkpoints}, roots)
    check_head(head, builder.size, previous)
    verify_checkpoints(checkpoints, roots, builder.size, verifier)
    return Verified(builder.size, builder.root(), len(checkpoints), builder.frontier(), previous)


def walk(
    rows: list[Row],
    first: int,
    previous: bytes | None,
    builder: TreeBuilder,
    wanted: set[int],
    roots: dict[int, bytes],
) -> bytes | None:
    """Check ``rows`` as entries ``first, first + 1, ...`` linked to ``previous`` (the leaf before them),
    add their leaves to ``builder`` and record its root at every size in ``wanted``; return the last leaf.

    The full verification walks every row from 0; the periodic signer's incremental round walks only the
    rows appended since its last checkpoint, from the remembered frontier and last leaf.
    """
    for offset, row in enumerate(rows):
        position = first + offset
        parsed, leaf = check_row(position, row)
        expected_prev = previous.hex() if previous is not None else None
        if parsed.get("prev") != expected_prev:
            # Our link is broken: either the entry before us was rewritten (then ours is the only broken
            # link) or ours was (then our successor's link to us is broken too).
            successor_broken = offset + 1 < len(rows) and _prev_of(rows[offset + 1]) != leaf.hex()
            culprit = position if successor_broken or position == 0 else position - 1
            raise AuditChainBroken(culprit, "entry does not link to its neighbour (altered)")
        builder.add(leaf)
        previous = leaf
        if builder.size in wanted:
            roots[builder.size] = builder.root()
    return previous


def check_head(head: AuditHead, size: int, last_leaf: bytes | None) -> None:
    """The head row (advanced by every append) must agree with the rows: same size, same last leaf."""
    if head.tree_size > size:
        raise AuditChainBroken(size, "entry is missing (deleted from the end of the log)")
    if head.tree_size < size:
        raise AuditChainBroken(head.tree_size, "entry was added outside the append path")
    if (last_leaf.hex() if last_leaf is not None else None) != head.last_leaf:
        raise AuditChainBroken(size - 1, "last entry does not match the log head (altered)")


def verify_checkpoints(
    checkpoints: list[AuditCheckpoint],
    roots: dict[int, bytes],
    size: int,
    verifier: CheckpointVerifier | None,
    good: int = 0,
) -> None:
    """Each stored checkpoint is signed by ``verifier`` and its root is ``roots[its size]``; ``good`` is
    the size below which the entries are already known to be right (for naming the first bad one)."""
    if checkpoints and verifier is None:
        raise CheckpointError("no audit signing key to check the stored checkpoints with")
    for stored in checkpoints:
        assert verifier is not None
        try:
            signed = verifier.open(stored.note)
        except CheckpointError as exc:
            raise CheckpointInvalid(stored.id, str(exc)) from None
        if signed.size != stored.tree_size or signed.root.hex() != stored.root_hash or signed.origin != verifier.name:
            raise CheckpointInvalid(stored.id, "stored size/root/origin differ from the signed note")
        if signed.size > size:
            raise AuditChainBroken(size, f"entry is missing: checkpoint {stored.id} signed {signed.size} entries")
        if roots[signed.size] != signed.root:
            raise AuditChainBroken(
                good, f"entries {good}..{signed.size - 1} differ from signed checkpoint {stored.id} (rewritten)"
            )
        good = signed.size


def latest_checkpoint(session: Session, *, covering: int = 0) -> AuditCheckpoint | None:
    """The newest checkpoint whose tree has more than ``covering`` entries (i.e. includes seq covering-1)."""
    return session.scalars(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.tree_size >= covering)
        .order_by(AuditCheckpoint.tree_size.desc(), AuditCheckpoint.id.desc())
        .limit(1)
    ).first()


def create_checkpoint(session: Session, signer: CheckpointSigner, witness: Any = None) -> AuditCheckpoint:
    """Verify the whole log, then sign and store its current size and root, and publish the note to the
    ``witness`` (``intake.audit.witness``) when one is given.

    Verifying first matters: signing a tampered log would make the tampering look legitimate. Runs in the
    caller's transaction under the append lock, so the signed size is exactly the committed log's.
    """
    verified = verify(session, signer.verifier)
    return store_checkpoint(session, signer, verified.size, verified.root, witness)


def store_checkpoint(
    session: Session, signer: CheckpointSigner, size: int, root: bytes, witness: Any = None
) -> AuditCheckpoint:
    """Sign, store and publish a checkpoint of a tree the caller has just verified (under the append lock)."""
    row = AuditCheckpoint(
        tree_size=size,
        root_hash=root.hex(),
        origin=signer.name,
        key_id=signer.verifier.key_id.hex(),
        note=signer.sign(Checkpoint(signer.name, size, root)),
    )
    session.add(row)
    session.flush()
    if witness is not None:
        witness.publish(row.note)
    return row


def checkpoint_if_due(
    session: Session, signer: CheckpointSigner, every: int, witness: Any = None
) -> AuditCheckpoint | None:
    """A periodic checkpoint once ``every`` entries have been appended since the last one (0 = never)."""
    if every <= 0:
        return None
    size = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    latest = latest_checkpoint(session)
    if size - (latest.tree_size if latest else 0) < every:
        return None
    return create_checkpoint(session, signer, witness)


@dataclass(frozen=True)
class InclusionProof:
    """Everything a third party needs to check one entry against a signed checkpoint."""

    seq: int
    entry: str
    tree_size: int
    path: list[bytes]
    checkpoint: str  # the signed note

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "entry": self.entry,
            "leaf_hash": leaf_hash(self.entry.encode("ascii")).hex(),
            "tree_size": self.tree_size,
            "path": [node.hex() for node in self.path],
            "checkpoint": self.checkpoint,
        }

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> InclusionProof:
        return cls(
            seq=int(value["seq"]),
            entry=str(value["entry"]),
            tree_size=int(value["tree_size"]),
            path=[bytes.fromhex(node) for node in value["path"]],
            checkpoint=str(value["checkpoint"]),
        )


def tree_at(session: Session, size: int) -> MerkleTree:
    """The tree of the first ``size`` stored leaves (for proofs; ``verify`` checks the leaves themselves)."""
    leaves = session.scalars(select(AuditEvent.leaf_hash).where(AuditEvent.seq < size).order_by(AuditEvent.seq))
    return MerkleTree([bytes.fromhex(value) for value in leaves])


def prove(session: Session, seq: int, checkpoint: AuditCheckpoint | None = None) -> InclusionProof:
    """An RFC 6962 inclusion proof of entry ``seq`` in the latest (or given) checkpoint that covers it."""
    event = session.scalars(select(AuditEvent).where(AuditEvent.seq == seq)).first()
    if event is None:
        raise NoCheckpoint(f"no audit entry {seq}")
    checkpoint = checkpoint or latest_checkpoint(session, covering=seq + 1)
    if checkpoint is None or checkpoint.tree_size <= seq:
        raise NoCheckpoint(f"no checkpoint includes entry {seq} yet: run `safepub audit checkpoint`")
    tree = tree_at(session, checkpoint.tree_size)
    return InclusionProof(seq, event.entry, checkpoint.tree_size, tree.proof(seq), checkpoint.note)


def verify_proof(proof: InclusionProof, verifier: CheckpointVerifier) -> bool:
    """True when the entry is in the tree the checkpoint signed, the signature is good and seq matches."""
    try:
        signed = verifier.open(proof.checkpoint)
    except CheckpointError:
        return False
    parsed = _parse(proof.entry)
    if parsed is None or parsed.get("seq") != proof.seq or signed.size != proof.tree_size:
        return False
    computed = root_from_inclusion_proof(proof.seq, proof.tree_size, leaf_hash(proof.entry.encode("ascii")), proof.path)
    return computed is not None and computed == signed.root
