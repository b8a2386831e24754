"""Organisations known by an acronym ("PKK", "COTOREP", "TRNC"): NER rarely tags them.

``strict`` masks organisations; ``publication`` keeps agency names, so this matters only there.
Common acronyms of procedure, law and public bodies that identify nobody are excluded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer

_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z&]{2,7}(?![\w-])")
_COMMON = frozenset(
    """THE AND FOR LAW FACTS PROCEDURE COURT HOLDS UNANIMOUSLY ECHR ECHR's NHS GP HMRC UK USA EU UN EEC
    OJ ILO OECD CCTV DNA HIV AIDS ICU MRI CPS CSC MASH DASH MARAC LSCB SCR CSPR ICB CCG DSL SENCO
    CAMHS EHCP TAC CIN CP ADHD PTSD OCD ASD NICE NSPCC OFSTED SEN SEND NFA ED AE IDVA ISVA GBP EUR USD
    TRY TRL SEK NOK DEM ATS FRF PLN CHF ISBN PDF DOB NINO NI TV BBC ITV PC DC DS DI DCI PS PCSO
    III IV VI VII VIII IX XI XII XIII XIV XV XVI XVII XVIII XIX XX APPLICATION ARTICLE PROTOCOL
    CONVENTION JUDGMENT DECISION FINAL AS TO ADMISSIBILITY RELEVANT DOMESTIC INTERNATIONAL SECTION""".split()
)


class AcronymOrganisationRecognizer(TextRecognizer):
    ENTITIES = ("ORGANIZATION",)
    SCORE = 0.4

    def find(self, text: str) -> Iterator[Hit]:
        for match in _ACRONYM.finditer(text):
            word = match.group()
            if word in _COMMON or len(set(word)) == 1:
                continue
            # skip runs of capitals (headings written in capitals)
            if re.search(r"[A-Z]{2,}\s+[A-Z]{2,}", text[max(0, match.start() - 20) : match.end() + 20]):
                continue
            yield Hit(match.start(), match.end(), self.SCORE, "ORGANIZATION", "acronym")
