"""The follow-up's small forms that replaced raw reads of the post: what each accepts, what it refuses
and with which message, and what it hands the view."""

import json

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from kedja.core.concurrency import EditConflict
from kedja.followup.forms import (
    AnalysisForm,
    CellForm,
    CellsForm,
    EraseForm,
    GridForm,
    MoveStudentsForm,
    QuestionsForm,
    SchemeBaseForm,
)


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return data


def test_moving_students_keeps_only_whole_positive_ids_and_tells_no_group_from_a_bad_one():
    form = MoveStudentsForm(posted(student=["3", "x", "-1", str(2**70), "7"], group=""))
    assert form.is_valid() and form.student_ids() == [3, 7] and form.group_id() is None
    chosen = MoveStudentsForm(posted(group="12"))
    assert chosen.is_valid() and chosen.student_ids() == [] and chosen.group_id() == 12
    bad = MoveStudentsForm(posted(group="twelve"))
    assert bad.is_valid() and bad.group_id() == 0  # no group has id 0: the view's 404


def test_erasure_needs_the_box_ticked_with_the_translated_message():
    assert EraseForm(posted(confirm="yes")).is_valid()
    for data in (posted(), posted(confirm="no")):
        form = EraseForm(data)
        with translation.override("en"):
            assert not form.is_valid()
            assert form.errors["confirm"] == [
                "Tick the box to confirm that the student's data is to be erased."
            ]


def test_an_analysis_keeps_the_typed_answers_and_treats_a_missing_version_as_stale():
    questions = [{"code": "a", "text": "A?"}, {"code": "b", "text": "B?"}]
    form = AnalysisForm(posted(**{"q-a": " Bra ", "version": "4"}), questions=questions)
    assert form.is_valid() and form.expected_version == 4
    assert form.answers() == {"a": " Bra ", "b": ""}
    missing = AnalysisForm(posted(**{"q-a": "x"}), questions=questions)
    assert missing.is_valid() and missing.expected_version == -1
    unreadable = AnalysisForm(posted(version="x"), questions=questions)
    assert not unreadable.is_valid() and "version" in unreadable.errors


def test_an_analysis_refusal_is_shown_beside_its_question():
    form = AnalysisForm(posted(**{"q-a": "x" * 10, "version": "1"}), questions=[{"code": "a"}])
    assert form.is_valid()
    with form.saving(current=lambda: None):
        raise ValidationError({"a": "At most 5 characters."})
    assert form.question_errors() == {"a": "At most 5 characters."} and form.response_status == 400


def test_questions_read_their_set_and_every_textarea():
    form = QuestionsForm(
        posted(answered_by="teacher", question=["Vad gick bra?", "", "Vad nu?"], version="2")
    )
    assert form.which == "teacher" and form.is_valid()
    assert form.texts() == ["Vad gick bra?", "", "Vad nu?"] and form.expected_version == 2
    assert QuestionsForm(posted(question=["x"])).which == ""


def test_a_cell_is_read_as_grid_js_sends_it():
    assert CellForm(posted(code="maths", value=" 3 ", expected=" ")).cell() == ("maths", "3", None)
    assert CellForm(posted(code="maths", value="", expected="2")).cell() == ("maths", "", "2")
    assert CellForm(posted()).cell() == ("", "", None)


def test_a_block_of_cells_is_parsed_or_refused_with_one_message():
    good = CellsForm(posted(cells=json.dumps([[5, "maths", 2, None], ["6", "english", None, "1"]])))
    assert good.is_valid()
    assert good.cleaned_data["cells"] == [(5, "maths", "2", ""), (6, "english", "", "1")]
    with translation.override("en"):
        for raw in ("", "not json", json.dumps(5), json.dumps([[1, 2]]), json.dumps([["x", "a", "1", ""]])):
            form = CellsForm(posted(cells=raw) if raw else posted())
            assert not form.is_valid() and form.errors["cells"] == ["The cells could not be read."]


def test_the_grid_form_yields_only_the_cells_sent_and_changed():
    class Column:
        def __init__(self, code):
            self.code = code

    class Layout:
        columns = [Column("maths"), Column("english"), Column("sv")]

    class Row:
        pk = 9

    data = posted(
        **{"was-9": json.dumps({"maths": 2, "english": None}), "c-9-maths": "2", "c-9-english": " 3 "}
    )
    assert list(GridForm(data, layout=Layout()).changes(Row())) == [("english", "3", None)]
    broken = posted(**{"was-9": "[1]", "c-9-sv": "1"})
    assert list(GridForm(broken, layout=Layout()).changes(Row())) == [("sv", "1", None)]


def test_the_scheme_editor_base_number_is_a_version_and_unreadable_is_stale():
    class Current:
        number = 7

    scheme_form = QuestionsForm()  # any form: the scheme's refusals are shown there
    form = SchemeBaseForm(posted(expected_number="6"), scheme_form=scheme_form)
    form.is_valid()
    assert form.expected_version == 6
    unreadable = SchemeBaseForm(posted(expected_number="six"), scheme_form=scheme_form)
    unreadable.is_valid()
    assert unreadable.expected_version == -1
    with form.saving(current=lambda: Current()):
        raise EditConflict()
    assert form.data["expected_number"] == 7 and form.response_status == 409
