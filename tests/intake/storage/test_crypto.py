"""Envelope encryption primitives, the keyring and the encrypted store (no database needed)."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from intake.storage.crypto import (
    DataKey,
    DecryptionError,
    KeyRetiredError,
    Keyring,
    KeyringError,
    StreamCipher,
    UnknownKeyError,
    associated_data,
    new_data_key_bytes,
)
from intake.storage.store import EncryptedStore, StoreError

AAD = associated_data(submission_id="s1", purpose="document:original", object_id="o1")


@pytest.fixture
def key():
    return DataKey("k1", new_data_key_bytes())


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 64, 1000])
def test_seal_then_open_round_trips_across_chunk_boundaries(key, size):
    cipher = StreamCipher(chunk_size=16)
    data = os.urandom(size)
    assert cipher.open(key, cipher.seal(key, data, AAD), AAD) == data


def test_the_same_plaintext_seals_differently_each_time(key):
    cipher = StreamCipher()
    assert cipher.seal(key, b"same", AAD) != cipher.seal(key, b"same", AAD)


def test_plaintext_does_not_appear_in_the_ciphertext(key):
    sealed = StreamCipher().seal(key, b"Zephyrine Quillfeather" * 10, AAD)
    assert b"Zephyrine" not in sealed


def _chunks(sealed: bytes, chunk: int) -> tuple[bytes, list[bytes]]:
    header, body = sealed[:15], sealed[15:]
    step = chunk + 16
    return header, [body[i : i + step] for i in range(0, len(body), step)]


@pytest.mark.parametrize("attack", ["flip", "truncate", "drop_last", "reorder", "wrong_aad", "wrong_key"])
def test_any_tampering_fails_authentication(key, attack):
    cipher = StreamCipher(chunk_size=16)
    sealed = cipher.seal(key, os.urandom(50), AAD)
    header, pieces = _chunks(sealed, 16)
    aad, used_key = AAD, key
    if attack == "flip":
        sealed = sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:]
    elif attack == "truncate":
        sealed = sealed[:-1]
    elif attack == "drop_last":
        sealed = header + b"".join(pieces[:-1])
    elif attack == "reorder":
        sealed = header + pieces[1] + pieces[0] + b"".join(pieces[2:])
    elif attack == "wrong_aad":
        aad = associated_data(submission_id="s2", purpose="document:original", object_id="o1")
    elif attack == "wrong_key":
        used_key = DataKey("k2", new_data_key_bytes())
    with pytest.raises(DecryptionError):
        cipher.open(used_key, sealed, aad)


def test_associated_data_is_unambiguous():
    a = associated_data(submission_id="a|b", purpose="c", object_id="")
    b = associated_data(submission_id="a", purpose="b|c", object_id="")
    assert a != b


def test_a_new_key_file_is_private_and_reloads(tmp_path):
    path = tmp_path / "keys" / "keyring.json"
    keyring = Keyring.create_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Keyring.load_file(path)
    assert again.active_id == keyring.active_id
    with pytest.raises(KeyringError):
        Keyring.create_file(path)


def test_wrap_and_unwrap_bind_the_aad(tmp_path, key):
    keyring = Keyring.create_file(tmp_path / "k.json")
    wrapped = keyring.wrap(key, b"aad-1")
    assert keyring.unwrap(wrapped, key.id, b"aad-1").key == key.key
    with pytest.raises(DecryptionError):
        keyring.unwrap(wrapped, key.id, b"aad-2")


def test_a_retired_key_cannot_be_used(tmp_path, key):
    keyring = Keyring.create_file(tmp_path / "k.json")
    old = keyring.active_id
    wrapped = keyring.wrap(key, b"aad")
    keyring.add_new_active()
    keyring.retire(old)
    with pytest.raises(KeyRetiredError):
        keyring.unwrap(wrapped, key.id, b"aad")
    reloaded = Keyring.load_file(tmp_path / "k.json")
    assert reloaded.is_retired(old)
    with pytest.raises(KeyRetiredError):
        reloaded.unwrap(wrapped, key.id, b"aad")
    assert base64.b64encode(wrapped.blob).decode() not in (tmp_path / "k.json").read_text()


def test_the_environment_keyring_parses_ids_and_bare_keys(key):
    first, second = (base64.b64encode(new_data_key_bytes()).decode() for _ in range(2))
    keyring = Keyring.from_env_value(f"new:{first}, old:{second}")
    assert keyring.active_id == "new" and keyring.key_ids == ["new", "old"]
    bare = Keyring.from_env_value(first)
    assert bare.active_id.startswith("env-")
    wrapped = Keyring.from_env_value(f"old:{second}").wrap(key, b"a")
    assert keyring.unwrap(wrapped, key.id, b"a").key == key.key
    with pytest.raises(UnknownKeyError):
        bare.unwrap(wrapped, key.id, b"a")


@pytest.mark.parametrize("value", ["", "k:notbase64!!", "k:" + base64.b64encode(b"short").decode()])
def test_a_malformed_environment_keyring_fails_fast(value):
    with pytest.raises(KeyringError):
        Keyring.from_env_value(value)


def test_the_store_writes_only_ciphertext_and_rejects_odd_names(tmp_path, key):
    store = EncryptedStore(tmp_path / "store", StreamCipher())
    name = "0123456789abcdef0123456789abcdef"
    store.put(name, b"Zephyrine Quillfeather", key=key, aad=AAD)
    files = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert len(files) == 1 and b"Zephyrine" not in files[0].read_bytes()
    assert store.get(name, key=key, aad=AAD) == b"Zephyrine Quillfeather"
    for bad in ("../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF", "x" * 32, ""):
        with pytest.raises(StoreError):
            store.put(bad, b"x", key=key, aad=AAD)
    assert store.delete(name) and not store.exists(name)
