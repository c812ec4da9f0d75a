"""The transitions view (framework area 7b): the default chain, the drops and their comparison
(indicators/transitions.py), choosing the chain, and the pages (views_transitions.py)."""

import csv

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kedja.core.concurrency import EditConflict
from kedja.indicators import transitions
from kedja.indicators.models import TransitionChain
from kedja.kolada.models import KpiValue
from kedja.kolada.store import CURATED_CSV, load_curated_catalogue
from kedja.organisations.models import AuditEvent

YEAR = 2024
KPIS = [s.kpi for s in transitions.default_steps()]
# The world's municipality is 0299 in county 02; 0201 and 0202 are its neighbours, 1199 is elsewhere.
NEIGHBOURS = ("0201", "0202")


def put(kpi, code, values, year=YEAR):
    """Kolada values {gender: value} for one KPI, area and year, as a fetch stores them."""
    for gender, value in values.items():
        KpiValue.objects.update_or_create(
            kpi_id=kpi,
            area_type=KpiValue.AreaType.MUNICIPALITY,
            area_code=code,
            period=year,
            gender=gender,
            defaults={"value": value, "fetched_at": timezone.now()},
        )


def tkm(total, women=None, men=None):
    return {"T": total, "K": total if women is None else women, "M": total if men is None else men}


@pytest.fixture
def catalogue(db):
    load_curated_catalogue()


@pytest.fixture
def stored(world, catalogue):
    """A full chain for 0299, its two neighbours, another county and Sweden.

    0299 total: 80 → 70 → 40 → 35 → 30; drops 10, 30, 5, 5 — largest at programme choice.
    Women: 80 → 60 → 55 → 35 → 30; drops 20, 5, 20, 5 — a tie.
    Men: 80 → 75 → 70 → 65 → 60; drops 5 each — a tie across all four.
    Region mean total (0299, 0201, 0202): 80 → 70 → 60 → 55 → 50, drops 10, 10, 5, 5."""
    own = [tkm(80, 80, 80), tkm(70, 60, 75), tkm(40, 55, 70), tkm(35, 35, 65), tkm(30, 30, 60)]
    neighbour = [tkm(80), tkm(70), tkm(70), tkm(65), tkm(60)]
    sweden = [tkm(75), tkm(65), tkm(55), tkm(50), tkm(45)]
    for index, kpi in enumerate(KPIS):
        put(kpi, "0299", own[index])
        for code in NEIGHBOURS:
            put(kpi, code, neighbour[index])
        put(kpi, "0000", sweden[index])
        put(kpi, "1199", tkm(5))  # another county: never part of the region's mean
    return world


# --- the default chain ---------------------------------------------------------------------------------


def test_default_chain_uses_curated_gender_split_shares():
    steps = transitions.default_steps()
    assert [s.key for s in steps] == [
        "year9_maths",
        "eligible_na_te",
        "programme_choice",
        "completion",
        "adult_education",
    ]
    with CURATED_CSV.open(encoding="utf-8", newline="") as fh:
        curated = {row["id"]: row for row in csv.DictReader(fh)}
    for step in steps:
        assert step.kpi in curated, step.kpi
        assert "(%)" in curated[step.kpi]["title"]
        assert curated[step.kpi]["is_divided_by_gender"] == "true"
        assert {"sv", "en", "nb"} <= set(step.label)
    assert [s.cohort_share for s in steps] == [True, True, False, True, False]


# --- the pure rules ------------------------------------------------------------------------------------


def test_drop_is_earlier_minus_later_and_needs_both():
    assert transitions.drop(80.0, 70.0) == 10.0
    assert transitions.drop(70.0, 75.0) == -5.0
    assert transitions.drop(None, 70.0) is None
    assert transitions.drop(70.0, None) is None


def test_largest_drop_single_ties_and_nothing_dropping():
    assert transitions.largest([10.0, 30.0, 5.0]) == [1]
    assert transitions.largest([20.0, 5.0, 20.0, 5.0]) == [0, 2]
    assert transitions.largest([20.0, 19.999]) == [0, 1]  # below the two decimals shown
    assert transitions.largest([20.0, 19.99]) == [0]
    assert transitions.largest([-2.0, 0.0]) == []  # rises and flat steps are no drop
    assert transitions.largest([None, None]) == []
    assert transitions.largest([None, 4.0, None]) == [1]


def test_worse_than_orders_by_excess_and_skips_missing():
    own = [10.0, 30.0, None, 5.0]
    region = [10.0, 10.0, 2.0, 1.0]
    assert transitions.worse_than(own, region) == [1, 3]
    assert transitions.worse_than([None], [1.0]) == []


def test_mean_counts_only_values():
    assert transitions.mean([10.0, None, 20.0]) == (15.0, 2)
    assert transitions.mean([None]) == (None, 0)


# --- the report ----------------------------------------------------------------------------------------


