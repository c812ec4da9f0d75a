"""Plain factory functions for calls (docs/adding-a-feature.md): tests and the demo build data with the same
code.

make_call builds a call from the shipped reference template (docs/domain.md, "Calls") by default — but, unlike
the template, PUBLISHED and open now (opened yesterday, closes in 30 days, decision four days later) so
applying can start at once; pass status=Call.Status.DRAFT, opens_at=…, closes_at=… to change that,
reviewers=[user, …] to assign reviewers, eligible_organisations=[org, …] for a listed call.
from_template=False gives one long-text field and one criterion instead.
"""

from datetime import timedelta

from django.utils import timezone

from .actions_builder import create_call
from .models import Application, Call, CallField, Criterion, FieldKind
from .rules import is_open

TEMPLATE_KEY = "maths_support_2026"


def make_call(organiser, *, from_template: bool = True, **overrides) -> Call:
    now = timezone.now()
    reviewers = overrides.pop("reviewers", None)
    eligible_organisations = overrides.pop("eligible_organisations", None)
    status = overrides.pop("status", Call.Status.PUBLISHED)
    by = overrides.pop("by", None)
    values = {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=30)}
    if not from_template:
        values.update(title="Test call", places=2)
    values.update(overrides)
    values.setdefault("decision_by", timezone.localtime(values["closes_at"]).date() + timedelta(days=4))
    call = create_call(
        organiser, by=by, template_key=TEMPLATE_KEY if from_template else "", now=now, **values
    )
    if not from_template:
        CallField.objects.create(
            call=call, key="motivation", kind=FieldKind.LONG_TEXT, label="Why?", max_chars=500, position=0
        )
        Criterion.objects.create(call=call, title="Need", weight=1, max_score=5, position=0)
    if reviewers:
        call.reviewers.set(reviewers)
    if eligible_organisations:
        call.eligible = Call.Eligible.LISTED
        call.save(update_fields=["eligible"])
        call.eligible_organisations.set(eligible_organisations)
    if status != Call.Status.DRAFT:
        Call.objects.filter(pk=call.pk).update(
            status=status, published_at=now if status != Call.Status.CANCELLED else None
        )
        call.refresh_from_db()
    return call


def make_application(call: Call, org, *, answers=None, by=None, submit: bool = False) -> Application:
    """An application of `org` to `call` with `answers` ({field key: value}); submitted now when `submit`."""
    now = timezone.now()
    application = Application.objects.create(
        call=call, organisation=org, answers=dict(answers or {}), created_by=by, updated_by=by
    )
    if submit and is_open(call, now):
        # Through the applicant's action (receipt number, audit), without the receipt e-mail.
        from .actions_apply import submit_application

        submit_application(
            application, {}, expected_version=application.version, by=by, now=now, notify=False
        )
    elif submit:
        # A call that is not open (closed, decided): the application as it was submitted in time.
        from .actions_apply import next_receipt_number

        application.status = Application.Status.SUBMITTED
        application.submitted_at = min(now, call.closes_at)
        application.submitted_by = by
        application.receipt_number = next_receipt_number(call, application.submitted_at)
        application.save(update_fields=["status", "submitted_at", "submitted_by", "receipt_number"])
    return application


def make_programme(call: Call, participants=(), *, from_template: bool = True, by=None):
    """The call decided with each organisation of `participants` accepted and a participant of the call's
    programme (from the call's template, meetings included, unless `from_template` is False). Returns the
    Programme."""
    from .actions_programme import ensure_programme, fill_from_template

    now = timezone.now()
    for org in participants:
        application = make_application(call, org, by=by, submit=True)
        application.decision = Application.Decision.ACCEPTED
        application.decided_at = now
        application.save(update_fields=["decision", "decided_at"])
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DECIDED, decision_published_at=now)
    call.refresh_from_db()
    programme = ensure_programme(call)
    for application in call.applications.filter(decision=Application.Decision.ACCEPTED):
        programme.participants.get_or_create(
            application=application, defaults={"organisation": application.organisation}
        )
    if from_template and call.template_key:
        fill_from_template(programme, by=by)
    return programme


def make_review(application: Application, reviewer, *, scores=None, conflict: bool = False, reason: str = "",
                comment: str = "", submit: bool = True):  # fmt: skip
    """`reviewer`'s review of `application` through the review actions: a declared conflict (with `reason`),
    or scores {criterion or its id: score} — submitted when `submit`. The reviewer is made one of the call's
    reviewers if they are not already. Returns the Review."""
    from .actions_review import declare, save_review

    application.call.reviewers.add(reviewer)
    review = declare(application, reviewer=reviewer, conflict=conflict, reason=reason or "")
    if conflict:
        return review
    by_id = {getattr(c, "pk", c): v for c, v in (scores or {}).items()}
    return save_review(
        review, scores=by_id, comments={}, comment=comment, expected_version=review.version, submit=submit
    )


def make_decision(application: Application, decision: str, *, by=None, justification: str = "Motivering."):
    """Record `decision` ("accepted", "reserve", "rejected") on a submitted application through the action."""
    from .actions_review import decide

    application.refresh_from_db()
    return decide(
        application,
        decision=decision,
        justification=justification,
        by=by,
        expected_version=application.version,
    )
