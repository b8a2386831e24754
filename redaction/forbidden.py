"""What must not survive anywhere in a published output: one rule, in one place.

Used by the render's own verification (``redaction.engine``) and again before handover
(``intake.handover.verification``, through the worker). A pure function over proposals and the
register: it imports no document parser, so the key-holding worker can use it without loading PyMuPDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redaction.register import parse_register, register_terms
from redaction.types import POSITIONAL, Proposal


def forbidden_items(
    proposals: Iterable[Proposal], *, kept: Iterable[Proposal] = (), register: Any = None
) -> list[tuple[str, str]]:
    """What must not survive anywhere in an output: the texts of the applied proposals and everything
    in the partnership's register, minus texts a reviewer decided to keep. Used by the render's own
    verification and again before handover (one rule, in one place)."""
    kept_texts = {p.text.lower() for p in kept}
    items = {(p.text, p.category) for p in proposals if p.text and p.category not in POSITIONAL}
    # initials are left out: two capital letters are too common to require their absence everywhere
    items |= {
        (t.text, t.category)
        for t in register_terms(parse_register(register))
        if not t.case_sensitive and len(t.text) >= 2
    }
    return sorted((t, c) for t, c in items if t.lower() not in kept_texts)
