"""Every change to organisations and memberships goes through one of these functions
(docs/adding-a-feature.md): atomic, checked against the access layer's rules, and written to the audit log."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kedja.accounts.actions import end_sessions
from kedja.accounts.models import User
from kedja.core.concurrency import EditConflict, save_versioned
from kedja.core.identifiers import canonical_email

from .models import AuditEvent, Invitation, Membership, Organisation, hash_token
from .roles import roles_for_kind


def record_event(verb: str, *, by, organisation: Organisation | None, **detail) -> None:
    AuditEvent.objects.create(
        actor=by if by and by.pk else None, organisation=organisation, verb=verb, detail=detail
    )


def _check_grant(role: str, org: Organisation, grantable: tuple[str, ...]) -> None:
    if role not in roles_for_kind(org.kind):
        raise ValidationError({"role": _("This role does not exist at this kind of organisation.")})
    if role not in grantable:
        raise PermissionDenied(_("You cannot grant a role you do not administer."))


@transaction.atomic
def invite_person(
    org: Organisation,
    *,
    email: str,
    full_name: str,
    role: str,
    grantable: tuple[str, ...],
    by: User,
    accept_url,
) -> Invitation:
    """Create an invitation and e-mail its link. `grantable` comes from organisations.access.grantable_roles;
    `accept_url(token)` builds the absolute link."""
    _check_grant(role, org, grantable)
    email = canonical_email(email)
    if Membership.objects.filter(user__email=email, organisation=org, role=role, is_active=True).exists():
        raise ValidationError({"email": _("This person already has this role here.")})
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        organisation=org,
        email=email,
        full_name=full_name.strip(),
        role=role,
        token_hash=hash_token(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    existing = User.objects.filter(email=email).first()
    language = existing.language if existing else translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"invitation": invitation, "url": accept_url(token), "by": by}
        send_mail(
            subject=_("Invitation to Kedja: %(org)s") % {"org": org.name},
            message=render_to_string("organisations/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    record_event("invitation.created", by=by, organisation=org, email=email, role=role)
    return invitation


def find_open_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=hash_token(token)).first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def accept_invitation(
    invitation: Invitation, *, user: User | None = None, password: str = "", full_name: str = ""
):
    """Turn an open invitation into a membership. An existing person must be signed in as the invited
    address; a new person chooses a password here. Returns (user, membership)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or has already been used."))
    if user is None:
        if User.objects.filter(email=canonical_email(invitation.email)).exists():
            raise ValidationError(_("An account with this e-mail address exists. Sign in to accept."))
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name or invitation.full_name
        )
    elif canonical_email(user.email) != canonical_email(invitation.email):
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        defaults={"is_active": True, "created_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        "invitation.accepted",
        by=user,
        organisation=invitation.organisation,
        email=user.email,
        role=invitation.role,
    )
    return user, membership


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event("invitation.revoked", by=by, organisation=invitation.organisation, email=invitation.email)


@transaction.atomic
def change_membership(
    membership: Membership,
    *,
    role: str,
    title: str,
    expected_version: int,
    grantable: tuple[str, ...],
    by: User,
) -> None:
    """Change a membership's role or title; raises EditConflict if someone else changed it meanwhile."""
    _check_grant(role, membership.organisation, grantable)
    if membership.user_id == by.pk and role != membership.role:
        raise ValidationError({"role": _("You cannot change your own role.")})
    old_role = membership.role
    membership.role = role
    membership.title = title.strip()
    save_versioned(membership, expected_version=expected_version, update_fields=["role", "title"])
    record_event(
        "membership.changed",
        by=by,
        organisation=membership.organisation,
        user=membership.user.email,
        old_role=old_role,
        role=role,
    )


@transaction.atomic
def end_membership(membership: Membership, *, by: User) -> None:
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot remove your own membership."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record_event("membership.ended", by=by, organisation=membership.organisation, user=membership.user.email)


@transaction.atomic
def deactivate_person(person: User, *, by: User) -> int:
    """Stop a person signing in anywhere and end all their sessions on the server. Returns sessions ended."""
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.save(update_fields=["is_active", "deactivated_at"])
    ended = end_sessions(person)
    record_event("person.deactivated", by=by, organisation=None, user=person.email, sessions_ended=ended)
    return ended


@transaction.atomic
def update_organisation(org: Organisation, *, data: dict, expected_version: int, by: User) -> None:
    """Save edited details; raises EditConflict when someone else saved first."""
    fields = [name for name in ("name", "org_number", "school_unit_code", "email", "website") if name in data]
    for name in fields:
        setattr(org, name, data[name])
    # The stored name from the database: a ModelForm has already put a new upload on `org`.
    stored, previous = (
        None,
        Organisation.objects.filter(pk=org.pk).values_list("logo", flat=True).first() or "",
    )
    if "logo" in data:  # a new upload, False to remove, or the stored file unchanged
        org._meta.get_field("logo").save_form_data(org, data["logo"])
        fields.append("logo")
        logo_name = org.logo.name
        # save_versioned writes by UPDATE: store the file first (Django's own pre_save reads _committed too)
        if logo_name and not org.logo._committed:  # type: ignore[attr-defined]  # FieldFile's stubs lack it
            org.logo.save(logo_name, org.logo.file, save=False)
            stored = org.logo.name
    try:
        save_versioned(org, expected_version=expected_version, update_fields=fields)
    except EditConflict:
        if stored:
            org.logo.storage.delete(stored)  # nothing was saved, so the new file is not kept either
        raise
    if previous and previous != (org.logo.name if org.logo else ""):
        # The replaced or removed file goes once the change is committed (a rollback keeps both).
        storage = org._meta.get_field("logo").storage
        transaction.on_commit(lambda: storage.delete(previous))
    record_event("organisation.changed", by=by, organisation=org, fields=fields)
