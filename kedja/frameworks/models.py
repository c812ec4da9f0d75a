"""Frameworks are data (docs/framework-format.md): a versioned tree of areas → items, owned by an
organisation.

A framework has versions; a version is a draft until published, then frozen. Assessments point at the
published version they were made against, so editing and republishing never changes an old result.
Nodes keep the source's own numbering ("1", "a", "g" — gaps included); `code` is the full path ("1.g").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.core.texts import pick
from kedja.organisations.models import Organisation


class Framework(models.Model):
    key = models.SlugField(_("key"), max_length=80)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
        help_text=_("Empty for the frameworks shipped with Kedja."),
    )
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="framework_key_per_owner"),
            models.UniqueConstraint(fields=["key"], condition=Q(owner=None), name="shipped_framework_key"),
        ]

    def __str__(self):
        return pick(self.title) or self.key

    @property
    def shipped(self) -> bool:
        return self.owner_id is None

    def latest_published(self):
        return self.versions.filter(status=FrameworkVersion.Status.PUBLISHED).order_by("-number").first()

    def draft(self):
        return self.versions.filter(status=FrameworkVersion.Status.DRAFT).order_by("-number").first()


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    source = models.TextField(_("source"), blank=True)
    # target group -> the stages it exists in (chain.group_exists); a group not named exists at every stage
    target_group_stages = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_number")
        ]

    def __str__(self):
        return f"{self.framework} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def areas(self):
        return self.nodes.filter(parent=None).order_by("position")

    def items(self):
        return self.nodes.filter(kind=Node.Kind.ITEM).order_by("position")


class Node(models.Model):
    class Kind(models.TextChoices):
        AREA = "area", _("Area")
        GROUP = "group", _("Group")
        ITEM = "item", _("Item")

    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    number = models.CharField(
        _("number"), max_length=12, help_text=_("The source's own numbering, e.g. 1 or g.")
    )
    code = models.CharField(_("code"), max_length=80, editable=False)
    position = models.PositiveIntegerField(
        default=0, help_text="Order within the whole version (depth-first)."
    )
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # where it applies (chain.Applies): {} as its parent, {"scope": "organisation"}, or stages/target_groups
    applies = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        ordering = ["framework_version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "code"], name="node_code_per_version")
        ]

    def __str__(self):
        return f"{self.code} {pick(self.title)}"

    @property
    def area_code(self) -> str:
        return self.code.split(".")[0]

    @property
    def depth(self) -> int:
        return self.code.count(".")


class Publication(models.Model):
    """A region offers a published framework version to all its municipalities."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="publications")
    region = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="framework_publications")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "region"], name="publication_once_per_region")
        ]

    def __str__(self):
        return f"{self.version} → {self.region}"
