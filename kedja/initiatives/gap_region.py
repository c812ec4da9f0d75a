"""The region's gap view (docs/gap-analysis.md): its municipalities × stages from the initiatives they shared
with the region, and per stage how many of the sharing municipalities are covered.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from kedja.frameworks.models import Framework
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .gap_report import MatrixCell, active, stage_columns
from .gaps import State, region_rows
from .models import Cell, Initiative, Sharing, Stage

REGION_SHARING = (Sharing.REGION, Sharing.ALL)


@dataclass
class RegionRow:
    municipality: Organisation
    shared: int  # initiatives shared with the region, active or not
    cells: list[MatrixCell]

    @property
    def nothing_shared(self) -> bool:
        return self.shared == 0


@dataclass
class RegionReport:
    region: Organisation
    framework: Framework
    area: str | None
    stages: list[tuple[str, str]]
    rows: list[RegionRow]
    covered: list[int]  # per stage: municipalities with at least one robust shared initiative
    sharing: int  # municipalities that shared anything


def region_report(
    region: Organisation, framework: Framework, *, area: str | None, today: date
) -> RegionReport:
    """Municipalities × stages from cells the municipalities shared with the region ("region" or "all"):
    initiatives in that stage with an item in `area` of `framework` (every area of it when None).
    Three queries, whatever the number of municipalities: the municipalities, the cells grouped by
    municipality and stage, the shared initiatives per municipality."""
    municipalities = list(
        Organisation.objects.descendants_of(region)
        .filter(kind=Kind.MUNICIPALITY, is_active=True)
        .order_by("name")
    )
    ids = [m.pk for m in municipalities]
    stages = list(Stage.values)
    cells = Cell.objects.filter(
        municipality_id__in=ids, sharing__in=REGION_SHARING, framework=framework
    ).filter(active(today))
    cells = cells.filter(area=area) if area else cells.exclude(area="")
    facts = (
        cells.values("municipality_id", "stage")
        .annotate(
            count=Count("initiative_id", distinct=True),
            robust_count=Count("initiative_id", filter=Q(robust=True), distinct=True),
        )
        .values_list("municipality_id", "stage", "count", "robust_count")
        .order_by()
    )
    table = region_rows(facts, municipalities=ids, stages=stages)
    shared = dict(
        Initiative.objects.filter(municipality_id__in=ids, sharing__in=REGION_SHARING)
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
        .order_by()
    )
    rows = [
        RegionRow(m, shared.get(m.pk, 0), [MatrixCell(s, table[m.pk][s]) for s in stages])
        for m in municipalities
    ]
    sharing_rows = [r for r in rows if not r.nothing_shared]
    covered = [sum(1 for r in sharing_rows if r.cells[i].state == State.COVERED) for i in range(len(stages))]
    return RegionReport(
        region=region,
        framework=framework,
        area=area,
        stages=stage_columns(),
        rows=rows,
        covered=covered,
        sharing=len(sharing_rows),
    )
