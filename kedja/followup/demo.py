"""The demo school's mid-term follow-up: groups 7A, 7B and 8A with 20–28 invented students each
(the demo teacher teaches 7A and is mentor of 7B), last spring's round (closed) and the current autumn
round, both filled with plausible scores, and the municipality's question sets. Idempotent: run again, it
leaves an existing demo follow-up alone."""

import random

from django.db import transaction
from django.utils import timezone

from kedja.organisations.models import Membership
from kedja.organisations.roles import Role

from .actions import analysis_for, ensure_scheme, municipality_of, open_round
from .factories import fill_round
from .models import Gender, Round, Row, Student, StudentGroup, Term

GIRLS = ["Alva", "Elsa", "Maja", "Saga", "Ella", "Wilma", "Ebba", "Selma", "Astrid", "Nora", "Leah", "Amira"]
BOYS = ["Noah", "Hugo", "Liam", "William", "Elias", "Lucas", "Oscar", "Adam", "Ali", "Viktor", "Theo", "Sam"]
FAMILY = [
    "Andersson", "Berg", "Ek", "Lind", "Nilsson", "Holm", "Sjöberg", "Åberg", "Öst", "Karimi", "Hassan",
    "Johansson", "Lundqvist", "Strand", "Virtanen", "Nowak", "Haddad", "Persson", "Dahl", "Wikström",
]  # fmt: skip
GROUPS = (("7A", 7, 24), ("7B", 7, 22), ("8A", 8, 27))


@transaction.atomic
def build_followup_demo(people: dict) -> None:
    principal, teacher = people.get("rektor"), people.get("larare")
    if principal is None or teacher is None:
        return
    membership = Membership.objects.filter(user=principal, role=Role.PRINCIPAL).select_related("organisation")
    unit = membership.first().organisation if membership.exists() else None
    if unit is None or StudentGroup.objects.filter(school_unit=unit).exists():
        return
    rng = random.Random(2026)
    ensure_scheme(municipality_of(unit), by=principal)
    for name, year, count in GROUPS:
        group = StudentGroup.objects.create(
            school_unit=unit,
            name=name,
            school_year=year,
            mentor=teacher if name == "7B" else principal if name == "8A" else None,
        )
        if name == "7A":
            group.teachers.add(teacher)
        students = []
        for n in range(count):
            girl = rng.random() < 0.5
            students.append(
                Student(
                    school_unit=unit,
                    given_name=rng.choice(GIRLS if girl else BOYS),
                    family_name=rng.choice(FAMILY),
                    gender=Gender.OTHER if rng.random() < 0.03 else Gender.GIRL if girl else Gender.BOY,
                    local_ref=f"DEMO-{name}-{n + 1:02d}",
                )
            )
        group.students.add(*Student.objects.bulk_create(students))
    this_year = timezone.localdate().year
    spring = open_round(unit, term=Term.SPRING, year=this_year, by=principal)
    fill_round(spring, seed=11, density=1.0)
    spring.status = Round.Status.CLOSED
    spring.save(update_fields=["status"])
    autumn = open_round(unit, term=Term.AUTUMN, year=this_year, by=principal)
    fill_round(autumn, seed=12, density=1.0)
    # the autumn round is under way: about one student in six still has columns to score
    unfinished = [row for n, row in enumerate(autumn.rows.order_by("pk")) if n % 6 == 0]
    for n, row in enumerate(unfinished):
        for code in list(row.scores)[n % 5 : n % 5 + 3 + n % 7]:
            row.scores.pop(code)
    Row.objects.bulk_update(unfinished, ["scores"])
    analysis = analysis_for(spring, None, "principal")
    analysis.answers = {
        "results": "Flest elever ligger på grön nivå; 8A har fler elever på orange och röd nivå än 7A och 7B.",
        "actions": "Extra studietid i matematik för 8A och samtal med elevhälsan om närvaron.",
    }
    analysis.save(update_fields=["answers"])
