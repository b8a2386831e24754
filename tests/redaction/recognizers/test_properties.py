"""Property-based tests (Hypothesis) for the recognizers: valid identifiers in every written form are
found with their exact span, and the numbers a published review keeps (years, months and dates of
events, ages, money, page references, citations) are not proposed for removal.

Examples are derandomized (the same ones every run: a strict xfail must fail every time, and CI must not
flake) and no example database is written. A property marked xfail is a form the recognizer really
misses today (issue 10): the detection engineers remove the mark when they fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import EntityRecognizer

from redaction.recognizers import build_recognizers
from redaction.recognizers.case_reference import CaseReferenceRecognizer
from redaction.recognizers.date_of_birth import DateOfBirthRecognizer
from redaction.recognizers.email import EmailRecognizer
from redaction.recognizers.long_number import LongNumberRecognizer
from redaction.recognizers.nhs_number import NhsNumberRecognizer
from redaction.recognizers.ni_number import NiNumberRecognizer
from redaction.recognizers.phone import PhoneRecognizer
from redaction.recognizers.postcode import PostcodeRecognizer
from tests.redaction.recognizers.helpers import found

PROPERTY = settings(max_examples=80, deadline=None, database=None, derandomize=True)

# What the publication profile removes (config/policies/publication.toml); QUANTITY, OCCUPATION and
# ORGANIZATION findings are kept by it, so they are no false positive for the near-miss properties.
REMOVED = (
    "PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE", "EMAIL", "NHS_NUMBER", "NI_NUMBER", "SCHOOL",
    "HEALTH_FACILITY", "CASE_REFERENCE", "VEHICLE_REG", "SOCIAL_HANDLE",
)  # fmt: skip


def spans(recognizers: list[EntityRecognizer], text: str, entities: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Every finding of ``entities`` at or above the engine's threshold, from any of ``recognizers``."""
    out = []
    for recognizer in recognizers:
        for entity in entities:
            if entity in recognizer.supported_entities:
                out += [(start, end, f"{entity}:{value}") for start, end, value in found(recognizer, text, entity)]
    return out


def assert_found(recognizers: list[EntityRecognizer], text: str, entity: str, expected: str) -> None:
    """``expected`` (its first occurrence in ``text``) is found with its exact span by one of them."""
    start = text.index(expected)
    hits = [(s, e) for s, e, _ in spans(recognizers, text, (entity,))]
    assert (start, start + len(expected)) in hits, f"{expected!r} in {text!r}: {hits}"


def assert_kept(text: str, kept: str) -> None:
    """No recognizer proposes anything the publication profile removes over ``kept`` in ``text``."""
    start = text.index(kept)
    end = start + len(kept)
    overlapping = [s for s in spans(all_recognizers(), text, REMOVED) if s[0] < end and start < s[1]]
    assert overlapping == [], f"{kept!r} in {text!r}: {overlapping}"


_ALL: list[EntityRecognizer] = []


def all_recognizers() -> list[EntityRecognizer]:
    if not _ALL:
        _ALL.extend(build_recognizers())
    return _ALL


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


def in_context(templates: list[str]) -> Callable[[str], st.SearchStrategy[str]]:
    return lambda value: st.sampled_from(templates).map(lambda t: t.format(value))


# =====================================================================================================
# Postcodes: ONS Postcode Directory / Royal Mail PAF rules
# =====================================================================================================
AREA_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # never Q, V, X
AREA_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # never I, J, Z
A9A_THIRD = "ABCDEFGHJKPSTUW"
AA9A_FOURTH = "ABEHMNPRVWXY"
UNIT = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O, V
D = "0123456789"


def _chars(*alphabets: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from(a) for a in alphabets)).map("".join)


OUTWARD = st.one_of(
    _chars(AREA_FIRST, D),  # A9    M1
    _chars(AREA_FIRST, D, D),  # A99   B33
    _chars(AREA_FIRST, AREA_SECOND, D),  # AA9   CR2
    _chars(AREA_FIRST, AREA_SECOND, D, D),  # AA99  DN55
    _chars(AREA_FIRST, D, A9A_THIRD),  # A9A   W1A
    _chars(AREA_FIRST, AREA_SECOND, D, AA9A_FOURTH),  # AA9A  EC1A
)
INWARD = _chars(D, UNIT, UNIT)
POSTCODE_CONTEXTS = [
    "The family moved to 14 Larch Close, Millbrook {} in May 2019.",
    "Letter sent to Flat 3, Priory House, {}.",
    "postcode {}",
    "Address: 7 Mill Lane, Hartfield {}",
]


