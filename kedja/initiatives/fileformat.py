"""The spreadsheet format of initiatives, shared by the import (imports.py), the template and the export
(exports.py): one header row with Swedish column names (the file format, not interface text, so a file
works whatever language its maker's Kedja speaks) and one initiative per row.

- Coded columns take the value's code or its label, in any of Kedja's languages, case-insensitive;
  several values are separated by ";" or ",".
- The owner is the name or code (municipality code, school-unit code) of an organisation the person may
  register initiatives for.
- Framework items are codes of the shipped STEAM framework's latest published version ("1.a; 2.c").
- Dates are YYYY-MM-DD (or real date cells), numbers whole and 0 or more.
- Columns may come in any order; unknown ones are left out, so an export with its computed columns
  (EXPORT_COLUMNS) imports again.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from .models import EvidenceBase, Funding, Sharing, Stage, TargetGroup

MAX_ROWS = 1000  # a commit saves ~10 ms per row through actions.save_initiative: 1000 rows ≈ 12 s, inside a 30 s worker timeout
DATA_SHEET = "Insatser"
HELP_SHEET = "Förklaringar"


@dataclass(frozen=True)
class Column:
    key: str  # the name in actions.save_initiative's data ("items" for the framework items)
    header: str  # Swedish: the file format
    kind: str  # text, lines, owner, codes, code, items, date, count
    help: str
    required: bool = False
    choices: type | None = None


COLUMNS = [
    Column("name", "Namn", "text", gettext_lazy("At most 200 characters."), required=True),
    Column("description", "Beskrivning", "text", gettext_lazy("At most 5,000 characters.")),
    Column(
        "owner",
        "Ägare (organisation)",
        "owner",
        gettext_lazy(
            "The name or code (municipality code, school-unit code) of an organisation you may register "
            "initiatives for: see the list below."
        ),
        required=True,
    ),
    Column(
        "responsible_function",
        "Ansvarig funktion",
        "text",
        gettext_lazy(
            "The function or role that carries the initiative – not a person. At most 200 characters."
        ),
    ),
    Column(
        "named_people",
        "Namngivna personer",
        "lines",
        gettext_lazy("Names separated by ; or on lines of their own in the cell."),
    ),
    Column(
        "stages",
        "Stadier",
        "codes",
        gettext_lazy("One or more stages, separated by ; or , (label or code, see below)."),
        required=True,
        choices=Stage,
    ),
    Column(
        "target_groups",
        "Målgrupper",
        "codes",
        gettext_lazy("Target groups, separated by ; or , (label or code, see below)."),
        choices=TargetGroup,
    ),
    Column(
        "items",
        "Ramverkspunkter",
        "items",
        gettext_lazy("Codes of the framework items the initiative serves, e.g. 1.a; 2.c (see below)."),
    ),
    Column(
        "partners",
        "Partner",
        "lines",
        gettext_lazy("Partners separated by ; or on lines of their own in the cell."),
    ),
    Column(
        "funding",
        "Finansiering",
        "code",
        gettext_lazy("One value (label or code). Empty: ordinary budget."),
        choices=Funding,
    ),
    Column(
        "funding_ends",
        "Finansiering slutar",
        "date",
        gettext_lazy("A date, YYYY-MM-DD. Needed for project money and external grants."),
    ),
    Column("starts", "Startar", "date", gettext_lazy("A date, YYYY-MM-DD.")),
    Column("ends", "Slutar", "date", gettext_lazy("A date, YYYY-MM-DD, not before the start.")),
    Column("reach_total", "Deltagare totalt", "count", gettext_lazy("A whole number, 0 or more.")),
    Column(
        "reach_girls",
        "Varav flickor/kvinnor",
        "count",
        gettext_lazy("A whole number; girls and boys together at most the participants in all."),
    ),
    Column(
        "reach_boys",
        "Varav pojkar/män",
        "count",
        gettext_lazy("A whole number; girls and boys together at most the participants in all."),
    ),
    Column(
        "reach_other",
        "Varav annat kön",
        "count",
        gettext_lazy("A whole number, only where participants were asked (e.g. non-binary). Optional."),
    ),
    Column(
        "evidence_base",
        "Kunskapsgrund",
        "code",
        gettext_lazy("One value (label or code). Empty: none yet."),
        choices=EvidenceBase,
    ),
    Column(
        "follow_up",
        "Uppföljningsindikator",
        "text",
        gettext_lazy("How the effect is followed up. At most 300 characters."),
    ),
    Column(
        "sharing",
        "Synlighet",
        "code",
        gettext_lazy("Who else sees the initiative (label or code). Empty: my municipality and the region."),
        choices=Sharing,
    ),
]
BY_KEY = {c.key: c for c in COLUMNS}
DEFAULTS = {"funding": Funding.ORDINARY, "evidence_base": EvidenceBase.NONE, "sharing": Sharing.REGION}
# The template's example row: importing it unchanged is refused (imports._parse_row).
EXAMPLE_NAME = "EXEMPEL – Tjejer kodar (ersätt raden med era egna insatser)"

# Computed columns at the end of an export (exports.py): not imported, and no notice about them.
EXPORT_COLUMNS = [
    "Kommun",
    "Aktiv",
    "Robust",
    "Personberoende",
    "Finansiering slutar snart",
    "Saknar kunskapsgrund",
    "Saknar uppföljning",
]


def norm(text: str) -> str:
    """Compared without case, extra spaces or the difference between dashes ("F–3" = "f-3")."""
    return " ".join(str(text).replace("–", "-").replace("—", "-").split()).casefold()


# The computed columns, as imports compares headers.
EXPORT_ONLY = {norm(h) for h in EXPORT_COLUMNS}


def swedish_label(choices, code: str) -> str:
    with translation.override("sv"):
        return str(choices(code).label)


def choice_lookup(choices) -> dict[str, str]:
    """Everything accepted for a coded value: its code and its label in each of Kedja's languages."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup.update({norm(label): value for value, label in choices.choices})
    lookup.update({norm(value): value for value in choices.values})
    return lookup


def split_parts(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
