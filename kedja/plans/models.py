"""The action plan (handlingsplan, docs/plans.md): actions that answer goals, gaps and priority assessment
items, adopted as dated frozen versions and followed up against the adopted one; and the documents Kedja
produces from the whole chain (strategy, follow-up report) as files kept for download.

An Action belongs to the organisation whose plan it is (a municipality, or a region for its own plan). Its
`gaps` use the same cells as the gap analysis and Goal.gaps: {"stage": .., "area": ..} or
{"stage": .., "target_group": ..}.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.assessments.models import Priority
from kedja.frameworks.models import Node
from kedja.indicators.models import Goal
from kedja.organisations.models import Organisation


class ActionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="actions")
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    responsible_function = models.CharField(_("responsible function"), max_length=200, blank=True)
    responsible_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible people"),
        blank=True,
        related_name="plan_actions",
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partners"), blank=True, related_name="partner_in_actions"
    )
    resource_hours = models.PositiveIntegerField(_("time (hours)"), null=True, blank=True)
    resource_money = models.DecimalField(
        _("money (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    resource_note = models.CharField(_("other resources"), max_length=500, blank=True)
    starts = models.DateField(_("starts"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.DRAFT
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    gaps = models.JSONField(_("gaps answered"), default=list, blank=True)
    items = models.ManyToManyField(Node, verbose_name=_("framework items"), blank=True, related_name="+")
    priorities = models.ManyToManyField(
        Priority, verbose_name=_("priority assessment items"), blank=True, related_name="actions"
    )
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["organisation", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(due__isnull=True) | Q(starts__isnull=True) | Q(due__gte=models.F("starts")),
                name="action_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.title


class PlanVersion(models.Model):
    """An adopted action plan: a dated, frozen copy of the actions (and their goals and gaps) with who adopted
    it. Follow-up compares the current actions against the latest adopted version."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted on"))
    adopted_by_body = models.CharField(
        _("adopted by"), max_length=300, help_text=_("E.g. the education committee, or the head of schools.")
    )
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("adopted plan")
        verbose_name_plural = _("adopted plans")
        ordering = ["organisation", "-number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="plan_version_unique")]

    def __str__(self):
        return f"{self.title} v{self.number} ({self.adopted_on})"


class Document(models.Model):
    """A generated document kept for download: made by a background task when it takes longer than a
    request should, with its progress visible meanwhile."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("STEAM strategy and action plan")
        FOLLOW_UP = "follow_up", _("Follow-up report")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="documents/%Y/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="document_progress_at_most_100")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.format}, {self.status})"
