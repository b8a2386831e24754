"""Opening Word packages: what is not a plain Word document is refused with a message the uploader can
act on, and a package that expands beyond the limits is refused before it is inflated."""

import io
import zipfile

import pytest

from redaction.errors import UnsupportedDocumentError
from redaction.word import PackageLimits, open_package
from tests.redaction.word.drafts import rezip, word_draft

DOCM_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


def _ole(stream_name: str) -> bytes:
    """The first bytes of an OLE compound file whose directory names ``stream_name`` (UTF-16LE), as an
    encrypted .docx (EncryptedPackage) or a legacy .doc (WordDocument) has."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


def test_a_word_draft_opens_as_docx() -> None:
    assert open_package(word_draft()).kind == "docx"


def test_an_odt_opens_as_odt() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr(
            "content.xml", "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0'/>"
        )
    assert open_package(buffer.getvalue()).kind == "odt"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (rezip(word_draft(), {"[Content_Types].xml": DOCM_TYPES}), "contains macros"),
        (rezip(word_draft(), {"word/vbaProject.bin": b"\x00" * 16}), "contains macros"),
        (_ole("EncryptedPackage"), "password-protected"),
        (_ole("WordDocument"), r"old Word \(.doc\)"),
        (word_draft()[:2000], "damaged or incomplete"),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged or incomplete"),
    ],
    ids=["docm-content-type", "vba-project", "encrypted", "legacy-doc", "truncated", "corrupt"],
)
def test_a_file_that_is_not_a_plain_word_document_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedDocumentError, match=reason):
        open_package(data)


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(UnsupportedDocumentError, match="not a Word document"):
        open_package(buffer.getvalue())


def test_a_zip_bomb_renamed_docx_is_refused_at_the_limit_not_inflated() -> None:
    bomb = rezip(word_draft(), {"word/media/bomb.bin": b"\x00" * (8 * 1024 * 1024)})
    package = open_package(bomb, PackageLimits(max_part_bytes=1024 * 1024))
    with pytest.raises(UnsupportedDocumentError, match="expands to more"):
        package.read("word/media/bomb.bin")


def test_too_many_entries_is_refused() -> None:
    many = rezip(word_draft(), {f"word/media/{n}.bin": b"x" for n in range(50)})
    with pytest.raises(UnsupportedDocumentError, match="expands to more"):
        open_package(many, PackageLimits(max_entries=20))


def test_xml_with_entity_expansion_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol2;</w:document>'
    )
    package = open_package(rezip(word_draft(), {"word/document.xml": laughs}))
    with pytest.raises(UnsupportedDocumentError, match="damaged"):
        package.xml("word/document.xml")


def test_a_package_whose_compressed_data_is_garbled_is_refused_as_damaged() -> None:
    draft = word_draft()
    garbled = draft[:64] + b"\x00" * 2000 + draft[2064:]  # names intact in the central directory
    with pytest.raises(UnsupportedDocumentError, match="damaged or incomplete"):
        open_package(garbled)
