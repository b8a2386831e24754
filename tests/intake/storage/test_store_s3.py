"""The S3 blob backend against moto's S3 server (a real HTTP endpoint on 127.0.0.1), through the
EncryptedStore: what lands in the bucket, and the clear error an operator gets for each failure."""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests

from intake.storage.blobs.s3 import MAX_ATTEMPTS, S3Blobs, make_client
from intake.storage.crypto import DataKey, StreamCipher, new_data_key_bytes
from intake.storage.store import (
    BlobNotFound,
    EncryptedStore,
    StoreAccessDenied,
    StoreBucketMissing,
    StoreUnreachable,
)
from tests.intake.storage.s3server import (
    CREDENTIALS,
    REGION,
    FaultyProxy,
    admin_client,
    new_bucket,
)
from tests.intake.storage.s3server import moto_endpoint as s3_fixture

moto_endpoint = s3_fixture  # the module's moto server

NAME = "0123456789abcdef0123456789abcdef"
AAD = b"submission=s;purpose=document:original;object=o"
PLAINTEXT = b"Ottoline Marchbanks-Vey lives at 14 Quenby Wharf."


@pytest.fixture
def key() -> DataKey:
    return DataKey("k1", new_data_key_bytes())


def s3_store(endpoint: str, bucket: str, *, prefix: str = "", **options: Any) -> EncryptedStore:
    credentials = {k: options.pop(k) for k in ("aws_access_key_id", "aws_secret_access_key") if k in options}
    client = make_client(endpoint, REGION, **(credentials or CREDENTIALS))
    return EncryptedStore(S3Blobs(client, bucket, prefix=prefix, endpoint=endpoint, **options), StreamCipher())


def test_a_sealed_round_trip_stores_only_ciphertext_under_the_prefix(moto_endpoint, key):
    bucket = new_bucket(moto_endpoint)
    store = s3_store(moto_endpoint, bucket, prefix="safepub/blobs/")
    size = store.put(NAME, PLAINTEXT, key=key, aad=AAD)
    objects = admin_client(moto_endpoint).list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in objects] == [(f"safepub/blobs/{NAME}", size)]
    body = admin_client(moto_endpoint).get_object(Bucket=bucket, Key=f"safepub/blobs/{NAME}")["Body"].read()
    assert b"Marchbanks" not in body and b"Quenby" not in body and len(body) > len(PLAINTEXT)
    assert store.exists(NAME) and store.get(NAME, key=key, aad=AAD) == PLAINTEXT
    assert store.delete(NAME) and not store.exists(NAME) and not store.delete(NAME)
    with pytest.raises(BlobNotFound):
        store.get(NAME, key=key, aad=AAD)
    store.check()


def test_when_sse_is_set_then_the_object_is_written_with_the_server_side_encryption_header(moto_endpoint, key):
    bucket = new_bucket(moto_endpoint)
    s3_store(moto_endpoint, bucket, sse="AES256").put(NAME, PLAINTEXT, key=key, aad=AAD)
    assert admin_client(moto_endpoint).head_object(Bucket=bucket, Key=NAME)["ServerSideEncryption"] == "AES256"


def test_when_the_bucket_does_not_exist_then_put_and_check_name_it_and_nothing_is_created(moto_endpoint, key):
    store = s3_store(moto_endpoint, "no-such-bucket-here")
    with pytest.raises(StoreBucketMissing) as raised:
        store.put(NAME, PLAINTEXT, key=key, aad=AAD)
    message = str(raised.value)
    assert "'no-such-bucket-here'" in message and "SAFEPUB_STORE_S3_BUCKET" in message
    assert "Marchbanks" not in message
    with pytest.raises(StoreBucketMissing):
        store.check()
    names = [b["Name"] for b in admin_client(moto_endpoint).list_buckets()["Buckets"]]
    assert "no-such-bucket-here" not in names


@pytest.fixture
def iam_enforced(moto_endpoint) -> Any:
    """moto accepts any credential until authentication is switched on (POST /moto-api/reset-auth with
    the number of requests still let through). A real IAM user with an access key is made first, so the
    right credential keeps working and only the wrong ones are refused."""
    import boto3

    iam = boto3.client("iam", endpoint_url=moto_endpoint, region_name=REGION, **CREDENTIALS)
    user = f"safepub-{os.getpid()}-{id(iam)}"
    iam.create_user(UserName=user)
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    iam.put_user_policy(UserName=user, PolicyName="store", PolicyDocument=policy)
    access = iam.create_access_key(UserName=user)["AccessKey"]
    bucket = new_bucket(moto_endpoint)
    previous = requests.post(f"{moto_endpoint}/moto-api/reset-auth", data=b"0", timeout=10).json()
    try:
        yield bucket, access["AccessKeyId"], access["SecretAccessKey"]
    finally:
        restore = previous["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"].encode()
        requests.post(f"{moto_endpoint}/moto-api/reset-auth", data=restore, timeout=10)


