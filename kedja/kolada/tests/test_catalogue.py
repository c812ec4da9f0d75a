"""The shipped catalogue: the full Kolada v3 catalogue with the curated STEAM set marked in it."""

import pytest
from django.core.management import call_command

from kedja.kolada.models import Kpi
from kedja.kolada.store import load_catalogues, load_curated_catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: bulk loads


def test_full_and_curated_catalogue_load_idempotently():
    first = load_catalogues()
    assert (first.created, Kpi.objects.count(), Kpi.objects.filter(curated=True).count()) == (6099, 6099, 122)
    n15419 = Kpi.objects.get(pk="N15419")
    assert n15419.curated and n15419.category and n15419.is_divided_by_gender and n15419.has_ou_data
    assert len(n15419.description) > 100  # the full description, not the curated CSV's first sentence
    assert "åk 9" in n15419.search_text and n15419.search_text == n15419.search_text.lower()
    second = load_catalogues()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 6099)


def test_the_curated_set_alone_then_the_full_catalogue_keeps_the_marks():
    load_curated_catalogue()
    assert Kpi.objects.count() == 122
    assert "betygskriterierna" in Kpi.objects.get(pk="N15419").search_text  # save() fills the search text
    load_catalogues()
    assert Kpi.objects.filter(curated=True).count() == 122 and Kpi.objects.count() == 6099
    Kpi.objects.filter(pk="N00945").update(curated=True)
    assert load_catalogues().updated == 1  # a KPI no longer in the curated set loses its mark
    assert not Kpi.objects.get(pk="N00945").curated


def test_command_loads_both_or_only_the_curated_set(capsys):
    call_command("load_kolada_catalogue", "--curated-only")
    assert Kpi.objects.count() == 122
    call_command("load_kolada_catalogue")
    assert Kpi.objects.count() == 6099
    call_command("load_kolada_catalogue")
    assert capsys.readouterr().out.strip().endswith("0 created, 0 updated, 6099 unchanged")
