"""Names in apposition with a role, the way reviews introduce people:
"Amandeep Hughes (health visitor)", "Mervyn Winstanley (maternal uncle)", "Yusi (aged 7 years)",
"the social worker (Niamh-Louise Sandhu)", "the health visitor, Harpreet Rennison,".

Reviews name practitioners and relatives this way precisely because the reader would not otherwise know
who they are; NER often misses such names when they are not Anglo. The role vocabulary follows the
practitioner and relationship terms of Working Together to Safeguard Children (2018).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._text import NAME_TOKEN, is_ordinary_word

_ROLES = (
    r"(?:health visitor|social worker|student social worker|team manager|practice manager|midwife|"
    r"community midwife|school nurse|practice nurse|nurse|GP|general practitioner|paediatrician|consultant|"
    r"doctor|police officer|police constable|detective|sergeant|teacher|class teacher|head ?teacher|"
    r"deputy head|designated safeguarding lead|DSL|SENCO|family support worker|early help worker|"
    r"key worker|youth worker|support worker|outreach worker|housing officer|probation officer|"
    r"IDVA|idva|substance misuse worker|drug worker|psychiatrist|psychologist|therapist|CAMHS worker|"
    r"nursery manager|nursery worker|childminder|foster carer|children's guardian|solicitor|"
    r"(?:maternal |paternal )?(?:grandmother|grandfather|grandparent|uncle|aunt|cousin)|"
    r"(?:half-|step-?)?(?:brother|sister|father|mother)|mother's partner|father's partner|partner|"
    r"neighbour|family friend|friend|lodger|boyfriend|girlfriend|ex-partner|birth (?:mother|father))"
)
_SP = r"[ \u00a0]+"
_OPT = r"[ \u00a0]*"
_NAME = rf"(?P<name>{NAME_TOKEN}(?:{_SP}{NAME_TOKEN}){{0,2}})"
# "Name Name (health visitor)" / "Name (aged 7 years)" / "Name (DOB ..." / "Name (born ..."
_NAME_THEN_ROLE = re.compile(
    rf"(?<![\w'’-]){_NAME}{_OPT}\((?:the{_SP})?(?:{_ROLES}|aged\b|age\b|DOB\b|d\.o\.b|born\b)",
)
# "the health visitor (Name Name)" / "the social worker, Name Name," / "her GP, Dr..." (titles elsewhere)
_NAME2 = _NAME.replace("?P<name>", "?P<name2>")
_ROLE_THEN_NAME = re.compile(rf"\b(?i:{_ROLES})(?:{_OPT}\({_OPT}{_NAME}{_OPT}\)|,{_SP}{_NAME2}{_OPT},)")


class AppositionNameRecognizer(TextRecognizer):
    """A capitalised name right before "(role)" or right after "role (" / "role, ... ,"."""

    ENTITIES = ("PERSON",)
    SCORE = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for pattern, label in ((_NAME_THEN_ROLE, "name (role)"), (_ROLE_THEN_NAME, "role (name)")):
            for match in pattern.finditer(text):
                group = "name" if match.group("name") else "name2"
                start, end = match.span(group)
                words = match.group(group).split()
                # drop leading ordinary words picked up before the name ("When Amandeep Hughes")
                while words and is_ordinary_word(words[0]):
                    start += len(words[0]) + (
                        len(text[start + len(words[0]) :]) - len(text[start + len(words[0]) :].lstrip())
                    )
                    words = words[1:]
                if not words or all(is_ordinary_word(w) for w in words):
                    continue
                yield Hit(start, end, self.SCORE, "PERSON", label)
