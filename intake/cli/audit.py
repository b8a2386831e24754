"""``safepub audit verify | sign | proof``: the operator's side of the tamper-evident audit log.

``sign`` is the only place that holds the signing key: run it as its own process (the Procfile's
``audit``: ``safepub audit sign --every 300``) or from a scheduler; web and workers hold only the public
key. A running signer verifies the whole log at start-up and every ``--full-every`` seconds (default
daily), and in between only the entries appended since its last witnessed checkpoint
(``intake.audit.incremental``: a row altered below that checkpoint is seen at the next full round).
Every checkpoint it signs is also published to the witness (``intake.audit.witness``), and ``verify``
checks the log against every witnessed note and every ``--trusted`` note with consistency proofs, so a cut
tail or a rewritten log is caught even when the database's own checkpoints were deleted.

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

DAY = 24 * 60 * 60


def add_commands(sub: Any) -> None:
    audit = sub.add_parser("audit", help="tamper-evident audit log").add_subparsers(dest="action", required=True)
    verify = audit.add_parser(
        "verify", help="recompute every leaf and root; check stored, witnessed and trusted checkpoints"
    )
    verify.add_argument("--key", help="verifier key (name+keyid+base64); default: the configured public key")
    verify.add_argument(
        "--trusted",
        metavar="NOTE",
        action="append",
        default=[],
        help="a signed checkpoint kept outside SafePub (a file; repeatable): the log must extend it",
    )
    verify.set_defaults(handler=cmd_verify)
    for name in ("sign", "checkpoint"):
        sign = audit.add_parser(name, help="verify, then sign, store, witness and print a checkpoint of the log")
        sign.add_argument("--vkey", action="store_true", help="print the verifier key instead")
        sign.add_argument("--every", type=int, metavar="SECONDS", help="keep running: sign every SECONDS")
        sign.add_argument(
            "--full-every",
            type=int,
            default=DAY,
            metavar="SECONDS",
            help="with --every: verify the whole log at start-up and this often (default: daily); rounds in"
            " between check only the entries appended since the last witnessed checkpoint",
        )
        sign.set_defaults(handler=cmd_checkpoint)
    proof = audit.add_parser("proof", help="inclusion proof of one entry (JSON); --check FILE verifies one")
    proof.add_argument("seq", type=int, nargs="?", help="the entry's sequence number")
    proof.add_argument("--check", metavar="FILE", help="verify a proof printed earlier ('-' for stdin)")
    proof.add_argument("--key", help="verifier key for --check; default: the configured signing key")
    proof.set_defaults(handler=cmd_proof)


def _verifier(settings: Settings, key: str | None) -> Any:
    from intake.audit.checkpoint import CheckpointVerifier, verifier_from_settings

    if key:
        return CheckpointVerifier.from_vkey(key)
    return verifier_from_settings(settings)


def cmd_verify(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.audit.checkpoint import CheckpointError
    from intake.audit.consistency import NotConsistent, verify_trusted
    from intake.audit.verify import AuditChainBroken, CheckpointInvalid, verify
    from intake.audit.witness import FileWitness

    try:
        trusted = [open(path, encoding="utf-8").read() for path in ns.trusted]  # noqa: SIM115
    except OSError as exc:
        print(f"safepub: cannot read a trusted checkpoint: {type(exc).__name__}", file=sys.stderr)
        return 2
    witnessed = FileWitness(settings.audit_witness).notes()
    sessions = migrated_sessions(settings)
    try:
        verifier = _verifier(settings, ns.key)
        with sessions() as session, session.begin():
            if trusted or witnessed:
                if verifier is None:
                    raise CheckpointError("no audit verifier key to check the checkpoints with")
                result = verify_trusted(session, verifier, witnessed + trusted)
            else:
                result = verify(session, verifier)
    except AuditChainBroken as exc:
        print(f"audit log BROKEN: first bad entry is seq {exc.seq}: {exc.reason}", file=sys.stderr)
        return 1
    except (CheckpointInvalid, CheckpointError, NotConsistent) as exc:
        print(f"audit log BROKEN: {exc}", file=sys.stderr)
        return 1
    print(
        f"audit log verified: {result.size} entries, root {result.root.hex()}, {result.checkpoints} checkpoints"
        f" stored, {len(witnessed)} witnessed, {len(trusted)} trusted"
    )
    return 0


def cmd_checkpoint(ns: argparse.Namespace, settings: Settings) -> int:
    import time

    from intake.audit.checkpoint import CheckpointError, signer_from_settings
    from intake.audit.consistency import NotConsistent
    from intake.audit.incremental import AnchorLost, PeriodicSigner
    from intake.audit.verify import AuditChainBroken, CheckpointInvalid, create_checkpoint
    from intake.audit.witness import FileWitness

    signer = signer_from_settings(settings)
    if ns.vkey:
        print(signer.verifier.vkey)
        return 0
    sessions = migrated_sessions(settings)
    witness = FileWitness(settings.audit_witness)
    periodic = PeriodicSigner(signer, witness, full_every=ns.full_every)
    while True:
        try:
            if ns.every:  # a running signer: signs only when entries were added since its last checkpoint
                result = periodic.run_round(sessions)
                note = result.note
                if result.full:
                    print(f"audit log verified in full: {result.size} entries", file=sys.stderr)
            else:
                with sessions() as session, session.begin():
                    note = create_checkpoint(session, signer, witness).note
        except (AuditChainBroken, CheckpointInvalid, CheckpointError, NotConsistent, AnchorLost) as exc:
            print(f"refusing to sign: audit log BROKEN: {exc}", file=sys.stderr)
            return 1
        except Exception as exc:  # noqa: BLE001 - a database restart or a witness write error
            if not ns.every:
                raise
            print(f"safepub: signing failed ({type(exc).__name__}); trying again in {ns.every} s", file=sys.stderr)
            note = None
        if note:
            sys.stdout.write(note)
            sys.stdout.flush()
        if not ns.every:
            return 0
        time.sleep(ns.every)


def cmd_proof(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.audit.checkpoint import CheckpointError
    from intake.audit.verify import (
        AuditChainBroken,
        InclusionProof,
        NoCheckpoint,
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
                raise NoCheckpoint(f"no signed checkpoint covers entry {ns.seq} yet: run `safepub audit sign`")
            result = prove(session, ns.seq)
    except NoCheckpoint as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return 2
    except AuditChainBroken as exc:
        print(f"audit log BROKEN: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result.to_dict(), indent=2))
    return 0
