"""Aggregates above the unit (kedja/followup/aggregates.py): counts per unit, gender and subject score from
live rounds and, after retention, from TermAggregate; suppressed whenever they leave the unit, with tables
tied together so one never prints what another hides; and nothing about a single student in the result."""

from dataclasses import asdict

import pytest

from kedja.followup import aggregates
from kedja.followup.aggregates import TermKey
from kedja.followup.factories import fill_round, make_group, make_round
from kedja.followup.models import Level, Row, Student, Term
from kedja.followup.retention import aggregate_round
from kedja.followup.scheme import Layout

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: counts and dates grouped in SQL


def scores_for(layout: Layout, level: str) -> dict:
    """Scores whose sum falls in `level`: 3 in columns until the level's threshold is reached."""
    target = {Level.GREEN: 0, Level.YELLOW: layout.version.yellow_from, Level.ORANGE: layout.version.orange_from,
              Level.RED: layout.version.red_from}[level]  # fmt: skip
    scores: dict = {}
    for column in layout.columns:  # every column scored: a level is only given to a full row
        scores[column.code] = 3 if layout.row_sum(scores) < target else 0
    assert layout.row_level(scores) == level
    return scores


def fill_levels(round_, levels: list[str], *, maths: int | None = None) -> None:
    """Give the round's rows (in pk order) these levels; `maths` also scores the maths subject column."""
    layout = Layout(round_.scheme_version)
    rows = list(round_.rows.order_by("pk"))
    assert len(rows) == len(levels)
    for row, level in zip(rows, levels, strict=True):
        row.scores = scores_for(layout, level)
        if maths is not None and row.scores.get("maths") == 0:
            row.scores["maths"] = maths
    Row.objects.bulk_update(rows, ["scores"])


@pytest.fixture
def setup(world):
    """Norrbyskolan 20 students (12 green, 8 red); Granskolan 3 students (all green), autumn 2026."""
    make_group(world.school, name="7A", students=20)
    make_group(world.other_school, name="8A", students=3)
    big = make_round(world.school, term=Term.AUTUMN, year=2026)
    small = make_round(world.other_school, term=Term.AUTUMN, year=2026)
    fill_levels(big, [Level.GREEN] * 12 + [Level.RED] * 8, maths=1)
    fill_levels(small, [Level.GREEN] * 3)
    return world, big, small


def test_unsuppressed_counts_per_unit_level_gender_and_subject(setup):
    w, big, small = setup
    o = aggregates.overview(w.administration, suppressed=False)
    assert o.term == TermKey.of("HT", 2026)
    lines = {line.label: ([c.value for c in line.cells], line.total.value) for line in o.units.lines}
    # green, yellow, orange, red, not fully assessed
    assert lines == {"Granskolan": ([3, 0, 0, 0, 0], 3), "Norrbyskolan": ([12, 0, 0, 8, 0], 20)}
    assert [c.value for c in o.units.totals.cells] == [15, 0, 0, 8, 0] and o.units.totals.total.value == 23
    genders = {line.label: line.total.value for line in o.genders.lines}
    assert (
        genders["Girl"] + genders["Boy"] == Student.objects.filter(gender__in=["girl", "boy"]).count() == 23
    )
    maths = next(line for line in o.subjects.lines if line.label == "Mathematics")
    assert maths.total.value == 23  # every row is fully scored, maths included
    assert not o.units.any_hidden


def test_suppressed_overview_hides_the_small_unit_and_protects_it(setup):
    w, big, small = setup
    o = aggregates.overview(w.administration, suppressed=True)
    small_line = next(line for line in o.units.lines if line.label == "Granskolan")
    assert all(c.hidden and c.text == ".." for c in [*small_line.cells, small_line.total])
    assert small_line.total.alt == "fewer than 10 students"
    # Granskolan's total must not follow from the grand total and Norrbyskolan's total
    big_line = next(line for line in o.units.lines if line.label == "Norrbyskolan")
    assert big_line.total.hidden or o.units.totals.total.hidden
    # the level totals were touched, so the gender table is withheld whole; the subject table stays
    assert o.genders.withheld and not o.genders.lines
    assert o.units.any_hidden


