"""The scheme editor (views_scheme.py, scheme_forms.py): the form → definition conversion and its checks as
plain functions, new_scheme_version's conflict check, the pages' happy path, refusals with the message at the
field and nothing typed lost, the 409 on a stale start, and that a round keeps the version it was opened
with."""

import pytest
from django.test import Client
from django.urls import reverse

from kedja.core.concurrency import EditConflict
from kedja.followup import actions
from kedja.followup.factories import make_round
from kedja.followup.models import SchemeVersion, Term
from kedja.followup.scheme import highest_possible_sum
from kedja.followup.scheme_forms import check_edit, initial_from, to_definition
from kedja.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db

THRESHOLDS = {"score_max": 3, "yellow_from": 40, "orange_from": 50, "red_from": 65}


def _group(code="social", **extra):
    return {"code": code, "name_sv": "Socialt", "name_nb": "", "name_en": "Social", "order": None} | extra


def _column(code, group="social", **extra):
    return {
        "group": group,
        "code": code,
        "name_sv": code.title(),
        "name_nb": "",
        "name_en": "",
        "help_sv": "",
        "help_nb": "",
        "help_en": "",
        "weight": 1,
        "subject": False,
        "order": None,
    } | extra


def _messages(errors):
    return {(e.kind, e.position, e.field): e.message for e in errors}


# --- plain functions -------------------------------------------------------------------------------------


def test_highest_possible_sum_is_the_highest_score_times_the_weights():
    assert highest_possible_sum(3, [1] * 33) == 99
    assert highest_possible_sum(3, [1, 1.5, 2]) == 13.5


def test_to_definition_orders_groups_and_columns_and_drops_empty_languages():
    groups = [_group("b", order=20), _group("a", order=10)]
    columns = [
        _column("x", group="b", order=2),
        _column("y", group="a", help_sv="Hjälp", weight=1.5, subject=True),
        _column("w", group="b", order=1),
    ]
    definition = to_definition(groups, columns)
    assert [g["code"] for g in definition["groups"]] == ["a", "b"]
    assert [c["code"] for c in definition["groups"][1]["columns"]] == ["w", "x"]
    first = definition["groups"][0]["columns"][0]
    assert first == {
        "code": "y",
        "name": {"sv": "Y"},
        "help": {"sv": "Hjälp"},
        "weight": 1.5,
        "subject": True,
    }
    assert definition["groups"][0]["name"] == {"sv": "Socialt", "en": "Social"}


def test_initial_from_and_back_gives_the_same_definition(world):
    version = actions.ensure_scheme(world.municipality)
    _scheme, groups, columns = initial_from(version)
    assert not check_edit(groups, columns, **THRESHOLDS)
    full = {
        "groups": [
            g | {"columns": [{"help": {}, "weight": 1, "subject": False} | c for c in g["columns"]]}
            for g in version.definition["groups"]
        ]
    }
    assert to_definition(groups, columns) == full


def test_check_edit_reports_each_problem_at_its_field():
    groups = [_group("social"), _group("social"), _group("empty"), _group("", name_sv="", name_en="")]
    columns = [
        _column("friends"),
        _column("friends"),
        _column("bad weight", weight=0),
        _column("orphan", group="nowhere"),
        _column("nameless", name_sv=""),
    ]
    errors = _messages(check_edit(groups, columns, **THRESHOLDS))
    assert errors[("group", 1, "code")] == "Another column group has this code."
    assert errors[("group", 2, "code")] == "A column group needs at least one column."
    assert errors[("group", 3, "code")] == "Give the group a code."
    assert errors[("group", 3, "name_sv")] == "Give the name in at least one language."
    assert errors[("column", 1, "code")] == "Another column has this code."
    assert errors[("column", 2, "weight")] == "The weight must be a positive number."
    assert errors[("column", 3, "group")] == "Give the code of one of the column groups above."
    assert errors[("column", 4, "name_sv")] == "Give the name in at least one language."


def test_check_edit_refuses_thresholds_out_of_order_and_an_unreachable_red():
    groups, columns = [_group()], [_column(f"c{n}") for n in range(30)]
    out_of_order = THRESHOLDS | {"yellow_from": 55, "orange_from": 50, "red_from": 45}
    errors = _messages(check_edit(groups, columns, **out_of_order))
    assert errors[("scheme", None, "orange_from")] == "Orange must start at or above yellow."
    assert errors[("scheme", None, "red_from")] == "Red must start at or above orange."
    unreachable = _messages(check_edit(groups, columns, **THRESHOLDS | {"red_from": 91}))
    assert "90, the highest sum" in unreachable[("scheme", None, "red_from")]
    assert not check_edit(groups, columns, **THRESHOLDS | {"red_from": 90})


def test_new_scheme_version_refuses_a_stale_start(world):
    current = actions.ensure_scheme(world.municipality)
    thresholds = {"yellow_from": 30, "orange_from": 50, "red_from": 65, "stated_max": 78}
    made = actions.new_scheme_version(
        world.municipality,
        definition=current.definition,
        thresholds=thresholds,
        expected_number=1,
        by=world.people["head_of_schools"],
    )
    assert made.number == 2 and made.yellow_from == 30
    assert AuditEvent.objects.filter(verb="followup.scheme_version").exists()
    with pytest.raises(EditConflict):
        actions.new_scheme_version(
            world.municipality,
            definition=current.definition,
            thresholds=thresholds,
            expected_number=1,
            by=world.people["head_of_schools"],
        )
    assert SchemeVersion.objects.filter(scheme=current.scheme).count() == 2


# --- the pages -------------------------------------------------------------------------------------------


