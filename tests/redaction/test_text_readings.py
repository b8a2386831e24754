"""How text is read where producers cut it up (issue 11: false verification failures on real files):
words joined by underscores, strings split across show operators and kerned TJ arrays, letter-spaced
titles. The engine must read them as verification does, and verification must still find a name."""

from __future__ import annotations

import pymupdf
import pytest

from redaction.extract import extract_pdf
from redaction.pdf_strings import GUESSED_GAP, _stream_texts
from redaction.textmatch import combined_pattern, patterns


def test_when_words_are_joined_by_underscores_then_each_is_a_word_to_every_pattern():
    assert combined_pattern(["compiler"]).findall("see compiler_options and compilers") == ["compiler"]
    assert patterns(["Morris"])[0].findall("tyler_morris@example.org") == ["morris"]
    assert not combined_pattern(["Morris"]).findall("Morrison")


@pytest.mark.parametrize(
    ("stream", "found"),
    [
        (b"BT [(Ty) -20 (ler)] TJ ET", "Tyler"),  # kerning inside a word
        (b"BT (Mor) Tj (ris) Tj ET", "Morris"),  # a word split between show operators
        (b"BT [(Tyler) -300 (Morris)] TJ ET", "Tyler Morris"),  # a word gap inside a TJ array
        (b"BT (Tyler) Tj (Morris) Tj ET", "Tyler Morris"),
    ],
)
def test_when_a_content_stream_cuts_up_a_name_then_one_raw_reading_holds_it_whole(stream, found):
    # a word break the reading only guesses is written GUESSED_GAP: whitespace to every pattern
    assert any(found in reading.replace(GUESSED_GAP, " ") for reading in _stream_texts(stream, whole=False))


def test_when_a_word_is_kerned_then_its_first_part_is_not_read_as_a_word_of_its_own():
    readings = _stream_texts(b"BT [(an der Ein) 19.5 (weihung)] TJ ET", whole=False)
    assert not any(combined_pattern(["Ein"]).search(reading) for reading in readings)


def test_when_a_kept_phrase_is_split_across_a_tj_array_then_it_reads_whole():
    readings = _stream_texts(b"BT [(Noridian Healthcare Solutions, ) 66.2 (LLC)] TJ ET", whole=False)
    assert any("Noridian Healthcare Solutions, LLC" in reading for reading in readings)


def test_when_a_title_is_letter_spaced_then_detection_reads_its_words(make_pdf):
    pdf = make_pdf([(72, 100, "Introduction by"), (72, 200, "C A R L O S   G A R C I A", {"fontsize": 12})])
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        text = extract_pdf(doc, None).text
    assert "CARLOS" in text and "GARCIA" in text and "CARLOSGARCIA" not in text
    assert "Introduction by" in text


def test_when_a_word_hyphenated_at_a_line_end_is_joined_then_the_join_is_recorded(make_pdf):
    """Detection reads "multicohort"; verification also reads "multi-" / "cohort" as printed, where
    "cohort" is a word of its own: the join offset lets the resolver search that reading too."""
    pdf = make_pdf([(72, 100, "A large multi-"), (72, 114, "cohort analysis was done.")])
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        extracted = extract_pdf(doc, None)
    start = extracted.text.index("multicohort") + len("multi")
    assert extracted.hyphen_joins == [start]


def test_when_an_acronym_is_hyphenated_at_a_line_end_then_the_compound_keeps_its_hyphen(make_pdf):
    pdf = make_pdf([(72, 100, "It manages HPC-"), (72, 114, "related systems.")])
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert "HPC-related" in extract_pdf(doc, None).text


def test_when_words_are_joined_by_an_underscore_then_a_two_word_item_matches_them():
    pattern = combined_pattern(["Linux Namespaces"])
    assert pattern.findall("https://en.wikipedia.org/wiki/Linux_namespaces") == ["Linux_namespaces"]


def test_when_a_hidden_span_sits_between_two_words_then_they_are_not_glued_together(make_pdf):
    """An apostrophe drawn as invisible text between visible words ("dell'impresa" in a real Italian
    form) must not make one word of them in the detection text."""

    def setup(doc: pymupdf.Document) -> None:
        page = doc[0]
        writer = pymupdf.TextWriter(page.rect)
        font = pymupdf.Font("helv")
        _, end = writer.append((72, 140), "Kelly", font=font, fontsize=11)
        writer.write_text(page)
        hidden = pymupdf.TextWriter(page.rect)
        _, end = hidden.append(end, "'", font=font, fontsize=11)
        hidden.write_text(page, render_mode=3)
        rest = pymupdf.TextWriter(page.rect)
        rest.append(end, "Morris", font=font, fontsize=11)
        rest.write_text(page)

    with pymupdf.open(stream=make_pdf([(72, 100, "Heading")], setup=setup), filetype="pdf") as doc:
        text = extract_pdf(doc, None).text
    assert "KellyMorris" not in text and "Kelly" in text and "Morris" in text
