"""The shared scorer's reading of a PDF, for building variant corpora (``variants.py``).

A variant's truth must say where an item is exactly as ``../shared/eval/score.py`` will look for it,
so this module does not re-implement any extraction or matching: it loads the scorer itself as a module
(``scorer()``, once per process) and exposes the few readings the builders need: the text channels of a
PDF, the channels in which an item occurs verbatim (case-sensitive, word-bounded, whitespace- and
NFKC-normalised), and a page's characters with their boxes (to find an item's pixels in an image).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pymupdf

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "eval" / "score.py"


@lru_cache(maxsize=1)
def scorer() -> ModuleType:
    """The shared scorer (``../shared/eval/score.py``) as a module: its extraction and matching."""
    if not SCORER.exists():
        raise FileNotFoundError(f"scorer not found at {SCORER}")
    spec = importlib.util.spec_from_file_location("safepub_shared_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verbatim_pattern(text: str) -> re.Pattern[str]:
    """The scorer's pattern for an item, but case-sensitive (the truth promises verbatim text)."""
    return re.compile(scorer().item_pattern(text).pattern)


def text_channels(pdf: Path) -> dict[str, Any]:
    """The scorer's text channels of a PDF (without raw strings)."""
    channels = scorer().extract(pdf, with_raw=False)
    if channels is None:
        raise RuntimeError(f"cannot open {pdf}")
    return channels


def found_in(channels: dict[str, Any], text: str) -> list[str]:
    """Text channels in which ``text`` occurs verbatim."""
    pattern = verbatim_pattern(text)
    return [c for c in scorer().TEXT_CHANNELS if scorer().count(pattern, channels[c])]


def page_chars(page: pymupdf.Page) -> tuple[str, list]:
    """The scorer's view of a page: text (NFKC-expanded) with one box per character, None at line ends."""
    return scorer().page_chars(page)
