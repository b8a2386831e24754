"""What crosses the pipe, as plain JSON: requests' arguments and the child's results and errors.

Decoding in the parent is strict (known fields, plain types): the child's output is untrusted data.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from redaction.budgets import BudgetExceeded
from redaction.errors import RedactionError, RegisterError, UnsupportedDocumentError, VerificationFailed
from redaction.register import Register, register_to_dict
from redaction.sandbox.errors import SandboxError
from redaction.types import Proposal
from redaction.verify import VerificationReport

MAX_MESSAGE_CHARS = 500
DAMAGED = "the PDF's structure is damaged and it cannot be read"

#: Engine exceptions re-raised in the parent as the same type (most specific first).
ERROR_TYPES: dict[str, type[RedactionError]] = {
    "BudgetExceeded": BudgetExceeded,
    "UnsupportedDocumentError": UnsupportedDocumentError,
    "RegisterError": RegisterError,
    "VerificationFailed": VerificationFailed,
}


def register_to_json(register: Any) -> Any:
    """The register as a JSON value ``parse_register`` accepts (it is validated again in the child)."""
    if isinstance(register, bytes):
        try:
            return register.decode("utf-8")
        except UnicodeDecodeError:
            raise RegisterError("the register is not UTF-8 text") from None
    if isinstance(register, Register):
        return register_to_dict(register)  # every kind, details included
    return register


def report_to_dict(report: VerificationReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


def report_from_dict(data: dict[str, Any]) -> VerificationReport:
    return VerificationReport(
        channels_checked=tuple(_clean(c) for c in list(data["channels_checked"])[:MAX_WARNINGS]),
        items_checked=int(data["items_checked"]),
        ocr_available=bool(data["ocr_available"]),
        pages=int(data["pages"]),
        items_skipped=int(data.get("items_skipped", 0)),
        ocr_pages=int(data.get("ocr_pages", 0)),
        unread_image_pages=int(data.get("unread_image_pages", 0)),
        # shown to reviewers and stored in a clear column: short printable lines, a few at most
        warnings=tuple(_clean(w) for w in list(data.get("warnings", ()))[:MAX_WARNINGS]),
    )


def proposals_to_json(proposals: Any) -> list[dict[str, Any]]:
    return [p.to_dict() for p in proposals]


def proposals_from_json(items: Any) -> list[Proposal]:
    return [Proposal.from_dict(item) for item in items]


def error_to_dict(exc: BaseException) -> dict[str, Any]:
    """An error frame: the engine's own errors keep their type, message and survivors; anything
    else is only its type name (its message might quote the document)."""
    if isinstance(exc, MemoryError) or _is_mupdf_out_of_memory(exc):
        return {"error": "MemoryError"}
    if type(exc).__module__.startswith(("pymupdf", "fitz")):  # MuPDF could not follow the structure
        return {"error": "UnsupportedDocumentError", "message": DAMAGED}
    for name, cls in ERROR_TYPES.items():  # a subclass crosses as its nearest listed base
        if isinstance(exc, cls):
            frame: dict[str, Any] = {"error": name, "message": str(exc)}
            if isinstance(exc, VerificationFailed):
                frame["survivors"] = [list(s) for s in exc.survivors]
                frame["locations"] = [list(location) for location in exc.locations]
            return frame
    return {"error": "internal", "type": type(exc).__name__}


def _is_mupdf_out_of_memory(exc: BaseException) -> bool:
    """MuPDF reports a failed allocation (the address-space limit) as a system error naming malloc."""
    return type(exc).__name__ == "FzErrorSystem" and "alloc" in str(exc).lower()


def error_from_dict(frame: dict[str, Any]) -> Exception:
    """The exception to raise in the parent for an error frame."""
    name = frame.get("error")
    cls = ERROR_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        return SandboxError(_type_name(frame.get("type")))
    message = _clean(frame.get("message"))
    if cls is not VerificationFailed:
        return cls(message)
    survivors = [(_clean(s[0]), _clean(s[1])) for s in _items(frame.get("survivors")) if _is_pair(s)]
    locations = [
        (_clean(channel), page if isinstance(page, int) and not isinstance(page, bool) else None, _clean(category))
        for channel, page, category in (
            item for item in _items(frame.get("locations")) if isinstance(item, list) and len(item) == 3
        )
    ]
    return VerificationFailed(message, survivors, locations)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


#: how many verification warnings from a child are kept (a compromised child could send thousands)
MAX_WARNINGS = 20


def _clean(value: Any) -> str:
    """A message from the child, as one short printable line."""
    text = value if isinstance(value, str) else ""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:MAX_MESSAGE_CHARS]


def _type_name(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,59}", value):
        return value
    return "unknown"


def hidden_from_json(value: Any) -> list[dict[str, str]]:
    """A Word draft's hidden items as the child sent them: a list of channel/where/text strings."""
    if not isinstance(value, list):
        raise ValueError("hidden items must be a list")
    items = []
    for item in value:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("channel", "where", "text")):
            raise ValueError("a hidden item must have channel, where and text strings")
        items.append({k: item[k] for k in ("channel", "where", "text")})
    return items
