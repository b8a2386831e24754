"""The local blob backend (the embedded default): layout, all-or-nothing writes, the readiness probe,
and the backend build_services picks from the settings."""

from __future__ import annotations

import pytest

from config.settings import Settings
from intake.services import blob_backend
from intake.storage.blobs import LocalBlobs, StoreError, StoreUnavailable
from intake.storage.blobs.s3 import S3Blobs

NAME = "0123456789abcdef0123456789abcdef"


def test_blobs_live_in_a_two_level_fan_out_under_the_root(tmp_path):
    blobs = LocalBlobs(tmp_path / "store")
    blobs.put_bytes(NAME, b"sealed")
    assert (tmp_path / "store" / "01" / "23" / NAME).read_bytes() == b"sealed"
    assert blobs.get_bytes(NAME) == b"sealed" and blobs.exists(NAME)
    assert blobs.delete(NAME) and not blobs.exists(NAME) and not blobs.delete(NAME)


def test_when_the_rename_fails_then_neither_the_object_nor_a_temporary_file_remains(tmp_path, monkeypatch):
    blobs = LocalBlobs(tmp_path / "store")
    blobs.put_bytes(NAME, b"old")

    def no_space(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("intake.storage.blobs.local.os.replace", no_space)
    with pytest.raises(OSError):
        blobs.put_bytes(NAME, b"new")
    assert blobs.get_bytes(NAME) == b"old", "the previous whole object, not a torn new one"
    assert [p.name for p in (tmp_path / "store" / "01" / "23").iterdir()] == [NAME]


def test_a_name_that_could_escape_the_root_is_refused(tmp_path):
    for bad in ("../../../etc/passwd", NAME.upper(), ""):
        with pytest.raises(StoreError):
            LocalBlobs(tmp_path).put_bytes(bad, b"x")


def test_check_passes_on_a_writable_directory_and_leaves_nothing_behind(tmp_path):
    LocalBlobs(tmp_path / "store").check()
    assert list((tmp_path / "store").iterdir()) == []


def test_when_the_root_cannot_be_a_directory_then_check_says_which_setting(tmp_path):
    blocker = tmp_path / "store"
    blocker.write_bytes(b"")  # a file where the directory should be (root ignores permission bits)
    with pytest.raises(StoreUnavailable) as raised:
        LocalBlobs(blocker).check()
    assert "SAFEPUB_STORAGE_DIR" in str(raised.value) and str(blocker) in str(raised.value)


def test_the_settings_pick_the_backend(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    local = Settings(data_dir=tmp_path, database_url="sqlite://")
    assert isinstance(blob_backend(local), LocalBlobs)
    assert blob_backend(local).root == tmp_path / "store"  # type: ignore[attr-defined]
    s3 = local.with_overrides(
        store_backend="s3",
        store_s3_endpoint="http://127.0.0.1:9",
        store_s3_bucket="reviews",
        store_s3_prefix="safepub/",
        store_s3_region="eu-west-2",
        store_s3_sse="AES256",
    )
    backend = blob_backend(s3)
    assert isinstance(backend, S3Blobs)
    assert (backend.bucket, backend.prefix, backend.sse) == ("reviews", "safepub/", "AES256")
    assert backend.client.meta.region_name == "eu-west-2"
    assert backend.client.meta.endpoint_url == "http://127.0.0.1:9"
