"""Kolada figures into indicators (docs/indicators.md, "Kolada in the UI"): which Kolada areas an
organisation's figures are compared with, what one fetch asks for, and copying stored Kolada values into the
values of the indicators that follow them.

- An organisation's Kolada area is its municipality's code ("1880"); a school unit or an administration
  uses the municipality above it; a region is "00" + its county code ("0018"), as Kolada numbers regions
  (docs/indicators.md, "KPIs and areas"). Norwegian organisations have none.
- A fetch for an area asks for the area itself, every municipality of its county (the region's series on
  the indicator page is their mean) and Sweden ("0000"), for the last twelve finished years.
- Syncing copies each stored value (T/K/M → total/women/men) into IndicatorValue with source "kolada":
  a revised figure overwrites the copy, and a figure Kolada no longer gives (null or deleted) removes it.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kedja.kolada.models import KpiValue
from kedja.organisations.models import Country, Organisation
from kedja.organisations.reference import DATA_DIR
from kedja.organisations.roles import Kind

from .models import Gender, Indicator, IndicatorValue, Source

SWEDEN = "0000"
YEARS = 12
GENDERS = {"T": Gender.TOTAL, "K": Gender.WOMEN, "M": Gender.MEN}

_counties: dict[str, list[str]] | None = None


def county_municipalities() -> dict[str, list[str]]:
    """County code → the Kolada ids of its municipalities (organisations/data/municipalities_se.csv; its
    290 codes are Kolada's municipality ids, docs/indicators.md, "KPIs and areas")."""
    global _counties
    if _counties is None:
        found: dict[str, list[str]] = defaultdict(list)
        with open(DATA_DIR / "municipalities_se.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                found[row["county_code"]].append(row["code"])
        _counties = dict(found)
    return _counties


def kolada_area(org: Organisation) -> str | None:
    """The organisation's Kolada id, or None when it has none (Norway, a partner, no official code)."""
    if org.country != Country.SWEDEN:
        return None
    if org.kind == Kind.REGION:
        return f"00{org.code}" if len(org.code) == 2 else None
    if org.kind == Kind.MUNICIPALITY:
        return org.code or None
    if org.kind in (Kind.ADMINISTRATION, Kind.SCHOOL_UNIT):
        municipality = (
            Organisation.objects.filter(pk__in=org.ancestor_ids(), kind=Kind.MUNICIPALITY)
            .exclude(code="")
            .first()
        )
        return municipality.code if municipality else None
    return None


def comparison_areas(area: str) -> list[str]:
    """The area, the municipalities of its county and Sweden — what a fetch for `area` asks Kolada for."""
    county = area[2:] if area.startswith("00") else area[:2]
    codes = {area, SWEDEN, *county_municipalities().get(county, [])}
    return sorted(codes)


def fetch_years(today=None) -> list[int]:
    """The last twelve finished years (Kolada publishes a year's figures during the next year)."""
    year = (today or timezone.localdate()).year
    return list(range(year - YEARS, year))


def followed_kpis(org: Organisation) -> list[str]:
    return sorted(
        set(
            Indicator.objects.filter(organisation=org, source=Source.KOLADA)
            .exclude(kolada_kpi="")
            .values_list("kolada_kpi", flat=True)
        )
    )


def refresh_plan() -> list[tuple[list[str], list[str]]]:
    """Every followed KPI, grouped by the areas its indicators need: [(kpi ids, area codes)], one fetch each.
    Areas sharing a county share one fetch."""
    by_county: dict[str, tuple[set, set]] = {}
    for kpi, area in (
        Indicator.objects.filter(source=Source.KOLADA, organisation__is_active=True)
        .exclude(kolada_kpi="")
        .exclude(area="")
        .values_list("kolada_kpi", "area")
        .distinct()
    ):
        areas = comparison_areas(area)
        county = area[2:] if area.startswith("00") else area[:2]
        kpis, codes = by_county.setdefault(county, (set(), set()))
        kpis.add(kpi)
        codes.update(areas)
    return [(sorted(kpis), sorted(codes)) for _county, (kpis, codes) in sorted(by_county.items())]


@transaction.atomic
def sync_indicator(indicator: Indicator) -> int:
    """Copy the stored Kolada values of the indicator's KPI and area into its values; returns the number of
    cells written or removed."""
    from .series import own_area  # the same area as the indicator page's own series

    area_type, code = own_area(indicator)
    if indicator.source != Source.KOLADA or not indicator.kolada_kpi or not code:
        return 0
    stored = {
        (period, GENDERS[gender]): value
        for period, gender, value in KpiValue.objects.filter(
            kpi_id=indicator.kolada_kpi, area_type=area_type, area_code=code
        ).values_list("period", "gender", "value")
    }
    existing = {
        (v.period, v.gender): v
        for v in IndicatorValue.objects.filter(indicator=indicator, source=Source.KOLADA)
    }
    now = timezone.now()
    writes = [
        IndicatorValue(
            indicator=indicator,
            period=period,
            gender=gender,
            value=value,
            source=Source.KOLADA,
            entered_at=now,
        )
        for (period, gender), value in stored.items()
        if value is not None
        and (existing.get((period, gender)) is None or existing[(period, gender)].value != value)
    ]
    gone = [v.pk for key, v in existing.items() if stored.get(key) is None]
    IndicatorValue.objects.bulk_create(
        writes,
        update_conflicts=True,
        unique_fields=["indicator", "period", "gender"],
        update_fields=["value", "source", "note", "entered_by", "entered_at"],
    )
    IndicatorValue.objects.filter(pk__in=gone).delete()
    return len(writes) + len(gone)


def sync_values(kpi_ids: Iterable[str], area_codes: Iterable[str]) -> int:
    """Sync every Kolada indicator that follows one of `kpi_ids` in one of `area_codes`."""
    from .series import own_area

    codes = set(area_codes)
    indicators = Indicator.objects.filter(source=Source.KOLADA, kolada_kpi__in=list(kpi_ids)).select_related(
        "organisation"
    )
    return sum(sync_indicator(i) for i in indicators if own_area(i)[1] in codes)