def test_when_the_credential_is_wrong_then_access_denied_says_what_to_check_and_nothing_is_written(
    moto_endpoint, iam_enforced, key
):
    bucket, key_id, secret = iam_enforced
    good = s3_store(moto_endpoint, bucket, aws_access_key_id=key_id, aws_secret_access_key=secret)
    good.put(NAME, PLAINTEXT, key=key, aad=AAD)
    good.check()
    other = "fedcba9876543210fedcba9876543210"
    for wrong_id, wrong_secret, code in (
        (key_id, "not-the-secret", "SignatureDoesNotMatch"),
        ("AKIAIOSFODNN7EXAMPLE", "whatever", "InvalidAccessKeyId"),
    ):
        bad = s3_store(moto_endpoint, bucket, aws_access_key_id=wrong_id, aws_secret_access_key=wrong_secret)
        with pytest.raises(StoreAccessDenied) as raised:
            bad.put(other, PLAINTEXT, key=key, aad=AAD)
        assert code in str(raised.value) and "AWS_ACCESS_KEY_ID" in str(raised.value)
        assert wrong_secret not in str(raised.value)
        with pytest.raises(StoreAccessDenied):
            bad.get(NAME, key=key, aad=AAD)
        with pytest.raises(StoreAccessDenied):
            bad.check()
    assert not good.exists(other), "a refused write stored nothing"
    assert good.get(NAME, key=key, aad=AAD) == PLAINTEXT, "and lost nothing"


def test_when_the_store_answers_503_twice_then_botocore_retries_and_the_put_succeeds(moto_endpoint, key):
    bucket = new_bucket(moto_endpoint)
    with FaultyProxy(moto_endpoint, failures=2) as proxy:
        s3_store(proxy.url, bucket).put(NAME, PLAINTEXT, key=key, aad=AAD)
    assert [status for _method, _path, status in proxy.seen] == [503, 503, 200]
    assert s3_store(moto_endpoint, bucket).get(NAME, key=key, aad=AAD) == PLAINTEXT


def test_when_the_store_keeps_answering_503_then_unreachable_after_the_retries_and_nothing_is_stored(
    moto_endpoint, key
):
    bucket = new_bucket(moto_endpoint)
    with FaultyProxy(moto_endpoint) as proxy:
        store = s3_store(proxy.url, bucket)
        with pytest.raises(StoreUnreachable) as raised:
            store.put(NAME, PLAINTEXT, key=key, aad=AAD)
    assert len(proxy.seen) == MAX_ATTEMPTS and {status for *_, status in proxy.seen} == {503}
    message = str(raised.value)
    assert "503" in message and f"after {MAX_ATTEMPTS} attempts" in message and bucket in message
    assert admin_client(moto_endpoint).list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_when_the_endpoint_is_down_then_unreachable_names_the_endpoint_setting(key):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(StoreUnreachable) as raised:
        s3_store(dead, "bucket-x").put(NAME, PLAINTEXT, key=key, aad=AAD)
    assert "SAFEPUB_STORE_S3_ENDPOINT" in str(raised.value)


def test_when_the_bucket_is_versioned_then_delete_removes_every_version_and_no_delete_marker_remains(
    moto_endpoint, key
):
    bucket = new_bucket(moto_endpoint, versioned=True)
    admin = admin_client(moto_endpoint)
    store = s3_store(moto_endpoint, bucket)
    store.put(NAME, b"first draft", key=key, aad=AAD)
    store.put(NAME, b"second draft", key=key, aad=AAD)
    # The control: a plain DELETE on a versioned bucket only hides the object behind a marker.
    control = "fedcba9876543210fedcba9876543210"
    store.put(control, b"control", key=key, aad=AAD)
    admin.delete_object(Bucket=bucket, Key=control)
    listing = admin.list_object_versions(Bucket=bucket)
    assert sorted(v["Key"] for v in listing["Versions"]) == sorted([NAME, NAME, control])
    assert [m["Key"] for m in listing.get("DeleteMarkers", [])] == [control]

    assert store.delete(NAME) is True
    listing = admin.list_object_versions(Bucket=bucket)
    assert NAME not in [v["Key"] for v in listing.get("Versions", [])]
    assert NAME not in [m["Key"] for m in listing.get("DeleteMarkers", [])]
    assert store.delete(control) is True, "a hidden (noncurrent) version still counts and is removed"
    listing = admin.list_object_versions(Bucket=bucket)
    assert listing.get("Versions", []) == [] and listing.get("DeleteMarkers", []) == []
    assert store.delete(NAME) is False


def test_a_blob_above_the_threshold_goes_up_in_parts_and_reads_back_whole(moto_endpoint, key):
    bucket = new_bucket(moto_endpoint)
    mib = 1024 * 1024
    store = s3_store(moto_endpoint, bucket, multipart_threshold=5 * mib, multipart_chunksize=5 * mib)
    plaintext = os.urandom(12 * mib)
    store.put(NAME, plaintext, key=key, aad=AAD)
    etag = admin_client(moto_endpoint).head_object(Bucket=bucket, Key=NAME)["ETag"]
    assert etag.strip('"').endswith("-3"), "three parts: 5 + 5 + the rest"
    assert store.get(NAME, key=key, aad=AAD) == plaintext
    # Below the threshold: one PUT (a plain ETag).
    store.put(NAME, b"small", key=key, aad=AAD)
    assert "-" not in admin_client(moto_endpoint).head_object(Bucket=bucket, Key=NAME)["ETag"]


def test_when_a_part_fails_then_the_multipart_upload_is_aborted_and_no_object_or_part_remains(moto_endpoint, key):
    bucket = new_bucket(moto_endpoint)
    mib = 1024 * 1024
    part_two = FaultyProxy(
        moto_endpoint,
        error=(403, "AccessDenied", "Access Denied"),
        should_fail=lambda method, path: method == "PUT" and "partNumber=2" in path,
    )
    with part_two as proxy:
        store = s3_store(proxy.url, bucket, multipart_threshold=5 * mib, multipart_chunksize=5 * mib)
        with pytest.raises(StoreAccessDenied):
            store.put(NAME, os.urandom(12 * mib), key=key, aad=AAD)
    assert any(method == "DELETE" and "uploadId=" in path for method, path, _ in proxy.seen), "aborted"
    admin = admin_client(moto_endpoint)
    assert admin.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
