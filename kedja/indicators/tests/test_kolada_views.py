"""Kolada in the UI: following a KPI, syncing fetched values into indicators, the catalogue, fetch and run
pages, the schedule's command, and what people see when Kolada cannot be reached. Recorded responses only
(kedja/kolada/tests/data via FakeTransport) — never the network."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kedja.indicators import tasks
from kedja.indicators.actions import follow_kpi, unit_for_kpi
from kedja.indicators.factories import make_goal
from kedja.indicators.kolada_sync import comparison_areas, fetch_years, kolada_area, sync_values
from kedja.indicators.models import Indicator, IndicatorValue, Source, Unit
from kedja.kolada.client import FakeTransport, KoladaClient, KoladaUnavailable, ValueRow
from kedja.kolada.models import FetchRun, Kpi
from kedja.kolada.store import load_curated_catalogue, store_values
from kedja.kolada.tests.recorded import DATA
from kedja.organisations.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db

MALMO = "1280"


def login(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def malmo(world):
    """Norrby kommun takes Malmö's code, which the recorded responses cover (N00945 2000–2020, N21704 2023)."""
    Organisation.objects.filter(pk=world.municipality.pk).update(code=MALMO)
    world.municipality.refresh_from_db()
    load_curated_catalogue()
    Kpi.objects.create(
        id="N00945", title="Tillfälliga föräldrapenningdagar (VAB) som tas ut av män, andel (%)"
    )
    Kpi.objects.create(id="N21704", title="Invånare 80+ med hemtjänst i ordinärt boende, andel (%)")
    return world.municipality


@pytest.fixture
def recorded(monkeypatch):
    transport = FakeTransport(directory=DATA)
    monkeypatch.setattr(tasks, "make_client", lambda: KoladaClient(transport=transport))
    return transport


@pytest.fixture
def unreachable(monkeypatch):
    def refuse(url, params):
        raise KoladaUnavailable("Kolada could not be reached (connection refused); gave up after 3 retries.")

    monkeypatch.setattr(tasks, "make_client", lambda: KoladaClient(transport=refuse))


# --- follow_kpi and the areas ---------------------------------------------------------------------------


def test_follow_kpi_makes_a_kolada_indicator_for_the_municipality_and_records_it(world, malmo):
    kpi = Kpi.objects.get(pk="N15419")
    indicator = follow_kpi(malmo, kpi, by=world.people["coordinator"])
    assert (indicator.source, indicator.kolada_kpi, indicator.area) == (Source.KOLADA, "N15419", MALMO)
    assert indicator.unit == Unit.PERCENT and indicator.direction == "higher_better"
    assert indicator.name == kpi.title
    event = AuditEvent.objects.filter(verb="indicator.kolada_followed").get()
    assert event.organisation_id == malmo.pk


@pytest.mark.db  # the unique constraint
def test_following_twice_is_refused_not_duplicated(world, malmo):
    kpi = Kpi.objects.get(pk="N15419")
    follow_kpi(malmo, kpi, by=None)
    with pytest.raises(ValidationError) as e:
        follow_kpi(malmo, kpi, by=None)
    assert "already followed" in str(e.value)
    assert Indicator.objects.filter(organisation=malmo, kolada_kpi="N15419").count() == 1


def test_follow_refuses_a_goal_of_another_organisation_and_an_organisation_without_code(world, malmo):
    kpi = Kpi.objects.get(pk="N15419")
    with pytest.raises(ValidationError):
        follow_kpi(malmo, kpi, by=None, goal=make_goal(world.other_municipality))
    with pytest.raises(ValidationError):
        follow_kpi(world.partner, kpi, by=None)


def test_units_from_titles():
    assert unit_for_kpi("Elever i åk 9 som uppnått betygskriterierna, andel (%)") == Unit.PERCENT
    assert unit_for_kpi("Elever i åk. 9, meritvärde lägeskommun, genomsnitt (17 ämnen)") == Unit.SCORE
    assert unit_for_kpi("Elever i kommunal vuxenutbildning, antal") == Unit.COUNT
    assert unit_for_kpi("Kostnad grundskola, kr/elev") == Unit.OTHER


