"""The archive sinks: ``filesystem``, ``http`` and ``s3`` implement the interface in ``base``; ``build_sinks``
makes the configured ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from intake.handover.sinks.base import PermanentSinkError, Receipt, Sink, SinkError, TransientSinkError

if TYPE_CHECKING:
    from config.settings import Settings

__all__ = ["PermanentSinkError", "Receipt", "Sink", "SinkError", "TransientSinkError", "build_sinks"]


def build_sinks(settings: Settings) -> dict[str, Sink]:
    """The configured sinks, in the order they are tried. boto3 is imported only if S3 is configured."""
    sinks: dict[str, Sink] = {}
    for name in settings.archive_sinks:
        if name == "filesystem":
            from intake.handover.sinks.filesystem import FilesystemSink

            assert settings.archive_dir is not None
            sinks[name] = FilesystemSink(settings.archive_dir)
        elif name == "http":
            from intake.handover.sinks.http import HttpSink

            assert settings.archive_url and settings.archive_hmac_key
            sinks[name] = HttpSink(
                settings.archive_url, settings.archive_hmac_key, timeout=settings.archive_timeout_seconds
            )
        elif name == "s3":
            from intake.handover.sinks.s3 import S3Sink

            assert settings.archive_s3_bucket
            sinks[name] = S3Sink.from_settings(settings)
    return sinks
