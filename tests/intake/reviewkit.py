"""Helpers for the review-workflow tests: a small PDF built in code, a stand-in analysis that proposes
known names at their real positions (so no NLP model is loaded), and API shortcuts.

The stand-in only replaces *detection*; page images, manual redactions and the final render use the
real redaction code.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pymupdf

from redaction import screen
from redaction.types import Analysis, Proposal, proposal_id
from redaction.verify import VerificationReport
from worker.context import WorkerContext
from worker.jobs import process_submission
from worker.queue import SERIALIZER

SCREEN_JOBS = ("worker.jobs.render_page_images", "worker.jobs.render_preview", "worker.jobs.locate_manual")


def report(pages: int = 0, warnings: tuple[str, ...] = (), unread_image_pages: int = 0) -> VerificationReport:
    """A verification report as the engine returns it (``needs_review`` when a layer did not run)."""
    return VerificationReport(
        channels_checked=("body",),
        items_checked=0,
        ocr_available=False,
        pages=pages,
        warnings=warnings,
        unread_image_pages=unread_image_pages,
    )


# Invented names that appear nowhere else, so a hit in an output or at rest is ours.
LINES = [
    "Practice review concerning Tyler Quennell, aged 7.",
    "Tyler Quennell lived with his mother Marisol Quennell in Larkspur Mews.",
    "The health visitor from Oakhaven Clinic saw Tyler Quennell twice.",
    "Neighbours described the flat as cold. The school was Brindlecombe Primary.",
    "A referral was made by the school nurse, Ms Faircloth, in March.",
]
PROPOSED = {
    "Tyler Quennell": "PERSON_CHILD",
    "Marisol Quennell": "PERSON_FAMILY",
    "Larkspur Mews": "ADDRESS",
    "Oakhaven Clinic": "ORGANISATION",
}


def build_pdf(lines: list[str] = LINES, pages: int = 2) -> bytes:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=595, height=842)
        y = 72.0
        for line in lines:
            page.insert_text((72, y), line, fontsize=11)
            y += 20
        page.insert_text((72, y + 20), f"Page {number + 1}", fontsize=9)
    data = doc.tobytes()
    doc.close()
    return data


@dataclass
class NamesEngine:
    """Analysis = every occurrence of the PROPOSED names, located on the page (rects from PyMuPDF)."""

    names: dict[str, str] = field(default_factory=lambda: dict(PROPOSED))
    #: what the preview render's verification reports as not run (e.g. "second parser (pypdf) timed out")
    warnings: tuple[str, ...] = ()
    screen_calls: int = 0

    def analyze(
        self, data: bytes, *, register: Any = None, profile: str | None = None, progress: Any = None
    ) -> Analysis:
        proposals = []
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            for page in doc:
                for name, category in self.names.items():
                    for rect in page.search_for(name):
                        box = (rect.x0, rect.y0, rect.x1, rect.y1)
                        proposals.append(
                            Proposal(
                                id=proposal_id("test", page.number, *(round(v, 1) for v in box)),
                                category=category,
                                text=name,
                                channel="body",
                                page=page.number,
                                rects=(box,),
                                score=0.9,
                                source="ner",
                                recognizer="test",
                                context="",
                                entity=name,
                                label=None,
                                action="remove",
                            )
                        )
            pages = doc.page_count
        return Analysis(kind="pdf", page_count=pages, proposals=tuple(proposals))

    def render_with_report(self, data: bytes, proposals: Any, **_options: Any) -> tuple[bytes, VerificationReport]:
        return data, report(warnings=self.warnings)  # the preview is not under test here

    # The review screen's document work: the real code (redaction.screen), as the engine does it.
    def find_occurrences(self, data: bytes, text: str, *, category: str = "MANUAL") -> list[Proposal]:
        self.screen_calls += 1
        return screen.find_occurrences(data, text, category=category)

    def manual_box(self, data: bytes, page: int, rect: Any, **options: Any) -> Proposal:
        self.screen_calls += 1
        return screen.manual_box(data, page, rect, **options)

    def page_image(self, data: bytes, page: int, *, proposals: Any = (), dpi: int = 110) -> bytes:
        self.screen_calls += 1
        return screen.page_image(data, page, proposals=proposals, dpi=dpi)

    def page_sizes(self, data: bytes) -> list[tuple[float, float]]:
        return screen.page_sizes(data)

    def verify_output(self, output: bytes, forbidden: Any, *, allowed: Any = ()) -> VerificationReport:
        from redaction.verify import verify_pdf

        return verify_pdf(output, forbidden, ocr=False, allowed=list(allowed))


def run_screen_jobs(services: Any, engine: Any = None) -> int:
    """Run the review screen's queued jobs (page images, previews, manual redactions) here, from the real
    RQ queue in Redis, as the worker would; returns how many ran. Processing jobs are left queued."""
    from rq import Queue

    queue = Queue(services.settings.queue_name, connection=services.redis, serializer=SERIALIZER)
    context = WorkerContext(services=services, engine=engine or NamesEngine())
    ran = 0
    for job in queue.jobs:
        if job.func_name in SCREEN_JOBS:
            queue.remove(job)
            job.func(*job.args, context=context)
            ran += 1
    return ran


def post_manual(
    client: Any, world: Any, sid: str, manual: list[dict[str, Any]], services: Any, who: str = "reviewer"
) -> Any:
    """POST manual redactions (202 and a task), run the worker's job, and return the task's final state."""
    response = post(client, world, who, f"/submissions/{sid}/decisions", {"manual": manual})
    if response.status_code != 202:
        return response
    assert run_screen_jobs(services) == 1
    return client.get(response.get_json()["task_url"], headers=world.headers(who))


def upload_pdf(
    client: Any, world: Any, who: str = "uploader_a", data: bytes | None = None, title: str = "Child T"
) -> str:
    body = {"file": (io.BytesIO(data or build_pdf()), "draft.pdf"), "title": title}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers(who))
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def proposed_submission(client: Any, world: Any, services: Any, **kwargs: Any) -> str:
    """An uploaded PDF processed with NamesEngine: status ``proposed``."""
    sid = upload_pdf(client, world, **kwargs)
    outcome = process_submission(sid, context=WorkerContext(services=services, engine=NamesEngine()), owner="t")
    assert outcome["outcome"] == "proposed", outcome
    return sid


def proposals(client: Any, world: Any, sid: str, who: str = "reviewer") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/submissions/{sid}/proposals", headers=world.headers(who))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["proposals"])


def post(client: Any, world: Any, who: str, path: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(body or {}), headers=world.headers(who), content_type="application/json"
    )


def decide_all(client: Any, world: Any, sid: str, *, reject: tuple[str, ...] = (), who: str = "reviewer") -> Any:
    """Accept every proposal except those whose text is in ``reject``."""
    decisions = [
        {
            "proposal_id": p["id"],
            "decision": "reject" if p["text"] in reject else "accept",
            "reason_code": "not_identifying" if p["text"] in reject else "identifies_child",
        }
        for p in proposals(client, world, sid)
        if p["source"] != "manual"
    ]
    return post(client, world, who, f"/submissions/{sid}/decisions", {"decisions": decisions})


def audit_events(services: Any, sid: str | None = None, action: str | None = None) -> list[Any]:
    from sqlalchemy import select

    from intake.models import AuditEvent

    with services.sessions() as session:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        if sid:
            query = query.where(AuditEvent.submission_id == sid)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.scalars(query))


def pdf_text(data: bytes) -> str:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return re.sub(r"\s+", " ", " ".join(page.get_text() for page in doc))
