"""Goals and indicators (docs/indicators.md): a goal tree per organisation, indicators that follow the goals
up, and their values per year — split by gender where the source has it.

The same Goal model carries a municipality's STEAM goals, a region's vision and a national initiative's
goal tree: only the kind of the owning organisation differs. Each indicator serves at most one goal (a
nullable foreign key, so an indicator can also stand on its own, e.g. a Kolada figure the municipality
watches before any goal uses it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.frameworks.models import Node
from kedja.organisations.models import Organisation


class GoalKind(models.TextChoices):
    MAIN_GOAL = "main_goal", _("Main goal")
    SUB_GOAL = "sub_goal", _("Sub-goal")
    ACTION = "action", _("Action")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Goal(models.Model):
    """One node of an organisation's goal tree: main goal → sub-goals → actions."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=GoalKind.choices, default=GoalKind.MAIN_GOAL)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    owner_function = models.CharField(_("responsible function"), max_length=200, blank=True)
    # A period given as years is stored as 1 January – 31 December.
    starts = models.DateField(_("starts"), null=True, blank=True)
    ends = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    items = models.ManyToManyField(Node, verbose_name=_("framework items"), blank=True, related_name="+")
    # The gaps a municipality's goal answers: [{"stage": "y7_9", "area": "3"}, {"stage": "f3",
    # "target_group": "girls_women"}] — the same (stage, area | target group) cells as the gap analysis.
    gaps = models.JSONField(_("gaps addressed"), default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["organisation", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(starts__isnull=True) | Q(ends__gte=models.F("starts")),
                name="goal_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind="main_goal", parent__isnull=True)
                | (~Q(kind="main_goal") & Q(parent__isnull=False)),
                name="goal_only_main_goals_are_roots",
            ),
        ]

    def __str__(self):
        return self.title


class Unit(models.TextChoices):
    PERCENT = "percent", _("Percent")
    COUNT = "count", _("Count")
    SCORE = "score", _("Score")
    RATIO = "ratio", _("Ratio")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("Higher is better")
    LOWER_BETTER = "lower_better", _("Lower is better")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    SURVEY = "survey", _("Survey")
    KOLADA = "kolada", _("Kolada")


class Gender(models.TextChoices):
    TOTAL = "total", _("Total")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")


class Indicator(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="indicators")
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True, max_length=5000)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PERCENT)
    # Empty means the unit's default range (status.default_range: percent 0–100, count from 0).
    unit_min = models.FloatField(_("lowest possible value"), null=True, blank=True)
    unit_max = models.FloatField(_("highest possible value"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=14, choices=Direction.choices, default=Direction.HIGHER_BETTER
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    kolada_kpi = models.CharField(
        _("Kolada KPI"), max_length=16, blank=True, help_text=_("The Kolada key figure id, e.g. N15419.")
    )
    area = models.CharField(
        _("Kolada area"),
        max_length=16,
        blank=True,
        help_text=_("Municipality or school-unit code in Kolada."),
    )
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.FloatField(_("target"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["organisation", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_min__isnull=True)
                | Q(unit_max__isnull=True)
                | Q(unit_max__gte=models.F("unit_min")),
                name="indicator_range_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(source="kolada") | ~Q(kolada_kpi=""), name="indicator_kolada_needs_kpi"
            ),
        ]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=5, choices=Gender.choices, default=Gender.TOTAL)
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "period", "gender"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "gender"], name="indicator_value_unique"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period} {self.gender}: {self.value}"


class TransitionChain(models.Model):
    """An organisation's chosen chain for the transitions view (framework area 7b): the steps as
    [{"key", "label": {"sv", "en", "nb"}, "kpi"}], in order. Empty `steps` follows the shipped default
    (data/transitions_default.yaml), so a reset keeps the row and its version for concurrent edits."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="transition_chain"
    )
    steps = models.JSONField(_("steps"), default=list, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("transition chain")
        verbose_name_plural = _("transition chains")

    def __str__(self):
        return f"{self.organisation}: {len(self.steps) or 'default'}"
