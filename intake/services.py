"""The service objects a process needs, built once from Settings at an entry point. No Flask import.

``Services`` is passed explicitly (the app stores it in ``app.extensions``; the worker keeps it in its
job context), so tests can build one against a temporary directory and database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.crypto import StreamCipher
from intake.db import make_engine, make_session_factory
from intake.keys import KeyringSource, KeyService
from intake.store import EncryptedStore

if TYPE_CHECKING:
    from redis import Redis

Enqueue = Callable[[str], str]


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyService
    store: EncryptedStore
    redis: Redis | None = None
    enqueue: Enqueue | None = None

    def close(self) -> None:
        self.engine.dispose()


def keyring_source(settings: Settings) -> KeyringSource:
    if settings.kek:
        return KeyringSource(env_value=settings.kek)
    return KeyringSource(path=settings.key_file)


def build_services(settings: Settings, *, redis: Redis | None = None, enqueue: Enqueue | None = None) -> Services:
    """Database, keyring, encrypted store; fails fast if the keyring cannot be loaded."""
    engine = make_engine(settings)
    keys = KeyService(keyring_source(settings), StreamCipher())
    keys.keyring.current()  # fail fast: a service that cannot decrypt should not start
    assert settings.storage_dir is not None
    store = EncryptedStore(settings.storage_dir, keys.cipher)
    return Services(settings, engine, make_session_factory(engine), keys, store, redis, enqueue)
