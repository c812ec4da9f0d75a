"""Every write of the review and the selection (docs/calls.md, "Review and selection") goes through these
functions: atomic, audited (organisations.actions.record_event) and, where two people (or two tabs) could
overwrite each other, optimistically locked (core.concurrency.save_versioned).

- A reviewer first declares whether they have a conflict of interest with the application (a conflict needs
  a reason and ends their part: they see neither the application nor its reviews afterwards); then scores
  every criterion 0..max with a comment, saves drafts and submits once (a submitted review is final).
- The organiser decides each submitted application (accepted / reserve / rejected, with a justification)
  within the call's places, then publishes the decision after the deadline once every submitted application
  is decided: the applicants are e-mailed and each accepted organisation becomes a participant of the
  call's programme.
"""

from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedja.core.concurrency import save_versioned
from kedja.organisations.actions import record_event

from .actions_programme import ensure_programme
from .models import Application, Call, Criterion, Participant, Review, Score
from .rules import accepted_count, has_closed
from .tasks import send_decision_mail

# --- the reviewer -----------------------------------------------------------------------------------------


def _reviewable(application: Application) -> None:
    if application.status != Application.Status.SUBMITTED or application.call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("This application can no longer be reviewed."))


@transaction.atomic
def declare(application: Application, *, reviewer, conflict: bool, reason: str = "") -> Review:
    """The reviewer's declaration, made once: no conflict (the review starts) or a conflict with a reason."""
    _reviewable(application)
    reason = (reason or "").strip()
    if conflict and not reason:
        raise ValidationError({"conflict_reason": _("Say briefly why you have a conflict of interest.")})
    if Review.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(_("You have already made your declaration for this application."))
    review = Review.objects.create(
        application=application,
        reviewer=reviewer,
        conflict=conflict,
        conflict_reason=reason if conflict else "",
        updated_at=timezone.now(),
    )
    record_event(
        "call.review_conflict" if conflict else "call.review_start",
        by=reviewer,
        organisation=application.call.organiser,
        call=application.call_id,
        application=application.pk,
    )
    return review


