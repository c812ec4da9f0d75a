"""Initiatives (insatser) along the education chain (docs/domain.md, "Mapping and gaps") — what a municipality
already does, mapped so that the gap analysis can show where the chain has holes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.frameworks.chain import Stage, TargetGroup
from kedja.frameworks.models import Framework, Node
from kedja.organisations.models import Organisation

# Groups statistically under-represented in STEAM (framework item 6a; docs/gap-analysis.md): gaps here rank
# higher.
UNDER_REPRESENTED = frozenset(
    {
        TargetGroup.GIRLS_WOMEN,
        TargetGroup.NO_STUDY_TRADITION,
        TargetGroup.NEWLY_ARRIVED,
        TargetGroup.NEET,
        TargetGroup.DISABILITIES,
    }
)


class Funding(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary budget")
    PROJECT = "project", _("Project money")
    GRANT = "grant", _("External grant")


class EvidenceBase(models.TextChoices):
    RESEARCH = "research", _("Research")
    EXPERIENCE = "experience", _("Proven experience")
    NONE = "none", _("None yet")


class Sharing(models.TextChoices):
    MUNICIPALITY = "municipality", _("Only my municipality")
    REGION = "region", _("My municipality and the region")
    ALL = "all", _("The region and its other municipalities")


class Initiative(models.Model):
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="initiatives",
        help_text="The municipality it belongs to.",
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
        help_text=_("The municipality itself or one of its administrations or units."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    responsible_function = models.CharField(_("responsible function"), max_length=200, blank=True)
    named_people = models.TextField(
        _("named people"), blank=True, max_length=1000, help_text=_("One person per line.")
    )
    stages = models.JSONField(_("stages of the chain"), default=list)
    target_groups = models.JSONField(_("target groups"), default=list)
    items = models.ManyToManyField(
        Node, verbose_name=_("framework items served"), blank=True, related_name="+"
    )
    partners = models.TextField(
        _("partners"), blank=True, max_length=1000, help_text=_("One partner per line.")
    )
    funding = models.CharField(_("funding"), max_length=12, choices=Funding.choices, default=Funding.ORDINARY)
    funding_ends = models.DateField(_("funding ends"), null=True, blank=True)
    starts = models.DateField(_("starts"), null=True, blank=True)
    ends = models.DateField(_("ends"), null=True, blank=True)
    reach_total = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    reach_girls = models.PositiveIntegerField(_("of whom girls/women"), null=True, blank=True)
    reach_boys = models.PositiveIntegerField(_("of whom boys/men"), null=True, blank=True)
    # A third category as Swedish surveys that include non-binary people ask it ("annat kön", e.g. non-binary)
    reach_other = models.PositiveIntegerField(
        _("of whom another gender (e.g. non-binary)"), null=True, blank=True
    )
    evidence_base = models.CharField(
        _("evidence base"), max_length=12, choices=EvidenceBase.choices, default=EvidenceBase.NONE
    )
    follow_up = models.CharField(
        _("follow-up indicator"), max_length=300, blank=True, help_text=_("How the effect is followed up.")
    )
    sharing = models.CharField(
        _("visible to"), max_length=12, choices=Sharing.choices, default=Sharing.REGION
    )
    # Kept in step by actions.save_initiative, so matrices are one grouped query:
    robust = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "sharing"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(starts__isnull=True) | Q(ends__gte=models.F("starts")),
                name="initiative_period_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def people(self) -> list[str]:
        return [line.strip() for line in self.named_people.splitlines() if line.strip()]


class Cell(models.Model):
    """One (stage, area) and (stage, target group) an initiative covers: a denormalised index written by
    actions.save_initiative, so the gap matrices of a whole region are one grouped query."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="cells")
    municipality = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, null=True, related_name="+")
    area = models.CharField(max_length=20, blank=True)  # framework area code ("" for a target-group cell)
    target_group = models.CharField(max_length=24, blank=True)
    robust = models.BooleanField(default=False)
    sharing = models.CharField(max_length=12, choices=Sharing.choices)
    ends = models.DateField(null=True)  # the initiative's end: cells of ended initiatives do not count

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "framework", "stage", "area"]),
            models.Index(fields=["municipality", "stage", "target_group"]),
            # covers the region's grouped query, which then never reads the table (bench: 46 → 26 ms)
            models.Index(
                fields=[
                    "municipality",
                    "framework",
                    "stage",
                    "sharing",
                    "robust",
                    "ends",
                    "initiative",
                    "area",
                ],
                name="cell_region_covering",
            ),
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.stage} {self.area or self.target_group}"
