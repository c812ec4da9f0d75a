"""Organisation pages: details, people and invitations. Thin: the access layer fetches, forms validate,
actions change."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kedja.accounts.models import User
from kedja.accounts.sessions import record_session
from kedja.core.files import download_response
from kedja.core.forms import CONFLICT, ConfirmForm, apply_errors, refreshed
from kedja.core.identifiers import canonical_email
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE

from . import access, actions, exports
from .access import get_invitation_for, get_membership_for, require_org_perm
from .forms import AcceptInvitationForm, InviteForm, MembershipForm, OrganisationForm


def _crumbs(request, org) -> dict:
    """The breadcrumb links to the organisations above `org`: only those this person may open."""
    return {"openable_ancestors": access.openable_ancestors(request.user, org)}


@require_org_perm("organisations.view_organisation")
def organisation_detail(request, org):
    """The part of the tree below `org` that this person may see."""
    children = access.visible_children(request.user, org).order_by("kind", "name")
    return render(
        request, "organisations/detail.html", {"org": org, "children": children, **_crumbs(request, org)}
    )


@require_org_perm("organisations.change_organisation")
def organisation_edit(request, org):
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=org)
    if request.method == "POST" and form.is_valid():
        with form.saving(current=lambda: refreshed(org)):
            actions.update_organisation(
                org, data=form.cleaned_data, expected_version=form.expected_version, by=request.user
            )
            messages.success(request, _("The details have been saved."))
            return redirect("organisations:detail", org_id=org.pk)
    if form.conflict:
        return render(
            request,
            "organisations/edit.html",
            {"org": org, "form": form, "current": org, **_crumbs(request, org)},
            status=CONFLICT,
        )
    return render(request, "organisations/edit.html", {"org": org, "form": form, **_crumbs(request, org)})


@require_org_perm("organisations.view_members")
def member_list(request, org):
    grantable = access.grantable_roles(request.user, org)
    form = InviteForm(request.POST or None, roles=grantable)
    if request.method == "POST":
        access.require(request.user, "organisations.manage_members", org)
        if form.is_valid():
            try:
                actions.invite_person(
                    org,
                    **form.cleaned_data,
                    grantable=grantable,
                    by=request.user,
                    accept_url=lambda token: request.build_absolute_uri(
                        reverse("organisations:accept_invitation", args=[token])
                    ),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("organisations:members", org_id=org.pk)
    members = exports.active_memberships(org)
    invitations = org.invitations.filter(accepted_at=None, revoked_at=None).select_related("invited_by")
    return render(
        request,
        "organisations/members.html",
        {
            "org": org,
            "members": members,
            "invitations": invitations,
            "form": form,
            "can_manage": bool(grantable),
            **_crumbs(request, org),
        },
        status=400 if form.errors else 200,
    )


@require_org_perm("organisations.view_members")
@require_safe
def member_list_xlsx(request, org):
    """The people page's list as an Excel file, for those who see the page."""
    name = exports.filename(org, today=timezone.localdate())
    return download_response(exports.members_workbook(org), filename=name, content_type=XLSX_CONTENT_TYPE)


@login_required
def membership_edit(request, membership_id):
    membership = get_membership_for(request.user, membership_id)
    org = membership.organisation
    grantable = access.grantable_roles(request.user, org)
    form = MembershipForm(
        request.POST or None,
        roles=grantable,
        initial={"role": membership.role, "title": membership.title, "version": membership.version},
    )
    own = membership.user_id == request.user.pk
    if own:  # nobody changes or removes their own role (actions refuse it): the page does not offer it
        form.fields["role"].disabled = True
    status = 200
    if request.method == "POST" and form.is_valid():
        with form.saving(current=lambda: refreshed(membership)):
            actions.change_membership(
                membership,
                role=form.cleaned_data["role"],
                title=form.cleaned_data["title"],
                expected_version=form.expected_version,
                grantable=grantable,
                by=request.user,
            )
            messages.success(request, _("The membership has been updated."))
            return redirect("organisations:members", org_id=org.pk)
        status = form.response_status
    person_memberships = list(membership.user.memberships.active().select_related("organisation"))
    return render(
        request,
        "organisations/membership_edit.html",
        {
            "org": org,
            "membership": membership,
            "form": form,
            "can_deactivate": access.may_deactivate(request.user, membership.user, person_memberships),
            "own": own,
            **_crumbs(request, org),
        },
        status=status if form.errors else 200,
    )


@login_required
@require_POST
def membership_end(request, membership_id):
    membership = get_membership_for(request.user, membership_id)
    try:
        actions.end_membership(membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s no longer has this role.") % {"name": membership.user})
    return redirect("organisations:members", org_id=membership.organisation_id)


@login_required
@require_POST
def person_deactivate(request, membership_id):
    membership = get_membership_for(request.user, membership_id)
    access.require(request.user, access.may_deactivate_person, membership)
    person = membership.user
    if not ConfirmForm(
        request.POST
    ).confirmed:  # one click only asks; the second, on the page that says what it does
        return render(
            request,
            "organisations/person_deactivate_confirm.html",
            {
                "org": membership.organisation,
                "membership": membership,
                **_crumbs(request, membership.organisation),
            },
        )
    actions.deactivate_person(person, by=request.user)
    messages.success(
        request, _("%(name)s has been deactivated and signed out everywhere.") % {"name": person}
    )
    return redirect("organisations:members", org_id=membership.organisation_id)


@login_required
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = get_invitation_for(request.user, invitation_id)
    actions.revoke_invitation(invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}
    )
    return redirect("organisations:members", org_id=invitation.organisation_id)


def accept_invitation(request, token):
    """Public: the link in the invitation e-mail. A new person chooses name and password; a person with an
    account must be signed in as the invited address."""
    invitation = actions.find_open_invitation(token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=canonical_email(invitation.email)).exists()
    form = (
        None
        if existing
        else AcceptInvitationForm(
            request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
        )
    )
    if request.method == "POST":
        try:
            if existing:
                if not request.user.is_authenticated:
                    return redirect(f"{reverse('accounts:login')}?next={request.path}")
                actions.accept_invitation(invitation, user=request.user)
                user = request.user
            elif form.is_valid():
                user, _membership = actions.accept_invitation(
                    invitation,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                record_session(user, request.session, user_agent=request.headers.get("User-Agent", ""))
            else:
                user = None
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            user = None
        if user is not None:
            access.forget(user)
            messages.success(
                request, _("Welcome! You now have a role at %(org)s.") % {"org": invitation.organisation}
            )
            return redirect("home:start")
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": existing},
        status=400 if form is not None and form.errors else 200,
    )
