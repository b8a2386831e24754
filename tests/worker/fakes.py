"""A tiny stand-in for redaction.engine.RedactionEngine, injected into jobs in unit tests.

It handles UTF-8 text documents: every register name (and alias) is proposed and rendered as
[REDACTED]. Knobs make it fail or dawdle so the job's error and recovery paths can be exercised.
The end-to-end test uses the real engine instead.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from redaction.types import Analysis, Proposal, proposal_id


def _hold_gil(seconds: float) -> None:
    """Keep the GIL for ``seconds``: with a switch interval longer than that, no other thread of this
    process runs (the interpreter never asks this one to let go), like a MuPDF or Tesseract call."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds + 60)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pass
    finally:
        sys.setswitchinterval(previous)


@dataclass
class FakeEngine:
    fail_with: BaseException | None = None
    fail_times: int = 0  # fail only the first N calls, then work
    page_delay: float = 0.0
    pages: int = 3
    calls: int = 0
    #: seconds to hold the GIL in one stretch, as a long call into C code does: the lease heartbeat
    #: thread cannot run meanwhile
    hold_gil: float = 0.0
    #: verification layers the render reports as not run (fail closed: the result needs review)
    warnings: tuple[str, ...] = ()
    seen_registers: list[Any] = field(default_factory=list)

    def analyze(
        self, data: bytes, *, register: Any = None, profile: str | None = None, progress: Any = None
    ) -> Analysis:
        self.calls += 1
        self.seen_registers.append(register)
        if self.fail_with is not None and (self.fail_times == 0 or self.calls <= self.fail_times):
            raise self.fail_with
        if self.hold_gil:
            _hold_gil(self.hold_gil)
        text = data.decode("utf-8")
        names: list[str] = []
        if register:
            raw = json.loads(register) if isinstance(register, bytes | str) else register
            for person in raw.get("people", []):
                names += [person["name"], *person.get("aliases", [])]
        for page in range(self.pages):
            if progress:
                progress(page, self.pages)
            time.sleep(self.page_delay)
        if progress:
            progress(self.pages, self.pages)
        proposals = []
        for name in names:
            start = text.find(name)
            while start >= 0:
                proposals.append(
                    Proposal(
                        id=proposal_id("fake", start, name),
                        category="PERSON_FAMILY",
                        text=name,
                        channel="text",
                        page=None,
                        rects=(),
                        score=1.0,
                        source="register",
                        recognizer="fake",
                        context=text[max(0, start - 20) : start + len(name) + 20],
                        entity=name,
                        label=None,
                        action="remove",
                        start=start,
                        end=start + len(name),
                    )
                )
                start = text.find(name, start + 1)
        return Analysis(kind="text", page_count=self.pages, proposals=tuple(proposals))

    def render(self, data: bytes, proposals: Any) -> bytes:
        text = data.decode("utf-8")
        for proposal in sorted(proposals, key=lambda p: -p.start):
            text = text[: proposal.start] + "[REDACTED]" + text[proposal.end :]
        return text.encode("utf-8")

    def render_with_report(self, data: bytes, proposals: Any, **_options: Any) -> tuple[bytes, Any]:
        from tests.intake.reviewkit import report

        return self.render(data, proposals), report(pages=self.pages, warnings=self.warnings)

    def verify_output(self, output: bytes, forbidden: Any, *, allowed: Any = ()) -> Any:
        from redaction.verify import verify_text
        from tests.intake.reviewkit import report

        verify_text(output.decode("utf-8"), forbidden, allowed=list(allowed))
        return report(warnings=self.warnings)

    # The review screen's document work: the real code (redaction.screen), as the engine does it.
    def find_occurrences(self, data: bytes, text: str, *, category: str = "MANUAL") -> list[Proposal]:
        from redaction import screen

        return screen.find_occurrences(data, text, category=category)

    def manual_box(self, data: bytes, page: int, rect: Any, **options: Any) -> Proposal:
        from redaction import screen

        return screen.manual_box(data, page, rect, **options)

    def page_image(self, data: bytes, page: int, *, proposals: Any = (), dpi: int = 110) -> bytes:
        from redaction import screen

        return screen.page_image(data, page, proposals=proposals, dpi=dpi)

    def page_sizes(self, data: bytes) -> list[tuple[float, float]]:
        from redaction import screen

        return screen.page_sizes(data)
