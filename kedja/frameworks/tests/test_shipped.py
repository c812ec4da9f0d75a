"""The frameworks that ship with Kedja (docs/domain.md, "Frameworks and self-assessment"): loaded
idempotently, letters kept with their gaps."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from kedja.frameworks import actions
from kedja.frameworks.models import Framework, FrameworkVersion, Node

pytestmark = pytest.mark.django_db

SHIPPED_KEYS = {"steam-municipal", "improvement-capacity", "no-stem-initiative"}

STEAM_LETTERS = {
    "1": ["a", "b", "c", "d", "g"],
    "2": ["a", "b", "c", "d", "e", "f"],
    "3": ["a", "b", "c"],
    "4": ["a", "b", "c", "d", "e"],
    "5": ["a", "b", "d"],
    "6": ["a", "b", "c", "d", "e"],
    "7": ["a", "b", "c"],
    "8": ["a", "b", "c"],
}


def _codes(nodes):
    return [n.code for n in nodes]


def test_loading_creates_three_published_shipped_frameworks():
    outcome = actions.load_shipped_frameworks()
    assert outcome == dict.fromkeys(SHIPPED_KEYS, "created")
    frameworks = Framework.objects.all()
    assert {f.key for f in frameworks} == SHIPPED_KEYS
    for framework in frameworks:
        assert framework.shipped
        assert [(v.number, v.status) for v in framework.versions.all()] == [(1, "published")]
        assert framework.latest_published().published_at is not None
        assert framework.latest_published().source


def test_steam_framework_has_eight_areas_with_the_sources_letters_and_gaps():
    actions.load_shipped_frameworks()
    version = Framework.objects.get(key="steam-municipal").latest_published()
    areas = list(version.areas())
    assert _codes(areas) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert all(area.kind == Node.Kind.AREA for area in areas)
    for area in areas:
        items = area.children.order_by("position")
        assert _codes(items) == [f"{area.number}.{letter}" for letter in STEAM_LETTERS[area.number]]
        assert all(item.kind == Node.Kind.ITEM for item in items)
    assert _codes(areas[0].children.order_by("position")) == ["1.a", "1.b", "1.c", "1.d", "1.g"]
    assert _codes(areas[4].children.order_by("position")) == ["5.a", "5.b", "5.d"]
    assert version.items().count() == 33
    # the body's title, not the overview's
    assert areas[5].title["en"] == "Equality, inclusion and broadened recruitment"


def test_improvement_capacity_has_five_dimensions_each_assessable():
    actions.load_shipped_frameworks()
    version = Framework.objects.get(key="improvement-capacity").latest_published()
    areas = list(version.areas())
    assert [a.title["en"] for a in areas] == [
        "Improvement agenda",
        "Improvement agents",
        "Improvement organisation",
        "Improvement culture and history",
        "Improvement leadership and processes",
    ]
    for area in areas:
        assert 2 <= area.children.filter(kind=Node.Kind.ITEM).count() <= 4


def test_norwegian_stem_initiative_is_one_goal_three_sub_goals_four_measures_each():
    actions.load_shipped_frameworks()
    version = Framework.objects.get(key="no-stem-initiative").latest_published()
    assert _codes(version.areas()) == ["1"]
    groups = version.nodes.filter(kind=Node.Kind.GROUP).order_by("position")
    assert _codes(groups) == ["1.1", "1.2", "1.3"]
    for group in groups:
        assert _codes(group.children.order_by("position")) == [f"{group.code}.{x}" for x in "abcd"]
    assert version.items().count() == 12


def test_every_shipped_node_has_a_title_in_swedish_english_and_bokmal():
    actions.load_shipped_frameworks()
    nodes = Node.objects.all()
    assert nodes.count() == 41 + 20 + 16
    for node in nodes:
        for lang in ("sv", "en", "nb"):
            assert node.title.get(lang), (node.code, lang)
            assert node.summary.get(lang), (node.code, lang)
    for framework in Framework.objects.all():
        assert set(framework.title) == {"sv", "en", "nb"}


def test_loading_again_reports_unchanged_and_creates_nothing():
    actions.load_shipped_frameworks()
    before = (Framework.objects.count(), FrameworkVersion.objects.count(), Node.objects.count())
    outcome = actions.load_shipped_frameworks()
    assert outcome == dict.fromkeys(SHIPPED_KEYS, "unchanged")
    assert (Framework.objects.count(), FrameworkVersion.objects.count(), Node.objects.count()) == before


def test_a_changed_file_becomes_version_two_and_version_one_stays(tmp_path, monkeypatch):
    for path in actions.SHIPPED_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(actions, "SHIPPED_DIR", tmp_path)
    actions.load_shipped_frameworks()
    steam = tmp_path / "steam-municipal.yaml"
    text = steam.read_text(encoding="utf-8")
    assert text.count("en: Current state and needs") == 1
    steam.write_text(
        text.replace("en: Current state and needs", "en: Where we stand today"), encoding="utf-8"
    )

    outcome = actions.load_shipped_frameworks()

    assert outcome == {
        "improvement-capacity": "unchanged",
        "no-stem-initiative": "unchanged",
        "steam-municipal": "new version",
    }
    framework = Framework.objects.get(key="steam-municipal")
    v1, v2 = framework.versions.order_by("number")
    assert (v1.number, v1.status, v2.number, v2.status) == (1, "published", 2, "published")
    assert framework.latest_published() == v2
    assert v1.nodes.get(code="1.a").title["en"] == "Current state and needs"
    assert v2.nodes.get(code="1.a").title["en"] == "Where we stand today"
    assert _codes(v1.nodes.order_by("position")) == _codes(v2.nodes.order_by("position"))
    assert actions.load_shipped_frameworks()["steam-municipal"] == "unchanged"


def test_load_frameworks_command_prints_the_outcome_per_key():
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert sorted(out.getvalue().splitlines()) == sorted(f"{key}: created" for key in SHIPPED_KEYS)
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert sorted(out.getvalue().splitlines()) == sorted(f"{key}: unchanged" for key in SHIPPED_KEYS)
