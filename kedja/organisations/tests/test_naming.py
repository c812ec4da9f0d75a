import pytest

from kedja.organisations.factories import make_municipality, make_region
from kedja.organisations.naming import municipality_name


@pytest.mark.parametrize(
    ("place", "code", "expected"),
    [
        ("Örebro", "1880", "Örebro kommun"),
        ("Lund", "1281", "Lunds kommun"),
        ("Linköping", "0580", "Linköpings kommun"),
        ("Laxå", "1860", "Laxå kommun"),
        ("Degerfors", "1862", "Degerfors kommun"),
        ("Kalix", "2514", "Kalix kommun"),
        ("Upplands Väsby", "0114", "Upplands Väsby kommun"),
        ("Lilla Edet", "1462", "Lilla Edets kommun"),
        ("Kalmar", "0880", "Kalmar kommun"),
        ("Falun", "2080", "Falu kommun"),
        ("Gotland", "0980", "Region Gotland"),
        ("Norrby kommun", "0299", "Norrby kommun"),  # already the organisation's name
    ],
)
def test_a_swedish_municipality_is_called_by_its_proper_name(place, code, expected):
    assert municipality_name(place, country="SE", code=code) == expected


def test_a_norwegian_municipality_is_a_kommune():
    assert municipality_name("Bergen", country="NO", code="4601") == "Bergen kommune"


@pytest.mark.django_db
def test_pages_and_documents_print_the_proper_name_while_the_place_name_is_kept():
    region = make_region(name="Region Örebro län", code="18")
    orebro = make_municipality(region, name="Örebro", code="1880")
    assert str(orebro) == "Örebro kommun" and orebro.name == "Örebro"
    assert str(region) == "Region Örebro län"
