"""First-name and surname lexicon built from Faker's per-locale person providers (MIT licence).

Faker ships curated name lists for many locales; SafePub's families and the ECHR's applicants come
from the UK, Ireland, South Asia, West and East Africa, Poland, Romania, Lithuania, Turkey, Germany and
elsewhere, so a fixed list of Latin-script locales is read once per process (about 0.1 s) and cached.
Names that are also ordinary English words ("Will", "Grace", "Summer", "Mark") are dropped, because
a capitalised common word at the start of a sentence must not look like a person.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from redaction.recognizers._text import LOWER, MONTH_AND_DAY_WORDS, ORG_WORDS, ROLE_WORDS, STOP_WORDS, UPPER

DEFAULT_LOCALES: tuple[str, ...] = (
    "en_GB", "en_IE", "en_US", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG", "en_KE", "sw", "tw_GH",
    "zu_ZA", "pl_PL", "ro_RO", "lt_LT", "lv_LV", "cs_CZ", "sk_SK", "hu_HU", "hr_HR", "sl_SI", "tr_TR",
    "de_DE", "de_AT", "fr_FR", "it_IT", "es_ES", "pt_PT", "pt_BR", "nl_NL", "id_ID",
)  # fmt: skip

_LATIN_NAME_RE = re.compile(rf"[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}]?[{LOWER}]+)*")

# Given names that are everyday English words, or words that open sentences in reviews and judgments.
ENGLISH_WORD_NAMES = frozenset(
    """will may grace hope faith summer april june july august mark bill rose lee joy dawn autumn winter
    holly ivy violet daisy lily iris hazel heather jasmine ruby pearl amber crystal crystal sky skye star
    angel baby honey candy sunny sonny rich guy art ray don earl major grant cole hunter mason carter
    taylor parker cash chase colt gray grey jack jade jet rock rocky stone wade will wood young king prince
    duke lord bishop pope page miles drew bob rob sue pat matt nick vale rush hall lane price nash stern
    case chance child christian constance charity clement felicity patience prudence verity harmony
    melody destiny trinity liberty justice law hero noble royal rich pierce penny marsha misty sandy
    sterling storm river brook brooke dale glen glenn forest heath reed rush sage cliff dusty gene
    bonnie cherry ginger olive poppy primrose saffron blossom fern willow meadow rain raven robin wren
    wynn an un de la le el al van von der den di da do du ben bo ha ma mo na ni no so su ta to tu ye yu
    said sale salt sum ever even ash bay bear bird blue brave buck bud carol chip clay coral dove eve
    faye fay hart ivory jewel kit lark lucky mercy nova oak ocean onyx opal pax reign sol
    solomon sparrow true unity vida wild zen mina min tan pan lan long young sang hung man mai
    amen bill bliss bright dash day dawson dylan early field ford free gay gold golden happy honor
    key lane lion love major mac may moon navy noel north park peace rain rose rowan royal ryder
    shade shadow sing sky snow song spring sun sweet tide west white wolf woods court ward street
    ali can cem deniz doğan ece ilk nur su umut ay bora kaya mert""".split()
)

# Nationality adjectives and place names that Faker lists as given names ("German", "Sierra", "Van").
PLACE_WORD_NAMES = frozenset(
    """german france francis england english britain british ireland irish scotland wales welsh
    america american sierra leone van paris london york jersey india indian china chinese italia
    georgia florida virginia carolina dakota israel jordan kenya roma romania poland polish turkey
    turkish russia russian europe european africa african asia asian christ christmas easter""".split()
)


@dataclass(frozen=True)
class NameLexicon:
    """Frozen sets of given names and surnames (title-cased), both minus English words.

    ``word_first_names`` are given names that are also English words ("Dean", "Grace", "Mark"): they
    count only before a known surname.
    """

    first_names: frozenset[str]
    surnames: frozenset[str]
    word_first_names: frozenset[str] = frozenset()

    def is_first_name(self, word: str) -> bool:
        return word in self.first_names

    def is_surname(self, word: str) -> bool:
        return word in self.surnames


def _names_of(values: object) -> Iterable[str]:
    if isinstance(values, dict):
        return values.keys()
    if isinstance(values, list | tuple):
        return values
    return ()


def _is_function_word(word: str) -> bool:
    low = word.lower()
    return (
        low in STOP_WORDS
        or low in MONTH_AND_DAY_WORDS
        or low in ORG_WORDS
        or low in ROLE_WORDS
        or low in PLACE_WORD_NAMES
        or len(word) < 3
    )


def _is_english_word(word: str, english_words: frozenset[str]) -> bool:
    low = word.lower()
    return low in english_words or low in ENGLISH_WORD_NAMES


@lru_cache(maxsize=4)
def load_name_lexicon(locales: tuple[str, ...] = DEFAULT_LOCALES) -> NameLexicon:
    """Read Faker's person providers for ``locales`` once per process; unknown locales are skipped."""
    english_words = _english_words()
    first: set[str] = set()
    last: set[str] = set()
    word_first: set[str] = set()
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue
        for attribute, bucket in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
        ):
            for name in _names_of(getattr(provider, attribute, ())):
                for part in str(name).split():
                    if not _LATIN_NAME_RE.fullmatch(part) or _is_function_word(part):
                        continue
                    if not _is_english_word(part, english_words):
                        bucket.add(part)
                    elif bucket is first:
                        word_first.add(part)
    return NameLexicon(first_names=frozenset(first), surnames=frozenset(last), word_first_names=frozenset(word_first))


def _english_words() -> frozenset[str]:
    """Faker's English lorem list (~1,000 common words) as a dictionary of words that are not names."""
    try:
        from faker.providers.lorem.en_US import Provider as EnglishLorem
    except ImportError:
        return frozenset()
    return frozenset(word.lower() for word in EnglishLorem.word_list)
