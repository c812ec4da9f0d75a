"""Review and selection (docs/calls.md, "Review and selection"). Thin: the access layer decides who sees (404)
and who may act (403), actions_review writes, ranking computes.

- Reviewers: `reviews` lists the call's submitted applications with the reviewer's own status; `review`
  first asks for the conflict-of-interest declaration, then shows the answers and takes the scores. Other
  reviewers' scores appear only after the reviewer's own review is submitted.
- Organisers: `ranking` (weighted means, spread, reviews done, conflicts, flags; sortable by the mean),
  `decide` per application, `publish_decision`, the decision summary (PDF) and every application (Excel).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.forms import apply_errors, refreshed
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE

from . import access as call_access
from . import actions_review as actions
from .access import get_application_to_decide, get_application_to_review, get_call_for
from .conflicts import membership_conflicts
from .exports import applications_workbook, decision_summary_pdf
from .forms_review import DecisionForm, DeclarationForm, ReviewActionForm, ReviewForm, shown_errors
from .models import Application, Call, Review, Score
from .ranking import SPREAD_FLAG, ranking, review_score
from .rules import accepted_count, has_closed
from .views_apply import answer_rows

SORTS = ("mean", "-mean")


# --- reviewers ------------------------------------------------------------------------------------------


@login_required
@require_safe
def reviews(request, call_id):
    call = call_access.get_call_to_review(request.user, call_id)
    own = {r.application_id: r for r in Review.objects.filter(application__call=call, reviewer=request.user)}
    rows = []
    for application in (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    ):
        review = own.get(application.pk)
        member_of = call_access.membership_conflict(request.user, application)
        if member_of is not None:
            status = _("Conflict of interest: you belong to %(organisation)s") % {
                "organisation": member_of.name
            }
        elif review is None:
            status = _("Not started")
        elif review.conflict:
            status = _("Conflict of interest declared")
        elif review.submitted_at:
            status = _("Submitted")
        else:
            status = _("Draft")
        conflict = member_of is not None or (review is not None and review.conflict)
        rows.append({"application": application, "review": review, "status": status, "conflict": conflict})
    return render(request, "calls/review_list.html", {"call": call, "rows": rows})


def _criteria_rows(call: Call, review: Review | None, data=None) -> list[dict]:
    """Per criterion: the score and comment to show (what was posted, else what is saved)."""
    saved = {s.criterion_id: s for s in review.scores.all()} if review else {}
    rows = []
    for criterion in call.criteria.all():
        score = saved.get(criterion.pk)
        if data is not None:
            value, comment = data.get(f"score_{criterion.pk}", ""), data.get(f"comment_{criterion.pk}", "")
        else:
            value = "" if score is None else str(score.score)
            comment = score.comment if score else ""
        rows.append(
            {
                "criterion": criterion,
                "value": value,
                "comment": comment,
                "options": [str(n) for n in range(criterion.max_score + 1)],
            }
        )
    return rows


def _other_reviews(application: Application, *, exclude_reviewer=None) -> list[dict]:
    criteria = list(application.call.criteria.all())
    found = []
    qs = (
        application.reviews.select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("reviewer__full_name", "reviewer__email")
    )
    for review in qs:
        if exclude_reviewer is not None and review.reviewer_id == exclude_reviewer.pk:
            continue
        by_criterion = {s.criterion_id: s for s in review.scores.all()}
        found.append(
            {
                "review": review,
                "weighted": review_score(review, criteria),
                "scores": [(c, by_criterion.get(c.pk)) for c in criteria],
            }
        )
    return found


def _member_conflicts(call: Call, application: Application) -> list[tuple]:
    """(reviewer, their organisation) for the call's reviewers who belong to the applicant."""
    in_conflict = membership_conflicts(call).get(application.pk, {})
    return [
        (r, in_conflict[r.pk]) for r in call.reviewers.order_by("full_name", "email") if r.pk in in_conflict
    ]


