"""Transitions between stages (framework area 7b; docs/indicators.md, "Transitions between stages"): a chain
of Kolada shares from year-9 results through upper-secondary eligibility, programme choice and completion to
adult education, for a municipality against its region and Sweden, split by gender — and where the chain loses
most.

Plain functions; the view only renders what `chain_report` returns.

- The chain: the organisation's chosen chain (TransitionChain) or the shipped default
  (data/transitions_default.yaml). Steps are referred to by a stable key.
- The figures: the municipality's own Kolada value; the region as the plain mean of its municipalities'
  values (every municipality of the county, i.e. each 4-digit Kolada code starting with the municipality's
  two-digit county code, that has a value; n says how many); Sweden as Kolada's "0000".
- The year: asked for (if the municipality has values that year), else the latest year in which the municipality has a value for every step, else the
  latest year with any value for a step.
- The drop between consecutive steps is `earlier − later` in percentage points (positive: the chain
  loses). A step without a value has "no data"; the drops on either side of it are not computed (never
  bridged over the gap) and the report names the missing steps.
- The largest drop is the transition with the greatest positive drop for the municipality; equal drops
  (within 0.005 points, below the two decimals shown) are all named. "Worse than the region" lists the
  transitions where the municipality drops more than the region's mean does, the worst first.
"""

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.core.texts import pick
from kedja.kolada.models import Kpi, KpiValue
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .models import TransitionChain

DEFAULT_FILE = Path(__file__).parent / "data" / "transitions_default.yaml"
COUNTRY = "0000"
GENDERS = ("T", "K", "M")
TIE = 0.005  # drops closer than this are equal: the page shows two decimals
KPI_ID = re.compile(r"[A-Z]\d{5}")


@dataclass(frozen=True)
class Step:
    key: str
    label: dict
    kpi: str
    cohort_share: bool = False

    @property
    def label_text(self) -> str:
        return pick(self.label)


@lru_cache(maxsize=1)
def default_steps() -> tuple[Step, ...]:
    """The shipped default chain, checked: unique keys, a KPI id and a Swedish label on every step."""
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    steps = tuple(
        Step(key=s["key"], label=dict(s["label"]), kpi=s["kpi"], cohort_share=bool(s.get("cohort_share")))
        for s in data["steps"]
    )
    keys = [s.key for s in steps]
    if len(set(keys)) != len(keys) or not all(KPI_ID.fullmatch(s.kpi) and s.label.get("sv") for s in steps):
        raise ValueError(f"{DEFAULT_FILE}: every step needs a unique key, a KPI id and a Swedish label")
    return steps


def _step_from_stored(raw: dict) -> Step:
    default = {s.key: s for s in default_steps()}.get(raw.get("key"))
    label = raw.get("label") or (default.label if default else {"sv": raw.get("key", "")})
    # Whether the share is of the cohort is a property of the default step's KPI; another KPI is not known to be.
    cohort = bool(default and default.kpi == raw.get("kpi") and default.cohort_share)
    return Step(
        key=raw["key"],
        label=label if isinstance(label, dict) else {"sv": label},
        kpi=raw["kpi"],
        cohort_share=cohort,
    )


def chain_for(org: Organisation) -> tuple[list[Step], TransitionChain | None]:
    """The organisation's steps (its chosen chain, else the default) and its stored row, if any."""
    row = TransitionChain.objects.filter(organisation=org).first()
    if row is None or not row.steps:
        return list(default_steps()), row
    return [_step_from_stored(s) for s in row.steps], row


def is_default(steps: list[Step]) -> bool:
    return [(s.key, s.kpi) for s in steps] == [(s.key, s.kpi) for s in default_steps()]


# --- writes ----------------------------------------------------------------------------------------------


def check_kpi(raw: str) -> tuple[str, str | None]:
    """(normalised id, reason it cannot be used or None). A step needs a catalogue KPI given as a share (%),
    so drops can be measured in percentage points."""
    kpi_id = (raw or "").strip().upper()
    if not kpi_id:
        return kpi_id, _("Give a Kolada KPI id, e.g. N15425.")
    kpi = Kpi.objects.filter(pk=kpi_id).first()
    if kpi is None:
        return kpi_id, _(
            "%(id)s is not in the KPI catalogue. Check the id, or add it to the catalogue first."
        ) % {"id": kpi_id}
    if "%" not in kpi.title:
        return kpi_id, _("%(id)s is not a share (%%), so a drop cannot be measured in percentage points.") % {
            "id": kpi_id
        }
    return kpi_id, None


