"""Applying (docs/calls.md, "Applying"): counting through the form, never truncating, organisation numbers,
the deadline by the server's clock (one second either side, summer time), a draft shared by colleagues with a
conflict, privacy between organisations, the receipt e-mail and PDF, withdrawing and attached files."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kedja.calls import actions_apply as actions
from kedja.calls.factories import make_application, make_call
from kedja.calls.forms_render import build_form
from kedja.calls.models import Application, ApplicationFile, Call, CallField, FieldKind
from kedja.calls.tasks import MailNotSent, send_receipt_mail
from kedja.calls.views_apply import receipt_pdf_bytes
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.models import AuditEvent
from kedja.organisations.roles import Role
from tests.tools import pdf_text

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LIMIT = 2500

pytestmark = pytest.mark.django_db


def valid_answers(**overrides) -> dict:
    """POST data that passes every check of the reference call's form."""
    data = {
        "municipality": "Norrby kommun",
        "org_number": "212000-1918",
        "resource_person_1_0": "Åsa Öberg",
        "resource_person_1_1": "Förstelärare i matematik",
        "resource_person_1_email": "asa.oberg@norrby.example",
        "resource_person_1_phone": "019-21 10 00",
        "resource_person_2_0": "Erik Ängström",
        "resource_person_2_1": "Lektor",
        "resource_person_2_email": "erik.angstrom@norrby.example",
        "resource_person_2_phone": "+46 19 21 10 01",
        "head_of_operations_0": "Sara Samordnare",
        "head_of_operations_1": "Grundskolechef",
        "head_of_operations_phone": "019-21 10 02",
        "declaration": "on",
        "active_plan": "Nej",
        "anchored": "Nej",
        "question_1": "Vi vill förbättra måluppfyllelsen i årskurs 7–9.",
        "question_2": "Resurspersonerna får mandat av förvaltningschefen.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def call(world):
    return make_call(world.region)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def apply_url(call, org=None):
    url = reverse("calls:apply", args=[call.pk])
    return f"{url}?org={org.pk}" if org else url


def submit_url(call):
    return reverse("calls:submit", args=[call.pk])


def current(call, org) -> Application:
    return Application.objects.exclude(status="withdrawn").get(call=call, organisation=org)


# --- counting through the form --------------------------------------------------------------------------


AT_LIMIT = {
    "ascii": "x" * LIMIT,
    "emoji with skin tone": "👍🏽" * LIMIT,
    "combining ring": "a\u030a" * LIMIT,
    "flags": "🇸🇪" * LIMIT,
    "CRLF": "ab\r\n" * 833 + "x",  # 833 × 3 + 1: each CRLF is one line break
    "LF": "ab\n" * 833 + "x",
}


@pytest.mark.parametrize("name", list(AT_LIMIT))
def test_exactly_at_the_limit_is_accepted_and_one_more_is_not(call, name):
    text = AT_LIMIT[name]
    assert build_form(call, valid_answers(question_1=text)).is_valid()
    one_more = text + ("\r\n" if name == "CRLF" else "é")
    form = build_form(call, valid_answers(question_1=one_more))
    assert not form.is_valid()
    assert form.errors["question_1"] == [
        "The text is 1 character too long (2501 of 2500). Nothing has been removed: shorten it and save again."
    ]


def test_crlf_sent_by_the_browser_counts_like_the_lf_in_the_text_area(world, call):
    """2,500 with LF as the script counts it; the browser sends CRLF: the server says the same."""
    text = "rad\r\n" * 625  # 625 × (3 + 1) = 2,500
    response = client_for(world.people["coordinator"]).post(
        f"{submit_url(call)}?org={world.municipality.pk}", valid_answers(question_1=text)
    )
    assert response.status_code == 302
    assert current(call, world.municipality).answers["question_1"] == text


def test_over_the_limit_is_saved_and_shown_back_intact_never_truncated(world, call):
    client = client_for(world.people["coordinator"])
    text = "å" * 2600 + "\r\nslut 👍🏽"  # 2,600 + 1 + 6 = 2,607
    response = client.post(apply_url(call, world.municipality), valid_answers(question_1=text), follow=True)
    assert response.status_code == 200
    application = current(call, world.municipality)
    assert application.answers["question_1"] == text
    assert application.status == Application.Status.DRAFT

    page = client.get(apply_url(call, world.municipality)).content.decode()
    assert "å" * 2600 + "\r\nslut 👍🏽" in page or "å" * 2600 + "\nslut 👍🏽" in page
    assert "107 characters too many (2607 of 2500)" in page
    assert not re.search(r"<textarea[^>]*maxlength", page)

    response = client.post(f"{submit_url(call)}?org={world.municipality.pk}", valid_answers(question_1=text))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The text is 107 characters too long (2607 of 2500)" in content
    assert 'href="#id_question_1"' in content  # the summary at the top links to the field
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.answers["question_1"] == text


def test_the_counter_is_tied_to_the_text_area(world, call):
    page = client_for(world.people["coordinator"]).get(apply_url(call)).content.decode()
    assert 'id="id_question_1_count"' in page
    assert 'aria-describedby="id_question_1_help id_question_1_count"' in page
    assert "0 of 2500 characters" in page
    assert "calls/counter.js" in page and "<script>" not in page


# --- organisation numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("212000-1919", "The check digit does not match"),
        ("21200", "Enter an organisation number as ten digits"),
        ("800101-1234", "This looks like a personal identity number"),
    ],
)
def test_organisation_number_messages_beside_the_field(world, call, value, message):
    response = client_for(world.people["coordinator"]).post(
        f"{submit_url(call)}?org={world.municipality.pk}", valid_answers(org_number=value)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["org_number"][0]
    assert 'id="id_org_number_error"' in response.content.decode()
    assert current(call, world.municipality).answers["org_number"] == value  # kept as typed


def test_a_new_application_is_prefilled_with_the_organisation(world, call):
    world.municipality.org_number = "212000-1918"
    world.municipality.save()
    form = client_for(world.people["coordinator"]).get(apply_url(call)).context["form"]
    assert form["municipality"].value() == "Norrby kommun"
    assert form["org_number"].value() == "212000-1918"


# --- the deadline ---------------------------------------------------------------------------------------


def _frozen(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_whole_last_minute_submits_and_the_next_minute_nothing_does(world, monkeypatch):
    # "Ansök senast 3 augusti 2026 23:59": 23:59:59 is still in time, 00:00:00 is not.
    closes = datetime(2026, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    call = make_call(world.region, opens_at=closes - timedelta(days=60), closes_at=closes)
    coordinator = world.people["coordinator"]
    client = client_for(coordinator)
    url = f"{submit_url(call)}?org={world.municipality.pk}"

    last_second = closes + timedelta(seconds=59, microseconds=999_000)
    _frozen(monkeypatch, last_second)
    client.post(apply_url(call, world.municipality), valid_answers())
    assert client.post(url, {**valid_answers(), "_version": "1"}).status_code == 302
    application = current(call, world.municipality)
    assert application.submitted_at == last_second

    # Another municipality at 00:00:00: nothing is saved, the page says the call has closed.
    other = make_municipality(world.region, name="Söderby kommun")
    other_user = make_member(other, Role.MUNICIPAL_COORDINATOR)
    _frozen(monkeypatch, closes + timedelta(minutes=1))
    response = client_for(other_user).post(f"{submit_url(call)}?org={other.pk}", valid_answers())
    assert response.status_code == 200
    assert "The call closed 3 August 2026 23:59 (Swedish time)" in response.content.decode()
    assert not Application.objects.filter(organisation=other).exists()


def test_after_closing_a_draft_is_read_only_and_says_so(world, monkeypatch):
    closes = datetime(2026, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    call = make_call(world.region, opens_at=closes - timedelta(days=60), closes_at=closes)
    make_application(call, world.municipality, answers={"question_1": "Ett utkast om räknande."})
    _frozen(monkeypatch, closes + timedelta(minutes=1))  # closed once the closing minute has passed
    client = client_for(world.people["coordinator"])
    page = client.get(apply_url(call)).content.decode()
    assert "Nothing can be submitted or changed any more." in page
    assert "Ett utkast om räknande." in page
    assert "<textarea" not in page
    response = client.post(apply_url(call), valid_answers(question_1="Ändrat"))
    assert response.status_code == 200
    assert current(call, world.municipality).answers["question_1"] == "Ett utkast om räknande."
    with pytest.raises(actions.CallClosed):
        actions.save_draft(
            current(call, world.municipality), {"question_1": "x"}, expected_version=0, by=None
        )


@pytest.mark.parametrize(
    ("closes_local", "utc_close"),
    [
        (
            datetime(2026, 8, 3, 23, 59, tzinfo=STOCKHOLM),
            datetime(2026, 8, 3, 21, 59, tzinfo=ZoneInfo("UTC")),
        ),
        (
            datetime(2026, 12, 1, 23, 59, tzinfo=STOCKHOLM),
            datetime(2026, 12, 1, 22, 59, tzinfo=ZoneInfo("UTC")),
        ),
    ],
    ids=["summer time (UTC+2)", "winter time (UTC+1)"],
)
def test_the_deadline_is_local_time_in_summer_and_winter(world, closes_local, utc_close):
    call = make_call(world.region, opens_at=closes_local - timedelta(days=30), closes_at=closes_local)
    application = make_application(call, world.municipality, answers={})
    coordinator = world.people["coordinator"]
    actions.submit_application(
        application, {}, expected_version=0, by=coordinator, now=utc_close + timedelta(seconds=59)
    )
    assert timezone.localtime(application.submitted_at, STOCKHOLM).strftime("%H:%M:%S") == "23:59:59"
    other = make_application(call, make_municipality(world.region), answers={})
    with pytest.raises(actions.CallClosed):
        actions.submit_application(
            other, {}, expected_version=0, by=coordinator, now=utc_close + timedelta(minutes=1)
        )


# --- a draft shared by colleagues -----------------------------------------------------------------------


def test_colleagues_continue_the_same_draft_and_a_conflict_shows_both_versions(world, call):
    sara, anna = client_for(world.people["coordinator"]), client_for(world.people["admin"])
    sara.post(apply_url(call), valid_answers(question_1="Saras första text."))
    application = current(call, world.municipality)
    assert application.version == 1

    # Anna (same municipality) opens the same application, Sara saves again, then Anna saves.
    page = anna.get(apply_url(call))
    assert page.context["application"].pk == application.pk
    assert page.context["form"]["question_1"].value() == "Saras första text."
    sara.post(apply_url(call), {**valid_answers(question_1="Saras andra text."), "_version": "1"})
    response = anna.post(apply_url(call), {**valid_answers(question_1="Annas text."), "_version": "1"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "A colleague saved this application while you were writing" in content
    assert "Saras andra text." in content and "Annas text." in content
    assert response.context["form"]["question_1"].value() == "Annas text."  # her text kept in the form
    assert current(call, world.municipality).answers["question_1"] == "Saras andra text."  # not overwritten

    assert 'name="_keep_question_1" value="saved"' in content and "data-autosave-url" not in content

    # Saving again from the conflict view keeps the colleague's answer unless Anna chooses her own.
    kept = anna.post(
        apply_url(call),
        {**valid_answers(question_1="Annas text."), "_version": "2", "_conflict_key": "question_1"},
    )
    assert kept.status_code == 302
    assert current(call, world.municipality).answers["question_1"] == "Saras andra text."
    # Choosing her own version is deliberate and replaces it.
    version = current(call, world.municipality).version
    again = anna.post(
        apply_url(call),
        {
            **valid_answers(question_1="Annas text."),
            "_version": str(version),
            "_conflict_key": "question_1",
            "_keep_question_1": "mine",
        },
    )
    assert again.status_code == 302
    assert current(call, world.municipality).answers["question_1"] == "Annas text."
    assert Application.objects.filter(call=call).count() == 1


def test_autosave_answers_with_the_time_and_refuses_a_stale_version(world, call):
    client = client_for(world.people["coordinator"])
    url = f"{reverse('calls:autosave', args=[call.pk])}?org={world.municipality.pk}"
    first = client.post(url, {"question_1": "Autosparat utkast"})
    assert first.status_code == 200
    body = first.json()
    assert body["version"] == 1 and body["message"].startswith("Saved ")
    assert current(call, world.municipality).answers["question_1"] == "Autosparat utkast"
    assert client.post(url, {"question_1": "Nyare", "_version": "1"}).status_code == 200
    stale = client.post(url, {"question_1": "Äldre flik", "_version": "1"})
    assert stale.status_code == 409
    assert current(call, world.municipality).answers["question_1"] == "Nyare"


# --- privacy between organisations ----------------------------------------------------------------------


def test_an_applicant_never_sees_another_organisations_application(world, call):
    other = make_municipality(world.region, name="Söderby kommun")
    other_user = make_member(other, Role.MUNICIPAL_COORDINATOR)
    mine = make_application(
        call, world.municipality, answers={"question_1": "Norrbys hemlighet"}, submit=True
    )
    stored = ApplicationFile.objects.create(
        application=mine, field_key="plan", name="plan.pdf", size=3, content_type="application/pdf"
    )
    client = client_for(other_user)
    for name, pk in [
        ("calls:my_application", mine.pk),
        ("calls:receipt", mine.pk),
        ("calls:receipt_pdf", mine.pk),
        ("calls:application_file", stored.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("calls:withdraw", args=[mine.pk])).status_code == 404
    assert client.get(apply_url(call, world.municipality)).status_code == 404  # not their organisation
    page = client.get(apply_url(call)).content.decode()
    assert "Norrbys hemlighet" not in page


# --- submitting: receipt, e-mail, PDF ------------------------------------------------------------------


def test_submit_gives_receipt_number_audit_event_and_email(world, call, django_capture_on_commit_callbacks):
    world.people["coordinator"].email = "sara@norrby.example"
    world.people["coordinator"].save()
    client = client_for(world.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"{submit_url(call)}?org={world.municipality.pk}", valid_answers())
    assert len(callbacks) == 1  # the receipt is enqueued once the submission is committed
    application = current(call, world.municipality)
    assert application.receipt_sent_at is not None
    assert response.status_code == 302 and response.url == reverse("calls:receipt", args=[application.pk])
    year = timezone.localtime(application.submitted_at).year
    assert application.status == Application.Status.SUBMITTED
    assert application.receipt_number == f"{call.pk}-{year}-001"
    assert AuditEvent.objects.filter(verb="application.submitted", organisation=world.municipality).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    applicants = {world.people[p].email for p in ("coordinator", "admin", "head_of_schools")}
    assert applicants <= set(message.to)
    assert world.people["teacher"].email not in message.to
    assert application.receipt_number in message.body
    assert reverse("calls:receipt", args=[application.pk]) in message.body

    page = client.get(response.url).content.decode()
    received = timezone.localtime(application.submitted_at, STOCKHOLM)
    assert received.strftime("%H:%M:%S") in page and application.receipt_number in page
    # Once submitted, the form is closed: the apply page leads to the status.
    assert client.get(apply_url(call)).status_code == 302
    again = client.post(f"{submit_url(call)}?org={world.municipality.pk}", valid_answers())
    assert (
        again.status_code == 302
        and current(call, world.municipality).receipt_number == application.receipt_number
    )


def test_the_receipt_goes_out_after_the_commit_once_and_not_for_a_rolled_back_submission(
    world, call, django_capture_on_commit_callbacks
):
    coordinator = world.people["coordinator"]
    application = make_application(call, world.municipality, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.submit_application(application, {}, expected_version=application.version, by=coordinator)
            assert mail.outbox == []  # nothing goes out inside the transaction
            raise RuntimeError("the request failed after submitting")
    assert callbacks == [] and mail.outbox == []
    assert Application.objects.get(pk=application.pk).status == Application.Status.DRAFT

    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.submit_application(application, {}, expected_version=application.version, by=coordinator)
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    application.refresh_from_db()
    assert application.receipt_sent_at is not None
    assert send_receipt_mail.call(application.pk, coordinator.pk) == 0  # a retried task sends nothing twice
    assert len(mail.outbox) == 1


def test_a_failing_receipt_mail_keeps_the_submission_and_is_sent_on_retry(
    world, call, monkeypatch, django_capture_on_commit_callbacks
):
    coordinator = world.people["coordinator"]
    application = make_application(call, world.municipality, by=coordinator)

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("kedja.calls.tasks.send_mail", down)
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_application(application, {}, expected_version=application.version, by=coordinator)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.receipt_sent_at is None
    with pytest.raises(MailNotSent):
        send_receipt_mail.call(application.pk, coordinator.pk)
    monkeypatch.undo()
    assert send_receipt_mail.call(application.pk, coordinator.pk) == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_pdf_receipt_has_the_date_received_in_stockholm_and_swedish_characters(world):
    closes = datetime(2026, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    call = make_call(world.region, opens_at=closes - timedelta(days=60), closes_at=closes)
    application = make_application(call, world.municipality, answers={})
    received_utc = datetime(2026, 8, 3, 21, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Stockholm (summer)
    answers = {"question_1": "Vi vill förbättra måluppfyllelsen – åäö ÅÄÖ.", "municipality": "Norrby kommun"}
    actions.submit_application(
        application, answers, expected_version=0, by=world.people["coordinator"], now=received_utc
    )
    pdf = receipt_pdf_bytes(application)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "2026-08-03 23:30:00" in text
    assert "Vi vill förbättra måluppfyllelsen – åäö ÅÄÖ." in text
    assert call.title in text.replace("\n", " ")

    response = client_for(world.people["coordinator"]).get(
        reverse("calls:receipt_pdf", args=[application.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- withdrawing and the status -------------------------------------------------------------------------


def test_withdraw_before_the_deadline_and_not_after(world, call):
    application = make_application(call, world.municipality, answers={}, submit=True)
    client = client_for(world.people["coordinator"])
    confirm = client.get(reverse("calls:my_application", args=[application.pk]) + "?withdraw=1")
    assert "Withdraw the application?" in confirm.content.decode()
    assert client.post(reverse("calls:withdraw", args=[application.pk])).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN and application.withdrawn_at
    assert AuditEvent.objects.filter(verb="application.withdrawn").exists()

    second = make_application(call, world.municipality, answers={}, submit=True)
    closed = timezone.now() - timedelta(minutes=1, seconds=1)  # the closing minute has passed
    Call.objects.filter(pk=call.pk).update(opens_at=closed - timedelta(days=30), closes_at=closed)
    client.post(reverse("calls:withdraw", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED
    page = client.get(reverse("calls:my_application", args=[second.pk])).content.decode()
    assert "can no longer be changed or withdrawn" in page


def test_status_shows_the_published_decision_but_never_scores_or_reviewers(world, call):
    reviewer = make_user(full_name="Rolf Granskare")
    call.reviewers.add(reviewer)
    application = make_application(call, world.municipality, answers={}, submit=True)
    client = client_for(world.people["coordinator"])
    Application.objects.filter(pk=application.pk).update(decision="accepted", justification="Tydlig plan.")
    page = client.get(reverse("calls:my_application", args=[application.pk])).content.decode()
    assert "Tydlig plan." not in page  # not published yet
    call.status = "decided"
    call.save(update_fields=["status"])
    page = client.get(reverse("calls:my_application", args=[application.pk])).content.decode()
    assert "Accepted" in page and "Tydlig plan." in page
    assert "Rolf Granskare" not in page and "score" not in page.lower()


# --- files ----------------------------------------------------------------------------------------------


def _with_file_field(call):
    return CallField.objects.create(
        call=call, key="plan", kind=FieldKind.FILE, label="Development plan", required=True, position=999
    )


def test_files_are_checked_kept_on_a_failed_submit_and_replaced(world, call):
    _with_file_field(call)
    client = client_for(world.people["coordinator"])
    url = f"{submit_url(call)}?org={world.municipality.pk}"

    bad = client.post(url, {**valid_answers(), "plan": SimpleUploadedFile("plan.exe", b"MZ")})
    assert bad.status_code == 200
    assert "plan" in bad.context["form"].errors
    assert 'id="id_plan_error"' in bad.content.decode()

    # A valid file with another error: the file is kept, the submit fails beside the other field.
    failed = client.post(
        url,
        {
            **valid_answers(org_number="1"),
            "_version": "1",
            "plan": SimpleUploadedFile("plan.pdf", b"%PDF-1 a"),
        },
    )
    assert failed.status_code == 200 and "org_number" in failed.context["form"].errors
    application = current(call, world.municipality)
    stored = application.files.get(field_key="plan")
    assert stored.name == "plan.pdf"
    assert "plan.pdf" in failed.content.decode()

    # Re-uploading replaces it; the file field is then satisfied on submit without a new upload.
    client.post(
        apply_url(call),
        {
            **valid_answers(),
            "_version": str(application.version),
            "plan": SimpleUploadedFile("ny plan.pdf", b"%PDF-2"),
        },
    )
    assert list(application.files.values_list("name", flat=True)) == ["ny plan.pdf"]
    application.refresh_from_db()
    assert client.post(url, {**valid_answers(), "_version": str(application.version)}).status_code == 302

    download = client.get(reverse("calls:application_file", args=[application.files.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-2"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"<!DOCTYPE html><html><script>alert(document.cookie)</script>", "not a real PDF file"),
        ("plan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00", "not a real PDF file"),
        ("plan.html", b"<html></html>", "Allowed: .pdf, .docx, .xlsx, .odt"),
    ],
)
def test_a_web_page_or_a_program_named_pdf_is_refused(world, call, name, content, message):
    _with_file_field(call)
    client = client_for(world.people["coordinator"])
    response = client.post(
        apply_url(call, world.municipality),
        {**valid_answers(), "plan": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["plan"])
    assert not ApplicationFile.objects.exists()


def test_a_traversal_name_and_a_300_character_name_are_stored_safely(world, call):
    _with_file_field(call)
    client = client_for(world.people["coordinator"])
    for name, expected in (
        ("../../../../etc/cron.d/plan.pdf", "plan.pdf"),
        ("p" * 296 + ".pdf", "p" * 96 + ".pdf"),
    ):
        client.post(
            apply_url(call, world.municipality),
            {
                **valid_answers(),
                "_version": str(getattr(Application.objects.filter(call=call).first(), "version", 0)),
                "plan": SimpleUploadedFile(name, b"%PDF-1.4 plan"),
            },
        )
        stored = ApplicationFile.objects.get()
        assert stored.name == expected and stored.content_type == "application/pdf"
        assert ".." not in stored.file.name and stored.file.name.startswith("calls/")
        download = client.get(reverse("calls:application_file", args=[stored.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
