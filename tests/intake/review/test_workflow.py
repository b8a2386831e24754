"""The review workflow through the API: decisions with reason codes, manual redactions, completion and
four-eyes approval, page images, the queue, session-cookie calls with CSRF, and the OpenAPI document."""

from __future__ import annotations

import json
import re

from rq import Queue
from sqlalchemy import select, update

from intake.models import ProposalRecord, Submission, User
from tests.intake.reviewkit import (
    NamesEngine,
    audit_events,
    decide_all,
    post,
    post_manual,
    proposals,
    proposed_submission,
    run_screen_jobs,
)
from worker.queue import SERIALIZER


def test_when_decisions_are_posted_in_a_batch_then_each_is_recorded_with_its_reason(client, world, services):
    sid = proposed_submission(client, world, services)
    items = proposals(client, world, sid)
    assert items and all(p["decision"] is None for p in items)
    tyler = [p for p in items if p["text"] == "Tyler Quennell"]
    clinic = [p for p in items if p["text"] == "Oakhaven Clinic"]
    body = {
        "decisions": [{"proposal_id": p["id"], "decision": "accept", "reason_code": "identifies_child"} for p in tyler]
        + [{"proposal_id": clinic[0]["id"], "decision": "reject", "reason_code": "not_identifying"}]
    }
    response = post(client, world, "reviewer", f"/submissions/{sid}/decisions", body)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["applied"] == len(tyler) + 1
    assert result["open_proposals"] == len(items) - len(tyler) - 1
    assert result["status"] == "in_review"

    after = {p["id"]: p for p in proposals(client, world, sid)}
    reviewer = world.accounts["reviewer"].user_id
    assert all(after[p["id"]]["decision"] == "accept" for p in tyler)
    assert after[clinic[0]["id"]] | {} == after[clinic[0]["id"]]
    assert after[clinic[0]["id"]]["decision"] == "reject"
    assert after[clinic[0]["id"]]["reason_code"] == "not_identifying"
    assert after[clinic[0]["id"]]["decided_by"] == reviewer

    events = audit_events(services, sid, "review.decision")
    assert len(events) == len(tyler) + 1
    assert all(e.actor_id == reviewer and e.actor_role == "secretariat_reviewer" for e in events)
    details = [json.loads(e.details) for e in events]
    assert {d["reason_code"] for d in details} == {"identifies_child", "not_identifying"}
    assert all("Tyler" not in e.details and "Oakhaven" not in e.details for e in events)


def test_when_a_decision_changes_then_the_latest_wins_and_both_are_audited(client, world, services):
    sid = proposed_submission(client, world, services)
    pid = proposals(client, world, sid)[0]["id"]
    for decision in ("accept", "reject"):
        body = {"decisions": [{"proposal_id": pid, "decision": decision, "reason_code": "identifies_child"}]}
        assert post(client, world, "reviewer", f"/submissions/{sid}/decisions", body).status_code == 200
    assert {p["id"]: p["decision"] for p in proposals(client, world, sid)}[pid] == "reject"
    assert len(audit_events(services, sid, "review.decision")) == 2


def test_when_a_batch_is_invalid_then_nothing_is_applied(client, world, services):
    sid = proposed_submission(client, world, services)
    pid = proposals(client, world, sid)[0]["id"]
    bad = [
        {"decisions": [{"proposal_id": pid, "decision": "accept", "reason_code": "because"}]},
        {"decisions": [{"proposal_id": pid, "decision": "maybe", "reason_code": "identifies_child"}]},
        {
            "decisions": [
                {"proposal_id": pid, "decision": "accept", "reason_code": "identifies_child"},
                {"proposal_id": "nope", "decision": "accept", "reason_code": "identifies_child"},
            ]
        },
        {"manual": [{"page": 0, "rect": [1, 2, 3], "reason_code": "identifies_child"}]},
        {"manual": [{"text": "x", "reason_code": "identifies_child"}]},
        {"decisions": "all"},
    ]
    for body in bad:
        response = post(client, world, "reviewer", f"/submissions/{sid}/decisions", body)
        assert response.status_code == 400, (body, response.get_json())
        assert set(response.get_json()) == {"error", "message"}
    assert all(p["decision"] is None for p in proposals(client, world, sid))
    not_json = client.post(
        f"/api/v1/submissions/{sid}/decisions",
        data="{",
        headers=world.headers("reviewer"),
        content_type="application/json",
    )
    assert not_json.status_code == 400