def test_report_compares_municipality_region_and_sweden(stored):
    report = transitions.chain_report(stored.municipality)
    assert report.year == YEAR
    assert report.region == stored.region
    assert report.region_codes == ["0201", "0202", "0299"]
    total = report.genders["T"]
    first, third = total.rows[0], total.rows[2]
    assert (first.municipality, first.region, first.region_n, first.country) == (80, 80, 3, 75)
    assert third.region == pytest.approx(60.0)  # (40 + 70 + 70) / 3; 1199's 5 is not in it
    assert first.kpi_title.startswith("Elever i åk 9 med lägst betyget E i matematik")
    assert [t.municipality for t in total.transitions] == [10, 30, 5, 5]
    assert [t.index for t in total.largest] == [1]
    assert total.largest[0].earlier.key == "eligible_na_te"
    assert total.largest[0].later.key == "programme_choice"
    assert total.largest[0].region == pytest.approx(10.0)
    assert total.largest[0].country == pytest.approx(10.0)
    assert [t.index for t in total.worse_than_region] == [1]
    assert total.worse_than_region[0].vs_region == pytest.approx(20.0)
    assert report.missing_kpis == []


def test_report_by_gender_finds_each_genders_own_drop_and_ties(stored):
    report = transitions.chain_report(stored.municipality)
    women, men = report.genders["K"], report.genders["M"]
    assert [t.index for t in women.largest] == [0, 2]
    assert [t.index for t in men.largest] == [0, 1, 2, 3]
    # Region men: 80 → 71.67 → 70 → 65 → 60; the men drop 5 where the region drops 1.67
    assert [t.index for t in men.worse_than_region] == [1]
    assert men.worse_than_region[0].vs_region == pytest.approx(5 - 5 / 3)


def test_missing_step_shows_no_data_and_is_left_out_of_the_drops(stored):
    KpiValue.objects.filter(kpi_id="N17802", area_code="0299").delete()
    report = transitions.chain_report(stored.municipality, year=YEAR)
    total = report.genders["T"]
    assert total.rows[2].municipality is None
    assert total.rows[2].region == pytest.approx(70.0)  # the neighbours still count, n = 2
    assert total.rows[2].region_n == 2
    assert [t.municipality for t in total.transitions] == [10, None, None, 5]
    assert [s.key for s in total.transitions[1].missing] == ["programme_choice"]
    assert [t.index for t in total.largest] == [0]  # not bridged: 70 → 35 is never computed
    assert [s.key for s in total.missing_steps] == ["programme_choice"]
    assert report.missing_kpis == ["N17802"]


def test_default_year_is_the_latest_complete_one(stored):
    put(KPIS[0], "0299", tkm(90), year=YEAR + 1)  # a newer year with only the first step
    assert transitions.chain_report(stored.municipality).year == YEAR
    assert transitions.chain_report(stored.municipality, year=YEAR + 1).year == YEAR + 1
    assert transitions.chain_report(stored.municipality, year=1999).year == YEAR  # no data: the default
    assert transitions.chain_report(stored.municipality).years == [YEAR + 1, YEAR]


def test_without_any_values_every_step_is_missing(world, catalogue):
    report = transitions.chain_report(world.municipality)
    assert report.year is None
    assert not report.has_data
    assert report.missing_kpis == KPIS


def test_a_school_is_shown_its_municipality_and_a_region_has_none(stored):
    assert transitions.chain_report(stored.school).municipality == stored.municipality
    assert transitions.chain_report(stored.region).municipality is None


# --- choosing the chain --------------------------------------------------------------------------------


def test_save_chain_changes_a_step_and_the_report_follows(stored):
    coordinator = stored.people["coordinator"]
    put("N15421", "0299", tkm(50))
    transitions.save_chain(
        stored.municipality, {"eligible_na_te": "n15421 "}, by=coordinator, expected_version=0
    )
    steps, row = transitions.chain_for(stored.municipality)
    assert [s.kpi for s in steps] == ["N15495", "N15421", "N17802", "N17445", "N18500"]
    assert row.version == 1
    assert not steps[1].cohort_share  # another KPI than the default's: not known to be a cohort share
    assert not transitions.is_default(steps)
    total = transitions.chain_report(stored.municipality, year=YEAR).genders["T"]
    assert total.rows[1].municipality == 50
    assert [t.index for t in total.largest] == [0]  # 80 → 50
    assert AuditEvent.objects.filter(
        verb="transitions.chain_changed", organisation=stored.municipality
    ).exists()


def test_save_chain_refuses_unknown_and_non_share_kpis_all_or_nothing(stored):
    by = stored.people["coordinator"]
    with pytest.raises(ValidationError) as error:
        transitions.save_chain(
            stored.municipality,
            {"year9_maths": "N99999", "completion": "N15504", "eligible_na_te": "N15421"},
            by=by,
            expected_version=0,
        )
    assert "not in the KPI catalogue" in error.value.message_dict["year9_maths"][0]
    assert "not a share" in error.value.message_dict["completion"][0]  # N15504 is a merit rating
    assert not TransitionChain.objects.exists()


