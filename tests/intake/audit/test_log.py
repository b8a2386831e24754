"""The tamper-evident audit log on real databases: tampering of any single row is named by sequence
number, concurrent appends from several processes leave one gap-free log, checkpoints verify only with
the right key and root, and inclusion proofs round-trip."""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing

import pytest
from sqlalchemy import select, text

from config.settings import Settings
from intake import audit
from intake.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    CheckpointSigner,
    CheckpointVerifier,
    new_seed,
    signer_from_settings,
)
from intake.audit.merkle import MerkleTree, leaf_hash, root, verify_inclusion
from intake.audit.verify import (
    AuditChainBroken,
    CheckpointInvalid,
    InclusionProof,
    create_checkpoint,
    prove,
    verify,
    verify_proof,
)
from intake.db import make_engine, make_session_factory, session_scope
from intake.models import AuditEvent, AuditHead

SIZE = 7


def _append_events(services, count: int = SIZE) -> None:
    actor = audit.Actor("u" * 32, "secretariat_reviewer")
    for index in range(count):
        with services.sessions() as session, session.begin():
            audit.append(
                session,
                "decision.recorded",
                actor=actor,
                submission_id="s" * 32,
                details={"reason_code": "identifies_child", "category": "PERSON", "count": index + 1},
            )


@pytest.fixture
def signer(settings: Settings) -> CheckpointSigner:
    return signer_from_settings(settings)


@pytest.fixture
def log(services, signer):
    _append_events(services)
    return services


def _verify(services, signer):
    with services.sessions() as session, session.begin():
        return verify(session, signer.verifier)


def _checkpoint(services, signer):
    with services.sessions() as session, session.begin():
        return create_checkpoint(session, signer)


# -- tampering ------------------------------------------------------------------------------------------
def _row(connection, seq):
    return connection.execute(text("SELECT * FROM audit_event WHERE seq = :s"), {"s": seq}).mappings().one()


def _forge(connection, seq: int, prev: str | None, details: dict) -> dict:
    """A consistent forged row: entry, leaf and columns agree; only neighbours and checkpoints can tell."""
    at = "2026-01-01T00:00:00.000000Z"
    fields = audit.entry_fields(
        seq=seq,
        prev=prev,
        at=audit.datetime.fromisoformat(at.replace("Z", "+00:00")),
        action="decision.recorded",
        actor_id="f" * 32,
        actor_role="secretariat_approver",
        partnership_id=None,
        submission_id="s" * 32,
        details=details,
    )
    entry = audit.canonical(fields)
    return {
        "occurred_at": audit.datetime(2026, 1, 1),
        "action": "decision.recorded",
        "actor_id": "f" * 32,
        "actor_role": "secretariat_approver",
        "partnership_id": None,
        "submission_id": "s" * 32,
        "details": audit.canonical(details),
        "seq": seq,
        "entry": entry,
        "leaf_hash": leaf_hash(entry.encode()).hex(),
    }


def _set_head(connection, delta: int) -> None:
    connection.execute(text("UPDATE audit_head SET tree_size = tree_size + :d"), {"d": delta})


def edit_column(connection, k):
    connection.execute(text("UPDATE audit_event SET action = 'decision.withdrawn' WHERE seq = :k"), {"k": k})


def edit_details(connection, k):
    connection.execute(text("UPDATE audit_event SET details = :d WHERE seq = :k"), {"d": '{"count":999}', "k": k})


def edit_entry(connection, k):
    entry = json.loads(_row(connection, k)["entry"])
    entry["details"]["reason_code"] = "not_identifying"
    connection.execute(text("UPDATE audit_event SET entry = :e WHERE seq = :k"), {"e": audit.canonical(entry), "k": k})


def rewrite_consistently(connection, k):
    """Entry, leaf hash and columns all rewritten to agree (a careful attacker)."""
    row = _row(connection, k)
    entry = json.loads(row["entry"])
    entry["details"]["reason_code"] = "not_identifying"
    canonical = audit.canonical(entry)
    connection.execute(
        text("UPDATE audit_event SET entry = :e, leaf_hash = :l, details = :d WHERE seq = :k"),
        {"e": canonical, "l": leaf_hash(canonical.encode()).hex(), "d": audit.canonical(entry["details"]), "k": k},
    )


def delete(connection, k):
    connection.execute(text("DELETE FROM audit_event WHERE seq = :k"), {"k": k})


