"""Who may reach the principal's follow-up pages (kedja/followup/urls_unit.py).

The unit's pages (overview, rounds, groups, students, import, a student's export and erasure, the access
log, the unit's analysis) are the principal's: a teacher of the unit sees they exist but may not use them
(403); everyone else gets 404 — the head of schools, coordinator, admin and regional officer too, and every
persona of another organisation (student data never leaves the unit). A group's analysis is its teachers'
and the principal's. The municipality's question sets are edited by its head of schools or quality
developer; others who see the municipality get 403. Personas on row pages have passed the second factor
(Entry.verified); kedja/followup/tests/test_unit.py covers the second factor and another unit's principal.
"""

from kedja.followup.factories import make_group, make_round
from kedja.followup.models import Student
from tests.matrix_base import Entry

PRINCIPAL = frozenset({"principal"})
TEACHER = frozenset({"teacher"})
ROWS = frozenset({"teacher", "principal"})
SEES_MUNICIPALITY = frozenset({"regional_officer", "coordinator", "admin", "reader", "principal", "teacher"})


def _unit_data(w):
    cached = getattr(w, "followup_unit", None)
    if cached is None:
        group = make_group(w.school, name="7A", students=2, teachers=[w.people["teacher"]])
        round_ = make_round(w.school, by=w.people["principal"])
        cached = w.followup_unit = (group, round_)
    return cached


def unit_args(w):
    _unit_data(w)
    return [w.school.pk]


def group_args(w):
    group, _round = _unit_data(w)
    return [w.school.pk, group.pk]


def student_args(w):
    group, _round = _unit_data(w)
    return [w.school.pk, group.students.order_by("pk").first().pk]


def round_args(w):
    _group, round_ = _unit_data(w)
    return [round_.pk]


def round_group_args(w):
    group, round_ = _unit_data(w)
    return [round_.pk, group.pk]


def move_data(w, persona):
    group, _round = _unit_data(w)
    other = make_group(w.school, name=f"8{persona[:3]}")
    return {"student": [Student.objects.filter(groups=group).first().pk], "group": other.pk}


def principal_page(args, method="get", **kwargs):
    return Entry(method, args, PRINCIPAL, forbidden=TEACHER, verified=True, **kwargs)


ENTRIES = {
    "followup:unit": principal_page(unit_args),
    "followup:round_open": principal_page(
        unit_args, "post", ok=302, data=lambda w, p: {"term": "VT", "year": "2031"}
    ),
    "followup:group_new": principal_page(unit_args),
    "followup:group_edit": principal_page(group_args),
    "followup:students": principal_page(unit_args),
    "followup:student_new": principal_page(unit_args),
    "followup:student_edit": principal_page(student_args),
    "followup:students_move": principal_page(unit_args, "post", ok=302, data=move_data),
    "followup:students_import": principal_page(unit_args),
    "followup:students_import_template": principal_page(unit_args),
    "followup:student_export": principal_page(student_args),
    "followup:student_erase": principal_page(student_args),
    "followup:log": principal_page(unit_args),
    "followup:log_csv": principal_page(unit_args),
    "followup:analysis_unit": principal_page(round_args),
    "followup:analysis_group": Entry("get", round_group_args, ROWS, verified=True),
    "followup:questions": Entry(
        "get",
        lambda w: [w.municipality.pk],
        frozenset({"head_of_schools"}),
        forbidden=SEES_MUNICIPALITY,
    ),
}
