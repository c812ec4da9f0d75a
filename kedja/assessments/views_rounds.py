"""Running and answering self-assessment rounds (docs/domain.md, "Frameworks and self-assessment"). Thin: the
access layer decides who sees what, forms validate, actions change.

Who gets what:
- round staff (the municipality's coordinator, leadership, readers, admin — perm assessments.view_result)
  see a round's overview; those who run rounds (assessments.manage_round) also invite, remove, close,
  reopen and share; staff without that right get 403 on those posts;
- a respondent answers on the answer page and sees nothing else of the round unless they are staff too
  (the overview answers 404 to them, the answer page 404 to everyone who is not a respondent);
- everybody else gets 404, so a round's existence is not revealed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kedja.core.forms import apply_errors
from kedja.frameworks.access import visible_frameworks
from kedja.frameworks.models import FrameworkVersion, Node
from kedja.organisations.access import active_membership
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import actions
from .access import (
    get_respondent_to_remove,
    get_round_for,
    invitable_people,
    require_new_round,
    respondent_for,
    rounds_with_result,
)
from .forms import RespondentForm, RoundForm, SharingForm
from .models import Respondent, Round

# --- fetching through the access layer ------------------------------------------------------------


def get_item(respondent: Respondent, node_id) -> Node:
    node = Node.objects.filter(
        pk=node_id, framework_version_id=respondent.round.framework_version_id, kind=Node.Kind.ITEM
    ).first()
    if node is None:
        raise Http404()
    return node


def active_municipality(user, session) -> Organisation | None:
    """The municipality of the membership the person works as now (from the municipality itself or from
    its administration)."""
    membership = active_membership(user, session)
    if membership is None:
        return None
    org = membership.organisation
    if org.kind == Kind.MUNICIPALITY:
        return org
    if org.kind == Kind.ADMINISTRATION and org.parent_id:
        return Organisation.objects.filter(pk=org.parent_id).first()
    return None


# --- rounds ---------------------------------------------------------------------------------------


@login_required
def round_list(request):
    user = request.user
    item_count = (
        Node.objects.filter(framework_version=OuterRef("round__framework_version"), kind=Node.Kind.ITEM)
        .values("framework_version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rounds = (
        rounds_with_result(user)
        .select_related("municipality", "framework_version__framework")
        .annotate(
            respondent_total=Count("respondents", distinct=True),
            # done = the respondent said so (submitted); answering some items is not being done
            respondent_done=Count(
                "respondents", filter=Q(respondents__submitted_at__isnull=False), distinct=True
            ),
        )
        .order_by("-opened_at")
    )
    mine = (
        Respondent.objects.filter(user=user)
        .select_related("round__municipality", "round__framework_version__framework")
        .with_answered()
        .annotate(item_total=Subquery(item_count))
        .order_by("-round__opened_at")
    )
    municipality = active_municipality(user, request.session)
    can_start = municipality is not None and user.has_perm("assessments.run_rounds", municipality)
    return render(
        request,
        "assessments/round_list.html",
        {"rounds": rounds, "mine": mine, "can_start": can_start},
    )


@login_required
def round_new(request):
    municipalities = require_new_round(request.user)
    versions = (
        FrameworkVersion.objects.filter(
            framework__in=visible_frameworks(request.user), status=FrameworkVersion.Status.PUBLISHED
        )
        .select_related("framework")
        .order_by("framework__key", "-number")
    )
    active = active_municipality(request.user, request.session)
    initial = {"municipality": active.pk} if active is not None and active in municipalities else {}
    form = RoundForm(request.POST or None, municipalities=municipalities, versions=versions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = actions.open_round(
                data["municipality"],
                data["framework_version"],
                title=data["title"],
                due_date=data["due_date"],
                shares_with_region=data["shares_with_region"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The round has been opened. Now invite the people who should answer.")
            )
            return redirect("assessments:round_detail", round_id=round_.pk)
    return render(
        request,
        "assessments/round_new.html",
        {"form": form, "no_versions": not versions.exists()},
        status=400 if form.errors else 200,
    )


def _render_detail(request, round_: Round, form=None, status=200):
    can_manage = request.user.has_perm("assessments.manage_round", round_)
    if can_manage and form is None:
        form = RespondentForm(people=invitable_people(round_))
    respondents = (
        round_.respondents.select_related("user")
        .with_answered()
        .annotate(answer_rows=Count("answers"))
        .order_by("group", "user__full_name")
    )
    return render(
        request,
        "assessments/round_detail.html",
        {
            "round": round_,
            "respondents": respondents,
            "item_total": round_.framework_version.items().count(),
            "can_manage": can_manage,
            "form": form,
            "respondent": respondent_for(request.user, round_),
        },
        status=status,
    )


@login_required
def round_detail(request, round_id):
    return _render_detail(request, get_round_for(request.user, round_id))


@login_required
@require_POST
def respondent_add(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.manage_round")
    form = RespondentForm(request.POST, people=invitable_people(round_))
    if form.is_valid():
        try:
            respondent = actions.invite_respondent(
                round_,
                user=form.cleaned_data["user"],
                group=form.cleaned_data["group"],
                by=request.user,
                round_url=request.build_absolute_uri(reverse("assessments:answer", args=[round_.pk])),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been asked to answer and has got an e-mail.") % {"name": respondent.user},
            )
            return redirect("assessments:round_detail", round_id=round_.pk)
    return _render_detail(request, round_, form=form, status=400)


@login_required
@require_POST
def respondent_remove(request, respondent_id):
    respondent = get_respondent_to_remove(request.user, respondent_id)
    round_ = respondent.round
    try:
        actions.remove_respondent(respondent, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer a respondent.") % {"name": respondent.user})
    return redirect("assessments:round_detail", round_id=round_.pk)


@login_required
@require_POST
def round_close(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.manage_round")
    try:
        actions.close_round(round_, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The round is closed. Answers can no longer be changed."))
    return redirect("assessments:round_detail", round_id=round_.pk)


@login_required
@require_POST
def round_reopen(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.manage_round")
    actions.reopen_round(round_, by=request.user)
    messages.success(request, _("The round is open again. Respondents can change their answers."))
    return redirect("assessments:round_detail", round_id=round_.pk)


@login_required
@require_POST
def round_sharing(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.manage_round")
    shares = SharingForm(request.POST).shares_with_region
    actions.set_sharing(round_, shares=shares, by=request.user)
    if shares:
        messages.success(request, _("The region can now see the round's levels per area once it is closed."))
    else:
        messages.success(request, _("The round is no longer shared with the region."))
    return redirect("assessments:round_detail", round_id=round_.pk)