def test_back_to_the_default_follows_the_file_and_reset_works(stored):
    by = stored.people["coordinator"]
    transitions.save_chain(stored.municipality, {"completion": "N17441"}, by=by, expected_version=0)
    row = transitions.save_chain(stored.municipality, {"completion": "N17445"}, by=by, expected_version=1)
    assert row.steps == []  # the default again
    transitions.save_chain(stored.municipality, {"completion": "N17441"}, by=by, expected_version=2)
    transitions.reset_chain(stored.municipality, by=by, expected_version=3)
    steps, row = transitions.chain_for(stored.municipality)
    assert transitions.is_default(steps) and row.version == 4


@pytest.mark.db  # row locks
def test_concurrent_edits_do_not_overwrite_each_other(stored):
    by = stored.people["coordinator"]
    transitions.save_chain(stored.municipality, {"completion": "N17441"}, by=by, expected_version=0)
    with pytest.raises(EditConflict):
        transitions.save_chain(stored.municipality, {"completion": "N17461"}, by=by, expected_version=0)
    assert transitions.chain_for(stored.municipality)[0][3].kpi == "N17441"


# --- the pages -----------------------------------------------------------------------------------------


def login(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_page_shows_tables_chart_largest_drop_and_attribution(client, stored):
    response = login(client, stored, "teacher").get(
        reverse("indicators:transitions", args=[stored.municipality.pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "The largest drop is from “Eligible for the natural-science and technology programmes” to" in text
    assert "30 percentage points (region: 10, Sweden: 10)" in text
    assert "The largest drops, 20 percentage points each, are" in text  # women: a tie
    assert 'id="transitions-T-chart"' in text and 'aria-describedby="transitions-T-table"' in text
    assert "<circle" in text and "<rect" in text and "<polygon" in text  # series by shape, not colour alone
    assert "Källa: Kolada" in text
    assert "Choose the chain" not in text  # a teacher sees but does not edit
    assert "<script" not in text.split("</header>")[-1].split("</main>")[0]


def test_page_with_missing_values_says_so_and_offers_a_fetch_when_it_exists(client, world, catalogue):
    response = login(client, world, "coordinator").get(
        reverse("indicators:transitions", args=[world.municipality.pk])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "no stored Kolada values for this chain" in text
    try:
        fetch_url = reverse("indicators:kolada_fetch", args=[world.municipality.pk])
    except NoReverseMatch:
        assert 'name="kpi"' not in text  # the fetch is not built yet: no button to nowhere
    else:
        assert f'action="{fetch_url}"' in text
        for kpi in KPIS:
            assert f'name="kpi" value="{kpi}"' in text


def test_chain_form_keeps_what_was_typed_and_names_the_problem(client, stored):
    url = reverse("indicators:transitions_chain", args=[stored.municipality.pk])
    c = login(client, stored, "coordinator")
    assert c.get(url).status_code == 200
    data = {"version": "0", "action": "save", **{f"kpi_{s.key}": s.kpi for s in transitions.default_steps()}}
    data["kpi_completion"] = "X12345"
    response = c.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="X12345"' in text
    assert "X12345 is not in the KPI catalogue" in text
    assert 'id="id_kpi_completion_error"' in text
    assert not TransitionChain.objects.exists()


def test_chain_form_saves_resets_and_reports_a_conflict(client, stored):
    url = reverse("indicators:transitions_chain", args=[stored.municipality.pk])
    c = login(client, stored, "coordinator")
    data = {"version": "0", "action": "save", **{f"kpi_{s.key}": s.kpi for s in transitions.default_steps()}}
    data["kpi_completion"] = "N17441"
    response = c.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("indicators:transitions", args=[stored.municipality.pk])
    page = c.get(response.url).content.decode()
    assert "The chain has been chosen by the organisation." in page and "N17441" in page
    stale = c.post(url, {**data, "kpi_completion": "N17461"})  # still version 0
    assert stale.status_code == 409
    assert "Someone else saved this" in stale.content.decode()
    assert 'value="N17461"' in stale.content.decode()
    assert c.post(url, {**data, "version": "1", "action": "reset"}).status_code == 302
    assert transitions.is_default(transitions.chain_for(stored.municipality)[0])


def test_chain_form_is_for_editors_only(client, stored):
    url = reverse("indicators:transitions_chain", args=[stored.municipality.pk])
    assert login(client, stored, "teacher").get(url).status_code == 403
    assert client.post(url, {"version": "0", "action": "reset"}).status_code == 403
    assert not TransitionChain.objects.exists()
    assert login(client, stored, "outsider").get(url).status_code == 404