def test_gender_table_is_shown_when_no_shared_total_is_hidden(world):
    make_group(world.school, name="9A", students=40)
    round_ = make_round(world.school)
    # per gender 10 green, 5 yellow, 5 red: no gender has a small count at any level
    per_gender = {"girl": [Level.GREEN] * 10 + [Level.YELLOW] * 5 + [Level.RED] * 5}
    per_gender["boy"] = list(per_gender["girl"])
    fill_levels(round_, [per_gender[r.student.gender].pop() for r in round_.rows.order_by("pk")])
    o = aggregates.overview(world.municipality, suppressed=True)
    assert not o.genders.withheld
    assert {line.label: line.total.value for line in o.genders.lines} == {
        "Girl": 20,
        "Boy": 20,
        "Other or not stated": 0,
    }
    assert not any(c.hidden for c in o.units.totals.cells)


def test_terms_past_retention_come_from_term_aggregates_and_make_the_trend(setup):
    w, big, small = setup
    spring = make_round(w.school, term=Term.SPRING, year=2026)
    fill_levels(spring, [Level.GREEN] * 10 + [Level.RED] * 10)
    aggregate_round(spring)
    spring.delete()
    o = aggregates.overview(w.administration, suppressed=False, term=TermKey.of("VT", 2026))
    assert o.term == TermKey.of("VT", 2026) and o.terms == [TermKey.of("VT", 2026), TermKey.of("HT", 2026)]
    assert [(line.label, line.total.value) for line in o.units.lines] == [("Norrbyskolan", 20)]
    assert o.units_without_data == ["Granskolan"]
    assert [line.label for line in o.trend.lines] == ["Spring term 2026", "Autumn term 2026"]
    assert [c.text for c in o.trend.lines[0].cells] == ["50", "0", "0", "50", "0"]
    assert o.trend.lines[1].total.value == 23


def test_trend_prints_the_terms_own_suppressed_totals(setup):
    w, big, small = setup
    o = aggregates.overview(w.administration, suppressed=True)
    units_totals = [*o.units.totals.cells, o.units.totals.total]
    trend = [*o.trend.lines[-1].cells, o.trend.lines[-1].total]
    for total, shown in zip(units_totals, trend, strict=True):
        assert total.hidden == shown.hidden


def test_nothing_about_a_single_student_is_in_the_result(setup):
    w, big, small = setup
    for suppressed in (True, False):
        text = repr(asdict(aggregates.overview(w.administration, suppressed=suppressed)))
        for _given, family, pk in Student.objects.values_list("given_name", "family_name", "pk"):
            assert family not in text
            assert f"'student_id': {pk}" not in text
        assert "student" not in text.replace("students", "")


def test_no_data_and_a_bad_term_fall_back(world):
    o = aggregates.overview(world.municipality, suppressed=True, term=TermKey.parse("nonsense"))
    assert o.term is None and o.terms == [] and not o.units.lines
    assert TermKey.parse("HT2026") == TermKey.of("HT", 2026) and TermKey.parse("XX2026") is None
    assert TermKey.of("VT", 2027) > TermKey.of("HT", 2026) > TermKey.of("VT", 2026)


@pytest.mark.parametrize("weight", [2, 1.5])
def test_streamed_counting_agrees_with_count_rows(world, weight):
    """The overview's tight counting loop gives count_rows' figures (for whole and fractional weights),
    so the overview, the unit view and the retention never disagree."""
    from collections import Counter

    from kedja.followup.counts import CountedRow, count_rows

    make_group(world.school, name="7A", students=60)
    round_ = make_round(world.school)
    version = round_.scheme_version
    version.definition["groups"][0]["columns"][0]["weight"] = weight
    version.save()
    fill_round(round_, seed=11, density=0.8)
    layout = Layout(version)
    rows = Row.objects.filter(round=round_).values_list("scores", "student__gender")
    expected = count_rows(layout, [CountedRow(s, g, "") for s, g in rows])
    expected = Counter({k: v for k, v in expected.items() if k[0] != "group"})
    counted = aggregates.count_term([world.school], TermKey.of("HT", 2026)).per_unit[world.school.pk]
    assert +counted == expected


