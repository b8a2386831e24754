"""Key rotation and purge (crypto-shredding), through the service and the CLI handlers."""

from __future__ import annotations

import argparse
import io
import json

import pytest
from sqlalchemy import select

from intake.cli.keys import cmd_keys_rotate
from intake.cli.submissions import cmd_submissions_purge
from intake.models import AuditEvent, DataKeyRecord, DocumentVersion, Submission
from intake.storage.crypto import KeyRetiredError, Keyring, WrappedKey
from intake.storage.keys import DataKeyDestroyed, _wrap_aad
from tests.worker.fakes import FakeEngine
from worker.context import WorkerContext
from worker.jobs import process_submission

TEXT = b"Draft. Zephyrine Quillfeather lives in Saltmarsh.\n"
REGISTER = json.dumps({"people": [{"name": "Zephyrine Quillfeather"}]})


def upload_and_process(client, world, services) -> str:
    body = {"file": (io.BytesIO(TEXT), "d.txt"), "register": REGISTER, "title": "Child Z"}
    sid = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a")).get_json()["id"]
    process_submission(sid, context=WorkerContext(services=services, engine=FakeEngine()), owner="job")
    return sid


def records(services, sid=None):
    with services.sessions() as session:
        query = select(DataKeyRecord)
        if sid:
            query = query.where(DataKeyRecord.submission_id == sid)
        return session.scalars(query).all()


def test_rotation_rewraps_everything_and_retires_the_old_key(client, world, services, settings, capsys):
    sids = [upload_and_process(client, world, services) for _ in range(2)]
    old_kid = Keyring.load_file(settings.key_file).active_id
    before = {r.id: (r.kek_id, r.wrapped) for r in records(services)}
    assert {kid for kid, _ in before.values()} == {old_kid}

    assert cmd_keys_rotate(argparse.Namespace(), settings) == 0
    assert "re-wrapped" in capsys.readouterr().out

    keyring = Keyring.load_file(settings.key_file)
    assert keyring.active_id != old_kid
    assert keyring.is_retired(old_kid)
    after = records(services)
    assert {r.kek_id for r in after} == {keyring.active_id}
    assert all(r.wrapped != before[r.id][1] for r in after)

    # Old data still decrypts, through the running app (its keyring reloads the changed key file).
    for sid in sids:
        original = client.get(f"/api/v1/submissions/{sid}/original.pdf", headers=world.headers("reviewer"))
        assert original.status_code == 200 and original.data == TEXT
        proposals = client.get(f"/api/v1/submissions/{sid}/proposals", headers=world.headers("reviewer"))
        assert proposals.get_json()["proposals"][0]["text"] == "Zephyrine Quillfeather"
        assert (
            client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()["title"] == "Child Z"
        )

    # A wrapped key saved from before the rotation (a backup) can no longer be unwrapped.
    record = after[0]
    old_kek, old_blob = before[record.id]
    with pytest.raises(KeyRetiredError):
        keyring.unwrap(
            WrappedKey(old_kek, old_blob),
            record.id,
            _wrap_aad(record.id, record.submission_id, record.purpose),
        )

    # New uploads use the new key; the rotation is audited with key ids and counts only.
    new_sid = upload_and_process(client, world, services)
    assert {r.kek_id for r in records(services, new_sid)} == {keyring.active_id}
    with services.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "keys.rotated")).one()
    details = json.loads(event.details)
    assert details["retired"] == [old_kid] and details["rewrapped"] == len(before)


def test_rotation_can_be_run_twice(client, world, services, settings):
    upload_and_process(client, world, services)
    cmd_keys_rotate(argparse.Namespace(), settings)
    cmd_keys_rotate(argparse.Namespace(), settings)
    keyring = Keyring.load_file(settings.key_file)
    assert sum(1 for kid in keyring.key_ids if keyring.is_retired(kid)) == 2
    assert {r.kek_id for r in records(services)} == {keyring.active_id}


def test_purge_makes_the_submission_unrecoverable(client, world, services, settings, capsys):
    sid = upload_and_process(client, world, services)
    keep = upload_and_process(client, world, services)
    with services.sessions() as session:
        versions = session.scalars(select(DocumentVersion).where(DocumentVersion.submission_id == sid)).all()
    # An attacker's backup of the ciphertext, taken before the purge:
    backup = {v.id: services.store.blobs.get_bytes(v.id) for v in versions}
    assert len(backup) == 2

    assert cmd_submissions_purge(argparse.Namespace(submission_id=sid, yes=True), settings) == 0
    assert "data keys destroyed" in capsys.readouterr().out

    assert all(r.wrapped is None and r.destroyed_at for r in records(services, sid))
    for version in versions:
        assert not services.store.exists(version.id)
        with services.sessions() as session, pytest.raises(DataKeyDestroyed):
            services.keys.load(session, version.data_key_id)
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.purged_at and submission.title_enc is None and submission.register_enc is None
    # No key that still exists opens the backed-up ciphertext.
    survivors = [r for r in records(services) if r.wrapped is not None]
    with services.sessions() as session:
        live_keys = [services.keys.load(session, r.id) for r in survivors]
    for version in versions:
        for live in live_keys:
            from intake.storage.crypto import DecryptionError
            from intake.storage.documents import document_aad

            with pytest.raises(DecryptionError):
                services.store.cipher.open(live, backup[version.id], document_aad(version))

    for path in ("", "/original.pdf", "/preview.pdf", "/proposals"):
        response = client.get(f"/api/v1/submissions/{sid}{path}", headers=world.headers("reviewer"))
        assert response.status_code == (200 if path == "" else 410), path
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()["purged"]
    # Other submissions are untouched.
    assert client.get(f"/api/v1/submissions/{keep}/original.pdf", headers=world.headers("reviewer")).data == TEXT
    with services.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.purged")).one()
    assert event.submission_id == sid and json.loads(event.details)["data_keys_destroyed"] == 3


def test_purge_of_an_unknown_submission_is_an_error(settings, services):
    assert cmd_submissions_purge(argparse.Namespace(submission_id="0" * 32, yes=True), settings) == 2


def test_keys_status_lists_each_key_with_its_usage(client, world, services, settings, capsys):
    from intake.cli.keys import cmd_keys_status

    upload_and_process(client, world, services)
    cmd_keys_rotate(argparse.Namespace(), settings)
    capsys.readouterr()
    assert cmd_keys_status(argparse.Namespace(), settings) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    states = {state: usage for _kid, state, usage in lines}
    assert states["active"] == "3 data keys" and states["retired"] == "0 data keys"
