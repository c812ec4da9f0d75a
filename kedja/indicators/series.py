"""An indicator's values over time as the indicator page and its export show them (docs/indicators.md):
values over time for the municipality, its region (mean of the region's municipalities) and the country,
by gender.

- A Kolada indicator has three series, each by gender (total / women / men) per year, read from the stored
  Kolada values (kolada.KpiValue), never from the network:
  * the indicator's own area: `Indicator.area` when set (a municipality code such as "1880", or a school
    unit's Kolada id), otherwise the organisation's Kolada id (its municipality's code);
  * the region: the unweighted mean over the region's municipalities (those in Kedja's organisation tree
    under the region the organisation belongs to) that have a value for that year and gender, together with
    the number of municipalities the mean rests on — a year where only a few report is visible as such.
    Means are rounded to two decimals. (Kolada's own municipality groups are unweighted means too.)
  * Sweden: Kolada's national figure, area "0000".
- A manual or survey indicator has the organisation's own series only (IndicatorValue).

A fixed number of queries whatever the number of years or municipalities: one for the region's
municipalities, one for the own and national values, one aggregate for the region (Kolada); one for a
manual indicator.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, Max, Q

from kedja.kolada.models import KpiValue
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .kolada_sync import kolada_area
from .models import Gender, Indicator, Source

SWEDEN = "0000"
GENDERS = (Gender.TOTAL, Gender.WOMEN, Gender.MEN)
KOLADA_GENDERS = {
    KpiValue.Gender.TOTAL: Gender.TOTAL,
    KpiValue.Gender.WOMEN: Gender.WOMEN,
    KpiValue.Gender.MEN: Gender.MEN,
}

OWN, REGION, COUNTRY = "own", "region", "country"


@dataclass
class Series:
    """One line: `values[gender][year]`; for the region mean, `counts[gender][year]` is the number of
    municipalities the mean rests on."""

    kind: str  # OWN, REGION or COUNTRY
    name: str  # the organisation's or region's name; empty for Sweden (the page names it)
    code: str = ""  # the Kolada area code(s) it is read from, for the export
    values: dict[str, dict[int, float]] = field(default_factory=dict)
    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def for_gender(self, gender: str) -> dict[int, float]:
        return self.values.get(gender, {})

    @property
    def is_empty(self) -> bool:
        return not any(self.values.values())


@dataclass
class IndicatorSeries:
    indicator: Indicator
    series: list[Series]
    region_size: int = 0  # municipalities of the region in Kedja (the mean's possible maximum)
    fetched_at: datetime | None = None  # the latest fetch of any Kolada value shown

    @property
    def own(self) -> Series:
        return self.series[0]

    def get(self, kind: str) -> Series | None:
        return next((s for s in self.series if s.kind == kind), None)

    @property
    def years(self) -> list[int]:
        return sorted({y for s in self.series for values in s.values.values() for y in values})

    @property
    def genders(self) -> list[str]:
        """The genders any series has a value for, in the order total, women, men."""
        return [g for g in GENDERS if any(s.values.get(g) for s in self.series)]

    @property
    def is_kolada(self) -> bool:
        return self.indicator.source == Source.KOLADA

    def totals(self) -> dict[int, float]:
        """The own series' totals: what the status rule judges."""
        return dict(self.own.for_gender(Gender.TOTAL))


def own_area(indicator: Indicator) -> tuple[str, str]:
    """(Kolada area type, area code) of the indicator's own series: `Indicator.area`, else the
    organisation's Kolada id (kolada_sync.kolada_area: a school unit uses its municipality's). A four-digit
    code is a municipality (or region/country), anything else a school unit (Kolada "ou")."""
    code = (indicator.area or kolada_area(indicator.organisation) or "").strip()
    if len(code) == 4 and code.isdigit():
        return KpiValue.AreaType.MUNICIPALITY, code
    return KpiValue.AreaType.OU, code


