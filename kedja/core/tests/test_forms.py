"""Form plumbing: the e-mail field's canonical form, the model choice fields that refuse ids no column
holds, and the integers read from a request."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from kedja.core import forms as core_forms

pytestmark = pytest.mark.django_db
OUT_OF_RANGE = [str(2**63), str(2**64), "-9223372036854775809", "9" * 5000, "1e3", "0x1", "١٢", "\x00", " "]


def test_a_choice_field_refuses_ids_beyond_the_column_with_a_message():
    group = Group.objects.create(name="a")
    field = core_forms.ModelChoiceField(queryset=Group.objects.all())
    assert field.clean(str(group.pk)) == group
    for value in OUT_OF_RANGE:
        with pytest.raises(ValidationError) as refused:
            field.clean(value)
        assert refused.value.code in ("invalid_choice", "required", "null_characters_not_allowed")


def test_a_multiple_choice_field_refuses_ids_beyond_the_column_with_a_message():
    group = Group.objects.create(name="a")
    field = core_forms.ModelMultipleChoiceField(queryset=Group.objects.all())
    assert list(field.clean([str(group.pk)])) == [group]
    for value in OUT_OF_RANGE:
        with pytest.raises(ValidationError):
            field.clean([str(group.pk), value])


def test_posted_integers():
    assert core_forms.posted_int("12") == 12 and core_forms.posted_int(" -3 ") == -3
    for value in (None, "", "x", "9" * 5000, str(2**63), "１２", "1.0"):
        assert core_forms.posted_int(value, -1) == -1
    assert core_forms.posted_ids(["3", "0", "-1", str(2**63), "x", "7"]) == [3, 7]


def test_no_form_uses_djangos_own_model_choice_fields():
    """Kedja's forms use core.forms.ModelChoiceField/ModelMultipleChoiceField (ids beyond the column are
    bad input there, not a server error)."""
    root = Path(__file__).resolve().parents[2]
    direct = re.compile(r"forms\.Model(Multiple)?ChoiceField\b")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path != root / "core" / "forms.py"
        if direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_nul_in_a_query_or_form_field_is_a_400_with_a_message(client):
    assert client.get("/health/?q=a%00b").status_code == 400
    response = client.post("/accounts/login/", {"username": "a\x00@kedja.example", "password": "x"})
    assert response.status_code == 400 and "(NUL)" in response.content.decode()
    assert client.get("/health/?q=ab").status_code == 200
