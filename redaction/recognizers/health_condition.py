"""Health conditions of the people a document is about ("paranoid schizophrenia", "mild gonarthrosis",
"loss of vision in his left eye", "a fracture of the left kneecap").

Health is special category data (UK GDPR Article 9) and a diagnosis can point to one person. The
``strict`` profile masks it; ``publication`` keeps it, because in a safeguarding review the child's and
the parents' health is often the learning. Found by the form medical words take rather than by a list:
the suffixes of diseases and disorders (-itis, -osis, -opathy, -algia, -plegia, -aemia, -phrenia) on a
word written in lower case (a proper noun such as "Oklahoma" is not a diagnosis), minus the few ordinary
words with those endings, plus a short list of conditions that have no such suffix, and the everyday
phrases for injuries and lost senses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer

_MODIFIER = (
    r"(?:(?:mild|moderate|severe|chronic|acute|degenerative|calcifying|paranoid|progressive|lateral|episodic|"
    r"congenital|post-traumatic|bilateral|lumbar|cervical|[a-z]+o[\u2011-][a-z]+)\s+)*"
)
_SUFFIXED = re.compile(
    rf"(?i:\b{_MODIFIER})(?P<word>[a-z][a-z\u2011-]*(?:itis|osis|opathy|algia|plegia|aemia|emia|phrenia|"
    r"trophy|oma|ectomy))\b"
)
# words with those endings that are not conditions
_NOT_CONDITIONS = frozenset({
    "diagnosis", "prognosis", "hypnosis", "osmosis", "symbiosis", "apotheosis", "metamorphosis", "aroma",
    "diploma", "coma", "stoma", "trauma", "comma", "soma", "academia", "bohemia", "nostalgia", "homeopathy",
    "osteopathy", "naturopathy",
})  # fmt: skip
_NAMED = re.compile(
    rf"(?i:\b{_MODIFIER}(?:schizophrenia|epilepsy|autism|dementia|diabetes|asthma|leukaemia|leukemia|cancer|"
    r"HIV|myopia|hyperopia|amblyopia|anisometropia|sciatica|psychosis|bipolar disorder|"
    r"(?:[a-z-]+\s)?disorder|(?:psychotic|mental|terminal|serious|chronic|psychiatric)\s+illness|"
    r"(?:total|permanent|partial|severe)\s+disability|"
    r"loss\s+of\s+(?:vision|sight|hearing)(?:\s+in\s+(?:his|her|the|their)\s+(?:left|right)\s+(?:eye|ear))?|"
    r"fractures?\s+of\s+the\s+(?:[\w\u2011-]+\s+){0,3}?(?:vertebra|vertebrae|kneecap|tibia|fibula|femur|skull|"
    r"arm|leg|wrist|ankle|hip|ribs?|jaw|nose|pelvis|spine|collarbone|clavicle|humerus|radius|ulna)))\b"
)
_ORDINARY_DISORDER = re.compile(r"(?i)\b(?:public|civil|social|personality of the)\s+disorder\b")


class HealthConditionRecognizer(TextRecognizer):
    ENTITIES = ("HEALTH_CONDITION",)
    SCORE = 0.5

    def find(self, text: str) -> Iterator[Hit]:
        for match in _SUFFIXED.finditer(text):
            word = match.group("word").lower()
            if word in _NOT_CONDITIONS:
                continue
            yield Hit(match.start(), match.end(), self.SCORE, "HEALTH_CONDITION", "medical_term")
        for match in _NAMED.finditer(text):
            if _ORDINARY_DISORDER.search(match.group()):
                continue  # "public disorder" is an offence, not a diagnosis
            yield Hit(match.start(), match.end(), self.SCORE, "HEALTH_CONDITION", "condition")
