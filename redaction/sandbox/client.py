"""SandboxedEngine: the engine's methods, each run in a fresh, limited, exec'd child process.

The parent (the RQ worker, which holds the key-encryption key and the database and archive
credentials) never parses an untrusted document itself. Every call starts
``python -I -m redaction.sandbox.child`` by exec (not a fork: the child has none of the parent's
memory), with an environment scrubbed to a short allow-list, no inherited file descriptors, its own
process group, and (in ``bwrap`` mode) a read-only root, a private /tmp, no network and no view of
other processes. The document goes in on stdin, the answer comes back on stdout as JSON-headed frames
(``protocol.py``): never pickle, so a compromised child cannot run code in the parent.

How a child ends decides what the parent raises: the engine's own errors come back as the same types;
the memory limit, the CPU limit and the wall-clock timeout raise :class:`BudgetExceeded`; any other
fatal signal :class:`ParserCrashed`; a broken protocol :class:`SandboxError`. All are for the uploader
and quote nothing from the document.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from redaction.budgets import Budgets
from redaction.sandbox import codec
from redaction.sandbox.errors import SandboxError, SandboxUnavailable
from redaction.sandbox.limits import Limits, bwrap_args, bwrap_path, bwrap_usable
from redaction.sandbox.process import ChildProcess, Mode, Progress
from redaction.types import Analysis, Proposal, Rect, Span
from redaction.verify import VerificationReport

log = logging.getLogger("safepub.sandbox")


_PNG = b"\x89PNG\r\n\x1a\n"
#: LibreOffice opens its libraries, fonts and profile files: far more descriptors than a parser needs
WORD_OPEN_FILES = 4096


def resolve_mode(mode: str) -> Mode:
    """``auto`` is bwrap where it works, else process limits alone (with a warning)."""
    if mode == "bwrap":
        if not bwrap_usable():
            raise SandboxUnavailable("bwrap is not installed or cannot create a sandbox here")
        return "bwrap"
    if mode == "rlimits":
        return "rlimits"
    if mode == "auto":
        if bwrap_usable():
            return "bwrap"
        log.warning("bwrap unavailable: documents are parsed with process limits only (no namespace sandbox)")
        return "rlimits"
    raise ValueError(f"unknown sandbox mode {mode!r}")


class SandboxedEngine:
    """The public methods of :class:`redaction.engine.RedactionEngine`, each in a fresh sandboxed child.

    Nothing here imports spaCy, Presidio or the extraction code: a worker holding this engine never
    loads the model (each child does, only when it analyses)."""

    def __init__(
        self,
        *,
        profile: str = "publication",
        ocr: bool = True,
        n_process: int | None = None,
        mode: str = "auto",
        limits: Limits | None = None,
        timeout_seconds: float = 900.0,
        budgets: Budgets | None = None,
        hidden: Sequence[str | Path] = (),
    ) -> None:
        """``hidden``: paths the child must not see under bwrap (keys, the data directory)."""
        self.hidden = tuple(hidden)
        self.default_profile = profile
        self.mode: Mode = resolve_mode(mode)
        self.limits = limits or Limits()
        self.timeout_seconds = timeout_seconds
        self.budgets = budgets or Budgets()
        self._engine_options = {"profile": profile, "ocr": ocr, "n_process": n_process}

    # ---------------------------------------------------------------------------------------------------
    def analyze(
        self,
        data: bytes,
        *,
        register: Any = None,
        profile: str | None = None,
        progress: Progress | None = None,
        hidden: Sequence[Mapping[str, str]] = (),
    ) -> Analysis:
        args = {
            "register": codec.register_to_json(register),
            "profile": profile,
            "hidden": [{k: str(item.get(k, "")) for k in ("channel", "where", "text")} for item in hidden],
        }
        result, _ = self._call("analyze", args, data, progress)
        return self._decode(Analysis.from_dict, result)

    def detect_spans(
        self, data: bytes, *, register: Any = None, profile: str | None = None, extraction: Any = None
    ) -> tuple[str, list[Span]]:
        """The detection text and resolved spans (``safepub detect --sandbox``); ``extraction`` is
        accepted for the command line's sake and ignored (the child prefetches its own)."""
        args = {"register": codec.register_to_json(register), "profile": profile}
        result, _ = self._call("detect_spans", args, data)
        return self._decode(lambda r: (str(r["text"]), [Span(**s) for s in r["spans"]]), result)

    def redact(
        self,
        data: bytes,
        *,
        register: Any = None,
        profile: str | None = None,
        progress: Progress | None = None,
        extraction: Any = None,
        hidden: Sequence[Mapping[str, str]] = (),
    ) -> tuple[bytes, Analysis]:
        """Analyse, then render and verify, each in its own child (``safepub redact --sandbox``)."""
        from redaction.engine import with_verification_review

        analysis = self.analyze(data, register=register, profile=profile, progress=progress, hidden=hidden)
        output, report = self.render_with_report(
            data, analysis.proposals, kept_phrases=analysis.kept_phrases, register=register
        )
        return output, with_verification_review(analysis, report)

    def render(
        self,
        data: bytes,
        proposals: Iterable[Proposal],
        *,
        kept: Iterable[Proposal] = (),
        kept_phrases: Iterable[str] = (),
        register: Any = None,
    ) -> bytes:
        return self.render_with_report(data, proposals, kept=kept, kept_phrases=kept_phrases, register=register)[0]

    def render_with_report(
        self,
        data: bytes,
        proposals: Iterable[Proposal],
        *,
        kept: Iterable[Proposal] = (),
        kept_phrases: Iterable[str] = (),
        register: Any = None,
    ) -> tuple[bytes, VerificationReport]:
        args = {
            "proposals": codec.proposals_to_json(proposals),
            "kept": codec.proposals_to_json(kept),
            "kept_phrases": list(kept_phrases),
            "register": codec.register_to_json(register),
        }
        result, output = self._call("render_with_report", args, data)
        return output, self._decode(codec.report_from_dict, result)

    def verify_output(
        self, output: bytes, forbidden: list[tuple[str, str]], *, allowed: Iterable[str] = ()
    ) -> VerificationReport:
        args = {"forbidden": [list(item) for item in forbidden], "allowed": list(allowed)}
        result, _ = self._call("verify_output", args, output)
        return self._decode(codec.report_from_dict, result)

    def convert_word(self, data: bytes, *, timeout_seconds: float = 300.0) -> tuple[bytes, list[dict[str, str]]]:
        """A Word draft's publication PDF and hidden channels, from LibreOffice in a sandboxed child. The
        converter opens many files and maps much memory: its child gets more descriptors than others."""
        limits = dataclasses.replace(self.limits, open_files=max(self.limits.open_files, WORD_OPEN_FILES))
        timeout = min(float(timeout_seconds), self.timeout_seconds)
        result, pdf = self._call("convert_word", {"timeout": timeout}, data, limits=limits)
        if not pdf.startswith(b"%PDF-"):
            raise SandboxError("ProtocolError")
        return pdf, self._decode(codec.hidden_from_json, result)

    def redact_docx(
        self, data: bytes, proposals: Iterable[Proposal], *, kept: Iterable[Proposal] = (), register: Any = None
    ) -> bytes:
        """The partnership's redacted, verified copy of a Word draft, made in a sandboxed child."""
        args = {
            "proposals": codec.proposals_to_json(proposals),
            "kept": codec.proposals_to_json(kept),
            "register": codec.register_to_json(register),
        }
        _, docx = self._call("redact_docx", args, data)
        if not docx.startswith(b"PK\x03\x04"):
            raise SandboxError("ProtocolError")
        return docx

    def find_occurrences(self, data: bytes, text: str, *, category: str = "MANUAL") -> list[Proposal]:
        result, _ = self._call("find_occurrences", {"text": text, "category": category}, data)
        return self._decode(codec.proposals_from_json, result)

    def manual_box(
        self, data: bytes, page: int, rect: Rect, *, category: str = "MANUAL_BOX", label: str | None = None
    ) -> Proposal:
        args = {"page": page, "rect": list(rect), "category": category, "label": label}
        result, _ = self._call("manual_box", args, data)
        return self._decode(Proposal.from_dict, result)

    def page_image(self, data: bytes, page: int, *, proposals: Iterable[Proposal] = (), dpi: int = 110) -> bytes:
        args = {"page": page, "proposals": codec.proposals_to_json(proposals), "dpi": dpi}
        _, png = self._call("page_image", args, data)
        if not png.startswith(_PNG):
            raise SandboxError("ProtocolError")
        return png

    def page_images(self, data: bytes, *, dpi: int = 110) -> list[tuple[float, float, bytes]]:
        """``(width, height, png)`` of every page, all from one child (one frame per page)."""
        parts: list[tuple[Any, bytes]] = []
        count, _ = self._call("page_images", {"dpi": dpi}, data, parts=parts)
        if count != len(parts) or not all(png.startswith(_PNG) for _, png in parts):
            raise SandboxError("ProtocolError")
        return self._decode(lambda items: [(float(h[0]), float(h[1]), png) for h, png in items], parts)

    def page_sizes(self, data: bytes) -> list[tuple[float, float]]:
        result, _ = self._call("page_sizes", {}, data)
        return self._decode(lambda sizes: [(float(w), float(h)) for w, h in sizes], result)

    # ---------------------------------------------------------------------------------------------------
    def command(self, limits: Limits | None = None) -> list[str]:
        """The child's command line (bwrap around the interpreter in ``bwrap`` mode)."""
        child = [sys.executable, "-I", "-m", "redaction.sandbox.child", *(limits or self.limits).argv()]
        if self.mode == "bwrap":
            return [bwrap_path() or "bwrap", *bwrap_args(self.hidden), "--", *child]
        return child

    def _call(
        self,
        method: str,
        args: dict[str, Any],
        data: bytes,
        progress: Progress | None = None,
        parts: list[tuple[Any, bytes]] | None = None,
        limits: Limits | None = None,
    ) -> tuple[Any, bytes]:
        """One call in one fresh child; ``parts`` receives the frames of a long answer."""
        request = {
            "method": method,
            "args": args,
            "engine": self._engine_options,
            "budgets": dataclasses.asdict(self.budgets),
        }
        limits = limits or self.limits
        child = ChildProcess(self.command(limits), self.mode, limits)
        result = child.run(request, data, progress, self.timeout_seconds)
        if parts is not None:
            parts.extend(child.parts)
        return result

    @staticmethod
    def _decode(decode: Callable[[Any], Any], value: Any) -> Any:
        try:
            return decode(value)
        except Exception:  # noqa: BLE001 - the child's answer is untrusted data of the wrong shape
            raise SandboxError("ProtocolError") from None
