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
    with pytest.raises(VerificationFailed, match="embeds 1 object"):
        redacted_docx(with_object, [(HIDDEN["header"], None)])


def test_the_result_is_a_word_document_that_opens() -> None:
    result = redacted_docx(word_draft(), [(HIDDEN["header"], None)])
    assert open_package(result).kind == "docx"
    docx.Document(io.BytesIO(result))