@st.composite
def postcodes(draw: st.DrawFn, spaced: bool | None = None) -> str:
    separator = {True: " ", False: "", None: draw(st.sampled_from([" ", ""]))}[spaced]
    return draw(OUTWARD) + separator + draw(INWARD)


@PROPERTY
@given(postcodes().flatmap(lambda pc: st.tuples(st.just(pc), in_context(POSTCODE_CONTEXTS)(pc))))
def test_when_a_valid_postcode_is_written_in_capitals_then_it_is_found(case: tuple[str, str]) -> None:
    postcode, text = case
    assert_found([PostcodeRecognizer()], text, "POSTCODE", postcode)


@st.composite
def postcodes_not_in_capitals(draw: st.DrawFn) -> str:
    postcode = draw(postcodes())
    style = draw(st.sampled_from(["lower", "title", "mixed"]))
    if style == "lower":
        return postcode.lower()
    if style == "title":
        return postcode[0] + postcode[1:].lower()
    flips = draw(st.lists(st.booleans(), min_size=len(postcode), max_size=len(postcode)))
    mixed = "".join(c.lower() if flip else c for c, flip in zip(postcode, flips, strict=True))
    return mixed if mixed != postcode else postcode.lower()


@PROPERTY
@given(postcodes_not_in_capitals().flatmap(lambda pc: st.tuples(st.just(pc), in_context(POSTCODE_CONTEXTS)(pc))))
def test_when_a_valid_postcode_is_written_in_any_case_then_it_is_found(case: tuple[str, str]) -> None:
    postcode, text = case
    assert_found([PostcodeRecognizer()], text, "POSTCODE", postcode)


# =====================================================================================================
# UK phone numbers (Ofcom numbering plan): mobile and landline, national and +44, spacing variants
# =====================================================================================================
# (area code without the trunk 0, subscriber digits, national groupings of the subscriber number)
LANDLINE_AREAS = [
    ("20", 8, [(4, 4)]), ("29", 8, [(4, 4)]), ("28", 8, [(4, 4)]),
    ("113", 7, [(3, 4)]), ("114", 7, [(3, 4)]), ("117", 7, [(3, 4)]), ("121", 7, [(3, 4)]),
    ("131", 7, [(3, 4)]), ("141", 7, [(3, 4)]), ("161", 7, [(3, 4)]), ("191", 7, [(3, 4)]),
    ("1632", 6, [(6,), (3, 3)]), ("1223", 6, [(6,), (3, 3)]), ("1865", 6, [(6,), (3, 3)]),
]  # fmt: skip
MOBILE_PREFIXES = ["71", "73", "74", "75", "77", "78", "79"]  # 07xxx: never 076 (pagers)
PHONE_CONTEXTS = [
    "Contact number recorded as {}.",
    "The number held for Mother ({}) was out of date.",
    "Ms Hollins was telephoned on {} and did not answer",
    "Tel: {}",
    "{}",
]


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    """A UK number as people write it: 0113 496 0123, 0113-496-0123, 01134960123, 0113 4960123,
    (0113) 496 0123, +44 113 496 0123, +44 (0)7700 900123, +447700900123."""
    if draw(st.booleans()):
        area, length, groupings = draw(st.sampled_from(LANDLINE_AREAS))
    else:
        area, length, groupings = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(digits(2)), 6, [(6,), (3, 3)]
    subscriber = draw(st.sampled_from("23456789")) + draw(digits(length - 1))
    grouping, k, groups = draw(st.sampled_from(groupings)), 0, []
    for size in grouping:
        groups.append(subscriber[k : k + size])
        k += size
    spacing = draw(st.sampled_from(["spaced", "hyphens", "compact", "area_apart"]))
    sep = {"spaced": " ", "hyphens": "-", "compact": "", "area_apart": ""}[spacing]
    head = " " if spacing == "area_apart" else sep
    rest = sep.join(groups)
    form = draw(st.sampled_from(["national", "brackets", "intl", "intl_zero"]))
    if form == "national":
        return f"0{area}{head}{rest}"
    if form == "brackets":
        return f"(0{area}) {rest}"
    if form == "intl":
        return f"+44{' ' if head else ''}{area}{head}{rest}"
    return f"+44 (0){area} {rest}"


