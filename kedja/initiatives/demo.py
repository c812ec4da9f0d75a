"""The demo world's initiatives: Örebro's map of what it does along the chain (with holes on purpose),
and a few initiatives in neighbouring municipalities shared with the whole region, so the gap analysis
has suggestions to show."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kedja.frameworks.models import Framework
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .factories import make_initiative
from .models import Initiative

# name, stages, target groups, item codes, funding, months of funding left, named people, function
OREBRO = [
    (
        "Teknikprao i åk 8",
        ["y7_9"],
        ["all"],
        ["3.b", "5.a"],
        "ordinary",
        None,
        "",
        "Studie- och yrkesvägledningen",
    ),
    ("Tjejer kodar", ["y4_6", "y7_9"], ["girls_women"], ["6.a", "6.b"], "project", 8, "Maria Lind", ""),
    (
        "Matematiklyftet lokalt",
        ["f3", "y4_6", "y7_9"],
        ["staff"],
        ["2.a"],
        "ordinary",
        None,
        "",
        "Utbildningsförvaltningen",
    ),
    (
        "Makerspace på biblioteket",
        ["y4_6", "y7_9", "upper_secondary"],
        ["all", "parents"],
        ["8.a", "8.c"],
        "grant",
        20,
        "",
        "Kulturförvaltningen",
    ),
    (
        "Industritekniskt college",
        ["upper_secondary", "adult"],
        ["all"],
        ["3.a", "3.c", "4.a"],
        "ordinary",
        None,
        "",
        "Gymnasieförvaltningen",
    ),
    (
        "Språkstöd i komvux teknikkurser",
        ["adult"],
        ["newly_arrived"],
        ["4.b"],
        "project",
        5,
        "Ali Hassan",
        "",
    ),
    (
        "Naturvetenskap i förskolan",
        ["preschool"],
        ["all"],
        ["2.b"],
        "ordinary",
        None,
        "",
        "Förskoleförvaltningen",
    ),
    (
        "Föräldraträffar om gymnasieval",
        ["y7_9"],
        ["parents", "no_study_tradition"],
        ["2.d", "6.c"],
        "ordinary",
        None,
        "",
        "Studie- och yrkesvägledningen",
    ),
    (
        "YH-utbildning automation",
        ["yh"],
        ["all"],
        ["4.a", "5.d"],
        "grant",
        30,
        "",
        "Arbetsmarknadsförvaltningen",
    ),
    (
        "Sommarjobb i industrin",
        ["upper_secondary", "working_life"],
        ["neet"],
        ["3.b"],
        "project",
        14,
        "Eva Berg",
        "",
    ),
]
NEIGHBOURS = [
    ("1883", "Science center-besök för alla sexor", ["y4_6"], ["all"], ["5.b"]),
    ("1881", "Förskolans lärmiljöer för utforskande", ["preschool"], ["all"], ["8.a"]),
    ("1885", "Vägledning för nyanlända vuxna", ["adult"], ["newly_arrived"], ["4.e"]),
]


@transaction.atomic
def build_initiative_demo(people: dict) -> None:
    version = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    items = {node.code: node for node in version.items()}
    orebro = Organisation.objects.get(kind=Kind.MUNICIPALITY, country="SE", code="1880")
    if Initiative.objects.filter(municipality=orebro).exists():
        return
    today = timezone.localdate()
    by = people.get("samordnare")
    for name, stages, groups, codes, funding, months, person, function in OREBRO:
        make_initiative(
            orebro,
            name=name,
            description=f"{name} – en insats i Örebro kommuns STEAM-arbete.",
            stages=stages,
            target_groups=groups,
            items=[items[c] for c in codes if c in items],
            funding=funding,
            funding_ends=today + timedelta(days=30 * months) if months else None,
            named_people=person,
            responsible_function=function,
            reach_total=120,
            reach_girls=55,
            reach_boys=60,
            by=by,
        )
    for code, name, stages, groups, codes in NEIGHBOURS:
        municipality = Organisation.objects.get(kind=Kind.MUNICIPALITY, country="SE", code=code)
        make_initiative(
            municipality,
            name=name,
            stages=stages,
            target_groups=groups,
            items=[items[c] for c in codes if c in items],
            sharing="all",
        )
