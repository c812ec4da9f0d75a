"""The roles a membership can carry and where each one belongs in the tree (docs/domain.md, "People and
organisations")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    ADMINISTRATION = "administration", _("Administration")
    SCHOOL_UNIT = "school_unit", _("School unit")
    PARTNER = "partner", _("Partner organisation")


class Role(models.TextChoices):
    REGIONAL_OFFICER = "regional_officer", _("Regional officer")
    MUNICIPAL_COORDINATOR = "municipal_coordinator", _("STEAM coordinator")
    HEAD_OF_SCHOOLS = "head_of_schools", _("Head of schools")
    QUALITY_DEVELOPER = "quality_developer", _("Quality developer")
    PRINCIPAL = "principal", _("Principal")
    TEACHER = "teacher", _("Teacher")
    READER = "reader", _("Politician / reader")
    PARTNER_CONTACT = "partner_contact", _("Partner contact")
    ORG_ADMIN = "org_admin", _("Organisation admin")


# Which roles make sense at which kind of organisation. An invitation or role change outside this is refused.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.REGION: (Role.REGIONAL_OFFICER, Role.READER, Role.ORG_ADMIN),
    Kind.MUNICIPALITY: (
        Role.MUNICIPAL_COORDINATOR,
        Role.HEAD_OF_SCHOOLS,
        Role.QUALITY_DEVELOPER,
        Role.READER,
        Role.ORG_ADMIN,
    ),
    Kind.ADMINISTRATION: (
        Role.MUNICIPAL_COORDINATOR,
        Role.HEAD_OF_SCHOOLS,
        Role.QUALITY_DEVELOPER,
        Role.READER,
        Role.ORG_ADMIN,
    ),
    Kind.SCHOOL_UNIT: (Role.PRINCIPAL, Role.TEACHER, Role.ORG_ADMIN),
    Kind.PARTNER: (Role.PARTNER_CONTACT, Role.ORG_ADMIN),
}

# Roles that lead an organisation: they see its people and everything below it.
LEADING_ROLES = frozenset(
    {
        Role.REGIONAL_OFFICER,
        Role.MUNICIPAL_COORDINATOR,
        Role.HEAD_OF_SCHOOLS,
        Role.QUALITY_DEVELOPER,
        Role.PRINCIPAL,
        Role.ORG_ADMIN,
    }
)


def roles_for_kind(kind: str) -> tuple[str, ...]:
    return ROLES_BY_KIND.get(kind, ())
