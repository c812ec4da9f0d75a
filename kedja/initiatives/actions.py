"""Every change to initiatives goes through these functions: atomic, audited, and keeping the
denormalised gap cells (models.Cell) and the `robust` flag true."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.frameworks.models import Node
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .models import Cell, Initiative, Stage, TargetGroup
from .risks import is_robust

FIELDS = [
    "name",
    "description",
    "owner",
    "responsible_function",
    "named_people",
    "stages",
    "target_groups",
    "partners",
    "funding",
    "funding_ends",
    "starts",
    "ends",
    "reach_total",
    "reach_girls",
    "reach_boys",
    "reach_other",
    "evidence_base",
    "follow_up",
    "sharing",
]


def municipality_of(org: Organisation) -> Organisation:
    """The municipality an owner organisation belongs to (itself, or the municipality above it)."""
    if org.kind == Kind.MUNICIPALITY:
        return org
    found = Organisation.objects.filter(pk__in=org.ancestor_ids(), kind=Kind.MUNICIPALITY).first()
    if found is None:
        raise ValidationError({"owner": _("The owner must be a municipality or one of its units.")})
    return found


def check_initiative(data: dict) -> None:
    """Rules every initiative follows, whether it comes from the form or an import row."""
    errors = {}
    stages = data.get("stages") or []
    if not stages:
        errors["stages"] = _("Choose at least one stage of the education chain.")
    elif set(stages) - set(Stage.values):
        errors["stages"] = _("Unknown stage.")
    if set(data.get("target_groups") or []) - set(TargetGroup.values):
        errors["target_groups"] = _("Unknown target group.")
    starts, ends = data.get("starts"), data.get("ends")
    if starts and ends and ends < starts:
        errors["ends"] = _("The end date is before the start date.")
    if data.get("funding") in ("project", "grant") and not data.get("funding_ends"):
        errors["funding_ends"] = _("Project money and grants need the date the funding ends.")
    total, girls, boys = data.get("reach_total"), data.get("reach_girls"), data.get("reach_boys")
    other = data.get("reach_other")
    if total is not None and (girls or 0) + (boys or 0) + (other or 0) > total:
        errors["reach_total"] = (
            _("Girls and boys together are more than the participants in all.")
            if not other
            else _("Girls, boys and another gender together are more than the participants in all.")
        )
    if errors:
        raise ValidationError(errors)


def _rebuild_cells(initiative: Initiative, items: list[Node]) -> None:
    Cell.objects.filter(initiative=initiative).delete()
    areas = sorted({(node.framework_version.framework_id, node.area_code) for node in items})
    common = {
        "initiative": initiative,
        "municipality_id": initiative.municipality_id,
        "robust": initiative.robust,
        "sharing": initiative.sharing,
        "ends": initiative.ends,
    }
    cells = [
        Cell(stage=stage, framework_id=framework_id, area=area, **common)
        for stage in initiative.stages
        for framework_id, area in areas
    ]
    cells += [
        Cell(stage=stage, target_group=group, **common)
        for stage in initiative.stages
        for group in initiative.target_groups
    ]
    Cell.objects.bulk_create(cells)


@transaction.atomic
def save_initiative(
    initiative: Initiative | None, *, data: dict, items: list[Node], by, expected_version: int | None = None
) -> Initiative:
    """Create (initiative None) or update an initiative. Raises ValidationError for broken rules and
    EditConflict when someone else saved it after the editor opened it."""
    check_initiative(data)
    owner = data["owner"]
    municipality = municipality_of(owner)
    robust = is_robust(
        funding=data.get("funding", "ordinary"),
        people=[p for p in (data.get("named_people") or "").splitlines() if p.strip()],
        responsible_function=data.get("responsible_function") or "",
    )
    values = {name: data[name] for name in FIELDS if name in data}
    if initiative is None:
        initiative = Initiative.objects.create(
            municipality=municipality, robust=robust, created_by=by, **values
        )
        verb = "initiative.created"
    else:
        for name, value in values.items():
            setattr(initiative, name, value)
        initiative.municipality, initiative.robust = municipality, robust
        save_versioned(
            initiative,
            expected_version=initiative.version if expected_version is None else expected_version,
            update_fields=[*values.keys(), "municipality", "robust", "updated_at"],
        )
        verb = "initiative.changed"
    items = list(
        Node.objects.filter(pk__in=[n.pk for n in items], kind=Node.Kind.ITEM).select_related(
            "framework_version"
        )
    )
    initiative.items.set(items)
    _rebuild_cells(initiative, items)
    record_event(verb, by=by, organisation=municipality, initiative=initiative.pk, name=initiative.name)
    return initiative


@transaction.atomic
def delete_initiative(initiative: Initiative, *, by) -> None:
    record_event("initiative.deleted", by=by, organisation=initiative.municipality, name=initiative.name)
    initiative.delete()


@transaction.atomic
def set_sharing(initiative: Initiative, *, sharing: str, by) -> None:
    initiative.sharing = sharing
    initiative.save(update_fields=["sharing", "updated_at"])
    Cell.objects.filter(initiative=initiative).update(sharing=sharing)
    record_event(
        "initiative.sharing",
        by=by,
        organisation=initiative.municipality,
        initiative=initiative.pk,
        sharing=sharing,
    )
