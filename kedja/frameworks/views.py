"""Framework pages: the list, a framework's versions, a version's tree, export, import, drafts and offers.
Thin: the access layer fetches (404 outside what the person sees) and decides (403), forms validate,
actions change."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Subquery
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.forms import refreshed

from . import access, actions, schema
from .access import get_framework_for, get_node_for, get_version_for
from .forms import ImportForm, NodeForm, OfferForm
from .models import Framework, FrameworkVersion, Node, Publication

CHANGE = access.CHANGE
EXPORT_FORMATS = {
    "yaml": (schema.to_yaml, "application/yaml; charset=utf-8"),
    "json": (schema.to_json, "application/json; charset=utf-8"),
}


def node_tree(nodes: list[Node]) -> list[Node]:
    """The version's top-level nodes, each node carrying its `child_nodes` (any depth), from one flat,
    position-ordered list."""
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    for node in nodes:
        node.child_nodes = children.get(node.pk, [])
    return children.get(None, [])


# --- pages ------------------------------------------------------------------------------------------


@login_required
def framework_list(request):
    published = FrameworkVersion.objects.filter(
        framework=OuterRef("pk"), status=FrameworkVersion.Status.PUBLISHED
    ).order_by("-number")
    frameworks = (
        Framework.objects.filter(pk__in=access.visible_frameworks(request.user).values("pk"))
        .select_related("owner")
        .annotate(
            latest_number=Subquery(published.values("number")[:1]),
            has_draft=Exists(
                FrameworkVersion.objects.filter(
                    framework=OuterRef("pk"), status=FrameworkVersion.Status.DRAFT
                )
            ),
        )
        .order_by(F("owner__name").asc(nulls_first=True), "key")
    )
    return render(
        request,
        "frameworks/list.html",
        {"frameworks": frameworks, "can_import": bool(access.frameworks_importable_to(request.user))},
    )


@login_required
def framework_detail(request, framework_id):
    framework = get_framework_for(request.user, framework_id)
    versions = list(framework.versions.select_related("published_by").order_by("-number"))
    publications = list(access.visible_publications(request.user, framework).order_by("region__name"))
    offer_regions = access.regions_to_offer_in(request.user)
    offered = set(
        Publication.objects.filter(version__framework=framework).values_list("version_id", "region_id")
    )
    for version in versions:
        version.offers = [(region, (version.pk, region.pk) in offered) for region in offer_regions]
    return render(
        request,
        "frameworks/detail.html",
        {
            "framework": framework,
            "versions": versions,
            "publications": publications,
            "can_change": request.user.has_perm(CHANGE, framework),
            "can_offer": bool(offer_regions),
            "offerable": [v for v in versions if not v.is_draft],
            "has_draft": any(v.is_draft for v in versions),
            "result_regions": list(dict.fromkeys(access.regions_of(request.user))),
        },
    )


@login_required
def version_detail(request, version_id):
    version = get_version_for(request.user, version_id)
    framework = version.framework
    can_change = request.user.has_perm(CHANGE, framework)
    return render(
        request,
        "frameworks/version.html",
        {
            "framework": framework,
            "version": version,
            "tree": node_tree(list(version.nodes.order_by("position"))),
            "can_edit": version.is_draft and can_change,
        },
    )


@login_required
@require_safe
def version_export(request, version_id):
    version = get_version_for(request.user, version_id)
    fmt = request.GET.get("format", "yaml")
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format; use yaml or json."))
    write, content_type = EXPORT_FORMATS[fmt]
    filename = f"{version.framework.key}-v{version.number}.{fmt}"
    return download_response(write(version).encode("utf-8"), filename=filename, content_type=content_type)


@login_required
def framework_import(request):
    owners = access.require_importer(request.user)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, owners=owners)
    else:
        form = ImportForm(owners=owners, initial={"owner": owners[0].pk})
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.import_framework(
                form.parsed,
                owner=form.cleaned_data["owner"],
                by=request.user,
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(framework)s version %(number)s has been imported.")
                % {"framework": version.framework, "number": version.number},
            )
            return redirect("frameworks:version", version_id=version.pk)
    return render(request, "frameworks/import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def start_draft(request, framework_id):
    framework = get_framework_for(request.user, framework_id)
    access.require_change(request.user, framework)
    try:
        draft = actions.start_draft(framework, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("frameworks:detail", framework_id=framework.pk)
    messages.success(
        request, _("Version %(number)s is a draft: edit it, then publish it.") % {"number": draft.number}
    )
    return redirect("frameworks:version", version_id=draft.pk)


@login_required
def node_edit(request, node_id):
    node = get_node_for(request.user, node_id)
    version = node.framework_version
    framework = version.framework
    access.require_change(request.user, framework)
    context = {"node": node, "version": version, "framework": framework}
    if not version.is_draft:
        # A published version is frozen: say so, and offer the way forward, instead of a form.
        return render(request, "frameworks/node_locked.html", context, status=403)
    form = NodeForm(request.POST or None, node=node)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with form.saving(current=lambda: refreshed(node)):
                actions.update_node(
                    node,
                    title=form.texts("title"),
                    summary=form.texts("summary"),
                    expected_version=form.expected_version,
                    by=request.user,
                )
                messages.success(request, _("%(code)s has been saved.") % {"code": node.code})
                return redirect(f"{reverse('frameworks:version', args=[version.pk])}#node-{node.pk}")
            if form.conflict:
                context["current"] = node
            status = form.response_status
    context["form"] = form
    return render(request, "frameworks/node_edit.html", context, status=status)


@login_required
@require_POST
def publish(request, version_id):
    version = get_version_for(request.user, version_id)
    access.require_change(request.user, version.framework)
    try:
        actions.publish_version(version, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Version %(number)s is published. It can no longer be edited.") % {"number": version.number},
        )
    return redirect("frameworks:version", version_id=version.pk)


@login_required
@require_POST
def offer(request, version_id):
    version = get_version_for(request.user, version_id)
    region = access.region_to_offer_to(request.user, OfferForm(request.POST).region_chosen)
    try:
        actions.publish_to_region(version, region, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Version %(number)s is now offered to the municipalities of %(region)s.")
            % {"number": version.number, "region": region},
        )
    return redirect("frameworks:detail", framework_id=version.framework_id)
