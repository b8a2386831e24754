"""Issue 13's browser acceptance, in real headless Chromium with the real worker (sandboxed engine and
LibreOffice): a partnership fills in the register form (two people, an address, a public name), uploads a
.docx whose comments, tracked changes and properties name people, and reaches ``proposed``; the hygiene
report shows on the submission page; the reviewer completes the review and a second person approves;
the PDF handed to the archive scores 0 leaks with ../shared/eval/score.py (every channel read), the
people named only in the hidden channels included, and the pseudonym, the roles and the public name kept.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from intake.models import DocumentVersion
from intake.storage.documents import load_document
from redaction.word.convert import soffice_path
from tests.conftest import SCORER
from tests.intake.reviewkit import decide_all
from tests.intake.web.conftest import ARTIFACTS
from tests.intake.web.test_review_browser import log_in, log_out
from tests.worker.procs import start_worker, stop_worker, wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed (make system-deps)"),
]

CHILD, MOTHER, SIBLING = "Kezia Marlowe-Dunn", "Rhiannon Marlowe-Dunn", "Tobias Marlowe-Dunn"
ADDRESS = "14 Wrenfield Close, Ashby Parva, LE17 5QX"
AUTHOR = "Dr Miriam Oakes"  # the independent reviewer: named in published reviews
COMMENTER = "Gwendolyn Featherby"  # a partnership officer who commented on the draft


def build_draft() -> bytes:
    document = docx.Document()
    document.core_properties.author = COMMENTER
    document.add_heading("Child Safeguarding Practice Review: Child W", level=1)
    document.add_paragraph(f"This review was written by the independent reviewer, {AUTHOR}.")
    first = document.add_paragraph(
        f"Child W ({CHILD}) lived with her mother, {MOTHER}, at {ADDRESS}. The health visitor saw Child W "
        "in March 2021, when she was aged 14 months."
    )
    document.add_comment(first.runs[0], text=f"Should we say more about {SIBLING}?", author=COMMENTER)
    changes = document.add_paragraph("The family moved twice in 2021.")
    changes._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="9" w:author="{COMMENTER}" w:date="2024-01-01T00:00:00Z">'
            f"<w:r><w:delText> Her brother {SIBLING} was not seen.</w:delText></w:r></w:del>"
        )
    )
    document.add_paragraph("The school nurse and the GP shared information with children's social care.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TRUTH = {
    "id": "worddraft",
    "must_redact": [
        {"text": text, "category": category, "kind": "direct", "channels": ["body"]}
        for text, category in (
            (CHILD, "PERSON_FAMILY"),
            (MOTHER, "PERSON_FAMILY"),
            (SIBLING, "PERSON_FAMILY"),
            (COMMENTER, "PERSON_PRACTITIONER"),
            ("Wrenfield Close", "ADDRESS"),
            ("LE17 5QX", "POSTCODE"),
        )
    ],
    "must_keep": [
        {"text": "Child W", "category": "PSEUDONYM"},
        {"text": AUTHOR, "category": "PUBLIC_NAME"},
        {"text": "health visitor", "category": "ROLE"},
        {"text": "March 2021", "category": "DATE"},
    ],
}


@pytest.fixture
def real_worker(settings, services, tmp_path):
    process = start_worker(settings, tmp_path / "worker.log")
    yield process
    stop_worker(process)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def status_of(client, world, sid: str, wanted: tuple[str, ...], timeout: float) -> dict:
    def done():
        detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
        return detail if detail["status"] in wanted + ("failed",) else None

    return wait_for(done, timeout=timeout, what=f"submission {sid} to reach {wanted}", interval=0.5)


def score(published: bytes, original: bytes, tmp_path: Path) -> str:
    corpus, outputs = tmp_path / "score-corpus", tmp_path / "score-out"
    corpus.mkdir()
    outputs.mkdir()
    (corpus / "worddraft.pdf").write_bytes(original)
    (corpus / "worddraft.truth.json").write_text(json.dumps(TRUTH))
    (outputs / "worddraft.pdf").write_bytes(published)
    result = subprocess.run(
        [sys.executable, str(SCORER), "--corpus", str(corpus), "--outputs", str(outputs)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_word_draft_with_the_register_form_goes_to_a_leak_free_archived_pdf(
    client, world, services, settings, server, real_worker, page, tmp_path
) -> None:
    if not SCORER.exists():
        pytest.skip(f"the scorer is not at {SCORER}")
    draft = tmp_path / "Child W review (draft 3).docx"
    draft.write_bytes(build_draft())

    log_in(page, server, world.accounts["uploader_a"], "/upload")
    page.get_by_label("Title").fill("Child W review")
    page.get_by_label("Draft (PDF, Word or text)").set_input_files(str(draft))
    page.get_by_label("Full name, person 1").fill(CHILD)
    page.get_by_label("Relationship, person 1").select_option("child")
    page.get_by_label("Date of birth, person 1").fill("02/01/2020")
    page.get_by_label("Full name, person 2").fill(MOTHER)
    page.get_by_label("Relationship, person 2").select_option("mother")
    page.get_by_label("Address 1").fill(ADDRESS.replace(", ", "\n"))
    page.get_by_label("Public name 1").fill(AUTHOR)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(f"{server}/submissions/*")
    sid = page.url.rsplit("/", 1)[1]

    detail = status_of(client, world, sid, ("proposed",), timeout=300)
    assert detail["status"] == "proposed", detail["failure_reason"]
    page.reload()
    hygiene = page.locator("#word-hygiene")
    assert hygiene.is_visible()
    for channel in ("tracked deletion", "comment", "comment author", "document property"):
        assert hygiene.get_by_role("rowheader", name=channel, exact=True).is_visible(), channel
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "word-hygiene.png"), full_page=True)
    log_out(page)

    # the reviewer: every proposal accepted, the review completed on the review screen
    assert decide_all(client, world, sid).status_code == 200
    log_in(page, server, world.accounts["reviewer"], f"/review/{sid}")
    assert page.locator("#word-hygiene").is_visible()
    page.get_by_role("button", name="Mark review complete").click()
    page.get_by_role("alert").filter(has_text="Review marked complete").wait_for()
    log_out(page)

    # a second person approves; the worker renders, verifies and hands over to the archive folder
    log_in(page, server, world.accounts["approver"], f"/review/{sid}")
    page.get_by_role("button", name="Approve for publication").click()
    page.get_by_role("alert").filter(has_text="final, verified PDF is ready").wait_for(timeout=300_000)
    assert status_of(client, world, sid, ("published",), timeout=120)["status"] == "published"
    published = (Path(settings.archive_dir) / f"{sid}.pdf").read_bytes()

    with services.sessions() as session:
        printable = session.query(DocumentVersion).filter_by(submission_id=sid, role="printable").one()
        original_pdf = load_document(services.keys, services.store, session, printable)
    result = score(published, original_pdf, tmp_path)
    assert " leaks=0 " in f" {result} " and "keep=1.000" in result, result