@transaction.atomic
def save_chain(org: Organisation, kpis: dict[str, str], *, by, expected_version: int) -> TransitionChain:
    """Set the KPI of the chain's steps ({step key: KPI id}; steps not named keep theirs). All or nothing:
    ValidationError {step key: reason} for an unknown or unusable id; EditConflict when someone else saved
    the chain since `expected_version`."""
    steps, _row = chain_for(org)
    known = {s.key for s in steps}
    errors, wanted = {}, {}
    for key, raw in kpis.items():
        if key not in known:
            errors[key] = _("This step is not part of the chain.")
            continue
        kpi_id, reason = check_kpi(raw)
        if reason:
            errors[key] = reason
        wanted[key] = kpi_id
    if errors:
        raise ValidationError(errors)
    new_steps = [{"key": s.key, "label": s.label, "kpi": wanted.get(s.key, s.kpi)} for s in steps]
    if [(s["key"], s["kpi"]) for s in new_steps] == [(s.key, s.kpi) for s in default_steps()]:
        new_steps = []  # the default again: follow the shipped file
    row = _save(org, new_steps, by=by, expected_version=expected_version)
    record_event(
        "transitions.chain_changed", by=by, organisation=org, steps={s["key"]: s["kpi"] for s in new_steps}
    )
    return row


@transaction.atomic
def reset_chain(org: Organisation, *, by, expected_version: int) -> TransitionChain:
    """Back to the shipped default chain (EditConflict as save_chain)."""
    row = _save(org, [], by=by, expected_version=expected_version)
    record_event("transitions.chain_reset", by=by, organisation=org)
    return row


def _save(org, steps: list[dict], *, by, expected_version: int) -> TransitionChain:
    row, _created = TransitionChain.objects.get_or_create(organisation=org)
    row.steps, row.updated_by = steps, by
    save_versioned(
        row, expected_version=expected_version, update_fields=["steps", "updated_by", "updated_at"]
    )
    return row


# --- places ----------------------------------------------------------------------------------------------


def municipality_of(org: Organisation) -> Organisation | None:
    """The municipality the organisation is or belongs to (a school's, an administration's)."""
    if org.kind == Kind.MUNICIPALITY:
        return org
    return (
        Organisation.objects.filter(pk__in=org.ancestor_ids(), kind=Kind.MUNICIPALITY)
        .order_by("-path")
        .first()
    )


def kolada_code(municipality: Organisation) -> str | None:
    """The 4-digit Swedish municipality code Kolada uses, or None (no code, or not Swedish)."""
    code = (municipality.code or "").strip()
    if municipality.country != "SE" or not re.fullmatch(r"\d{4}", code):
        return None
    return code


def county_codes(county: str, codes) -> list[str]:
    """The municipality codes among `codes` that belong to the two-digit county."""
    return sorted(c for c in codes if len(c) == 4 and c.isdigit() and c.startswith(county) and c != COUNTRY)


# --- the computation (pure) ------------------------------------------------------------------------------


def mean(values) -> tuple[float | None, int]:
    found = [v for v in values if v is not None and math.isfinite(v)]
    return (sum(found) / len(found), len(found)) if found else (None, 0)


def drop(earlier: float | None, later: float | None) -> float | None:
    """Percentage points lost from one step to the next (negative: a rise); None without both values."""
    if earlier is None or later is None:
        return None
    return earlier - later


def largest(drops: list[float | None]) -> list[int]:
    """Indexes of the largest positive drop (all of them when tied); [] when nothing drops."""
    present = [d for d in drops if d is not None]
    if not present or max(present) <= 0:
        return []
    top = max(present)
    return [i for i, d in enumerate(drops) if d is not None and top - d < TIE]


def worse_than(own: list[float | None], other: list[float | None]) -> list[int]:
    """Indexes where `own` drops more than `other` (by at least TIE), the greatest excess first."""
    excess = [
        (o - r, i) for i, (o, r) in enumerate(zip(own, other, strict=True)) if o is not None and r is not None
    ]
    return [i for e, i in sorted(excess, key=lambda t: (-t[0], t[1])) if e >= TIE]


# --- the report -----------------------------------------------------------------------------------------


@dataclass
class StepRow:
    step: Step
    kpi_title: str
    municipality: float | None
    region: float | None
    region_n: int
    country: float | None


@dataclass
class Transition:
    index: int
    earlier: Step
    later: Step
    municipality: float | None
    region: float | None
    country: float | None
    missing: list[Step] = field(default_factory=list)  # steps without the municipality's value

    @property
    def comparable(self) -> bool:
        """Both steps are shares of the same year group; otherwise the drop is only indicative."""
        return self.earlier.cohort_share and self.later.cohort_share

    @property
    def vs_region(self) -> float | None:
        return None if self.municipality is None or self.region is None else self.municipality - self.region

    @property
    def vs_country(self) -> float | None:
        return None if self.municipality is None or self.country is None else self.municipality - self.country


@dataclass
class GenderChain:
    gender: str
    rows: list[StepRow]
    transitions: list[Transition]
    largest: list[Transition]
    region_largest: list[Transition]
    country_largest: list[Transition]
    worse_than_region: list[Transition]
    worse_than_country: list[Transition]

    @property
    def missing_steps(self) -> list[Step]:
        return [r.step for r in self.rows if r.municipality is None]

    @property
    def has_data(self) -> bool:
        return any(r.municipality is not None for r in self.rows)


