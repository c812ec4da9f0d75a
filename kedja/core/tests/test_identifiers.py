import pytest
from django.core.exceptions import ValidationError

from kedja.core.identifiers import (
    luhn_ok,
    normalise_org_number,
    validate_municipality_code_no,
    validate_municipality_code_se,
    validate_org_number,
    validate_phone,
    validate_school_unit_code,
)


@pytest.mark.parametrize("value", ["232100-0164", "212000-1918", "2321000164", " 212000-1918 "])
def test_valid_org_numbers_pass(value):
    validate_org_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("232100-0165", "org_number_checksum"),
        ("212000-1919", "org_number_checksum"),
        ("21200-1918", "org_number_format"),
        ("abcdef-ghij", "org_number_format"),
        ("", "org_number_format"),
        ("811218-9876", "org_number_personal"),
    ],
)
def test_invalid_org_numbers_say_why(value, code):
    with pytest.raises(ValidationError) as err:
        validate_org_number(value)
    assert err.value.code == code
    assert str(err.value.message)  # a message a person can read


def test_org_number_is_stored_with_hyphen():
    assert normalise_org_number("2120001918") == "212000-1918"
    assert normalise_org_number(" 212000-1918") == "212000-1918"


def test_luhn_matches_known_values():
    assert luhn_ok("2321000164")
    assert not luhn_ok("2321000163")


@pytest.mark.parametrize("value", ["1880", "0114", "2584"])
def test_swedish_municipality_codes(value):
    validate_municipality_code_se(value)


@pytest.mark.parametrize("value", ["188", "18800", "2680", "0014", "abcd"])
def test_bad_swedish_municipality_codes(value):
    with pytest.raises(ValidationError):
        validate_municipality_code_se(value)


def test_norwegian_municipality_numbers():
    validate_municipality_code_no("0301")
    with pytest.raises(ValidationError):
        validate_municipality_code_no("301")


def test_school_unit_codes_are_eight_digits():
    validate_school_unit_code("12345678")
    for bad in ("1234567", "123456789", "1234567a"):
        with pytest.raises(ValidationError):
            validate_school_unit_code(bad)


@pytest.mark.parametrize("value", ["019-21 10 00", "+46 19 21 10 00", "0701234567", "(019) 211000"])
def test_phone_numbers(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["12345", "ring mig", "+46 19 21 10 00 00 00 00 00", "070-abc"])
def test_bad_phone_numbers(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_norwegian_organisation_numbers_use_modulus_11():
    from kedja.core.identifiers import validate_org_number_no

    validate_org_number_no("974760673")
    for bad in ("974760674", "97476067", "abcdefghi"):
        with pytest.raises(ValidationError):
            validate_org_number_no(bad)
