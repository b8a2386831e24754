"""The sink interface: deliver a Package, return a Receipt, or raise a transient / permanent error.

Errors carry a short code and an HTTP-like status only (they are audited and stored in the clear), never
a response body: an archive's error page could echo what we sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from config.settings import Settings
    from intake.handover.package import Package


class SinkError(Exception):
    def __init__(self, code: str, status_code: int | None = None) -> None:
        super().__init__(code)
        self.code = code[:80]
        self.status_code = status_code


class TransientSinkError(SinkError):
    """Worth retrying: connection refused, timeout, 5xx, 429."""


class PermanentSinkError(SinkError):
    """Retrying the same request cannot help (4xx, misconfiguration): dead letter at once."""


@dataclass(frozen=True)
class Receipt:
    reference: str | None  # the archive's reference for what it received, when it returns one


class Sink(Protocol):
    name: str

    def deliver(self, package: Package) -> Receipt: ...


def build_sinks(settings: Settings) -> dict[str, Sink]:
    """The configured sinks, in the order they are tried. boto3 is imported only if S3 is configured."""
    sinks: dict[str, Sink] = {}
    for name in settings.archive_sinks:
        if name == "filesystem":
            from intake.handover.filesystem import FilesystemSink

            assert settings.archive_dir is not None
            sinks[name] = FilesystemSink(settings.archive_dir)
        elif name == "http":
            from intake.handover.http import HttpSink

            assert settings.archive_url and settings.archive_hmac_key
            sinks[name] = HttpSink(
                settings.archive_url, settings.archive_hmac_key, timeout=settings.archive_timeout_seconds
            )
        elif name == "s3":
            from intake.handover.s3 import S3Sink

            assert settings.archive_s3_bucket
            sinks[name] = S3Sink.from_settings(settings)
    return sinks
