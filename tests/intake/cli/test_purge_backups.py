"""Purge holds against backups: backup -> purge -> restore with the current keyring recovers nothing,
because the purge rotates the KEK (every live data key re-wrapped, the old KEK erased), so the backup's
copies of the purged submission's keys are wrapped by a key that no longer exists. The control run
without rotation shows what a backup used to give back."""

from __future__ import annotations

import io
import shutil
import sqlite3

import pytest

from intake.cli import _parser
from intake.models import Submission
from intake.services import build_services
from intake.storage.documents import load_original

DRAFT = b"Draft. Zephyrine Quillfeather lives at 4 Saltmarsh Lane.\n"


def _upload(client, world) -> str:
    body = {"file": (io.BytesIO(DRAFT), "draft.txt")}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def _copy_sqlite(source, target):
    """SQLite's online backup (the database may be in WAL mode: a file copy could miss pages)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _backup(settings, to):
    database = settings.database_url.removeprefix("sqlite:///")
    _copy_sqlite(database, to / "db")
    shutil.copytree(settings.storage_dir, to / "store")
    return database


def _restore(settings, database, backup):
    _copy_sqlite(backup / "db", database)
    shutil.rmtree(settings.storage_dir)
    shutil.copytree(backup / "store", settings.storage_dir)


def _recovered(settings, sid):
    """The draft's bytes, or the name of the error that stopped its decryption."""
    services = build_services(settings)
    try:
        with services.sessions() as session:
            submission = session.get(Submission, sid)
            return load_original(services.keys, services.store, session, submission)
    except Exception as exc:  # noqa: BLE001 - which failure it is, is the point
        return type(exc).__name__
    finally:
        services.close()


@pytest.mark.parametrize("rotate", [True, False], ids=["purge", "purge --no-rotate"])
def test_a_backup_taken_before_a_purge_cannot_recover_the_purged_draft(
    client, world, services, settings, database, tmp_path, rotate
):
    if database.kind != "sqlite":
        pytest.skip("a file copy is the backup here; PostgreSQL backups are the same rows")
    sid = _upload(client, world)
    backup = tmp_path / "backup"
    backup.mkdir()
    db_file = _backup(settings, backup)
    services.close()  # the operator's backup is taken; the web process keeps running meanwhile

    argv = ["submissions", "purge", sid, "--yes"] + ([] if rotate else ["--no-rotate"])
    ns = _parser().parse_args(argv)
    assert ns.handler(ns, settings) == 0
    _restore(settings, db_file, backup)  # the stolen or restored backup, with today's keyring

    recovered = _recovered(settings, sid)
    if rotate:
        assert recovered == "KeyRetiredError"  # wrapped by a KEK that no longer exists anywhere
    else:
        assert recovered == DRAFT  # what the backup gave back before purges rotated the KEK
