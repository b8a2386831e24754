"""Checking the log against checkpoints kept outside it, with RFC 6962 consistency proofs.

A partnership or the Panel that saved a signed checkpoint (from an evidence export, or the witness) can
later ask: is today's log an extension of the log that checkpoint signed? If the tail was cut below the
checkpoint's size, or anything below it was rewritten, the answer is no, even if every row, link and
stored checkpoint in the database was made consistent again. No Flask import.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from intake.audit.checkpoint import Checkpoint, CheckpointError, CheckpointVerifier
from intake.audit.merkle import EMPTY_ROOT, MerkleTree, consistency_proof, verify_consistency
from intake.audit.verify import AuditChainBroken, Verified, tree_at, verify


class NotConsistent(Exception):
    """Today's log does not extend a trusted checkpoint: truncated or rewritten."""


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    path: list[bytes]

    def holds(self) -> bool:
        return verify_consistency(self.old_size, self.new_size, self.old_root, self.new_root, self.path)


def prove(tree: MerkleTree, trusted: Checkpoint) -> ConsistencyProof:
    """The proof that ``tree`` extends ``trusted`` (raises NotConsistent when it cannot)."""
    if trusted.size > tree.size:
        raise NotConsistent(
            f"the log has {tree.size} entries but a trusted checkpoint vouches for {trusted.size}: "
            "entries were deleted from the end"
        )
    if trusted.size == 0:  # every log extends the empty one, if the note really is of the empty tree
        if trusted.root != EMPTY_ROOT:
            raise NotConsistent("a trusted checkpoint of 0 entries has a root that is not the empty tree's")
        return ConsistencyProof(tree.size, tree.size, tree.root(), tree.root(), [])
    path = consistency_proof(trusted.size, tree) if trusted.size < tree.size else []
    return ConsistencyProof(trusted.size, tree.size, trusted.root, tree.root(), path)


def verify_trusted(session: Session, verifier: CheckpointVerifier, notes: list[str]) -> Verified:
    """``verify`` (every row, link and stored checkpoint), then every trusted note: its signature, and a
    consistency proof from it to today's log. Raises AuditChainBroken, CheckpointError or NotConsistent."""
    verified = verify(session, verifier)
    tree = tree_at(session, verified.size)
    for note in notes:
        trusted = verifier.open(note)
        if trusted.origin != verifier.name:
            raise CheckpointError("a trusted checkpoint is from another log")
        proof = prove(tree, trusted)
        if not proof.holds():
            raise NotConsistent(
                f"entries 0..{trusted.size - 1} differ from a trusted checkpoint of {trusted.size} entries: "
                "the log was rewritten"
            )
    return verified


__all__ = ["AuditChainBroken", "ConsistencyProof", "NotConsistent", "prove", "verify_trusted"]
