"""An organisation's people as an Excel file (every list taken to a meeting exports to Excel):
the active memberships the "People and roles" page lists, with Swedish headers, the date each role was
given as a date and every text through the formula-injection guard of core.spreadsheets."""

from datetime import date

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from kedja.core.spreadsheets import Column, workbook_bytes

from .models import Organisation

SHEET = "Medlemmar"
COLUMNS = [
    Column("Namn", 30),
    Column("E-post", 32),
    Column("Roll", 26),
    Column("Titel", 24),
    Column("Organisation", 30),
    Column("Sedan", 12, "yyyy-mm-dd"),
]
HEADERS = [c.header for c in COLUMNS]


def active_memberships(organisation: Organisation):
    """The memberships the people page lists, in its order (a deactivated person keeps their row, marked)."""
    return (
        organisation.memberships.filter(is_active=True)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def member_rows(organisation: Organisation) -> list[list]:
    rows = []
    with override("sv"):
        for m in active_memberships(organisation):
            name = str(m.user)
            if not m.user.is_active:
                name = f"{name} ({_('deactivated')})"
            rows.append(
                [
                    name,
                    m.user.email,
                    str(m.get_role_display()),
                    m.title,
                    organisation.name,
                    timezone.localtime(m.created_at).date() if m.created_at else None,
                ]
            )
    return rows


def members_workbook(organisation: Organisation) -> bytes:
    return workbook_bytes([(SHEET, COLUMNS, member_rows(organisation))])


def filename(organisation: Organisation, *, today: date) -> str:
    slug = slugify(organisation.name)[:60].strip("-") or "organisation"
    return f"medlemmar-{slug}-{today.isoformat()}.xlsx"