def test_only_reviewers_decide_and_other_partnerships_cannot_even_see(client, world, services):
    sid = proposed_submission(client, world, services)
    pid = proposals(client, world, sid)[0]["id"]
    body = {"decisions": [{"proposal_id": pid, "decision": "accept", "reason_code": "identifies_child"}]}
    assert post(client, world, "approver", f"/submissions/{sid}/decisions", body).status_code == 403
    assert post(client, world, "uploader_a", f"/submissions/{sid}/decisions", body).status_code == 403
    assert post(client, world, "panel", f"/submissions/{sid}/decisions", body).status_code == 403
    assert post(client, world, "uploader_b", f"/submissions/{sid}/decisions", body).status_code == 404
    assert post(client, world, "reviewer", "/submissions/does-not-exist/decisions", body).status_code == 404


def test_manual_box_and_every_occurrence_become_sealed_accepted_manual_proposals(client, world, services):
    sid = proposed_submission(client, world, services)
    body = {
        "manual": [
            {"page": 0, "rect": [70, 120, 300, 135], "reason_code": "third_party_information"},
            {"text": "Brindlecombe Primary", "reason_code": "identifies_child"},
        ]
    }
    response = post(client, world, "reviewer", f"/submissions/{sid}/decisions", body)
    # the web process does not parse the document: the worker locates the redactions, the page polls
    assert response.status_code == 202, response.get_json()
    task_url = response.get_json()["task_url"]
    assert response.headers["Location"] == task_url and response.headers["Retry-After"] == "1"
    assert client.get(task_url, headers=world.headers("reviewer")).get_json()["state"] == "queued"
    assert all(p["source"] != "manual" for p in proposals(client, world, sid))  # nothing recorded yet
    engine = NamesEngine()
    assert run_screen_jobs(services, engine) == 1 and engine.screen_calls == 2
    done = client.get(task_url, headers=world.headers("reviewer"))
    assert done.status_code == 200 and done.get_json()["state"] == "done", done.get_json()
    manual_ids = done.get_json()["manual_ids"]
    assert len(manual_ids) == 3  # one box + the text on each of the two pages
    listed = {p["id"]: p for p in proposals(client, world, sid)}
    manual = [listed[i] for i in manual_ids]
    assert all(p["source"] == "manual" and p["decision"] == "accept" for p in manual)
    assert sorted(p["text"] for p in manual if p["category"] == "MANUAL") == ["Brindlecombe Primary"] * 2
    assert {p["reason_code"] for p in manual} == {"third_party_information", "identifies_child"}
    with services.sessions() as session:
        rows = session.scalars(select(ProposalRecord).where(ProposalRecord.proposal_id.in_(manual_ids))).all()
        assert len(rows) == 3 and all(b"Brindlecombe" not in row.payload_enc for row in rows)
    events = audit_events(services, sid, "review.manual_redaction")
    assert [json.loads(e.details)["count"] for e in events] == [1, 2]
    assert all("Brindlecombe" not in e.details for e in events)
    missing = post_manual(client, world, sid, [{"text": "Zanzibar", "reason_code": "identifies_child"}], services)
    assert missing.get_json() == {
        "task_id": missing.get_json()["task_id"],
        "state": "failed",
        "error": "invalid_review",
        "message": "that text does not occur in the document",
    }
    assert client.get(task_url, headers=world.headers("uploader_b")).status_code == 404
    assert client.get(task_url, headers=world.headers("uploader_a")).status_code == 403
    assert client.get(task_url, headers=world.headers("approver")).status_code == 403


def test_when_proposals_are_undecided_then_the_review_cannot_be_completed(client, world, services):
    sid = proposed_submission(client, world, services)
    response = post(client, world, "reviewer", f"/submissions/{sid}/complete")
    assert response.status_code == 409
    assert "undecided" in response.get_json()["message"]


