"""The initiative register (docs/domain.md, "Mapping and gaps"): the list with filters, an initiative's page,
the one form that creates and edits, deleting and sharing. Thin: the access layer fetches (404 outside what
the person sees) and decides (403 inside without the right), forms validate, actions change.

Who gets what (kedja/initiatives/access.py):
- everyone working in a municipality sees all its initiatives; the region sees those shared with it;
  the region's other municipalities see those shared with "all"; everybody else gets 404;
- the municipality's coordinator, head of schools, quality developer and admin create and edit all of
  them; a principal those their own school unit owns; others who see an initiative get 403 on writes.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from kedja.core.forms import CONFLICT, apply_errors
from kedja.core.texts import pick
from kedja.frameworks.access import offered_items_for
from kedja.frameworks.models import Node
from kedja.organisations.access import active_membership, member_municipality_ids, membership_organisations
from kedja.organisations.models import Organisation

from . import actions
from .access import (
    CHANGE,
    get_initiative_for,
    own_municipalities,
    owners_for_new_initiative,
    owners_when_editing,
    require_owners,
    visible_initiatives,
)
from .filters import filter_initiatives
from .forms import FilterForm, InitiativeForm, SharingForm, group_by_area
from .models import EvidenceBase, Funding, Initiative, Sharing, Stage, TargetGroup
from .risks import Risks, initiative_risks

PER_PAGE = 50
SHARED = "shared"

STAGE_SHORT = {
    Stage.PRESCHOOL: pgettext_lazy("stage, short", "Preschool"),
    Stage.F3: pgettext_lazy("stage, short", "F–3"),
    Stage.Y4_6: pgettext_lazy("stage, short", "4–6"),
    Stage.Y7_9: pgettext_lazy("stage, short", "7–9"),
    Stage.UPPER_SECONDARY: pgettext_lazy("stage, short", "Upper sec."),
    Stage.ADULT: pgettext_lazy("stage, short", "Komvux"),
    Stage.YH: pgettext_lazy("stage, short", "YH"),
    Stage.FOLK_HIGH_SCHOOL: pgettext_lazy("stage, short", "Folk HS"),
    Stage.UNIVERSITY: pgettext_lazy("stage, short", "Univ."),
    Stage.WORKING_LIFE: pgettext_lazy("stage, short", "Work life"),
}
RISK_LABELS = {
    "person_dependent": gettext_lazy("Person-dependent"),
    "funding_ending": gettext_lazy("Funding ending"),
    "no_evidence": gettext_lazy("No evidence base"),
    "no_follow_up": gettext_lazy("No follow-up"),
}


def labels(codes: list[str], choices) -> list[str]:
    """Display labels for stored codes, in the choices' own order (the chain left to right); unknown
    codes (e.g. from an old import) are shown as they are."""
    known = dict(choices)
    ordered = [label for code, label in choices if code in codes]
    return ordered + [code for code in codes if code not in known]


def risk_flags(risks: Risks) -> list[tuple[str, str]]:
    """(flag, label) for each risk an initiative carries, for the tags."""
    return [(flag, RISK_LABELS[flag]) for flag in risks.flags()]


def risk_reasons(initiative: Initiative, risks: Risks, *, today: date) -> list[tuple[str, str, str]]:
    """(flag, label, why) for each risk: one sentence telling the reader what made the flag appear
    (the rules are risks.py's; docs/gap-analysis.md)."""
    out = []
    if risks.person_dependent:
        people = initiative.people()
        if people:
            why = _(
                "Only one person is named (%(name)s) and no responsible function carries the initiative: "
                "it depends on that person staying."
            ) % {"name": people[0]}
        else:
            why = _("Nobody is named and no responsible function carries the initiative.")
        out.append(("person_dependent", RISK_LABELS["person_dependent"], why))
    if risks.funding_ending:
        values = {"funding": initiative.get_funding_display(), "date": date_format(initiative.funding_ends)}
        if initiative.funding_ends < today:
            why = _("The funding (%(funding)s) ended on %(date)s.") % values
        else:
            why = _("The funding (%(funding)s) ends on %(date)s, within a year.") % values
        out.append(("funding_ending", RISK_LABELS["funding_ending"], why))
    if risks.no_evidence:
        why = _("The initiative rests neither on research nor on proven experience yet.")
        out.append(("no_evidence", RISK_LABELS["no_evidence"], why))
    if risks.no_follow_up:
        why = _("No indicator or way of following up the effect is given, so nobody can tell if it works.")
        out.append(("no_follow_up", RISK_LABELS["no_follow_up"], why))
    return out


# --- the list ---------------------------------------------------------------------------------------


def area_choices(initiatives) -> list[tuple[str, str]]:
    """The framework areas the listed initiatives serve, as ("<framework id>:<area code>", label),
    from the latest version of each framework that any of them uses."""
    version_ids = set(
        Initiative.items.through.objects.filter(initiative__in=initiatives)
        .values_list("node__framework_version_id", flat=True)
        .distinct()
    )
    if not version_ids:
        return []
    areas = (
        Node.objects.filter(framework_version_id__in=version_ids, parent=None)
        .select_related("framework_version__framework")
        .order_by("framework_version__framework__key", "-framework_version__number", "position")
    )
    seen, out = set(), []
    frameworks = {a.framework_version.framework_id for a in areas}
    for a in areas:
        key = (a.framework_version.framework_id, a.code)
        if key in seen:
            continue
        seen.add(key)
        label = f"{a.code} {pick(a.title)}"
        if len(frameworks) > 1:
            label = f"{a.framework_version.framework}: {label}"
        out.append((f"{key[0]}:{key[1]}", label))
    return out


def active_municipality_id(user, session, own_ids: set[int]) -> int | None:
    """The municipality of the membership the person works as now, if they work in one."""
    membership = active_membership(user, session)
    if membership is None:
        return None
    found = set(membership.organisation.ancestor_ids()) & own_ids
    return next(iter(found), None)


@dataclass
class Row:
    initiative: Initiative
    stages: list[str]
    target_groups: list[str]
    flags: list[tuple[str, str]]
    active: bool


def _rows(initiatives, *, today: date) -> list[Row]:
    return [
        Row(
            initiative=i,
            stages=[STAGE_SHORT.get(code, code) for code in labels_codes(i.stages, Stage.values)],
            target_groups=labels(i.target_groups, TargetGroup.choices),
            flags=risk_flags(initiative_risks(i, today=today)),
            active=i.ends is None or i.ends >= today,
        )
        for i in initiatives
    ]


def labels_codes(codes: list[str], order: list[str]) -> list[str]:
    """`codes` in the choices' order (unknown ones last)."""
    return [c for c in order if c in codes] + [c for c in codes if c not in order]


@login_required
def initiative_list(request):
    user = request.user
    today = timezone.localdate()
    own_ids = member_municipality_ids(user)
    municipalities = list(own_municipalities(user))
    municipality = None
    if request.GET.get("scope") != SHARED:
        wanted = request.GET.get("municipality")
        if wanted:
            municipality = next((m for m in municipalities if str(m.pk) == wanted), None)
            if municipality is None:
                raise Http404()
        elif municipalities:
            active_id = active_municipality_id(user, request.session, own_ids)
            municipality = next((m for m in municipalities if m.pk == active_id), municipalities[0])
    scoped = visible_initiatives(user)
    if municipality is not None:
        scoped = scoped.filter(municipality=municipality)
        scope_params = {"municipality": municipality.pk}
    else:
        scoped = scoped.exclude(municipality_id__in=own_ids)
        scope_params = {"scope": SHARED}
    form = FilterForm(request.GET or None, areas=area_choices(scoped))
    filters = form.filters()
    # One filter function for the list and the exports, so an export holds exactly what the list shows.
    found = filter_initiatives(scoped, filters, own_municipality_ids=own_ids, today=today)
    paginator = Paginator(found.select_related("owner", "municipality").order_by("name", "pk"), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filtered": bool(filters),
        "export_query": urlencode({**scope_params, **filters}),
        "municipalities": municipalities,
        "municipality": municipality,
        "shared_scope": municipality is None,
        "scope_params": scope_params,
        "page": page,
        "rows": _rows(page.object_list, today=today),
        "can_create": owners_for_new_initiative(user).exists(),
    }
    # htmx asks for the results only; restoring history (the back button) needs the whole page.
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = "initiatives/list.html#results" if partial else "initiatives/list.html"
    return render(request, template, context)


# --- an initiative's page ---------------------------------------------------------------------------


def reach(initiative: Initiative) -> dict | None:
    """Participants by gender where known (docs/privacy.md, "Reach by gender in the initiative register"):
    the part not split is unknown."""
    total = initiative.reach_total
    girls, boys, other = initiative.reach_girls, initiative.reach_boys, initiative.reach_other
    if total is None and girls is None and boys is None and other is None:
        return None
    unknown = None if total is None else max(0, total - (girls or 0) - (boys or 0) - (other or 0))
    return {"total": total, "girls": girls, "boys": boys, "other": other, "unknown": unknown}


@login_required
def initiative_detail(request, initiative_id):
    initiative = get_initiative_for(request.user, initiative_id)
    today = timezone.localdate()
    risks = initiative_risks(initiative, today=today)
    items = list(
        initiative.items.select_related("framework_version__framework").order_by(
            "framework_version__framework__key", "framework_version__number", "position"
        )
    )
    served = set(initiative.stages)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "chain": [(code, label, code in served) for code, label in Stage.choices],
            "target_groups": labels(initiative.target_groups, TargetGroup.choices),
            "item_groups": group_by_area(items),
            "people": initiative.people(),
            "partners": [p.strip() for p in initiative.partners.splitlines() if p.strip()],
            "reach": reach(initiative),
            "risks": risk_reasons(initiative, risks, today=today),
            "active": initiative.ends is None or initiative.ends >= today,
            "project_funded": initiative.funding != Funding.ORDINARY,
            "can_edit": request.user.has_perm(CHANGE, initiative),
            "sharing_form": SharingForm(initial={"sharing": initiative.sharing}, auto_id="sharing_%s"),
            # The register lists a municipality's initiatives only for those who work there; others come
            # back to the shared initiatives they came from.
            "list_query": (
                f"municipality={initiative.municipality_id}"
                if initiative.municipality_id in member_municipality_ids(request.user)
                else "scope=shared"
            ),
        },
    )


