"""ALL-CAPS names in headings and letters: "Re: KELLY HOLLINS (DOB 04/07/1981)".

Two or three capitalised words are a name only with evidence, because headings are in capitals too:
a person cue on the left ("Re:", "Name:", "Child:", "Mother:"), a date of birth or age on the right,
or a first word that is a known given name (NameLexicon). Acronyms and heading words never count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left, context_right
from redaction.recognizers._names import NameLexicon, load_name_lexicon
from redaction.recognizers._text import CAPS_TOKEN, MONTH_AND_DAY_WORDS, is_ordinary_word

_CAPS_RE = re.compile(rf"(?<![\w'’\-])(?:{CAPS_TOKEN})(?:[ \u00a0]+(?:{CAPS_TOKEN})){{1,2}}(?![\w'’\-])")
_LEFT_CUE_RE = re.compile(
    r"(?:\bre|\bname|\bsubject|\bchild|\bmother|\bfather|\bparent|\bpatient|\bpupil|\bapplicant|\bdefendant|"
    r"\brespondent|\bin\s+the\s+matter\s+of|\bconcerning|\bdear)\s*[:\-–]?\s*$",
    re.IGNORECASE,
)
_RIGHT_CUE_RE = re.compile(
    r"\s*[(,\-–]?\s*(?:dob\b|d\.o\.b|born\b|date\s+of\s+birth|aged?\s*\d|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})",
    re.IGNORECASE,
)
# Heading and legal words seen in capitals that are not names (besides English stop words).
_HEADING_WORDS = frozenset(
    """review serious case safeguarding practice child children family findings recommendations analysis
    introduction background chronology appendix terms reference agencies involved draft final report
    executive summary procedure facts law circumstances judgment decision holds unanimously court
    european human rights convention article government united kingdom republic versus and the of for
    in on to by with held declares dismisses remainder application admissible inadmissible relevant
    domestic international complaints alleged violation just satisfaction damage costs expenses default
    interest separate opinion dissenting concurring partly joint section chamber grand president
    registrar deputy judges strasbourg merits preliminary objection objections first second third fourth
    fifth part chapter schedule annex note notes table contents page confidential official sensitive
    not for publication protect restricted nhs police council trust board partnership local authority
    mash csc cin cp lac icpc rcpc gp ae hv sw dsl iro lado marac mappa dash camhs ndpb ofsted cqc nice
    uk gb eu usa ok tv dvd pdf covid name address dob date birth ethnicity relationship mother father
    key events event agency when what happened subject learning lessons themes response""".split()
)


class CapsNameRecognizer(TextRecognizer):
    """Finds two- or three-word ALL-CAPS names with a person cue or a known given name first."""

    ENTITIES = ("PERSON",)
    CUE_SCORE = 0.85
    LEXICON_SCORE = 0.6

    def __init__(self, lexicon: Callable[[], NameLexicon] = load_name_lexicon, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language)
        self._lexicon = lexicon

    def find(self, text: str) -> Iterator[Hit]:
        for match in _CAPS_RE.finditer(text):
            words = match.group().split()
            if any(len(word) < 2 or word.lower() in _HEADING_WORDS for word in words):
                continue
            # Month words are given names too ("ISLA MAY HOLLINS"), but only with a cue.
            if any(is_ordinary_word(word) and word.lower() not in MONTH_AND_DAY_WORDS for word in words):
                continue
            has_month = any(word.lower() in MONTH_AND_DAY_WORDS for word in words)
            if not any(ch in "AEIOUYÀÁÂÄÉÈÊËÍÎÏÓÔÖÚÛÜ" for ch in words[-1]):
                continue  # acronyms like "CSPR" have no vowel
            if context_left(_LEFT_CUE_RE, text, match.start(), 40) or context_right(
                _RIGHT_CUE_RE, text, match.end(), 30
            ):
                yield Hit(match.start(), match.end(), self.CUE_SCORE, "PERSON", "caps_name_cue")
            elif not has_month and self._lexicon().is_first_name(words[0].title()):
                yield Hit(match.start(), match.end(), self.LEXICON_SCORE, "PERSON", "caps_name_lexicon")
