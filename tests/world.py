"""The named personas every permission test uses (Healthchecks' alice/bob/charlie, one per role).

`outsider` holds the strongest role (organisation admin) — but in a municipality of another region, so
every "wrong organisation" check is made against someone who would be allowed at home.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from kedja.accounts.models import User
from kedja.organisations.factories import (
    make_member,
    make_municipality,
    make_partner,
    make_region,
    make_unit,
    make_user,
)
from kedja.organisations.models import Invitation, Membership, Organisation, hash_token
from kedja.organisations.roles import Kind, Role

PASSWORD = "correct-horse-battery-9"

PERSONAS = (
    "regional_officer",
    "coordinator",
    "head_of_schools",
    "admin",
    "principal",
    "teacher",
    "reader",
    "partner",
    "outsider",
)


@dataclass
class World:
    region: Organisation
    municipality: Organisation
    administration: Organisation
    school: Organisation
    other_school: Organisation
    partner: Organisation
    other_region: Organisation
    other_municipality: Organisation
    other_school_far: Organisation
    people: dict[str, User] = field(default_factory=dict)

    def membership(self, persona: str) -> Membership:
        return Membership.objects.filter(user=self.people[persona]).order_by("pk").first()


def build_world() -> World:
    region = make_region(name="Region Norr", code="02")
    municipality = make_municipality(region, name="Norrby kommun", code="0299")
    administration = make_unit(municipality, kind=Kind.ADMINISTRATION, name="Norrby utbildningsförvaltning")
    school = make_unit(administration, name="Norrbyskolan")
    other_school = make_unit(administration, name="Granskolan")
    partner = make_partner(name="Teknikföretaget AB")
    other_region = make_region(name="Region Syd", code="11")
    other_municipality = make_municipality(other_region, name="Sydby kommun", code="1199")
    other_school_far = make_unit(other_municipality, name="Sydbyskolan")
    w = World(
        region,
        municipality,
        administration,
        school,
        other_school,
        partner,
        other_region,
        other_municipality,
        other_school_far,
    )
    w.people = {
        "regional_officer": make_member(region, Role.REGIONAL_OFFICER, make_user(full_name="Rut Region")),
        "coordinator": make_member(
            municipality, Role.MUNICIPAL_COORDINATOR, make_user(full_name="Sara Samordnare")
        ),
        "head_of_schools": make_member(
            administration, Role.HEAD_OF_SCHOOLS, make_user(full_name="Stina Skolchef")
        ),
        "admin": make_member(municipality, Role.ORG_ADMIN, make_user(full_name="Anna Admin")),
        "principal": make_member(school, Role.PRINCIPAL, make_user(full_name="Rebecka Rektor")),
        "teacher": make_member(school, Role.TEACHER, make_user(full_name="Lars Lärare")),
        "reader": make_member(municipality, Role.READER, make_user(full_name="Per Politiker")),
        "partner": make_member(partner, Role.PARTNER_CONTACT, make_user(full_name="Petra Partner")),
        "outsider": make_member(other_municipality, Role.ORG_ADMIN, make_user(full_name="Olle Utomstående")),
    }
    return w


def open_invitation(w: World, token: str = "tok-open-invitation-0123456789") -> Invitation:
    """An open invitation to the school, with a known token."""
    return Invitation.objects.create(
        organisation=w.school,
        email="ny.larare@kedja.example",
        full_name="Ny Lärare",
        role=Role.TEACHER,
        token_hash=hash_token(token),
        invited_by=w.people["admin"],
        expires_at=timezone.now() + timedelta(days=7),
    )