@dataclass
class ChainReport:
    municipality: Organisation | None
    region: Organisation | None
    steps: list[Step]
    year: int | None
    years: list[int]
    region_codes: list[str] = field(default_factory=list)
    genders: dict[str, GenderChain] = field(default_factory=dict)

    @property
    def missing_kpis(self) -> list[str]:
        """The chain's KPIs the municipality has no stored value for in the year (total), for a fetch."""
        total = self.genders.get("T")
        if total is None:
            return [s.kpi for s in self.steps]
        return [r.step.kpi for r in total.rows if r.municipality is None]

    @property
    def has_data(self) -> bool:
        return any(g.has_data for g in self.genders.values())


def years_with_data(kpi_ids: list[str], code: str) -> dict[int, set[str]]:
    """{year: KPIs with a total value for the municipality that year}."""
    found: dict[int, set[str]] = {}
    rows = KpiValue.objects.filter(
        kpi_id__in=kpi_ids,
        area_type=KpiValue.AreaType.MUNICIPALITY,
        area_code=code,
        gender="T",
        value__isnull=False,
    ).values_list("period", "kpi_id")
    for period, kpi_id in rows:
        found.setdefault(period, set()).add(kpi_id)
    return found


def pick_year(by_year: dict[int, set[str]], kpi_ids: list[str]) -> int | None:
    """The latest year with a value for every step, else the latest year with any."""
    complete = [y for y, kpis in by_year.items() if set(kpi_ids) <= kpis]
    if complete:
        return max(complete)
    return max(by_year) if by_year else None


def chain_report(
    org: Organisation, *, year: int | None = None, steps: list[Step] | None = None
) -> ChainReport:
    """Everything the transitions view shows, for the organisation's municipality (two queries)."""
    if steps is None:
        steps, _row = chain_for(org)
    municipality = municipality_of(org)
    region = municipality.region() if municipality else None
    code = kolada_code(municipality) if municipality else None
    kpi_ids = list(dict.fromkeys(s.kpi for s in steps))
    if code is None:
        return ChainReport(municipality, region, steps, None, [])
    by_year = years_with_data(kpi_ids, code)
    years = sorted(by_year, reverse=True)
    if year not in by_year:  # not asked for, or a year without the municipality's values: the default
        year = pick_year(by_year, kpi_ids)
    report = ChainReport(municipality, region, steps, year, years)
    if year is None:
        report.genders = {g: _gender_chain(g, steps, {}, {}, {}, {}) for g in GENDERS}
        return report
    county = code[:2]
    values: dict[tuple[str, str, str], float | None] = {}
    rows = KpiValue.objects.filter(
        Q(area_code=COUNTRY) | Q(area_code__startswith=county),
        kpi_id__in=kpi_ids,
        area_type=KpiValue.AreaType.MUNICIPALITY,
        period=year,
    ).values_list("kpi_id", "area_code", "gender", "value")
    for kpi_id, area, gender, value in rows:
        values[(kpi_id, area, gender)] = value
    report.region_codes = county_codes(county, {area for _k, area, _g in values})
    titles = dict(Kpi.objects.filter(pk__in=kpi_ids).values_list("pk", "title"))
    for gender in GENDERS:
        own = {k: values.get((k, code, gender)) for k in kpi_ids}
        country = {k: values.get((k, COUNTRY, gender)) for k in kpi_ids}
        regional = {k: mean(values.get((k, c, gender)) for c in report.region_codes) for k in kpi_ids}
        report.genders[gender] = _gender_chain(gender, steps, own, regional, country, titles)
    return report


def _gender_chain(gender, steps, own, regional, country, titles) -> GenderChain:
    rows = [
        StepRow(
            step=s,
            kpi_title=titles.get(s.kpi, ""),
            municipality=own.get(s.kpi),
            region=regional.get(s.kpi, (None, 0))[0],
            region_n=regional.get(s.kpi, (None, 0))[1],
            country=country.get(s.kpi),
        )
        for s in steps
    ]
    transitions = [
        Transition(
            index=i,
            earlier=a.step,
            later=b.step,
            municipality=drop(a.municipality, b.municipality),
            region=drop(a.region, b.region),
            country=drop(a.country, b.country),
            missing=[r.step for r in (a, b) if r.municipality is None],
        )
        for i, (a, b) in enumerate(zip(rows, rows[1:], strict=False))
    ]
    own_drops = [t.municipality for t in transitions]
    region_drops = [t.region for t in transitions]
    country_drops = [t.country for t in transitions]
    return GenderChain(
        gender=gender,
        rows=rows,
        transitions=transitions,
        largest=[transitions[i] for i in largest(own_drops)],
        region_largest=[transitions[i] for i in largest(region_drops)],
        country_largest=[transitions[i] for i in largest(country_drops)],
        worse_than_region=[transitions[i] for i in worse_than(own_drops, region_drops)],
        worse_than_country=[transitions[i] for i in worse_than(own_drops, country_drops)],
    )
