"""Where sealed bytes live: one small interface (``BlobBackend``) and its two backends.

``LocalBlobs`` keeps ciphertext in a directory (the embedded default); ``S3Blobs`` keeps it in any
S3-compatible bucket, so web and worker processes on different machines share one store. Neither ever
sees plaintext: ``intake.storage.store.EncryptedStore`` seals before it hands bytes down.
"""

from intake.storage.blobs.base import (
    BlobBackend,
    BlobNotFound,
    StoreAccessDenied,
    StoreBucketMissing,
    StoreError,
    StoreUnavailable,
    StoreUnreachable,
)
from intake.storage.blobs.local import LocalBlobs

__all__ = [
    "BlobBackend",
    "BlobNotFound",
    "LocalBlobs",
    "StoreAccessDenied",
    "StoreBucketMissing",
    "StoreError",
    "StoreUnavailable",
    "StoreUnreachable",
]
