"""EncryptedStore: ciphertext blobs on a filesystem (or a mounted object-storage path).

It only ever receives plaintext in memory and writes the sealed bytes, through a temporary file in the
same directory that is renamed into place, so a crash leaves either the whole ciphertext or nothing.
Object names are checked against a strict pattern and the resolved path must stay under the root, so
no caller-supplied string can address a file elsewhere.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from intake.storage.crypto import DataKey, StreamCipher

_NAME = re.compile(r"^[0-9a-f]{32}$")


class StoreError(Exception):
    """A blob is missing or a name is invalid."""


class BlobNotFound(StoreError):
    pass


class EncryptedStore:
    def __init__(self, root: Path, cipher: StreamCipher) -> None:
        self.root = Path(root).resolve()
        self.cipher = cipher

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise StoreError("invalid object name")
        path = (self.root / name[:2] / name[2:4] / name).resolve()
        if self.root not in path.parents:
            raise StoreError("object path escapes the store root")
        return path

    def put(self, name: str, plaintext: bytes, *, key: DataKey, aad: bytes) -> int:
        """Seal and store; returns the ciphertext size."""
        sealed = self.cipher.seal(key, plaintext, aad)
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return len(sealed)

    def get(self, name: str, *, key: DataKey, aad: bytes) -> bytes:
        try:
            sealed = self._path(name).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound("stored object is missing") from None
        return self.cipher.open(key, sealed, aad)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def delete(self, name: str) -> bool:
        """Remove a blob (best effort; crypto-shredding of its key is what makes it unreadable)."""
        try:
            self._path(name).unlink()
            return True
        except FileNotFoundError:
            return False
