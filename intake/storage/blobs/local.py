"""Blobs in a local directory (the embedded default): ``<root>/ab/cd/abcd...``.

Each object is written to a temporary file in its final directory, fsynced, then renamed into place, so
a crash leaves either the whole object or nothing (a stray ``.tmp-*`` at worst, never a torn object).
The resolved path must stay under the root, so no name can address a file elsewhere.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from intake.storage.blobs.base import BlobNotFound, StoreError, StoreUnavailable

_NAME = re.compile(r"^[0-9a-f]{32}$")


class LocalBlobs:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def describe(self) -> str:
        return f"directory {self.root}"

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise StoreError("invalid object name")
        path = (self.root / name[:2] / name[2:4] / name).resolve()
        if self.root not in path.parents:
            raise StoreError("object path escapes the store root")
        return path

    def put_bytes(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        _fsync_directory(path.parent)

    def get_bytes(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound("stored object is missing") from None

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def delete(self, name: str) -> bool:
        try:
            self._path(name).unlink()
            return True
        except FileNotFoundError:
            return False

    def check(self) -> None:
        """The root exists (or can be made) and a file can be created in it and removed."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise StoreUnavailable(
                f"the store directory {self.root} is not writable ({exc.strerror or type(exc).__name__}): "
                "check SAFEPUB_STORAGE_DIR and its permissions"
            ) from None


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (the new directory entry), not only the file's bytes."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
