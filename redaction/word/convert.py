"""Word to PDF with LibreOffice headless: the publication PDF of a Word draft.

The printable package (``printable.py``: changes accepted, comments and hidden text gone) is written to a
private temporary folder with a fresh LibreOffice user profile, converted, read back and the folder
removed. LibreOffice reads files, so this runs where /tmp is memory (the sandbox's tmpfs; elsewhere
/dev/shm when it exists) and never beside keys: it is called inside the document sandbox like every
other parse. A conversion that fails or takes too long is a clear error, never an empty PDF; on a
timeout the whole process group is killed (``soffice`` is a launcher: the converter is its child
``soffice.bin``, which a plain kill of the launcher would leave running).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from redaction.errors import UnsupportedDocumentError

FAILED = "the Word file could not be converted to PDF; please export it as PDF and upload that"
MISSING = "Word conversion is not available on this server (LibreOffice is not installed)"
TIMED_OUT = "converting the Word file took too long; please export it as PDF and upload that"

_FILTERS = {"pdf": "pdf:writer_pdf_Export", "docx": "docx:MS Word 2007 XML", "odt": "odt"}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout_seconds: float = 300.0, suffix: str = ".docx") -> bytes:
    """The PDF LibreOffice prints from ``docx`` (a .docx or .odt package's bytes)."""
    return convert(docx, "pdf", timeout_seconds=timeout_seconds, suffix=suffix)


def convert(data: bytes, target: str, *, timeout_seconds: float = 300.0, suffix: str = ".docx") -> bytes:
    """``data`` (a Word package whose type ``suffix`` names) converted by LibreOffice to ``target``
    (``"pdf"``, ``"docx"`` or ``"odt"``)."""
    soffice = soffice_path()
    if soffice is None:
        raise UnsupportedDocumentError(MISSING)
    with tempfile.TemporaryDirectory(prefix="safepub-word-", dir=_memory_dir()) as folder:
        work = Path(folder)
        source = work / f"draft{suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", _FILTERS[target], "--outdir", str(work / "out"), str(source),
        ]  # fmt: skip
        output = work / "out" / f"draft.{target}"
        # LibreOffice now and then exits without converting (seen here on a loaded machine, on a profile it
        # has just created): one more try, on the profile the first start made.
        for attempt in (1, 2):
            try:
                _run(command, work, timeout_seconds)
            except _ConverterFailed:
                if attempt == 2:
                    raise UnsupportedDocumentError(FAILED) from None
                continue
            if output.is_file() and output.stat().st_size > 0:
                return output.read_bytes()
        raise UnsupportedDocumentError(FAILED)


def _run(command: list[str], home: Path, timeout_seconds: float) -> None:
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # TMPDIR too: LibreOffice stages parts of the document in its temporary folder, which must be
            # the private (memory) work folder, never the host's /tmp
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(home),
                "TMPDIR": str(home),
                "LANG": "C.UTF-8",
            },
            start_new_session=True,  # its own process group: killed whole on a timeout
            preexec_fn=_die_with_parent,
        )
    except OSError as exc:
        raise _ConverterFailed(-1) from exc
    try:
        code = process.wait(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise UnsupportedDocumentError(TIMED_OUT) from None
    finally:
        _kill_group(process)  # a launcher that exited may leave the converter behind
    if code != 0:
        raise _ConverterFailed(code)


def _die_with_parent() -> None:
    """In the converter, before exec: killed if the process that started it dies (outside bwrap, which
    does this itself, a parent killed by its wall clock would otherwise leave LibreOffice running)."""
    import ctypes

    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is not None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


class _ConverterFailed(Exception):
    """LibreOffice exited with an error (its code): tried again once, then the uploader's message."""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _memory_dir() -> str | None:
    """A memory-backed folder outside the sandbox (inside it, /tmp is already a private tmpfs)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
