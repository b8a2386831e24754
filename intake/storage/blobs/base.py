"""The blob-backend interface and the errors every backend raises.

A backend stores opaque bytes under a name (32 lowercase hex characters, checked by the store above
it). It is handed only ciphertext, so it can live anywhere: nothing it holds is readable without a data
key from the database, unwrapped by the keyring.

Errors carry a sentence written for an operator (which bucket, which setting to check), never a
document's text: the only data a backend could quote is an object name, which is a random id.
"""

from __future__ import annotations

from typing import Protocol


class StoreError(Exception):
    """A blob is missing, a name is invalid, or the store cannot be used."""


class BlobNotFound(StoreError):
    """No object under that name (never written, or deleted)."""


class StoreUnavailable(StoreError):
    """The store cannot be used right now: nothing was written or read. The web answers 503."""


class StoreBucketMissing(StoreUnavailable):
    """The configured bucket does not exist (a deployment mistake, not a transient fault)."""


class StoreAccessDenied(StoreUnavailable):
    """The store refused our credentials, or they lack a permission the store needs."""


class StoreUnreachable(StoreUnavailable):
    """The store did not answer, or kept answering 5xx/throttling after every retry."""


class BlobBackend(Protocol):
    """Opaque bytes by name. Implementations must make ``put_bytes`` all-or-nothing: after a crash at
    any point a reader finds the complete old object, the complete new one, or none."""

    def put_bytes(self, name: str, data: bytes) -> None: ...

    def get_bytes(self, name: str) -> bytes:
        """The stored bytes; raises ``BlobNotFound`` when there is no such object."""
        ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> bool:
        """Remove every stored copy of the object; True when there was one."""
        ...

    def check(self) -> None:
        """Cheap readiness probe: raises a ``StoreUnavailable`` with the reason, or returns."""
        ...

    def describe(self) -> str:
        """Where the blobs live, for logs and error messages (no credentials)."""
        ...
