"""The goal and indicator pages, the values grid and the target (kedja/indicators/views.py)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kedja.indicators.factories import make_goal, make_indicator
from kedja.indicators.models import GoalKind, IndicatorValue
from kedja.kolada.models import Kpi, KpiValue

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def login(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def tree(world):
    main = make_goal(world.municipality, title="Fler väljer NA/TE", owner_function="Utbildningschef")
    sub = make_goal(world.municipality, parent=main, title="Fler flickor väljer TE")
    action = make_goal(world.municipality, parent=sub, kind=GoalKind.ACTION, title="Studiebesök åk 8")
    on_track = make_indicator(world.municipality, goal=main, name="Andel NA/TE", values={YEAR - 2: 20.0})
    on_track.target_value, on_track.target_year = 30.0, YEAR + 3
    on_track.baseline_value, on_track.baseline_year = 20.0, YEAR - 2
    on_track.save()
    lagging = make_indicator(world.municipality, goal=sub, name="Andel flickor TE", values={YEAR - 2: 10.0})
    return {"main": main, "sub": sub, "action": action, "on_track": on_track, "lagging": lagging}


def test_goal_page_shows_the_tree_indicators_and_status_as_text(client, world, tree):
    body = login(client, world, "teacher").get(reverse("indicators:goals", args=[world.municipality.pk]))
    assert body.status_code == 200
    text = body.content.decode()
    for title in ("Fler väljer NA/TE", "Fler flickor väljer TE", "Studiebesök åk 8", "Utbildningschef"):
        assert title in text
    assert "Andel NA/TE" in text and "Andel flickor TE" in text
    assert f"30 ({YEAR + 3})" in text  # the target, value and year
    assert '<span class="ds-tag" data-color="success">On track</span>' in text
    assert '<span class="ds-tag" data-color="neutral">No data</span>' in text


def test_goal_page_queries_do_not_grow_with_goals(client, world, tree, django_assert_max_num_queries):
    login(client, world, "coordinator")
    url = reverse("indicators:goals", args=[world.municipality.pk])
    client.get(url)
    for n in range(5):
        goal = make_goal(world.municipality, parent=tree["main"], title=f"Extra {n}")
        make_indicator(world.municipality, goal=goal, values={YEAR - 1: 5.0})
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_outsider_and_partner_get_404(client, world, tree):
    for persona in ("outsider", "partner"):
        login(client, world, persona)
        assert client.get(reverse("indicators:goals", args=[world.municipality.pk])).status_code == 404
        assert client.get(reverse("indicators:indicator", args=[tree["on_track"].pk])).status_code == 404


def test_reader_sees_but_may_not_enter_values_or_target(client, world, tree):
    login(client, world, "reader")
    indicator = tree["on_track"]
    page = client.get(reverse("indicators:indicator", args=[indicator.pk]))
    assert page.status_code == 200 and "Enter values" not in page.content.decode()
    assert client.get(reverse("indicators:values", args=[indicator.pk])).status_code == 403
    posted = client.post(
        reverse("indicators:target", args=[indicator.pk]), {"target_value": "50", "target_year": "2030"}
    )
    assert posted.status_code == 403


def test_indicator_page_has_values_table_chart_and_status_reason(client, world, tree):
    text = (
        login(client, world, "reader")
        .get(reverse("indicators:indicator", args=[tree["on_track"].pk]))
        .content.decode()
    )
    table_id = f"indicator-{tree['on_track'].pk}-values"
    assert f'id="{table_id}"' in text and f'aria-describedby="{table_id}"' in text
    assert "<svg" in text and "stroke-dasharray" in text  # the target line
    assert "On track" in text and "has reached or is on the way to the target" in text


def test_kolada_indicator_names_the_source_and_fetch(client, world):
    kpi = Kpi.objects.create(id="N15419", title="Elever i åk 9 som är behöriga")
    KpiValue.objects.create(
        kpi=kpi,
        area_type="municipality",
        area_code="0299",
        period=YEAR - 1,
        gender="T",
        value=80.0,
        fetched_at=timezone.now(),
    )
    indicator = make_indicator(world.municipality, name="Behörighet", source="kolada", kolada_kpi="N15419")
    text = (
        login(client, world, "reader")
        .get(reverse("indicators:indicator", args=[indicator.pk]))
        .content.decode()
    )
    assert "Källa: Kolada" in text and "N15419" in text and "Elever i åk 9 som är behöriga" in text
    assert "fetched" in text


def test_grid_refuses_105_percent_keeps_input_and_writes_nothing(client, world, tree):
    indicator = tree["lagging"]
    login(client, world, "coordinator")
    url = reverse("indicators:values", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200 and f'value="{YEAR - 2}"' in page.content.decode()
    data = {
        "row-0-year": str(YEAR - 2),
        "row-0-total": "12,5",
        "row-0-women": "14",
        "row-0-men": "11",
        "row-1-year": str(YEAR - 1),
        "row-1-total": "105",
        "row-1-women": "",
        "row-1-men": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="row-1-error"' in text and "above the highest possible value" in text
    assert 'id="row-0-error"' not in text
    assert 'value="12,5"' in text and 'value="105"' in text
    assert IndicatorValue.objects.get(indicator=indicator, period=YEAR - 2, gender="total").value == 10.0


def test_grid_saves_valid_rows_and_redirects(client, world, tree):
    indicator = tree["lagging"]
    login(client, world, "head_of_schools")
    data = {
        "row-0-year": str(YEAR - 2),
        "row-0-total": "12,5",
        "row-0-women": "14",
        "row-0-men": "11",
        "row-1-year": str(YEAR - 1),
        "row-1-total": "15",
        "row-1-women": "",
        "row-1-men": "",
    }
    response = client.post(reverse("indicators:values", args=[indicator.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:indicator", args=[indicator.pk])
    saved = {(v.period, v.gender): v.value for v in indicator.values.all()}
    assert saved == {
        (YEAR - 2, "total"): 12.5,
        (YEAR - 2, "women"): 14.0,
        (YEAR - 2, "men"): 11.0,
        (YEAR - 1, "total"): 15.0,
    }


def test_target_is_set_and_wrong_target_is_shown_with_input_kept(client, world, tree):
    indicator = tree["lagging"]
    login(client, world, "admin")
    url = reverse("indicators:target", args=[indicator.pk])
    response = client.post(url, {"target_value": "40", "target_year": str(YEAR + 4)})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.target_value, indicator.target_year) == (40.0, YEAR + 4)
    response = client.post(url, {"target_value": "140", "target_year": "2031"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "outside the unit&#x27;s range" in text and 'value="140"' in text
    indicator.refresh_from_db()
    assert indicator.target_value == 40.0
