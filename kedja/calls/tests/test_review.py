"""Review and selection (docs/calls.md, "Review and selection"): conflicts of interest, scores hidden until
one's own review is submitted, the ranking's arithmetic and flags, the limit of places, publishing the
decision with its e-mails and participants, that applicants never see a score, and the decision summary and
Excel export."""

import io
import subprocess
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.calls import actions_review as actions
from kedja.calls import tasks
from kedja.calls.factories import make_application, make_call, make_decision, make_review
from kedja.calls.models import Call, FieldKind, Participant, Programme, Review
from kedja.calls.ranking import SPREAD_FLAG, FlagRule, FlagRuleError, flag_rules, flags_for, ranking
from kedja.core.concurrency import EditConflict
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.models import AuditEvent
from kedja.organisations.roles import Role
from tests.tools import pdf_text

User = get_user_model()

pytestmark = pytest.mark.django_db

SECRET = "Hemlig bedömning från granskare B"  # a reviewer's comment no applicant may ever see


@pytest.fixture
def reviewers():
    return [make_user(full_name="Ada Granskare"), make_user(full_name="Bo Granskare")]


@pytest.fixture
def call(world, reviewers):
    """The reference call (8 places; criteria weighted 2, 2, 1, each scored 0–5), open, with two reviewers."""
    return make_call(world.region, reviewers=reviewers)


@pytest.fixture
def closed_call(world, reviewers):
    now = timezone.now()
    return make_call(
        world.region,
        reviewers=reviewers,
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
    )


def criteria(call):
    return list(call.criteria.order_by("position", "pk"))


def scores(call, *values):
    return dict(zip(criteria(call), values, strict=True))


def submitted(call, org, by=None, **answers):
    return make_application(call, org, answers=answers, by=by, submit=True)


def signed_in(client, user):
    client.force_login(user)
    return client


# --- the ranking's arithmetic and flags --------------------------------------------------------------------


def test_ranking_weighs_scores_per_reviewer_and_shows_mean_spread_reviews_and_conflicts(
    world, call, reviewers
):
    ada, bo = reviewers
    first = submitted(call, world.municipality)
    second = submitted(call, make_municipality(world.region, name="Östby kommun"))
    make_review(first, ada, scores=scores(call, 5, 5, 5))  # 100
    make_review(first, bo, scores=scores(call, 3, 2, 1))  # (2·3 + 2·2 + 1·1) / (5·5) = 11/25 → 44.0
    cilla = make_user(full_name="Cilla Jävig")
    make_review(first, cilla, conflict=True, reason="Min syster är rektor där.")
    make_review(second, ada, scores=scores(call, 4, 4, 4))  # 80
    make_review(second, bo, scores=scores(call, 1, 1, 1), submit=False)  # a draft does not count

    rows = {r.application.pk: r for r in ranking(call)}
    one, two = rows[first.pk], rows[second.pk]
    assert one.scores[ada.pk] == 100.0 and one.scores[bo.pk] == 44.0 and one.scores[cilla.pk] is None
    assert one.mean == 72.0 and one.spread == 56.0 and one.spread >= SPREAD_FLAG and one.spread_flagged
    assert (one.done, one.assigned, one.conflicts) == (2, 3, 1)
    assert two.mean == 80.0 and two.spread is None and not two.spread_flagged
    assert (two.done, two.assigned, two.conflicts) == (1, 3, 0)

    assert [r.application.pk for r in ranking(call)] == [first.pk, second.pk]  # as received
    assert [r.application.pk for r in ranking(call, sort="mean")] == [second.pk, first.pk]
    assert [r.application.pk for r in ranking(call, sort="-mean")] == [first.pk, second.pk]


def test_applications_without_a_mean_sort_last_either_way(world, call, reviewers):
    unscored = submitted(call, world.municipality)
    scored = submitted(call, make_municipality(world.region))
    make_review(scored, reviewers[0], scores=scores(call, 1, 1, 1))
    assert [r.application.pk for r in ranking(call, sort="mean")] == [scored.pk, unscored.pk]
    assert [r.application.pk for r in ranking(call, sort="-mean")] == [scored.pk, unscored.pk]


