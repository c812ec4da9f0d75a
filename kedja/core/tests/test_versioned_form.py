"""VersionedForm: the version field declared once, and the one way an edit conflict is answered (the typed
data kept, the saved version put in, the translated message, 409)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from kedja.core.concurrency import EditConflict
from kedja.core.forms import CONFLICT, VersionedForm


class TitleForm(VersionedForm):
    title = forms.CharField(max_length=20)


class Saved:
    def __init__(self, version):
        self.version = version


def bound(data: str, form_class=TitleForm) -> VersionedForm:
    return form_class(QueryDict(data))


def test_the_version_is_a_required_hidden_whole_number_not_below_zero():
    assert isinstance(TitleForm().fields["version"].widget, forms.HiddenInput)
    assert bound("title=a&version=3").is_valid()
    for version in ("", "-1", "x", "1.5"):
        form = bound(f"title=a&version={version}")
        assert not form.is_valid() and "version" in form.errors


def test_a_form_that_also_creates_may_come_without_a_version():
    class CreateOrEdit(TitleForm):
        version_required = False

    form = bound("title=a", CreateOrEdit)
    assert form.is_valid() and form.expected_version is None


def test_a_conflict_keeps_what_was_typed_puts_in_the_saved_version_and_answers_409():
    form = bound("title=mine&version=3")
    assert form.is_valid() and form.expected_version == 3 and form.response_status == 200
    with form.saving(current=lambda: Saved(5)):
        raise EditConflict()
    assert form.data["title"] == "mine" and form.data["version"] == 5
    assert form.conflict.version == 5 and form.response_status == CONFLICT
    assert form.non_field_errors() == [str(EditConflict.message)]
    with translation.override("sv"):
        assert "Någon annan" in str(EditConflict.message)


def test_the_block_after_the_action_runs_only_when_it_saved():
    form = bound("title=mine&version=3")
    form.is_valid()
    ran = []

    def action():
        raise EditConflict()

    with form.saving(current=lambda: Saved(4)):
        action()
        ran.append("after")
    assert ran == []
    saved = bound("title=mine&version=3")
    saved.is_valid()
    with saved.saving(current=lambda: Saved(4)):
        ran.append("after")
    assert ran == ["after"] and saved.conflict is None and saved.response_status == 200


def test_a_page_that_shows_the_saved_version_itself_gets_no_message_and_a_renamed_field_works():
    class Meeting(TitleForm):
        version_field = "sequence"
        conflict_message = None

    form = bound("title=mine&sequence=1", Meeting)
    assert form.is_valid() and form.expected_version == 1 and "version" not in form.fields
    with form.saving(current=lambda: type("M", (), {"sequence": 2})()):
        raise EditConflict()
    assert form.data["sequence"] == 2 and not form.non_field_errors() and form.response_status == CONFLICT


def test_a_domain_rule_refusal_goes_beside_its_field_with_400():
    form = bound("title=mine&version=1")
    form.is_valid()
    with form.saving(current=lambda: pytest.fail("no conflict here")):
        raise ValidationError({"title": "Taken."})
    assert form.errors["title"] == ["Taken."] and form.conflict is None and form.response_status == 400


def test_the_small_forms_for_buttons_and_lists():
    from kedja.core.forms import ConfirmForm, NextForm, TextListField

    assert ConfirmForm(QueryDict("confirm=yes")).confirmed
    assert not ConfirmForm(QueryDict("confirm=no")).confirmed and not ConfirmForm(QueryDict("")).confirmed
    assert (
        NextForm(QueryDict("next=/plans/")).next_url == "/plans/" and NextForm(QueryDict("")).next_url == ""
    )

    class Texts(forms.Form):
        question = TextListField(required=False)

    form = Texts(QueryDict("question=a&question=&question=b"))
    assert form.is_valid() and form.cleaned_data["question"] == ["a", "", "b"]
    assert Texts(QueryDict("")).is_valid()