@PROPERTY
@given(phone_numbers().flatmap(lambda n: st.tuples(st.just(n), in_context(PHONE_CONTEXTS)(n))))
def test_when_a_uk_phone_number_is_written_in_any_usual_form_then_it_is_found(case: tuple[str, str]) -> None:
    number, text = case
    assert_found([PhoneRecognizer()], text, "PHONE", number)


# =====================================================================================================
# NHS numbers: ten digits, the last a modulus 11 check digit
# =====================================================================================================
def nhs_check_digit(nine: str) -> int | None:
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return None if check == 10 else check % 11


NHS_NUMBERS = digits(9).filter(lambda n: nhs_check_digit(n) is not None).map(lambda n: n + str(nhs_check_digit(n)))


@PROPERTY
@given(
    NHS_NUMBERS,
    st.sampled_from(["Child K's NHS number is {};", "NHS No: {}", "(NHS {})", "NHS number {} was on the referral"]),
    st.booleans(),
)
def test_when_a_valid_nhs_number_is_written_spaced_or_unspaced_after_nhs_then_it_is_found(
    number: str, template: str, spaced: bool
) -> None:
    written = f"{number[:3]} {number[3:6]} {number[6:]}" if spaced else number
    assert_found([NhsNumberRecognizer()], template.format(written), "NHS_NUMBER", written)


@PROPERTY
@given(NHS_NUMBERS, st.sampled_from(["The referral gave {} for the baby.", "Number on file: {}", "{}"]))
def test_when_a_valid_nhs_number_is_written_3_3_4_without_context_then_it_is_found(number: str, template: str) -> None:
    written = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert_found([NhsNumberRecognizer()], template.format(written), "NHS_NUMBER", written)


# =====================================================================================================
# National Insurance numbers (HMRC NIM39110)
# =====================================================================================================
NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"  # never D, F, I, Q, U, V
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"  # never D, F, I, Q, U, V, O
NINO_PREFIXES = _chars(NINO_FIRST, NINO_SECOND).filter(lambda p: p not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


@st.composite
def ni_numbers(draw: st.DrawFn) -> str:
    prefix, number, suffix = draw(NINO_PREFIXES), draw(digits(6)), draw(st.sampled_from("ABCD"))
    form = draw(st.sampled_from(["pairs", "compact", "block"]))
    if form == "pairs":
        return f"{prefix} {number[:2]} {number[2:4]} {number[4:]} {suffix}"
    if form == "block":
        return f"{prefix} {number} {suffix}"
    return f"{prefix}{number}{suffix}"


@PROPERTY
@given(
    ni_numbers().flatmap(
        lambda n: st.tuples(
            st.just(n),
            in_context(["Mother's National Insurance number ({}) appears", "NI number: {}", "NINO {}.", "{}"])(n),
        )
    )
)
def test_when_a_valid_ni_number_is_written_then_it_is_found(case: tuple[str, str]) -> None:
    number, text = case
    assert_found([NiNumberRecognizer()], text, "NI_NUMBER", number)


# =====================================================================================================
# E-mail addresses
# =====================================================================================================
LOCAL_PARTS = st.from_regex(r"[A-Za-z0-9]{1,12}(?:[._+\-][A-Za-z0-9]{1,8}){0,2}", fullmatch=True)
DOMAINS = st.tuples(
    st.from_regex(r"[a-z0-9]{1,10}(?:-[a-z0-9]{1,6})?", fullmatch=True),
    st.sampled_from(["co.uk", "com", "org", "net", "org.uk", "gov.uk", "nhs.net", "ac.uk", "sch.uk", "io", "info"]),
).map(".".join)
EMAILS = st.tuples(LOCAL_PARTS, DOMAINS).map("@".join)


@PROPERTY
@given(
    EMAILS.flatmap(
        lambda e: st.tuples(
            st.just(e), in_context(["email {}.", "({})", "Contact: {}, then", "sent to {} on", "{}"])(e)
        )
    )
)
def test_when_an_email_address_is_written_then_it_is_found(case: tuple[str, str]) -> None:
    email, text = case
    assert_found([EmailRecognizer()], text, "EMAIL", email)


# =====================================================================================================
# Dates of birth after a birth keyword
# =====================================================================================================
BIRTH_CONTEXTS = [
    "Isla was born on {} at St Luke's Hospital.",
    "Tyler (born {}) lived with Mother.",
    "born {}",
    "DOB: {}",
    "DOB {}",
    "D.O.B. {}",
    "d.o.b. {}",
    "date of birth {}",
    "Date of Birth: {}",
    "Her date of birth is {} according to the GP record.",
]
BIRTH_DAYS = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2024, 12, 31))
ABBREVIATIONS = {9: ["Sep", "Sept"]}


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@st.composite
def written_dates(draw: st.DrawFn, two_digit_year: bool = False) -> str:
    """3 November 2017, 3rd Nov. 2017, 03 November, 2017, 3rd of November 2017, November 3rd, 2017,
    Nov 3 2017, 14-Mar-2019 (with ``two_digit_year``: 3 Nov 17, 14-Mar-19)."""
    day = draw(BIRTH_DAYS)
    full = day.strftime("%B")
    month = draw(st.sampled_from([full, full[:3], full[:3] + ".", *ABBREVIATIONS.get(day.month, [])]))
    d = draw(st.sampled_from([str(day.day), f"{day.day:02d}", ordinal(day.day)]))
    year = f"{day.year % 100:02d}" if two_digit_year else str(day.year)
    order = draw(st.sampled_from(["dmy", "d_of_my", "dm,y", "md,y", "mdy", "d-m-y"]))
    if order == "d-m-y":
        return f"{day.day:02d}-{full[:3]}-{year}"
    if order == "d_of_my":
        return f"{ordinal(day.day)} of {month} {year}"
    if order == "dm,y":
        return f"{d} {month}, {year}"
    if order == "md,y":
        return f"{month} {d}, {year}"
    if order == "mdy":
        return f"{month} {d} {year}"
    return f"{d} {month} {year}"


