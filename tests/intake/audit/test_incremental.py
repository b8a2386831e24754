"""The periodic signer's incremental rounds (SQLite and PostgreSQL): entries appended since its last
witnessed checkpoint are checked and signed without reading the older rows; tampering with the appended
entries, a cut tail and a rewritten tail are refused; an old altered row is caught by the full
verification at start-up and on the slow schedule. The frontier (compact range) math is checked against
merkle.py's full-tree root and proofs."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from intake.audit import incremental
from intake.audit.checkpoint import CheckpointSigner, signer_from_settings
from intake.audit.incremental import AnchorLost, PeriodicSigner, verify_incremental
from intake.audit.merkle import (
    MerkleTree,
    TreeBuilder,
    consistency_proof,
    consistency_proof_from_frontier,
    leaf_hash,
    root,
    verify_consistency,
)
from intake.audit.verify import AuditChainBroken, verify
from intake.audit.witness import FileWitness
from intake.models import AuditCheckpoint, AuditEvent
from tests.intake.audit.test_consistency import _cut_tail_and_hide_it, _rewrite_everything
from tests.intake.audit.test_log import (
    SIZE,
    _append_events,
    _cli_env,
    _forge,
    _row,
    delete,
    edit_column,
    edit_details,
    edit_entry,
    rewrite_consistently,
)

ADDED = 5
DAY = 24 * 60 * 60

# -- the frontier / compact range math ------------------------------------------------------------------
LEAVES = [leaf_hash(f"entry {i}".encode()) for i in range(601)]


def _builder(size: int) -> TreeBuilder:
    builder = TreeBuilder()
    for leaf in LEAVES[:size]:
        builder.add(leaf)
    return builder


def test_the_frontier_of_every_size_folds_to_the_full_root_and_continues_the_tree():
    for size in range(0, 301):
        frontier = _builder(size).frontier()
        assert len(frontier) == bin(size).count("1")
        assert TreeBuilder.from_frontier(size, frontier).root() == root(LEAVES[:size]), size
        for new_size in {size + 1, size + 2, size + 7, 2 * size + 1, 601}:
            continued = TreeBuilder.from_frontier(size, frontier)
            for leaf in LEAVES[size:new_size]:
                continued.add(leaf)
            assert continued.root() == root(LEAVES[:new_size]), (size, new_size)
            assert continued.frontier() == _builder(new_size).frontier()


def test_a_consistency_proof_from_the_frontier_is_the_full_trees_proof_and_holds():
    for old_size in range(1, 301):
        frontier = _builder(old_size).frontier()
        old_root = root(LEAVES[:old_size])
        for new_size in {old_size + 1, old_size + 3, old_size + 64, 2 * old_size, 601}:
            new_leaves = LEAVES[old_size:new_size]
            proof = consistency_proof_from_frontier(old_size, frontier, new_leaves)
            full = MerkleTree(LEAVES[:new_size])
            assert proof == consistency_proof(old_size, full), (old_size, new_size)
            assert verify_consistency(old_size, new_size, old_root, full.root(), proof)
            forged = LEAVES[: old_size - 1] + [leaf_hash(b"forged")]
            assert not verify_consistency(old_size, new_size, root(forged), full.root(), proof)


def test_a_frontier_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        TreeBuilder.from_frontier(6, _builder(7).frontier())


# -- the periodic signer on a real database --------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def signer(settings) -> CheckpointSigner:
    return signer_from_settings(settings)


@pytest.fixture
def witness(settings) -> FileWitness:
    return FileWitness(settings.audit_witness)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def periodic(services, signer, witness, clock) -> PeriodicSigner:
    """A signer that has run its start-up round on a log of SIZE entries (a full verification, signed)."""
    _append_events(services)
    periodic = PeriodicSigner(signer, witness, full_every=DAY, clock=clock)
    first = periodic.run_round(services.sessions)
    assert first.full and first.size == SIZE and first.note is not None
    assert witness.holds(first.note)
    return periodic


def _leaves(services) -> list[bytes]:
    with services.sessions() as session:
        return [bytes.fromhex(v) for v in session.scalars(select(AuditEvent.leaf_hash).order_by(AuditEvent.seq))]


def _checkpoints(services) -> int:
    with services.sessions() as session:
        return len(list(session.scalars(select(AuditCheckpoint))))


def test_an_incremental_round_checks_only_the_appended_entries_and_signs_them(periodic, services, signer, monkeypatch):
    read_from: list[int] = []
    load_rows = incremental.load_rows

    def spy(session, since=0):
        read_from.append(since)
        return load_rows(session, since)

    monkeypatch.setattr(incremental, "load_rows", spy)
    _append_events(services, ADDED)
    result = periodic.run_round(services.sessions)
    assert not result.full and result.size == SIZE + ADDED and result.note is not None
    assert read_from == [SIZE - 1]  # the anchor's last entry and the new ones, nothing older
    signed = signer.verifier.open(result.note)
    assert signed.size == SIZE + ADDED and signed.root == root(_leaves(services))
    assert periodic.witness.holds(result.note)
    with services.sessions() as session, session.begin():
        assert verify(session, signer.verifier).root == signed.root
    quiet = periodic.run_round(services.sessions)  # nothing appended: checked, nothing signed
    assert not quiet.full and quiet.note is None and quiet.size == SIZE + ADDED


@pytest.mark.parametrize("offset", [0, ADDED // 2, ADDED - 1])
@pytest.mark.parametrize("tamper", [edit_column, edit_details, edit_entry, rewrite_consistently, delete])
def test_an_appended_entry_altered_before_the_round_is_refused_and_named(periodic, services, tamper, offset):
    _append_events(services, ADDED)
    before = _checkpoints(services)
    with services.engine.begin() as connection:
        tamper(connection, SIZE + offset)
    with pytest.raises(AuditChainBroken) as broken:
        periodic.run_round(services.sessions)
    assert broken.value.seq == SIZE + offset, str(broken.value)
    assert _checkpoints(services) == before  # nothing signed
    assert periodic.anchor is not None and periodic.anchor.size == SIZE


def test_a_tail_cut_below_the_last_checkpoint_is_refused(periodic, services):
    _cut_tail_and_hide_it(services, SIZE - 2)
    with pytest.raises(AuditChainBroken) as broken:
        periodic.run_round(services.sessions)
    assert broken.value.seq == SIZE - 2 and "deleted from the end" in broken.value.reason


def test_a_tail_cut_and_refilled_past_the_last_checkpoint_is_refused(periodic, services):
    """Cut two entries and append three more: the log is longer than the checkpoint again, but its entry
    SIZE-1 is no longer the one that was signed."""
    _cut_tail_and_hide_it(services, SIZE - 2)
    _append_events(services, 3)
    with pytest.raises(AuditChainBroken) as broken:
        periodic.run_round(services.sessions)
    assert broken.value.seq == SIZE - 1 and "rewritten" in broken.value.reason


def _rewrite_tail(services, start: int, end: int) -> None:
    """Entries start..end-1 forged consistently (linked, head fixed), the checkpoints left alone."""
    with services.engine.begin() as connection:
        prev = _row(connection, start - 1)["leaf_hash"] if start else None
        for seq in range(start, end):
            connection.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seq})
            forged = _forge(connection, seq, prev, {"count": 0})
            connection.execute(
                text(f"INSERT INTO audit_event ({', '.join(forged)}) VALUES ({', '.join(':' + c for c in forged)})"),
                forged,
            )
            prev = forged["leaf_hash"]
        connection.execute(text("UPDATE audit_head SET last_leaf = :l"), {"l": prev})


@pytest.mark.parametrize("start", [0, SIZE - 3, SIZE - 1])
def test_a_rewritten_tail_is_refused(periodic, services, start):
    _append_events(services, ADDED)
    _rewrite_tail(services, start, SIZE + ADDED)
    with pytest.raises(AuditChainBroken) as broken:
        periodic.run_round(services.sessions)
    assert broken.value.seq == SIZE - 1 and "rewritten" in broken.value.reason


def test_a_log_rewritten_from_the_start_with_its_checkpoints_deleted_is_refused(periodic, services):
    _rewrite_everything(services)
    with pytest.raises(AuditChainBroken) as broken:
        periodic.run_round(services.sessions)
    assert broken.value.seq == SIZE - 1


def test_an_old_altered_row_is_missed_by_a_round_but_never_signed_and_caught_by_the_full_verification(
    periodic, services, signer, witness, clock
):
    with services.engine.begin() as connection:
        edit_entry(connection, 2)
    _append_events(services, ADDED)
    original = _leaves(services)  # leaf_hash columns are untouched by edit_entry: the log as appended
    result = periodic.run_round(services.sessions)  # the documented blind spot: below the anchor
    assert not result.full and result.note is not None
    assert signer.verifier.open(result.note).root == root(original)  # it still signs the untampered log
    clock.now += DAY  # the slow schedule: a full verification
    with pytest.raises(AuditChainBroken) as broken:
        periodic.run_round(services.sessions)
    assert broken.value.seq == 2 and periodic.anchor is not None
    restarted = PeriodicSigner(signer, witness, full_every=DAY, clock=clock)  # start-up: in full
    assert restarted.full_due()
    with pytest.raises(AuditChainBroken) as again:
        restarted.run_round(services.sessions)
    assert again.value.seq == 2


def test_a_restarted_signer_adopts_the_witnessed_checkpoint_without_signing_again(periodic, services, signer, witness):
    restarted = PeriodicSigner(signer, witness)
    result = restarted.run_round(services.sessions)
    assert result.full and result.note is None and restarted.anchor == periodic.anchor


def test_when_the_witness_lost_the_checkpoint_then_the_signer_refuses(periodic, services, witness):
    witness.path.write_text("")
    with pytest.raises(AnchorLost):
        periodic.run_round(services.sessions)


def test_when_the_checkpoint_row_was_deleted_then_the_signer_refuses(periodic, services):
    with services.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_checkpoint"))
    with pytest.raises(AnchorLost):
        periodic.run_round(services.sessions)


def test_verify_incremental_needs_the_anchors_own_frontier(periodic, services, signer, witness):
    assert periodic.anchor is not None
    wrong = incremental.Anchor(
        periodic.anchor.note,
        periodic.anchor.size,
        periodic.anchor.root,
        _builder(SIZE).frontier(),  # another tree's frontier
        periodic.anchor.last_leaf,
    )
    with services.sessions() as session, session.begin(), pytest.raises(AnchorLost):
        verify_incremental(session, signer.verifier, witness, wrong)


def test_the_witness_finds_an_old_note_beyond_its_first_read_window(tmp_path):
    witness = FileWitness(tmp_path / "witness.jsonl")
    for index in range(2000):  # ~100 KB: more than the first 64 KiB window
        witness.publish(f"note {index}\n" + "x" * 40)
    assert witness.holds("note 0\n" + "x" * 40)
    assert witness.holds("note 1999\n" + "x" * 40)
    assert not witness.holds("note 2000\n" + "x" * 40)


def test_safepub_audit_sign_every_signs_rounds_and_refuses_an_altered_appended_entry(
    services, settings, monkeypatch, capsys
):
    """The CLI loop: a full round at start-up, then incremental rounds between sleeps."""
    import time

    from intake.cli import main

    class Stop(Exception):
        pass

    _append_events(services)
    _cli_env(monkeypatch, settings)
    sleeps: list[int] = []

    def sleep(seconds: float) -> None:
        sleeps.append(int(seconds))
        if len(sleeps) == 1:
            _append_events(services, ADDED)
        elif len(sleeps) == 2:
            _append_events(services, 2)
            with services.engine.begin() as connection:
                edit_details(connection, SIZE + ADDED)
        else:
            raise Stop

    monkeypatch.setattr(time, "sleep", sleep)
    assert main(["audit", "sign", "--every", "7", "--full-every", "3600"]) == 1
    captured = capsys.readouterr()
    signer = signer_from_settings(settings)
    notes = captured.out.split("\n\n\u2014")
    assert [signer.verifier.open(note).size for note in FileWitness(settings.audit_witness).notes()] == [
        SIZE,
        SIZE + ADDED,
    ]
    assert len(notes) == 3  # two notes printed
    assert f"verified in full: {SIZE} entries" in captured.err
    assert f"refusing to sign: audit log BROKEN: entry {SIZE + ADDED}" in captured.err
    assert sleeps == [7, 7]
