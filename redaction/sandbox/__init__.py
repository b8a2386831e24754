"""The sandbox for every parse of an untrusted document: see ``client.py`` (the parent's side),
``child.py`` (the child), ``protocol.py`` (the frames between them) and ``limits.py``.

This package imports neither spaCy nor the extraction code: a process that only holds a
:class:`SandboxedEngine` never loads the model.
"""

from redaction.budgets import BudgetExceeded, Budgets
from redaction.sandbox.client import SandboxedEngine, resolve_mode
from redaction.sandbox.errors import ParserCrashed, SandboxError, SandboxUnavailable
from redaction.sandbox.limits import Limits, bwrap_usable, harden_current_process

__all__ = [
    "BudgetExceeded",
    "Budgets",
    "Limits",
    "ParserCrashed",
    "SandboxError",
    "SandboxUnavailable",
    "SandboxedEngine",
    "bwrap_usable",
    "harden_current_process",
    "resolve_mode",
]
