"""Value types shared by every stage of the engine.

They are frozen and serialise to plain JSON so that proposals can be stored, reviewed, audited and
compared between runs: the same document always gives the same proposals (stable ids, stable order).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Source = Literal["ner", "pattern", "register", "propagation", "manual", "channel"]
Action = Literal["remove", "label"]
Rect = tuple[float, float, float, float]

#: Categories removed by position (a box, an image area), not found by their text: verification does not
#: search for their text and nothing is propagated from them.
POSITIONAL = frozenset({"HIDDEN_TEXT", "IMAGE_TEXT", "MANUAL_BOX"})


@dataclass(frozen=True)
class Span:
    """A finding in the detection text: character offsets, what it is and who found it."""

    start: int
    end: int
    category: str
    score: float
    source: Source
    recognizer: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Proposal:
    """One proposed redaction of one occurrence, located in the document.

    ``channel`` says where the text lives: ``body`` (page text, headers and footers included),
    ``hidden`` (invisible text), ``image`` (OCR'd pixels), ``metadata``, ``outline``, ``annotation``,
    ``form``, ``link``, ``embedded`` or ``text`` (plain-text input). ``rects`` are PDF points in
    PyMuPDF's top-left coordinates on ``page`` (0-based); side channels have no rects because the
    renderer removes or rewrites them whole.
    """

    id: str
    category: str
    text: str
    channel: str
    page: int | None
    rects: tuple[Rect, ...]
    score: float
    source: Source
    recognizer: str
    context: str
    entity: str
    label: str | None
    action: Action
    start: int = -1
    end: int = -1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rects"] = [list(r) for r in self.rects]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proposal:
        values = dict(data)
        values["rects"] = tuple(tuple(float(v) for v in r) for r in values.get("rects", ()))
        return cls(**values)


def proposal_id(*parts: object) -> str:
    """A stable id from the proposal's location: same document, same ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class Analysis:
    """What :meth:`RedactionEngine.analyze` returns for one document."""

    kind: Literal["pdf", "text"]
    page_count: int
    proposals: tuple[Proposal, ...]
    #: Reasons a human must look before publication (OCR unavailable, unreadable image-only page...).
    needs_review: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: Phrases deliberately kept that may contain a redacted word (agency names such as
    #: "Mercia Fields Police"): verification does not count those occurrences as leaks.
    kept_phrases: tuple[str, ...] = ()

    @property
    def publication_ready_candidate(self) -> bool:
        return not self.needs_review

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "page_count": self.page_count,
            "proposals": [p.to_dict() for p in self.proposals],
            "needs_review": list(self.needs_review),
            "warnings": list(self.warnings),
            "kept_phrases": list(self.kept_phrases),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """The inverse of :meth:`to_dict` (an analysis made in the sandbox crosses as JSON)."""
        kind = data["kind"]
        if kind not in ("pdf", "text"):
            raise ValueError("unknown document kind")
        return cls(
            kind=kind,
            page_count=int(data["page_count"]),
            proposals=tuple(Proposal.from_dict(p) for p in data.get("proposals", ())),
            needs_review=tuple(str(r) for r in data.get("needs_review", ())),
            warnings=tuple(str(w) for w in data.get("warnings", ())),
            kept_phrases=tuple(str(k) for k in data.get("kept_phrases", ())),
        )
