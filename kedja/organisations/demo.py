"""The demo world (issue: demo data): two real regions with real municipalities, a few school units,
a partner and one person per role with a known password. Refused in production."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from kedja.accounts import second_factor
from kedja.accounts.models import User

from .factories import make_unit
from .models import Country, Membership, Organisation
from .reference import load_reference_data
from .roles import Kind, Role

DEMO_PASSWORD = "Kedja-demo-2026"
DEMO_DOMAIN = "kedja.example"
# The demo's principal and teacher have a second factor (TOTP) with this known secret, so that anyone trying
# the demo can produce codes (any authenticator app, or docs/security.md). Development only: never in
# production, where DEMO_ALLOWED refuses the whole demo.
DEMO_TOTP_SECRET = "NNSWI2TBFVSGK3LPFV2G65DQFUZDAMRW"  # base32 of b"kedja-demo-totp-2026"
DEMO_TOTP_KEY_HEX = "6b65646a612d64656d6f2d746f74702d32303236"
DEMO_SECOND_FACTOR = ("rektor", "larare")

# region county code -> municipalities (real codes) -> demo school units (invented names, no real codes)
WORLD = {
    "18": {
        "1880": ["Björkskolan", "Hagaskolan"],
        "1883": ["Tallbackaskolan"],
        "1860": ["Laxå centralskola (demo)"],
    },
    "12": {
        "1280": ["Rosengårdsskolan (demo)", "Ekskolan"],
        "1283": ["Sundsskolan"],
        "1281": ["Kunskapsskolan Lund (demo)"],
    },
}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    memberships: tuple[tuple[str, str], ...]  # (organisation key, role)


PEOPLE = (
    DemoPerson("regionutvecklare", "Rut Regionsson", (("region:18", Role.REGIONAL_OFFICER),)),
    DemoPerson("region.skane", "Sven Skåning", (("region:12", Role.REGIONAL_OFFICER),)),
    DemoPerson(
        "samordnare",
        "Sara Samordnare",
        (("municipality:1880", Role.MUNICIPAL_COORDINATOR), ("region:18", Role.READER)),
    ),
    DemoPerson("skolchef", "Stina Skolchef", (("admin:1880", Role.HEAD_OF_SCHOOLS),)),
    DemoPerson("kvalitet", "Kalle Kvalitet", (("admin:1880", Role.QUALITY_DEVELOPER),)),
    DemoPerson("rektor", "Rebecka Rektor", (("unit:1880:0", Role.PRINCIPAL),)),
    DemoPerson("larare", "Lars Lärare", (("unit:1880:0", Role.TEACHER),)),
    DemoPerson("politiker", "Per Politiker", (("municipality:1880", Role.READER),)),
    DemoPerson("partner", "Petra Partner", (("partner", Role.PARTNER_CONTACT),)),
    DemoPerson("admin", "Anna Admin", (("municipality:1880", Role.ORG_ADMIN),)),
)


def _unit(parent: Organisation, name: str, kind: str) -> Organisation:
    existing = Organisation.objects.filter(parent=parent, name=name, kind=kind).first()
    return existing or make_unit(parent, kind=kind, name=name)


@transaction.atomic
def build_demo(people: dict | None = None) -> list[tuple[str, str, str]]:
    """Create (or bring back) the demo world; returns (e-mail, password, roles) for each demo person.
    `people`, if given, is filled with {local part of the e-mail: User} for later steps of the demo."""
    if not settings.DEMO_ALLOWED:
        raise ImproperlyConfigured("Demo data is refused in production (KEDJA_ENV=production).")
    load_reference_data()
    orgs: dict[str, Organisation] = {}
    for county, municipalities in WORLD.items():
        region = Organisation.objects.get(country=Country.SWEDEN, kind=Kind.REGION, code=county)
        orgs[f"region:{county}"] = region
        for code, units in municipalities.items():
            municipality = Organisation.objects.get(country=Country.SWEDEN, kind=Kind.MUNICIPALITY, code=code)
            orgs[f"municipality:{code}"] = municipality
            administration = _unit(
                municipality, f"Utbildningsförvaltningen {municipality.name}", Kind.ADMINISTRATION
            )
            orgs[f"admin:{code}"] = administration
            for i, unit_name in enumerate(units):
                orgs[f"unit:{code}:{i}"] = _unit(administration, unit_name, Kind.SCHOOL_UNIT)
    partner = Organisation.objects.filter(kind=Kind.PARTNER, name="Teknikcentrum Bergslagen (demo)").first()
    orgs["partner"] = partner or Organisation.objects.create(
        kind=Kind.PARTNER, name="Teknikcentrum Bergslagen (demo)", email=f"kontakt@{DEMO_DOMAIN}"
    )

    logins = []
    for person in PEOPLE:
        email = f"{person.email}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name, user.is_active = person.name, True
        user.set_password(DEMO_PASSWORD)
        user.save()
        for key, role in person.memberships:
            Membership.objects.update_or_create(
                user=user, organisation=orgs[key], role=role, defaults={"is_active": True}
            )
        if person.email in DEMO_SECOND_FACTOR:
            second_factor.install(user, key_hex=DEMO_TOTP_KEY_HEX)
        if people is not None:
            people[person.email] = user
        roles = ", ".join(f"{Role(role).label} – {orgs[key]}" for key, role in person.memberships)
        logins.append((email, DEMO_PASSWORD, roles))
    staff = User.objects.filter(email=f"drift@{DEMO_DOMAIN}").first() or User(email=f"drift@{DEMO_DOMAIN}")
    staff.full_name, staff.is_staff, staff.is_superuser, staff.is_active = (
        "Drift (Django admin)",
        True,
        True,
        True,
    )
    staff.set_password(DEMO_PASSWORD)
    staff.save()
    logins.append((staff.email, DEMO_PASSWORD, "Django admin (staff)"))
    return logins
