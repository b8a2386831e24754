"""Errors the sandbox raises in the parent, besides the engine's own (re-raised as the same types).

Messages are for the uploader: they name the limit or the failure, never the document's contents,
and never anything the child said beyond an exception type name (the child may be compromised).
"""

from __future__ import annotations

from redaction.errors import RedactionError, UnsupportedDocumentError


class ParserCrashed(UnsupportedDocumentError):
    """The child died of a signal that is not a limit: the document crashed the PDF reader."""


class SandboxError(RedactionError):
    """The child failed in a way that is not the document's fault, or broke the protocol.

    ``kind`` is the name of the exception type in the child (letters, digits and underscores only)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"document processing failed ({kind})")


class SandboxUnavailable(RedactionError):
    """The sandbox asked for cannot run here (no usable bwrap, or no POSIX process limits)."""
