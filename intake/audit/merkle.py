"""RFC 6962 (section 2.1) Merkle tree hashing, inclusion proofs and their verifier. Stdlib only.

Leaves are SHA-256(0x00 || entry) and interior nodes SHA-256(0x01 || left || right); the different
prefixes stop a leaf from being passed off as a node (second-preimage attack). A tree of n leaves splits
at k, the largest power of two smaller than n, so the tree over the first n entries of a log never
changes as the log grows: that is what lets an old signed checkpoint vouch for every entry below it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class TreeBuilder:
    """Streams leaf hashes in order and gives the root of the tree so far at any size, in O(log n) memory.

    Keeps the perfect subtrees of the binary decomposition of the size (RFC 6962's split rule puts the
    largest perfect subtree on the left), so the root is a right-to-left fold of that stack.
    """

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.size = 0

    def add(self, leaf: bytes) -> None:
        height, digest = 0, leaf
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            digest = node_hash(left, digest)
            height += 1
        self._stack.append((height, digest))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest

    def frontier(self) -> tuple[bytes, ...]:
        """The compact range [0, size): the roots of the perfect subtrees of the size's binary decomposition,
        largest (leftmost) first; popcount(size) hashes, at most log2(size) + 1."""
        return tuple(digest for _, digest in self._stack)

    @classmethod
    def from_frontier(cls, size: int, frontier: Sequence[bytes]) -> TreeBuilder:
        """A builder that continues a tree of ``size`` leaves known only by its frontier: enough to append
        leaves and compute every later root without the old leaves (what the periodic signer keeps)."""
        heights = frontier_heights(size)
        if len(heights) != len(frontier):
            raise ValueError(f"a tree of {size} leaves has {len(heights)} frontier hashes, not {len(frontier)}")
        builder = cls()
        builder._stack = list(zip(heights, frontier, strict=True))
        builder.size = size
        return builder


def frontier_heights(size: int) -> list[int]:
    """The heights of the frontier's subtrees (the set bits of ``size``), largest first."""
    if size < 0:
        raise ValueError("a tree size cannot be negative")
    return [bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]


def frontier_ranges(size: int) -> list[tuple[int, int]]:
    """The leaf ranges [lo, hi) the frontier hashes of a tree of ``size`` leaves cover, left to right."""
    ranges, lo = [], 0
    for height in frontier_heights(size):
        ranges.append((lo, lo + (1 << height)))
        lo += 1 << height
    return ranges


def root(leaves: Iterable[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes."""
    builder = TreeBuilder()
    for leaf in leaves:
        builder.add(leaf)
    return builder.root()


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) from RFC 6962 section 2.1.1: the sibling hashes from the leaf up to the root."""
    if not 0 <= index < len(leaves):
        raise ValueError("leaf index outside the tree")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return inclusion_proof(index, leaves[:k]) + [root(leaves[k:])]
    return inclusion_proof(index - k, leaves[k:]) + [root(leaves[:k])]


class MerkleTree:
    """A fixed tree with memoised subtree hashes, for proving many entries without recomputing the tree."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = list(leaves)
        self._memo: dict[tuple[int, int], bytes] = {}

    @property
    def size(self) -> int:
        return len(self.leaves)

    def _hash(self, lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return self.leaves[lo]
        key = (lo, hi)
        cached = self._memo.get(key)
        if cached is None:
            k = _split(hi - lo)
            cached = self._memo[key] = node_hash(self._hash(lo, lo + k), self._hash(lo + k, hi))
        return cached

    def root(self) -> bytes:
        return self._hash(0, self.size) if self.leaves else EMPTY_ROOT

    def proof(self, index: int) -> list[bytes]:
        """PATH(index, D[n]), bottom-up, as RFC 6962 section 2.1.1 defines it."""
        if not 0 <= index < self.size:
            raise ValueError("leaf index outside the tree")
        path: list[bytes] = []
        lo, hi = 0, self.size
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                path.append(self._hash(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._hash(lo, lo + k))
                lo = lo + k
        path.reverse()
        return path


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """RFC 9162 section 2.1.3.2: the root a proof leads to, or None if the proof has the wrong shape."""
    if not 0 <= index < size:
        return None
    fn, sn, digest = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            digest = node_hash(sibling, digest)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            digest = node_hash(digest, sibling)
        fn >>= 1
        sn >>= 1
    return digest if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> bool:
    """True when ``leaf`` sits at ``index`` in the tree of ``size`` leaves whose root is ``expected_root``."""
    computed = root_from_inclusion_proof(index, size, leaf, proof)
    return computed is not None and computed == expected_root


def consistency_proof(old_size: int, tree: MerkleTree) -> list[bytes]:
    """PROOF(m, D[n]) from RFC 6962 section 2.1.2: the nodes that show the tree of the first ``old_size``
    leaves is a prefix of ``tree`` (nothing below ``old_size`` was rewritten or removed)."""
    if not 0 < old_size <= tree.size:
        raise ValueError("the old size must be between 1 and the tree's size")
    return _subproof(old_size, 0, tree.size, True, tree._hash)


def consistency_proof_from_frontier(
    old_size: int, frontier: Sequence[bytes], new_leaves: Sequence[bytes]
) -> list[bytes]:
    """PROOF(old_size, D[old_size + len(new_leaves)]) from the old tree's frontier and the new leaves only.

    Every node of an RFC 6962 consistency proof lies wholly on one side of ``old_size``: on the old side it
    is always one of the old tree's frontier subtrees (the proof walks right past each of them), on the new
    side it is a subtree of the appended leaves. So O(log n) remembered hashes and the new leaves suffice,
    and the result is the very proof ``consistency_proof`` computes from all the leaves.
    """
    if old_size <= 0 or not new_leaves:
        raise ValueError("a consistency proof needs a non-empty old tree and at least one new leaf")
    known = dict(zip(frontier_ranges(old_size), frontier, strict=True))
    appended = MerkleTree(new_leaves)

    def node(lo: int, hi: int) -> bytes:
        if lo >= old_size:
            return appended._hash(lo - old_size, hi - old_size)
        cached = known.get((lo, hi))
        if cached is None:  # cannot happen for a well-formed proof; say so rather than guess
            raise ValueError(f"node [{lo}, {hi}) is not on the frontier of a tree of {old_size} leaves")
        return cached

    return _subproof(old_size, 0, old_size + len(new_leaves), True, node)


def _subproof(m: int, lo: int, hi: int, complete: bool, node: Callable[[int, int], bytes]) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if complete else [node(lo, hi)]
    k = _split(n)
    if m <= k:
        return _subproof(m, lo, lo + k, complete, node) + [node(lo + k, hi)]
    return _subproof(m - k, lo + k, hi, False, node) + [node(lo, lo + k)]


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2: True when the tree of ``new_size`` leaves with root ``new_root`` extends the
    tree of ``old_size`` leaves with root ``old_root``."""
    if old_size == new_size:
        return old_root == new_root and not proof
    if not 0 < old_size < new_size:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