def test_four_eyes_the_same_person_can_never_complete_and_approve(client, world, services, redis_conn, settings):
    sid = proposed_submission(client, world, services)
    assert decide_all(client, world, sid).status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/complete").status_code == 403  # wrong role
    done = post(client, world, "reviewer", f"/submissions/{sid}/complete")
    assert done.status_code == 200 and done.get_json() == {"status": "completed"}
    # decisions are frozen once completed
    pid = proposals(client, world, sid)[0]["id"]
    frozen = post(
        client,
        world,
        "reviewer",
        f"/submissions/{sid}/decisions",
        {"decisions": [{"proposal_id": pid, "decision": "reject", "reason_code": "not_identifying"}]},
    )
    assert frozen.status_code == 409

    # the reviewer cannot approve with their reviewer role...
    assert post(client, world, "reviewer", f"/submissions/{sid}/approve").status_code == 403
    # ...nor after being given the approver role: the same person never does both for one submission
    reviewer_id = world.accounts["reviewer"].user_id
    with services.sessions() as session, session.begin():
        session.execute(update(User).where(User.id == reviewer_id).values(role="secretariat_approver"))
    refused = post(client, world, "reviewer", f"/submissions/{sid}/approve")
    assert refused.status_code == 403 and refused.get_json()["error"] == "four_eyes"
    assert [e.actor_id for e in audit_events(services, sid, "review.four_eyes_refused")] == [reviewer_id]
    with services.sessions() as session:
        assert session.get(Submission, sid).status == "completed"

    approved = post(client, world, "approver", f"/submissions/{sid}/approve")
    assert approved.status_code == 202 and approved.get_json() == {"status": "approving"}
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.status == "approving"
        assert (submission.completed_by, submission.approved_by) == (reviewer_id, world.accounts["approver"].user_id)
    jobs = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER).jobs
    finalise = [j for j in jobs if j.func_name == "worker.jobs.finalise_submission"]
    assert [list(j.args) for j in finalise] == [[sid]]  # IDs only
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 409  # already approving
    actions = [e.action for e in audit_events(services, sid) if e.action.startswith("review.")]
    assert actions[-3:] == ["review.completed", "review.four_eyes_refused", "review.approved"]


def test_an_approver_who_decided_in_the_review_cannot_approve_it(client, world, services):
    sid = proposed_submission(client, world, services)
    decide_all(client, world, sid)
    approver_id = world.accounts["approver"].user_id
    reviewer_id = world.accounts["reviewer"].user_id
    from intake.models import Decision

    with services.sessions() as session, session.begin():  # one decision was taken by the approver-to-be
        row = session.scalars(select(Decision).where(Decision.submission_id == sid)).first()
        row.actor_id = approver_id
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    response = post(client, world, "approver", f"/submissions/{sid}/approve")
    assert response.status_code == 403 and response.get_json()["error"] == "four_eyes"
    assert reviewer_id != approver_id


