"""The partnership's redacted .docx: identifying text replaced by its label wherever it prints (also
split over runs), nothing from a hidden channel, properties neutral, and every part re-read to verify."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from redaction.errors import VerificationFailed
from redaction.word import open_package
from redaction.word.redacted import redacted_docx, verify_docx
from tests.redaction.word.drafts import BODY, HIDDEN, INSERTED, rezip, word_draft


def _all_parts(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(z.read(name).decode("utf-8", "ignore") for name in z.namelist())


def _printed_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def test_printed_names_become_labels_and_hidden_channels_are_gone() -> None:
    replacements = [(HIDDEN["header"], "[mother]"), (HIDDEN["footer"], "[practitioner]"), ("Tamsin Oyelaran", None)]
    replacements += [(name, None) for channel, name in HIDDEN.items() if channel not in ("header", "footer")]
    result = redacted_docx(word_draft(), replacements)
    everything = _all_parts(result)
    for channel, name in HIDDEN.items():
        assert name not in everything, f"the {channel} name is still in the package"
    printed = _printed_text(result)
    assert "Draft for [mother]" in printed and "Prepared by [practitioner]" in printed
    assert BODY in printed  # the neighbouring text survives
    assert INSERTED.replace("Tamsin Oyelaran", "[redacted]") in printed  # the accepted insertion, redacted
    assert "w:rsid" not in everything and "w:del " not in everything and "w:ins " not in everything


def test_a_name_split_over_runs_is_replaced_whole() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Seen with ")
    paragraph.add_run("Mar").bold = True
    paragraph.add_run("lowe-Dunn")
    paragraph.add_run(" at home.")
    buffer = io.BytesIO()
    document.save(buffer)
    result = redacted_docx(buffer.getvalue(), [("Marlowe-Dunn", "[surname]")])
    assert _printed_text(result).strip() == "Seen with [surname] at home."


def test_verification_reads_every_part_and_names_only_the_part() -> None:
    planted = rezip(word_draft(), {"docProps/custom.xml": b"<Properties><p>Quillon Sark</p></Properties>"})
    with pytest.raises(VerificationFailed) as raised:
        verify_docx(planted, ["Quillon Sark"])
    assert "docProps/custom.xml" in str(raised.value) and "Quillon" not in str(raised.value)


def test_an_embedded_object_cannot_be_checked_so_no_redacted_docx_is_made() -> None:
    with_object = rezip(word_draft(), {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 spreadsheet"})
    with pytest.raises(VerificationFailed, match="1 embedded file"):
        redacted_docx(with_object, [(HIDDEN["header"], None)])


def test_the_result_is_a_word_document_that_opens() -> None:
    result = redacted_docx(word_draft(), [(HIDDEN["header"], None)])
    assert open_package(result).kind == "docx"
    docx.Document(io.BytesIO(result))


def _docx(build) -> bytes:  # type: ignore[no-untyped-def]
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("written", "redacted"),
    [
        ("Siobhan O\u2019Brien", "Siobhan O'Brien"),  # Word's curly apostrophe, the engine's straight one
        ("Zoe\u0308 Tranter", "Zoë Tranter"),  # an accent stored on its own
        ("Marlo\u00adwe", "Marlowe"),  # a soft hyphen inside the name
        ("KEZIA MARLOWE", "Kezia Marlowe"),
    ],
    ids=["curly-apostrophe", "combining-accent", "soft-hyphen", "capitals"],
)
def test_a_name_is_found_as_the_engine_finds_it_however_word_stored_it(written: str, redacted: str) -> None:
    data = _docx(lambda d: d.add_paragraph(f"Seen with {written} at home."))
    result = redacted_docx(data, [(redacted, "[name]")])
    assert _printed_text(result).strip() == "Seen with [name] at home."


def test_a_non_breaking_hyphen_inside_a_name_is_part_of_it() -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document) -> None:  # type: ignore[no-untyped-def]
        paragraph = document.add_paragraph("Seen with Kezia Marlowe")
        paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:noBreakHyphen/><w:t>Dunn today.</w:t></w:r>"))

    result = redacted_docx(_docx(build), [("Kezia Marlowe-Dunn", "[child]")])
    assert _printed_text(result).strip() == "Seen with [child] today."


def test_a_label_holding_the_redacted_word_stops_the_copy_instead_of_looping() -> None:
    data = _docx(lambda d: d.add_paragraph("The word redacted appears here."))
    with pytest.raises(VerificationFailed):  # replaced once, then the label itself holds the word
        redacted_docx(data, [("redacted", None)])


def test_pictures_and_the_thumbnail_become_blank_pictures_of_the_same_size() -> None:
    import pymupdf

    page = pymupdf.open().new_page(width=200, height=60)
    page.insert_text((10, 40), "Kezia Marlowe, Year 4", fontsize=16)
    picture = page.get_pixmap().tobytes("png")

    def build(document) -> None:  # type: ignore[no-untyped-def]
        document.add_paragraph("A photograph:")
        document.add_picture(io.BytesIO(picture))

    with_thumbnail = rezip(_docx(build), {"docProps/thumbnail.jpeg": pymupdf.Pixmap(picture).tobytes("jpeg")})
    result = redacted_docx(with_thumbnail, [("Kezia Marlowe", None)])
    with zipfile.ZipFile(io.BytesIO(result)) as package:
        images = [n for n in package.namelist() if n.startswith("word/media/") or n.startswith("docProps/thumb")]
        assert len(images) == 2
        for name in images:
            blank = pymupdf.Pixmap(package.read(name))
            assert (blank.width, blank.height) == (pymupdf.Pixmap(picture).width, pymupdf.Pixmap(picture).height)
            assert set(blank.samples) == {255}, f"{name} still shows something"


def test_text_that_never_prints_is_cleared_from_the_copy() -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document) -> None:  # type: ignore[no-untyped-def]
        paragraph = document.add_paragraph("Chronology")
        paragraph._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="3" w:name="Quillon_Sark_notes"/>'))
        paragraph._p.append(
            parse_xml(
                f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="Quillon Sark"/><w:tag w:val="Quillon Sark"/>'
                "</w:sdtPr><w:sdtContent><w:r><w:t>Child W</w:t></w:r></w:sdtContent></w:sdt>"
            )
        )

    data = rezip(
        _docx(build),
        {
            "word/settings.xml": (
                b'<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docVars>'
                b'<w:docVar w:name="child" w:val="Quillon Sark"/></w:docVars></w:settings>'
            )
        },
    )
    result = redacted_docx(data, [("Quillon Sark", None)])
    assert "Quillon" not in _all_parts(result)
    assert "Child W" in _all_parts(result)  # the content control's own text stays


def test_verification_reads_xml_comments_and_processing_instructions() -> None:
    planted = rezip(
        word_draft(), {"customXml/item9.xml": b"<?xml version='1.0'?><!-- prepared for Quillon Sark --><root/>"}
    )
    with pytest.raises(VerificationFailed, match="customXml/item9.xml"):
        verify_docx(planted, ["Quillon Sark"])


def test_a_redaction_made_by_position_stops_the_copy() -> None:
    with pytest.raises(VerificationFailed, match="by position"):
        redacted_docx(word_draft(), [(HIDDEN["header"], None)], positional=1)


def test_every_prefix_word_may_ignore_is_still_declared() -> None:
    import re

    result = redacted_docx(word_draft(), [(HIDDEN["header"], None)])
    with zipfile.ZipFile(io.BytesIO(result)) as package:
        for name in ("word/document.xml", "word/styles.xml"):
            part = package.read(name).decode("utf-8")
            root_tag = part[part.index("<w:") : part.index(">", part.index("<w:"))]
            ignorable = re.search(r'mc:Ignorable="([^"]*)"', root_tag)
            for prefix in ignorable.group(1).split() if ignorable else []:
                assert f"xmlns:{prefix}=" in root_tag, f"{name}: {prefix} is ignorable but undeclared"
