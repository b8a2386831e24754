"""What goes to the archive: one document (or withdrawal notice) and its metadata.

The metadata holds what the archive catalogues (title, partnership, kind, publication date, page count,
SHA-256). The title is sealed in our database because it is free text from the partnership; once a
review is approved for publication it is part of the published record, so it is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "safepub.archive/v1"


def idempotency_key(kind: str, submission_id: str, sha256: str) -> str:
    """Stable for one document and one kind of event, so every retry of it carries the same key; a new
    final (the review reopened and approved again) has a new hash and therefore a new key."""
    return f"{kind[:3]}-{submission_id}-{sha256[:24]}"


@dataclass(frozen=True)
class Package:
    kind: str  # publication | withdrawal
    submission_id: str
    idempotency_key: str
    metadata: dict[str, Any]
    document: bytes | None = field(default=None, repr=False)  # None for a withdrawal notice

    @property
    def document_name(self) -> str:
        return str(self.metadata["filename"])

    @property
    def manifest_name(self) -> str:
        suffix = ".json" if self.kind == "publication" else ".withdrawal.json"
        return f"{self.submission_id}{suffix}"

    def manifest(self) -> bytes:
        """The metadata as written next to the document (filesystem, S3): stable, sorted JSON."""
        body = {"schema": SCHEMA, "event": self.kind, "idempotency_key": self.idempotency_key, **self.metadata}
        return (json.dumps(body, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