def region_municipalities(organisation: Organisation) -> tuple[str, list[str]]:
    """(region name, municipality codes) of the region `organisation` belongs to (itself, or an ancestor);
    ("", []) outside a region. One query."""
    rows = list(
        Organisation.objects.filter(
            kind=Kind.MUNICIPALITY,
            is_active=True,
            parent__kind=Kind.REGION,
            parent_id__in=organisation.ancestor_ids(),
        )
        .exclude(code="")
        .values_list("parent__name", "code")
        .order_by("code")
    )
    if not rows:
        return "", []
    return rows[0][0], [code for _name, code in rows]


def _put(series: Series, gender: str, year: int, value: float) -> None:
    series.values.setdefault(gender, {})[year] = value


def kolada_series(indicator: Indicator) -> IndicatorSeries:
    organisation = indicator.organisation
    area_type, code = own_area(indicator)
    region_name, codes = region_municipalities(organisation)
    own = Series(OWN, organisation.name, code)
    region = Series(REGION, region_name, ", ".join(codes))
    country = Series(COUNTRY, "", SWEDEN)
    fetched: list[datetime] = []
    # No ordering (the model's default joins Kpi and sorts); both reads use the unique index's prefix
    # (kpi, area type, area code).
    stored = KpiValue.objects.filter(kpi_id=indicator.kolada_kpi, value__isnull=False).order_by()

    if code and area_type == KpiValue.AreaType.MUNICIPALITY:
        wanted = Q(area_type=area_type, area_code__in=[SWEDEN, code])
    else:
        wanted = Q(area_type=KpiValue.AreaType.MUNICIPALITY, area_code=SWEDEN)
        if code:
            wanted |= Q(area_type=area_type, area_code=code)
    for kind, area, year, gender, value, at in stored.filter(wanted).values_list(
        "area_type", "area_code", "period", "gender", "value", "fetched_at"
    ):
        gender = KOLADA_GENDERS[gender]
        if kind == area_type and area == code:
            _put(own, gender, year, value)
        if kind == KpiValue.AreaType.MUNICIPALITY and area == SWEDEN:
            _put(country, gender, year, value)
        fetched.append(at)

    if codes:
        means = (
            stored.filter(area_type=KpiValue.AreaType.MUNICIPALITY, area_code__in=codes)
            .values("period", "gender")
            .annotate(mean=Avg("value"), n=Count("id"), at=Max("fetched_at"))
            .order_by()
        )
        for row in means:
            gender = KOLADA_GENDERS[row["gender"]]
            _put(region, gender, row["period"], round(row["mean"], 2))
            region.counts.setdefault(gender, {})[row["period"]] = row["n"]
            fetched.append(row["at"])

    series = [own]
    if codes:
        series.append(region)
    series.append(country)
    return IndicatorSeries(
        indicator, series, region_size=len(codes), fetched_at=max(fetched) if fetched else None
    )


def manual_series(indicator: Indicator) -> IndicatorSeries:
    own = Series(OWN, indicator.organisation.name)
    for year, gender, value in indicator.values.values_list("period", "gender", "value"):
        _put(own, gender, year, value)
    return IndicatorSeries(indicator, [own])


def indicator_series(indicator: Indicator) -> IndicatorSeries:
    """The series the indicator page and its export show (this module's docstring)."""
    if indicator.source == Source.KOLADA and indicator.kolada_kpi:
        return kolada_series(indicator)
    return manual_series(indicator)


def counted_totals(indicator: Indicator) -> dict[int, float]:
    """The indicator's total values by year from its prefetched `values` (no query), from its one source:
    a Kolada indicator's only from Kolada (kolada_sync copies the same figures the indicator page reads),
    so the goals list, the documents and the indicator page show the same latest value."""
    kolada = indicator.source == Source.KOLADA
    return {
        v.period: v.value
        for v in indicator.values.all()
        if v.gender == Gender.TOTAL and (not kolada or v.source == Source.KOLADA)
    }
