"""The import preview's "Import" button: the waiting file's token and the choice about duplicates, as sent."""

from django.http import QueryDict

from kedja.initiatives.forms import ImportCommitForm


def test_the_token_and_the_duplicates_choice_are_read_as_sent():
    form = ImportCommitForm(QueryDict("token=abc123&duplicates=skip"))
    assert form.is_valid() and form.cleaned_data == {"token": "abc123", "duplicates": "skip"}
    empty = ImportCommitForm(QueryDict(""))
    assert empty.is_valid() and empty.cleaned_data == {"token": "", "duplicates": ""}