@st.composite
def numeric_dates(draw: st.DrawFn) -> str:
    """03/11/2017, 3/11/17, 03.11.2017, 3.11.17, 03-11-2017, 3-11-17, 2017-11-03."""
    day = draw(BIRTH_DAYS)
    if draw(st.integers(0, 6)) == 0:
        return day.isoformat()
    sep = draw(st.sampled_from("/.-"))
    pad = draw(st.booleans())
    year = str(day.year) if draw(st.booleans()) else f"{day.year % 100:02d}"
    return f"{day.day:02d}{sep}{day.month:02d}{sep}{year}" if pad else f"{day.day}{sep}{day.month}{sep}{year}"


def with_birth_context(dates: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    return dates.flatmap(lambda d: st.tuples(st.just(d), in_context(BIRTH_CONTEXTS)(d)))


@PROPERTY
@given(with_birth_context(written_dates()))
def test_when_a_written_date_follows_a_birth_keyword_then_it_is_a_date_of_birth(case: tuple[str, str]) -> None:
    date, text = case
    assert_found([DateOfBirthRecognizer()], text, "DATE_OF_BIRTH", date)


@PROPERTY
@given(with_birth_context(numeric_dates()))
def test_when_a_numeric_date_follows_a_birth_keyword_then_it_is_a_date_of_birth(case: tuple[str, str]) -> None:
    date, text = case
    assert_found([DateOfBirthRecognizer()], text, "DATE_OF_BIRTH", date)


@PROPERTY
@given(with_birth_context(written_dates(two_digit_year=True)))
def test_when_a_month_name_date_with_a_two_digit_year_follows_a_birth_keyword_then_it_is_a_date_of_birth(
    case: tuple[str, str],
) -> None:
    date, text = case
    assert_found([DateOfBirthRecognizer()], text, "DATE_OF_BIRTH", date)


# =====================================================================================================
# Reference numbers after "occurrence number", "crime ref", "log"
# =====================================================================================================
REFERENCE_CONTEXTS = [
    "Police occurrence number {} records the call.",
    "Occurrence No. {} was raised",
    "Crime ref {}.",
    "crime ref: {}, see below",
    "crime reference {} was given",
    "the CAD log {} from that night",
    "Log {} shows",
    "log no. {} (999 call)",
]


@PROPERTY
@given(st.integers(6, 10).flatmap(digits), st.sampled_from(REFERENCE_CONTEXTS))
def test_when_six_or_more_digits_follow_a_reference_keyword_then_they_are_a_case_reference(
    number: str, template: str
) -> None:
    assert_found([CaseReferenceRecognizer(), LongNumberRecognizer()], template.format(number), "CASE_REFERENCE", number)


# =====================================================================================================
# Near-misses a published review keeps
# =====================================================================================================
YEARS = st.integers(1990, 2030).map(str)
MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
EVENT_DAYS = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31))
AUTHORS = ["Munro", "Brandon", "Sidebotham", "Laming", "Ferguson", "Featherstone", "Turney", "Cleaver", "Bairstow"]