def check_scores(criteria: list[Criterion], scores: dict, *, complete: bool) -> dict[int, int | None]:
    """`scores` {criterion id: text from the form} → {criterion id: whole number or None}. ValidationError
    keyed "score_<id>" for a score that is not a whole number 0..max, and, when `complete`, for one left
    empty."""
    errors: dict[str, str] = {}
    clean: dict[int, int | None] = {}
    for criterion in criteria:
        raw = str(scores.get(criterion.pk, "") or "").strip()
        if raw == "":
            clean[criterion.pk] = None
            if complete:
                errors[f"score_{criterion.pk}"] = _("Give a score before you submit.")
            continue
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 <= value <= criterion.max_score:
            errors[f"score_{criterion.pk}"] = _("Give a whole number from 0 to %(max)s.") % {
                "max": criterion.max_score
            }
        else:
            clean[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def save_review(
    review: Review,
    *,
    scores: dict,
    comments: dict,
    comment: str,
    expected_version: int,
    submit: bool = False,
    now: datetime | None = None,
) -> Review:
    """Save the reviewer's scores and comments (a draft when not `submit`; submitting needs every criterion
    scored and makes the review final). EditConflict when the review was saved elsewhere in between."""
    now = now or timezone.now()
    application = review.application
    _reviewable(application)
    if review.conflict:
        raise ValidationError(_("You declared a conflict of interest for this application."))
    if review.submitted_at:
        raise ValidationError(_("Your review is submitted and can no longer be changed."))
    criteria = list(application.call.criteria.all())
    clean = check_scores(criteria, scores, complete=submit)
    review.comment = (comment or "").strip()
    review.updated_at = now
    fields = ["comment", "updated_at"]
    if submit:
        review.submitted_at = now
        fields.append("submitted_at")
    save_versioned(review, expected_version=expected_version, update_fields=fields)
    for criterion in criteria:
        value = clean.get(criterion.pk)
        text = (comments.get(criterion.pk) or "").strip()
        if value is None:
            Score.objects.filter(review=review, criterion=criterion).delete()
        else:
            Score.objects.update_or_create(
                review=review, criterion=criterion, defaults={"score": value, "comment": text}
            )
    record_event(
        "call.review_submit" if submit else "call.review_save",
        by=review.reviewer,
        organisation=application.call.organiser,
        call=application.call_id,
        application=application.pk,
    )
    return review


# --- the organiser's decision ---------------------------------------------------------------------------


@transaction.atomic
def decide(application: Application, *, decision: str, justification: str, by, expected_version: int,
           now: datetime | None = None) -> Application:  # fmt: skip
    """Record the decision on one submitted application. Accepting beyond the call's places is refused with
    a message on the decision; a justification is required. EditConflict when someone decided in between."""
    now = now or timezone.now()
    call = Call.objects.select_for_update().get(pk=application.call_id)
    errors = {}
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be decided."))
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError(_("The decision is already published and can no longer be changed."))
    choices = [Application.Decision.ACCEPTED, Application.Decision.RESERVE, Application.Decision.REJECTED]
    if decision not in choices:
        errors["decision"] = _("Choose accepted, reserve or not accepted.")
    elif (
        decision == Application.Decision.ACCEPTED
        and accepted_count(call, excluding=application) >= call.places
    ):
        errors["decision"] = ngettext(
            "The call has %(places)s place and it is already taken. Change another decision first, or "
            "put this application on the reserve list.",
            "The call has %(places)s places and all are already taken. Change another decision first, or "
            "put this application on the reserve list.",
            call.places,
        ) % {"places": call.places}
    justification = (justification or "").strip()
    if not justification:
        errors["justification"] = _("Write a justification for the decision.")
    if errors:
        raise ValidationError(errors)
    application.decision = decision
    application.justification = justification
    application.decided_at = now
    application.decided_by = by
    save_versioned(
        application,
        expected_version=expected_version,
        update_fields=["decision", "justification", "decided_at", "decided_by"],
    )
    record_event(
        "call.decide", by=by, organisation=call.organiser, call=call.pk, application=application.pk,
        decision=decision,
    )  # fmt: skip
    return application


def notification_counts(call: Call) -> dict:
    """After the decision is published: how many submitted applications' people have been told by e-mail
    ("notified") and how many not yet ("pending": the task is still queued, or it failed)."""
    counts = call.applications.filter(status=Application.Status.SUBMITTED).aggregate(
        total=Count("pk"), notified=Count("pk", filter=Q(decision_notified_at__isnull=False))
    )
    return {**counts, "pending": counts["total"] - counts["notified"]}


def _enqueue_decision_mails(applications, *, by, roles, url_for) -> None:
    """One task per application (tasks.send_decision_mail), enqueued once the transaction commits."""
    role_names = sorted(map(str, roles))
    by_id = by.pk if getattr(by, "pk", None) else None
    for application in applications:
        args = (application.pk, url_for(application), role_names, by_id)
        transaction.on_commit(partial(send_decision_mail.enqueue, *args), robust=True)


@transaction.atomic
def resend_decision_mails(call: Call, *, by, roles, url_for=lambda application: "") -> int:
    """Queue the decision e-mails again for the applications whose people have not been told yet (the mail
    server failed, or the worker was down when the decision was published); returns how many. Those already
    told are never mailed twice: the task checks Application.decision_notified_at."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.DECIDED:
        raise ValidationError(_("The decision has not been published yet."))
    pending = list(
        call.applications.filter(
            status=Application.Status.SUBMITTED, decision_notified_at__isnull=True
        ).select_related("organisation")
    )
    _enqueue_decision_mails(pending, by=by, roles=roles, url_for=url_for)
    record_event(
        "call.decision_mails_requeued",
        by=by,
        organisation=call.organiser,
        call=call.pk,
        applications=len(pending),
    )
    return len(pending)


def publish_decision_refusals(call: Call, now: datetime | None = None) -> list[str]:
    """Why the decision cannot be published yet (empty when it can)."""
    reasons = []
    if call.status != Call.Status.PUBLISHED:
        reasons.append(_("Only the decision of a published call can be published, and only once."))
    if not has_closed(call, now):
        reasons.append(_("The call has not closed yet."))
    undecided = call.applications.filter(status=Application.Status.SUBMITTED, decision="").count()
    if undecided:
        reasons.append(
            ngettext(
                "%(count)s submitted application is not decided yet.",
                "%(count)s submitted applications are not decided yet.",
                undecided,
            )
            % {"count": undecided}
        )
    return reasons


@transaction.atomic
def publish_decision(call: Call, *, by, roles, url_for=lambda application: "",
                     now: datetime | None = None) -> Call:  # fmt: skip
    """Publish the call's decision: status decided, an audit event for the call, and each accepted
    organisation a participant of the call's programme (made, titled after the call, if missing). Once this
    is committed, every application's people are told by e-mail — one task (tasks.send_decision_mail) per
    application, enqueued on commit, with `url_for(application)` the link to their application; the task
    records "call.decision_notified" when its e-mails went out. Nothing is sent if the publication rolls
    back, and a failing e-mail neither undoes the publication nor stops the other applications' e-mails."""
    now = now or timezone.now()
    call = Call.objects.select_for_update().get(pk=call.pk)
    reasons = publish_decision_refusals(call, now)
    if reasons:
        raise ValidationError(reasons)
    Call.objects.filter(pk=call.pk).update(
        status=Call.Status.DECIDED, decision_published_at=now, version=F("version") + 1
    )
    call.refresh_from_db()
    applications = list(
        call.applications.filter(status=Application.Status.SUBMITTED).select_related(
            "organisation", "submitted_by", "call"
        )
    )
    accepted = [a for a in applications if a.decision == Application.Decision.ACCEPTED]
    if accepted:
        programme = ensure_programme(call)
        for application in accepted:
            Participant.objects.get_or_create(
                application=application,
                defaults={"programme": programme, "organisation": application.organisation},
            )
    _enqueue_decision_mails(applications, by=by, roles=roles, url_for=url_for)
    record_event(
        "call.decision_publish", by=by, organisation=call.organiser, call=call.pk,
        accepted=len(accepted), applications=len(applications), at=now.isoformat(),
    )  # fmt: skip
    return call
