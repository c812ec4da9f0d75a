"""Kolada statistics as fetched (docs/domain.md, "Goals and statistics"): the KPI catalogue, stored values
with source and time, the revisions a re-fetch made, and a record of each fetch so a page can show progress
and failures.

Kedja works from these tables when Kolada is unreachable; nothing here is computed, only stored.
Field names follow the Kolada v3 API (docs/indicators.md, "KPIs and areas", "Values").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SOURCE_KOLADA = "kolada"


class Kpi(models.Model):
    """One Kolada key figure (nyckeltal), e.g. N15419. `curated` marks the shipped STEAM starting set."""

    id = models.CharField(_("Kolada id"), max_length=16, primary_key=True)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    operating_area = models.CharField(_("operating area"), max_length=120, blank=True)
    perspective = models.CharField(_("perspective"), max_length=120, blank=True)
    has_ou_data = models.BooleanField(_("has unit-level data"), default=False)
    is_divided_by_gender = models.BooleanField(_("divided by gender"), default=False)
    municipality_type = models.CharField(
        _("municipality type"), max_length=1, blank=True, help_text=_("K municipality, L region, A both.")
    )
    publ_period = models.CharField(_("publication period"), max_length=16, blank=True)
    publication_date = models.CharField(_("publication date"), max_length=16, blank=True)
    category = models.CharField(_("category"), max_length=80, blank=True)
    curated = models.BooleanField(_("curated"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # id, title and description in lower case (Python's lower(), which knows Å/Ä/Ö): SQLite's LIKE folds
    # only ASCII letters, so the catalogue search matches "Åk 9" and "åk 9" on every database through this.
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("Kolada KPI")
        verbose_name_plural = _("Kolada KPIs")
        ordering = ["id"]

    def __str__(self):
        return f"{self.id} {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = search_text(self.id, self.title, self.description)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


def search_text(*parts) -> str:
    return " ".join(str(p or "") for p in parts).lower()


class KpiValue(models.Model):
    class AreaType(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality, region or country")
        OU = "ou", _("Organisational unit")

    class Gender(models.TextChoices):
        TOTAL = "T", _("Total")
        WOMEN = "K", _("Women")
        MEN = "M", _("Men")

    # No separate index: the unique key (kpi, area_type, area_code, period, gender) leads with it, and a
    # bulk import maintains one index fewer (kedja/kolada/store.py).
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values", db_index=False)
    area_type = models.CharField(_("area type"), max_length=12, choices=AreaType.choices)
    area_code = models.CharField(
        _("area code"),
        max_length=32,
        help_text=_('Kolada id: municipality code ("1880"), region ("0018"), Sweden ("0000") or unit id.'),
    )
    period = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    value = models.FloatField(
        _("value"), null=True, blank=True, help_text=_("Empty when Kolada has no value.")
    )
    count = models.IntegerField(_("count"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=20, default=SOURCE_KOLADA)
    fetched_at = models.DateTimeField(_("fetched"))
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("Kolada value")
        verbose_name_plural = _("Kolada values")
        ordering = ["kpi", "area_type", "area_code", "period", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "area_type", "area_code", "period", "gender"], name="kolada_value_key"
            ),
            models.CheckConstraint(condition=Q(gender__in=["T", "K", "M"]), name="kolada_value_gender"),
        ]

    def __str__(self):
        return f"{self.kpi_id} {self.area_code} {self.period} {self.gender}: {self.value}"


class FetchRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Finished")
        FAILED = "failed", _("Failed")

    kpi_ids = models.JSONField(_("KPIs"), default=list)
    area_codes = models.JSONField(_("areas"), default=list)
    years = models.JSONField(_("years"), default=list)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    # Whose fetch it is (None: the schedule or a command): only people who see the organisation see the run.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Kolada fetch")
        verbose_name_plural = _("Kolada fetches")
        ordering = ["-started_at"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="kolada_fetch_progress")]

    def __str__(self):
        return f"Kolada fetch {self.pk} ({self.status}, {self.progress}%)"


class KpiValueRevision(models.Model):
    """The value a re-fetch replaced: Kolada revises published figures, and a report made earlier must be
    explainable."""

    kpi_value = models.ForeignKey(KpiValue, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField(_("revision replaced"))
    old_value = models.FloatField(null=True, blank=True)
    old_count = models.IntegerField(null=True, blank=True)
    old_status = models.CharField(max_length=40, blank=True)
    old_fetched_at = models.DateTimeField()
    new_value = models.FloatField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    fetch_run = models.ForeignKey(
        FetchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Kolada value revision")
        verbose_name_plural = _("Kolada value revisions")
        ordering = ["kpi_value", "revision"]

    def __str__(self):
        return f"{self.kpi_value_id} r{self.revision}: {self.old_value} → {self.new_value}"
