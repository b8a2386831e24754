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


class VerificationFailed(RedactionError):
    """Redacted text (or a variant of it) survives somewhere in the output: never publish it."""

    def __init__(self, message: str, survivors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        #: (channel, category) pairs for each surviving item; no text, so it is safe to log.
        self.survivors = survivors or []