def _post_data(version, **changes) -> dict:
    """What the editor posts when nothing is changed, plus `changes` (field name → value)."""
    scheme, groups, columns = initial_from(version)
    data = {"expected_number": str(version.number)}
    data |= {k: "" if v is None else str(v) for k, v in scheme.items()}
    for prefix, rows, extra in (("g", groups, 1), ("c", columns, 3)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            for key, value in row.items():
                if value is False:
                    continue
                data[f"{prefix}-{index}-{key}"] = "on" if value is True else str(value)
    for index in range(len(columns), len(columns) + 3):
        data[f"c-{index}-weight"] = "1"  # as the browser posts the blank rows' initial weight
    data |= changes
    return {k: v for k, v in data.items() if v is not None}


def _client(person):
    client = Client()
    client.force_login(person)
    return client


def test_editor_makes_version_2_and_rounds_keep_their_version(world):
    first = actions.ensure_scheme(world.municipality)
    open_before = make_round(world.school, term=Term.SPRING, year=2026)
    client = _client(world.people["head_of_schools"])
    url = reverse("followup:scheme_edit", args=[world.municipality.pk])
    page = client.get(url)
    assert page.status_code == 200 and "You start from version 1." in page.content.decode()
    columns = len(initial_from(first)[2])
    response = client.post(
        url,
        _post_data(
            first,
            yellow_from="42",
            **{
                f"c-{columns}-group": "social",
                f"c-{columns}-code": "loneliness",
                f"c-{columns}-name_sv": "Ensamhet",
                f"c-{columns}-weight": "1.5",
            },
        ),
    )
    assert response.status_code == 302
    new = SchemeVersion.objects.get(scheme=first.scheme, number=2)
    assert new.yellow_from == 42 and new.created_by == world.people["head_of_schools"]
    social = new.definition["groups"][0]
    assert social["columns"][-1] == {
        "code": "loneliness",
        "name": {"sv": "Ensamhet"},
        "help": {},
        "weight": 1.5,
        "subject": False,
    }
    first.refresh_from_db()
    assert first.yellow_from == 40 and len(first.definition["groups"][0]["columns"]) == 4
    open_before.refresh_from_db()
    assert open_before.scheme_version == first
    opened_after = make_round(world.school, term=Term.AUTUMN, year=2026)
    assert opened_after.scheme_version == new

    shown = client.get(reverse("followup:scheme", args=[world.municipality.pk])).content.decode()
    assert "Ensamhet" in shown and 'id="scheme-number">2' in shown
    older = client.get(reverse("followup:scheme_version", args=[world.municipality.pk, 1]))
    assert older.status_code == 200 and "This is an older version" in older.content.decode()


def test_bad_input_is_refused_at_the_field_and_kept(world):
    version = actions.ensure_scheme(world.municipality)
    client = _client(world.people["head_of_schools"])
    url = reverse("followup:scheme_edit", args=[world.municipality.pk])
    response = client.post(
        url,
        _post_data(
            version,
            yellow_from="70",
            orange_from="50",
            **{"c-1-code": "friends", "c-2-weight": "-1", "c-3-name_sv": "Utsatt i skolan"},
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_orange_from_error"><p>Orange must start at or above yellow.' in body
    assert 'id="id_c-1-code_error"><p>Another column has this code.' in body
    assert 'id="id_c-2-weight_error"><p>Ensure this value is greater than or equal' in body or (
        'id="id_c-2-weight_error"><p>The weight must be a positive number.' in body
    )
    assert 'value="Utsatt i skolan"' in body and 'value="70"' in body
    assert SchemeVersion.objects.filter(scheme=version.scheme).count() == 1


def test_empty_group_and_unknown_group_are_refused(world):
    version = actions.ensure_scheme(world.municipality)
    client = _client(world.people["head_of_schools"])
    url = reverse("followup:scheme_edit", args=[world.municipality.pk])
    removed = {f"c-{n}-DELETE": "on" for n in range(4)}  # every social column
    response = client.post(url, _post_data(version, **removed, **{"c-4-group": "nowhere"}))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_g-0-code_error"><p>A column group needs at least one column.' in body
    assert 'id="id_c-4-group_error"><p>Give the code of one of the column groups above.' in body
    assert 'value="nowhere"' in body


def test_a_stale_editor_gets_409_with_the_input_kept(world):
    version = actions.ensure_scheme(world.municipality)
    client = _client(world.people["head_of_schools"])
    url = reverse("followup:scheme_edit", args=[world.municipality.pk])
    assert client.post(url, _post_data(version, yellow_from="41")).status_code == 302
    stale = client.post(url, _post_data(version, yellow_from="44"))
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Someone else saved this while you were editing." in body
    assert 'value="44"' in body and 'name="expected_number" value="2"' in body
    assert SchemeVersion.objects.filter(scheme=version.scheme).count() == 2


def test_teachers_read_the_scheme_but_may_not_edit_it(world):
    teacher = _client(world.people["teacher"])
    page = teacher.get(reverse("followup:scheme", args=[world.municipality.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Does the student have friends and a place in the group?" in body
    assert 'id="scheme-highest">99' in body and "scheme-edit-link" not in body
    assert teacher.get(reverse("followup:scheme_edit", args=[world.municipality.pk])).status_code == 403
    outsider = _client(world.people["outsider"])
    assert outsider.get(reverse("followup:scheme", args=[world.municipality.pk])).status_code == 404
    editor = _client(world.people["head_of_schools"])
    assert (
        "scheme-edit-link"
        in editor.get(reverse("followup:scheme", args=[world.municipality.pk])).content.decode()
    )
