"""The proof that no read of student-level data escapes the access log (docs/privacy.md, "The access log of
student data").

The test walks EVERY URL pattern in the "followup" namespace (like tests/test_url_matrix.py) and requests
each one that answers GET as the person who would use it, with a verified second factor and real data: a
group of students with distinctive family names in a filled round (and an earlier one). For every answer:

- if the body (HTML, CSV, or the text of every cell of an Excel file) contains any of those students' names,
  or the template context holds a Student or Row object, then a StudentDataAccess row was written during
  that request, naming the person who asked;
- the figures above the unit (followup:overview, followup:overview_xlsx), asked for by a head of schools,
  contain no student's name or local reference, hold no Student or Row in the context, and write no log row
  (they are counts, suppressed; see kedja/followup/aggregates.py). The unit's own principal sees them
  unsuppressed, and that read is logged.

Patterns that only accept POST must answer GET with 405 (so a GET never shows anything); what their POST
answers show is covered by the tests of those views (test_grid.py, test_unit.py).

A URL this module cannot build arguments for fails the test: a new follow-up URL must be added to CASES.

Why not a static rule such as "views_*.py never import Row or Student"? The unit views look a student up by
id to check it belongs to the unit before reading.py is asked for its data, so an import ban would forbid
harmless code and still miss a view that reaches rows through a relation (group.students.all in a
template). Looking at what each response actually contains, and at the log, catches both; so that is the
check. Any future JSON API must read through kedja/followup/reading.py and be added here (docs/followup.md).
"""

import io
from dataclasses import dataclass

import pytest
from django.db.models import Model, QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from kedja.accounts.factories import verify_second_factor
from kedja.followup.factories import add_students, fill_round, make_group, make_round
from kedja.followup.models import Row, Student, StudentDataAccess, Term
from tests.world import World

pytestmark = pytest.mark.django_db


@dataclass
class Data:
    w: object
    group: object
    round: object
    student: object


@dataclass(frozen=True)
class Case:
    persona: str
    args: callable
    logged: bool | None = None  # True: shows students, must log; False: counts, must not; None: log iff shown
    post_only: bool = False
    counts_logged: bool = False  # unsuppressed counts of the person's own unit: no names, but logged


def _unit(d):
    return [d.w.school.pk]


def _unit_group(d):
    return [d.w.school.pk, d.group.pk]


def _unit_student(d):
    return [d.w.school.pk, d.student.pk]


def _round_group(d):
    return [d.round.pk, d.group.pk]


def _round_row(d):
    return [d.round.pk, Row.objects.filter(round=d.round, student=d.student).get().pk]


CASES: dict[str, list[Case]] = {
    # the teacher's grid and group view (urls_grid.py)
    "followup:my_groups": [Case("teacher", lambda d: [])],
    "followup:grid": [
        Case("teacher", _round_group, logged=True),
        Case("principal", _round_group, logged=True),
    ],
    "followup:group": [Case("teacher", _round_group, logged=True)],
    "followup:grid_template": [Case("teacher", _round_group, logged=True)],
    "followup:grid_import": [Case("teacher", _round_group, post_only=True)],
    "followup:cell": [Case("teacher", _round_row, post_only=True)],
    "followup:cells": [Case("teacher", _round_group, post_only=True)],
    # the principal's unit (urls_unit.py)
    "followup:unit": [Case("principal", _unit)],
    "followup:round_open": [Case("principal", _unit, post_only=True)],
    "followup:group_new": [Case("principal", _unit)],
    "followup:group_edit": [Case("principal", _unit_group, logged=True)],
    "followup:students": [Case("principal", _unit, logged=True)],
    "followup:student_new": [Case("principal", _unit)],
    "followup:students_move": [Case("principal", _unit, post_only=True)],
    "followup:students_import": [Case("principal", _unit)],
    "followup:students_import_template": [Case("principal", _unit)],
    "followup:student_edit": [Case("principal", _unit_student, logged=True)],
    "followup:student_export": [Case("principal", _unit_student, logged=True)],
    "followup:student_erase": [Case("principal", _unit_student, logged=True)],
    "followup:log": [Case("principal", _unit)],
    "followup:log_csv": [Case("principal", _unit)],
    "followup:analysis_unit": [Case("principal", lambda d: [d.round.pk])],
    "followup:analysis_group": [Case("teacher", _round_group)],
    "followup:questions": [Case("head_of_schools", lambda d: [d.w.municipality.pk])],
    # the municipality's scheme (urls_scheme.py): columns and thresholds, no student data
    "followup:scheme": [Case("teacher", lambda d: [d.w.municipality.pk], logged=False)],
    "followup:scheme_version": [Case("teacher", lambda d: [d.w.municipality.pk, 1], logged=False)],
    "followup:scheme_edit": [Case("head_of_schools", lambda d: [d.w.municipality.pk], logged=False)],
    # above the unit (urls_overview.py): counts only
    "followup:overview": [
        Case("head_of_schools", lambda d: [d.w.administration.pk], logged=False),
        Case("regional_officer", lambda d: [d.w.region.pk], logged=False),
        Case("principal", _unit, counts_logged=True),  # their own unit, unsuppressed
    ],
    "followup:overview_xlsx": [Case("head_of_schools", lambda d: [d.w.administration.pk], logged=False)],
}


