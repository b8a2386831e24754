"""LibreOffice prints the printable package to a PDF holding the body and none of the hidden channels."""

import pymupdf
import pytest

from redaction.errors import UnsupportedDocumentError
from redaction.word import docx_to_pdf, open_package, printable_docx
from tests.redaction.word.drafts import BODY, HIDDEN, INSERTED, word_draft


def _pdf_text(pdf: bytes) -> str:
    with pymupdf.open("pdf", pdf) as doc:
        words = " ".join(page.get_text() for page in doc)
        metadata = " ".join(str(v) for v in doc.metadata.values())
    return " ".join(words.split()) + " " + metadata


def test_the_publication_pdf_has_the_printed_text_and_nothing_from_hidden_channels() -> None:
    text = _pdf_text(docx_to_pdf(printable_docx(open_package(word_draft()))))
    assert BODY in text and INSERTED in text
    assert HIDDEN["header"] in text and HIDDEN["footer"] in text  # printed: redacted by the PDF pipeline
    for channel in ("tracked deletion", "comment", "comment author", "document property", "custom property",
                    "hidden text", "field code", "people"):  # fmt: skip
        assert HIDDEN[channel] not in text, f"{channel} reached the PDF"


def test_a_package_libreoffice_cannot_read_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedDocumentError, match="could not be converted"):
        docx_to_pdf(b"PK\x03\x04 this is not a zip at all")
