"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Scaleway ...) through boto3.

``<prefix><name>`` holds one object's ciphertext. Why this is safe to share between machines:

* only ciphertext is ever sent (``EncryptedStore`` seals first); server-side encryption
  (``SAFEPUB_STORE_S3_SSE``) is an optional second layer on top, never the protection itself;
* a PUT is atomic (readers see the whole object or none), and a blob above the multipart threshold is
  uploaded from memory in parts that become visible only at CompleteMultipartUpload; on any failure
  s3transfer aborts the upload, so no torn object and no orphaned parts remain;
* botocore retries transient faults (5xx, throttling, dropped connections) in its ``standard`` mode a
  few times with backoff, then we raise a ``StoreUnavailable`` saying what to check;
* ``delete`` removes every version and delete marker of the object when the bucket is versioned, so
  a "deleted" blob does not linger as a noncurrent version (crypto-shredding the data key is still
  what makes a purged blob unreadable, including in backups and replicas).

Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an
instance or task role), as every S3-compatible service documents.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from config.settings import Settings
from intake.storage.blobs.base import (
    BlobNotFound,
    StoreAccessDenied,
    StoreBucketMissing,
    StoreError,
    StoreUnavailable,
    StoreUnreachable,
)

log = logging.getLogger("safepub.store")

#: botocore's standard retry mode: exponential backoff with jitter on 5xx, throttling and connection
#: errors. Four attempts in all (total_max_attempts, first try included): a blip is absorbed, a dead store
#: answers within seconds, not minutes.
MAX_ATTEMPTS = 4
MULTIPART_THRESHOLD = 64 * 1024 * 1024
MULTIPART_CHUNKSIZE = 16 * 1024 * 1024

_CREDENTIAL_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "ExpiredToken",
        "InvalidToken",
        "InvalidClientTokenId",
        "AuthorizationHeaderMalformed",
        "403",
        "Forbidden",
    }
)
_BUSY_CODES = frozenset(
    {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "503", "500", "502", "504"}
)


