"""Unit tests of the renderer's box merging: fewer annotations, same pixels, no bridged gaps."""

import pytest

from redaction.render import merge_rects

CASES = [
    # a hand-drawn box slightly lower than a word box further right: never joined across the gap
    (
        [(444.887, 593.96, 513.18, 608.39), (354.7, 595.0, 399.2, 607.4)],
        [(354.7, 595.0, 399.2, 607.4), (444.887, 593.96, 513.18, 608.39)],
    ),
    # touching boxes on one line become one
    ([(10, 10, 50, 20), (50.5, 10, 90, 20)], [(10, 10, 90, 20)]),
    # overlapping boxes on one line become one
    ([(10, 10, 60, 20), (40, 11, 90, 21)], [(10, 10, 90, 21)]),
    # boxes on different lines stay apart even when they overlap horizontally
    ([(10, 10, 90, 20), (10, 22, 90, 32)], [(10, 10, 90, 20), (10, 22, 90, 32)]),
]


@pytest.mark.parametrize(("rects", "expected"), CASES)
def test_when_boxes_are_merged_then_only_touching_boxes_on_one_line_join(rects, expected):
    assert sorted(merge_rects(rects)) == sorted(expected)


def _page_with_text_image_and_lines():
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=400, height=300)
    page.insert_text((40, 60), "Zephyrine Quarterman met the health visitor.", fontsize=11)
    page.insert_text((40, 90), "Second line keeps its words.", fontsize=11)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 40), False)
    pix.set_rect(pix.irect, (200, 30, 30))
    page.insert_image(pymupdf.Rect(250, 120, 370, 200), pixmap=pix)
    page.draw_line((40, 100), (120, 100))
    return doc.tobytes()


def test_the_fast_box_removal_gives_the_same_page_as_pymupdfs_public_redaction():
    """remove_boxes skips the annotation bookkeeping of add_redact_annot + apply_redactions; the
    resulting page (pixels and text) must be exactly what the public path gives."""
    import pymupdf

    from redaction.render import _GRAPHICS, _IMAGES, _TEXT, remove_boxes

    pdf = _page_with_text_image_and_lines()
    with pymupdf.open(stream=pdf, filetype="pdf") as probe:
        name = probe[0].search_for("Zephyrine Quarterman")[0]
    rects = [tuple(name), (260.0, 130.0, 300.0, 170.0), (38.0, 98.0, 122.0, 102.0)]

    public = pymupdf.open(stream=pdf, filetype="pdf")
    for rect in rects:
        public[0].add_redact_annot(pymupdf.Rect(rect), fill=(0, 0, 0), cross_out=False)
    public[0].apply_redactions(images=_IMAGES, graphics=_GRAPHICS, text=_TEXT)

    fast = pymupdf.open(stream=pdf, filetype="pdf")
    remove_boxes(fast[0], rects)

    assert "Zephyrine" not in fast[0].get_text()
    assert "health visitor" in fast[0].get_text() and "keeps its words" in fast[0].get_text()
    assert fast[0].get_text("words") == public[0].get_text("words")
    assert list(fast[0].annots()) == [] and list(public[0].annots()) == []
    assert fast[0].get_pixmap(dpi=72).samples == public[0].get_pixmap(dpi=72).samples
