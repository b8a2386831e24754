"""Opening a Word package (.docx, .odt) safely: what it is, and its parts, read within limits.

A .docx is a ZIP of XML parts. A hostile one is a zip bomb (a few kilobytes that inflate to gigabytes),
has thousands of entries, or lies about its sizes in the ZIP headers. Every part is read through
:func:`Package.read`, which stops at the configured size whatever the header says, so a bomb costs at
most the limit. XML is parsed with ``defusedxml``: no DTDs, no entity expansion, no external entities.

What is not a plain Word document is refused with a message the uploader can act on: a macro-enabled
.docm, a password-protected .docx (an encrypted OLE container, not a ZIP), a legacy .doc.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeXML

from redaction.errors import UnsupportedDocumentError

WordKind = Literal["docx", "odt"]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

MACROS = "this Word file contains macros (.docm); please save it as a .docx or export it as PDF"
PASSWORD = "this Word file is password-protected; please upload an unprotected copy"
LEGACY = "this is an old Word (.doc) file; please save it as a .docx or export it as PDF"
CORRUPT = "the Word file is damaged or incomplete and cannot be read; please save it again"
TOO_BIG = "the Word file expands to more than the processing limit allows"
NOT_WORD = "this ZIP file is not a Word document; please upload a .docx, .odt or PDF"


@dataclass(frozen=True)
class PackageLimits:
    """How much a package may expand to. The defaults fit a 500-page report with pictures."""

    max_entries: int = 5_000
    max_part_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024


def ole_kind(data: bytes) -> str | None:
    """For an OLE compound file: ``"encrypted"`` (a password-protected .docx is one) or ``"legacy"``."""
    if not data.startswith(_OLE_MAGIC):
        return None
    # stream names are stored in UTF-16LE in the directory sectors
    return "encrypted" if "EncryptedPackage".encode("utf-16-le") in data else "legacy"


def refuse_ole(data: bytes) -> None:
    """Raise the uploader's message for an OLE container (an encrypted .docx or a legacy .doc)."""
    kind = ole_kind(data)
    if kind == "encrypted":
        raise UnsupportedDocumentError(PASSWORD)
    if kind == "legacy":
        raise UnsupportedDocumentError(LEGACY)


class Package:
    """The parts of one Word package, read lazily and within limits."""

    def __init__(self, data: bytes, limits: PackageLimits | None = None) -> None:
        self.limits = limits or PackageLimits()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise UnsupportedDocumentError(CORRUPT) from exc
        if len(infos) > self.limits.max_entries:
            raise UnsupportedDocumentError(TOO_BIG)
        self._infos = {info.filename: info for info in infos if not info.is_dir()}
        self._read_total = 0
        self.kind: WordKind = self._kind()

    @property
    def names(self) -> list[str]:
        return sorted(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        """One part's bytes; stops at the part limit and at the package's total, whatever the headers say."""
        info = self._infos.get(name)
        if info is None:
            raise KeyError(name)
        cap = min(self.limits.max_part_bytes, self.limits.max_total_bytes - self._read_total)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as part:
                while chunk := part.read(1 << 20):
                    size += len(chunk)
                    if size > cap:
                        raise UnsupportedDocumentError(TOO_BIG)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise UnsupportedDocumentError(CORRUPT) from exc
        except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
            raise UnsupportedDocumentError(PASSWORD) from exc
        self._read_total += size
        return b"".join(chunks)

    def xml(self, name: str) -> Element:
        try:
            root: Element = SafeXML.fromstring(self.read(name))
        except SafeXML.ParseError as exc:
            raise UnsupportedDocumentError(CORRUPT) from exc
        except ValueError as exc:  # defusedxml refuses DTDs and entities (DefusedXmlException)
            raise UnsupportedDocumentError(CORRUPT) from exc
        return root

    def _kind(self) -> WordKind:
        if self.has("mimetype") and self.read("mimetype").strip() == _ODT_MIMETYPE:
            if any(name.startswith(("Basic/", "Scripts/")) for name in self._infos):
                raise UnsupportedDocumentError(MACROS)  # OpenDocument keeps its macros in these folders
            return "odt"
        if not self.has("[Content_Types].xml"):
            raise UnsupportedDocumentError(NOT_WORD)
        types = self.read("[Content_Types].xml")
        if _DOCM_MAIN.encode() in types or self.has("word/vbaProject.bin"):
            raise UnsupportedDocumentError(MACROS)
        if _DOCX_MAIN.encode() in types or _TEMPLATE_MAIN.encode() in types:
            return "docx"
        raise UnsupportedDocumentError(NOT_WORD)


def open_package(data: bytes, limits: PackageLimits | None = None) -> Package:
    """A Word package, or UnsupportedDocumentError with the reason (macros, password, legacy, damaged)."""
    refuse_ole(data)
    if not data.startswith(_ZIP_MAGIC):
        raise UnsupportedDocumentError(NOT_WORD)
    return Package(data, limits)
