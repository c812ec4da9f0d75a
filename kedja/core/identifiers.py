"""Real-world identifiers and their validation (docs/domain.md, "People and organisations").

Each `validate_*` raises `ValidationError` with a translated message that tells the person what is
wrong and what a right value looks like; each `normalise_*` returns the canonical stored form.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_NUMBER_RE = re.compile(r"^(\d{6})-?(\d{4})$")
PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ()-]{5,}$")


def luhn_ok(digits: str) -> bool:
    """The Luhn check used by Swedish organisation and personal numbers (weights 2,1,2,1,... from the left)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_org_number(value: str) -> str:
    """NNNNNN-NNNN from a value with or without the hyphen and surrounding spaces."""
    value = (value or "").strip().replace(" ", "")
    m = ORG_NUMBER_RE.match(value)
    return f"{m.group(1)}-{m.group(2)}" if m else value


def validate_org_number(value: str) -> None:
    """A Swedish organisation number: ten digits (NNNNNN-NNNN), last digit a Luhn check digit."""
    m = ORG_NUMBER_RE.match((value or "").strip().replace(" ", ""))
    if not m:
        raise ValidationError(
            _("Enter an organisation number as ten digits, NNNNNN-NNNN (for example 212000-1918)."),
            code="org_number_format",
        )
    digits = m.group(1) + m.group(2)
    if int(digits[2:4]) < 20:
        # Organisation numbers (unlike personal numbers) have a third-and-fourth digit of at least 20.
        raise ValidationError(
            _("This looks like a personal identity number, not an organisation number."),
            code="org_number_personal",
        )
    if not luhn_ok(digits):
        raise ValidationError(
            _("The check digit does not match. Check the organisation number for a typing error."),
            code="org_number_checksum",
        )


def validate_org_number_no(value: str) -> None:
    """A Norwegian organisation number: nine digits, the last a modulus-11 check digit (weights 3,2,7,6,5,4,3,2)."""
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{9}", digits):
        raise ValidationError(
            _("A Norwegian organisation number has nine digits, e.g. 974760673."), code="org_number_format"
        )
    remainder = sum(int(d) * w for d, w in zip(digits[:8], (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    if check == 10 or check != int(digits[8]):
        raise ValidationError(
            _("The check digit does not match. Check the organisation number for a typing error."),
            code="org_number_checksum",
        )


def validate_municipality_code_se(value: str) -> None:
    """Four digits; the first two are the county code (01–25)."""
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError(
            _("A municipality code has exactly four digits, e.g. 1880."), code="municipality_code"
        )
    if not 1 <= int(value[:2]) <= 25:
        raise ValidationError(
            _("The first two digits of a municipality code are the county code (01–25)."),
            code="municipality_county",
        )


def validate_municipality_code_no(value: str) -> None:
    """Norwegian municipality numbers are four digits; the first two are the county number."""
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError(
            _("A Norwegian municipality number has exactly four digits, e.g. 0301."), code="municipality_code"
        )


def validate_school_unit_code(value: str) -> None:
    """A school-unit code from the national school register: exactly eight digits."""
    if not re.fullmatch(r"\d{8}", (value or "").strip()):
        raise ValidationError(
            _("A school-unit code has exactly eight digits, as in the national school register."),
            code="school_unit_code",
        )


def normalise_phone(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip())


def validate_phone(value: str) -> None:
    """A phone number: digits with optional +, spaces, hyphens and brackets; 7–15 digits in all."""
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number with 7–15 digits, for example 019-21 10 00 or +46 19 21 10 00."),
            code="phone",
        )


def canonical_email(value: str) -> str:
    """The one form of an e-mail address Kedja compares and stores: Unicode compatibility-normalised (NFKC:
    fullwidth letters and the Kelvin sign become plain letters), case-folded and stripped — the whole
    address, so "Lockme@", "LOCKME@" and "ｌｏｃｋｍｅ@" are one person for sign-in, the lockout, invitations,
    password reset and uniqueness. Casefolding can leave text that is not NFKC, hence the second pass."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return unicodedata.normalize("NFKC", text.casefold())
