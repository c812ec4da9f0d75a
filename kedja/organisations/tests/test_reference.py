import pytest

from kedja.organisations.models import Organisation
from kedja.organisations.reference import load_reference_data
from kedja.organisations.roles import Kind

pytestmark = pytest.mark.django_db


def test_reference_data_holds_every_swedish_and_norwegian_municipality():
    report = load_reference_data()
    se = Organisation.objects.filter(country="SE")
    no = Organisation.objects.filter(country="NO")
    assert se.filter(kind=Kind.REGION).count() == 21
    assert se.filter(kind=Kind.MUNICIPALITY).count() == 290
    assert no.filter(kind=Kind.REGION).count() == 15
    assert no.filter(kind=Kind.MUNICIPALITY).count() == 357
    assert report.created == 21 + 290 + 15 + 357
    orebro = se.get(kind=Kind.MUNICIPALITY, code="1880")
    assert orebro.name == "Örebro" and orebro.parent.name == "Region Örebro län"
    assert se.get(kind=Kind.MUNICIPALITY, code="1280").parent.name == "Region Skåne"
    assert no.get(kind=Kind.MUNICIPALITY, code="0301").name == "Oslo"
    # every municipality code starts with its county code
    for m in se.filter(kind=Kind.MUNICIPALITY).select_related("parent"):
        assert m.code[:2] == m.parent.code


def test_loading_twice_changes_nothing():
    load_reference_data()
    before = list(Organisation.objects.order_by("pk").values_list("pk", "name", "path", "version"))
    report = load_reference_data()
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == 21 + 290 + 15 + 357
    assert list(Organisation.objects.order_by("pk").values_list("pk", "name", "path", "version")) == before


def test_loading_restores_a_renamed_municipality():
    load_reference_data()
    Organisation.objects.filter(kind=Kind.MUNICIPALITY, code="1880").update(name="Fel namn")
    report = load_reference_data()
    assert report.updated == 1
    assert Organisation.objects.get(kind=Kind.MUNICIPALITY, code="1880", country="SE").name == "Örebro"