def kept_in(templates: list[str], values: st.SearchStrategy) -> st.SearchStrategy[tuple[str, str]]:
    """(text, the part of it that must be kept): templates name the kept part {k}, built from values."""
    return st.tuples(st.sampled_from(templates), values).map(lambda tv: (tv[0].format(k=tv[1]), tv[1]))


@PROPERTY
@given(
    kept_in(["The review covers {k} and the year after.", "In {k} the family moved.", "the {k} audit", "({k})"], YEARS)
)
def test_when_a_year_stands_alone_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)


@st.composite
def event_months(draw: st.DrawFn) -> str:
    month = draw(st.sampled_from(MONTHS))
    return f"{draw(st.sampled_from([month, month[:3]]))} {draw(YEARS)}"


@st.composite
def event_dates(draw: st.DrawFn) -> str:
    day = draw(EVENT_DAYS)
    return draw(
        st.sampled_from([day.strftime("%d %B %Y"), f"{day.day} {day.strftime('%b %Y')}", day.strftime("%d/%m/%Y")])
    )


@PROPERTY
@given(
    st.one_of(
        kept_in(
            ["in {k}", "In {k} the school raised concerns.", "by early {k}", "from {k} onwards", "{k}"], event_months()
        ),
        kept_in(["On {k} the social worker visited.", "The strategy meeting on {k} was quorate."], event_dates()),
    )
)
def test_when_a_month_or_date_of_an_event_is_written_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)


@st.composite
def ages(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 17))
    return draw(
        st.sampled_from([f"aged {n} months", f"aged {n} years", f"aged {n}", f"a {n}-year-old", f"{n} weeks old"])
    )


@PROPERTY
@given(kept_in(["Child K, {k}, was admitted to hospital.", "when the baby was {k}", "({k})"], ages()))
def test_when_an_age_is_written_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)


MONEY_CONTEXTS = ["Rent arrears of {k} were noted.", "a loss of {k}", "The grant ({k}) was paid."]


@st.composite
def amounts(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 50_000_000))
    form = draw(
        st.sampled_from(
            ["£{:,}", "£{}", "£{:,}.00", "{} pounds", "€{:,}", "EUR {:,}", "{} GBP", "{} euros", "£{:.1f} million"]
        )
    )
    return form.format(n / 1_000_000 if "million" in form else n)


@PROPERTY
@given(kept_in(MONEY_CONTEXTS, amounts()))
def test_when_an_amount_of_money_is_written_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)


@st.composite
def unseparated_amounts_after_a_currency(draw: st.DrawFn) -> str:
    """Six to nine digits without thousands separators after a currency code or a spaced pound sign."""
    return draw(st.sampled_from(["GBP {}", "EUR {}", "USD {}", "£ {}"])).format(draw(st.integers(100_000, 999_999_999)))


@PROPERTY
@given(kept_in(MONEY_CONTEXTS, unseparated_amounts_after_a_currency()))
def test_when_an_unseparated_amount_follows_a_currency_code_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)


@st.composite
def page_references(draw: st.DrawFn) -> str:
    first = draw(st.integers(1, 2000))
    last = first + draw(st.integers(1, 40))
    form = draw(
        st.sampled_from(["pp. {a}-{b}", "pp {a}-{b}", "pp. {a}\u2013{b}", "p. {a}", "pages {a}-{b}", "paragraph {a}"])
    )
    return form.format(a=first, b=last)


@PROPERTY
@given(kept_in(["Munro (2011), {k}, argues", "see {k} of the guidance", "({k})"], page_references()))
def test_when_a_page_range_is_written_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)


@st.composite
def citations(draw: st.DrawFn) -> str:
    first, second, third = draw(st.permutations(AUTHORS))[:3]
    year = draw(YEARS)
    form = draw(
        st.sampled_from(
            [
                "{a} ({y})",
                "{a} et al. {y}",
                "{a} et al ({y})",
                "{a} and {b} ({y})",
                "({a}, {y})",
                "{a}, {b} and {c} {y}",
            ]
        )
    )
    return form.format(a=first, b=second, c=third, y=year)


@PROPERTY
@given(kept_in(["as {k} found", "Research ({k}) shows", "{k} describes the pattern."], citations()))
def test_when_research_is_cited_then_nothing_is_proposed(case: tuple[str, str]) -> None:
    assert_kept(*case)
