"""The printable package keeps what prints and nothing from the hidden channels."""

import io
import zipfile

from redaction.word import open_package, printable_docx
from tests.redaction.word.drafts import BODY, HIDDEN, INSERTED, word_draft

PRINTS = {"header", "footer", "text box"}  # these print, and go through the PDF pipeline's detection


def _all_parts(package: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_tracked_changes_are_accepted_and_hidden_channels_are_gone_from_every_part() -> None:
    printable = _all_parts(printable_docx(open_package(word_draft())))
    assert BODY in printable and INSERTED in printable
    for channel, name in HIDDEN.items():
        if channel not in PRINTS and channel != "image description":
            assert name not in printable, f"{channel} survived"


def test_revision_ids_and_comment_anchors_are_stripped() -> None:
    document = zipfile.ZipFile(io.BytesIO(printable_docx(open_package(word_draft())))).read("word/document.xml")
    assert b"w:rsid" not in document
    assert b"commentReference" not in document and b"commentRangeStart" not in document
    assert b"<w:del " not in document and b"<w:ins " not in document


def test_the_printable_package_is_itself_a_readable_word_document() -> None:
    import docx

    reread = docx.Document(io.BytesIO(printable_docx(open_package(word_draft()))))
    text = "\n".join(p.text for p in reread.paragraphs)
    assert BODY in text and INSERTED in text


def test_a_hidden_paragraph_mark_keeps_the_paragraphs_style_and_section() -> None:
    """Word's style separator hides a paragraph mark (w:pPr/w:rPr/w:vanish): the mark's vanish goes, the
    paragraph's style, numbering and section break stay (only hidden runs are removed)."""
    from xml.etree.ElementTree import fromstring

    from redaction.word.hygiene import W
    from redaction.word.printable import _accept

    paragraph = fromstring(
        f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:pStyle w:val="Heading1"/><w:sectPr><w:pgSz w:orient="landscape"/>'
        "</w:sectPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>Chronology</w:t></w:r>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden note</w:t></w:r></w:p>"
    )
    _accept(paragraph)
    properties = paragraph.find(f"{W}pPr")
    assert properties is not None and properties.find(f"{W}pStyle") is not None
    assert properties.find(f"{W}sectPr") is not None and properties.find(f".//{W}vanish") is None
    assert [t.text for t in paragraph.iter(f"{W}t")] == ["Chronology"]
