"""Unit tests of the renderer's box merging: fewer annotations, same pixels, no bridged gaps."""

import pytest

from redaction.render import merge_rects

CASES = [
    # a hand-drawn box slightly lower than a word box further right: never joined across the gap
    ([(444.887, 593.96, 513.18, 608.39), (354.7, 595.0, 399.2, 607.4)],
     [(354.7, 595.0, 399.2, 607.4), (444.887, 593.96, 513.18, 608.39)]),
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
