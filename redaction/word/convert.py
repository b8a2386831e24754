"""Word to PDF with LibreOffice headless: the publication PDF of a Word draft.

The printable package (``printable.py``: changes accepted, comments and hidden text gone) is written to a
private temporary folder with a fresh LibreOffice user profile, converted, read back and the folder
removed. LibreOffice reads files, so this runs where /tmp is memory (the sandbox's tmpfs; elsewhere
/dev/shm when it exists) and never beside keys: it is called inside the document sandbox like every
other parse. A conversion that fails or takes too long is a clear error, never an empty PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from redaction.errors import UnsupportedDocumentError

FAILED = "the Word file could not be converted to PDF; please export it as PDF and upload that"
MISSING = "Word conversion is not available on this server (LibreOffice is not installed)"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout_seconds: float = 300.0, suffix: str = ".docx") -> bytes:
    """The PDF LibreOffice prints from ``docx`` (a .docx or .odt package's bytes)."""
    soffice = soffice_path()
    if soffice is None:
        raise UnsupportedDocumentError(MISSING)
    with tempfile.TemporaryDirectory(prefix="safepub-word-", dir=_memory_dir()) as folder:
        work = Path(folder)
        source = work / f"draft{suffix}"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"), str(source),
        ]  # fmt: skip
        try:
            subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout_seconds,
                check=True,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8"},
                start_new_session=True,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise UnsupportedDocumentError(FAILED) from exc
        output = work / "out" / "draft.pdf"
        if not output.is_file() or output.stat().st_size == 0:
            raise UnsupportedDocumentError(FAILED)
        return output.read_bytes()


def _memory_dir() -> str | None:
    """A memory-backed folder outside the sandbox (inside it, /tmp is already a private tmpfs)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