def _walk(resolver, namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from _walk(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}"


def followup_url_names() -> list[str]:
    return sorted(n for n in _walk(get_resolver()) if n.startswith("followup:"))


def test_every_followup_url_is_in_the_table():
    names = followup_url_names()
    assert names, "the followup namespace has no URLs"
    missing = sorted(set(names) - CASES.keys())
    stale = sorted(CASES.keys() - set(names))
    assert not missing, f"follow-up URLs without a log case (add them to CASES): {missing}"
    assert not stale, f"log cases for URLs that no longer exist: {stale}"


def _data(w: World) -> Data:
    teacher = w.people["teacher"]
    group = make_group(w.school, name="7B", students=0, teachers=[teacher], mentor=teacher)
    students = add_students(group, 12)
    for n, student in enumerate(students):
        student.family_name = f"Zqxfam{n:02d}"
        student.local_ref = f"ZQREF{n:02d}"
    Student.objects.bulk_update(students, ["family_name", "local_ref"])
    earlier = make_round(w.school, term=Term.SPRING, year=2026)
    fill_round(earlier, seed=4)
    round_ = make_round(w.school, term=Term.AUTUMN, year=2026)
    fill_round(round_, seed=5)
    return Data(w, group, round_, students[0])


def _text(response) -> str:
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return body.decode("utf-8", errors="replace")


def _holds_student_data(value, depth=0) -> bool:
    """Does a template context value hold a Student or Row (directly, in a queryset or a container)?"""
    if depth > 3:
        return False
    if isinstance(value, (Student, Row)):
        return True
    if isinstance(value, QuerySet):
        return value.model in (Student, Row)
    if isinstance(value, dict):
        return any(_holds_student_data(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple, set)):
        return any(_holds_student_data(v, depth + 1) for v in list(value)[:50])
    if hasattr(value, "__dataclass_fields__"):
        return any(_holds_student_data(getattr(value, f), depth + 1) for f in value.__dataclass_fields__)
    return False


def _context_holds_student_data(response) -> bool:
    contexts = response.context or []
    if not isinstance(contexts, list):
        contexts = [contexts]
    for context in contexts:
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values():
                if not isinstance(value, Model) or isinstance(value, (Student, Row)):
                    if _holds_student_data(value):
                        return True
    return False


@pytest.mark.parametrize("name", [n for n in sorted(CASES)])
def test_every_student_level_read_is_logged(world, name):
    if name not in followup_url_names():
        pytest.fail(f"{name} is in CASES but not a URL any more")
    d = _data(world)
    names = set(Student.objects.values_list("family_name", flat=True))
    refs = set(Student.objects.values_list("local_ref", flat=True))
    for case in CASES[name]:
        client = Client()
        person = d.w.people[case.persona]
        verify_second_factor(client, person)
        url = reverse(name, args=case.args(d))
        before = set(StudentDataAccess.objects.values_list("pk", flat=True))
        response = client.get(url)
        if case.post_only:
            assert response.status_code == 405, (
                f"{name}: a POST-only URL answered GET with {response.status_code}"
            )
            assert StudentDataAccess.objects.count() == len(before)
            continue
        assert response.status_code == 200, f"{name} as {case.persona}: {response.status_code}"
        text = _text(response)
        shown = sorted(n for n in names if n in text)
        holds = _context_holds_student_data(response)
        new = StudentDataAccess.objects.exclude(pk__in=before)
        if case.logged is False:
            assert not shown, f"{name}: student names in counts above the unit: {shown}"
            assert not [r for r in refs if r in text], f"{name}: student references in counts above the unit"
            assert not holds, f"{name}: a Student or Row object was passed to the template"
            assert not new.exists(), f"{name}: counts above the unit wrote a log row"
            continue
        if case.logged:  # these pages are about named students: the detection itself must see them
            assert shown or holds, f"{name}: expected student data in the answer (is the check blind?)"
        if case.counts_logged:
            assert not shown and not holds, f"{name}: student names in counts"
        if shown or holds or case.logged or case.counts_logged:
            assert new.exists(), f"{name} as {case.persona} showed student data without a log row"
            assert all(entry.user_id == person.pk for entry in new), f"{name}: log row names someone else"
