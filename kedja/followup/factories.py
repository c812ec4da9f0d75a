"""Plain factories for the mid-term follow-up (tests, demo and benchmarks). Names are invented."""

import itertools
import random

from .actions import ensure_scheme, municipality_of, open_round
from .models import Gender, Row, Student, StudentGroup, Term
from .scheme import Layout

_seq = itertools.count(1)

GIVEN = ["Alva", "Elsa", "Maja", "Saga", "Ella", "Noah", "Hugo", "Liam", "William", "Elias", "Sara", "Omar"]
FAMILY = ["Andersson", "Berg", "Ek", "Lind", "Nilsson", "Holm", "Sjöberg", "Åberg", "Öst", "Karimi"]


def make_group(unit, *, name: str | None = None, students: int = 0, teachers=(), mentor=None, school_year=7):
    group = StudentGroup.objects.create(
        school_unit=unit, name=name or f"{school_year}{chr(64 + next(_seq) % 26 + 1)}{next(_seq)}",
        school_year=school_year, mentor=mentor,
    )  # fmt: skip
    if teachers:
        group.teachers.add(*teachers)
    if students:
        add_students(group, students)
    return group


def add_students(group: StudentGroup, count: int) -> list[Student]:
    made = Student.objects.bulk_create(
        Student(
            school_unit=group.school_unit,
            given_name=GIVEN[n % len(GIVEN)],
            family_name=f"{FAMILY[n % len(FAMILY)]}-{next(_seq)}",
            gender=(Gender.GIRL, Gender.BOY)[n % 2],
        )
        for n in range(count)
    )
    group.students.add(*made)
    return made


def make_round(unit, *, term=Term.AUTUMN, year=2026, by=None):
    ensure_scheme(municipality_of(unit), by=by)
    return open_round(unit, term=term, year=year, by=by)


def fill_round(round_, *, seed: int = 1, density: float = 1.0) -> None:
    """Random scores 0–3 for every row (skewed towards 0, as in real class reviews)."""
    rng = random.Random(seed)
    layout = Layout(round_.scheme_version)
    rows = list(round_.rows.all())
    for row in rows:
        row.scores = {
            c.code: rng.choices((0, 1, 2, 3), weights=(6, 2, 1, 1))[0]
            for c in layout.columns
            if rng.random() < density
        }
    Row.objects.bulk_update(rows, ["scores"], batch_size=500)
