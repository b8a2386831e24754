"""The variant builder (benchmarks/variants.py) is honest about one small dev draft.

Every variant of it is built, and its truth is checked against the variant PDF with a reading of its
own (PyMuPDF's plain page text and, for image boxes, Tesseract), independent of the detection engine:
an item said to be in the body is in the text layer, an item not said to be there is not, an image box
shows ink and the item's letters. Only the last test runs the engine (marked slow).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from tests.redaction.conftest import SHARED

SCORER = SHARED / "eval" / "score.py"
DOC = "dev020"  # the smallest draft (3 pages): family table with spelled-out dates, "born on", names
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
NUMERIC_FORMS = re.compile(r"\d{2}\.\d{2}\.\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{2}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def variants_module():
    if not SCORER.exists():
        pytest.skip(f"shared scorer not found at {SCORER}")
    from benchmarks import variants

    return variants


@pytest.fixture(scope="module")
def built(variants_module, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every variant of DOC, each in its own corpus folder."""
    root = tmp_path_factory.mktemp("variants")
    for variant in variants_module.VARIANTS:
        variants_module.build_document(corpus_dir, DOC, variant, root / variant)
    return {variant: root / variant for variant in variants_module.VARIANTS}


def truth_of(folder: Path) -> dict:
    return json.loads((folder / f"{DOC}.truth.json").read_text(encoding="utf-8"))


def text_layer(pdf: Path) -> str:
    """All page text, NFKC- and whitespace-normalised (as the README promises the truth is read)."""
    with pymupdf.open(pdf) as doc:
        text = "\n".join(page.get_text() for page in doc)
    return " ".join(unicodedata.normalize("NFKC", text).translate(QUOTES).split())


def occurs(item: str, text: str) -> bool:
    """Case-sensitive, word-bounded, whitespace-normalised occurrence."""
    words = unicodedata.normalize("NFKC", item).translate(QUOTES).split()
    return re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", text) is not None


