"""Word lists the recognizers match against, shipped as data: one ``<name>.txt`` per vocabulary.

Each file names its source on its first line (``# Source: ...``); further ``#`` lines are comments; every
other non-blank line is one entry, written as it appears in a name (Title Case, "Church of England",
"Walk-in Centre"). Files are read once per process (``functools.cache``).

``pattern`` turns entries into a regex (a prefix trie) that matches each entry as written or in ALL CAPS
("Mansions", "MANSIONS"), never in lower case, so "a tower of strength" or "the court heard" cannot
match a descriptor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

THOROUGHFARES = "thoroughfares"
BUILDINGS = "buildings"
SCHOOL_TYPES = "school_types"
SCHOOL_QUALIFIERS = "school_qualifiers"
HEALTH_FACILITY_TYPES = "health_facility_types"
HEALTH_FACILITY_QUALIFIERS = "health_facility_qualifiers"
NAMES: tuple[str, ...] = (
    THOROUGHFARES,
    BUILDINGS,
    SCHOOL_TYPES,
    SCHOOL_QUALIFIERS,
    HEALTH_FACILITY_TYPES,
    HEALTH_FACILITY_QUALIFIERS,
)
_SOURCE_PREFIX = "# Source:"


@cache
def _lines(name: str) -> tuple[str, ...]:
    if name not in NAMES:
        raise KeyError(f"no vocabulary named {name!r}")
    text = resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines())


@cache
def load(name: str) -> tuple[str, ...]:
    """The entries of vocabulary ``name``, in file order."""
    return tuple(line for line in _lines(name) if line and not line.startswith("#"))


def source(name: str) -> str:
    """The source the file names on its first line ("" when it names none)."""
    lines = _lines(name)
    first = lines[0] if lines else ""
    return first[len(_SOURCE_PREFIX) :].strip() if first.startswith(_SOURCE_PREFIX) else ""


@cache
def words(name: str) -> frozenset[str]:
    """Every word of every entry of ``name``, lower case ("church", "of", "england", ...)."""
    return frozenset(word.lower() for entry in load(name) for word in entry.split())


_SPACE = r"[ \u00a0]+"


def _units(entry: str) -> tuple[str, ...]:
    """One entry as regex units: spaces as runs of (non-breaking) space, either apostrophe, an optional
    hyphen whose next letter may be either case ("Pre-School", "Pre-school", "Preschool")."""
    out: list[str] = []
    index = 0
    while index < len(entry):
        char = entry[index]
        if char == " ":
            out.append(_SPACE)
        elif char in "'’":
            out.append("['’]")
        elif char == "-" and index + 1 < len(entry) and entry[index + 1].isalpha():
            following = entry[index + 1]
            out.append(f"[-\u2010]?[{re.escape(following.upper())}{re.escape(following.lower())}]")
            index += 1
        else:
            out.append(re.escape(char))
        index += 1
    return tuple(out)


_END = ""
_Trie = dict[str, "_Trie"]


def _trie_regex(node: _Trie) -> str:
    """A trie of units as a regex; longer entries are tried before their prefixes."""
    branches = [unit + _trie_regex(child) for unit, child in sorted(node.items()) if unit != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return f"(?:{body})?"
    return body


def pattern(entries: Iterable[str]) -> str:
    """A non-capturing alternation of ``entries``, each as written or in ALL CAPS.

    Built as a prefix trie, so a failing branch costs one character test however long the list is,
    and where one entry is a prefix of another ("Medical", "Medical Centre") the longer is tried first.
    """
    root: _Trie = {}
    for entry in entries:
        for variant in (entry, entry.upper()):
            node = root
            for unit in _units(variant):
                node = node.setdefault(unit, {})
            node[_END] = {}
    return f"(?:{_trie_regex(root)})"


__all__ = [
    "BUILDINGS",
    "HEALTH_FACILITY_QUALIFIERS",
    "HEALTH_FACILITY_TYPES",
    "NAMES",
    "SCHOOL_QUALIFIERS",
    "SCHOOL_TYPES",
    "THOROUGHFARES",
    "load",
    "pattern",
    "source",
    "words",
]
