"""Signed checkpoints: C2SP tlog-checkpoint bodies in the C2SP signed-note format, signed with Ed25519.

A checkpoint says "the log had N entries and this root hash", signed by a key the database does not
hold: whoever can rewrite audit rows still cannot forge a checkpoint, so a rewrite of anything below a
checkpoint's size is caught by ``safepub audit verify``. The note is plain text a third party can check
with any signed-note implementation, given the verifier key string (``name+keyid+base64(0x01||pub)``).

Formats (c2sp.org/tlog-checkpoint, c2sp.org/signed-note):

    <origin>\\n<tree size, decimal>\\n<base64 root hash>\\n
    \\n
    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>\\n

key id = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]. No Flask import.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from config.settings import ConfigurationError, Settings

ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "


class CheckpointError(Exception):
    """A checkpoint note is malformed, unsigned by the expected key, or its signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name) or any(ord(c) < 0x20 for c in name):
        raise ConfigurationError("SAFEPUB_AUDIT_ORIGIN must be non-empty, without spaces or '+'")


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()[:4]


class CheckpointVerifier:
    """Checks notes signed by one known key (name + Ed25519 public key)."""

    def __init__(self, name: str, public: bytes) -> None:
        _check_name(name)
        self.name = name
        self.public = public
        self.key_id = key_id(name, public)
        self._key = Ed25519PublicKey.from_public_bytes(public)

    @classmethod
    def from_vkey(cls, vkey: str) -> CheckpointVerifier:
        """Parse ``name+hexkeyid+base64(0x01||public)`` (the signed-note verifier key string)."""
        try:
            name, hex_id, encoded = vkey.strip().split("+", 2)  # base64 may itself contain "+"
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise CheckpointError("verifier key must look like name+keyid+base64key") from None
        if len(raw) != 33 or raw[:1] != ED25519:
            raise CheckpointError("verifier key is not an Ed25519 key")
        verifier = cls(name, raw[1:])
        if verifier.key_id.hex() != hex_id.lower():
            raise CheckpointError("verifier key id does not match its name and key")
        return verifier

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519 + self.public).decode('ascii')}"

    def open(self, note: str) -> Checkpoint:
        """Verify ``note`` and return the checkpoint it carries; CheckpointError otherwise."""
        text, sep, signatures = note.partition("\n\n")
        if not sep or not text:
            raise CheckpointError("not a signed note (no blank line before the signatures)")
        text += "\n"
        verified = False
        for line in signatures.split("\n"):
            if not line:
                continue
            if not line.startswith(SIGNATURE_PREFIX):
                raise CheckpointError("malformed signature line")
            name, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise CheckpointError("signature is not base64") from None
            if name != self.name or raw[:4] != self.key_id:
                continue  # signed-note: ignore signatures from unknown keys
            try:
                self._key.verify(raw[4:], text.encode("utf-8"))
            except InvalidSignature:
                raise CheckpointError("checkpoint signature does not verify") from None
            verified = True
        if not verified:
            raise CheckpointError(f"checkpoint is not signed by {self.name}+{self.key_id.hex()}")
        return parse_body(text)


def parse_body(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("checkpoint body needs origin, size and root lines")
    origin, size, encoded = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise CheckpointError("checkpoint tree size is not a decimal number")
    try:
        root = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise CheckpointError("checkpoint root hash is not base64") from None
    if len(root) != 32:
        raise CheckpointError("checkpoint root hash is not 32 bytes")
    return Checkpoint(origin, int(size), root)


class CheckpointSigner:
    """Signs checkpoints. The key name is the log's origin, as the C2SP specs recommend."""

    def __init__(self, name: str, private: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._private = private
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = CheckpointVerifier(name, public)

    @classmethod
    def from_seed(cls, name: str, seed_b64: str) -> CheckpointSigner:
        try:
            seed = base64.b64decode(seed_b64.strip(), validate=True)
        except binascii.Error:
            seed = b""
        if len(seed) != 32:
            raise ConfigurationError("SAFEPUB_AUDIT_KEY must be a base64-encoded 32-byte Ed25519 seed")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    def sign(self, checkpoint: Checkpoint) -> str:
        body = checkpoint.body()
        signature = self._private.sign(body.encode("utf-8"))
        encoded = base64.b64encode(self.verifier.key_id + signature).decode("ascii")
        return f"{body}\n{SIGNATURE_PREFIX}{self.name} {encoded}\n"


def new_seed() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def signer_from_settings(settings: Settings, *, create: bool = True) -> CheckpointSigner:
    """SAFEPUB_AUDIT_KEY if set; otherwise the key file beside the data dir, generated with 0600 on first
    use (and its public half written to ``<key file>.pub``). Only ``safepub audit sign`` calls this.

    Why 0600 and outside the database: the whole point of a signature is that someone who can rewrite the
    audit table cannot also re-sign; production should pass the key in from a secret store.
    """
    if settings.audit_key:
        return CheckpointSigner.from_seed(settings.audit_origin, settings.audit_key)
    path: Path = settings.audit_key_file
    if not path.exists():
        if not create:
            raise ConfigurationError(f"no audit signing key: set SAFEPUB_AUDIT_KEY or create {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(new_seed() + "\n")
        try:
            os.link(temporary, path)  # atomic and refuses to replace: a racing process keeps the first key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    signer = CheckpointSigner.from_seed(settings.audit_origin, path.read_text(encoding="ascii"))
    public = path.with_name(path.name + ".pub")
    if not public.exists() or public.read_text(encoding="ascii").strip() != signer.verifier.vkey:
        public.write_text(signer.verifier.vkey + "\n", encoding="ascii")
    return signer


def verifier_from_settings(settings: Settings) -> CheckpointVerifier | None:
    """The public key only, for every process that checks but never signs (web, workers, exports):
    SAFEPUB_AUDIT_VERIFIER_KEY, else the ``.pub`` file the signing command writes beside its key, else
    (a key given in the environment) the key's public half. None when no key exists yet."""
    if settings.audit_verifier_key:
        return CheckpointVerifier.from_vkey(settings.audit_verifier_key)
    public = settings.audit_key_file.with_name(settings.audit_key_file.name + ".pub")
    if public.exists():
        return CheckpointVerifier.from_vkey(public.read_text(encoding="ascii"))
    if settings.audit_key:
        return CheckpointSigner.from_seed(settings.audit_origin, settings.audit_key).verifier
    return None
