"""Mid-term follow-up of students (docs/domain.md, "Student follow-up"): a scheme of scored columns per
municipality, the school unit's groups and students, a follow-up round per term and each student's scores in
it.

This is personal data about children, partly health data, so the shape itself limits what can be stored:
scores in a fixed range, no free text about a student, no personal identity number, no diagnosis. Every read
of student-level data goes through kedja.followup.log (an append-only StudentDataAccess row first), and
rounds past their retention date are deleted by `manage.py followup_retention`, leaving only the
suppressed-ready counts in TermAggregate.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.organisations.models import Organisation


class Level(models.TextChoices):
    """The levels a row's sum falls into, lowest first (green from 0, yellow from 40, …: docs/domain.md,
    "Student follow-up")."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")
    # Not a level: a row with a column left unscored gets no level (its sum is not comparable with the
    # thresholds) and is counted as its own category wherever levels are counted.
    NOT_ASSESSED = "unassessed", _("Not fully assessed")


class Scheme(models.Model):
    """A municipality's follow-up scheme. Its content lives in versions: a round keeps the version it was
    opened with, so changing the scheme never changes a past term."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="followup_schemes")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up scheme")
        verbose_name_plural = _("follow-up schemes")
        ordering = ["organisation", "pk"]

    def __str__(self):
        return self.name

    def current_version(self) -> "SchemeVersion | None":
        return self.versions.order_by("-number").first()


class SchemeVersion(models.Model):
    """One frozen edition of a scheme. `definition` (validated by kedja.followup.scheme.check_definition):

        {"groups": [{"code": "social", "name": {"sv": "Socialt", "en": "Social", "nb": "Sosialt"},
                     "columns": [{"code": "friends", "name": {...}, "help": {...}, "weight": 1,
                                  "subject": false}, ...]}, ...]}

    Column codes are unique across the version; scores are whole numbers from score_min to score_max."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("columns"))
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=3)
    yellow_from = models.PositiveIntegerField(_("yellow from"), default=40)
    orange_from = models.PositiveIntegerField(_("orange from"), default=50)
    red_from = models.PositiveIntegerField(_("red from"), default=65)
    stated_max = models.PositiveIntegerField(_("stated maximum"), null=True, blank=True, default=78)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="followup_scheme_version_unique"),
            models.CheckConstraint(
                condition=Q(score_max__gt=models.F("score_min")), name="followup_score_range"
            ),
            models.CheckConstraint(
                condition=Q(yellow_from__lte=models.F("orange_from"))
                & Q(orange_from__lte=models.F("red_from")),
                name="followup_thresholds_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.scheme} v{self.number}"


class Gender(models.TextChoices):
    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    OTHER = "other", _("Other or not stated")


class Student(models.Model):
    """A student of a school unit: a name to recognise in the grid and a gender for the aggregates. No
    personal identity number; `local_ref` is the school's own reference (e.g. from the school platform)."""

    school_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="followup_students")
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=5, choices=Gender.choices, default=Gender.OTHER)
    local_ref = models.CharField(_("local reference"), max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["school_unit", "family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_unit", "local_ref"],
                condition=~Q(local_ref=""),
                name="followup_student_local_ref_unique",
            )
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"


class StudentGroup(models.Model):
    """A class or teaching group of a school unit, with its mentor and the teachers who follow it up."""

    school_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="followup_groups")
    name = models.CharField(_("name"), max_length=60)
    school_year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_of_groups",
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("teachers"), blank=True, related_name="followup_groups"
    )
    students = models.ManyToManyField(Student, verbose_name=_("students"), blank=True, related_name="groups")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["school_unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school_unit", "name"], name="followup_group_name_unique"),
        ]

    def __str__(self):
        return self.name


class Term(models.TextChoices):
    AUTUMN = "HT", _("Autumn term")
    SPRING = "VT", _("Spring term")


class Round(models.Model):
    """A school unit's follow-up in one term, opened by the principal with the municipality's current
    scheme version. `delete_after` is set when the round is opened (the term's end + the retention period)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    school_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="followup_rounds")
    term = models.CharField(_("term"), max_length=2, choices=Term.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="rounds")
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delete_after = models.DateField(_("delete after"))

    class Meta:
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        ordering = ["school_unit", "-year", "-term"]
        constraints = [
            models.UniqueConstraint(fields=["school_unit", "year", "term"], name="followup_round_per_term"),
        ]

    def __str__(self):
        return f"{self.get_term_display()} {self.year}"

    @property
    def sort_key(self) -> tuple[int, int]:
        """Chronological order: spring (VT) comes before autumn (HT) of the same year."""
        return (self.year, 0 if self.term == Term.SPRING else 1)


class Row(models.Model):
    """One student's scores in one round: {"column code": score}. A missing code is not yet scored.
    `version` counts saves; a cell save says which value it replaces, so two teachers editing the same
    group never overwrite each other silently (kedja.followup.actions_grid.save_cell)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rows")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="followup_rows")
    group = models.ForeignKey(StudentGroup, on_delete=models.SET_NULL, null=True, related_name="rows")
    scores = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up row")
        verbose_name_plural = _("follow-up rows")
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="followup_row_per_student"),
        ]

    def __str__(self):
        return f"row {self.pk} ({self.round_id}/{self.student_id})"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    EDIT = "edit", _("Changed")
    IMPORT = "import", _("Imported")
    ERASE = "erase", _("Erased")


