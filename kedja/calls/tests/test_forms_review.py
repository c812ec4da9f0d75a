"""The review page's and the decision page's forms: the button pressed, the declaration, the scores sent
on to check_scores as typed, and a version that is missing or unreadable answered as a stale save."""

from django.http import QueryDict
from django.utils import translation

from kedja.calls.forms_render import VERSION, StartedFromForm
from kedja.calls.forms_review import DecisionForm, DeclarationForm, ReviewActionForm, ReviewForm, shown_errors


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(fields)
    return data


class Criterion:
    def __init__(self, pk):
        self.pk = pk


def test_the_button_pressed_is_read_and_anything_else_is_empty():
    assert ReviewActionForm(posted(action="submit")).pressed == "submit"
    assert ReviewActionForm(posted()).pressed == ""


def test_the_declaration_must_say_yes_or_no_with_the_translated_message():
    assert DeclarationForm(posted(conflict="yes", conflict_reason="Min syster")).has_conflict is True
    no = DeclarationForm(posted(conflict="no"))
    assert no.is_valid() and not no.has_conflict
    with translation.override("en"):
        for data in (posted(), posted(conflict="maybe")):
            form = DeclarationForm(data)
            assert not form.is_valid()
            assert shown_errors(form) == ({"conflict": ["Say whether you have a conflict of interest."]}, [])


def test_the_scores_and_comments_go_on_as_typed_per_criterion():
    criteria = [Criterion(1), Criterion(2)]
    form = ReviewForm(
        posted(score_1=" 3", comment_1="Bra ", comment="Helhet", version="5"), criteria=criteria
    )
    assert form.is_valid() and form.expected_version == 5
    assert form.scores() == {1: " 3", 2: ""} and form.comments() == {1: "Bra ", 2: ""}
    assert form.cleaned_data["comment"] == "Helhet"
    stale = ReviewForm(posted(score_1="3"), criteria=criteria)
    assert stale.is_valid() and stale.expected_version == -1


def test_a_decision_without_a_version_is_stale_and_errors_split_by_field():
    form = DecisionForm(posted(decision="accepted", justification="Stark."))
    assert form.is_valid() and form.expected_version == -1
    form.add_error("justification", "Write a justification for the decision.")
    form.add_error(None, "Only a submitted application can be decided.")
    assert shown_errors(form) == (
        {"justification": ["Write a justification for the decision."]},
        ["Only a submitted application can be decided."],
    )


def test_an_application_page_sends_the_version_it_was_opened_at():
    for value, expected in (("3", 3), ("", -1), ("x", -1), ("-2", -1)):
        form = StartedFromForm(posted(**{VERSION: value}))
        form.is_valid()
        assert form.expected_version == expected
