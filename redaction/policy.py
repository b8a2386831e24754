"""Redaction policy: which categories are redacted, how, and what is always kept.

Policies are readable TOML files in ``config/policies/`` (``publication`` and ``strict`` built in);
a deployment can point at its own file. A policy may ``extends`` another: categories are merged, keep
lists given in the child replace the parent's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from redaction.errors import RedactionError
from redaction.types import Action

BUILT_IN = ("publication", "strict")


class PolicyError(RedactionError):
    """A policy file is missing or malformed."""


@dataclass(frozen=True)
class CategoryRule:
    action: Action = "remove"
    label: str = ""


@dataclass(frozen=True)
class Policy:
    name: str
    threshold: float
    categories: dict[str, CategoryRule]
    roles: frozenset[str] = field(default_factory=frozenset)
    pseudonym_heads: frozenset[str] = field(default_factory=frozenset)
    agency_words: frozenset[str] = field(default_factory=frozenset)
    agency_heads: frozenset[str] = field(default_factory=frozenset)
    not_names: frozenset[str] = field(default_factory=frozenset)
    acronyms: frozenset[str] = field(default_factory=frozenset)
    post_nominals: frozenset[str] = field(default_factory=frozenset)
    public_name_context: tuple[str, ...] = ()
    public_institutions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def redacts(self, category: str) -> bool:
        return category in self.categories

    def rule(self, category: str) -> CategoryRule:
        return self.categories.get(category, CategoryRule())


def _read(name_or_path: str) -> dict[str, Any]:
    try:
        if name_or_path in BUILT_IN:
            text = resources.files("config").joinpath("policies", f"{name_or_path}.toml").read_text("utf-8")
        else:
            text = Path(name_or_path).read_text("utf-8")
        return tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"cannot read redaction policy {name_or_path!r}: {exc}") from exc


def load_policy(name_or_path: str = "publication") -> Policy:
    data = _read(name_or_path)
    parent = data.get("extends")
    if parent:
        base = _read(parent)
        merged_categories = {**base.get("categories", {}), **data.get("categories", {})}
        merged_keep = {**base.get("keep", {}), **data.get("keep", {})}
        data = {**base, **data, "categories": merged_categories, "keep": merged_keep}
    keep = data.get("keep", {})
    if not isinstance(keep, dict) or not isinstance(data.get("categories", {}), dict):
        raise PolicyError(f"policy {name_or_path!r}: 'keep' and 'categories' must be tables")
    try:
        categories = {k: CategoryRule(**v) for k, v in data.get("categories", {}).items()}
    except TypeError as exc:
        raise PolicyError(f"policy {name_or_path!r}: bad category rule: {exc}") from exc
    try:
        threshold = float(data.get("threshold", 0.4))
    except (TypeError, ValueError) as exc:
        raise PolicyError(f"policy {name_or_path!r}: 'threshold' must be a number") from exc
    for key, value in keep.items():
        if key != "public_institutions" and not isinstance(value, list):
            raise PolicyError(f"policy {name_or_path!r}: keep list {key!r} must be a list of words")
    for cat, rule in categories.items():
        if rule.action not in ("remove", "label"):
            raise PolicyError(f"policy {name_or_path!r}: category {cat} has unknown action {rule.action!r}")
    lower = lambda key: frozenset(str(w).lower() for w in keep.get(key, []))  # noqa: E731
    return Policy(
        name=str(data.get("name", name_or_path)),
        threshold=threshold,
        categories=categories,
        roles=lower("roles"),
        pseudonym_heads=lower("pseudonym_heads"),
        agency_words=lower("agency_words"),
        agency_heads=lower("agency_heads"),
        not_names=lower("not_names"),
        acronyms=frozenset(str(w) for w in keep.get("acronyms", [])),
        post_nominals=frozenset(str(w) for w in keep.get("post_nominals", [])),
        public_name_context=tuple(str(w).lower() for w in keep.get("public_name_context", [])),
        public_institutions={
            str(k): tuple(str(w).lower() for w in v) for k, v in keep.get("public_institutions", {}).items()
        },
    )