ACCESS_PLACES = {
    "grid": _("In the grid"),
    "grid save": _("Saving cells in the grid"),
    "grid cell": _("Saving a cell in the grid"),
    "grid import": _("Importing a sheet into the grid"),
    "grid template": _("Downloading the grid's sheet"),
    "group page": _("On the group's page"),
    "group view": _("In the group view"),
    "student erasure": _("Erasing a student"),
    "student export": _("Exporting a student's data"),
    "student import": _("Importing students"),
    "student list": _("In the student list"),
    "student page": _("On the student's page"),
    "unit view": _("In the unit view"),
    "access log export": _("Exporting the access log"),
    "erasure page": _("On the erasure page"),
}


class StudentDataAccess(models.Model):
    """The append-only log of every read or export of student-level data (who, when, what, in which
    context). Written before the data is shown; never updated or deleted by the application (save()
    refuses updates, delete() refuses) — also kept when a round or student is deleted, by copying what
    it needs instead of pointing at it."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_label = models.CharField(max_length=300)
    school_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=6, choices=AccessAction.choices)
    what = models.CharField(max_length=300, help_text=_("E.g. group 7B, autumn term 2026: 28 students."))
    context = models.CharField(max_length=200, help_text=_("The page or export that showed the data."))
    student_count = models.PositiveIntegerField(default=0)
    round_ref = models.PositiveIntegerField(null=True, blank=True)
    group_ref = models.PositiveIntegerField(null=True, blank=True)
    student_refs = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("student data access")
        verbose_name_plural = _("student data access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school_unit", "-at"], name="followup_log_unit_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.action} {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The student data access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The student data access log is append-only.")

    @property
    def place(self) -> str:
        """Where the data was read or changed, in the reader's language ("Var" in the log): the context is
        stored as a fixed key ("grid cell") and named here; older or free-text contexts are shown as stored."""
        label = ACCESS_PLACES.get(self.context)
        return str(label) if label is not None else self.context


class TermAggregate(models.Model):
    """Counts without personal data, kept for trends after a round's rows are deleted (retention):
    students per level in the whole unit ("all"), per gender and per group name, and per subject column ×
    score. Suppression applies when these are shown outside the unit, as for live rounds."""

    class Dimension(models.TextChoices):
        ALL = "all", _("All students")
        GENDER = "gender", _("Gender")
        GROUP = "group", _("Group")
        SUBJECT = "subject", _("Subject")

    school_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=2, choices=Term.choices)
    year = models.PositiveSmallIntegerField()
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.CharField(max_length=60, blank=True, help_text=_("Gender, group name or column code."))
    category = models.CharField(max_length=10, help_text=_("A level, or a score for subject columns."))
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("term aggregate")
        verbose_name_plural = _("term aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["school_unit", "year", "term", "dimension", "key", "category"],
                name="followup_aggregate_unique",
            )
        ]

    def __str__(self):
        return f"{self.term}{self.year} {self.dimension}:{self.key} {self.category} = {self.count}"


class QuestionSet(models.Model):
    """The analysis questions (docs/domain.md, "The quality wheel") for the mid-term follow-up, per
    municipality and role; the questions are data a municipality edits."""

    class For(models.TextChoices):
        TEACHER = "teacher", _("Teachers (per group)")
        PRINCIPAL = "principal", _("Principals (per unit)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="followup_questions"
    )
    answered_by = models.CharField(_("answered by"), max_length=10, choices=For.choices)
    questions = models.JSONField(
        _("questions"), default=list, help_text=_('[{"code": "q1", "text": {"sv": "...", "en": "..."}}]')
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "answered_by"], name="followup_question_set_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.answered_by})"


class Analysis(models.Model):
    """A teacher's analysis of a group (group set) or the principal's of the unit (group empty) in a round:
    {"question code": "answer text"}. About the group or unit, never about a named student."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="analyses")
    group = models.ForeignKey(StudentGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    answered_by = models.CharField(max_length=10, choices=QuestionSet.For.choices)
    answers = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "group", "answered_by"],
                condition=Q(group__isnull=False),
                name="followup_analysis_per_group",
            ),
            models.UniqueConstraint(
                fields=["round", "answered_by"],
                condition=Q(group__isnull=True),
                name="followup_analysis_per_unit",
            ),
        ]

    def __str__(self):
        return f"analysis {self.pk} ({self.round_id}, {self.answered_by})"
