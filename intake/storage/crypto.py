"""Envelope encryption: data keys sealed by key-encryption keys (KEKs) from a keyring.

Why this shape (after SecureDrop's EncryptionManager): every stored object and every encrypted field
has a random 256-bit *data key*; only the data key, wrapped under a KEK, is written to the database.
Rotating a KEK therefore re-wraps a few hundred bytes per object instead of re-encrypting documents,
and destroying a submission's wrapped data keys (crypto-shredding) makes all its ciphertext useless
wherever copies of it survive (backups, replicas).

Construction (documented so it can be reviewed and re-implemented):

* Associated data (AAD) is canonical JSON (sorted keys, no spaces) naming the submission, the purpose
  and the object, so a ciphertext moved to another submission or field fails to decrypt.
* Data are sealed with the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizar 2015) over
  AES-256-GCM: header ``b"SPE1" || chunk_size (4 bytes BE) || nonce_prefix (7 random bytes)``;
  chunk *i* is encrypted with nonce ``prefix || i (4 bytes BE) || last_flag (1 byte)`` and
  AAD ``header || object_aad``. Truncation, reordering or splicing of chunks fails authentication.
  Chunks (1 MiB) keep each GCM invocation far below its limits for large PDFs.
* Data keys are wrapped with AES-256-GCM under the KEK: ``nonce (12) || ciphertext+tag``, with AAD
  binding the data key's id, submission and purpose.

No Flask import here: the worker and the CLI use this module directly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
MAGIC = b"SPE1"
NONCE_PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + 4 + NONCE_PREFIX_BYTES
TAG_BYTES = 16
DEFAULT_CHUNK = 1024 * 1024


class CryptoError(Exception):
    """Base class for encryption failures. Messages never contain key material or plaintext."""


class DecryptionError(CryptoError):
    """Ciphertext, key or associated data do not match (tampered, moved, or wrong key)."""


class UnknownKeyError(CryptoError):
    """A wrapped data key names a KEK the keyring does not hold."""


class KeyRetiredError(CryptoError):
    """The KEK was retired by rotation: its material is destroyed and it can no longer be used."""


class KeyringError(CryptoError):
    """The keyring configuration (SAFEPUB_KEK or the key file) is missing or malformed."""


def associated_data(*, submission_id: str, purpose: str, object_id: str = "") -> bytes:
    """Canonical bytes binding a ciphertext to its submission, purpose and object.

    JSON with sorted keys rather than joined strings, so no two different triples share an encoding.
    """
    return json.dumps(
        {"object": object_id, "purpose": purpose, "submission": submission_id, "v": 1},
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


@dataclass(frozen=True)
class DataKey:
    """A plaintext data key in memory. Never logged (repr hides it), never stored unwrapped."""

    id: str
    key: bytes = field(repr=False)


def new_data_key_bytes() -> bytes:
    return AESGCM.generate_key(bit_length=256)


class StreamCipher:
    """Chunked AES-256-GCM (STREAM). Stateless; safe to share between threads."""

    def __init__(self, chunk_size: int = DEFAULT_CHUNK) -> None:
        if not 1 <= chunk_size < 2**31:
            raise ValueError("chunk_size out of range")
        self.chunk_size = chunk_size

    def seal(self, key: DataKey, plaintext: bytes, aad: bytes) -> bytes:
        prefix = secrets.token_bytes(NONCE_PREFIX_BYTES)
        header = MAGIC + self.chunk_size.to_bytes(4, "big") + prefix
        aead = AESGCM(key.key)
        view = memoryview(plaintext)
        count = max(1, -(-len(plaintext) // self.chunk_size))
        parts = [header]
        for index in range(count):
            chunk = view[index * self.chunk_size : (index + 1) * self.chunk_size]
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if index == count - 1 else b"\x00")
            parts.append(aead.encrypt(nonce, bytes(chunk), header + aad))
        return b"".join(parts)

    def open(self, key: DataKey, blob: bytes, aad: bytes) -> bytes:
        if len(blob) < HEADER_BYTES + TAG_BYTES or not blob.startswith(MAGIC):
            raise DecryptionError("not a SafePub ciphertext")
        header = blob[:HEADER_BYTES]
        chunk_size = int.from_bytes(header[4:8], "big")
        prefix = header[8:HEADER_BYTES]
        if chunk_size < 1:
            raise DecryptionError("malformed ciphertext header")
        aead = AESGCM(key.key)
        body = memoryview(blob)[HEADER_BYTES:]
        step = chunk_size + TAG_BYTES
        count = max(1, -(-len(body) // step))
        out = []
        for index in range(count):
            piece = bytes(body[index * step : (index + 1) * step])
            nonce = prefix + index.to_bytes(4, "big") + (b"\x01" if index == count - 1 else b"\x00")
            try:
                out.append(aead.decrypt(nonce, piece, header + aad))
            except InvalidTag:
                raise DecryptionError("ciphertext failed authentication") from None
        return b"".join(out)


@dataclass(frozen=True)
class WrappedKey:
    kek_id: str
    blob: bytes


@dataclass
class _Kek:
    id: str
    material: bytes | None = field(repr=False)
    created: str
    retired: str | None = None


class Keyring:
    """Key-encryption keys by id; one is active for wrapping, the others only unwrap until retired.

    Two sources: ``SAFEPUB_KEK`` (``id:base64key[,id:base64key...]``, first one active, or a single bare
    base64 key) for deployments with a secret manager, or a JSON key file (mode 0600) that
    ``safepub keys rotate`` can update itself. A retired key keeps its id (so the audit trail and
    error messages can name it) but its material is erased from the file.
    """

    def __init__(self, keys: list[_Kek], active: str, path: Path | None = None) -> None:
        self._keys = {k.id: k for k in keys}
        if active not in self._keys or self._keys[active].material is None:
            raise KeyringError("the keyring's active key is missing or retired")
        self.active_id = active
        self.path = path

    # -- construction ------------------------------------------------------------------------------
    @classmethod
    def from_env_value(cls, value: str) -> Keyring:
        keys = []
        for index, item in enumerate(p.strip() for p in value.split(",") if p.strip()):
            kid, _, encoded = item.rpartition(":") if ":" in item else ("", "", item)
            material = _decode_key(encoded, "SAFEPUB_KEK")
            kid = kid or "env-" + hashlib.sha256(material).hexdigest()[:12]
            keys.append(_Kek(kid, material, created="", retired=None))
            if index == 0:
                active = kid
        if not keys:
            raise KeyringError("SAFEPUB_KEK is empty: set it to id:base64(32 random bytes)")
        return cls(keys, active)

    @classmethod
    def load_file(cls, path: Path) -> Keyring:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyringError(
                f"no key file at {path}: set SAFEPUB_KEK or SAFEPUB_KEY_FILE, or create one with `safepub keys init`"
            ) from None
        except (ValueError, OSError) as exc:
            raise KeyringError(f"key file {path} is unreadable ({type(exc).__name__})") from None
        try:
            keys = [
                _Kek(
                    k["id"],
                    _decode_key(k["key"], str(path)) if k.get("key") else None,
                    created=k.get("created", ""),
                    retired=k.get("retired"),
                )
                for k in raw["keys"]
            ]
            return cls(keys, raw["active"], path)
        except (KeyError, TypeError):
            raise KeyringError(f"key file {path} is malformed") from None

    @classmethod
    def create_file(cls, path: Path) -> Keyring:
        """A new key file with one fresh KEK, written 0600 (refuses to overwrite)."""
        if path.exists():
            raise KeyringError(f"key file {path} already exists")
        kek = _Kek(_new_kek_id(), new_data_key_bytes(), created=_now())
        keyring = cls([kek], kek.id, path)
        keyring.save()
        return keyring

    def save(self) -> None:
        """Atomically rewrite the key file with 0600 permissions (temp file in the same directory)."""
        if self.path is None:
            raise KeyringError("this keyring comes from SAFEPUB_KEK and cannot be written")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        document = {
            "version": 1,
            "active": self.active_id,
            "keys": [
                {
                    "id": k.id,
                    "key": base64.b64encode(k.material).decode() if k.material else None,
                    "created": k.created,
                    "retired": k.retired,
                }
                for k in self._keys.values()
            ],
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # -- use -----------------------------------------------------------------------------------------
    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    def is_retired(self, kek_id: str) -> bool:
        kek = self._keys.get(kek_id)
        return kek is not None and kek.material is None

    def wrap(self, key: DataKey, aad: bytes) -> WrappedKey:
        kek = self._keys[self.active_id]
        assert kek.material is not None
        nonce = secrets.token_bytes(12)
        return WrappedKey(kek.id, nonce + AESGCM(kek.material).encrypt(nonce, key.key, aad))

    def unwrap(self, wrapped: WrappedKey, key_id: str, aad: bytes) -> DataKey:
        kek = self._keys.get(wrapped.kek_id)
        if kek is None:
            raise UnknownKeyError(f"key-encryption key {wrapped.kek_id!r} is not in the keyring")
        if kek.material is None:
            raise KeyRetiredError(f"key-encryption key {wrapped.kek_id!r} is retired")
        try:
            material = AESGCM(kek.material).decrypt(wrapped.blob[:12], wrapped.blob[12:], aad)
        except InvalidTag:
            raise DecryptionError("wrapped data key failed authentication") from None
        return DataKey(key_id, material)

    def add_new_active(self) -> str:
        """Create a fresh KEK and make it active (file keyrings only). Returns its id."""
        if self.path is None:
            raise KeyringError(
                "SAFEPUB_KEK keyrings are rotated by the operator: put the new id:key first in "
                "SAFEPUB_KEK, run `safepub keys rotate`, then remove the old key from the variable"
            )
        kek = _Kek(_new_kek_id(), new_data_key_bytes(), created=_now())
        self._keys[kek.id] = kek
        self.active_id = kek.id
        self.save()
        return kek.id

    def retire(self, kek_id: str) -> None:
        """Erase a non-active KEK's material; from now on it cannot unwrap anything."""
        if kek_id == self.active_id:
            raise KeyringError("the active key cannot be retired")
        kek = self._keys[kek_id]
        kek.material = None
        kek.retired = kek.retired or _now()
        if self.path is not None:
            self.save()


def _decode_key(encoded: str, source: str) -> bytes:
    try:
        material = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{source}: key is not valid base64") from None
    if len(material) != KEY_BYTES:
        raise KeyringError(f"{source}: keys must be 32 bytes (base64 of 32 random bytes)")
    return material


def _new_kek_id() -> str:
    return "kek-" + datetime.now(UTC).strftime("%Y%m%d") + "-" + secrets.token_hex(4)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
