"""The organisation tree (Region → Municipality → unit, plus partners) and who belongs where."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kedja.core.identifiers import (
    validate_municipality_code_no,
    validate_municipality_code_se,
    validate_org_number,
    validate_org_number_no,
    validate_school_unit_code,
)

from .naming import municipality_name, role_in_sentence
from .roles import Kind, Role


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")


class OrganisationQuerySet(models.QuerySet):
    def descendants_of(self, org: "Organisation", *, include_self: bool = True):
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def under_any(self, paths: list[str]):
        """Organisations at or below any of these tree paths."""
        if not paths:
            return self.none()
        q = Q()
        for path in paths:
            q |= Q(path__startswith=path)
        return self.filter(q)


class Organisation(models.Model):
    """One node of the tree. `path` is a materialised path ("/12/40/") so that "everything below" is one
    indexed prefix query on both SQLite and PostgreSQL."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.SWEDEN)
    code = models.CharField(
        _("official code"),
        max_length=8,
        blank=True,
        help_text=_("County code for a region, municipality code for a municipality."),
    )
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    school_unit_code = models.CharField(
        _("school-unit code"), max_length=8, blank=True, validators=[validate_school_unit_code]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        help_text=_("PNG or JPEG, at most 1 MB. Shown on the strategy and follow-up documents."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "code"],
                condition=~Q(code=""),
                name="organisation_official_code_unique",
            ),
            models.UniqueConstraint(
                fields=["school_unit_code"], condition=~Q(school_unit_code=""), name="school_unit_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(school_unit_code="") | Q(kind="school_unit"),
                name="school_unit_code_only_on_units",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(kind__in=["region", "partner"]),
                name="regions_and_partners_are_roots",
            ),
        ]

    def __str__(self):
        """The proper name people write ("Örebro kommun"); `name` keeps the reference data's place name."""
        if self.kind == Kind.MUNICIPALITY:
            return municipality_name(self.name, country=self.country, code=self.code)
        return self.name

    def save(self, *args, **kwargs):
        """Keeps `path` true: set after the first insert, and rewritten for the subtree when moved."""
        super().save(*args, **kwargs)
        expected = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if self.path != expected:
            old = self.path
            Organisation.objects.filter(pk=self.pk).update(path=expected)
            if old:
                for child in Organisation.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Organisation.objects.filter(pk=child.pk).update(path=expected + child.path[len(old) :])
            self.path = expected

    def clean_fields(self, exclude=None):
        """Identifiers are checked by the rules of the organisation's country (docs/domain.md, "People and
        organisations"); only fields being validated (not excluded, e.g. by a form that does not show them)
        are checked."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        norwegian = self.country == Country.NORWAY
        checks = {
            "org_number": (validate_org_number_no if norwegian else validate_org_number)
            if self.org_number
            else None,
            "code": (validate_municipality_code_no if norwegian else validate_municipality_code_se)
            if self.kind == Kind.MUNICIPALITY and self.code
            else None,
        }
        for name, check in checks.items():
            if check is None or name in exclude or name in errors:
                continue
            try:
                check(getattr(self, name))
            except ValidationError as e:
                errors[name] = e.error_list
        if errors:
            raise ValidationError(errors)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        return Organisation.objects.filter(pk__in=self.ancestor_ids()[:-1]).order_by("path")

    def region(self):
        ids = self.ancestor_ids()
        return Organisation.objects.filter(pk__in=ids, kind=Kind.REGION).first()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True, organisation__is_active=True)


class Membership(models.Model):
    """A person's role in one organisation. A person may have several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__path", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    def working_as(self) -> str:
        """'You are working as principal at Björkskolan.' — in a region or municipality, 'in'."""
        values = {"role": role_in_sentence(str(self.get_role_display())), "org": self.organisation}
        if self.organisation.kind in (Kind.REGION, Kind.MUNICIPALITY):
            return gettext("You are working as %(role)s in %(org)s.") % values
        return gettext("You are working as %(role)s at %(org)s.") % values

    def now_working_as(self) -> str:
        """The same, said when the person has just switched to this role."""
        values = {"role": role_in_sentence(str(self.get_role_display())), "org": self.organisation}
        if self.organisation.kind in (Kind.REGION, Kind.MUNICIPALITY):
            return gettext("You now work as %(role)s in %(org)s.") % values
        return gettext("You now work as %(role)s at %(org)s.") % values


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed invitation to a role. Only the token's hash is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """Who did what to which organisation's people, and when. Written by the action functions only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb}"
