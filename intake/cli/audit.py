"""``safepub audit verify | checkpoint | proof``: the operator's side of the tamper-evident audit log.

Exit codes: 0 verified / done, 1 the log or a checkpoint is broken (the message names the first broken
entry by sequence number), 2 usage or configuration problems. No Flask import.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from intake.cli.database import migrated_sessions

if TYPE_CHECKING:
    from config.settings import Settings


def add_commands(sub: Any) -> None:
    audit = sub.add_parser("audit", help="tamper-evident audit log").add_subparsers(dest="action", required=True)
    verify = audit.add_parser("verify", help="recompute every leaf and root; check every signed checkpoint")
    verify.add_argument("--key", help="verifier key (name+keyid+base64); default: the configured signing key")
    verify.set_defaults(handler=cmd_verify)
    checkpoint = audit.add_parser("checkpoint", help="verify, then sign and print a checkpoint of the log")
    checkpoint.add_argument("--vkey", action="store_true", help="print the verifier key instead")
    checkpoint.set_defaults(handler=cmd_checkpoint)
    proof = audit.add_parser("proof", help="inclusion proof of one entry (JSON); --check FILE verifies one")
    proof.add_argument("seq", type=int, nargs="?", help="the entry's sequence number")
    proof.add_argument("--check", metavar="FILE", help="verify a proof printed earlier ('-' for stdin)")
    proof.add_argument("--key", help="verifier key for --check; default: the configured signing key")
    proof.set_defaults(handler=cmd_proof)


def _verifier(settings: Settings, key: str | None) -> Any:
    from intake.audit.checkpoint import CheckpointVerifier, signer_from_settings

    if key:
        return CheckpointVerifier.from_vkey(key)
    if settings.audit_key or settings.audit_key_file.exists():
        return signer_from_settings(settings, create=False).verifier
    return None


def cmd_verify(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.audit.checkpoint import CheckpointError
    from intake.audit.verify import AuditChainBroken, CheckpointInvalid, verify

    sessions = migrated_sessions(settings)
    try:
        verifier = _verifier(settings, ns.key)
        with sessions() as session, session.begin():
            result = verify(session, verifier)
    except AuditChainBroken as exc:
        print(f"audit log BROKEN: first bad entry is seq {exc.seq}: {exc.reason}", file=sys.stderr)
        return 1
    except (CheckpointInvalid, CheckpointError) as exc:
        print(f"audit log BROKEN: {exc}", file=sys.stderr)
        return 1
    print(f"audit log verified: {result.size} entries, root {result.root.hex()}, {result.checkpoints} checkpoints")
    return 0


def cmd_checkpoint(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.audit.checkpoint import signer_from_settings
    from intake.audit.verify import AuditChainBroken, CheckpointInvalid, create_checkpoint

    signer = signer_from_settings(settings)
    if ns.vkey:
        print(signer.verifier.vkey)
        return 0
    sessions = migrated_sessions(settings)
    try:
        with sessions() as session, session.begin():
            row = create_checkpoint(session, signer)
            note = row.note
    except (AuditChainBroken, CheckpointInvalid) as exc:
        print(f"refusing to sign: audit log BROKEN: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(note)
    return 0


def cmd_proof(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.audit.checkpoint import CheckpointError, signer_from_settings
    from intake.audit.verify import (
        AuditChainBroken,
        InclusionProof,
        NoCheckpoint,
        create_checkpoint,
        latest_checkpoint,
        prove,
        verify_proof,
    )

    if ns.check:
        try:
            raw = sys.stdin.read() if ns.check == "-" else open(ns.check, encoding="utf-8").read()  # noqa: SIM115
            proof = InclusionProof.from_dict(json.loads(raw))
            verifier = _verifier(settings, ns.key)
        except (OSError, ValueError, KeyError, TypeError, CheckpointError) as exc:
            print(f"safepub: cannot read the proof: {type(exc).__name__}", file=sys.stderr)
            return 2
        if verifier is None or not verify_proof(proof, verifier):
            print(f"proof INVALID for entry {proof.seq}", file=sys.stderr)
            return 1
        print(f"proof valid: entry {proof.seq} is in the signed tree of {proof.tree_size} entries")
        return 0
    if ns.seq is None:
        print("safepub: give an entry's sequence number or --check FILE", file=sys.stderr)
        return 2
    sessions = migrated_sessions(settings)
    try:
        with sessions() as session, session.begin():
            if latest_checkpoint(session, covering=ns.seq + 1) is None:
                create_checkpoint(session, signer_from_settings(settings))
            result = prove(session, ns.seq)
    except NoCheckpoint as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return 2
    except AuditChainBroken as exc:
        print(f"audit log BROKEN: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result.to_dict(), indent=2))
    return 0
