"""Loading the reference data in data/ (regions and municipalities of Sweden and Norway). Idempotent:
keyed on (country, kind, official code); a second run changes nothing."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Country, Organisation
from .roles import Kind

DATA_DIR = Path(__file__).parent / "data"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _upsert(
    report: LoadReport, existing: dict, *, country: str, kind: str, code: str, name: str, parent=None
) -> Organisation:
    org = existing.get((country, kind, code))
    if org is None:
        org = Organisation.objects.create(country=country, kind=kind, code=code, name=name, parent=parent)
        report.add("created")
    elif org.name != name or org.parent_id != (parent.pk if parent else None):
        org.name, org.parent = name, parent
        org.save()
        report.add("updated")
    else:
        report.add("unchanged")
    return org


@transaction.atomic
def load_reference_data() -> LoadReport:
    report = LoadReport()
    existing = {
        (o.country, o.kind, o.code): o
        for o in Organisation.objects.filter(kind__in=[Kind.REGION, Kind.MUNICIPALITY]).exclude(code="")
    }
    region_names = {row["county_code"]: row["region_name"] for row in _read("regions_se.csv")}
    regions: dict[tuple[str, str], Organisation] = {}
    se = _read("municipalities_se.csv")
    counties_se = {row["county_code"] for row in se}
    missing = counties_se - region_names.keys()
    if missing:
        raise ValueError(f"regions_se.csv lacks county codes {sorted(missing)}")
    for code in sorted(counties_se):
        regions[("SE", code)] = _upsert(
            report, existing, country=Country.SWEDEN, kind=Kind.REGION, code=code, name=region_names[code]
        )
    for row in se:
        _upsert(
            report,
            existing,
            country=Country.SWEDEN,
            kind=Kind.MUNICIPALITY,
            code=row["code"],
            name=row["name"],
            parent=regions[("SE", row["county_code"])],
        )
    no = _read("municipalities_no.csv")
    for code, name in sorted({(r["county_code"], r["county_name"]) for r in no}):
        regions[("NO", code)] = _upsert(
            report, existing, country=Country.NORWAY, kind=Kind.REGION, code=code, name=name
        )
    for row in no:
        _upsert(
            report,
            existing,
            country=Country.NORWAY,
            kind=Kind.MUNICIPALITY,
            code=row["code"],
            name=row["short_name"] or row["name"],
            parent=regions[("NO", row["county_code"])],
        )
    return report
