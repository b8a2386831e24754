"""Occupations of the people a document is about ("a primary school teacher", "worked as a dancer").

A job narrows down who someone is; the ``strict`` profile masks it, ``publication`` keeps it (reviews
speak of "the health visitor", whose role is the point). The list follows the major groups of the ONS
Standard Occupational Classification (SOC 2020), in everyday words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer

_JOBS = (
    "teacher|primary school teacher|secondary school teacher|head teacher|headteacher|lecturer|professor|"
    "university professor|research assistant|researcher|scientist|engineer|architect|physician|doctor|"
    "surgeon|dentist|pharmacist|nurse|midwife|paramedic|carer|care worker|social worker|lawyer|advocate|"
    "solicitor|barrister|judge|notary|accountant|banker|economist|journalist|editor|writer|author|"
    "publisher|photographer|artist|painter|musician|singer|dancer|ballet dancer|actor|actress|"
    "manager|director|chief executive officer|executive|businessman|businesswoman|entrepreneur|"
    "shopkeeper|trader|salesman|saleswoman|shop assistant|cashier|clerk|secretary|civil servant|"
    "police officer|policeman|gendarme|soldier|officer|army officer|pilot|sailor|fisherman|farmer|"
    "shepherd|herder|reindeer herder|miner|builder|construction worker|labourer|mechanic|electrician|"
    "plumber|carpenter|driver|taxi driver|lorry driver|bus driver|security guard|private security guard|"
    "guard|cleaner|cook|chef|waiter|waitress|baker|butcher|hairdresser|tailor|imam|priest|pastor|"
    "student|pupil|unemployed|pensioner|housewife|principal|mayor|politician|member of parliament|"
    "housing officer|local authority housing officer|interpreter|translator|programmer|technician|"
    "medical practitioner|general practitioner|watchman|night watchman|caretaker|porter|conscript|"
    "non-commissioned officer|non\u2011commissioned officer|captain|lieutenant|sergeant|corporal|colonel"
)
_OCCUPATION = re.compile(
    rf"\b(?:(?:a|an|as|the)\s+)?(?P<modifiers>(?:(?:retired|former|self-employed|qualified|trainee|senior|"
    rf"junior|private|local authority|assistant|associate|deputy|artillery|infantry|naval|army)\s+)*)"
    rf"(?P<job>(?:{_JOBS})s?)\b",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"\b(?:work(?:s|ed|ing)?|employ(?:ed|ment)|job|profession|occupation|career|"
    r"qualified|retired|former|is an?|was an?|as an?|became|becom(?:e|es|ing) an?|"
    r"(?:post|position|role) of an?)\b",
    re.IGNORECASE,
)
# "the applicant, a lawyer and member of ...": an apposition says what someone is
_APPOSITION = re.compile(r",\s+(?:an?|who\s+(?:is|was)\s+an?)\s+$")
# "the Chief Executive Officer of Strix Television AB": a named post, held by one person
_OF_NAMED = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")


class OccupationRecognizer(TextRecognizer):
    ENTITIES = ("OCCUPATION",)
    SCORE = 0.3  # only with context ("worked as a", "is a") does it pass a threshold

    def find(self, text: str) -> Iterator[Hit]:
        for match in _OCCUPATION.finditer(text):
            start = match.start("modifiers") if match.group("modifiers") else match.start("job")
            before = text[max(0, match.start() - 40) : start]
            # a specific, several-word occupation ("a primary school teacher") needs no context; with
            # "the" it is a role in the story ("the social worker"), not a fact about someone
            specific = " " in match.group("job").strip() and (
                not re.search(r"(?i)\bthe\s+$", before) or bool(_OF_NAMED.match(text, match.end()))
            )
            context = _CONTEXT.search(before) or _APPOSITION.search(before)
            score = self.SCORE + (0.2 if context or specific else 0.0)
            # the whole description: "a private security guard", not "security guard" and a stray "private"
            yield Hit(start, match.end("job"), score, "OCCUPATION", "occupation")