# --- the views (kedja/followup/views_overview.py) ----------------------------------------------------------


def test_the_excel_file_holds_the_same_suppressed_tables(setup, client):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    w, big, small = setup
    client.force_login(w.people["head_of_schools"])
    response = client.get(reverse("followup:overview_xlsx", args=[w.administration.pk]) + "?term=HT2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Units", "Gender", "Subjects", "Trend"]
    rows = {r[0]: r[1:] for r in book["Units"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Granskolan"] == ("..", "..", "..", "..", "..", "..")
    assert any(
        ".." in str(r[0]) and "privacy" in str(r[0]) for r in book["Units"].iter_rows(values_only=True)
    )
    assert "Withheld" in str(list(book["Gender"].iter_rows(values_only=True)))


def test_the_principal_sees_own_unit_unsuppressed_after_the_second_factor_and_it_is_logged(setup, client):
    from django.urls import reverse

    from kedja.accounts.factories import verify_second_factor
    from kedja.followup.models import StudentDataAccess

    w, big, small = setup
    url = reverse("followup:overview", args=[w.other_school.pk])
    client.force_login(w.people["head_of_schools"])
    assert client.get(url).status_code == 200
    assert not StudentDataAccess.objects.exists()  # counts above the unit are not a student-level read
    principal = make_member_at(w.other_school)
    client.force_login(principal)
    assert client.get(url).status_code == 302  # to the second factor
    verify_second_factor(client, principal)
    response = client.get(url)
    assert response.status_code == 200 and not response.context["o"].suppressed
    assert b'class="fu-n fu-hidden"' not in response.content
    entry = StudentDataAccess.objects.get()
    assert entry.user == principal and entry.student_count == 3


def make_member_at(unit):
    from kedja.organisations.factories import make_member
    from kedja.organisations.roles import Role

    return make_member(unit, Role.PRINCIPAL)


def test_no_page_gives_away_the_small_unit_by_subtraction(setup, client):
    """The administration's page and Norrbyskolan's own page (seen from above) and their Excel files: the
    administration's total minus Norrbyskolan's cannot give Granskolan's 3 students."""
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    w, big, small = setup
    client.force_login(w.people["head_of_schools"])
    pages = {}
    for org in (w.administration, w.school, w.other_school):
        o = client.get(reverse("followup:overview", args=[org.pk])).context["o"]
        pages[org.pk] = o.units.totals.total
    assert pages[w.other_school.pk].hidden
    assert pages[w.administration.pk].hidden or pages[w.school.pk].hidden
    book = load_workbook(
        io.BytesIO(client.get(reverse("followup:overview_xlsx", args=[w.school.pk])).content)
    )
    rows = {r[0]: r[1:] for r in book["Units"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Norrbyskolan"][-1] == (".." if pages[w.school.pk].hidden else 20)


def test_not_assessed_students_are_their_own_category_never_green(world):
    """A round opened with nothing entered: every student is "not fully assessed", none green; the page opens
    on the latest term with scores rather than on the empty one."""
    make_group(world.school, name="9A", students=12)
    spring = make_round(world.school, term=Term.SPRING, year=2026)
    fill_levels(spring, [Level.GREEN] * 6 + [Level.RED] * 6)
    make_round(world.school, term=Term.AUTUMN, year=2026)  # opened, nothing entered
    o = aggregates.overview(world.school, suppressed=False, term=TermKey.of("HT", 2026))
    line = o.units.lines[0]
    assert [c.value for c in line.cells] == [0, 0, 0, 0, 12]
    assert o.trend.lines[-1].cells[0].text == "0" and o.trend.lines[-1].cells[-1].text == "100"
    assert aggregates.overview(world.school, suppressed=False).term == TermKey.of("VT", 2026)
