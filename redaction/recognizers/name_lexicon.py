"""Given name + surname pairs that spaCy's small English NER misses, typically names that are not
Anglo ("Parveen Sharma", "Łukasz Wiśniewski", "Mehmet Ali Ege"): a capitalised token that is a known
given name (Faker's per-locale name lists, English words removed) followed by one or two capitalised
tokens that are not institution, place-descriptor, month or sentence words.

A given name alone is not matched: on ECHR judgments and review prose too many capitalised words open
sentences. The engine's propagation finds later first-name-only mentions once the pair is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._names import NameLexicon, load_name_lexicon
from redaction.recognizers._text import NAME_TOKEN, is_ordinary_word

_SP = r"[ \u00a0]+"
_TOKEN_RE = re.compile(rf"(?<![\w'’\-]){NAME_TOKEN}(?![\w\-])")
_FOLLOW_RE = re.compile(rf"(?:{_SP}{NAME_TOKEN}){{1,2}}(?![\w\-])")
_STREET_OR_PLACE = frozenset(
    """street road avenue close lane drive way crescent grove court place gardens terrace walk mews rise
    view square hill park row parade green house lodge primary infant junior nursery academy surgery
    hospital practice centre clinic ward bridge""".split()
)


class NameLexiconRecognizer(TextRecognizer):
    """Finds "<known given name> <Surname>[ <Surname>]" pairs."""

    ENTITIES = ("PERSON",)
    SCORE = 0.7
    KNOWN_SURNAME_SCORE = 0.75
    WORD_NAME_SCORE = 0.6

    def __init__(self, lexicon: Callable[[], NameLexicon] = load_name_lexicon, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language)
        self._lexicon = lexicon

    def find(self, text: str) -> Iterator[Hit]:
        lexicon = self._lexicon()
        for token_match in _TOKEN_RE.finditer(text):
            first = token_match.group()
            is_word_name = first in lexicon.word_first_names
            if not (lexicon.is_first_name(first) or is_word_name):
                continue
            follow = _FOLLOW_RE.match(text, token_match.end())
            if not follow:
                continue
            rest = list(re.finditer(r"\S+", follow.group()))
            kept = []
            for token in rest:
                word = token.group()
                if is_ordinary_word(word) or word.lower() in _STREET_OR_PLACE:
                    break
                kept.append(token)
            if not kept:
                continue
            end = follow.start() + kept[-1].end()
            known_surname = lexicon.is_surname(kept[-1].group())
            if is_word_name:
                if not known_surname:
                    continue
                score = self.WORD_NAME_SCORE
            else:
                score = self.KNOWN_SURNAME_SCORE if known_surname else self.SCORE
            yield Hit(token_match.start(), end, score, "PERSON", "lexicon_name")