def delete_and_renumber(connection, k):
    """Delete entry k and close the gap (and fix the head) so the sequence looks intact."""
    delete(connection, k)
    for seq in range(k + 1, SIZE):
        connection.execute(text("UPDATE audit_event SET seq = :n WHERE seq = :o"), {"n": seq - 1, "o": seq})
    _set_head(connection, -1)
    last = connection.execute(text("SELECT leaf_hash FROM audit_event ORDER BY seq DESC")).scalars().first()
    connection.execute(text("UPDATE audit_head SET last_leaf = :l"), {"l": last})


def insert(connection, k):
    """Insert a consistent forged entry at k, linked to k-1, shifting later entries up (head fixed)."""
    for seq in range(SIZE - 1, k - 1, -1):
        connection.execute(text("UPDATE audit_event SET seq = :n WHERE seq = :o"), {"n": seq + 1, "o": seq})
    prev = _row(connection, k - 1)["leaf_hash"] if k else None
    forged = _forge(connection, k, prev, {"reason_code": "not_identifying", "count": 1})
    columns = ", ".join(forged)
    connection.execute(
        text(f"INSERT INTO audit_event ({columns}) VALUES ({', '.join(':' + c for c in forged)})"), forged
    )
    _set_head(connection, 1)


def swap(connection, k):
    """Swap entries k and k+1 (or k-1 and k for the last)."""
    a, b = (k, k + 1) if k + 1 < SIZE else (k - 1, k)
    connection.execute(text("UPDATE audit_event SET seq = -1 WHERE seq = :a"), {"a": a})
    connection.execute(text("UPDATE audit_event SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    connection.execute(text("UPDATE audit_event SET seq = :b WHERE seq = -1"), {"b": b})


TAMPERING = {
    "edit_column": edit_column,
    "edit_details": edit_details,
    "edit_entry": edit_entry,
    "rewrite_consistently": rewrite_consistently,
    "delete": delete,
    "delete_and_renumber": delete_and_renumber,
    "insert": insert,
    "swap": swap,
}
POSITIONS = [0, SIZE // 2, SIZE - 1]


def _expected(kind: str, k: int) -> int:
    return k - 1 if kind == "swap" and k == SIZE - 1 else k


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("kind", list(TAMPERING))
def test_when_any_single_row_is_tampered_then_verify_names_it(log, signer, kind, position):
    _checkpoint(log, signer)
    assert _verify(log, signer).size == SIZE
    with log.engine.begin() as connection:
        TAMPERING[kind](connection, position)
    with pytest.raises(AuditChainBroken) as broken:
        _verify(log, signer)
    assert broken.value.seq == _expected(kind, position), str(broken.value)


@pytest.mark.parametrize(
    "kind",
    [k for k in TAMPERING if k != "delete_and_renumber"],  # truncating the tail needs a checkpoint
)
def test_when_there_is_no_checkpoint_yet_then_row_checks_alone_name_the_tampered_entry(log, signer, kind):
    for position in (SIZE // 2, SIZE - 1):
        with log.engine.begin() as connection:
            TAMPERING[kind](connection, position)
        with pytest.raises(AuditChainBroken) as broken:
            _verify(log, signer)
        assert broken.value.seq == _expected(kind, position), str(broken.value)
        break  # one tampering per fresh log; the second position is covered by the checkpointed test


def test_when_a_whole_suffix_is_rewritten_consistently_then_the_signed_checkpoint_catches_it(log, signer):
    _checkpoint(log, signer)  # size 7
    with log.engine.begin() as connection:
        prev = _row(connection, 2)["leaf_hash"]
        for seq in range(3, SIZE):
            connection.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seq})
            forged = _forge(connection, seq, prev, {"count": 0})
            connection.execute(
                text(f"INSERT INTO audit_event ({', '.join(forged)}) VALUES ({', '.join(':' + c for c in forged)})"),
                forged,
            )
            prev = forged["leaf_hash"]
        connection.execute(text("UPDATE audit_head SET last_leaf = :l"), {"l": prev})
    with pytest.raises(AuditChainBroken) as broken:
        _verify(log, signer)
    assert broken.value.seq == 0 and "checkpoint" in broken.value.reason


def test_an_untouched_log_verifies_and_its_root_is_the_rfc6962_root_of_its_entries(log, signer):
    result = _verify(log, signer)
    with log.sessions() as session:
        entries = session.scalars(select(AuditEvent.entry).order_by(AuditEvent.seq)).all()
        head = session.get(AuditHead, 1)
    assert result.size == SIZE == head.tree_size
    assert result.root == root([leaf_hash(e.encode()) for e in entries])
    for seq, entry in enumerate(entries):
        parsed = json.loads(entry)
        assert parsed["seq"] == seq and parsed["at"].endswith("Z")
        assert set(parsed) == {"seq", "prev", "at", "action", "actor", "role", "partnership", "submission", "details"}


def test_details_that_could_carry_personal_data_are_refused(services):
    with services.sessions() as session, session.begin():
        with pytest.raises(audit.AuditDetailError):
            audit.append(session, "decision.recorded", details={"note": "Tyler Morris lives at 4 Elm Street " * 3})


# -- the CLI ---------------------------------------------------------------------------------------------
def _cli_env(monkeypatch, settings: Settings) -> None:
    monkeypatch.setenv("SAFEPUB_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    if settings.database_schema:
        monkeypatch.setenv("SAFEPUB_DATABASE_SCHEMA", settings.database_schema)


def test_safepub_audit_verify_exits_non_zero_and_names_the_entry(log, signer, settings, monkeypatch, capsys):
    from intake.cli import main

    _cli_env(monkeypatch, settings)
    assert main(["audit", "checkpoint"]) == 0
    note = capsys.readouterr().out
    assert signer.verifier.open(note).size == SIZE
    assert main(["audit", "verify"]) == 0
    assert f"{SIZE} entries" in capsys.readouterr().out
    with log.engine.begin() as connection:
        swap(connection, 2)
    assert main(["audit", "verify"]) == 1
    assert "seq 2" in capsys.readouterr().err
    assert main(["audit", "checkpoint"]) == 1  # refuses to sign a tampered log


def test_safepub_audit_proof_prints_a_proof_that_checks(log, settings, monkeypatch, capsys, tmp_path):
    from intake.cli import main

    _cli_env(monkeypatch, settings)
    assert main(["audit", "proof", "4"]) == 2  # no checkpoint covers it yet: the proof command never signs
    assert main(["audit", "sign"]) == 0
    capsys.readouterr()
    assert main(["audit", "proof", "4"]) == 0
    printed = capsys.readouterr().out
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(printed)
    assert main(["audit", "proof", "--check", str(proof_file)]) == 0
    altered = json.loads(printed)
    altered["entry"] = altered["entry"].replace("identifies_child", "not_identifying")
    proof_file.write_text(json.dumps(altered))
    assert main(["audit", "proof", "--check", str(proof_file)]) == 1


# -- checkpoints -----------------------------------------------------------------------------------------
def test_checkpoint_notes_are_c2sp_signed_notes(log, signer):
    row = _checkpoint(log, signer)
    body, signatures = row.note.split("\n\n")
    origin, size, encoded = body.split("\n")
    assert origin == signer.name and size == str(SIZE) and base64.b64decode(encoded).hex() == row.root_hash
    line = signatures.rstrip("\n")
    assert line.startswith("\u2014 " + signer.name + " ")
    raw = base64.b64decode(line.rsplit(" ", 1)[1])
    assert len(raw) == 4 + 64
    expected_id = hashlib.sha256(signer.name.encode() + b"\n\x01" + signer.verifier.public).digest()[:4]
    assert raw[:4] == expected_id
    assert CheckpointVerifier.from_vkey(signer.verifier.vkey).open(row.note).size == SIZE


def test_when_checked_with_the_wrong_key_then_a_checkpoint_is_rejected(signer):
    note = signer.sign(Checkpoint(signer.name, 3, hashlib.sha256(b"r").digest()))
    assert signer.verifier.open(note).size == 3
    other = CheckpointSigner.from_seed(signer.name, new_seed())
    with pytest.raises(CheckpointError):
        other.verifier.open(note)


def test_when_the_root_in_a_note_is_altered_then_the_signature_fails(signer):
    note = signer.sign(Checkpoint(signer.name, 3, hashlib.sha256(b"r").digest()))
    body, rest = note.split("\n\n")
    lines = body.split("\n")
    lines[2] = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(CheckpointError):
        signer.verifier.open("\n".join(lines) + "\n\n" + rest)


def test_when_a_stored_checkpoint_is_altered_then_verify_reports_it(log, signer):
    row = _checkpoint(log, signer)
    with log.engine.begin() as connection:
        forged = row.note.replace(str(SIZE), str(SIZE - 1), 1)
        connection.execute(text("UPDATE audit_checkpoint SET note = :n"), {"n": forged})
    with pytest.raises(CheckpointInvalid):
        _verify(log, signer)


def test_when_verified_with_another_key_then_the_stored_checkpoints_fail(log, signer):
    _checkpoint(log, signer)
    other = CheckpointSigner.from_seed(signer.name, new_seed())
    with log.sessions() as session, session.begin(), pytest.raises(CheckpointInvalid):
        verify(session, other.verifier)


def test_verifier_keys_round_trip_even_when_their_base64_contains_plus():
    for _ in range(32):  # a random key's base64 contains "+" about 40% of the time
        signer = CheckpointSigner.from_seed("example.org/log", new_seed())
        parsed = CheckpointVerifier.from_vkey(signer.verifier.vkey)
        assert parsed.public == signer.verifier.public and parsed.key_id == signer.verifier.key_id


def test_the_signing_key_file_is_private_and_stable(settings):
    first = signer_from_settings(settings)
    assert settings.audit_key_file.stat().st_mode & 0o777 == 0o600
    assert signer_from_settings(settings).verifier.vkey == first.verifier.vkey
    from_env = signer_from_settings(settings.with_overrides(audit_key=new_seed()))
    assert from_env.verifier.vkey != first.verifier.vkey


# -- inclusion proofs ------------------------------------------------------------------------------------
def test_inclusion_proofs_round_trip_for_every_entry(log, signer):
    _checkpoint(log, signer)
    _append_events(log, 2)  # entries past the checkpoint are not in it
    with log.sessions() as session:
        for seq in range(SIZE):
            proof = InclusionProof.from_dict(json.loads(json.dumps(prove(session, seq).to_dict())))
            assert verify_proof(proof, signer.verifier)
            forged = InclusionProof(
                proof.seq,
                proof.entry.replace("identifies", "xdentifies"),
                *[proof.tree_size, proof.path, proof.checkpoint],
            )
            assert not verify_proof(forged, signer.verifier)
            moved = InclusionProof((seq + 1) % SIZE, proof.entry, proof.tree_size, proof.path, proof.checkpoint)
            assert not verify_proof(moved, signer.verifier)


# RFC 6962 reference vectors (the certificate-transparency test data: leaves "", 00, 10, 2021, ...).
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def test_the_tree_matches_the_rfc6962_reference_roots():
    for size, expected in CT_ROOTS.items():
        assert root([leaf_hash(leaf) for leaf in CT_LEAVES[:size]]).hex() == expected
    assert root([]).hex() == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 13, 16, 33])
def test_every_proof_verifies_and_no_other_leaf_does(size):
    leaves = [leaf_hash(str(i).encode()) for i in range(size)]
    tree = MerkleTree(leaves)
    for index in range(size):
        path = tree.proof(index)
        assert verify_inclusion(index, size, leaves[index], path, tree.root())
        assert not verify_inclusion(index, size, leaf_hash(b"x"), path, tree.root())
        if size > 1:
            assert not verify_inclusion((index + 1) % size, size, leaves[index], path, tree.root())


# -- concurrency -----------------------------------------------------------------------------------------
PROCESSES = 4
APPENDS = 15


def _appender(settings: Settings, worker: int, start) -> None:  # runs in a child process
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    start.wait()
    for index in range(APPENDS):
        with session_scope(factory) as session:
            audit.append(session, "processing.started", submission_id=f"{worker:032d}", details={"attempt": index})
    engine.dispose()


def test_when_several_processes_append_at_once_then_the_log_stays_one_gap_free_tree(services, settings, signer):
    _append_events(services, 1)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_appender, args=(settings, n, start)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    result = _verify(services, signer)
    assert result.size == 1 + PROCESSES * APPENDS
    with services.sessions() as session:
        seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        per_worker = {
            n: session.scalars(select(AuditEvent.details).where(AuditEvent.submission_id == f"{n:032d}")).all()
            for n in range(PROCESSES)
        }
    assert seqs == list(range(result.size))
    assert all(len(rows) == APPENDS for rows in per_worker.values())


# -- migration -------------------------------------------------------------------------------------------
def test_migration_0002_backfills_existing_rows_into_a_verifiable_log(settings, signer):
    from alembic import command
    from alembic.config import Config

    from intake.db import MIGRATIONS, migrate

    engine = make_engine(settings)
    with engine.begin() as connection:
        if settings.database_schema:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{settings.database_schema}"'))
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for index in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_event (occurred_at, action, actor_id, actor_role, details) "
                    "VALUES (:at, 'login.succeeded', :u, 'admin', :d)"
                ),
                {"at": audit.datetime(2026, 11, 1, 9, 0, index), "u": "a" * 32, "d": f'{{"n":{index}}}'},
            )
    migrate(engine, settings.database_schema)
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        assert verify(session, None).size == 3
        audit.append(session, "login.succeeded")
    with factory() as session, session.begin():
        assert verify(session, None).size == 4
        first = json.loads(session.scalars(select(AuditEvent.entry).where(AuditEvent.seq == 0)).one())
    assert first["at"] == "2026-11-01T09:00:00.000000Z" and first["details"] == {"n": 0}
    engine.dispose()
