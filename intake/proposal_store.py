"""Proposals at rest: the one place that seals and opens them.

A proposal's text, context and entity are personal data, so the whole proposal is stored sealed under
the submission's fields key (associated data: submission, purpose "proposal", proposal id); only the
category, channel, page, score and source are clear columns, for counts and sorting.
"""

from __future__ import annotations

import json
from typing import Any

from intake.keys import DataKey
from intake.models import ProposalRecord
from intake.services import Services


def seal_proposal(
    services: Services, key: DataKey, submission_id: str, revision: int, ordinal: int, payload: dict[str, Any]
) -> ProposalRecord:
    """A new ProposalRecord holding ``payload`` (a ``Proposal.to_dict()``) sealed."""
    proposal_id = str(payload["id"])
    return ProposalRecord(
        submission_id=submission_id,
        revision=revision,
        proposal_id=proposal_id,
        ordinal=ordinal,
        category=payload["category"],
        channel=payload["channel"],
        page=payload["page"],
        score=float(payload["score"]),
        source=payload["source"],
        payload_enc=services.keys.seal_field(
            key, submission_id, "proposal", json.dumps(payload).encode("utf-8"), proposal_id
        ),
    )


def open_payload(services: Services, key: DataKey, submission_id: str, row: ProposalRecord) -> dict[str, Any]:
    """The proposal dict sealed in ``row`` (in memory only)."""
    return json.loads(  # type: ignore[no-any-return]
        services.keys.open_field(key, submission_id, "proposal", row.payload_enc, row.proposal_id)
    )
