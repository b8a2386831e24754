"""Is a word an ordinary English word? Used to tell names from the words NER mistakes for names.

The frequencies come from the ``wordfreq`` package (its small English list, bundled in the wheel, loaded
once per process in about 0.1 s; no download). A capitalised token that is rare in English ("Okafor",
"Hollins") is name-like; a frequent one ("Relationship", "Family") is not, unless a name list says it is
a name.
"""

from __future__ import annotations

from functools import lru_cache

COMMON_ZIPF = 3.5  # zipf frequency at and above which a word counts as ordinary English


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", wordlist="small")


def zipf(word: str) -> float:
    import math

    freq = _frequencies().get(word.lower(), 0.0)
    return round(math.log10(freq) + 9, 2) if freq > 0 else 0.0


def is_common_word(word: str) -> bool:
    return zipf(word) >= COMMON_ZIPF
