"""The folder drop (default sink): ``<id>.pdf`` then ``<id>.json`` in SAFEPUB_ARCHIVE_DIR.

Each file is written to a temporary name in the same directory, flushed and fsync'd, then renamed into
place (``os.replace`` is atomic on one filesystem), and the directory is fsync'd: whoever watches the
folder sees either nothing or the whole file under its final name, never a partial one. The JSON
manifest is written last, so its presence means the document beside it is complete. Temporary names
start with ``.tmp-`` and end in ``.part`` so watchers can ignore them.

A withdrawal writes ``<id>.withdrawal.json`` (same way), then removes the manifest and the document.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from intake.handover.package import Package
from intake.handover.sinks.base import PermanentSinkError, Receipt, TransientSinkError

_NAME = re.compile(r"^[0-9a-f]{32}(\.withdrawal)?\.(pdf|txt|json)$")


class FilesystemSink:
    name = "filesystem"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def deliver(self, package: Package) -> Receipt:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o750)
            if package.kind == "publication":
                if self._already_there(package):
                    return Receipt(package.manifest_name)
                assert package.document is not None
                self._write(package.document_name, package.document)
                self._write(package.manifest_name, package.manifest())
            else:
                self._write(package.manifest_name, package.manifest())
                for name in (f"{package.submission_id}.json", str(package.metadata.get("filename") or "")):
                    if name and _NAME.match(name):
                        (self.root / name).unlink(missing_ok=True)
                self._sync_dir()
        except PermissionError:
            raise PermanentSinkError("archive_dir_not_writable") from None
        except OSError as exc:  # disk full, a network mount gone away: may clear up
            raise TransientSinkError(f"os_error_{exc.errno or 'unknown'}") from None
        return Receipt(package.manifest_name)

    def _already_there(self, package: Package) -> bool:
        """A retry after a crash between the rename and the database commit finds its own manifest."""
        try:
            existing = json.loads((self.root / package.manifest_name).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return False
        return (
            existing.get("idempotency_key") == package.idempotency_key and (self.root / package.document_name).exists()
        )

    def _write(self, name: str, data: bytes) -> None:
        if not _NAME.match(name):
            raise PermanentSinkError("invalid_archive_name")
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o640)
            os.replace(tmp, self.root / name)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self._sync_dir()

    def _sync_dir(self) -> None:
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
