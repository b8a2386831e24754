"""Real Word drafts for the tests, built with python-docx plus raw OOXML for what it cannot write
(tracked changes, text boxes, field codes, people, custom properties). Every hidden channel holds a
different family name, so a test can tell which channel leaked."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

_WPS_MC = (
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
)
BODY = "The review considers the care of Child K between 2019 and 2021."
INSERTED = "Tracked insertion about Tamsin Oyelaran."
#: what each channel hides: channel -> the name only that channel holds
HIDDEN = {
    "tracked deletion": "Bartholomew Quennell",
    "comment": "Philippa Dunstable",
    "comment author": "Rosalind Featherstonehaugh",
    "document property": "Cornelius Wetherby",
    "custom property": "Ottoline Brackenbury",
    "hidden text": "Evangeline Treadgold",
    "text box": "Peregrine Ashcombe",
    "image description": "Wilhelmina Sowerbutts",
    "field code": "Hildegard Pennyfeather",
    "people": "Lysander Crabtree",
    "header": "Araminta Gussett",
    "footer": "Barnaby Thistlewood",
}


def word_draft() -> bytes:
    document = docx.Document()
    document.core_properties.author = HIDDEN["document property"]
    document.core_properties.last_modified_by = HIDDEN["document property"]
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Draft for {HIDDEN['header']}"
    section.footer.paragraphs[0].text = f"Prepared by {HIDDEN['footer']}"

    body = document.add_paragraph(BODY)
    document.add_comment(body.runs[0], text=f"Check with {HIDDEN['comment']}", author=HIDDEN["comment author"])

    hidden = document.add_paragraph("Visible words. ")
    run = hidden.add_run(f"Secret note about {HIDDEN['hidden text']}.")
    run.font.hidden = True

    changes = document.add_paragraph()
    changes._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
            f"<w:r><w:delText>Deleted passage naming {HIDDEN['tracked deletion']}.</w:delText></w:r></w:del>"
        )
    )
    changes._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="2" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
            f"<w:r><w:t>{INSERTED}</w:t></w:r></w:ins>"
        )
    )
    field = document.add_paragraph()
    field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    field._p.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:instrText> AUTHOR "{HIDDEN["field code"]}" </w:instrText></w:r>')
    )
    field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    box = document.add_paragraph()
    box._p.append(
        parse_xml(
            f'<w:r {nsdecls("w", "wp", "a")} {_WPS_MC}><mc:AlternateContent><mc:Choice Requires="wps">'
            '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="2000000" cy="500000"/><wp:wrapNone/>'
            f'<wp:docPr id="7" name="Picture" descr="Photo of {HIDDEN["image description"]}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            "<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent><w:p><w:r>"
            f"<w:t>Box naming {HIDDEN['text box']}</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
            "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
            "</mc:Choice></mc:AlternateContent></w:r>"
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_parts(
        buffer.getvalue(),
        {
            "word/people.xml": (
                '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
                f'<w15:person w15:author="{HIDDEN["people"]}"/></w15:people>'
            ),
            "docProps/custom.xml": (
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Family">'
                f"<vt:lpwstr>{HIDDEN['custom property']}</vt:lpwstr></property></Properties>"
            ),
        },
    )


def _with_parts(package: bytes, parts: dict[str, str]) -> bytes:
    """The package with extra parts added (their relationships are not needed to be read or scanned)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, xml in parts.items():
            target.writestr(name, xml)
    return out.getvalue()


def rezip(package: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in replace.items():
            if name not in source.namelist():
                target.writestr(name, data)
    return out.getvalue()
