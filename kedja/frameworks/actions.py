"""Every change to frameworks goes through these functions: atomic, and only drafts are ever edited."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation

from . import schema
from .models import Framework, FrameworkVersion, Node, Publication

SHIPPED_DIR = Path(__file__).parent / "data"


def _create_nodes(version: FrameworkVersion, nodes: list[schema.ParsedNode]) -> int:
    position = 0

    def create(items, parent, prefix):
        nonlocal position
        for item in items:
            code = f"{prefix}.{item.number}" if prefix else item.number
            node = Node.objects.create(
                framework_version=version,
                parent=parent,
                kind=item.kind,
                number=item.number,
                code=code,
                position=position,
                title=item.title,
                summary=item.summary,
                applies=item.applies,
            )
            position += 1
            create(item.children, node, code)

    create(nodes, None, "")
    return position


@transaction.atomic
def import_framework(
    parsed: schema.ParsedFramework, *, owner: Organisation | None, by=None, publish: bool = False
) -> FrameworkVersion:
    """Create the framework (or a new version of the owner's framework with that key) from a checked file.
    The new version is a draft unless `publish`; an existing draft of the same framework is replaced."""
    framework, _created = Framework.objects.get_or_create(
        owner=owner, key=parsed.key, defaults={"title": parsed.title, "summary": parsed.summary}
    )
    framework.title, framework.summary = parsed.title, parsed.summary
    framework.save(update_fields=["title", "summary"])
    framework.versions.filter(status=FrameworkVersion.Status.DRAFT).delete()
    number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=number,
        source=parsed.source,
        target_group_stages=parsed.target_group_stages,
    )
    _create_nodes(version, parsed.nodes)
    if publish:
        publish_version(version, by=by)
    record_event("framework.imported", by=by, organisation=owner, key=parsed.key, version=number)
    return version


@transaction.atomic
def publish_version(version: FrameworkVersion, *, by=None) -> None:
    """Freeze a draft. From now on assessments may point at it and it is never edited again."""
    if not version.is_draft:
        raise ValidationError(_("This version is already published."))
    if not version.nodes.filter(kind=Node.Kind.ITEM).exists():
        raise ValidationError(_("A version needs at least one item before it can be published."))
    version.status = FrameworkVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by if by and by.pk else None
    version.save(update_fields=["status", "published_at", "published_by"])
    record_event(
        "framework.published",
        by=by,
        organisation=version.framework.owner,
        key=version.framework.key,
        version=version.number,
    )


@transaction.atomic
def start_draft(framework: Framework, *, by=None) -> FrameworkVersion:
    """A new draft copied from the latest published version (or the existing draft, if there is one)."""
    draft = framework.draft()
    if draft:
        return draft
    latest = framework.latest_published()
    if latest is None:
        raise ValidationError(_("This framework has no published version to start from."))
    parsed = schema.parse(schema.to_data(latest))
    number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = FrameworkVersion.objects.create(
        framework=framework,
        number=number,
        source=latest.source,
        target_group_stages=parsed.target_group_stages,
    )
    _create_nodes(draft, parsed.nodes)
    record_event(
        "framework.draft_started", by=by, organisation=framework.owner, key=framework.key, version=number
    )
    return draft


@transaction.atomic
def update_node(node: Node, *, title: dict, summary: dict, expected_version: int, by=None) -> None:
    """Edit a node's texts in a draft; raises EditConflict if someone else saved it meanwhile."""
    if not node.framework_version.is_draft:
        raise ValidationError(_("Only a draft can be edited. Start a new version first."))
    if not (title or {}).get("sv", "").strip():
        raise ValidationError({"title": _("A text is required (at least Swedish, 'sv').")})
    node.title, node.summary = title, summary
    save_versioned(node, expected_version=expected_version, update_fields=["title", "summary"])
    record_event(
        "framework.node_changed",
        by=by,
        organisation=node.framework_version.framework.owner,
        key=node.framework_version.framework.key,
        code=node.code,
    )


@transaction.atomic
def publish_to_region(version: FrameworkVersion, region: Organisation, *, by=None) -> Publication:
    if version.is_draft:
        raise ValidationError(_("Only a published version can be offered to municipalities."))
    publication, _created = Publication.objects.get_or_create(
        version=version, region=region, defaults={"published_by": by}
    )
    record_event(
        "framework.offered", by=by, organisation=region, key=version.framework.key, version=version.number
    )
    return publication


@transaction.atomic
def load_shipped_frameworks() -> dict[str, str]:
    """Load the frameworks that ship with Kedja (data/*.yaml). Idempotent: an unchanged file changes
    nothing; a changed file becomes a new published version (older assessments keep the old one)."""
    outcome = {}
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        parsed = schema.parse_text(path.read_text(encoding="utf-8"))
        framework = Framework.objects.filter(owner=None, key=parsed.key).first()
        latest = framework.latest_published() if framework else None
        if latest is not None and schema.parse(schema.to_data(latest)) == parsed:
            outcome[parsed.key] = "unchanged"
            continue
        import_framework(parsed, owner=None, publish=True)
        outcome[parsed.key] = "created" if latest is None else "new version"
    return outcome
