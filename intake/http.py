"""Request and response plumbing shared by the API and the pages (uploads in, documents out)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request, Response
from werkzeug.exceptions import RequestEntityTooLarge


@dataclass(frozen=True)
class Upload:
    data: bytes
    register: bytes | None
    title: str | None
    kind: str | None


def read_upload(request: Request, max_bytes: int) -> Upload:
    """The multipart fields of an upload: ``file``, ``register`` (a file part or a text field),
    ``title`` and ``kind``. The bytes are already in memory (see InMemoryRequest)."""
    part = request.files.get("file")
    data = part.read() if part else b""
    if len(data) > max_bytes:
        raise RequestEntityTooLarge()
    register_part = request.files.get("register")
    if register_part is not None and (register_part.filename or register_part.content_length):
        register: bytes | None = register_part.read()
    else:
        text = request.form.get("register")
        register = text.encode("utf-8") if text is not None else None
    return Upload(data, register, request.form.get("title"), request.form.get("kind"))


def document_response(data: bytes, content_type: str, submission_id: str, role: str) -> Response:
    """A decrypted document as a download (never rendered inline; Cache-Control is set app-wide)."""
    response = Response(data, content_type=content_type)
    extension = "pdf" if content_type.startswith("application/pdf") else "txt"
    response.headers["Content-Disposition"] = f'attachment; filename="{submission_id}-{role}.{extension}"'
    return response
