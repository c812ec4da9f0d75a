"""Which framework a page starts from and which framework items a form offers — one rule each, for every app.

- The default framework is the STEAM framework shipped with Kedja (no owner, key `DEFAULT_FRAMEWORK_KEY`).
- Its version for a file or form is its latest published one; for people in a region that keeps its own copy
  of it (same key, owned or published by the region), that copy's latest published version.
- A goal's or an initiative's form offers the items of the default framework's latest published version,
  and of the latest published version of every framework the organisations (or one above them) own or were
  offered by their region; items already chosen stay offered, even of an older version.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from .models import Framework, FrameworkVersion, Node, Publication

DEFAULT_FRAMEWORK_KEY = "steam-municipal"


def is_default_framework(framework: Framework) -> bool:
    return framework.owner_id is None and framework.key == DEFAULT_FRAMEWORK_KEY


def default_framework() -> Framework | None:
    """The STEAM framework shipped with Kedja, if it is loaded."""
    return Framework.objects.filter(owner=None, key=DEFAULT_FRAMEWORK_KEY).first()


def default_framework_version(owners=()) -> FrameworkVersion | None:
    """The default framework's version whose item codes apply: for `owners` (organisations) below a region
    that owns or was published a copy of it (same key), the latest published version of that copy (the
    newest such copy first); else the latest published version of the one shipped with Kedja."""
    above = {pk for org in owners for pk in org.ancestor_ids()}
    if above:
        regional = (
            Framework.objects.filter(key=DEFAULT_FRAMEWORK_KEY)
            .exclude(owner=None)
            .filter(Q(owner_id__in=above) | Q(versions__publications__region_id__in=above))
            .distinct()
            .order_by("-pk")
        )
        for framework in regional:
            latest = framework.latest_published()
            if latest is not None:
                return latest
    default = default_framework()
    return default.latest_published() if default else None


def offered_items(organisations, *, keep=()):
    """The framework items a form for `organisations` offers (see the module's rule), the default
    framework's first, then by framework key, version and position."""
    above = {pk for org in organisations for pk in org.ancestor_ids()}
    rows = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED).filter(
        Q(framework__owner_id__in=above)
        | Q(pk__in=Publication.objects.filter(region_id__in=above).values("version_id"))
    )
    latest: dict[int, tuple[int, int]] = {}
    for framework_id, number, pk in rows.values_list("framework_id", "number", "pk"):
        if framework_id not in latest or number > latest[framework_id][0]:
            latest[framework_id] = (number, pk)
    version_ids = {pk for _number, pk in latest.values()}
    default = default_framework_version()
    if default is not None:
        version_ids.add(default.pk)
    first = default.pk if default is not None else 0
    return (
        Node.objects.filter(kind=Node.Kind.ITEM)
        .filter(Q(framework_version_id__in=version_ids) | Q(pk__in=list(keep)))
        .select_related("framework_version__framework")
        .annotate(
            default_first=Case(
                When(framework_version_id=first, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by(
            "default_first", "framework_version__framework__key", "framework_version__number", "position"
        )
    )