class S3Blobs:
    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        prefix: str = "",
        sse: str | None = None,
        endpoint: str | None = None,
        multipart_threshold: int = MULTIPART_THRESHOLD,
        multipart_chunksize: int = MULTIPART_CHUNKSIZE,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.sse = sse
        self.endpoint = endpoint
        self.multipart_threshold = multipart_threshold
        self.multipart_chunksize = multipart_chunksize

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> S3Blobs:
        """``options`` may carry client arguments (tests pass credentials) and the multipart sizes."""
        sizes = {k: options.pop(k) for k in ("multipart_threshold", "multipart_chunksize") if k in options}
        assert settings.store_s3_bucket, "SAFEPUB_STORE=s3 needs SAFEPUB_STORE_S3_BUCKET (checked in Settings)"
        client = make_client(settings.store_s3_endpoint, settings.store_s3_region, **options)
        return cls(
            client,
            settings.store_s3_bucket,
            prefix=settings.store_s3_prefix,
            sse=settings.store_s3_sse,
            endpoint=settings.store_s3_endpoint,
            **sizes,
        )

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"S3 bucket '{self.bucket}'{where}"

    def _key(self, name: str) -> str:
        return self.prefix + name

    # -- the interface ------------------------------------------------------------------------------
    def put_bytes(self, name: str, data: bytes) -> None:
        extra: dict[str, Any] = {"ContentType": "application/octet-stream"}
        if self.sse:
            extra["ServerSideEncryption"] = self.sse
        try:
            if len(data) < self.multipart_threshold:
                self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data, **extra)
            else:
                self._put_multipart(name, data, extra)
        except Exception as exc:
            raise self._translate(exc, "write") from None

    def _put_multipart(self, name: str, data: bytes, extra: dict[str, Any]) -> None:
        """From memory (never a temporary file: the bytes are ciphertext, but the rule is simple). On any
        failure s3transfer calls AbortMultipartUpload, so the parts already sent are discarded."""
        from boto3.s3.transfer import TransferConfig

        config = TransferConfig(
            multipart_threshold=self.multipart_threshold,
            multipart_chunksize=self.multipart_chunksize,
            max_concurrency=4,
            use_threads=True,
        )
        self.client.upload_fileobj(io.BytesIO(data), self.bucket, self._key(name), ExtraArgs=extra, Config=config)

    def get_bytes(self, name: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
            return answer["Body"].read()  # type: ignore[no-any-return]
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404"):
                raise BlobNotFound("stored object is missing") from None
            raise self._translate(exc, "read") from None

    def exists(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
            return True
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise self._translate(exc, "look up") from None

    def delete(self, name: str) -> bool:
        """Every version and delete marker of the object (a versioned bucket keeps the old bytes as a
        noncurrent version after a plain DELETE); on an unversioned bucket the one object."""
        key = self._key(name)
        try:
            versions = self._versions(key)
            if versions is None:  # the service cannot list versions: the plain delete is all there is
                existed = self.exists(name)
                self.client.delete_object(Bucket=self.bucket, Key=key)
                return existed
            for version_id, _marker in versions:
                self.client.delete_object(Bucket=self.bucket, Key=key, VersionId=version_id)
            if not versions:
                self.client.delete_object(Bucket=self.bucket, Key=key)
            return any(not marker for _version, marker in versions)
        except StoreError:
            raise
        except Exception as exc:
            raise self._translate(exc, "delete") from None

    def _versions(self, key: str) -> list[tuple[str, bool]] | None:
        """(version id, is a delete marker) of exactly ``key``; None if the service has no version API."""
        found: list[tuple[str, bool]] = []
        try:
            pages = self.client.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=key)
            for page in pages:
                for entry in page.get("Versions", []):
                    if entry["Key"] == key:
                        found.append((entry["VersionId"], False))
                for entry in page.get("DeleteMarkers", []):
                    if entry["Key"] == key:
                        found.append((entry["VersionId"], True))
        except Exception as exc:
            if _code(exc) in ("NotImplemented", "MethodNotAllowed", "501"):
                return None
            raise
        return found

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise self._translate(exc, "reach") from None

    # -- errors --------------------------------------------------------------------------------------
    def _translate(self, exc: Exception, action: str) -> StoreError:
        """A botocore error -> a StoreError whose message tells an operator what to check. Logged here
        (the web answers only "store unavailable"); the message holds no object content."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            PartialCredentialsError,
        )

        where = self.describe()
        error: StoreError
        if isinstance(exc, ClientError):
            code = _code(exc) or "unknown"
            meta = exc.response.get("ResponseMetadata", {})
            status = meta.get("HTTPStatusCode")
            tries = int(meta.get("RetryAttempts", 0)) + 1
            if code in ("NoSuchBucket",) or (action == "reach" and code in ("404", "NotFound")):
                error = StoreBucketMissing(
                    f"the {where} does not exist: create it or correct SAFEPUB_STORE_S3_BUCKET "
                    f"(and SAFEPUB_STORE_S3_ENDPOINT); nothing was stored"
                )
            elif code in _CREDENTIAL_CODES:
                error = StoreAccessDenied(
                    f"the {where} refused our credentials ({code}) on {action}: check AWS_ACCESS_KEY_ID / "
                    "AWS_SECRET_ACCESS_KEY (or the role) and that they may read, write, list versions of and "
                    "delete objects in the bucket"
                )
            elif code in _BUSY_CODES or (status is not None and (status >= 500 or status == 429)):
                error = StoreUnreachable(
                    f"the {where} answered {status or code} ({code}) to a {action} after {tries} attempts; "
                    "the operation was not completed and nothing was lost: retry later or check the service"
                )
            else:
                error = StoreError(f"the {where} refused a {action} ({code}, HTTP {status})")
        elif isinstance(exc, NoCredentialsError | PartialCredentialsError):
            error = StoreAccessDenied(
                f"no credentials for the {where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or a profile or role)"
            )
        elif isinstance(exc, BotoCoreError):
            error = StoreUnreachable(
                f"the {where} could not be reached for a {action} ({type(exc).__name__}) after "
                f"{MAX_ATTEMPTS} attempts: check SAFEPUB_STORE_S3_ENDPOINT and the network"
            )
        elif isinstance(exc, StoreError):
            return exc
        else:
            error = StoreUnavailable(f"the {where} failed a {action} ({type(exc).__name__})")
        log.error("object store error", extra={"reason": str(error), "error": type(error).__name__})
        return error


def make_client(endpoint: str | None, region: str, **options: Any) -> Any:
    """An S3 client with bounded timeouts and botocore's standard retries.

    Path-style addressing for a custom endpoint: MinIO, Ceph and most S3-compatible services are
    addressed as ``https://host/bucket/key`` (no wildcard DNS for ``bucket.host``). Checksums only
    where the operation requires them: several S3-compatible services reject botocore's newer default
    checksum headers, and the sealed envelope is authenticated (AES-GCM) anyway.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        s3={"addressing_style": "path"} if endpoint else {},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config, **options)


def _code(exc: Exception) -> str | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code is not None else None
