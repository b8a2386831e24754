"""Sandboxed engines with small limits, so every hostile case ends in seconds."""

from __future__ import annotations

import pytest

from redaction.budgets import Budgets
from redaction.sandbox import Limits, SandboxedEngine, bwrap_usable

MIB = 1024 * 1024
SMALL_BUDGETS = Budgets(max_stream_bytes=64 * MIB, max_total_stream_bytes=128 * MIB, max_render_pixels=4_000_000)
SMALL_LIMITS = Limits(memory_bytes=2048 * MIB, cpu_seconds=60)

needs_bwrap = pytest.mark.skipif(not bwrap_usable(), reason="bwrap cannot create a sandbox here")


@pytest.fixture(scope="session")
def sandboxed() -> SandboxedEngine:
    """The production shape (bwrap where usable), with test-sized limits and no OCR (faster)."""
    return SandboxedEngine(mode="auto", ocr=False, limits=SMALL_LIMITS, budgets=SMALL_BUDGETS, timeout_seconds=120)
