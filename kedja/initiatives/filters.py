"""The filters of the initiative register, as one plain function over a queryset: the list page and the
Excel/CSV exports filter with it, so an export holds exactly what the list showed.

Parameters (a dict or a QueryDict of the list page's GET parameters; unknown or broken values are
ignored, so an old bookmark still works):
- municipality: a municipality's id;
- scope: "own" (the person's own municipalities) or "shared" (other municipalities' shared initiatives);
- stage, group (also read as target_group): a stage or target-group code;
- area: a framework area, "<framework id>:<area code>" or just "<area code>" of the STEAM framework (the
  shipped one or a region's own copy of it);
- funding: a funding code;
- status: "active", "ended", "any_risk" or one risk flag ("person_dependent", "funding_ending",
  "no_evidence", "no_follow_up"; the flags of risks.py);
- q: text searched for in name, description, responsible function and partners, case folded beyond A–Z.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from kedja.core.search import contains_any
from kedja.frameworks.models import Node
from kedja.frameworks.selectors import DEFAULT_FRAMEWORK_KEY

from .models import Funding, Initiative, Stage, TargetGroup
from .risks import risks_for

RISK_STATUSES = ("person_dependent", "funding_ending", "no_evidence", "no_follow_up")
STATUSES = ("active", "ended", "any_risk", *RISK_STATUSES)


def _get(params, name: str) -> str:
    value = params.get(name) if params is not None else None
    return value.strip() if isinstance(value, str) else ""


def _json_list_has(field: str, code: str) -> Q:
    """A JSON list of codes holding `code`: the list's text contains the quoted code (JSON `contains` is
    not available on SQLite; codes are plain identifiers, so the quoted form is exact)."""
    return Q(**{f"{field}__icontains": f'"{code}"'})


def filter_initiatives(
    qs: QuerySet[Initiative],
    params,
    *,
    own_municipality_ids: set[int] | frozenset[int] = frozenset(),
    today: date | None = None,
) -> QuerySet[Initiative]:
    """`qs` filtered by the given parameters (see the module's docstring). `qs` is what the person may
    see already (initiatives.access.visible_initiatives); `own_municipality_ids` are the person's own
    municipalities (organisations.access.member_municipality_ids), used by scope."""
    today = today or timezone.localdate()

    municipality = _get(params, "municipality")
    if municipality.isdigit():
        qs = qs.filter(municipality_id=int(municipality))

    scope = _get(params, "scope")
    if scope == "own":
        qs = qs.filter(municipality_id__in=own_municipality_ids)
    elif scope == "shared":
        qs = qs.exclude(municipality_id__in=own_municipality_ids)

    stage = _get(params, "stage")
    if stage in Stage.values:
        qs = qs.filter(_json_list_has("stages", stage))

    group = _get(params, "group") or _get(params, "target_group")
    if group in TargetGroup.values:
        qs = qs.filter(_json_list_has("target_groups", group))

    area = _get(params, "area")
    if area:
        qs = _filter_area(qs, area)

    funding = _get(params, "funding")
    if funding in Funding.values:
        qs = qs.filter(funding=funding)

    status = _get(params, "status")
    if status == "active":
        qs = qs.filter(Q(ends__isnull=True) | Q(ends__gte=today))
    elif status == "ended":
        qs = qs.filter(ends__lt=today)
    elif status in ("any_risk", *RISK_STATUSES):
        qs = qs.filter(pk__in=_ids_with_risk(qs, status, today=today))

    text = _get(params, "q")[:200]
    if text:  # case folded beyond A–Z, also on SQLite ("Åk" finds "åk")
        qs = contains_any(qs, ["name", "description", "responsible_function", "partners"], text)
    return qs


def _filter_area(qs, area: str):
    framework_id, _sep, code = area.rpartition(":")
    if not code or "." in code or (framework_id and not framework_id.isdigit()):
        return qs
    nodes = Node.objects.filter(kind=Node.Kind.ITEM, code__startswith=f"{code}.")
    if framework_id:
        nodes = nodes.filter(framework_version__framework_id=int(framework_id))
    else:
        # the STEAM framework: the one shipped with Kedja or a region's own copy of it (same key)
        nodes = nodes.filter(framework_version__framework__key=DEFAULT_FRAMEWORK_KEY)
    through = Initiative.items.through.objects.filter(node__in=nodes)
    return qs.filter(pk__in=through.values("initiative_id"))


def _ids_with_risk(qs, status: str, *, today: date) -> list[int]:
    """Risk flags are computed (risks.py), not stored: they are worked out here from the few columns
    they need, so the filter and the flags shown can never disagree."""
    ids = []
    for pk, people, function, funding, funding_ends, evidence, follow_up in qs.values_list(
        "pk", "named_people", "responsible_function", "funding", "funding_ends", "evidence_base", "follow_up"
    ):
        risks = risks_for(
            people=people.splitlines(),
            responsible_function=function,
            funding=funding,
            funding_ends=funding_ends,
            evidence_base=evidence,
            follow_up=follow_up,
            today=today,
        )
        if risks.any if status == "any_risk" else getattr(risks, status):
            ids.append(pk)
    return ids
