"""Word drafts are told apart by their bytes alone (the web process sniffs, it does not unpack): a
.docx or .odt is accepted for the worker to convert; macros, passwords, legacy .doc files, spreadsheets
and other ZIPs are refused with a sentence the uploader can act on."""

import io
import zipfile

import pytest

from redaction.errors import UnsupportedDocumentError
from redaction.sniff import detect_kind
from tests.redaction.word.drafts import rezip, word_draft


def _zip(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for index, (name, data) in enumerate(entries.items()):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def _ole(stream_name: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


def test_a_docx_is_sniffed_as_docx_whatever_it_is_called() -> None:
    assert detect_kind(word_draft()) == "docx"


def test_an_odt_is_sniffed_by_its_leading_mimetype_entry() -> None:
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, stored_first=True)
    assert detect_kind(odt) == "odt"


def test_an_odt_template_is_not_taken_for_an_odt() -> None:
    ott = _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text-template", "content.xml": b"<x/>"}, stored_first=True
    )
    with pytest.raises(UnsupportedDocumentError, match="not a Word document"):
        detect_kind(ott)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (rezip(word_draft(), {"word/vbaProject.bin": b"\x00" * 16}), "contains macros"),
        (_ole("EncryptedPackage"), "password-protected"),
        (_ole("WordDocument"), r"old Word \(.doc\)"),
        (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}), "spreadsheet"),
        (_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "presentation"),
        (_zip({"photo.jpg": b"\xff\xd8\xff"}), "not a Word document"),
    ],
    ids=["docm", "encrypted-docx", "legacy-doc", "xlsx", "pptx", "other-zip"],
)
def test_office_files_that_are_not_plain_word_drafts_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedDocumentError, match=reason) as raised:
        detect_kind(data)
    assert "\n" not in str(raised.value)
