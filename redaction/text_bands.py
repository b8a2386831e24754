"""Where MuPDF may remove the text under a redaction box without cutting into the neighbouring lines."""

from __future__ import annotations

import bisect

import pymupdf

Box = tuple[float, float, float, float]

# A line is a box's own text when it fills at least this share of the box's height (or the box fills
# this share of the line's); a line the box only grazes is a neighbour.
_OWN_LINE = 0.5
# MuPDF's own character boxes are a little smaller than the ones it extracts: lines whose extracted
# boxes overlap by this share of a box's height or less lose no letters (measured: 0.7 pt of 12.4 pt
# loses nothing, 2.4 pt of 15.8 pt cut "empleadores"), and are left alone to spare a second pass.
_GRAZE = 0.1


def text_bands(page: pymupdf.Page, rects: list[Box]) -> list[Box]:
    """For each box, the part whose text MuPDF removes: the box itself, or - where the box reaches into
    a neighbouring line - the box minus that line's height.

    MuPDF removes every character whose box *touches* a redaction box, and character boxes span the
    font's whole ascent and descent, so on tightly set lines the box of a word touches the line above
    or below and cuts letters out of the words there ("empleadores" left as "empleador", itself a
    redacted word, in PyMuPDF's test-2333). The band is narrowed only between horizontal lines, and
    only while it still holds most of every line of the box's own text; otherwise the whole box is
    used (remove more, never less). Pixels and drawings are always removed under the whole box."""
    if not rects:
        return rects
    # only the lines near the boxes are read (a character is read if its box touches the clip)
    near = pymupdf.Rect(rects[0])
    for rect in rects[1:]:
        near |= rect
    lines: list[_Line] = []
    for block in page.get_text("dict", flags=0, clip=near + (-2, -2, 2, 2))["blocks"]:
        for line in block.get("lines", ()):
            dx, dy = line["dir"]
            horizontal = abs(dy) < 1e-3 and dx > 0
            # by span, not by line: a long line above a short word may hold nothing above it but spaces
            for span in line["spans"]:
                if span["text"].strip():
                    x0, y0, x1, y1 = span["bbox"]
                    lines.append((y0, y1, x0, x1, horizontal))
    lines.sort()
    tops = [line[0] for line in lines]
    tallest = max((line[1] - line[0] for line in lines), default=0.0)
    bands = []
    for rect in rects:
        first = bisect.bisect_left(tops, rect[1] - tallest)
        last = bisect.bisect_right(tops, rect[3])
        bands.append(_band(rect, lines[first:last]))
    return bands


#: (y0, y1, x0, x1, horizontal) of a run of text (a span) and its line's direction
_Line = tuple[float, float, float, float, bool]


def _band(box: Box, lines: list[_Line]) -> Box:
    bx0, by0, bx1, by1 = box
    own: list[_Line] = []
    top, bottom = by0, by1
    for line in lines:
        y0, y1, x0, x1, horizontal = line
        if min(x1, bx1) <= max(x0, bx0) or min(y1, by1) <= max(y0, by0):
            continue  # no overlap with positive area: MuPDF leaves its characters alone
        if not horizontal:
            return box
        overlap = min(y1, by1) - max(y0, by0)
        if overlap >= _OWN_LINE * min(y1 - y0, by1 - by0):
            own.append(line)
        elif overlap <= _GRAZE * (by1 - by0):
            continue
        elif y0 + y1 < by0 + by1:
            top = max(top, y1)
        else:
            bottom = min(bottom, y0)
    if (top, bottom) == (by0, by1) or not own:
        return box
    for y0, y1, *_ in own:
        if min(y1, bottom) - max(y0, top) < _OWN_LINE * (y1 - y0):
            return box
    return (bx0, top, bx1, bottom)
