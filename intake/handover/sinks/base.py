"""The sink interface: deliver a Package, return a Receipt, or raise a transient / permanent error.

Errors carry a short code and an HTTP-like status only (they are audited and stored in the clear), never
a response body: an archive's error page could echo what we sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
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
