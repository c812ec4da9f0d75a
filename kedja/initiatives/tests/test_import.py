"""Importing initiatives from Excel/CSV: the template, the preview with row-by-row errors, and an import
that saves every row or none."""

import csv
import io
import os
import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kedja.core.tests.bombs import xlsx_bomb, xlsx_declaring
from kedja.frameworks import actions as framework_actions
from kedja.frameworks import schema
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.selectors import default_framework_version
from kedja.initiatives import actions, imports
from kedja.initiatives.access import owners_for_new_initiative
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.fileformat import COLUMNS, EXAMPLE_NAME, MAX_ROWS
from kedja.initiatives.models import Cell, Initiative
from kedja.initiatives.views_imports import PENDING_KEY, claim_pending, remove_stale_uploads, store_pending
from kedja.organisations.models import Membership

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture
def steam(db):
    """A small stand-in for the shipped STEAM framework: areas 1–3, items a–c (same key, no owner)."""
    return make_framework_version(key="steam-municipal", areas=3, items=3)


def row(name="Teknikdagar", owner="Norrby kommun", **values) -> dict:
    """One row as a person fills it in, by Swedish header."""
    cells = {
        "Namn": name,
        "Beskrivning": "Elever möter företag.",
        "Ägare (organisation)": owner,
        "Ansvarig funktion": "STEAM-samordnare",
        "Namngivna personer": "Anna Andersson; Bo Berg",
        "Stadier": "y7_9; upper_secondary",
        "Målgrupper": "girls_women",
        "Ramverkspunkter": "1.a; 2.c",
        "Partner": "Teknikföretaget AB",
        "Finansiering": "project",
        "Finansiering slutar": "2027-06-30",
        "Startar": "2026-08-17",
        "Slutar": "2027-06-30",
        "Deltagare totalt": "40",
        "Varav flickor/kvinnor": "25",
        "Varav pojkar/män": "15",
        "Varav annat kön": "",
        "Kunskapsgrund": "experience",
        "Uppföljningsindikator": "Andel som väljer NA/TE",
        "Synlighet": "region",
    }
    cells.update(values)
    return cells


