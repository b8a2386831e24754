"""Named schools, nurseries and early-years settings ("Cedar Grove Infant School",
"St Anne's Catholic Primary", "Little Acorns Nursery", "Sunflower Pre-School").

Descriptors follow the DfE's Get Information About Schools establishment types (infant, junior,
primary, secondary, high, academy, nursery school, pupil referral unit) plus Ofsted's early-years
registers (day nursery, pre-school, childcare, children's centre). Generic "the school" has no
capitalised name and is never matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._institution import institution_pattern, trim_leading

_DESCRIPTORS = (
    r"(?:(?:Community|Catholic|C\.?E\.?|Church|Methodist|Free|Special|Foundation|Grammar|Secondary|High|"
    r"Junior|Infant|Infants|Primary|Nursery|Middle|First|Upper|Sixth[ \u00a0]+Form|Day|Early[ \u00a0]+Years)"
    r"[ \u00a0]+)*(?:School|Academy|Primary|Nursery|Pre-?[Ss]chool|Preschool|College|"
    r"Children['’]s[ \u00a0]+Centre|"
    r"Childcare|Infants|Juniors|Playgroup|Pupil[ \u00a0]+Referral[ \u00a0]+Unit|Kindergarten|Montessori)"
)
_SCHOOL_RE = institution_pattern(_DESCRIPTORS)
# Bodies that end in a school-like descriptor but are not schools anyone attends.
_NOT_SCHOOLS = re.compile(
    r"^(?:Royal|National|Police|Open|University|Imperial|King['’]s|Queen['’]s|Medical|Nursing|Staff|Social|"
    r"Defence|Military|European|War|Inns?)\b"
)
_PRIMARY_NOT_SCHOOL = re.compile(r"[ \u00a0]+(?:Care|Mental|Health|Trust|Network|Legislation|Carer)\b")


class SchoolRecognizer(TextRecognizer):
    """Finds capitalised institution names ending in a school or early-years descriptor."""

    ENTITIES = ("SCHOOL",)
    SCORE = 0.7

    def find(self, text: str) -> Iterator[Hit]:
        for match in _SCHOOL_RE.finditer(text):
            if match.group("kind").endswith("Primary") and _PRIMARY_NOT_SCHOOL.match(text, match.end()):
                continue
            start = trim_leading(text, match.start(), match.start("kind"), keep=frozenset({"St", "St."}))
            if start >= match.start("kind"):
                continue
            name = text[start : match.start("kind")]
            if _NOT_SCHOOLS.match(name):
                continue
            yield Hit(start, match.end(), self.SCORE, "SCHOOL", "named_school")