def fold(text: str) -> str:
    """Lower case letters and digits only, accents dropped: what OCR can be compared on."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^0-9a-z]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)).casefold())


@pytest.mark.parametrize("variant", ["plain", "two_column", "font", "dates", "image"])
def test_when_a_variant_is_built_then_body_channel_is_declared_exactly_where_the_text_occurs(
    built: dict[str, Path], variant: str
) -> None:
    folder = built[variant]
    truth = truth_of(folder)
    text = text_layer(folder / f"{DOC}.pdf")
    assert truth["must_redact"], "nothing placed"
    wrong = []
    for item in truth["must_redact"]:
        assert set(item["channels"]) <= {"body", "image"}, item
        if ("body" in item["channels"]) != occurs(item["text"], text):
            wrong.append((item["text"], item["channels"]))
    assert wrong == []


@pytest.mark.parametrize("variant", ["plain", "two_column", "font", "dates", "image"])
def test_when_a_variant_is_built_then_no_text_is_lost_and_only_unplaceable_items_are_dropped(
    corpus_dir: Path, built: dict[str, Path], variant: str
) -> None:
    truth = truth_of(built[variant])
    assert truth["lost_words"] == 0
    original = json.loads((corpus_dir / f"{DOC}.truth.json").read_text(encoding="utf-8"))
    body_text = " ".join((corpus_dir / f"{DOC}.txt").read_text(encoding="utf-8").split())
    rewritten = (
        {i["text"] for i in original["must_redact"] if i["category"] == "DATE_OF_BIRTH"}
        if variant == "dates"
        else set()
    )
    placeable = [
        i["text"] for i in original["must_redact"] if occurs(i["text"], body_text) and i["text"] not in rewritten
    ]
    assert [t for t in placeable if t in truth["dropped"]] == []
    assert (built[variant] / f"{DOC}.register.json").read_bytes() == (corpus_dir / f"{DOC}.register.json").read_bytes()


def test_when_dates_variant_is_built_then_dates_of_birth_are_numeric_and_the_header_is_reworded(
    corpus_dir: Path, built: dict[str, Path]
) -> None:
    folder = built["dates"]
    truth = truth_of(folder)
    text = text_layer(folder / f"{DOC}.pdf")
    original = json.loads((corpus_dir / f"{DOC}.truth.json").read_text(encoding="utf-8"))
    old = [i["text"] for i in original["must_redact"] if i["category"] == "DATE_OF_BIRTH"]
    new = [i["text"] for i in truth["must_redact"] if i["category"] == "DATE_OF_BIRTH"]
    assert len(new) == len(set(new)) == len(old)
    assert all(NUMERIC_FORMS.fullmatch(t) for t in new), new
    assert all(occurs(t, text) for t in new)
    assert not any(occurs(t, text) for t in old)
    source_header = next(
        line
        for line in (corpus_dir / f"{DOC}.txt").read_text(encoding="utf-8").splitlines()
        if "\t" in line and "Ethnicity" in line
    )
    new_header = next(h for h in ("D.O.B.", "Date of birth", "Born", "DOB") if occurs(h + " Ethnicity", text))
    assert new_header not in source_header.split("\t")


def test_when_image_variant_is_built_then_image_items_are_pixels_where_the_boxes_say(
    built: dict[str, Path],
) -> None:
    from redaction.ocr import find_tessdata

    folder = built["image"]
    truth = truth_of(folder)
    boxed = [item for item in truth["must_redact"] if "image" in item["channels"]]
    assert boxed, "the image names nobody"
    assert truth["leak_channels"] == ["image"]
    tessdata = find_tessdata()
    with pymupdf.open(folder / f"{DOC}.pdf") as doc:
        images = [(page.number, pymupdf.Rect(info["bbox"])) for page in doc for info in page.get_image_info()]
        assert len(images) == 1
        page_no, image_rect = images[0]
        page = doc[page_no]
        ocr_words = []
        if tessdata:
            textpage = page.get_textpage_ocr(flags=0, language="eng", dpi=300, full=False, tessdata=tessdata)
            ocr_words = page.get_text("words", textpage=textpage)
        for item in boxed:
            assert item["image_bbox"] == item["image_bboxes"][0]
            for box in item["image_bboxes"]:
                rect = pymupdf.Rect(box[1:])
                assert box[0] == page_no and image_rect.contains(rect), (item["text"], box)
                assert page.get_text(clip=rect).strip() == "", "an image item must not be in the text layer"
                grey = page.get_pixmap(clip=rect, dpi=150, colorspace=pymupdf.csGRAY).samples
                assert min(grey) < 100, (item["text"], "no ink in the box")
                if not ocr_words:
                    continue
                read = fold(
                    " ".join(
                        w[4]
                        for w in ocr_words
                        if rect.contains(
                            pymupdf.Rect(w[:4]).tl + (pymupdf.Rect(w[:4]).br - pymupdf.Rect(w[:4]).tl) * 0.5
                        )
                    )
                )
                target = fold(item["text"])
                matched = sum(b.size for b in difflib.SequenceMatcher(None, read, target).get_matching_blocks())
                # Each box holds the item, or the part of it on one line; OCR at 100 dpi confuses I and l.
                assert read and matched >= 0.75 * len(read), (item["text"], read)


def test_when_the_variant_is_scored_unredacted_then_every_item_counts_as_present(built: dict[str, Path]) -> None:
    """The scorer finds every declared occurrence (no "not found in original"), image boxes included."""
    from benchmarks.variants import scorer

    for variant, folder in built.items():
        docs, summary = scorer().score_corpus(folder, folder, quiet=True)
        assert [w for d in docs for w in d["warnings"]] == [], variant
        assert summary["occurrence_recall"] == 0.0, variant
        assert summary["leaks"] == summary["items"], variant


@pytest.mark.parametrize(("variant", "check"), [("two_column", "columns"), ("font", "font")])
def test_when_layout_variants_are_built_then_they_differ_from_the_base_as_described(
    built: dict[str, Path], variant: str, check: str
) -> None:
    with pymupdf.open(built[variant] / f"{DOC}.pdf") as doc:
        page = doc[0]
        if check == "columns":
            middle = page.rect.width / 2
            lines = [b for b in page.get_text("blocks") if b[4].strip()]
            assert any(b[2] < middle for b in lines) and any(b[0] > middle for b in lines)
        else:
            assert {f[3] for f in page.get_fonts()} & {"NotoSerif-Regular", "Noto Serif Regular"}, page.get_fonts()


@pytest.mark.slow
def test_when_eval_variants_runs_then_it_prints_a_result_line_per_variant_and_overall(
    variants_module, corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import eval_variants

    code = eval_variants.main(
        ["--corpus", str(corpus_dir), "--ids", DOC, "--variants", "image", "--out", str(tmp_path)]
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("RESULT ")]
    assert code == 0
    assert len(lines) == 2, lines
    assert re.fullmatch(r"RESULT variant=image recall=[01]\.\d{3} leaks=\d+ keep=[01]\.\d{3}", lines[0])
    assert re.fullmatch(r"RESULT recall=[01]\.\d{3} leaks=\d+ keep=[01]\.\d{3}", lines[1])
    assert (tmp_path / "image" / "redacted" / f"{DOC}.pdf").is_file()
