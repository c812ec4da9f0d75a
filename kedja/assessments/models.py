"""Self-assessment rounds (docs/domain.md, "Frameworks and self-assessment"): a municipality assesses itself
against a published framework version; several respondents answer each item on the 0–4 maturity scale."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.frameworks.models import FrameworkVersion, Node
from kedja.organisations.models import Organisation


class Level(models.IntegerChoices):
    """The explained maturity scale. "Don't know" is stored as no level with `dont_know` set."""

    NOT_STARTED = 0, _("0 – Not started")
    STARTED = 1, _("1 – Started")
    PARTLY = 2, _("2 – Partly established")
    ESTABLISHED = 3, _("3 – Established")
    SYSTEMATIC = 4, _("4 – Systematic and lasting")


LEVEL_HELP = {
    0: _("Nothing is done yet, or only by chance."),
    1: _("First steps are taken, by some people or in some places."),
    2: _("Established in parts of the organisation, but not everywhere or not for all."),
    3: _("Established across the organisation, with responsibility and routines."),
    4: _("Systematic and lasting: followed up, improved, independent of individuals and project money."),
}


class RespondentGroup(models.TextChoices):
    EDUCATION = "education", _("Education")
    BUSINESS = "business", _("Business and growth")
    CULTURE = "culture", _("Culture and leisure")
    LABOUR = "labour", _("Labour market and skills supply")
    SCHOOL_LEADERS = "school_leaders", _("School leaders")
    OTHER = "other", _("Other")


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessment_rounds")
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(_("answer by"), null=True, blank=True)
    shares_with_region = models.BooleanField(
        _("share the result with the region"),
        default=False,
        help_text=_("The region sees the municipality's levels per area; other municipalities never do."),
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-opened_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def answered_q(prefix: str = "") -> Q:
    """An item counts as answered once it has a level or "don't know"; text alone is a draft. `prefix` is
    the path to the answers from the queried model ("answers" from respondents)."""
    path = f"{prefix}__" if prefix else ""
    return Q(**{f"{path}level__isnull": False}) | Q(**{f"{path}dont_know": True})


class RespondentQuerySet(models.QuerySet):
    def with_answered(self):
        """Each respondent with `answered`: the number of items they have answered (answered_q)."""
        return self.annotate(answered=Count("answers", filter=answered_q("answers")))


class AnswerQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_q())


class Respondent(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_roles"
    )
    group = models.CharField(_("respondent group"), max_length=20, choices=RespondentGroup.choices)
    invited_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        ordering = ["group", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="respondent_once_per_round")]

    def __str__(self):
        return f"{self.user} ({self.get_group_display()})"


class Answer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="answers")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)
    dont_know = models.BooleanField(_("don't know"), default=False)
    evidence = models.TextField(_("evidence"), blank=True, max_length=5000)
    links = models.TextField(
        _("links"), blank=True, max_length=2000, help_text=_("One web address per line.")
    )
    responsible_function = models.CharField(_("responsible function"), max_length=200, blank=True)
    next_step = models.TextField(_("next step"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["node__position"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "node"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=4), name="answer_level_0_4"
            ),
            models.CheckConstraint(
                condition=~(Q(dont_know=True) & Q(level__isnull=False)), name="answer_level_or_dont_know"
            ),
        ]

    def __str__(self):
        return f"{self.respondent} – {self.node.code}"

    @property
    def is_answered(self) -> bool:
        """answered_q for one answer in hand."""
        return self.level is not None or self.dont_know


def evidence_path(instance, filename):
    return f"evidence/{instance.answer.respondent.round_id}/{instance.answer_id}/{filename}"


class EvidenceFile(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name


class Priority(models.Model):
    """An item the coordinator marked as a priority from a round's result — an input to the action plan."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="priorities")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("why it is a priority"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["node__position"]
        constraints = [models.UniqueConstraint(fields=["round", "node"], name="priority_once_per_item")]

    def __str__(self):
        return f"{self.round}: {self.node.code}"
