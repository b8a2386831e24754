"""Data keys in the database, wrapped by the keyring; rotation and crypto-shredding. No Flask import.

Each submission has a ``fields`` data key (title, register, proposals, warnings) and one data key per
stored document. A data key's wrapping is bound (AAD) to its own id, submission and purpose, so a
wrapped key copied onto another row does not unwrap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from intake.models import DataKeyRecord, new_id, utcnow
from intake.storage.crypto import (
    DataKey,
    Keyring,
    KeyringError,
    StreamCipher,
    UnknownKeyError,
    WrappedKey,
    associated_data,
    new_data_key_bytes,
)

FIELDS = "fields"


class DataKeyDestroyed(Exception):
    """The submission was purged: its data keys no longer exist, so its data cannot be read."""


class KeyringSource:
    """Returns the current keyring; a key file is re-read when it changes on disk.

    Why: ``safepub keys rotate`` runs in its own process while web and worker processes keep running;
    they must pick up the new active key and forget a retired one without a restart.
    """

    def __init__(self, *, env_value: str | None = None, path: Path | None = None) -> None:
        if not env_value and path is None:
            raise KeyringError("set SAFEPUB_KEK or SAFEPUB_KEY_FILE")
        self._env_value = env_value
        self._path = path
        self._cached: Keyring | None = None
        self._stamp: tuple[int, int] | None = None

    @property
    def file_backed(self) -> bool:
        return not self._env_value

    def current(self, *, force: bool = False) -> Keyring:
        if self._env_value:
            if self._cached is None:
                self._cached = Keyring.from_env_value(self._env_value)
            return self._cached
        assert self._path is not None
        try:
            stat = os.stat(self._path)
            stamp = (stat.st_mtime_ns, stat.st_ino)
        except FileNotFoundError:
            stamp = None
        if force or self._cached is None or stamp != self._stamp:
            self._cached = Keyring.load_file(self._path)
            self._stamp = stamp
        return self._cached


def _wrap_aad(record_id: str, submission_id: str | None, purpose: str) -> bytes:
    # a user's own key (no submission) is bound to "" and to its purpose, which names the user
    return associated_data(submission_id=submission_id or "", purpose="data-key:" + purpose, object_id=record_id)


@dataclass
class RotationReport:
    new_key_id: str
    rewrapped: int
    retired: list[str] = field(default_factory=list)
    still_in_use: list[str] = field(default_factory=list)
    removable: list[str] = field(default_factory=list)  # SAFEPUB_KEK ids no data key needs any more


class KeyService:
    def __init__(self, keyring: KeyringSource, cipher: StreamCipher) -> None:
        self.keyring = keyring
        self.cipher = cipher

    # -- data keys ----------------------------------------------------------------------------------
    def create(self, session: Session, submission_id: str, purpose: str) -> DataKey:
        record_id = new_id()
        key = DataKey(record_id, new_data_key_bytes())
        wrapped = self.keyring.current().wrap(key, _wrap_aad(record_id, submission_id, purpose))
        session.add(
            DataKeyRecord(
                id=record_id,
                submission_id=submission_id,
                purpose=purpose,
                kek_id=wrapped.kek_id,
                wrapped=wrapped.blob,
            )
        )
        return key

    def create_user_key(self, session: Session, user_id: str, purpose: str) -> DataKey:
        """A data key of one user rather than a submission (``<purpose>:<user id>``, e.g. the TOTP secret's),
        wrapped and rotated like every other; :meth:`load` opens it, :meth:`shred_key` destroys it."""
        record_id = new_id()
        key = DataKey(record_id, new_data_key_bytes())
        full = f"{purpose}:{user_id}"
        wrapped = self.keyring.current().wrap(key, _wrap_aad(record_id, None, full))
        session.add(
            DataKeyRecord(id=record_id, submission_id=None, purpose=full, kek_id=wrapped.kek_id, wrapped=wrapped.blob)
        )
        return key

    def shred_key(self, session: Session, data_key_id: str) -> bool:
        """Destroy one data key (a user's, when their second factor is reset)."""
        record = session.get(DataKeyRecord, data_key_id)
        if record is None or record.wrapped is None:
            return False
        record.wrapped, record.destroyed_at = None, utcnow()
        return True

    def load(self, session: Session, data_key_id: str) -> DataKey:
        record = session.get(DataKeyRecord, data_key_id)
        if record is None or record.wrapped is None:
            raise DataKeyDestroyed("this submission's keys have been destroyed")
        return self._unwrap(record)

    def _unwrap(self, record: DataKeyRecord) -> DataKey:
        assert record.wrapped is not None
        wrapped = WrappedKey(record.kek_id, record.wrapped)
        aad = _wrap_aad(record.id, record.submission_id, record.purpose)
        try:
            return self.keyring.current().unwrap(wrapped, record.id, aad)
        except UnknownKeyError:
            # Another process may have rotated a moment ago: re-read the key file once.
            return self.keyring.current(force=True).unwrap(wrapped, record.id, aad)

    def fields_key(self, session: Session, submission_id: str) -> DataKey:
        record = session.scalars(
            select(DataKeyRecord).where(DataKeyRecord.submission_id == submission_id, DataKeyRecord.purpose == FIELDS)
        ).first()
        if record is None or record.wrapped is None:
            raise DataKeyDestroyed("this submission's keys have been destroyed")
        return self._unwrap(record)

    # -- field encryption ---------------------------------------------------------------------------
    def seal_field(self, key: DataKey, submission_id: str, name: str, value: bytes, object_id: str = "") -> bytes:
        aad = associated_data(submission_id=submission_id, purpose="field:" + name, object_id=object_id)
        return self.cipher.seal(key, value, aad)

    def open_field(self, key: DataKey, submission_id: str, name: str, blob: bytes, object_id: str = "") -> bytes:
        aad = associated_data(submission_id=submission_id, purpose="field:" + name, object_id=object_id)
        return self.cipher.open(key, blob, aad)

    def usage(self, session: Session) -> dict[str, int]:
        """How many live (not shredded) data keys each KEK wraps."""
        rows = session.execute(
            select(DataKeyRecord.kek_id, func.count())
            .where(DataKeyRecord.wrapped.is_not(None))
            .group_by(DataKeyRecord.kek_id)
        ).all()
        return {kek_id: count for kek_id, count in rows}

    # -- lifecycle -----------------------------------------------------------------------------------
    def shred(self, session: Session, submission_id: str, *, data_key_ids: Collection[str] | None = None) -> int:
        """Destroy every wrapped data key of a submission, or only ``data_key_ids`` of it (a superseded
        document). Irreversible by design."""
        query = select(DataKeyRecord).where(
            DataKeyRecord.submission_id == submission_id, DataKeyRecord.wrapped.is_not(None)
        )
        if data_key_ids is not None:
            query = query.where(DataKeyRecord.id.in_(list(data_key_ids)))
        records = session.scalars(query).all()
        now = utcnow()
        for record in records:
            record.wrapped = None
            record.destroyed_at = now
        return len(records)

    def rotate(
        self,
        factory: sessionmaker[Session],
        *,
        batch: int = 200,
        progress: Callable[[int], None] | None = None,
    ) -> RotationReport:
        """New active KEK (key files), re-wrap every live data key under it, retire the old KEKs.

        Safe to re-run after a crash: old KEKs are only retired once nothing is wrapped under them.
        """
        keyring = self.keyring.current(force=True)
        new_kid = keyring.add_new_active() if self.keyring.file_backed else keyring.active_id
        done = 0
        while True:
            with factory() as session, session.begin():
                records = session.scalars(
                    select(DataKeyRecord)
                    .where(DataKeyRecord.kek_id != new_kid, DataKeyRecord.wrapped.is_not(None))
                    .limit(batch)
                    .with_for_update()
                ).all()
                if not records:
                    break
                for record in records:
                    key = self._unwrap(record)
                    wrapped = keyring.wrap(key, _wrap_aad(record.id, record.submission_id, record.purpose))
                    record.kek_id, record.wrapped = wrapped.kek_id, wrapped.blob
                done += len(records)
            if progress:
                progress(done)
        report = RotationReport(new_key_id=new_kid, rewrapped=done)
        with factory() as session:
            in_use = self.usage(session)
        for kid in keyring.key_ids:
            if kid == new_kid or keyring.is_retired(kid):
                continue
            if in_use.get(kid):
                report.still_in_use.append(kid)
            elif self.keyring.file_backed:
                keyring.retire(kid)
                report.retired.append(kid)
            else:
                report.removable.append(kid)  # env keyring: the operator removes it from SAFEPUB_KEK
        return report
