"""Where a framework's areas and items apply (docs/framework-format.md, "Where a node applies"): read from the
file, kept through import, export and a new draft, checked, and older files without it still import."""

import pytest
from django.utils import translation

from kedja.frameworks import actions, schema
from kedja.frameworks.chain import WHOLE, Applies, area_stages, effective, group_exists
from kedja.frameworks.models import Framework, FrameworkVersion

WITH_APPLIES = """\
kedja_framework: 1
key: chain-example
title: {sv: Kedjeramverk}
target_group_stages:
  neet: [upper_secondary, adult]
nodes:
  - number: "1"
    applies: organisation
    title: {sv: Styrning}
    children:
      - number: a
        title: {sv: Plan}
  - number: "2"
    applies:
      stages: [preschool, f3]
    title: {sv: Skola}
    children:
      - number: a
        applies:
          target_groups: [parents]
        title: {sv: Föräldrar}
      - number: b
        title: {sv: Undervisning}
  - number: "3"
    title: {sv: Överallt}
    children:
      - number: a
        title: {sv: Något}
"""

STAGES = ["preschool", "f3", "y4_6", "y7_9", "upper_secondary", "adult", "yh", "folk_high_school"]


@pytest.mark.django_db
def test_applies_round_trips_through_import_export_and_a_new_draft():
    parsed = schema.parse_text(WITH_APPLIES)
    assert parsed.nodes[0].applies == {"scope": "organisation"}
    assert parsed.nodes[1].applies == {"stages": ["preschool", "f3"]}
    assert parsed.nodes[1].children[0].applies == {"target_groups": ["parents"]}
    assert parsed.target_group_stages == {"neet": ["upper_secondary", "adult"]}
    version = actions.import_framework(parsed, owner=None, publish=True)
    data = schema.to_data(version)
    assert data["nodes"][0]["applies"] == "organisation"
    assert data["nodes"][1]["applies"] == {"stages": ["preschool", "f3"]}
    assert "applies" not in data["nodes"][2]
    assert data["target_group_stages"] == {"neet": ["upper_secondary", "adult"]}
    assert schema.parse_text(schema.to_yaml(version)) == parsed
    assert schema.parse_text(schema.to_json(version)) == parsed
    draft = actions.start_draft(version.framework)
    assert schema.parse(schema.to_data(draft)).nodes == parsed.nodes
    assert draft.target_group_stages == {"neet": ["upper_secondary", "adult"]}


@pytest.mark.django_db
def test_a_file_without_applies_still_imports_and_applies_everywhere():
    text = "\n".join(
        line for line in WITH_APPLIES.splitlines() if "applies" not in line and "stages:" not in line
    )
    text = text.replace("          target_groups: [parents]\n", "").replace(
        "  neet: [upper_secondary, adult]\n", ""
    )
    parsed = schema.parse_text(text.replace("target_group_stages:\n", ""))
    version = actions.import_framework(parsed, owner=None, publish=True)
    assert all(not n.applies for n in version.nodes.all())
    assert version.target_group_stages == {}
    assert "applies" not in schema.to_yaml(version)


def test_unknown_stages_groups_and_fields_are_reported_with_their_place():
    broken = (
        WITH_APPLIES.replace("[preschool, f3]", "[preschool, moon]")
        .replace("target_groups: [parents]", "target_groups: [cats]")
        .replace("neet: [upper_secondary, adult]", "dogs: [adult]")
        .replace("applies: organisation", "applies: everywhere")
    )
    with translation.override("en"), pytest.raises(schema.FormatError) as caught:
        schema.parse_text(broken)
    where = {p.where: p.message for p in caught.value.problems}
    assert set(where) == {
        "nodes[0].applies",
        "nodes[1].applies.stages",
        "nodes[1].children[0].applies.target_groups",
        "target_group_stages.dogs",
    }
    assert where["nodes[1].applies.stages"].startswith("Unknown code moon")


def test_an_item_keeps_its_areas_stages_and_a_municipality_wide_area_is_one_cell():
    area = effective({"stages": ["preschool", "f3"]}, None)
    item = effective({"target_groups": ["parents"]}, area)
    assert item == Applies(stages=("preschool", "f3"), target_groups=("parents",))
    assert area_stages(area, STAGES) == ["preschool", "f3"]
    assert area_stages(effective({"scope": "organisation"}, None), STAGES) == [WHOLE]
    assert area_stages(effective({}, None), STAGES) == STAGES
    assert effective({"target_groups": ["staff"]}, effective({"scope": "organisation"}, None)).organisation


def test_target_groups_exist_only_at_their_stages():
    limits = {"neet": ["upper_secondary", "adult"]}
    assert not group_exists(limits, stage="preschool", group="neet")
    assert group_exists(limits, stage="adult", group="neet")
    assert group_exists(limits, stage="preschool", group="girls_women")  # not named: everywhere


@pytest.mark.django_db
def test_the_shipped_steam_framework_says_where_its_areas_apply():
    actions.load_shipped_frameworks()
    version = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    applies = {a.code: effective(a.applies, None) for a in version.areas()}
    assert applies["1"].organisation and applies["7"].organisation  # municipality-wide work
    assert not any(applies[c].organisation for c in "234568")
    assert not group_exists(version.target_group_stages, stage="preschool", group="neet")
    assert isinstance(version, FrameworkVersion)