def test_kolada_areas(world, malmo):
    assert kolada_area(malmo) == MALMO
    assert kolada_area(world.school) == MALMO  # a school unit uses its municipality's code
    assert kolada_area(world.region) == "0002"
    assert kolada_area(world.partner) is None
    areas = comparison_areas(MALMO)
    assert {"1280", "1281", "1283", "0000"} <= set(areas)
    assert len([a for a in areas if a.startswith("12")]) == 33  # Skåne's 33 municipalities
    years = fetch_years(timezone.datetime(2026, 5, 1))
    assert years == list(range(2014, 2026))


# --- sync -----------------------------------------------------------------------------------------------


def test_sync_copies_values_by_gender_and_revisions_overwrite(world, malmo):
    indicator = follow_kpi(malmo, Kpi.objects.get(pk="N15419"), by=None)
    now = timezone.now()
    rows = [
        ValueRow("N15419", "municipality", MALMO, 2023, "T", 70.0),
        ValueRow("N15419", "municipality", MALMO, 2023, "K", 72.0),
        ValueRow("N15419", "municipality", MALMO, 2023, "M", 68.0),
        ValueRow("N15419", "municipality", "1281", 2023, "T", 90.0),  # another area: not this indicator
    ]
    store_values(rows, fetched_at=now)
    assert sync_values(["N15419"], [MALMO]) == 3
    cells = dict(((v.period, v.gender), v.value) for v in indicator.values.all())
    assert cells == {(2023, "total"): 70.0, (2023, "women"): 72.0, (2023, "men"): 68.0}
    assert set(indicator.values.values_list("source", flat=True)) == {Source.KOLADA}
    assert sync_values(["N15419"], [MALMO]) == 0  # nothing changed, nothing written

    store_values(
        [
            ValueRow("N15419", "municipality", MALMO, 2023, "T", 71.5),
            ValueRow("N15419", "municipality", MALMO, 2023, "K", None),
        ],
        fetched_at=now,
    )
    assert sync_values(["N15419"], [MALMO]) == 2
    cells = dict(((v.period, v.gender), v.value) for v in indicator.values.all())
    assert cells == {(2023, "total"): 71.5, (2023, "men"): 68.0}  # revised; the withdrawn figure is gone
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2


# --- pages ----------------------------------------------------------------------------------------------


