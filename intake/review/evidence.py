"""Evidence export for one submission: its audit events, counts, the signed checkpoint and inclusion proofs.

This is what the Panel attaches to a decision letter when a partnership asks it not to publish: who did
what and why (actor ids and roles, reason codes, categories and counts, never the redacted words) and the
means for anyone to check that the list was not edited afterwards (each event's inclusion proof against a
checkpoint signed with the audit key). JSON is the authoritative form; CSV and PDF are renderings of it.
No Flask import.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal
from intake.audit import format_timestamp
from intake.audit.checkpoint import verifier_from_settings
from intake.audit.verify import latest_checkpoint, tree_at
from intake.models import AuditEvent, Submission, utcnow
from intake.states import Role

if TYPE_CHECKING:
    from intake.services import Services

FORMATS = ("json", "csv", "pdf")
#: events a partnership's export leaves out (each listed event keeps its own inclusion proof)
PANEL_INTERNAL = ("conflict.",)
DECISION_HINTS = ("decision", "review", "approv", "redaction", "non_publication", "conflict")
CSV_COLUMNS = (
    "seq",
    "at",
    "action",
    "actor_id",
    "actor_role",
    "reason_code",
    "category",
    "details",
    "leaf_hash",
    "inclusion_proof",
)


def _add_counts(counter: Counter[str], details: dict[str, Any], single: str, plural: str) -> None:
    value = details.get(single)
    if isinstance(value, str):
        count = details.get("count")
        counter[value] += count if isinstance(count, int) and not isinstance(count, bool) else 1
    many = details.get(plural)
    if isinstance(many, dict):
        for key, number in many.items():
            if isinstance(number, int) and not isinstance(number, bool):
                counter[str(key)] += number


def _is_decision(action: str, details: dict[str, Any]) -> bool:
    return "reason_code" in details or "by_reason_code" in details or any(h in action for h in DECISION_HINTS)


def export_submission(services: Services, principal: Principal, submission_id: str, fmt: str) -> dict[str, Any]:
    """Build the evidence for ``submission_id`` (access-checked) and audit the export itself.

    The checkpoint is the newest signed one (signed by ``safepub audit sign``, never inside a request:
    this process holds only the public key). Events it covers come with inclusion proofs; events newer
    than it are listed with ``"pending_checkpoint": true`` and no proof (export again after the next
    signing to have them proved).
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), "metadata")
        access.require(principal, access.Action.EXPORT_AUDIT, "your role cannot export the audit trail")
        events = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.submission_id == submission.id).order_by(AuditEvent.seq)
            )
        )
        if principal.role == Role.PARTNERSHIP_UPLOADER:
            # Panel-internal: who declared an interest in this case is not the partnership's business
            events = [event for event in events if not event.action.startswith(PANEL_INTERNAL)]
        checkpoint = latest_checkpoint(session)
        size = checkpoint.tree_size if checkpoint is not None else 0
        tree = tree_at(session, size)
        listed = [_event(event, tree.proof(event.seq) if event.seq < size else None) for event in events]
        exported = audit.append(
            session,
            "audit.exported",
            actor=audit.Actor(principal.user_id, principal.role, principal.partnership_id),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"format": fmt, "events": len(listed), "checkpoint_size": size},
        )
        by_action: Counter[str] = Counter()
        by_category: Counter[str] = Counter()
        by_reason: Counter[str] = Counter()
        by_role: Counter[str] = Counter()
        for item in listed:
            by_action[item["action"]] += 1
            by_role[item["actor_role"] or "none"] += 1
            _add_counts(by_category, item["details"], "category", "by_category")
            _add_counts(by_reason, item["details"], "reason_code", "by_reason_code")
        return {
            "submission": {
                "id": submission.id,
                "partnership_id": submission.partnership_id,
                "kind": submission.kind,
                "revision": submission.revision,
                "status": submission.status,
            },
            "generated_at": format_timestamp(utcnow()),
            "generated_by": {"id": principal.user_id, "role": principal.role},
            "export_event_seq": exported.seq,
            "event_count": len(listed),
            "counts": {
                "by_action": dict(sorted(by_action.items())),
                "by_category": dict(sorted(by_category.items())),
                "by_reason_code": dict(sorted(by_reason.items())),
                "by_actor_role": dict(sorted(by_role.items())),
            },
            "decisions": [item for item in listed if _is_decision(item["action"], item["details"])],
            "events": listed,
            "checkpoint": None
            if checkpoint is None
            else {
                "tree_size": checkpoint.tree_size,
                "root_hash": checkpoint.root_hash,
                "origin": checkpoint.origin,
                "key_id": checkpoint.key_id,
                "created_at": format_timestamp(checkpoint.created_at),
                "note": checkpoint.note,
                "verifier_key": vkey.vkey if (vkey := verifier_from_settings(services.settings)) else None,
            },
        }


def _event(event: AuditEvent, proof: list[bytes] | None) -> dict[str, Any]:
    details = json.loads(event.details)
    return {
        "seq": event.seq,
        "at": format_timestamp(event.occurred_at),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "partnership_id": event.partnership_id,
        "reason_code": details.get("reason_code"),
        "category": details.get("category"),
        "details": details,
        "entry": event.entry,
        "leaf_hash": event.leaf_hash,
        "inclusion_proof": None if proof is None else [node.hex() for node in proof],
        "pending_checkpoint": proof is None,
    }


