"""The periodic signer's verification: a full check at start-up and on a slow schedule, incremental rounds
in between. No Flask import.

``safepub audit sign --every 300`` must not sign a tampered log, but recomputing every leaf every five
minutes costs O(n) (seconds at 50k entries). Between full verifications a round trusts the last checkpoint
*this signer* signed and saw in the witness (the "anchor"), and checks only what was appended since:

* the anchor's note still verifies with the public key, is still in the witness file and still stored,
  and the frontier the signer kept in memory (the compact range of the anchored tree: the roots of its
  perfect subtrees, popcount(size) <= log2(size) + 1 hashes) folds to the signed root;
* the log did not shrink below the anchor and the anchor's last entry is still the one it signed (a cut
  tail, or a tail rewritten from below the anchor, changes it);
* every entry appended since is recomputed from its canonical JSON exactly as the full verification does
  (row self-consistency, seq, leaf hash, columns, the ``prev`` link from the anchor's last leaf), the
  head row agrees, and any checkpoint stored since is signed and has the recomputed root;
* an RFC 6962 consistency proof, built from the kept frontier and the new leaves, shows the new root
  extends the signed old root.

A round therefore costs O(new entries + log n) and reads no row below the anchor's last.

What an incremental round does NOT see: a row altered, deleted or inserted *below* the anchor's last
entry. It cannot make the signer vouch for it: the new root is computed from the remembered frontier, so
the next checkpoint still signs the log as it was, and any full verification (``safepub audit verify``,
a partnership's ``--trusted`` check) names the altered row. But the signer itself only notices it at its
next full verification, which runs at start-up and every ``full_every`` seconds (default daily); until
then it keeps signing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from intake.audit import lock_head
from intake.audit.checkpoint import Checkpoint, CheckpointError, CheckpointSigner, CheckpointVerifier
from intake.audit.consistency import NotConsistent, verify_trusted
from intake.audit.merkle import TreeBuilder, consistency_proof_from_frontier, verify_consistency
from intake.audit.verify import (
    AuditChainBroken,
    Verified,
    check_head,
    check_row,
    latest_checkpoint,
    load_rows,
    store_checkpoint,
    verify_checkpoints,
    walk,
)
from intake.audit.witness import FileWitness
from intake.models import AuditCheckpoint

DAY = 24 * 60 * 60


class AnchorLost(Exception):
    """The checkpoint the signer trusts no longer verifies, or is gone from the witness or the database.

    Only a rewritten witness, a deleted checkpoint row or a changed key does that; the signer refuses to
    sign rather than quietly starting again from a full verification.
    """


@dataclass(frozen=True)
class Anchor:
    """The last checkpoint this signer signed (or, after a full verification, found stored and witnessed),
    with what continues its tree without the old leaves: the frontier and the last leaf."""

    note: str
    size: int
    root: bytes
    frontier: tuple[bytes, ...]
    last_leaf: bytes | None


@dataclass(frozen=True)
class Round:
    full: bool
    size: int
    note: str | None  # the checkpoint signed this round, if entries were added


def _check_anchor(verifier: CheckpointVerifier, witness: FileWitness, anchor: Anchor) -> Checkpoint:
    try:
        signed = verifier.open(anchor.note)
    except CheckpointError as exc:
        raise AnchorLost(f"the last checkpoint no longer verifies: {exc}") from None
    kept = TreeBuilder.from_frontier(anchor.size, anchor.frontier).root()
    if (signed.origin, signed.size, signed.root) != (verifier.name, anchor.size, anchor.root) or kept != signed.root:
        raise AnchorLost(f"the remembered tree of {anchor.size} entries does not match its signed checkpoint")
    if not witness.holds(anchor.note):
        raise AnchorLost(f"the witness no longer holds the checkpoint of {anchor.size} entries this signer published")
    return signed


def verify_incremental(
    session: Session, verifier: CheckpointVerifier, witness: FileWitness, anchor: Anchor
) -> Verified:
    """Check only what was appended since ``anchor`` (see the module docstring for what that misses).

    Runs under the append lock like ``verify``. Raises AuditChainBroken (naming the entry), CheckpointInvalid,
    NotConsistent or AnchorLost.
    """
    head = lock_head(session)
    signed = _check_anchor(verifier, witness, anchor)
    if head.tree_size < anchor.size:
        raise AuditChainBroken(
            head.tree_size,
            f"entry is missing: the log has {head.tree_size} entries but the last checkpoint signed {anchor.size}"
            " (deleted from the end)",
        )
    first = max(anchor.size - 1, 0)
    rows = load_rows(session, since=first)
    previous = anchor.last_leaf
    if anchor.size:
        if not rows or rows[0].seq != first:
            raise AuditChainBroken(first, f"entry is missing: the last checkpoint signed {anchor.size} entries")
        _, leaf = check_row(first, rows[0])
        if leaf != anchor.last_leaf:
            raise AuditChainBroken(
                first,
                f"entry differs from the one the checkpoint of {anchor.size} entries signed: the log was"
                " rewritten or entries below it were deleted (`safepub audit verify` names the first)",
            )
        rows = rows[1:]
    checkpoints = list(
        session.scalars(
            select(AuditCheckpoint)
            .where(AuditCheckpoint.tree_size >= anchor.size)
            .order_by(AuditCheckpoint.tree_size, AuditCheckpoint.id)
        )
    )
    if not any(stored.note == anchor.note for stored in checkpoints):
        raise AnchorLost(f"the checkpoint of {anchor.size} entries this signer stored was deleted from the database")
    builder = TreeBuilder.from_frontier(anchor.size, anchor.frontier)
    roots = {anchor.size: anchor.root}
    previous = walk(rows, anchor.size, previous, builder, {stored.tree_size for stored in checkpoints}, roots)
    check_head(head, builder.size, previous)
    verify_checkpoints(checkpoints, roots, builder.size, verifier, good=anchor.size)
    new_root = builder.root()
    if anchor.size and rows:
        leaves = [bytes.fromhex(row.leaf) for row in rows]  # ``walk`` checked each against its entry
        proof = consistency_proof_from_frontier(anchor.size, anchor.frontier, leaves)
        if not verify_consistency(anchor.size, builder.size, signed.root, new_root, proof):
            raise NotConsistent(f"the log of {builder.size} entries does not extend the last checkpoint")
    return Verified(builder.size, new_root, len(checkpoints), builder.frontier(), previous)


class PeriodicSigner:
    """The state of ``safepub audit sign --every``: a long-running process, so the anchor and its frontier
    live in memory. Nothing the database holds is trusted between rounds; a restart verifies in full."""

    def __init__(
        self,
        signer: CheckpointSigner,
        witness: FileWitness,
        *,
        full_every: float = DAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.signer = signer
        self.verifier = signer.verifier
        self.witness = witness
        self.full_every = full_every
        self.anchor: Anchor | None = None
        self._clock = clock
        self._last_full: float | None = None

    def full_due(self) -> bool:
        return self.anchor is None or self._last_full is None or self._clock() - self._last_full >= self.full_every

    def run_round(self, sessions: sessionmaker[Session]) -> Round:
        """Verify (in full when due, else incrementally), sign a checkpoint if entries were added, store and
        witness it; adopt it as the anchor only once the transaction has committed."""
        started = self._clock()
        full = self.full_due()
        with sessions() as session, session.begin():
            anchor, note = self._full(session) if full else self._incremental(session, self.anchor)
        self.anchor = anchor
        if full:
            self._last_full = started
        return Round(full, anchor.size if anchor else 0, note)

    def _full(self, session: Session) -> tuple[Anchor | None, str | None]:
        """``safepub audit verify``'s check (rows, links, stored and witnessed checkpoints), then anchor."""
        verified = verify_trusted(session, self.verifier, self.witness.notes())
        if verified.size == 0:
            return None, None
        latest = latest_checkpoint(session)
        if latest is not None and latest.tree_size == verified.size and self.witness.holds(latest.note):
            note, signed = latest.note, None  # verified above: signed by our key, with this tree's root
        else:
            note = signed = store_checkpoint(session, self.signer, verified.size, verified.root, self.witness).note
        return Anchor(note, verified.size, verified.root, verified.frontier, verified.last_leaf), signed

    def _incremental(self, session: Session, anchor: Anchor | None) -> tuple[Anchor | None, str | None]:
        assert anchor is not None
        verified = verify_incremental(session, self.verifier, self.witness, anchor)
        if verified.size == anchor.size:
            return anchor, None
        note = store_checkpoint(session, self.signer, verified.size, verified.root, self.witness).note
        return Anchor(note, verified.size, verified.root, verified.frontier, verified.last_leaf), note
