"""S3-compatible object storage sink (boto3): ``<prefix><id>.pdf`` then ``<prefix><id>.json``.

A PUT of an object is atomic (readers see the old object or the new one) and idempotent (the same key
and bytes again change nothing a reader can see), so a retry never duplicates. The manifest goes last:
its presence means the document is complete. Endpoint, bucket and prefix come from settings; the
credentials come from boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or an
instance role), which is the convention every S3-compatible service documents. boto3's own retries are
off (one attempt per call) so that the handover's backoff and audit see every attempt.
"""

from __future__ import annotations

import hashlib
from typing import Any

from config.settings import Settings
from intake.handover.package import Package
from intake.handover.sinks.base import PermanentSinkError, Receipt, TransientSinkError

TRANSIENT_CODES = frozenset({"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling"})


class S3Sink:
    name = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings: Settings, **client_options: Any) -> S3Sink:
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=settings.archive_timeout_seconds,
            read_timeout=settings.archive_timeout_seconds,
            retries={"max_attempts": 1, "mode": "standard"},
        )
        client = boto3.client(
            "s3",
            endpoint_url=settings.archive_s3_endpoint,
            region_name=settings.archive_s3_region,
            config=config,
            **client_options,
        )
        assert settings.archive_s3_bucket
        return cls(client, settings.archive_s3_bucket, settings.archive_s3_prefix)

    def deliver(self, package: Package) -> Receipt:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            if package.kind == "publication":
                assert package.document is not None
                self._put(package.document_name, package.document, str(package.metadata["content_type"]), package)
                answer = self._put(package.manifest_name, package.manifest(), "application/json", package)
            else:
                answer = self._put(package.manifest_name, package.manifest(), "application/json", package)
                for name in (f"{package.submission_id}.json", str(package.metadata.get("filename") or "")):
                    if name:
                        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = str(error.get("Code") or "client_error")[:60]
            if (status and status >= 500) or status == 429 or code in TRANSIENT_CODES:
                raise TransientSinkError(f"s3_{code}", status) from None
            raise PermanentSinkError(f"s3_{code}", status) from None
        except NoCredentialsError:
            raise PermanentSinkError("s3_no_credentials") from None
        except BotoCoreError as exc:  # endpoint unreachable, timeouts, dropped connections
            raise TransientSinkError(f"s3_{type(exc).__name__}") from None
        version = answer.get("VersionId")
        reference = f"s3://{self.bucket}/{self.prefix}{package.manifest_name}"
        return Receipt(reference + (f"?versionId={version}" if version else ""))

    def _put(self, name: str, data: bytes, content_type: str, package: Package) -> dict[str, Any]:
        return self.client.put_object(  # type: ignore[no-any-return]
            Bucket=self.bucket,
            Key=self.prefix + name,
            Body=data,
            ContentType=content_type,
            Metadata={"sha256": hashlib.sha256(data).hexdigest(), "idempotency-key": package.idempotency_key},
        )