def test_page_sizes_and_images_with_and_without_the_live_preview(client, world, services):
    sid = proposed_submission(client, world, services)
    pages = client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("reviewer"))
    assert pages.status_code == 200
    assert pages.get_json()["pages"] == [
        {"number": 0, "width": 595.0, "height": 842.0},
        {"number": 1, "width": 595.0, "height": 842.0},
    ]
    plain = client.get(f"/api/v1/submissions/{sid}/pages/0.png?dpi=72", headers=world.headers("reviewer"))
    assert plain.status_code == 200 and plain.data.startswith(b"\x89PNG")
    assert plain.headers["Cache-Control"] == "no-store" and plain.mimetype == "image/png"
    same = client.get(f"/api/v1/submissions/{sid}/pages/0.png?dpi=72&preview=1", headers=world.headers("reviewer"))
    assert same.data == plain.data  # nothing accepted yet
    decide_all(client, world, sid)
    # the live preview is rendered by a job, cached by the chosen redactions: 202 until it is ready
    target = f"/api/v1/submissions/{sid}/pages/0.png?dpi=72&preview=1"
    pending = client.get(target, headers=world.headers("reviewer"))
    assert pending.status_code == 202 and pending.headers["Retry-After"] == "1"
    assert client.get(target, headers=world.headers("reviewer")).status_code == 202
    assert run_screen_jobs(services) == 1  # asked twice, rendered once
    preview = client.get(target, headers=world.headers("reviewer"))
    assert preview.status_code == 200 and preview.data != plain.data
    assert run_screen_jobs(services) == 0  # served from the sealed cache
    assert client.get(f"/api/v1/submissions/{sid}/pages/9.png", headers=world.headers("reviewer")).status_code == 400
    assert (
        client.get(f"/api/v1/submissions/{sid}/pages/0.png?dpi=900", headers=world.headers("reviewer")).status_code
        == 400
    )
    assert client.get(f"/api/v1/submissions/{sid}/pages/0.png", headers=world.headers("panel")).status_code == 403
    assert client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("uploader_b")).status_code == 404
    viewed = audit_events(services, sid, "document.page_viewed")
    assert len(viewed) == 3 and {json.loads(e.details)["preview"] for e in viewed} == {True, False}


def test_the_queue_has_due_dates_urgency_order_and_filters(client, world, services):
    old = proposed_submission(client, world, services, title="Old")
    new = proposed_submission(client, world, services, who="uploader_b", title="New")
    from datetime import UTC, datetime

    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission).where(Submission.id == old).values(created_at=datetime(2024, 12, 16, 10, tzinfo=UTC))
        )
    response = client.get("/api/v1/review/queue", headers=world.headers("reviewer"))
    assert response.status_code == 200
    items = response.get_json()["submissions"]
    assert [i["id"] for i in items] == [old, new]
    first = items[0]
    assert first["due_date"] == "2025-01-09" and first["overdue"] is True  # across Christmas and New Year
    assert first["partnership"] == {"id": world.partnerships["A"], "name": "Partnership A"}
    assert first["title"] == "Old" and first["status"] == "proposed" and first["open_proposals"] > 0
    assert items[1]["overdue"] is False
    only_b = client.get(
        f"/api/v1/review/queue?partnership={world.partnerships['B']}", headers=world.headers("approver")
    )
    assert [i["id"] for i in only_b.get_json()["submissions"]] == [new]
    none = client.get("/api/v1/review/queue?status=approved", headers=world.headers("reviewer"))
    assert none.get_json()["submissions"] == []
    assert client.get("/api/v1/review/queue", headers=world.headers("uploader_a")).status_code == 403
    assert client.get("/api/v1/review/queue", headers=world.headers("panel")).status_code == 403


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_review_screen_may_call_the_api_with_its_session_cookie_and_csrf_token(client, world, services):
    sid = proposed_submission(client, world, services)
    account = world.accounts["reviewer"]
    token = _csrf(client.get("/login").get_data(as_text=True))
    login = client.post("/login", data={"email": account.email, "password": account.password, "csrf_token": token})
    assert login.status_code == 302
    listed = client.get(f"/api/v1/submissions/{sid}/proposals")
    assert listed.status_code == 200
    pid = listed.get_json()["proposals"][0]["id"]
    body = json.dumps({"decisions": [{"proposal_id": pid, "decision": "accept", "reason_code": "identifies_child"}]})
    without = client.post(f"/api/v1/submissions/{sid}/decisions", data=body, content_type="application/json")
    assert without.status_code == 400 and without.get_json()["error"]
    page_token = _csrf(client.get("/login").get_data(as_text=True))
    with_token = client.post(
        f"/api/v1/submissions/{sid}/decisions",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": page_token},
    )
    assert with_token.status_code == 200, with_token.get_json()


