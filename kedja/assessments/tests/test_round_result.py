import pytest
from django.core.exceptions import ValidationError

from kedja.assessments import actions
from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Round
from kedja.assessments.results import area_levels_for_rounds, region_area_levels, round_result
from kedja.core.concurrency import EditConflict
from kedja.frameworks.factories import make_framework_version
from kedja.organisations.factories import make_municipality, make_user

pytestmark = pytest.mark.django_db


def test_result_per_item_and_area_with_disagreement(world):
    version = make_framework_version(areas=2, items=2)
    round_ = make_round(world.municipality, version)
    answer_all(add_respondent(round_, world.people["coordinator"]), [1, 3, 2, 2])
    answer_all(add_respondent(round_, world.people["head_of_schools"]), [3, 3, 2, None])
    result = round_result(round_)
    first = result.areas[0]
    assert [i.stat.median for i in first.items] == [2, 3]
    assert first.items[0].stat.disagreement and not first.items[1].stat.disagreement
    assert first.level == 2.5 and first.disagreements == 1
    second = result.areas[1]
    assert second.items[1].stat.dont_know == 1 and second.items[1].stat.median == 2
    assert result.respondents == 2 and result.answered == 2


def test_progress_compares_with_the_municipalitys_earlier_closed_rounds(world):
    version = make_framework_version(areas=1, items=2)
    old = make_round(world.municipality, version, title="2025")
    answer_all(add_respondent(old, world.people["coordinator"]), [1])
    actions.close_round(old, by=world.people["coordinator"])
    new = make_round(world.municipality, version, title="2026")
    answer_all(add_respondent(new, world.people["coordinator"]), [3])
    progress = round_result(new).progress["1"]
    assert [(r.title, level) for r, level in progress] == [("2025", 1), ("2026", 3)]


def test_region_sees_only_rounds_that_were_shared_and_closed(world):
    version = make_framework_version(areas=1, items=1)
    shared = make_round(world.municipality, version, shares_with_region=True, status=Round.Status.CLOSED)
    answer_all(add_respondent(shared, make_user()), [2])
    other = make_municipality(world.region, code="0298")
    private = make_round(other, version, shares_with_region=False, status=Round.Status.CLOSED)
    answer_all(add_respondent(private, make_user()), [4])
    still_open = make_round(make_municipality(world.region, code="0297"), version, shares_with_region=True)
    answer_all(add_respondent(still_open, make_user()), [4])
    levels = region_area_levels(world.region, version.framework)
    assert levels == {world.municipality: {"1": 2}}


def test_answers_cannot_be_changed_after_close_and_conflicts_are_caught(world):
    version = make_framework_version(areas=1, items=1)
    round_ = make_round(world.municipality, version)
    respondent = add_respondent(round_, world.people["coordinator"])
    item = version.items().get()
    answer = actions.save_answer(
        respondent, item, data={"level": 2, "evidence": "Plan antagen"}, expected_version=None
    )
    actions.save_answer(respondent, item, data={"level": 3}, expected_version=answer.version)
    with pytest.raises(EditConflict):
        actions.save_answer(respondent, item, data={"level": 1}, expected_version=0)
    with pytest.raises(ValidationError):
        actions.save_answer(respondent, item, data={"level": 2, "dont_know": True}, expected_version=1)
    actions.close_round(round_, by=world.people["coordinator"])
    with pytest.raises(ValidationError):
        actions.save_answer(respondent, item, data={"level": 4}, expected_version=1)
    answer.refresh_from_db()
    assert answer.level == 3 and answer.evidence == "Plan antagen"


def test_bulk_area_levels_agree_with_the_full_result(world):
    version = make_framework_version(areas=3, items=3)
    rounds = []
    for levels in ([0, 4, 2, None], [1, 1, 3], [4]):
        r = make_round(world.municipality, version)
        answer_all(add_respondent(r, make_user()), levels)
        answer_all(add_respondent(r, make_user()), list(reversed(levels)))
        rounds.append(r)
    bulk = area_levels_for_rounds(rounds)
    for r in rounds:
        assert bulk[r.pk] == {a.node.code: a.level for a in round_result(r, with_history=False).areas}