def to_json(evidence: dict[str, Any]) -> bytes:
    return json.dumps(evidence, indent=2, sort_keys=False).encode("utf-8")


def to_csv(evidence: dict[str, Any]) -> bytes:
    """One row per event; the checkpoint lives in the JSON and PDF (a CSV has nowhere honest to put it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in evidence["events"]:
        writer.writerow(
            [
                item["seq"],
                item["at"],
                item["action"],
                item["actor_id"] or "",
                item["actor_role"] or "",
                item["reason_code"] or "",
                item["category"] or "",
                audit.canonical(item["details"]),
                item["leaf_hash"],
                " ".join(item["inclusion_proof"] or ()),  # empty: newer than the latest checkpoint
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _escape(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{_escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


_CSS = """
body { font-family: sans-serif; font-size: 9pt; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 10pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #888; padding: 2pt; text-align: left; vertical-align: top; }
th { background-color: #eee; }
pre { font-family: monospace; font-size: 7pt; }
"""


def to_pdf(evidence: dict[str, Any]) -> bytes:
    """A readable A4 report built with PyMuPDF's Story (HTML subset), paginated automatically."""
    import pymupdf

    sub = evidence["submission"]
    cp = evidence["checkpoint"]
    counts = evidence["counts"]
    parts = [
        "<h1>Audit evidence for submission " + _escape(sub["id"]) + "</h1>",
        "<p>Partnership " + _escape(sub["partnership_id"]) + ", " + _escape(sub["kind"]) + " revision "
        f"{_escape(sub['revision'])}, status {_escape(sub['status'])}. Generated {_escape(evidence['generated_at'])}"
        f" by a {_escape(evidence['generated_by']['role'])} ({_escape(evidence['generated_by']['id'])}).</p>",
        f"<p><b>{evidence['event_count']} events</b> recorded for this submission, "
        f"{len(evidence['decisions'])} of them decisions. Entries hold identifiers, categories, counts and reason"
        " codes only, never the redacted text.</p>",
        "<h2>Counts</h2>",
        _table(["Action", "Events"], [[k, v] for k, v in counts["by_action"].items()]),
    ]
    if counts["by_reason_code"]:
        parts.append(_table(["Reason code", "Count"], [[k, v] for k, v in counts["by_reason_code"].items()]))
    if counts["by_category"]:
        parts.append(_table(["Category", "Count"], [[k, v] for k, v in counts["by_category"].items()]))
    parts.append(_table(["Actor role", "Events"], [[k, v] for k, v in counts["by_actor_role"].items()]))
    parts.append("<h2>Decisions</h2>")
    if evidence["decisions"]:
        parts.append(
            _table(
                ["Seq", "Time (UTC)", "Action", "Actor", "Role", "Reason code", "Category"],
                [
                    [
                        d["seq"],
                        d["at"],
                        d["action"],
                        d["actor_id"] or "system",
                        d["actor_role"] or "",
                        d["reason_code"] or "",
                        d["category"] or "",
                    ]
                    for d in evidence["decisions"]
                ],
            )
        )
    else:
        parts.append("<p>No human decisions have been recorded for this submission.</p>")
    parts.append("<h2>All events</h2>")
    parts.append(
        _table(
            ["Seq", "Time (UTC)", "Action", "Actor", "Role", "Details"],
            [
                [
                    e["seq"],
                    e["at"],
                    e["action"],
                    e["actor_id"] or "system",
                    e["actor_role"] or "",
                    audit.canonical(e["details"]),
                ]
                for e in evidence["events"]
            ],
        )
    )
    pending = sum(1 for e in evidence["events"] if e.get("pending_checkpoint"))
    parts.append("<h2>Signed checkpoint</h2>")
    if cp is None:
        parts.append("<p>No signed checkpoint exists yet: export again after the next `safepub audit sign`.</p>")
    else:
        covered = "Every event above is" if not pending else f"All but the {pending} newest event(s) above are"
        parts += [
            f"<p>{covered} included in the log of {cp['tree_size']} entries whose RFC 6962 Merkle root is"
            f" {_escape(cp['root_hash'])}, signed with Ed25519 by {_escape(cp['origin'])} (key id"
            f" {_escape(cp['key_id'])}) at {_escape(cp['created_at'])}. The JSON export carries each event's"
            " inclusion proof; keep this checkpoint: `safepub audit verify --trusted` later proves the log still"
            " extends it (nothing deleted or rewritten).</p>",
            "<pre>" + _escape(cp["note"]) + "</pre>",
            "<p>Verifier key:</p><pre>" + _escape(cp["verifier_key"] or "") + "</pre>",
        ]
    story = pymupdf.Story(html="".join(parts), user_css=_CSS)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    page = pymupdf.paper_rect("a4")
    content = page + (36, 36, -36, -36)
    more = True
    while more:
        device = writer.begin_page(page)
        more, _ = story.place(content)
        story.draw(device)
        writer.end_page()
    writer.close()
    return buffer.getvalue()


def render(evidence: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        return to_json(evidence), "application/json"
    if fmt == "csv":
        return to_csv(evidence), "text/csv; charset=utf-8"
    return to_pdf(evidence), "application/pdf"


def filename(evidence: dict[str, Any], fmt: str, now: datetime | None = None) -> str:
    stamp = (now or utcnow()).strftime("%Y%m%d")
    return f"audit-{evidence['submission']['id']}-{stamp}.{fmt}"
