"""The service objects a process needs, built once from Settings at an entry point. No Flask import.

``Services`` is passed explicitly (the app stores it in ``app.extensions``; the worker keeps it in its
job context), so tests can build one against a temporary directory and database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.db import make_engine, make_session_factory
from intake.storage.blobs import BlobBackend, LocalBlobs
from intake.storage.crypto import StreamCipher
from intake.storage.keys import KeyringSource, KeyService
from intake.storage.store import EncryptedStore

if TYPE_CHECKING:
    from redis import Redis


class JobQueue(Protocol):
    """Background work, queued with a submission id only (the queue is plaintext at rest).

    Each method returns the job id, or None when nothing was queued (no queue configured, or it is down):
    it never raises, because the caller's own work has already committed and the worker's recovery sweep
    (or the Secretariat's "retry now") queues the job again later.
    """

    def process(self, submission_id: str) -> str | None: ...

    def finalise(self, submission_id: str) -> str | None: ...

    def handover(self, submission_id: str) -> str | None: ...

    # The review screen's document work, done by the worker so the web process never parses an upload
    # (issue 11). Duplicates of a preview or page-image job already queued are not queued again.
    def page_images(self, submission_id: str) -> str | None: ...

    def preview(self, submission_id: str, page: int, digest: str) -> str | None: ...

    def manual(self, task_id: str) -> str | None: ...


class NoJobs:
    """A JobQueue for processes that queue nothing (command-line tools, some tests)."""

    def process(self, submission_id: str) -> str | None:
        return None

    def finalise(self, submission_id: str) -> str | None:
        return None

    def handover(self, submission_id: str) -> str | None:
        return None

    def page_images(self, submission_id: str) -> str | None:
        return None

    def preview(self, submission_id: str, page: int, digest: str) -> str | None:
        return None

    def manual(self, task_id: str) -> str | None:
        return None


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyService
    store: EncryptedStore
    redis: Redis | None = None
    jobs: JobQueue = field(default_factory=NoJobs)

    def close(self) -> None:
        self.engine.dispose()


def keyring_source(settings: Settings) -> KeyringSource:
    if settings.kek:
        return KeyringSource(env_value=settings.kek)
    return KeyringSource(path=settings.key_file)


def blob_backend(settings: Settings) -> BlobBackend:
    """Where the sealed blobs go: SAFEPUB_STORE=local (a directory, the embedded default) or s3 (a bucket
    every web and worker machine shares). boto3 is imported only for s3."""
    if settings.store_backend == "s3":
        from intake.storage.blobs.s3 import S3Blobs

        return S3Blobs.from_settings(settings)
    assert settings.storage_dir is not None
    return LocalBlobs(settings.storage_dir)


def build_services(settings: Settings, *, redis: Redis | None = None, jobs: JobQueue | None = None) -> Services:
    """Database, keyring, encrypted store; fails fast if the keyring cannot be loaded."""
    engine = make_engine(settings)
    keys = KeyService(keyring_source(settings), StreamCipher())
    keys.keyring.current()  # fail fast: a service that cannot decrypt should not start
    store = EncryptedStore(blob_backend(settings), keys.cipher)
    return Services(settings, engine, make_session_factory(engine), keys, store, redis, jobs or NoJobs())
