"""Exceptions raised by the redaction engine.

Messages are written for the person who uploaded the document: they say what is wrong with the
input, never quote its text (an error message can end up in a log).
"""


class RedactionError(Exception):
    """Base class for every error the engine raises on purpose."""


class UnsupportedDocumentError(RedactionError):
    """The input cannot be processed: not a PDF or UTF-8 text, corrupt, encrypted, empty, too big."""


class RegisterError(RedactionError):
    """The family register supplied with a document is malformed."""


#: Where a redacted item survives: (channel, 0-based page or None, category). No text.
Location = tuple[str, int | None, str]

# How each verification channel is named to a reviewer.
CHANNEL_NAMES = {
    "body": "body text",
    "body_pypdf": "text read by the second parser",
    "image": "text in images (OCR)",
    "metadata": "document metadata",
    "xmp": "XMP metadata",
    "outline": "outline (bookmarks)",
    "annotation": "annotations",
    "form": "form fields",
    "link": "links",
    "embedded": "embedded files",
    "page_label": "page labels",
    "layer": "layer names",
    "raw": "raw PDF strings",
    "revision": "an earlier revision of the file",
}


class VerificationFailed(RedactionError):
    """Redacted text (or a variant of it) survives somewhere in the output: never publish it."""

    def __init__(
        self,
        message: str,
        survivors: list[tuple[str, str]] | None = None,
        locations: list[Location] | None = None,
    ) -> None:
        super().__init__(message)
        #: (channel, category) pairs for each surviving item; no text, so it is safe to log.
        self.survivors = survivors or []
        #: (channel, 0-based page or None, category) of each survivor, for a reviewer to act on.
        self.locations: list[Location] = list(locations or [])

    def describe(self) -> str:
        """Where redacted text survives, for a reviewer: "body text on page 4 (PERSON); raw PDF strings
        (PERSON)". Channels, pages and categories only, never the text."""
        grouped: dict[tuple[str, int | None], set[str]] = {}
        order: list[tuple[str, int | None]] = []
        entries = [(c, p, k) for c, p, k in self.locations] or [(c, None, k) for c, k in self.survivors]
        for channel, page, category in entries:
            key = (str(channel), page if isinstance(page, int) else None)
            if key not in grouped:
                grouped[key] = set()
                order.append(key)
            grouped[key].add(str(category))
        parts = []
        for channel, page in order:
            where = CHANNEL_NAMES.get(channel, channel)
            if page is not None:
                where += f" on page {page + 1}"
            parts.append(f"{where} ({', '.join(sorted(grouped[(channel, page)]))})")
        return "; ".join(parts) or str(self)
