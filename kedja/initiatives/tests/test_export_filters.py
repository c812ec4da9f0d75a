"""filters.filter_initiatives: the register's filters as a plain function (the list and the exports)."""

from datetime import date, timedelta

import pytest
from django.http import QueryDict

from kedja.frameworks.factories import make_framework_version
from kedja.initiatives.access import member_municipality_ids, visible_initiatives
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.filters import filter_initiatives
from kedja.initiatives.models import Initiative

pytestmark = pytest.mark.db  # search and filters in SQL

TODAY = date(2026, 9, 1)


@pytest.fixture
def found(world):
    steam = make_framework_version(key="steam-municipal", areas=3, items=3)
    other = make_framework_version(key="other", areas=3, items=3)
    make_initiative(
        world.municipality,
        name="Robotklubb",
        items=list(steam.nodes.filter(code="3.a")),
        stages=["y4_6"],
        target_groups=["girls_women"],
        partners="Tekniska museet",
        funding="grant",
        funding_ends=TODAY + timedelta(days=100),
    )
    make_initiative(
        world.school, name="Mattelyftet", items=list(other.nodes.filter(code="3.b")), ends=date(2026, 6, 1)
    )
    make_initiative(
        world.municipality,
        name="Eldsjäl",
        responsible_function="",
        named_people="Lisa",
        evidence_base="none",
        follow_up="  ",
    )
    make_initiative(
        world.other_municipality, name="Grannen", sharing="all", responsible_function="Kulturförvaltningen"
    )

    def run(persona="coordinator", **params):
        user = world.people[persona]
        qs = filter_initiatives(
            visible_initiatives(user), params, own_municipality_ids=member_municipality_ids(user), today=TODAY
        )
        return sorted(qs.values_list("name", flat=True))

    run.steam, run.other = steam, other
    return run


def test_no_parameters_keeps_everything_the_person_sees(found):
    assert found() == ["Eldsjäl", "Mattelyftet", "Robotklubb"]
    assert found("outsider") == ["Grannen"]


def test_stage_group_funding_and_text(found):
    assert found(stage="y4_6") == ["Robotklubb"]
    assert found(group="girls_women") == found(target_group="girls_women") == ["Robotklubb"]
    assert found(funding="grant") == ["Robotklubb"]
    assert found(q="TEKNISKA") == ["Robotklubb"]  # partners, whatever the case
    assert found("outsider", q="kultur") == ["Grannen"]  # responsible function
    # case folding beyond A–Z, on SQLite too: Å/å, Ä/ä, Ö/ö
    assert found(q="ELDSJÄL") == found(q="eldsjäl") == ["Eldsjäl"]
    assert found("outsider", q="KULTURFÖRVALTNINGEN") == ["Grannen"]


def test_a_capital_swedish_letter_finds_the_small_one(world):
    make_initiative(world.municipality, name="Kodklubb i åk 4–6")
    make_initiative(world.municipality, name="Örebro läser")
    user = world.people["coordinator"]
    mine = member_municipality_ids(user)

    def names(text):
        qs = filter_initiatives(
            visible_initiatives(user), {"q": text}, own_municipality_ids=mine, today=TODAY
        )
        return sorted(qs.values_list("name", flat=True))

    assert names("Åk") == names("åk") == names("ÅK") == ["Kodklubb i åk 4–6"]
    assert names("örebro") == ["Örebro läser"]


def test_area_of_the_steam_framework_or_of_a_named_framework(found):
    assert found(area="3") == ["Robotklubb"]
    assert found(area=f"{found.other.framework_id}:3") == ["Mattelyftet"]
    assert found(area="3.a") == found()  # not an area: ignored


def test_status_active_ended_and_risks(found):
    assert found(status="active") == ["Eldsjäl", "Robotklubb"]
    assert found(status="ended") == ["Mattelyftet"]
    assert found(status="person_dependent") == ["Eldsjäl"]
    assert found(status="funding_ending") == ["Robotklubb"]
    assert found(status="no_evidence") == ["Eldsjäl"]
    assert found(status="no_follow_up") == ["Eldsjäl"]
    assert found(status="any_risk") == ["Eldsjäl", "Robotklubb"]


def test_scope_and_municipality(world, found):
    assert found("outsider", scope="own") == ["Grannen"]
    assert found("outsider", scope="shared") == []
    assert found("regional_officer", scope="own") == []
    assert found("regional_officer", scope="shared") == ["Eldsjäl", "Mattelyftet", "Robotklubb"]
    assert found(scope="own") == found()
    assert found(municipality=str(world.municipality.pk)) == found()
    assert found(municipality=str(world.other_municipality.pk)) == []  # never more than one sees


def test_unknown_values_are_ignored_and_a_querydict_works(world, found):
    assert (
        found(stage="gymnasiet", status="kanske", funding="pengar", municipality="x", area="a:b") == found()
    )
    user = world.people["coordinator"]
    params = QueryDict("stage=y4_6&q=robot")
    qs = filter_initiatives(visible_initiatives(user), params, today=TODAY)
    assert list(qs.values_list("name", flat=True)) == ["Robotklubb"]
    assert Initiative.objects.count() == 4


def test_the_area_filter_knows_a_regions_own_copy_of_the_steam_framework(world, found):
    copy = make_framework_version(owner=world.region, key="steam-municipal", areas=3, items=3)
    make_initiative(world.municipality, name="Regionens kopia", items=list(copy.nodes.filter(code="2.a")))
    assert found(area="2") == ["Regionens kopia"]
    assert found(area="3") == ["Robotklubb"]