@pytest.mark.db  # case folding beyond A–Z (SQLite folds only ASCII)
def test_catalogue_searches_case_insensitively_with_swedish_letters(client, world, malmo):
    url = reverse("indicators:kolada_catalogue", args=[malmo.pk])
    page = login(client, world, "teacher").get(url, {"q": "ÅK 9 BETYGSKRITERIERNA"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "N15419" in text
    assert "Source: Kolada (RKA)" in text
    assert "Follow N15419" not in text  # a teacher sees but does not follow
    assert "N00945" not in text  # curated set by default
    page = client.get(url, {"q": "n00945", "scope": "all"})
    assert "N00945" in page.content.decode()


def test_catalogue_filters_by_operating_area_and_paginates(client, world, malmo):
    url = reverse("indicators:kolada_catalogue", args=[malmo.pk])
    login(client, world, "coordinator")
    first = client.get(url)
    assert first.context["page"].paginator.count == 122
    assert "Page 1 of 5" in first.content.decode()
    area = Kpi.objects.get(pk="N15419").operating_area
    filtered = client.get(url, {"area": area})
    assert {kpi.operating_area for kpi, _ in filtered.context["rows"]} == {area}
    assert 'aria-label="Follow N15419"' in client.get(url, {"q": "N15419"}).content.decode()


def test_follow_via_the_page_marks_the_kpi_followed_and_refuses_a_second_time(client, world, malmo):
    login(client, world, "coordinator")
    url = reverse("indicators:kolada_follow", args=[malmo.pk])
    response = client.post(url, {"kpi": "N15419", "q": "åk 9"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?q=%C3%A5k+9")
    assert "N15419 is now followed" in response.content.decode()
    assert "Followed" in response.content.decode()
    again = client.post(url, {"kpi": "N15419"}, follow=True)
    assert "N15419 is already followed." in again.content.decode()
    assert Indicator.objects.filter(organisation=malmo, kolada_kpi="N15419").count() == 1
    unknown = client.post(url, {"kpi": "X99999"}, follow=True)
    assert "Choose a KPI from the catalogue." in unknown.content.decode()


def test_fetch_runs_and_fills_the_indicator_then_the_run_page_shows_the_counts(
    client, world, malmo, recorded
):
    indicator = follow_kpi(malmo, Kpi.objects.get(pk="N00945"), by=None)
    login(client, world, "coordinator")
    response = client.post(reverse("indicators:kolada_fetch", args=[malmo.pk]))
    run = FetchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "indicators:kolada_run", args=[run.pk]
    )
    assert run.organisation == malmo and run.requested_by == world.people["coordinator"]
    assert run.kpi_ids == ["N00945"] and "0000" in run.area_codes and MALMO in run.area_codes
    assert run.years == fetch_years()
    assert run.status == FetchRun.Status.OK and run.progress == 100
    # 12 years back from now overlaps the recording (2000–2020) in the years from fetch_years()[0] to 2020
    expected = len([y for y in fetch_years() if y <= 2020])
    assert indicator.values.filter(gender="total").count() == expected
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Finished." in text and f"<td>{run.rows_created}</td>" in text
    assert "Source: Kolada (RKA)" in text
    assert reverse("indicators:indicator", args=[indicator.pk]) in text
    assert "hx-trigger" not in text  # finished: no more polling
    detail = client.get(reverse("indicators:indicator", args=[indicator.pk])).content.decode()
    assert "35,78" in detail or "35.78" in detail


def test_fetch_of_named_kpis_and_refusals(client, world, malmo, recorded):
    login(client, world, "coordinator")
    url = reverse("indicators:kolada_fetch", args=[malmo.pk])
    nothing = client.post(url, follow=True)
    assert "Follow a KPI in the catalogue first" in nothing.content.decode()
    bad = client.post(url, {"kpi": ["N00945", "DROP TABLE"]}, follow=True)
    assert "at most 100 Kolada KPI ids" in bad.content.decode()
    assert not FetchRun.objects.exists()
    client.post(url, {"kpi": ["n21704"]})
    run = FetchRun.objects.get()
    assert run.kpi_ids == ["N21704"] and run.status == FetchRun.Status.OK and run.rows_created == 3


def test_run_page_polls_while_running(client, world, malmo):
    run = FetchRun.objects.create(
        kpi_ids=["N00945"], area_codes=[MALMO], years=[2020], organisation=malmo, progress=40
    )
    login(client, world, "reader")
    url = reverse("indicators:kolada_run", args=[run.pk])
    text = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in text and 'value="40"' in text and "Fetching: 40 % done." in text
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode() and 'id="kolada-run-status"' in partial.content.decode()


def test_a_run_without_organisation_is_hidden_from_everyone_but_root(client, world):
    run = FetchRun.objects.create(kpi_ids=["N00945"], area_codes=[MALMO], years=[2020])
    assert (
        login(client, world, "coordinator").get(reverse("indicators:kolada_run", args=[run.pk])).status_code
        == 404
    )


def test_unreachable_kolada_fails_the_run_says_so_and_stored_values_still_show(
    client, world, malmo, unreachable
):
    indicator = follow_kpi(malmo, Kpi.objects.get(pk="N00945"), by=None)
    store_values([ValueRow("N00945", "municipality", MALMO, 2019, "T", 35.4)], fetched_at=timezone.now())
    sync_values(["N00945"], [MALMO])
    login(client, world, "coordinator")
    response = client.post(reverse("indicators:kolada_fetch", args=[malmo.pk]), follow=True)
    run = FetchRun.objects.get()
    assert run.status == FetchRun.Status.FAILED and "connection refused" in run.error
    text = response.content.decode()
    assert "Kolada could not be reached." in text
    assert "what is stored still works" in text and "Try again later." in text
    detail = client.get(reverse("indicators:indicator", args=[indicator.pk])).content.decode()
    assert "35,4" in detail or "35.4" in detail
    assert indicator.values.get(period=2019, gender="total").value == 35.4


# --- the schedule ---------------------------------------------------------------------------------------


def test_kolada_refresh_refreshes_every_followed_kpi(world, malmo, recorded, capsys):
    n00945 = follow_kpi(malmo, Kpi.objects.get(pk="N00945"), by=None)
    n21704 = follow_kpi(malmo, Kpi.objects.get(pk="N21704"), by=None)
    call_command("kolada_refresh")
    run = FetchRun.objects.get()
    assert run.status == FetchRun.Status.OK and run.kpi_ids == ["N00945", "N21704"]
    assert run.organisation is None and "0000" in run.area_codes
    assert n21704.values.count() == 3 and n00945.values.exists()
    assert "1 fetches finished." in capsys.readouterr().out
    call_command("kolada_refresh")  # again: nothing new, nothing duplicated
    second = FetchRun.objects.order_by("-pk").first()
    assert (second.rows_created, second.rows_updated) == (0, 0) and second.rows_unchanged == run.rows_created
    assert n21704.values.count() == 3


def test_kolada_refresh_with_nothing_followed_and_when_unreachable(world, malmo, unreachable, capsys):
    call_command("kolada_refresh")
    assert "nothing to fetch" in capsys.readouterr().out
    follow_kpi(malmo, Kpi.objects.get(pk="N00945"), by=None)
    with pytest.raises(CommandError, match="stored figures were kept"):
        call_command("kolada_refresh")
    assert FetchRun.objects.get().status == FetchRun.Status.FAILED


# --- following for a goal -------------------------------------------------------------------------------


def test_the_catalogue_offers_the_goal_tree_and_preselects_the_goal_it_was_opened_from(client, world, malmo):
    main = make_goal(malmo, title="Fler elever klarar matematik")
    sub = make_goal(malmo, parent=main, title="Åk 9 når målen")
    foreign = make_goal(world.other_municipality, title="Grannens hemliga mål")
    url = reverse("indicators:kolada_catalogue", args=[malmo.pk])
    login(client, world, "coordinator")
    page = client.get(url, {"q": "N15419"})
    assert page.context["goal_choices"] == [(main.pk, main.title), (sub.pk, f"– {sub.title}")]
    text = page.content.decode()
    assert (
        '<label class="ds-label" for="kolada-goal"' in text
        and '<option value="">No goal yet</option>' in text
    )
    assert "selected" not in text.split('id="kolada-goal"')[1].split("</select>")[0]
    assert 'form="kolada-follow" name="kpi" value="N15419"' in text

    chosen = client.get(url, {"q": "N15419", "goal": sub.pk})
    assert chosen.context["goal"] == sub
    assert f'<option value="{sub.pk}" selected>– {sub.title}</option>' in chosen.content.decode()
    assert f'name="goal" value="{sub.pk}"' in chosen.content.decode()  # a new search keeps the goal

    for wrong in (foreign.pk, "x1", "99999"):
        ignored = client.get(url, {"goal": wrong})
        assert ignored.status_code == 200 and ignored.context["goal"] is None
        assert "Grannens hemliga mål" not in ignored.content.decode()

    reader = login(client, world, "teacher").get(url, {"goal": main.pk})
    assert reader.context["goal"] is None and 'id="kolada-goal"' not in reader.content.decode()


def test_the_goals_page_links_each_goal_to_the_catalogue(client, world, malmo):
    goal = make_goal(malmo)
    text = (
        login(client, world, "coordinator").get(reverse("indicators:goals", args=[malmo.pk])).content.decode()
    )
    assert f"{reverse('indicators:kolada_catalogue', args=[malmo.pk])}?goal={goal.pk}" in text
    assert "Find a Kolada KPI for this goal" in text


def test_following_for_a_goal_links_the_indicator_and_keeps_the_search_and_the_goal(client, world, malmo):
    goal = make_goal(malmo, title="Fler elever klarar matematik")
    login(client, world, "coordinator")
    url = reverse("indicators:kolada_follow", args=[malmo.pk])
    response = client.post(url, {"kpi": "N15419", "goal": str(goal.pk), "q": "åk 9"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("indicators:kolada_catalogue", args=[malmo.pk]))
    assert f"goal={goal.pk}" in location and "q=" in location
    indicator = Indicator.objects.get(organisation=malmo, kolada_kpi="N15419")
    assert indicator.goal == goal
    page = client.get(response["Location"]).content.decode()
    assert "N15419 is now followed as an indicator of Fler elever klarar matematik." in page
    # A failure keeps the goal chosen on the way back to the catalogue.
    again = client.post(url, {"kpi": "N15419", "goal": str(goal.pk), "q": "åk 9"})
    assert again["Location"].endswith(f"?q=%C3%A5k+9&goal={goal.pk}")
    # Without a goal the KPI is followed without one, back in the catalogue.
    loose = client.post(url, {"kpi": "N15418", "goal": ""})
    assert loose["Location"] == reverse("indicators:kolada_catalogue", args=[malmo.pk])
    assert Indicator.objects.get(organisation=malmo, kolada_kpi="N15418").goal is None


def test_following_for_another_organisations_goal_is_refused(client, world, malmo):
    foreign = make_goal(world.other_municipality, title="Grannens hemliga mål")
    login(client, world, "coordinator")
    url = reverse("indicators:kolada_follow", args=[malmo.pk])
    for wrong in (str(foreign.pk), "1; DROP", "99999"):
        response = client.post(url, {"kpi": "N15419", "goal": wrong}, follow=True)
        text = response.content.decode()
        assert "That goal does not belong to this organisation." in text
        assert "Grannens hemliga mål" not in text
    assert not Indicator.objects.filter(kolada_kpi="N15419").exists()


# --- what a failed fetch says ---------------------------------------------------------------------------


def _failing(kind, **extra):
    def transport(url, params):
        raise KoladaUnavailable(f"failed at {url}", kind=kind, **extra)

    return transport


@pytest.mark.parametrize(
    ("transport", "headline", "advice"),
    [
        (_failing("unreachable"), "Kolada could not be reached.", "The connection failed or timed out."),
        (_failing("http", status=503), "Kolada answered with an error (HTTP 503).", "Try again later."),
        (
            _failing("unreadable"),
            "Kolada&#x27;s answer could not be read.",
            "not in the format Kedja expects",
        ),
        (_failing("http", status=404), "Kolada does not know N00945.", "withdrawn from Kolada"),
    ],
    ids=["unreachable", "http", "unreadable", "unknown-kpi"],
)
def test_a_failed_fetch_says_what_went_wrong(client, world, malmo, monkeypatch, transport, headline, advice):
    follow_kpi(malmo, Kpi.objects.get(pk="N00945"), by=None)
    monkeypatch.setattr(tasks, "make_client", lambda: KoladaClient(transport=transport))
    login(client, world, "coordinator")
    response = client.post(reverse("indicators:kolada_fetch", args=[malmo.pk]), follow=True)
    assert FetchRun.objects.get().status == FetchRun.Status.FAILED
    text = response.content.decode()
    assert headline in text and advice in text
    assert "what is stored still works" in text
    partial = client.get(response.redirect_chain[-1][0], headers={"HX-Request": "true"}).content.decode()
    assert headline in partial


def test_a_failure_without_a_kind_gets_the_general_message(client, world, malmo):
    run = FetchRun.objects.create(
        kpi_ids=["N00945"], area_codes=[MALMO], years=[2020], organisation=malmo, status=FetchRun.Status.FAILED,
        error="Could not fetch from Kolada, so nothing was changed and the stored figures remain: 'kpi'",
    )  # fmt: skip
    text = (
        login(client, world, "reader").get(reverse("indicators:kolada_run", args=[run.pk])).content.decode()
    )
    assert "The fetch from Kolada failed." in text and "Try again later." in text