def test_signals_come_only_from_explicit_answers_never_from_free_text(world, call):
    # The words of "has an active plan" in a text that says the opposite give no signal.
    lacks_plan = submitted(
        call,
        world.municipality,
        active_plan="Nej",
        anchored="Nej",
        question_1="Vi saknar i dag en sammanhållen utvecklingsplan; ingen aktiv plan finns.",
    )
    has_plan = submitted(call, make_municipality(world.region), active_plan="Ja", anchored="Nej")
    both = submitted(call, make_municipality(world.region), active_plan="ja", anchored="Ja")
    rows = {r.application.pk: r for r in ranking(call)}
    assert rows[lacks_plan.pk].flags == []
    assert rows[has_plan.pk].flags == ["Already has an active plan"]
    assert rows[both.pk].flags == ["Already has an active plan", "Already anchored in management"]


def test_a_flag_rule_matches_an_explicit_choice_only(world, call):
    choice = FlagRule(field="plan", label={"en": "Has a plan", "sv": "Har en plan"}, values=("Ja",))
    assert flags_for({"plan": "ja"}, [choice]) == ["Has a plan"]
    assert flags_for({"plan": "Nej"}, [choice]) == []
    assert flags_for({"plan": "Ja, vi har en plan"}, [choice]) == []
    # A field the organiser turned into free text gives no signal at all.
    call.fields.filter(key="active_plan").update(kind=FieldKind.LONG_TEXT)
    assert [r.field for r in flag_rules(call)] == ["anchored"]


def test_the_rules_file_refuses_keyword_guessing(tmp_path, monkeypatch):
    import kedja.calls.ranking as ranking_module

    bad = tmp_path / "flags.yaml"
    bad.write_text("x:\n  - field: q\n    keywords: [aktiv plan]\n    label: Plan\n", encoding="utf-8")
    monkeypatch.setattr(ranking_module, "FLAGS_FILE", bad)
    ranking_module._all_rules.cache_clear()
    try:
        with pytest.raises(FlagRuleError):
            ranking_module._all_rules()
    finally:
        ranking_module._all_rules.cache_clear()


def test_a_call_without_a_template_has_no_flags(world, reviewers):
    call = make_call(world.region, from_template=False, reviewers=reviewers)
    submitted(call, world.municipality, motivation="aktiv utvecklingsplan")
    assert ranking(call)[0].flags == []


# --- the reviewer: conflict of interest, scores and their visibility -------------------------------------


def test_a_conflicted_reviewer_gets_404_on_the_application_and_sees_no_scores(client, world, call, reviewers):
    ada, bo = reviewers
    application = submitted(call, world.municipality, question_1="Vår matematikundervisning behöver stöd.")
    make_review(application, bo, scores=scores(call, 2, 3, 4), comment=SECRET)
    signed_in(client, ada)
    url = reverse("calls:review", args=[application.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Vår matematikundervisning" not in page.content.decode()  # nothing to read before the declaration
    missing_reason = client.post(url, {"action": "declare", "conflict": "yes", "conflict_reason": " "})
    assert missing_reason.status_code == 400
    assert "Say briefly why you have a conflict of interest." in missing_reason.content.decode()

    response = client.post(url, {"action": "declare", "conflict": "yes", "conflict_reason": "Jag bor där."})
    assert response.status_code == 302
    review = Review.objects.get(application=application, reviewer=ada)
    assert review.conflict and review.conflict_reason == "Jag bor där."

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "save", "version": review.version}).status_code == 404
    listing = client.get(reverse("calls:reviews", args=[call.pk])).content.decode()
    assert "Conflict of interest declared" in listing and url not in listing
    assert SECRET not in listing
    assert client.get(reverse("calls:ranking", args=[call.pk])).status_code == 403
    assert client.get(reverse("calls:decide", args=[application.pk])).status_code == 404
    with pytest.raises(ValidationError):
        actions.save_review(review, scores={}, comments={}, comment="", expected_version=review.version)


