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
    "housing officer|local authority housing officer|interpreter|translator|programmer|technician"
)
_OCCUPATION = re.compile(
    rf"\b(?:(?:a|an|as|the)\s+)?(?:(?:retired|former|self-employed|qualified|trainee|senior|junior|"
    rf"private|local authority)\s+)*(?P<job>(?:{_JOBS})s?)\b",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"\b(?:work(?:s|ed|ing)?|employ(?:ed|ment)|job|profession|occupation|career|"
    r"qualified|retired|former|is an?|was an?|as an?|became)\b",
    re.IGNORECASE,
)


class OccupationRecognizer(TextRecognizer):
    ENTITIES = ("OCCUPATION",)
    SCORE = 0.3  # only with context ("worked as a", "is a") does it pass a threshold

    def find(self, text: str) -> Iterator[Hit]:
        for match in _OCCUPATION.finditer(text):
            before = text[max(0, match.start() - 40) : match.start("job")]
            # a specific, several-word occupation ("a primary school teacher") needs no context; with
            # "the" it is a role in the story ("the social worker"), not a fact about someone
            specific = " " in match.group("job").strip() and not re.search(r"(?i)\bthe\s+$", before)
            score = self.SCORE + (0.2 if _CONTEXT.search(before) or specific else 0.0)
            yield Hit(match.start("job"), match.end("job"), score, "OCCUPATION", "occupation")
