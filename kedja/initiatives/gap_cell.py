"""One cell of a municipality's gap analysis (docs/gap-analysis.md): the initiatives behind it (ended ones
too, marked as not counted), why each is not robust, its state from the active ones, and what could close it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from kedja.frameworks.chain import WHOLE
from kedja.frameworks.models import Framework, FrameworkVersion, Node
from kedja.organisations.models import Organisation

from . import gap_evidence
from .gap_report import (
    AREA,
    EXAMPLES_PER_CELL,
    RISK_LABELS,
    FromSummary,
    Suggestions,
    area_items,
    cell_items,
    priority_codes,
    priority_round,
    region_examples,
)
from .gaps import CellSummary, build_matrix
from .models import Cell, Funding, Initiative
from .risks import initiative_risks, is_active, person_dependent


@dataclass
class CellInitiative:
    initiative: Initiative
    robust: bool
    active: bool
    reasons: list[str]  # why it is not robust
    risks: list[str]  # every risk flag, as people read it


def fragility_reasons(initiative: Initiative) -> list[str]:
    """Why an initiative is not robust (risks.is_robust): funded by something else than the ordinary
    budget, or person-dependent."""
    reasons = []
    if initiative.funding != Funding.ORDINARY:
        reasons.append(_("Funded by %(funding)s") % {"funding": initiative.get_funding_display().lower()})
    if person_dependent(people=initiative.people(), responsible_function=initiative.responsible_function):
        reasons.append(str(RISK_LABELS["person_dependent"]))
    return reasons


@dataclass
class CellDetail(FromSummary):
    municipality: Organisation
    framework: Framework
    kind: str
    stage: str
    column: str
    area: Node | None
    initiatives: list[CellInitiative]  # active ones first
    summary: CellSummary
    suggestions: Suggestions

    @property
    def ended(self) -> list[CellInitiative]:
        return [i for i in self.initiatives if not i.active]


def cell_detail(
    municipality: Organisation,
    framework: Framework,
    *,
    kind: str,
    stage: str,
    column: str,
    area: Node | None,
    today: date,
    version: FrameworkVersion | None = None,
) -> CellDetail:
    """The initiatives of the municipality in one cell (ended ones too, marked as not counted), the cell's
    state from the active ones, and the suggestions for it."""
    where = Q(framework=framework, area=column) if kind == AREA else Q(area="", target_group=column)
    if stage != WHOLE:  # a municipality-wide area's cell holds the area's initiatives at any stage
        where &= Q(stage=stage)
    cells = (
        Cell.objects.filter(where, municipality=municipality)
        .select_related("initiative__owner")
        .order_by("initiative__name", "initiative_id")
    )
    rows = []
    seen: set[int] = set()
    for cell in cells:
        initiative = cell.initiative
        if initiative.pk in seen:
            continue
        seen.add(initiative.pk)
        rows.append(
            CellInitiative(
                initiative,
                robust=cell.robust,
                active=is_active(ends=cell.ends, today=today),
                reasons=[] if cell.robust else fragility_reasons(initiative),
                risks=[str(RISK_LABELS[f]) for f in initiative_risks(initiative, today=today).flags()],
            )
        )
    rows.sort(key=lambda r: not r.active)
    summary = build_matrix(
        [(stage, column, r.initiative.pk, r.robust) for r in rows if r.active], rows=[stage], columns=[column]
    )[(stage, column)]
    priorities = priority_codes(priority_round(municipality, framework))
    version = version or framework.latest_published()
    items = cell_items(
        kind,
        stage,
        column,
        items=area_items(version),
        applies=gap_evidence.item_applies(version),
        priorities=priorities,
    )
    found, total = region_examples(
        municipality, framework, [(kind, stage, column)], today=today, limit=EXAMPLES_PER_CELL
    ).get((kind, stage, column), ([], 0))
    return CellDetail(
        municipality,
        framework,
        kind,
        stage,
        column,
        area,
        rows,
        summary,
        Suggestions(items, frozenset(priorities), tuple(found), max(0, total - len(found))),
    )
