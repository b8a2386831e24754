"""Redaction policies: the built-in profiles load, strict extends publication, malformed files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from redaction.policy import BUILT_IN, PolicyError, load_policy

# What the spec says each profile must redact (issue 2, "Keep-list and policy").
PUBLICATION_MUST_REDACT = [
    "PERSON",
    "NICKNAME",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "POSTCODE",
    "PHONE",
    "EMAIL",
    "NHS_NUMBER",
    "NI_NUMBER",
    "SCHOOL",
    "HEALTH_FACILITY",
    "CASE_REFERENCE",
    "VEHICLE_REG",
    "SOCIAL_HANDLE",
]
PUBLICATION_MUST_KEEP = ["DATE_TIME", "ORGANIZATION", "LOCATION", "NRP", "AGE", "QUANTITY", "OCCUPATION"]
STRICT_EXTRA = ["DATE_TIME", "ORGANIZATION", "LOCATION", "NRP", "AGE", "QUANTITY", "OCCUPATION"]


@pytest.mark.parametrize("name", BUILT_IN)
def test_when_built_in_profile_is_loaded_then_it_has_rules_and_a_threshold(name: str) -> None:
    policy = load_policy(name)
    assert policy.name == name
    assert 0 < policy.threshold < 1
    assert policy.categories
    assert all(rule.action in ("remove", "label") for rule in policy.categories.values())


@pytest.mark.parametrize("category", PUBLICATION_MUST_REDACT)
def test_when_publication_then_direct_identifiers_are_redacted(category: str) -> None:
    assert load_policy("publication").redacts(category)


@pytest.mark.parametrize("category", PUBLICATION_MUST_KEEP)
def test_when_publication_then_quasi_identifiers_are_kept(category: str) -> None:
    assert not load_policy("publication").redacts(category)


def test_when_strict_then_it_has_every_publication_category() -> None:
    publication, strict = load_policy("publication"), load_policy("strict")
    assert set(publication.categories) <= set(strict.categories)
    for category, rule in publication.categories.items():
        assert strict.rule(category) == rule


@pytest.mark.parametrize("category", STRICT_EXTRA)
def test_when_strict_then_quasi_identifiers_are_also_redacted(category: str) -> None:
    assert load_policy("strict").redacts(category)


def test_when_strict_then_it_inherits_publication_keep_lists() -> None:
    publication, strict = load_policy("publication"), load_policy("strict")
    assert strict.roles == publication.roles and "mother" in strict.roles
    assert strict.pseudonym_heads == publication.pseudonym_heads
    assert strict.public_name_context == publication.public_name_context
    assert strict.post_nominals == publication.post_nominals and "MSc" in strict.post_nominals
    assert strict.public_institutions and not publication.public_institutions


@pytest.mark.parametrize("role", ["social worker", "health visitor", "gp", "police officer", "teacher", "midwife"])
def test_when_publication_then_frontline_roles_never_introduce_a_public_name(role: str) -> None:
    """Practitioners named in a review are redacted; only credit and governance roles make a name public."""
    assert role not in load_policy("publication").public_name_context


def test_when_post_nominals_are_listed_then_they_keep_their_case(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, '[keep]\npost_nominals = ["MSc", "CQSW"]\n'))
    assert policy.post_nominals == frozenset({"MSc", "CQSW"})


def test_when_category_has_no_rule_then_default_is_remove() -> None:
    rule = load_policy("publication").rule("NO_SUCH_CATEGORY")
    assert rule.action == "remove"


def write(tmp_path: Path, body: str, name: str = "policy.toml") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_when_custom_policy_file_is_valid_then_it_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "mine"\nthreshold = 0.5\n[categories]\nPERSON = { action = "label", '
        'label = "Person {n}" }\n[keep]\nroles = ["Mother"]\n',
    )
    policy = load_policy(path)
    assert policy.name == "mine" and policy.threshold == 0.5
    assert policy.rule("PERSON").action == "label" and policy.rule("PERSON").label == "Person {n}"
    assert policy.roles == frozenset({"mother"})
    assert not policy.redacts("EMAIL")


def test_when_custom_policy_extends_a_built_in_then_categories_merge(tmp_path: Path) -> None:
    path = write(tmp_path, 'extends = "publication"\n[categories]\nDATE_TIME = { action = "remove" }\n')
    policy = load_policy(path)
    assert policy.redacts("DATE_TIME") and policy.redacts("PERSON") and "mother" in policy.roles


MALFORMED = [
    ("name = [", "not TOML"),
    ('[categories]\nPERSON = { action = "delete" }\n', "unknown action"),
    ('[categories]\nPERSON = { action = "remove", colour = "red" }\n', "unknown rule key"),
    ('[categories]\nPERSON = "remove"\n', "rule not a table"),
    ('extends = "no-such-policy"\n', "parent missing"),
    ('threshold = "high"\n', "threshold not a number"),
    ('categories = "PERSON"\n', "categories not a table"),
    ('[keep]\nroles = "mother"\n', "keep list not a list"),
]


@pytest.mark.parametrize(("body", "why"), MALFORMED)
def test_when_policy_file_is_malformed_then_policy_error(tmp_path: Path, body: str, why: str) -> None:
    with pytest.raises(PolicyError):
        load_policy(write(tmp_path, body))


def test_when_policy_file_is_missing_then_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        load_policy(str(tmp_path / "absent.toml"))


def test_when_unknown_action_then_message_names_the_category(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="EMAIL"):
        load_policy(write(tmp_path, '[categories]\nEMAIL = { action = "blur" }\n'))