def test_the_openapi_document_describes_every_api_route(app, client, world):
    response = client.get("/api/v1/openapi.json", headers=world.headers("panel"))
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not in openapi.json"
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_page_images_are_rendered_by_the_worker_sealed_and_a_missing_set_is_queued_not_parsed(client, world, services):
    """The web process only serves PNGs the worker rendered and sealed; a submission without them (processed
    before this change) gets 202 and a job, never a parse in the request."""
    from intake.models import PageImage

    sid = proposed_submission(client, world, services)
    with services.sessions() as session:
        images = session.scalars(select(PageImage).where(PageImage.submission_id == sid)).all()
        assert sorted(i.page for i in images) == [0, 1] and {i.variant for i in images} == {"original"}
    for image in images:
        assert b"\x89PNG" not in _blob(services, image.id), "page images must be encrypted at rest"
    with services.sessions() as session, session.begin():
        for image in session.scalars(select(PageImage).where(PageImage.submission_id == sid)):
            session.delete(image)
    pages = client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("reviewer"))
    assert pages.status_code == 202 and pages.headers["Retry-After"] == "1"
    assert client.get(f"/api/v1/submissions/{sid}/pages/0.png", headers=world.headers("reviewer")).status_code == 202
    engine = NamesEngine()
    assert run_screen_jobs(services, engine) == 1 and engine.screen_calls == 2
    pages = client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("reviewer"))
    assert pages.status_code == 200 and len(pages.get_json()["pages"]) == 2
    png = client.get(f"/api/v1/submissions/{sid}/pages/1.png", headers=world.headers("reviewer"))
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def _blob(services, name):
    return services.store.blobs.get_bytes(name)


def test_purge_deletes_the_page_images_and_the_sealed_task_requests(client, world, services):
    from intake import audit
    from intake.models import PageImage, ScreenTask
    from intake.submissions.purge import purge

    sid = proposed_submission(client, world, services)
    assert post(client, world, "reviewer", f"/submissions/{sid}/decisions", {"manual": _TEXT}).status_code == 202
    with services.sessions() as session:
        names = [i.id for i in session.scalars(select(PageImage).where(PageImage.submission_id == sid))]
    assert len(names) == 2 and all(services.store.exists(name) for name in names)
    purge(services, sid, audit.SYSTEM)
    assert not any(services.store.exists(name) for name in names)
    with services.sessions() as session:
        assert session.scalars(select(PageImage).where(PageImage.submission_id == sid)).all() == []
        [task] = session.scalars(select(ScreenTask).where(ScreenTask.submission_id == sid)).all()
        assert task.request_enc == b""
    assert run_screen_jobs(services) == 1  # the queued job finds nothing to do
    assert client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("reviewer")).status_code == 410


_TEXT = [{"text": "Brindlecombe Primary", "reason_code": "identifies_child"}]


class _DuringSearch(NamesEngine):
    """Runs ``during()`` inside the engine's "every occurrence" search, as another request would."""

    def __init__(self, during):
        super().__init__()
        self.during = during

    def find_occurrences(self, data, text, *, category="MANUAL"):
        self.during()
        return super().find_occurrences(data, text, category=category)


def test_no_lock_is_held_while_the_engine_searches_and_a_change_meanwhile_fails_the_task(client, world, services):
    """While the worker's engine looks for the text, another reviewer's batch commits at once (no
    submission lock, no audit-head lock, no SQLite write lock is held). The result is recorded after,
    under the lock; but if the submission became a new revision meanwhile, nothing is recorded."""
    sid = proposed_submission(client, world, services)
    pid = proposals(client, world, sid)[0]["id"]
    meanwhile = []

    def decide_elsewhere():
        body = {"decisions": [{"proposal_id": pid, "decision": "accept", "reason_code": "identifies_child"}]}
        meanwhile.append(post(client, world, "reviewer", f"/submissions/{sid}/decisions", body).status_code)

    task = post(client, world, "reviewer", f"/submissions/{sid}/decisions", {"manual": _TEXT}).get_json()
    assert run_screen_jobs(services, _DuringSearch(decide_elsewhere)) == 1
    assert meanwhile == [200]
    done = client.get(task["task_url"], headers=world.headers("reviewer")).get_json()
    assert done["state"] == "done" and len(done["manual_ids"]) == 2

    def new_revision():
        with services.sessions() as session, session.begin():
            session.execute(update(Submission).where(Submission.id == sid).values(revision=Submission.revision + 1))

    task = post(client, world, "reviewer", f"/submissions/{sid}/decisions", {"manual": _TEXT}).get_json()
    assert run_screen_jobs(services, _DuringSearch(new_revision)) == 1
    failed = client.get(task["task_url"], headers=world.headers("reviewer")).get_json()
    assert failed["state"] == "failed" and failed["error"] == "conflict"
    assert "changed" in failed["message"]


