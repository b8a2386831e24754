"""EncryptedStore: seals documents in memory and hands only the ciphertext to a blob backend.

The backend (``intake.storage.blobs``: a local directory, or an S3-compatible bucket shared by every
machine) stores opaque bytes and never sees plaintext; the envelope format is the cipher's and does not
depend on where the bytes go. Object names are checked against a strict pattern here, before any
backend turns them into a path or a key, so no caller-supplied string can address anything else.
"""

from __future__ import annotations

import re
from pathlib import Path

from intake.storage.blobs import (
    BlobBackend,
    BlobNotFound,
    LocalBlobs,
    StoreAccessDenied,
    StoreBucketMissing,
    StoreError,
    StoreUnavailable,
    StoreUnreachable,
)
from intake.storage.crypto import DataKey, StreamCipher

__all__ = [
    "BlobNotFound",
    "EncryptedStore",
    "StoreAccessDenied",
    "StoreBucketMissing",
    "StoreError",
    "StoreUnavailable",
    "StoreUnreachable",
]

_NAME = re.compile(r"^[0-9a-f]{32}$")


class EncryptedStore:
    def __init__(self, blobs: BlobBackend | Path, cipher: StreamCipher) -> None:
        """``blobs`` is a backend, or a directory for the local one (as every caller before issue 14)."""
        self.blobs: BlobBackend = LocalBlobs(blobs) if isinstance(blobs, Path) else blobs
        self.cipher = cipher

    @staticmethod
    def _checked(name: str) -> str:
        if not _NAME.match(name):
            raise StoreError("invalid object name")
        return name

    def put(self, name: str, plaintext: bytes, *, key: DataKey, aad: bytes) -> int:
        """Seal and store; returns the ciphertext size. Raises a StoreError when the backend could not
        store the whole object (then nothing under ``name`` changed)."""
        name = self._checked(name)
        sealed = self.cipher.seal(key, plaintext, aad)
        self.blobs.put_bytes(name, sealed)
        return len(sealed)

    def get(self, name: str, *, key: DataKey, aad: bytes) -> bytes:
        sealed = self.blobs.get_bytes(self._checked(name))
        return self.cipher.open(key, sealed, aad)

    def exists(self, name: str) -> bool:
        return self.blobs.exists(self._checked(name))

    def delete(self, name: str) -> bool:
        """Remove a blob, every version of it (crypto-shredding of its key is what makes it unreadable)."""
        return self.blobs.delete(self._checked(name))

    def check(self) -> None:
        """Readiness: raises a StoreUnavailable saying what is wrong, or returns."""
        self.blobs.check()
