"""Plain factory functions (docs/adding-a-feature.md): tests and the demo command build data with the same
code."""

import itertools

from kedja.accounts.models import User

from .models import Country, Membership, Organisation
from .roles import Kind

_seq = itertools.count(1)


def make_region(**overrides) -> Organisation:
    n = next(_seq)
    values = {"kind": Kind.REGION, "name": f"Region {n}", "code": f"9{n:03d}"[-4:], "country": Country.SWEDEN}
    values.update(overrides)
    return Organisation.objects.create(**values)


def make_municipality(region: Organisation | None = None, **overrides) -> Organisation:
    n = next(_seq)
    region = region or make_region()
    values = {"kind": Kind.MUNICIPALITY, "name": f"Kommun {n}", "parent": region, "country": region.country}
    values.update(overrides)
    return Organisation.objects.create(**values)


def make_unit(
    parent: Organisation | None = None, *, kind: str = Kind.SCHOOL_UNIT, **overrides
) -> Organisation:
    n = next(_seq)
    parent = parent or make_municipality()
    values = {"kind": kind, "name": f"Enhet {n}", "parent": parent, "country": parent.country}
    values.update(overrides)
    return Organisation.objects.create(**values)


def make_partner(**overrides) -> Organisation:
    n = next(_seq)
    values = {"kind": Kind.PARTNER, "name": f"Partner {n}"}
    values.update(overrides)
    return Organisation.objects.create(**values)


def make_user(email: str | None = None, *, password: str = "correct-horse-battery-9", **overrides) -> User:
    n = next(_seq)
    values = {"full_name": f"Person {n}"}
    values.update(overrides)
    return User.objects.create_user(email or f"person{n}@kedja.example", password, **values)


def make_member(org: Organisation, role: str, user: User | None = None, **overrides) -> User:
    user = user or make_user()
    Membership.objects.create(user=user, organisation=org, role=role, **overrides)
    return user