def test_previews_are_cached_per_choice_and_only_the_newest_few_are_kept(client, world, services):
    from intake.models import PageImage
    from intake.processing.screen import KEEP_PREVIEWS

    sid = proposed_submission(client, world, services)
    on_first_page = [p for p in proposals(client, world, sid) if p["page"] == 0]
    assert len(on_first_page) > KEEP_PREVIEWS
    target = f"/api/v1/submissions/{sid}/pages/0.png?preview=1"
    shown = []
    for proposal in on_first_page:
        body = {"decisions": [{"proposal_id": proposal["id"], "decision": "accept", "reason_code": "identifies_child"}]}
        assert post(client, world, "reviewer", f"/submissions/{sid}/decisions", body).status_code == 200
        assert client.get(target, headers=world.headers("reviewer")).status_code == 202
        assert run_screen_jobs(services) == 1
        shown.append(client.get(target, headers=world.headers("reviewer")).data)
    assert len(set(shown)) == len(on_first_page)  # each choice its own rendering
    with services.sessions() as session:
        kept = session.scalars(
            select(PageImage).where(PageImage.submission_id == sid, PageImage.variant != "original")
        ).all()
    assert len(kept) == KEEP_PREVIEWS
    assert client.get(target, headers=world.headers("reviewer")).data == shown[-1]  # the newest, cached


class _Broken(NamesEngine):
    def find_occurrences(self, data, text, *, category="MANUAL"):
        raise MemoryError("Brindlecombe Primary")  # an unexpected failure, quoting the document


def test_an_unexpected_failure_of_the_worker_fails_the_task_without_its_text(client, world, services):
    import pytest

    from intake.processing.screen import ScreenJobError

    sid = proposed_submission(client, world, services)
    task = post(client, world, "reviewer", f"/submissions/{sid}/decisions", {"manual": _TEXT}).get_json()
    with pytest.raises(ScreenJobError) as raised:
        run_screen_jobs(services, _Broken())
    assert str(raised.value) == "MemoryError"  # the type only: RQ keeps the exception in Redis
    failed = client.get(task["task_url"], headers=world.headers("reviewer")).get_json()
    assert failed["state"] == "failed" and failed["error"] == "internal" and "Brindlecombe" not in str(failed)


class _BatchPages(NamesEngine):
    """An engine that renders every page in one call (one sandboxed child for all of them)."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def page_images(self, data, *, dpi):
        from redaction import screen

        self.batches.append(dpi)
        return [(w, h, screen.page_image(data, n, dpi=dpi)) for n, (w, h) in enumerate(screen.page_sizes(data))]

    def page_image(self, data, page, *, proposals=(), dpi=110):
        assert proposals, "the original's pages come from the batch call"
        return super().page_image(data, page, proposals=proposals, dpi=dpi)


def test_an_engine_with_a_batch_page_renderer_renders_the_original_in_one_call(client, world, services):
    from intake.processing.engine import PAGE_DPI
    from tests.intake.reviewkit import upload_pdf
    from worker.context import WorkerContext
    from worker.jobs import process_submission

    engine = _BatchPages()
    sid = upload_pdf(client, world)
    assert process_submission(sid, context=WorkerContext(services=services, engine=engine), owner="t")["outcome"] == (
        "proposed"
    )
    assert engine.batches == [PAGE_DPI]
    pages = client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("reviewer")).get_json()["pages"]
    assert [p["number"] for p in pages] == [0, 1] and pages[0]["width"] == 595.0
    png = client.get(f"/api/v1/submissions/{sid}/pages/1.png", headers=world.headers("reviewer"))
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