def test_other_reviewers_scores_appear_only_after_ones_own_submit(client, world, call, reviewers):
    ada, bo = reviewers
    application = submitted(call, world.municipality, question_1="Vår matematikundervisning behöver stöd.")
    make_review(application, bo, scores=scores(call, 2, 3, 4), comment=SECRET)
    signed_in(client, ada)
    url = reverse("calls:review", args=[application.pk])
    client.post(url, {"action": "declare", "conflict": "no"})
    page = client.get(url).content.decode()
    assert "Vår matematikundervisning behöver stöd." in page
    assert SECRET not in page and "Other reviewers" not in page

    review = Review.objects.get(application=application, reviewer=ada)
    ids = [c.pk for c in criteria(call)]
    draft = {"action": "save", "version": review.version, f"score_{ids[0]}": "4", f"comment_{ids[0]}": "Bra."}
    assert client.post(url, draft).status_code == 302
    page = client.get(url).content.decode()
    assert SECRET not in page and "Bra." in page

    review.refresh_from_db()
    final = {"action": "submit", "version": review.version, "comment": "Sammantaget stark."}
    final.update({f"score_{pk}": "4" for pk in ids})
    assert client.post(url, final).status_code == 302
    page = client.get(url).content.decode()
    assert SECRET in page and "Other reviewers" in page and "Weighted score: 80.0 of 100." in page
    review.refresh_from_db()
    assert review.submitted_at is not None and review.comment == "Sammantaget stark."
    assert client.post(url, final).status_code == 400  # a submitted review is final


