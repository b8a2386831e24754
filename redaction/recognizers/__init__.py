"""SafePub's own Presidio recognizers: one class per module, registered by ``build_recognizers``.

They work on raw text only (``nlp_artifacts`` may be None) and check their own context words, because
the engine runs spaCy without the lemmatizer that Presidio's context enhancement relies on.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from redaction.recognizers._names import load_name_lexicon
from redaction.recognizers.acronym_org import AcronymOrganisationRecognizer
from redaction.recognizers.address import AddressRecognizer
from redaction.recognizers.apposition import AppositionNameRecognizer
from redaction.recognizers.caps_name import CapsNameRecognizer
from redaction.recognizers.case_reference import CaseReferenceRecognizer
from redaction.recognizers.date_of_birth import DateOfBirthRecognizer
from redaction.recognizers.email import EmailRecognizer
from redaction.recognizers.family_table import FamilyTableRecognizer
from redaction.recognizers.health_condition import HealthConditionRecognizer
from redaction.recognizers.health_facility import HealthFacilityRecognizer
from redaction.recognizers.initials_intro import InitialsIntroRecognizer
from redaction.recognizers.long_number import LongNumberRecognizer
from redaction.recognizers.money import CountRecognizer, MoneyRecognizer
from redaction.recognizers.name_lexicon import NameLexiconRecognizer
from redaction.recognizers.nhs_number import NhsNumberRecognizer
from redaction.recognizers.ni_number import NiNumberRecognizer
from redaction.recognizers.occupation import OccupationRecognizer
from redaction.recognizers.phone import PhoneRecognizer
from redaction.recognizers.postcode import PostcodeRecognizer
from redaction.recognizers.school import SchoolRecognizer
from redaction.recognizers.social_handle import SocialHandleRecognizer
from redaction.recognizers.table_columns import TableColumnRecognizer
from redaction.recognizers.titled_name import TitledNameRecognizer
from redaction.recognizers.vehicle_reg import VehicleRegRecognizer

ENTITIES: tuple[str, ...] = (
    "POSTCODE", "PHONE", "EMAIL", "NHS_NUMBER", "NI_NUMBER", "DATE_OF_BIRTH", "ADDRESS", "SCHOOL",
    "HEALTH_FACILITY", "CASE_REFERENCE", "VEHICLE_REG", "SOCIAL_HANDLE", "PERSON", "QUANTITY", "OCCUPATION",
    "ORGANIZATION", "HEALTH_CONDITION",
)  # fmt: skip


def build_recognizers() -> list[EntityRecognizer]:
    """All of SafePub's custom recognizers, for ``supported_language="en"``.

    The name lexicon is loaded lazily (first analysis, then cached for the process), so building the
    list is cheap and a web process that never analyses never pays for it.
    """
    return [
        PostcodeRecognizer(),
        PhoneRecognizer(),
        EmailRecognizer(),
        NhsNumberRecognizer(),
        NiNumberRecognizer(),
        DateOfBirthRecognizer(),
        AddressRecognizer(),
        SchoolRecognizer(),
        HealthFacilityRecognizer(),
        CaseReferenceRecognizer(),
        LongNumberRecognizer(),
        VehicleRegRecognizer(),
        SocialHandleRecognizer(),
        TitledNameRecognizer(),
        AppositionNameRecognizer(),
        InitialsIntroRecognizer(),
        MoneyRecognizer(),
        CountRecognizer(),
        OccupationRecognizer(),
        HealthConditionRecognizer(),
        AcronymOrganisationRecognizer(),
        CapsNameRecognizer(lexicon=load_name_lexicon),
        FamilyTableRecognizer(),
        TableColumnRecognizer(),
        NameLexiconRecognizer(lexicon=load_name_lexicon),
    ]


__all__ = ["ENTITIES", "build_recognizers"]
