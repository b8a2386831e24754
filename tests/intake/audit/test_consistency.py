"""Checkpoints kept outside the database catch what the database alone cannot: a cut tail with its
checkpoints deleted, and a log rewritten from the start (SQLite and PostgreSQL, through the CLI)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from intake.audit.merkle import MerkleTree, consistency_proof, leaf_hash, verify_consistency
from intake.audit.witness import FileWitness
from tests.intake.audit.test_log import SIZE, _append_events, _cli_env, _forge, _row

LEAVES = [leaf_hash(str(i).encode()) for i in range(33)]


@pytest.mark.parametrize("new_size", range(1, 33))
def test_a_consistency_proof_holds_for_every_prefix_and_fails_for_a_different_old_tree(new_size):
    tree = MerkleTree(LEAVES[:new_size])
    for old_size in range(1, new_size + 1):
        proof = consistency_proof(old_size, tree)
        old_root = MerkleTree(LEAVES[:old_size]).root()
        assert verify_consistency(old_size, new_size, old_root, tree.root(), proof)
        if old_size < new_size:
            other = MerkleTree(LEAVES[: old_size - 1] + [leaf_hash(b"forged")]).root()
            assert not verify_consistency(old_size, new_size, other, tree.root(), proof)
            assert not verify_consistency(old_size, new_size, old_root, tree.root(), proof[:-1] if proof else [b"x"])


@pytest.fixture
def signed(services, settings, monkeypatch, capsys, tmp_path):
    """A log of SIZE entries signed once by `safepub audit sign`; the note kept by a partnership."""
    from intake.cli import main

    _append_events(services)
    _cli_env(monkeypatch, settings)
    assert main(["audit", "sign"]) == 0
    kept = tmp_path / "kept-checkpoint.txt"
    kept.write_text(capsys.readouterr().out)
    return kept


def _cut_tail_and_hide_it(services, keep: int) -> None:
    """What a database writer can do: delete the last entries and every checkpoint, and fix the head."""
    with services.engine.begin() as connection:
        last = _row(connection, keep - 1)["leaf_hash"]
        connection.execute(text("DELETE FROM audit_event WHERE seq >= :k"), {"k": keep})
        connection.execute(text("DELETE FROM audit_checkpoint"))
        connection.execute(text("UPDATE audit_head SET tree_size = :n, last_leaf = :l"), {"n": keep, "l": last})


def _rewrite_everything(services) -> None:
    """Every entry forged consistently from the first, the checkpoints deleted, the head fixed."""
    with services.engine.begin() as connection:
        prev = None
        for seq in range(SIZE):
            connection.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seq})
            forged = _forge(connection, seq, prev, {"count": 0})
            connection.execute(
                text(f"INSERT INTO audit_event ({', '.join(forged)}) VALUES ({', '.join(':' + c for c in forged)})"),
                forged,
            )
            prev = forged["leaf_hash"]
        connection.execute(text("DELETE FROM audit_checkpoint"))
        connection.execute(text("UPDATE audit_head SET last_leaf = :l"), {"l": prev})


def test_signing_publishes_the_note_to_the_witness_outside_the_database(signed, settings):
    assert FileWitness(settings.audit_witness).notes() == [signed.read_text()]
    assert not settings.audit_witness.is_relative_to(settings.data_dir)
    assert not settings.audit_key_file.is_relative_to(settings.data_dir)


def test_a_cut_tail_with_its_checkpoints_deleted_is_caught_by_the_witness_and_by_a_kept_checkpoint(
    signed, services, settings, capsys
):
    from intake.cli import main

    _cut_tail_and_hide_it(services, keep=4)
    assert main(["audit", "verify"]) == 1
    assert "deleted from the end" in capsys.readouterr().err
    settings.audit_witness.unlink()  # the witness lost too: the partnership's kept note still catches it
    assert main(["audit", "verify", "--trusted", str(signed)]) == 1
    assert "deleted from the end" in capsys.readouterr().err


def test_a_log_rewritten_from_the_start_passes_alone_but_fails_against_a_kept_checkpoint(
    signed, services, settings, capsys
):
    from intake.cli import main

    settings.audit_witness.unlink()
    _rewrite_everything(services)
    assert main(["audit", "verify"]) == 0  # rows, links and head agree: the database alone cannot tell
    capsys.readouterr()
    assert main(["audit", "verify", "--trusted", str(signed)]) == 1
    assert "rewritten" in capsys.readouterr().err


def test_a_log_that_only_grew_extends_the_kept_checkpoint(signed, services, capsys):
    from intake.cli import main

    _append_events(services, 5)
    assert main(["audit", "verify", "--trusted", str(signed)]) == 0
    assert "1 witnessed, 1 trusted" in capsys.readouterr().out


def test_a_kept_checkpoint_signed_by_another_key_is_refused(signed, services, capsys, tmp_path):
    from intake.audit.checkpoint import Checkpoint, CheckpointSigner, new_seed
    from intake.cli import main

    stranger = CheckpointSigner.from_seed("safepub.local/audit", new_seed())
    forged = tmp_path / "forged.txt"
    forged.write_text(stranger.sign(Checkpoint("safepub.local/audit", 3, b"\x00" * 32)))
    assert main(["audit", "verify", "--trusted", str(forged)]) == 1
    assert "not signed by" in capsys.readouterr().err


def test_a_checkpoint_of_the_empty_log_is_extended_by_any_later_log(services, settings, monkeypatch, capsys):
    from intake.cli import main

    _cli_env(monkeypatch, settings)
    assert main(["audit", "sign"]) == 0  # a fresh install: the witness gets a note of 0 entries
    capsys.readouterr()
    _append_events(services, 3)
    assert main(["audit", "verify"]) == 0, capsys.readouterr().err