def test_scores_are_validated_and_what_was_typed_is_kept(client, world, call, reviewers):
    application = submitted(call, world.municipality)
    signed_in(client, reviewers[0])
    url = reverse("calls:review", args=[application.pk])
    client.post(url, {"action": "declare", "conflict": "no"})
    review = Review.objects.get(application=application)
    first, second, third = (c.pk for c in criteria(call))
    data = {
        "action": "save",
        "version": review.version,
        f"score_{first}": "6",
        f"comment_{first}": "Mitt utkast",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give a whole number from 0 to 5." in body and "Mitt utkast" in body
    assert not review.scores.exists()

    incomplete = {
        "action": "submit",
        "version": review.version,
        f"score_{first}": "3",
        f"score_{second}": "x",
    }
    body = client.post(url, incomplete).content.decode()
    assert "Give a whole number from 0 to 5." in body and "Give a score before you submit." in body
    review.refresh_from_db()
    assert review.submitted_at is None

    assert (
        client.post(url, {"action": "save", "version": review.version, f"score_{third}": "0"}).status_code
        == 302
    )
    assert list(review.scores.values_list("score", flat=True)) == [0]


@pytest.mark.db  # row locks
def test_two_saves_from_the_same_version_conflict(world, call, reviewers):
    application = submitted(call, world.municipality)
    review = actions.declare(application, reviewer=reviewers[0], conflict=False)
    first = criteria(call)[0].pk
    version = review.version
    actions.save_review(review, scores={first: 3}, comments={}, comment="A", expected_version=version)
    stale = Review.objects.get(pk=review.pk)
    with pytest.raises(EditConflict):
        actions.save_review(stale, scores={first: 1}, comments={}, comment="B", expected_version=version)
    assert Review.objects.get(pk=review.pk).comment == "A"


def test_a_declaration_is_made_once_and_only_by_assigned_reviewers(client, world, call, reviewers):
    application = submitted(call, world.municipality)
    actions.declare(application, reviewer=reviewers[0], conflict=False)
    with pytest.raises(ValidationError):
        actions.declare(application, reviewer=reviewers[0], conflict=True, reason="Ändrade mig")
    stranger = make_user()
    assert signed_in(client, stranger).get(reverse("calls:review", args=[application.pk])).status_code == 404
    assert client.get(reverse("calls:reviews", args=[call.pk])).status_code == 404


# --- the organiser's decision -----------------------------------------------------------------------------


def test_the_ninth_acceptance_is_refused_when_the_call_has_eight_places(client, world, call):
    assert call.places == 8
    applications = [submitted(call, make_municipality(world.region)) for _ in range(9)]
    for application in applications[:8]:
        make_decision(application, "accepted")
    ninth = applications[8]
    signed_in(client, world.people["regional_officer"])
    url = reverse("calls:decide", args=[ninth.pk])
    response = client.post(url, {"decision": "accepted", "justification": "Stark ansökan.", "version": 0})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The call has 8 places and all are already taken." in body
    assert 'id="id_decision_error"' in body and "Stark ansökan." in body  # the justification is kept
    ninth.refresh_from_db()
    assert ninth.decision == ""

    reserve = {"decision": "reserve", "justification": "Första reserv.", "version": ninth.version}
    assert client.post(url, reserve).status_code == 302
    ninth.refresh_from_db()
    assert ninth.decision == "reserve" and ninth.decided_by == world.people["regional_officer"]
    make_decision(applications[0], "rejected")  # a place frees up
    make_decision(ninth, "accepted")
    assert call.applications.filter(decision="accepted").count() == 8


def test_a_decision_needs_a_justification_and_a_known_choice(client, world, call):
    application = submitted(call, world.municipality)
    signed_in(client, world.people["regional_officer"])
    url = reverse("calls:decide", args=[application.pk])
    body = client.post(url, {"decision": "maybe", "justification": "", "version": 0}).content.decode()
    assert "Choose accepted, reserve or not accepted." in body
    assert "Write a justification for the decision." in body
    stale = client.post(url, {"decision": "rejected", "justification": "Nej.", "version": 99})
    assert stale.status_code == 409 and "Someone else saved this" in stale.content.decode()


def test_publishing_is_refused_before_the_deadline_and_while_applications_are_undecided(
    world, call, closed_call
):
    submitted(call, world.municipality)
    reasons = actions.publish_decision_refusals(call)
    assert "The call has not closed yet." in reasons
    assert "1 submitted application is not decided yet." in reasons
    with pytest.raises(ValidationError):
        actions.publish_decision(call, by=None, roles=[])
    make_application(closed_call, world.municipality)  # a draft is not the organiser's to decide
    assert actions.publish_decision_refusals(closed_call) == []


def test_publishing_the_decision_emails_applicants_and_makes_participants(
    client, world, closed_call, django_capture_on_commit_callbacks
):
    call = closed_call
    coordinator = world.people["coordinator"]
    east = make_municipality(world.region, name="Östby kommun")
    east_head = make_member(
        east, Role.MUNICIPAL_COORDINATOR, make_user("chef@ostby.example", full_name="Östen")
    )
    east_teacher = make_member(east, Role.TEACHER, make_user("larare@ostby.example"))
    accepted = submitted(call, world.municipality, by=coordinator)
    rejected = submitted(call, east, by=east_head)
    make_decision(accepted, "accepted", justification="Tydligt behov och förankring.")
    make_decision(rejected, "rejected", justification="Har redan en aktiv plan.")
    officer = world.people["regional_officer"]
    signed_in(client, officer)
    mail.outbox.clear()
    # E-mails go out in each recipient's language (Swedish by default); read the English source here, and
    # one recipient in Swedish below.
    User.objects.exclude(pk=east_head.pk).update(language="en")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("calls:publish_decision", args=[call.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 2  # one e-mail task per application, enqueued once the publication is committed
    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED and call.decision_published_at is not None

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert east_teacher.email not in by_recipient  # not an applicant role
    norrby = [world.people[p].email for p in ("coordinator", "head_of_schools", "admin")]
    assert set(by_recipient) == {*norrby, east_head.email}
    yes, no = by_recipient[coordinator.email], by_recipient[east_head.email]
    assert "is accepted" in yes.body and "Tydligt behov och förankring." in yes.body
    assert reverse("calls:my_application", args=[accepted.pk]) in yes.body
    assert "har inte beviljats den här gången" in no.body  # Östen reads Swedish, the default
    assert "Har redan en aktiv plan." in no.body
    assert call.title in yes.subject

    programme = Programme.objects.get(call=call)
    assert programme.title == call.title
    assert list(Participant.objects.values_list("application_id", flat=True)) == [accepted.pk]
    events = AuditEvent.objects.filter(verb__startswith="call.decision")
    assert events.filter(verb="call.decision_publish", actor=officer).count() == 1
    notified = events.filter(verb="call.decision_notified")
    assert {e.detail["application"]: e.detail["recipients"] for e in notified} == {
        accepted.pk: 3,
        rejected.pk: 1,
    }
    assert {e.actor for e in notified} == {officer}
    assert call.applications.filter(decision_notified_at__isnull=True).count() == 0
    page = client.get(reverse("calls:ranking", args=[call.pk])).content.decode()
    assert "Applications whose people have been e-mailed the decision: 2 of 2." in page
    assert "Not e-mailed yet" not in page

    again = client.post(reverse("calls:publish_decision", args=[call.pk]), follow=True)
    assert "only once" in again.content.decode()
    assert len(mail.outbox) == 4  # nothing sent twice
    changed = client.post(
        reverse("calls:decide", args=[rejected.pk]),
        {"decision": "accepted", "justification": "x", "version": 1},
    )
    assert changed.status_code == 400


def test_a_reserve_applicant_is_told_so(world, closed_call, django_capture_on_commit_callbacks):
    User.objects.update(language="en")  # the English source text; recipients get their own language
    application = submitted(closed_call, world.municipality, by=world.people["coordinator"])
    make_decision(application, "reserve", justification="Nummer ett på reservlistan.")
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_decision(closed_call, by=None, roles=[Role.MUNICIPAL_COORDINATOR])
    [message] = mail.outbox
    assert "reserve list" in message.body and "Nummer ett på reservlistan." in message.body
    assert not Programme.objects.filter(call=closed_call).exists()


def test_nothing_is_sent_for_a_publication_that_rolls_back(
    world, closed_call, django_capture_on_commit_callbacks
):
    application = submitted(closed_call, world.municipality, by=world.people["coordinator"])
    make_decision(application, "accepted", justification="Välkomna.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.publish_decision(closed_call, by=None, roles=[Role.MUNICIPAL_COORDINATOR])
            assert mail.outbox == []  # nothing goes out inside the transaction
            raise RuntimeError("something after the publication failed")
    assert callbacks == [] and mail.outbox == []
    closed_call.refresh_from_db()
    assert closed_call.status == Call.Status.PUBLISHED and not Participant.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="call.decision").exists()


def two_decided_applications(world, call):
    """Norrby (accepted) and Östby (rejected), and a send_mail that refuses Östby's coordinator as a mail
    server does when a mailbox is unavailable: (norrby, ostby, east_head, flaky send_mail, the real one)."""
    east = make_municipality(world.region, name="Östby kommun")
    east_head = make_member(east, Role.MUNICIPAL_COORDINATOR, make_user("chef@ostby.example"))
    norrby = submitted(call, world.municipality, by=world.people["coordinator"])
    ostby = submitted(call, east, by=east_head)
    make_decision(norrby, "accepted", justification="Välkomna.")
    make_decision(ostby, "rejected", justification="Inte nu.")
    real_send_mail = tasks.send_mail

    def flaky(*args, recipient_list, **kwargs):
        if recipient_list == [east_head.email]:
            raise ConnectionRefusedError("mailbox unavailable")
        return real_send_mail(*args, recipient_list=recipient_list, **kwargs)

    return norrby, ostby, east_head, flaky, real_send_mail


def test_a_failing_recipient_neither_undoes_the_publication_nor_stops_the_others(
    client, world, closed_call, monkeypatch, django_capture_on_commit_callbacks
):
    norrby, ostby, east_head, flaky, real_send_mail = two_decided_applications(world, closed_call)
    monkeypatch.setattr(tasks, "send_mail", flaky)
    officer = world.people["regional_officer"]
    roles = [Role.MUNICIPAL_COORDINATOR]
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_decision(
            closed_call, by=officer, roles=roles, url_for=lambda a: f"https://x.example/{a.pk}"
        )
    closed_call.refresh_from_db()
    assert closed_call.status == Call.Status.DECIDED  # the publication stays
    assert [m.to for m in mail.outbox] == [[world.people["coordinator"].email]]
    norrby.refresh_from_db()
    ostby.refresh_from_db()
    assert norrby.decision_notified_at is not None and ostby.decision_notified_at is None
    notified = AuditEvent.objects.filter(verb="call.decision_notified")
    assert [e.detail["application"] for e in notified] == [norrby.pk]
    assert actions.notification_counts(closed_call) == {"total": 2, "notified": 1, "pending": 1}
    signed_in(client, officer)
    page = client.get(reverse("calls:ranking", args=[closed_call.pk])).content.decode()
    assert "e-mailed the decision: 1 of 2." in page and "Not e-mailed yet: 1" in page

    # The worker's retry, once the mail server answers again: Östby is told, Norrby not a second time.
    with pytest.raises(tasks.MailNotSent):  # still failing: the worker records the failure again
        tasks.send_decision_mail.call(ostby.pk, "https://x.example/", roles, officer.pk)
    monkeypatch.setattr(tasks, "send_mail", real_send_mail)
    assert tasks.send_decision_mail.call(norrby.pk, "https://x.example/", roles, officer.pk) == 0
    assert tasks.send_decision_mail.call(ostby.pk, "https://x.example/", roles, officer.pk) == 1
    assert tasks.send_decision_mail.call(ostby.pk, "https://x.example/", roles, officer.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.people["coordinator"].email, east_head.email]
    )
    assert AuditEvent.objects.filter(verb="call.decision_notified").count() == 2
    assert actions.notification_counts(closed_call)["pending"] == 0


# --- applicants never see a score -------------------------------------------------------------------------


def test_an_applicant_never_sees_a_score(
    client, world, closed_call, reviewers, django_capture_on_commit_callbacks
):
    application = submitted(closed_call, world.municipality, by=world.people["coordinator"])
    make_review(application, reviewers[0], scores=scores(closed_call, 1, 2, 3), comment=SECRET)
    make_decision(application, "accepted", justification="Välkomna.")
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_decision(closed_call, by=None, roles=[Role.MUNICIPAL_COORDINATOR])
    signed_in(client, world.people["coordinator"])
    for name, arg in (
        ("calls:review", application.pk),
        ("calls:decide", application.pk),
        ("calls:ranking", closed_call.pk),
        ("calls:reviews", closed_call.pk),
        ("calls:decision_pdf", closed_call.pk),
        ("calls:applications_xlsx", closed_call.pk),
    ):
        response = client.get(reverse(name, args=[arg]))
        assert response.status_code in (403, 404), name
        assert SECRET not in response.content.decode(errors="replace")
    status = client.get(reverse("calls:my_application", args=[application.pk]))
    assert status.status_code == 200
    body = status.content.decode()
    assert "Välkomna." in body and SECRET not in body and reviewers[0].full_name not in body
    assert mail.outbox and SECRET not in "".join(m.body for m in mail.outbox)


# --- the decision summary and the Excel export ----------------------------------------------------------


def test_decision_summary_pdf_is_swedish_with_ranking_and_justifications(client, world, call, reviewers):
    application = submitted(call, world.municipality)
    make_review(application, reviewers[0], scores=scores(call, 5, 4, 3))  # (10+8+3)/25 = 84.0
    make_review(application, reviewers[1], scores=scores(call, 2, 2, 2))  # 40.0
    make_decision(application, "accepted", justification="Förankrat i förvaltningsledningen.")
    signed_in(client, world.people["regional_officer"])
    response = client.get(reverse("calls:decision_pdf", args=[call.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, layout=True)
    assert call.title.split()[0] in text and "Norrby kommun" in text
    assert "62,0" in text or "62.0" in text  # the mean of 84.0 and 40.0
    assert "44,0" in text or "44.0" in text  # the spread
    assert "Förankrat i förvaltningsledningen." in text
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert call.title[:20] in info


def test_excel_export_has_one_row_per_application_with_typed_cells(client, world, call, reviewers):
    person = {"name": "Rita Resurs", "title": "Förstelärare"}
    application = submitted(
        call,
        world.municipality,
        municipality="Norrby kommun",
        resource_person_1=person,
        resource_person_1_phone="+46 19 21 10 00",
        declaration=True,
        active_plan="Ja",
        question_1='=HYPERLINK("http://evil.example")',
        question_2="+SUM(1,2)",
    )
    make_application(call, make_municipality(world.region))  # a draft stays the applicant's own
    make_review(application, reviewers[0], scores=scores(call, 5, 5, 5))
    make_decision(application, "reserve", justification="Reserv.")
    signed_in(client, world.people["regional_officer"])
    response = client.get(reverse("calls:applications_xlsx", args=[call.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Organisation", "Kvittonummer", "Status", "Inkom"]
    labels = [f.label for f in call.fields.exclude(kind="heading").order_by("position")]
    assert headers[4 : 4 + len(labels)] == labels
    assert headers[-8:] == [
        "Kriteriesignaler",
        "Viktat medelvärde",
        "Spridning",
        "Granskningar klara",
        "Jäv",
        "Beslut",
        "Motivering",
        "Beslutad",
    ]
    assert sheet.max_row == 2
    row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert row["Organisation"] == "Norrby kommun" and row["Status"] == "Inskickad"
    assert isinstance(row["Inkom"], datetime) and isinstance(row["Beslutad"], datetime)
    assert row["Resursperson 1"] == "Rita Resurs, Förstelärare"
    assert row["Viktat medelvärde"] == 100.0 and row["Granskningar klara"] == 1 and row["Jäv"] == 0
    assert row["Beslut"] == "Reserv" and row["Motivering"] == "Reserv."
    declaration = next(f.label for f in call.fields.filter(kind="declaration"))
    assert row[declaration] == "Ja"
    question = next(f.label for f in call.fields.filter(key="question_1"))
    assert row[question].startswith("'=")  # no formula runs
    assert row[call.fields.get(key="question_2").label] == "'+SUM(1,2)"
    # A phone number is a text cell as written: no apostrophe in front of the "+".
    phone = sheet.cell(row=2, column=headers.index("Resursperson 1, telefon") + 1)
    assert phone.value == "+46 19 21 10 00" and phone.data_type == "s"
    assert row["Kriteriesignaler"] == "Already has an active plan"


def test_ranking_page_sorts_on_the_server_and_links_each_decision(client, world, call, reviewers):
    low = submitted(call, world.municipality)
    high = submitted(call, make_municipality(world.region, name="Östby kommun"))
    make_review(low, reviewers[0], scores=scores(call, 1, 1, 1))
    make_review(high, reviewers[0], scores=scores(call, 5, 5, 5))
    signed_in(client, world.people["regional_officer"])
    url = reverse("calls:ranking", args=[call.pk])
    body = client.get(url + "?sort=mean").content.decode()
    assert body.index("Östby kommun") < body.index("Norrby kommun")
    assert 'aria-sort="descending"' in body and 'href="?sort=-mean"' in body
    body = client.get(url + "?sort=-mean").content.decode()
    assert body.index("Norrby kommun") < body.index("Östby kommun")
    assert reverse("calls:decide", args=[high.pk]) in body
    assert "The call has not closed yet." in body


def test_the_organiser_queues_the_missing_decision_mails_again(
    client, world, closed_call, monkeypatch, django_capture_on_commit_callbacks
):
    """No worker retries a failed task by itself: the ranking page offers to send what is missing, and
    those already told are not mailed twice."""
    norrby, ostby, east_head, flaky, real_send_mail = two_decided_applications(world, closed_call)
    officer = world.people["regional_officer"]
    signed_in(client, officer)
    resend = reverse("calls:resend_decision_mails", args=[closed_call.pk])
    client.post(resend)  # before the decision is published there is nothing to send
    assert (
        mail.outbox == []
        and "not been published yet"
        in client.get(reverse("calls:ranking", args=[closed_call.pk])).content.decode()
    )

    monkeypatch.setattr(tasks, "send_mail", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("calls:publish_decision", args=[closed_call.pk]))
    page = client.get(reverse("calls:ranking", args=[closed_call.pk])).content.decode()
    assert f'action="{resend}"' in page  # one application is not told: the button is offered
    monkeypatch.setattr(tasks, "send_mail", real_send_mail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend)
    assert response.status_code == 302
    sent = [m.to[0] for m in mail.outbox]
    assert east_head.email in sent and world.people["coordinator"].email in sent
    assert len(sent) == len(set(sent))  # nobody is told twice
    assert actions.notification_counts(closed_call) == {"total": 2, "notified": 2, "pending": 0}
    page = client.get(response["Location"]).content.decode()
    assert (
        "The decision e-mails of 1 application are queued again." in page and f'action="{resend}"' not in page
    )
    assert AuditEvent.objects.filter(verb="call.decision_mails_requeued", detail__applications=1).exists()


# --- conflicts of interest by membership ------------------------------------------------------------------


def test_a_reviewer_belonging_to_the_applicant_is_in_conflict_automatically(client, world, call, reviewers):
    from kedja.calls.access import can_review, has_conflict, membership_conflict
    from kedja.organisations.roles import Kind

    # The principal of a Norrby school (a child of the applicant), a reader at the region (the organiser, not
    # in conflict), and the coordinator of another municipality.
    principal = world.people["principal"]
    regional_reader = make_member(world.region, Role.READER, make_user(full_name="Regina Region"))
    other = make_municipality(world.region, name="Söderby kommun")
    neighbour = make_member(other, Role.MUNICIPAL_COORDINATOR, make_user(full_name="Nils Granne"))
    call.reviewers.add(principal, regional_reader, neighbour)
    norrby = submitted(call, world.municipality)
    soderby = submitted(call, other)

    assert membership_conflict(principal, norrby) == world.school
    assert has_conflict(principal, norrby) and not can_review(principal, norrby)
    assert not has_conflict(principal, soderby) and can_review(principal, soderby)
    assert membership_conflict(regional_reader, norrby) is None and world.region.kind == Kind.REGION
    assert has_conflict(neighbour, soderby) and not has_conflict(neighbour, norrby)
    # An administration applying: a member of its municipality (its parent) is in conflict too.
    admin_call = make_call(world.region, reviewers=[world.people["coordinator"]])
    by_administration = submitted(admin_call, world.administration)
    assert membership_conflict(world.people["coordinator"], by_administration) == world.municipality

    # The reviewer never sees the application: not in the list as a link, 404 on the page.
    client.force_login(principal)
    listed = client.get(reverse("calls:reviews", args=[call.pk])).content.decode()
    assert "Conflict of interest: you belong to Norrbyskolan" in listed
    assert reverse("calls:review", args=[norrby.pk]) not in listed
    assert reverse("calls:review", args=[soderby.pk]) in listed
    assert client.get(reverse("calls:review", args=[norrby.pk])).status_code == 404

    # A score given before the membership is not counted; the organiser sees who and why.
    make_review(norrby, reviewers[0], scores=scores(call, 5, 5, 5))
    row = next(r for r in ranking(call) if r.application.pk == norrby.pk)
    assert row.conflicts == 1 and row.mean == 100.0
    assert [(r.pk, o.pk) for r, o in row.member_conflicts] == [(principal.pk, world.school.pk)]
    client.force_login(world.people["regional_officer"])
    ranking_page = client.get(reverse("calls:ranking", args=[call.pk])).content.decode()
    assert "Rebecka Rektor belongs to Norrbyskolan" in ranking_page
    decide_page = client.get(reverse("calls:decide", args=[norrby.pk])).content.decode()
    assert "Rebecka Rektor belongs to Norrbyskolan" in decide_page


def test_the_reviewer_picker_shows_who_belongs_to_an_applicant(client, world, call):
    submitted(call, world.municipality)
    client.force_login(world.people["regional_officer"])
    page = client.get(reverse("calls:edit", args=[call.pk])).content.decode()
    assert "Rebecka Rektor" in page
    line = next(x for x in page.splitlines() if "Rebecka Rektor" in x)
    assert "conflict of interest: belongs to Norrby kommun, which applies" in line
    officer_line = next(x for x in page.splitlines() if world.people["regional_officer"].email in x)
    assert "conflict of interest" not in officer_line