# --- creating and editing ---------------------------------------------------------------------------


def default_owner(user, session, owners) -> Organisation | None:
    """The organisation of the membership the person works as now, else the municipality above it, else
    the first they may choose."""
    membership = active_membership(user, session)
    candidates = list(owners)
    if membership is not None:
        path = membership.organisation.ancestor_ids()
        for pk in reversed(path):
            chosen = next((o for o in candidates if o.pk == pk), None)
            if chosen is not None:
                return chosen
    return candidates[0] if candidates else None


def _render_form(request, form, *, initiative=None, saved=None, status=200):
    return render(
        request,
        "initiatives/edit.html",
        {
            "form": form,
            "initiative": initiative,
            "saved": saved,
            "saved_view": _summary(saved) if saved is not None else None,
        },
        status=status,
    )


def _summary(initiative: Initiative) -> dict:
    """The saved values shown beside the form after an edit conflict."""
    return {
        "stages": labels(initiative.stages, Stage.choices),
        "target_groups": labels(initiative.target_groups, TargetGroup.choices),
        "items": [
            f"{n.code} {pick(n.title)}" for n in initiative.items.order_by("framework_version", "position")
        ],
    }


@login_required
def initiative_new(request):
    user = request.user
    owners = require_owners(user)
    owner = default_owner(user, request.session, owners)
    form = InitiativeForm(
        request.POST or None,
        owners=owners,
        items=offered_items_for(user, membership_organisations(user)),
        initial={
            "owner": owner.pk if owner else None,
            "funding": Funding.ORDINARY,
            "evidence_base": EvidenceBase.NONE,
            "sharing": Sharing.REGION,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = actions.save_initiative(
                None, data=form.initiative_data(), items=form.chosen_items(), by=user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The initiative %(name)s has been registered.") % {"name": initiative.name}
            )
            return redirect("initiatives:detail", initiative_id=initiative.pk)
    return _render_form(request, form, status=400 if form.errors else 200)


@login_required
def initiative_edit(request, initiative_id):
    user = request.user
    initiative = get_initiative_for(user, initiative_id, CHANGE)
    owners = owners_when_editing(user, initiative)
    keep = list(initiative.items.values_list("pk", flat=True))
    form = InitiativeForm(
        request.POST or None,
        owners=owners,
        items=offered_items_for(user, membership_organisations(user), keep=keep),
        initiative=initiative,
    )
    if request.method == "POST" and form.is_valid():
        with form.saving(
            current=lambda: Initiative.objects.select_related("owner", "municipality").get(pk=initiative.pk)
        ):
            actions.save_initiative(
                initiative,
                data=form.initiative_data(),
                items=form.chosen_items(),
                by=user,
                expected_version=form.expected_version,
            )
            messages.success(
                request, _("The initiative %(name)s has been saved.") % {"name": initiative.name}
            )
            return redirect("initiatives:detail", initiative_id=initiative.pk)
        if form.conflict:
            current = form.conflict
            return _render_form(request, form, initiative=current, saved=current, status=CONFLICT)
    return _render_form(request, form, initiative=initiative, status=400 if form.errors else 200)


@login_required
@require_POST
def initiative_delete(request, initiative_id):
    initiative = get_initiative_for(request.user, initiative_id, CHANGE)
    name, municipality_id = initiative.name, initiative.municipality_id
    actions.delete_initiative(initiative, by=request.user)
    messages.success(request, _("The initiative %(name)s has been deleted.") % {"name": name})
    response = redirect("initiatives:list")
    response["Location"] += f"?municipality={municipality_id}"
    return response


@login_required
@require_POST
def initiative_sharing(request, initiative_id):
    initiative = get_initiative_for(request.user, initiative_id, CHANGE)
    form = SharingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who may see the initiative."))
    else:
        actions.set_sharing(initiative, sharing=form.cleaned_data["sharing"], by=request.user)
        shown = Sharing(form.cleaned_data["sharing"]).label
        messages.success(request, _("Who sees the initiative has been changed: %(who)s.") % {"who": shown})
    return redirect("initiatives:detail", initiative_id=initiative.pk)
