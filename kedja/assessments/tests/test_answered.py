"""What counts as an answered item (models.answered_q): a level or "don't know"; text alone is a draft.
The answer page's progress, the round page, "my rounds" and the home page's to-do all count with it."""

import pytest

from kedja.assessments.factories import add_respondent, make_round
from kedja.assessments.models import Answer, Respondent
from kedja.organisations.factories import make_municipality, make_user

pytestmark = pytest.mark.django_db


def test_a_level_or_dont_know_answers_an_item_and_text_alone_does_not():
    round_ = make_round(make_municipality(name="Norrby kommun"))
    respondent = add_respondent(round_, make_user(email="a@example.se"))
    add_respondent(round_, make_user(email="b@example.se"))
    first, second, third = list(round_.framework_version.items())[:3]
    level = Answer.objects.create(respondent=respondent, node=first, level=0)
    dont_know = Answer.objects.create(respondent=respondent, node=second, dont_know=True)
    draft = Answer.objects.create(respondent=respondent, node=third, evidence="Vi har en plan")
    assert set(respondent.answers.answered()) == {level, dont_know}
    assert [a.is_answered for a in (level, dont_know, draft)] == [True, True, False]
    counted = {r.user.email: r.answered for r in Respondent.objects.filter(round=round_).with_answered()}
    assert counted == {"a@example.se": 2, "b@example.se": 0}
