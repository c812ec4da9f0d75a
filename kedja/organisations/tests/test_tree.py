import pytest
from django.db import IntegrityError

from kedja.organisations.factories import make_municipality, make_partner, make_region, make_unit
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: constraints


def test_path_is_the_chain_of_ancestors():
    region = make_region()
    municipality = make_municipality(region)
    school = make_unit(municipality)
    assert school.path == f"/{region.pk}/{municipality.pk}/{school.pk}/"
    assert [o.pk for o in school.ancestors()] == [region.pk, municipality.pk]
    assert school.region() == region
    assert set(Organisation.objects.descendants_of(region)) == {region, municipality, school}


def test_moving_an_organisation_moves_its_subtree():
    a, b = make_region(), make_region()
    municipality = make_municipality(a)
    school = make_unit(municipality)
    municipality.parent = b
    municipality.save()
    school.refresh_from_db()
    assert school.path == f"/{b.pk}/{municipality.pk}/{school.pk}/"


def test_school_unit_code_only_on_school_units():
    with pytest.raises(IntegrityError):
        make_municipality(school_unit_code="12345678")


def test_regions_and_partners_have_no_parent():
    region = make_region()
    with pytest.raises(IntegrityError):
        make_partner(parent=region)


def test_school_unit_codes_are_unique():
    make_unit(school_unit_code="12345678")
    with pytest.raises(IntegrityError):
        make_unit(school_unit_code="12345678")


def test_kind_labels_are_translatable():
    assert str(Kind.SCHOOL_UNIT.label)


def test_identifiers_are_checked_by_the_organisations_country():
    from django.core.exceptions import ValidationError

    se = make_municipality(code="1880")
    se.org_number = "974760673"  # a Norwegian number on a Swedish municipality
    with pytest.raises(ValidationError) as err:
        se.full_clean()
    assert "org_number" in err.value.error_dict
    no = make_municipality(make_region(country="NO"), country="NO", code="0301", org_number="974760673")
    no.full_clean()
    bad = make_municipality(code="188")
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert "code" in err.value.error_dict
