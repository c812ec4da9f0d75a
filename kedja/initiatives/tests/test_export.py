"""Exporting initiatives to Excel and CSV: what the person sees, filtered like the list, with the template's
columns (so an export imports again) and the computed flags, and safe to open in a spreadsheet."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.initiatives import actions
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.fileformat import COLUMNS, EXPORT_COLUMNS
from kedja.initiatives.models import Initiative
from kedja.initiatives.tests.test_import import steam  # noqa: F401 – the fixture

HEADERS = [c.header for c in COLUMNS] + EXPORT_COLUMNS


def export(client, world, persona="coordinator", fmt="xlsx", **params):
    client.force_login(world.people[persona])
    response = client.get(
        reverse("initiatives:export" if fmt == "xlsx" else "initiatives:export_csv"), params
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response


def xlsx_rows(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content))["Insatser"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]]


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert rows[0] == HEADERS
    return [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]]


def names(rows) -> list[str]:
    return sorted(r["Namn"] for r in rows)


@pytest.fixture
def register(world, steam):  # noqa: F811
    """Initiatives in Norrby (one per sharing level, one at the school, one person-dependent and ending)
    and one in Sydby (the other region)."""
    items = list(steam.nodes.filter(code__in=["1.a", "2.b"]))
    make_initiative(
        world.municipality,
        name="Teknikdagar",
        items=items,
        description="Rad ett\nRad två",
        named_people="Anna Andersson\nBo Berg",
        stages=["y7_9", "upper_secondary"],
        target_groups=["girls_women", "parents"],
        partners="Teknikföretaget AB\nTekniska museet",
        funding="grant",
        funding_ends=date(2030, 6, 30),
        starts=date(2026, 1, 1),
        ends=date(2030, 6, 30),
        reach_total=40,
        reach_girls=25,
        reach_boys=15,
        evidence_base="research",
        sharing="region",
    )
    make_initiative(world.municipality, name="Bara kommunen", sharing="municipality", stages=["preschool"])
    make_initiative(world.municipality, name="Alla får se", sharing="all", stages=["adult"])
    make_initiative(
        world.school,
        name="Eldsjälens klubb",
        responsible_function="",
        named_people="Lisa Lärare",
        funding="project",
        funding_ends=timezone.localdate() + timedelta(days=30),
        follow_up="",
        evidence_base="none",
    )
    make_initiative(world.municipality, name="Avslutad", ends=date(2020, 1, 1), starts=date(2019, 1, 1))
    make_initiative(world.other_municipality, name="Sydbys insats", sharing="all")


def test_xlsx_export_has_the_template_columns_then_the_computed_ones(client, world, register):
    rows = {r["Namn"]: r for r in xlsx_rows(export(client, world))}
    assert sorted(rows) == ["Alla får se", "Avslutad", "Bara kommunen", "Eldsjälens klubb", "Teknikdagar"]
    one = rows["Teknikdagar"]
    assert one["Ägare (organisation)"] == "Norrby kommun" and one["Kommun"] == "Norrby kommun"
    assert one["Stadier"] == "Åk 7–9; Gymnasieskola"  # the file format always uses the Swedish labels
    assert one["Målgrupper"] == "Flickor/kvinnor; Föräldrar"
    assert one["Ramverkspunkter"] == "1.a; 2.b"
    assert one["Namngivna personer"] == "Anna Andersson; Bo Berg"
    assert one["Partner"] == "Teknikföretaget AB; Tekniska museet"
    assert one["Beskrivning"] == "Rad ett\nRad två"
    assert one["Finansiering"] == "Externt bidrag" and one["Finansiering slutar"].date() == date(2030, 6, 30)
    assert (one["Deltagare totalt"], one["Varav flickor/kvinnor"], one["Varav pojkar/män"]) == (40, 25, 15)
    assert (one["Aktiv"], one["Robust"], one["Personberoende"], one["Saknar kunskapsgrund"]) == (
        "Ja",
        "Nej",
        "Nej",
        "Nej",
    )
    fragile = rows["Eldsjälens klubb"]
    assert fragile["Ägare (organisation)"] == "Norrbyskolan"
    assert (fragile["Personberoende"], fragile["Finansiering slutar snart"]) == ("Ja", "Ja")
    assert (fragile["Saknar kunskapsgrund"], fragile["Saknar uppföljning"]) == ("Ja", "Ja")
    assert rows["Avslutad"]["Aktiv"] == "Nej"


def test_csv_export_is_utf8_with_bom_and_semicolons(client, world, register):
    response = export(client, world, fmt="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    rows = {r["Namn"]: r for r in csv_rows(response)}
    assert rows["Teknikdagar"]["Startar"] == "2026-01-01"
    assert rows["Teknikdagar"]["Deltagare totalt"] == "40"
    assert rows["Eldsjälens klubb"]["Personberoende"] == "Ja"
    assert b"\r\n" in response.content


# --- what the person sees ---------------------------------------------------------------------------


def test_a_regional_officer_exports_only_what_is_shared_with_the_region(client, world, register):
    assert names(xlsx_rows(export(client, world, "regional_officer"))) == [
        "Alla får se",
        "Avslutad",
        "Eldsjälens klubb",
        "Teknikdagar",
    ]


def test_others_export_only_what_they_see(client, world, register):
    assert names(xlsx_rows(export(client, world, "outsider"))) == ["Sydbys insats"]
    assert xlsx_rows(export(client, world, "partner")) == []
    # a reader may not import, but exports what the municipality has
    assert len(xlsx_rows(export(client, world, "reader", fmt="xlsx"))) == 5
    assert len(csv_rows(export(client, world, "teacher", fmt="csv"))) == 5


# --- the list's filters -----------------------------------------------------------------------------


def test_the_export_is_filtered_like_the_list(client, world, register):
    def exported(**params):
        return names(xlsx_rows(export(client, world, **params)))

    assert exported(municipality=world.municipality.pk, stage="y7_9") == [
        "Avslutad",
        "Eldsjälens klubb",
        "Teknikdagar",
    ]
    assert exported(target_group="parents") == ["Teknikdagar"]
    assert exported(status="person_dependent") == ["Eldsjälens klubb"]
    assert exported(status="ended") == ["Avslutad"]
    assert exported(q="tekniska") == ["Teknikdagar"]
    assert exported(funding="grant") == ["Teknikdagar"]
    assert exported(area="2") == ["Teknikdagar"]
    # the coordinator of Norrby sees no other municipality's initiatives, so "shared" is empty for them
    assert exported(scope="shared") == []


# --- safe in a spreadsheet, and back again ----------------------------------------------------------


def test_text_that_a_spreadsheet_would_run_is_guarded(client, world, steam):  # noqa: F811
    make_initiative(
        world.municipality,
        name='=HYPERLINK("http://evil.example","Klicka")',
        description="+46 70 123 45 67",
        partners="@SUM(A1)\n-Teknik AB",
        follow_up="\t=cmd",
    )
    sheet = load_workbook(io.BytesIO(export(client, world).content))["Insatser"]
    name, description = sheet["A2"], sheet["B2"]
    assert name.data_type == "s" and name.value == '\'=HYPERLINK("http://evil.example","Klicka")'
    assert description.value == "'+46 70 123 45 67"
    assert sheet["I2"].value == "'@SUM(A1); -Teknik AB"
    [row] = csv_rows(export(client, world, fmt="csv"))
    assert row["Namn"] == '\'=HYPERLINK("http://evil.example","Klicka")'
    assert row["Beskrivning"] == "'+46 70 123 45 67" and row["Partner"] == "'@SUM(A1); -Teknik AB"
    assert row["Uppföljningsindikator"] == "'\t=cmd"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_again_with_the_same_values(client, world, register, fmt):
    Initiative.objects.exclude(municipality=world.municipality).delete()
    before = {i.name: i for i in Initiative.objects.all()}
    codes_before = {i.name: sorted(n.code for n in i.items.all()) for i in before.values()}
    exported = export(client, world, fmt=fmt).content
    for initiative in before.values():
        actions.delete_initiative(initiative, by=None)

    response = client.post(
        reverse("initiatives:import"), {"file": SimpleUploadedFile(f"export.{fmt}", exported)}
    )
    assert response.status_code == 200, response.context["parsed"].errors
    assert "These columns are not imported" not in response.content.decode()
    client.post(reverse("initiatives:import_commit"), {"token": response.context["token"]})

    after = {i.name: i for i in Initiative.objects.all()}
    assert after.keys() == before.keys()
    fields = [c.key for c in COLUMNS if c.key != "items"]
    for name, old in before.items():
        new = after[name]
        assert [getattr(new, f) for f in fields] == [getattr(old, f) for f in fields], name
        assert sorted(n.code for n in new.items.all()) == codes_before[name]
        assert new.robust == old.robust


def test_a_guarded_text_imports_as_it_was_written(client, world, steam):  # noqa: F811
    make_initiative(world.municipality, name="=1+1", partners="-Teknik AB", stages=["adult"])
    exported = export(client, world, fmt="csv").content
    Initiative.objects.all().delete()
    response = client.post(reverse("initiatives:import"), {"file": SimpleUploadedFile("e.csv", exported)})
    client.post(reverse("initiatives:import_commit"), {"token": response.context["token"]})
    assert Initiative.objects.get().name == "=1+1" and Initiative.objects.get().partners == "-Teknik AB"


def test_the_export_reads_a_fixed_number_of_queries(client, world, steam, django_assert_max_num_queries):  # noqa: F811
    for i in range(30):
        make_initiative(world.municipality, name=f"Insats {i}", items=list(steam.nodes.filter(code="1.a")))
    client.force_login(world.people["coordinator"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("initiatives:export"))
    assert len(xlsx_rows(response)) == 30
