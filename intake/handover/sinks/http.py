"""HTTP sink: one signed JSON POST per document or withdrawal notice (README, "Archive handover contract").

JSON with the document in base64 rather than multipart: the signature covers the exact body bytes, and
an archive can verify and parse it with any standard library; the one-third size overhead is
acceptable for reports of a few MB (uploads are capped by SAFEPUB_MAX_UPLOAD_MB).

Redirects are not followed (a POST silently turned into a GET, or sent to another host, is not a
delivery). 2xx is a receipt; 408, 425, 429 and 5xx, refused connections and timeouts are transient;
any other status is permanent, so a request the archive rejects is not re-sent blindly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import urllib.error
import urllib.request
from typing import Any

from intake.handover import signing
from intake.handover.package import SCHEMA, Package
from intake.handover.sinks.base import PermanentSinkError, Receipt, TransientSinkError

TRANSIENT_STATUSES = frozenset({408, 425, 429})
USER_AGENT = "SafePub-Archive-Handover/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def body_of(package: Package) -> bytes:
    """The request body: sorted, compact JSON, identical on every retry of the same package."""
    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "event": package.kind,
        "idempotency_key": package.idempotency_key,
        "metadata": package.metadata,
    }
    if package.document is not None:
        payload["document"] = {
            "filename": package.document_name,
            "content_type": package.metadata.get("content_type"),
            "sha256": hashlib.sha256(package.document).hexdigest(),
            "size": len(package.document),
            "base64": base64.b64encode(package.document).decode("ascii"),
        }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class HttpSink:
    name = "http"

    def __init__(self, url: str, key: str, *, timeout: float = 30, clock: Any = time.time) -> None:
        self.url = url
        self.key = key
        self.timeout = timeout
        self.clock = clock
        self._opener = urllib.request.build_opener(_NoRedirect())

    def deliver(self, package: Package) -> Receipt:
        body = body_of(package)
        timestamp = int(self.clock())
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                signing.IDEMPOTENCY_HEADER: package.idempotency_key,
                signing.EVENT_HEADER: package.kind,
                signing.TIMESTAMP_HEADER: str(timestamp),
                signing.SIGNATURE_HEADER: signing.sign(
                    self.key, timestamp, body, idempotency_key=package.idempotency_key, event=package.kind
                ),
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
                answer = response.read(64 * 1024)
                location = response.headers.get("Location")
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code >= 500 or exc.code in TRANSIENT_STATUSES:
                raise TransientSinkError(f"http_{exc.code}", exc.code) from None
            raise PermanentSinkError(f"http_{exc.code}", exc.code) from None
        except TimeoutError:
            raise TransientSinkError("timeout") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise TransientSinkError("timeout") from None
            if isinstance(reason, ConnectionRefusedError):
                raise TransientSinkError("connection_refused") from None
            raise TransientSinkError(f"url_error_{type(reason).__name__}") from None
        except (ConnectionError, OSError) as exc:
            raise TransientSinkError(f"connection_{type(exc).__name__}") from None
        if not 200 <= status < 300:
            raise PermanentSinkError(f"http_{status}", status)
        return Receipt(_reference(answer) or location)


def _reference(answer: bytes) -> str | None:
    try:
        value = json.loads(answer).get("reference")
    except (ValueError, AttributeError):
        return None
    return str(value) if value is not None else None
