"""Calls, applications, review, selection and the programme that follows (docs/domain.md, "Calls";
docs/calls.md).

A region (or any organiser) publishes a Call with a form built from CallFields and weighted Criteria; an
eligible organisation's people write one Application together (a draft until submitted); assigned reviewers
score it per criterion unless they declare a conflict of interest; the organiser decides within the number
of places and publishes the decision; accepted applicants become Participants of the call's Programme
with its meetings and a deliverable.

Times are stored aware (UTC) and shown in Europe/Stockholm; every deadline check uses the server's clock
(kedja.calls.rules).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.organisations.models import Organisation


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DECIDED = "decided", _("Decision published")
        CANCELLED = "cancelled", _("Cancelled")

    class Eligible(models.TextChoices):
        MUNICIPALITIES_BELOW = "municipalities_below", _("The organiser's municipalities")
        LISTED = "listed", _("The organisations listed")

    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calls_organised")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=20000,
        help_text=_("Formatted text: paragraphs, lists, **bold**, links."),
    )
    eligible = models.CharField(
        _("who may apply"), max_length=24, choices=Eligible.choices, default=Eligible.MUNICIPALITIES_BELOW
    )
    eligible_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("eligible organisations"), blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    decision_by = models.DateField(_("decision announced by"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(_("number of places"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), blank=True, related_name="calls_to_review"
    )
    template_key = models.CharField(
        max_length=60, blank=True, help_text=_("The shipped template it was made from.")
    )
    published_at = models.DateTimeField(null=True, blank=True)
    decision_published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="call_has_places"),
        ]

    def __str__(self):
        return self.title


class FieldKind(models.TextChoices):
    HEADING = "heading", _("Section heading")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    ORG_NUMBER = "org_number", _("Organisation number")
    PERSON = "person", _("Person (name and title)")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File upload")
    DECLARATION = "declaration", _("Declaration (must be ticked)")


class CallField(models.Model):
    """One field of a call's form, in order. `key` names the answer in Application.answers; a heading has
    no answer. `max_chars` limits a long text counted as the applicant sees it (kedja.calls.rules)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=FieldKind.choices)
    label = models.CharField(_("label"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True, max_length=3000)
    required = models.BooleanField(_("required"), default=True)
    max_chars = models.PositiveIntegerField(_("character limit"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["call", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="call_field_key_unique")]

    def __str__(self):
        return self.label


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=300)
    guidance = models.TextField(_("guidance for reviewers"), blank=True, max_length=3000)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive")]

    def __str__(self):
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Decision(models.TextChoices):
        NONE = "", _("Not decided")
        ACCEPTED = "accepted", _("Accepted")
        RESERVE = "reserve", _("Reserve")
        REJECTED = "rejected", _("Not accepted")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("received"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=30, blank=True)
    # When the receipt / decision e-mails went out (tasks.py): a retried task does not send them twice.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default="", blank=True
    )
    justification = models.TextField(_("justification"), blank=True, max_length=5000)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "submitted_at", "pk"]
        constraints = [
            # One application per organisation and call (a withdrawn one may be followed by a new one).
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~Q(status="withdrawn"),
                name="one_application_per_call",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.call}"


class ApplicationFile(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    field_key = models.SlugField(max_length=60)
    file = models.FileField(upload_to="calls/%Y/")
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self):
        return self.name


class Review(models.Model):
    """One reviewer's work on one application: a declared conflict of interest, or scores per criterion.
    Until `submitted_at` is set the reviewer sees no other reviewer's scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_reviews"
    )
    conflict = models.BooleanField(_("conflict of interest"), default=False)
    conflict_reason = models.CharField(_("reason"), max_length=500, blank=True)
    comment = models.TextField(_("overall comment"), blank=True, max_length=5000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.application}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class Programme(models.Model):
    """What follows a call: the accepted organisations meet, work between meetings and deliver."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="programme")
    title = models.CharField(_("title"), max_length=300)
    starts = models.DateField(_("starts"), null=True, blank=True)
    ends = models.DateField(_("ends"), null=True, blank=True)
    resource_persons = models.TextField(
        _("resource persons"),
        blank=True,
        max_length=3000,
        help_text=_("Who leads the work, e.g. the national centre."),
    )
    steering_group = models.TextField(_("steering group"), blank=True, max_length=3000)
    deliverable_title = models.CharField(_("deliverable"), max_length=300, blank=True)
    deliverable_due = models.DateField(_("deliverable due"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.title


class Meeting(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty: to be confirmed."))
    month = models.DateField(_("month, if the date is not set"), null=True, blank=True)
    starts = models.TimeField(_("starts"), null=True, blank=True)
    ends = models.TimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Empty: to be confirmed."))
    position = models.PositiveIntegerField(default=0)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("Bumped on every change (iCalendar SEQUENCE).")
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["programme", "position", "date", "pk"]

    def __str__(self):
        return self.title


class Participant(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="participant")
    deliverable_status = models.CharField(
        _("deliverable status"),
        max_length=12,
        choices=[("not_started", _("Not started")), ("in_progress", _("In progress")), ("delivered", _("Delivered")),
                 ("approved", _("Approved"))],
        default="not_started",
    )  # fmt: skip
    deliverable_file = models.FileField(upload_to="programmes/%Y/", blank=True)
    deliverable_uploaded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="one_participation_per_programme"
            )
        ]

    def __str__(self):
        return str(self.organisation)