@login_required
@require_http_methods(["GET", "POST"])
def review(request, application_id):
    application = get_application_to_review(request.user, application_id)
    call = application.call
    own = Review.objects.filter(application=application, reviewer=request.user).first()
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    declaration = DeclarationForm(request.POST if request.method == "POST" else None)
    form = None  # the scores, when they were sent
    status = 200
    if request.method == "POST":
        action = ReviewActionForm(request.POST).pressed
        if action == "declare":
            if declaration.is_valid():
                try:
                    actions.declare(
                        application,
                        reviewer=request.user,
                        conflict=declaration.has_conflict,
                        reason=declaration.cleaned_data["conflict_reason"],
                    )
                except ValidationError as error:
                    apply_errors(declaration, error)
                else:
                    if declaration.has_conflict:
                        messages.success(
                            request,
                            _("Your conflict of interest is recorded. You will not review this application."),
                        )
                        return redirect("calls:reviews", call.pk)
                    return redirect("calls:review", application.pk)
            errors, general = shown_errors(declaration)
        elif action in ("save", "submit") and own is not None:
            form = ReviewForm(request.POST, criteria=call.criteria.all())
            if form.is_valid():
                with form.saving(current=lambda: refreshed(own)):
                    actions.save_review(
                        own,
                        scores=form.scores(),
                        comments=form.comments(),
                        comment=form.cleaned_data["comment"],
                        expected_version=form.expected_version,
                        submit=action == "submit",
                    )
                    if action == "submit":
                        messages.success(request, _("Your review is submitted."))
                    else:
                        messages.success(
                            request,
                            _("Draft saved %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")},
                        )
                    return redirect("calls:review", application.pk)
            errors, general = shown_errors(form)
        else:
            general.append(_("Unknown action."))
        status = form.response_status if form is not None else 400
    context = {
        "call": call,
        "application": application,
        "review": own,
        "errors": errors,
        "general": general,
        "conflict_value": declaration.data.get("conflict", ""),
        "conflict_reason": declaration.data.get("conflict_reason", ""),
    }
    if own is not None:
        context["rows"] = answer_rows(application)
        context["criteria_rows"] = _criteria_rows(call, own, form.data if form is not None else None)
        for row in context["criteria_rows"]:
            row["errors"] = errors.get(f"score_{row['criterion'].pk}", [])
        context["comment"] = form.data.get("comment", "") if form is not None else own.comment
        if own.submitted_at and call_access.can_see_scores_of_others(request.user, application):
            context["own_weighted"] = review_score(own, list(call.criteria.all()))
            context["others"] = _other_reviews(application, exclude_reviewer=request.user)
    return render(request, "calls/review_form.html", context, status=status)


# --- organisers -----------------------------------------------------------------------------------------


@login_required
@require_safe
def ranking_view(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else ""
    rows = ranking(call, sort=sort)
    reviewers = list(call.reviewers.order_by("full_name", "email"))
    for row in rows:
        row.reviewer_scores = [row.scores.get(r.pk) for r in reviewers]
    return render(
        request,
        "calls/ranking.html",
        {
            "call": call,
            "rows": rows,
            "reviewers": reviewers,
            "sort": sort,
            "next_sort": "-mean" if sort == "mean" else "mean",
            "spread_flag": SPREAD_FLAG,
            "accepted": accepted_count(call),
            "refusals": actions.publish_decision_refusals(call),
            "closed": has_closed(call),
            "notifications": actions.notification_counts(call)
            if call.status == Call.Status.DECIDED
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, application_id):
    application = get_application_to_decide(request.user, application_id)
    call = application.call
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    values = {"decision": application.decision, "justification": application.justification}
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        values = {
            "decision": form.data.get("decision", ""),
            "justification": form.data.get("justification", ""),
        }
        if form.is_valid():
            with form.saving(current=lambda: refreshed(application)):
                actions.decide(
                    application,
                    decision=form.cleaned_data["decision"],
                    justification=form.cleaned_data["justification"],
                    by=request.user,
                    expected_version=form.expected_version,
                )
                messages.success(
                    request,
                    _("Decision saved for %(organisation)s.")
                    % {"organisation": application.organisation.name},
                )
                return redirect(reverse("calls:ranking", args=[call.pk]) + f"#application-{application.pk}")
        errors, general = shown_errors(form)
    version = application.version
    return render(
        request,
        "calls/decision_form.html",
        {
            "call": call,
            "application": application,
            "rows": answer_rows(application) if application.status != Application.Status.DRAFT else [],
            "reviews": _other_reviews(application),
            "member_conflicts": _member_conflicts(call, application),
            "values": values,
            "version": version,
            "errors": errors,
            "general": general,
            "choices": [(value, label) for value, label in Application.Decision.choices if value],
            "places": call.places,
            "accepted": accepted_count(call),
            "can_decide": application.status == Application.Status.SUBMITTED
            and call.status == Call.Status.PUBLISHED,
        },
        status=form.response_status,
    )


@login_required
@require_POST
def publish_decision(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    try:
        actions.publish_decision(
            call,
            by=request.user,
            roles=call_access.APPLICANT_ROLES,
            url_for=lambda a: request.build_absolute_uri(reverse("calls:my_application", args=[a.pk])),
        )
        messages.success(request, _("The decision is published and the applicants are told by e-mail."))
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    return redirect("calls:ranking", call.pk)


@login_required
@require_POST
def resend_decision_mails(request, call_id):
    """The organiser queues the decision e-mails again for the applicants not told yet."""
    call = get_call_for(request.user, call_id, manage=True)
    try:
        count = actions.resend_decision_mails(
            call,
            by=request.user,
            roles=call_access.APPLICANT_ROLES,
            url_for=lambda a: request.build_absolute_uri(reverse("calls:my_application", args=[a.pk])),
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "The decision e-mails of %(count)s application are queued again.",
                "The decision e-mails of %(count)s applications are queued again.",
                count,
            )
            % {"count": count},
        )
    return redirect("calls:ranking", call.pk)


def _filename(call: Call, suffix: str) -> str:
    return f"{slugify(call.title)[:50] or 'call'}-{suffix}"


@login_required
@require_safe
def decision_pdf(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    name = _filename(call, "beslut.pdf")
    return download_response(
        decision_summary_pdf(call), filename=name, content_type="application/pdf", inline=True
    )


@login_required
@require_safe
def applications_xlsx(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    name = _filename(call, "ansokningar.xlsx")
    return download_response(applications_workbook(call), filename=name, content_type=XLSX_CONTENT_TYPE)