def xlsx_file(rows: list[dict], headers=HEADERS, name="insatser.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for r in rows:
        sheet.append([r.get(h) for h in headers] if r else [])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(
    rows: list[dict], headers=HEADERS, delimiter=";", bom=True, name="insatser.csv"
) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def signed_in(client, world, persona="coordinator"):
    client.force_login(world.people[persona])
    return client


def upload(client, file):
    return client.post(reverse("initiatives:import"), {"file": file})


def commit(client, response):
    return client.post(reverse("initiatives:import_commit"), {"token": response.context["token"]})


def twenty_rows():
    return [
        row(name=f"Insats {i:02d}", **({"Ägare (organisation)": "Norrbyskolan"} if i % 2 else {}))
        for i in range(20)
    ]


# --- the template -----------------------------------------------------------------------------------


def test_template_has_swedish_headers_explanations_and_drop_downs(client, world, steam):
    response = signed_in(client, world).get(reverse("initiatives:import_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Insatser", "Förklaringar"]
    sheet = workbook["Insatser"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Namn", "Beskrivning", "Ägare (organisation)", "Ansvarig funktion"]
    assert headers == HEADERS and "Varav flickor/kvinnor" in headers and headers[-1] == "Synlighet"
    assert sheet["A2"].value == EXAMPLE_NAME
    explained = [
        [c for c in r if c is not None] for r in workbook["Förklaringar"].iter_rows(values_only=True)
    ]
    flat = {str(v) for r in explained for v in r}
    # each coded column: its codes and labels
    assert {
        "Stadier",
        "y7_9",
        "Åk 7–9",
        "Målgrupper",
        "girls_women",
        "Finansiering",
        "project",
    } <= flat
    assert {"Kunskapsgrund", "research", "Synlighet", "municipality"} <= flat
    # the owners the person may use, and the framework's item codes
    assert {"Norrby kommun", "0299", "Norrbyskolan", "Granskolan", "1.a", "3.c"} <= flat
    assert "Sydby kommun" not in flat
    lists = {next(iter(dv.sqref.ranges)).coord[0] for dv in sheet.data_validations.dataValidation}
    assert {"C", "J", "R", "T"} <= lists  # owner, funding, evidence base, sharing: drop-down lists


def test_the_filled_in_template_imports_and_its_example_row_does_not(client, world, steam):
    client = signed_in(client, world)
    template = load_workbook(io.BytesIO(client.get(reverse("initiatives:import_template")).content))
    out = io.BytesIO()
    template.save(out)
    response = upload(client, SimpleUploadedFile("mall.xlsx", out.getvalue()))
    assert response.status_code == 400
    assert "This is the template&#x27;s example row" in response.content.decode()

    sheet = template["Insatser"]
    for column, header in enumerate(HEADERS, start=1):
        sheet.cell(row=2, column=column).value = row(name="Mattecirkel")[header]
    sheet.cell(row=2, column=12).value = date(2026, 8, 17)  # a real date cell
    out = io.BytesIO()
    template.save(out)
    response = upload(client, SimpleUploadedFile("mall.xlsx", out.getvalue()))
    assert response.status_code == 200
    assert commit(client, response).status_code == 302
    assert Initiative.objects.get().starts == date(2026, 8, 17)


# --- a good file ------------------------------------------------------------------------------------


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file], ids=["xlsx", "csv"])
def test_twenty_valid_rows_preview_then_import_all(client, world, steam, make_file):
    client = signed_in(client, world)
    response = upload(client, make_file(twenty_rows()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "All 20 rows can be imported" in page and "Import 20 initiatives" in page
    assert "Insats 07" in page and "School years 7–9, Upper secondary" in page
    assert Initiative.objects.count() == 0  # nothing before the person says so

    response = commit(client, response)
    assert response.status_code == 302 and response["Location"] == reverse("initiatives:list")
    assert "20 initiatives have been imported." in [str(m) for m in response.wsgi_request._messages]
    assert Initiative.objects.count() == 20
    one = Initiative.objects.get(name="Insats 01")
    assert one.owner == world.school and one.municipality == world.municipality
    assert one.stages == ["y7_9", "upper_secondary"] and one.target_groups == ["girls_women"]
    assert sorted(n.code for n in one.items.all()) == ["1.a", "2.c"]
    assert one.named_people == "Anna Andersson\nBo Berg" and one.partners == "Teknikföretaget AB"
    assert (one.funding, one.funding_ends, one.starts, one.ends) == (
        "project",
        date(2027, 6, 30),
        date(2026, 8, 17),
        date(2027, 6, 30),
    )
    assert (one.reach_total, one.reach_girls, one.reach_boys) == (40, 25, 15)
    assert (one.evidence_base, one.sharing, one.created_by) == (
        "experience",
        "region",
        world.people["coordinator"],
    )
    assert Cell.objects.filter(initiative=one).exists()  # the gap analysis sees it


def test_csv_with_commas_without_bom_and_labels_in_any_case(client, world, steam):
    client = signed_in(client, world)
    file = csv_file(
        [
            row(
                Stadier="school years f-3, SCHOOL YEARS 4–6",
                Målgrupper="Girls/women, parents",
                Finansiering="Ordinary budget",
                Kunskapsgrund="RESEARCH",
                Synlighet="Only my municipality",
                Ramverkspunkter="1a, 3.B",
                **{"Finansiering slutar": ""},
            )
        ],
        delimiter=",",
        bom=False,
    )
    response = upload(client, file)
    assert response.status_code == 200, response.context["parsed"].errors
    commit(client, response)
    made = Initiative.objects.get()
    assert made.stages == ["f3", "y4_6"] and made.target_groups == ["girls_women", "parents"]
    assert (made.funding, made.evidence_base, made.sharing) == ("ordinary", "research", "municipality")
    assert sorted(n.code for n in made.items.all()) == ["1.a", "3.b"]


def test_empty_rows_are_skipped_and_row_numbers_are_the_sheets(client, world, steam):
    client = signed_in(client, world)
    response = upload(
        client, xlsx_file([row(name="Första"), {}, {}, row(name="Andra", Stadier="högstadiet")])
    )
    parsed = response.context["parsed"]
    assert [r.number for r in parsed.rows] == [2, 5]
    assert [(e.row, e.column) for e in parsed.errors] == [(5, "Stadier")]


def test_optional_columns_may_be_left_out_and_defaults_apply(client, world, steam):
    client = signed_in(client, world)
    response = upload(
        client,
        csv_file(
            [{"Namn": "Kort", "Ägare (organisation)": "0299", "Stadier": "adult"}],
            headers=["Namn", "Ägare (organisation)", "Stadier"],
        ),
    )
    assert response.status_code == 200
    commit(client, response)
    made = Initiative.objects.get()
    assert (made.owner, made.funding, made.evidence_base, made.sharing) == (
        world.municipality,
        "ordinary",
        "none",
        "region",
    )


# --- a file with errors -----------------------------------------------------------------------------


def test_bad_rows_show_every_error_with_row_and_column_and_nothing_is_imported(client, world, steam):
    client = signed_in(client, world)
    rows = [
        row(name="Bra rad"),
        row(name="Okänt stadium", Stadier="y7_9; Gymnasiet X"),
        row(name="Slut före start", Startar="2027-01-01", Slutar="2026-01-01"),
        row(name="Projekt utan slut", **{"Finansiering slutar": ""}),
        row(name="För många", **{"Varav flickor/kvinnor": "30", "Varav pojkar/män": "20"}),
        row(name="Fel ägare", owner="Sydby kommun"),
        row(name="Fel punkt", Ramverkspunkter="1.a; 9.z"),
        row(name="Fel datum", Startar="17/8 2026"),
        row(name="Negativt", **{"Deltagare totalt": "-3"}),
    ]
    response = upload(client, xlsx_file(rows))
    assert response.status_code == 400
    errors = {(e.row, e.column): e.message for e in response.context["parsed"].errors}
    assert errors == {
        (3, "Stadier"): "Unknown value: “Gymnasiet X”. See the allowed values on the sheet “Förklaringar”.",
        (4, "Slutar"): "The end date is before the start date.",
        (5, "Finansiering slutar"): "Project money and grants need the date the funding ends.",
        (6, "Deltagare totalt"): "Girls and boys together are more than the participants in all.",
        (
            7,
            "Ägare (organisation)",
        ): "“Sydby kommun” is not an organisation you may register initiatives for.",
        (
            8,
            "Ramverkspunkter",
        ): "Unknown framework item: 9.z. See the item codes on the sheet “Förklaringar”.",
        (9, "Startar"): "“17/8 2026” is not a date. Write dates as YYYY-MM-DD, e.g. 2026-08-31.",
        (10, "Deltagare totalt"): "The number cannot be negative.",
    }
    page = response.content.decode()
    assert "8 of 9 rows have errors. Nothing has been imported." in page
    assert "Upload the corrected file" in page
    assert "Import 9" not in page and reverse("initiatives:import_commit") not in page
    assert 'href="#row-8"' in page and "Unknown framework item: 9.z" in page
    assert PENDING_KEY not in client.session
    assert Initiative.objects.count() == 0


def test_the_import_cannot_be_forced_after_a_preview_with_errors(client, world, steam):
    client = signed_in(client, world)
    upload(client, xlsx_file([row(), row(Stadier="")]))
    response = client.post(reverse("initiatives:import_commit"), {"token": "anything"})
    assert response.status_code == 302 and response["Location"] == reverse("initiatives:import")
    assert Initiative.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\xd0\xcf\x11\xe0old excel", "gamla.xlsx", "The file is not an Excel workbook (.xlsx)"),
        (b"PK\x03\x04 broken zip", "trasig.xlsx", "could not be read as an Excel workbook"),
        ("Namn;Stadier\nÅk 9;y7_9\n".encode("cp1252"), "latin.csv", "must be saved as UTF-8"),
        (b"Namn;Beskrivning\nA;B\n", "saknas.csv", "these are missing: Ägare (organisation), Stadier"),
        (b"", "tom.csv", "The submitted file is empty."),
        (b"Namn;Stadier", "insatser.txt", "Choose an Excel file (.xlsx) or a CSV file (.csv)."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_beside_the_field(client, world, steam, content, name, message):
    response = upload(signed_in(client, world), SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Import initiatives from a spreadsheet" in response.content.decode()


def test_too_large_and_too_many_rows_are_refused(client, world, steam, settings):
    client = signed_in(client, world)
    big = SimpleUploadedFile("stor.csv", b"Namn;" + b"x" * (2 * 1024 * 1024))
    assert "larger than 2 MB" in upload(client, big).content.decode()
    many = csv_file(
        [{"Namn": f"I{i}", "Ägare (organisation)": "0299", "Stadier": "adult"} for i in range(MAX_ROWS + 1)]
    )
    assert f"more than {MAX_ROWS} rows" in upload(client, many).content.decode()


# --- owners -----------------------------------------------------------------------------------------


def test_owner_by_name_or_code_only_among_ones_own(world, steam):
    world.school.school_unit_code = "12345678"
    world.school.save()
    owners = list(owners_of(world, "coordinator"))
    table = imports.Table(
        headers=["Namn", "Ägare (organisation)", "Stadier"],
        header_row=1,
        rows=[
            (2, ["A", "12345678", "adult"]),
            (3, ["B", 299, "adult"]),  # Excel dropped the leading zero of 0299
            (4, ["C", "norrby UTBILDNINGSFÖRVALTNING", "adult"]),
            (5, ["D", "Sydbyskolan", "adult"]),
        ],
    )
    parsed = imports.parse_table(table, owners=owners, version=steam)
    assert [r.data.get("owner") for r in parsed.rows[:3]] == [
        world.school,
        world.municipality,
        world.administration,
    ]
    assert [(e.row, e.column) for e in parsed.errors] == [(5, "Ägare (organisation)")]


def test_a_name_shared_by_two_owners_asks_for_the_code(world, steam):
    world.other_school.name = world.school.name
    world.other_school.save()
    owners = list(owners_of(world, "coordinator"))
    table = imports.Table(
        headers=["Namn", "Ägare (organisation)", "Stadier"],
        header_row=1,
        rows=[(2, ["A", "Norrbyskolan", "adult"])],
    )
    [error] = imports.parse_table(table, owners=owners, version=steam).errors
    assert error.message == "Several of your organisations are called “Norrbyskolan”: give its code instead."


def test_a_principal_imports_only_for_their_own_school(client, world, steam):
    client = signed_in(client, world, "principal")
    response = upload(client, csv_file([row(owner="Norrbyskolan"), row(owner="Granskolan")]))
    assert [(e.row, e.column) for e in response.context["parsed"].errors] == [(3, "Ägare (organisation)")]


def owners_of(world, persona):
    return owners_for_new_initiative(world.people[persona])


# --- notices ----------------------------------------------------------------------------------------


def test_names_already_registered_are_pointed_out_but_may_be_imported(client, world, steam):
    make_initiative(world.municipality, name="Teknikdagar")
    client = signed_in(client, world)
    response = upload(
        client,
        csv_file(
            [row(name="Teknikdagar"), row(name="Ny"), row(name="ny")],
            headers=[*HEADERS, "Kommun", "Egen kolumn"],
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Norrby kommun already has an initiative called “Teknikdagar”: importing adds another." in page
    assert "The same name is on row 3." in page
    assert "These columns are not imported: Egen kolumn." in page  # an export's own columns are not listed


# --- all or nothing ---------------------------------------------------------------------------------


def test_a_failure_while_importing_leaves_no_rows(client, world, steam, monkeypatch):
    client = signed_in(client, world)
    response = upload(client, xlsx_file(twenty_rows()))
    real, calls = actions.save_initiative, []

    def failing_on_the_seventh(initiative, **kwargs):
        calls.append(1)
        if len(calls) == 7:
            raise actions.ValidationError("The database said no.")
        return real(initiative, **kwargs)

    monkeypatch.setattr(actions, "save_initiative", failing_on_the_seventh)
    response = commit(client, response)
    assert response.status_code == 302 and response["Location"] == reverse("initiatives:import")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Row 8 could not be imported: The database said no. Nothing has been imported."]
    assert len(calls) == 7
    assert Initiative.objects.count() == 0 and Cell.objects.count() == 0


def test_an_unexpected_error_while_importing_leaves_no_rows(world, steam, monkeypatch):
    owners = list(owners_of(world, "coordinator"))
    out = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for r in twenty_rows():
        workbook.active.append([r[h] for h in HEADERS])
    workbook.save(out)
    parsed = imports.parse_table(imports.read_table(out.getvalue(), "a.xlsx"), owners=owners, version=steam)
    real, calls = actions.save_initiative, []

    def crashing(initiative, **kwargs):
        calls.append(1)
        if len(calls) == 7:
            raise RuntimeError("disk full")
        return real(initiative, **kwargs)

    monkeypatch.setattr(actions, "save_initiative", crashing)
    with pytest.raises(RuntimeError):
        imports.import_rows(parsed, by=world.people["coordinator"])
    assert Initiative.objects.count() == 0


def test_the_checked_file_is_imported_once_and_then_deleted(client, world, steam, settings):
    client = signed_in(client, world)
    response = upload(client, csv_file([row()]))
    folder = settings.MEDIA_ROOT / "imports"
    assert len(list(folder.iterdir())) == 1
    first = commit(client, response)
    again = commit(client, response)
    assert first["Location"] == reverse("initiatives:list")
    assert again["Location"] == reverse("initiatives:import")
    assert "There is no checked file waiting to be imported." in str(list(again.wsgi_request._messages)[-1])
    assert Initiative.objects.count() == 1
    assert list(folder.iterdir()) == []


def test_a_newer_upload_replaces_the_checked_file(client, world, steam, settings):
    client = signed_in(client, world)
    old = upload(client, csv_file([row(name="Gammal")]))
    new = upload(client, csv_file([row(name="Ny")]))
    assert commit(client, old)["Location"] == reverse("initiatives:import")
    assert commit(client, new)["Location"] == reverse("initiatives:list")
    assert list(Initiative.objects.values_list("name", flat=True)) == ["Ny"]
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []


def test_checked_files_older_than_an_hour_are_removed(client, world, steam, settings):
    client = signed_in(client, world)
    response = upload(client, csv_file([row()]))
    [path] = (settings.MEDIA_ROOT / "imports").iterdir()
    hour_ago = time.time() - 3601
    os.utime(path, (hour_ago, hour_ago))
    remove_stale_uploads()
    assert not path.exists()
    assert commit(client, response)["Location"] == reverse("initiatives:import")
    assert Initiative.objects.count() == 0


def test_only_one_of_two_clicks_gets_the_checked_file(settings):
    session = {}
    token = store_pending(session, b"Namn;Stadier", "csv", "insatser.csv")
    second_click = dict(session)  # loaded before the first click's request saved the session
    assert claim_pending(session, "wrong token") is None
    assert claim_pending(session, token) == (b"Namn;Stadier", "csv", "insatser.csv")
    assert claim_pending(second_click, token) is None
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []


def test_a_checked_file_older_than_an_hour_is_not_imported(settings):
    session = {}
    token = store_pending(session, b"Namn;Stadier", "csv", "insatser.csv")
    session[PENDING_KEY]["at"] -= 3601
    assert claim_pending(session, token) is None
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []


def test_rights_are_checked_again_when_importing(client, world, steam):
    client = signed_in(client, world)
    response = upload(client, csv_file([row()]))
    Membership.objects.filter(user=world.people["coordinator"]).delete()
    assert commit(client, response).status_code == 403
    assert Initiative.objects.count() == 0


# --- who may ----------------------------------------------------------------------------------------


def test_a_reader_may_not_import(client, world, steam):
    client = signed_in(client, world, "reader")
    assert client.get(reverse("initiatives:import")).status_code == 403
    assert client.get(reverse("initiatives:import_template")).status_code == 403
    assert upload(client, csv_file([row()])).status_code == 403
    assert Initiative.objects.count() == 0


def test_the_import_page_explains_the_steps_and_links_the_template(client, world, steam):
    page = signed_in(client, world).get(reverse("initiatives:import")).content.decode()
    assert reverse("initiatives:import_template") in page
    assert "if any row has an error, nothing is imported" in page
    assert "Ägare (organisation)" in page  # the columns are explained on the page too


def test_a_sheet_with_data_far_below_is_refused_with_advice(world, steam):
    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.cell(row=20_005, column=1).value = "Långt ner"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(imports.ImportFileError) as refused:
        imports.read_table(out.getvalue(), "a.xlsx")
    assert "The sheet has 20005 rows, empty ones included" in refused.value.problems[0]
    assert "Delete the rows below your data, or save the sheet as CSV UTF-8" in refused.value.problems[0]


def test_the_shipped_steam_framework_gives_the_item_codes(client, world):
    load_shipped_frameworks()
    response = signed_in(client, world).get(reverse("initiatives:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    codes = {r[0] for r in workbook["Förklaringar"].iter_rows(values_only=True)}
    assert {"1.a", "1.g", "5.d", "8.c"} <= codes and "1.e" not in codes and "5.c" not in codes
    assert workbook["Insatser"]["H2"].value == "2.b; 6.a"
    row_with_gap = csv_file([row(Ramverkspunkter="1.g; 5.c")])
    [error] = upload(client, row_with_gap).context["parsed"].errors
    assert error.message.startswith("Unknown framework item: 5.c.")


def test_reach_of_another_gender_is_imported_and_counted_against_the_total(client, world, steam):
    client = signed_in(client, world)
    fine = row(name="Kodkväll", **{"Varav flickor/kvinnor": "20", "Varav annat kön": "2"})
    response = upload(client, xlsx_file([fine]))
    assert response.status_code == 200
    assert commit(client, response).status_code == 302
    saved = Initiative.objects.get(name="Kodkväll")
    assert (saved.reach_total, saved.reach_girls, saved.reach_boys, saved.reach_other) == (40, 20, 15, 2)
    too_many = row(name="För många", **{"Varav annat kön": "5"})  # 25 + 15 + 5 > 40
    response = upload(client, xlsx_file([too_many]))
    assert response.status_code == 400
    assert "another gender together are more than the participants in all" in response.content.decode()


def test_item_codes_are_read_from_the_regions_own_published_copy_of_the_framework(client, world, steam):
    data = schema.to_data(steam)
    data["nodes"][0]["children"].append(
        {"number": "x", "kind": "item", "title": {"sv": "Regionens egen punkt"}}
    )
    copy = framework_actions.import_framework(schema.parse(data), owner=world.region, publish=True)
    framework_actions.publish_to_region(copy, world.region)
    assert default_framework_version([world.municipality]) == copy
    assert (
        default_framework_version([world.other_municipality]) == steam
    )  # another region: the shipped framework
    client = signed_in(client, world)
    response = upload(client, xlsx_file([row(name="Regional punkt", Ramverkspunkter="1.x; 2.c")]))
    assert response.status_code == 200
    assert commit(client, response).status_code == 302
    saved = Initiative.objects.get(name="Regional punkt")
    assert {(n.framework_version_id, n.code) for n in saved.items.all()} == {
        (copy.pk, "1.x"),
        (copy.pk, "2.c"),
    }


def test_importing_the_same_file_twice_finds_the_duplicates_and_asks(client, world, steam):
    client = signed_in(client, world)
    first = [row(name="Teknikdagar"), row(name="Mattecirkel")]
    assert commit(client, upload(client, xlsx_file(first))).status_code == 302
    assert Initiative.objects.count() == 2
    again = [row(name="teknikdagar "), row(name="Mattecirkel"), row(name="Ny kodklubb")]
    preview = upload(client, xlsx_file(again))
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "2 rows look like initiatives that are already registered" in body
    assert "Row 2: Teknikdagar" in body and "Row 3: Mattecirkel" in body
    # Import without choosing: asked, nothing imported, the checked file kept for the answer
    asked = commit(client, preview)
    assert asked.status_code == 400 and Initiative.objects.count() == 2
    assert "Choose what to do with these rows before importing." in asked.content.decode()
    token = asked.context["token"]
    done = client.post(reverse("initiatives:import_commit"), {"token": token, "duplicates": "skip"})
    assert done.status_code == 302
    assert sorted(Initiative.objects.values_list("name", flat=True)) == [
        "Mattecirkel",
        "Ny kodklubb",
        "Teknikdagar",
    ]


def test_duplicates_can_be_imported_again_on_purpose(client, world, steam):
    client = signed_in(client, world)
    assert commit(client, upload(client, xlsx_file([row(name="Teknikdagar")]))).status_code == 302
    preview = upload(client, xlsx_file([row(name="Teknikdagar")]))
    token = preview.context["token"]
    client.post(reverse("initiatives:import_commit"), {"token": token, "duplicates": "import"})
    assert Initiative.objects.filter(name="Teknikdagar").count() == 2


def test_a_zip_bomb_is_refused_in_under_a_second(client, world, steam):
    """A 0.9 MB .xlsx that unpacks to ~280 MB: refused from what the archive declares, nothing unpacked."""
    client = signed_in(client, world)
    bomb = SimpleUploadedFile("insatser.xlsx", xlsx_bomb())  # made before the clock starts
    started = time.perf_counter()
    response = upload(client, bomb)
    elapsed = time.perf_counter() - started
    print(f"initiative import: bomb refused in {elapsed * 1000:.0f} ms")
    assert response.status_code == 400 and elapsed < 1
    assert "more than the 20 MB Kedja reads" in response.content.decode()
    declared = upload(client, SimpleUploadedFile("insatser.xlsx", xlsx_declaring(1_048_576)))
    assert "The sheet has 1048576 rows, empty ones included" in declared.content.decode()
