"""The call builder (docs/calls.md, "The call builder"): the shipped reference template reproduces the form,
the rules of publishing, reordering, concurrent edits, safe descriptions, local times and the rendered
form."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kedja.calls import actions_builder as actions
from kedja.calls.factories import make_application, make_call
from kedja.calls.forms_render import answers_from, build_form, prefill_answers
from kedja.calls.models import Application, Call, FieldKind
from kedja.calls.templates_data import UnknownTemplate, load_template
from kedja.calls.text import date_warnings, render_description, render_markdown
from kedja.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TEMPLATE = "maths_support_2026"


def fields_of(call):
    return list(call.fields.order_by("position", "pk"))


# --- the reference template ------------------------------------------------------------------------------


REFERENCE_DECLARATION = (
    "Vi intygar att uppgifterna i ansökan är korrekta och förankrade i organisationen, och att arbetet om "
    "kommunen blir antagen kommer att prioriteras under perioden augusti 2026 – januari 2027 och "
    "genomföras enligt upplägg beskrivet ovan."
)
REFERENCE_Q2_HELP = (
    "Beskriv hur kommunen ska ta tillvara resultaten av satsningen så att arbetet blir bestående:\n\n"
    "- Vilka är resurspersonerna och hur säkras deras mandat?\n"
    "- Vilken funktion ska äga den utvecklingsplan som tas fram?\n"
    "- Hur ska arbetet följas upp efter satsningen?"
)


def test_template_reproduces_the_reference_form_of_domain_section_8(world, settings):
    settings.LANGUAGE_CODE = "sv"  # the site's language, which the call's text is written in
    # Created in May 2026, the template is the region's call of that year, word for word.
    call = actions.create_call(
        world.region,
        by=world.people["regional_officer"],
        template_key=TEMPLATE,
        now=datetime(2026, 5, 4, 9, 0, tzinfo=STOCKHOLM),
    )
    assert call.status == Call.Status.DRAFT and call.template_key == TEMPLATE
    assert call.places == 8
    assert call.closes_at == datetime(2026, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    assert call.closes_at == datetime(2026, 8, 3, 21, 59, tzinfo=UTC)  # summer time: UTC+2
    assert call.decision_by == date(2026, 8, 7)
    assert "**8 kommuner**" in call.description and "matematikutbildning (NCM)" in call.description
    got = [(f.key, f.kind, f.label, f.required, f.max_chars) for f in fields_of(call)]
    assert got == [
        ("about_applicant", FieldKind.HEADING, "Sökande", False, None),
        ("municipality", FieldKind.SHORT_TEXT, "Kommun", True, None),
        ("org_number", FieldKind.ORG_NUMBER, "Organisationsnummer", True, None),
        ("about_resource_persons", FieldKind.HEADING, "Resurspersoner", False, None),
        ("resource_person_1", FieldKind.PERSON, "Resursperson 1", True, None),
        ("resource_person_1_email", FieldKind.EMAIL, "Resursperson 1, e-post", True, None),
        ("resource_person_1_phone", FieldKind.PHONE, "Resursperson 1, telefon", True, None),
        ("resource_person_2", FieldKind.PERSON, "Resursperson 2", True, None),
        ("resource_person_2_email", FieldKind.EMAIL, "Resursperson 2, e-post", True, None),
        ("resource_person_2_phone", FieldKind.PHONE, "Resursperson 2, telefon", True, None),
        ("about_head_of_operations", FieldKind.HEADING, "Ansvarig verksamhetschef", False, None),
        ("head_of_operations", FieldKind.PERSON, "Ansvarig verksamhetschef", True, None),
        ("head_of_operations_phone", FieldKind.PHONE, "Ansvarig verksamhetschef, telefon", True, None),
        ("declaration", FieldKind.DECLARATION, REFERENCE_DECLARATION, True, None),
        ("about_current_situation", FieldKind.HEADING, "Nuläge", False, None),
        (
            "active_plan",
            FieldKind.CHOICE,
            "Har kommunen i dag en aktiv, sammanhållen utvecklingsplan för matematikundervisningen i "
            "grundskolan?",
            True,
            None,
        ),
        (
            "anchored",
            FieldKind.CHOICE,
            "Är kommunens insatser i matematik i dag förankrade på förvaltnings- och ledningsnivå?",
            True,
            None,
        ),
        ("about_questions", FieldKind.HEADING, "Frågor", False, None),
        (
            "question_1",
            FieldKind.LONG_TEXT,
            "Fråga 1: Varför vill kommunen delta?",
            True,
            2500,
        ),
        (
            "question_2",
            FieldKind.LONG_TEXT,
            "Fråga 2: Hur ska resultaten tas tillvara och bli bestående?",
            True,
            2500,
        ),
    ]
    by_key = {f.key: f for f in fields_of(call)}
    assert by_key["active_plan"].choices == by_key["anchored"].choices == ["Ja", "Nej"]
    q1 = by_key["question_1"].help_text
    for part in ("varför", "utmaningar", "utvecklingsarbete", "mervärde"):
        assert part in q1
    assert by_key["question_2"].help_text == REFERENCE_Q2_HELP
    # the description's dates are the call's own fields, written out when shown
    assert "Ansök senast {closes}. Urvalet meddelas senast {decision_by}." in call.description
    shown = str(render_description(call))
    assert "Ansök senast 3 augusti 2026 23:59. Urvalet meddelas senast 7 augusti 2026." in shown
    assert "28 augusti 2026 i Malmö (lokal bekräftas senare)" in shown
    assert date_warnings(call) == []
    # the date received is the system's, not a field
    assert "skickar in" in by_key["about_applicant"].help_text
    assert not any("date" in f.key for f in fields_of(call))
    criteria = list(call.criteria.order_by("position"))
    assert [(c.title, c.weight, c.max_score) for c in criteria] == [
        ("Saknar aktiv, sammanhållen utvecklingsplan för matematik", 2, 5),
        ("Insatserna är inte förankrade på förvaltnings- och ledningsnivå", 2, 5),
        ("Beskrivet mervärde", 1, 5),
    ]
    assert all(c.guidance for c in criteria)
    assert "förvaltnings- och ledningsnivå" in criteria[1].guidance


def test_template_programme_part():
    programme = load_template(TEMPLATE, year=2026)["programme"]
    meetings = programme["meetings"]
    assert [(m["date"], m["place"]) for m in meetings[:3]] == [
        (date(2026, 8, 28), "Malmö (lokal bekräftas senare)"),
        (date(2026, 10, 6), ""),
        (date(2026, 12, 2), ""),
    ]
    assert meetings[3]["date"] is None and meetings[3]["month"] == date(2027, 1, 1)
    assert all((m["starts"], m["ends"]) == (time(9), time(16)) for m in meetings)
    assert "10 %" in programme["resource_persons"] and "grundskolechefen" in programme["steering_group"]
    assert programme["deliverable_title"] == "Utvecklingsplan för matematikundervisningen"
    assert (programme["starts"], programme["ends"]) == (date(2026, 8, 1), date(2027, 1, 31))


def test_unknown_template_is_refused():
    with pytest.raises(UnknownTemplate):
        load_template("../settings")


def test_creating_is_audited_and_blank_call_has_no_fields(world):
    call = actions.create_call(world.region, by=world.people["regional_officer"])
    assert call.fields.count() == 0 and call.criteria.count() == 0
    assert AuditEvent.objects.filter(verb="call.create", organisation=world.region).exists()


# --- publishing -------------------------------------------------------------------------------------------


def test_publish_refuses_with_every_reason(world):
    now = timezone.now()
    call = actions.create_call(
        world.region,
        by=world.people["regional_officer"],
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        actions.publish_call(call, by=world.people["regional_officer"])
    assert refused.value.messages == [
        "The form has no fields to fill in.",
        "The closing time has already passed.",
        "The call has no criteria for the review.",
        "No reviewers are assigned.",
    ]
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


def test_a_form_of_only_headings_cannot_be_published(world):
    officer = world.people["regional_officer"]
    call = make_call(world.region, from_template=False, status=Call.Status.DRAFT, reviewers=[officer])
    call.fields.all().delete()
    actions.add_field(call, {"kind": FieldKind.HEADING, "label": "Part 1"}, by=officer)
    assert actions.publish_refusals(call) == ["The form has no fields to fill in."]


def test_publish_then_form_is_frozen(world):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT, reviewers=[officer])
    actions.publish_call(call, by=officer)
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED and call.published_at
    with pytest.raises(ValidationError):
        actions.add_field(call, {"kind": FieldKind.SHORT_TEXT, "label": "Late"}, by=officer)
    with pytest.raises(ValidationError):
        actions.publish_call(call, by=officer)


def test_publish_view_shows_reasons_and_keeps_draft(world, client):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)  # no reviewers
    client.force_login(officer)
    response = client.post(reverse("calls:publish", args=[call.pk]), follow=True)
    assert "No reviewers are assigned." in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


# --- fields and criteria ----------------------------------------------------------------------------------


def test_reorder_fields_up_and_down(world):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)
    keys = [f.key for f in fields_of(call)]
    q2 = call.fields.get(key="question_2")
    actions.move_field(q2, "up", by=officer)
    assert [f.key for f in fields_of(call)][-2:] == ["question_2", "question_1"]
    actions.move_field(call.fields.get(key="question_2"), "down", by=officer)
    assert [f.key for f in fields_of(call)] == keys
    actions.move_field(call.fields.get(key=keys[0]), "up", by=officer)  # already first: nothing moves
    assert [f.key for f in fields_of(call)] == keys


def test_reorder_through_the_view(world, client):
    call = make_call(world.region, status=Call.Status.DRAFT)
    client.force_login(world.people["regional_officer"])
    field = call.fields.get(key="org_number")
    response = client.post(reverse("calls:field_move", args=[field.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert [f.key for f in fields_of(call)][1:3] == ["org_number", "municipality"]


def test_add_field_rules(world):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        actions.add_field(call, {"kind": FieldKind.CHOICE, "label": "Size", "choices": ["Small"]}, by=officer)
    assert "choices" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        actions.add_field(call, {"kind": FieldKind.SHORT_TEXT, "label": "X", "max_chars": 10}, by=officer)
    assert "max_chars" in refused.value.error_dict
    field = actions.add_field(call, {"kind": FieldKind.SHORT_TEXT, "label": "Municipality"}, by=officer)
    assert field.key == "municipality_2" and fields_of(call)[-1] == field


def test_criteria_add_edit_move_delete(world):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)
    added = actions.add_criterion(
        call, {"title": "Feasibility", "guidance": "", "weight": 3, "max_score": 4}, by=officer
    )
    actions.move_criterion(added, "up", by=officer)
    titles = list(call.criteria.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["Feasibility", "Beskrivet mervärde"]
    with pytest.raises(ValidationError):
        actions.update_criterion(added, {"title": "Feasibility", "weight": 0, "max_score": 4}, by=officer)
    actions.delete_criterion(added, by=officer)
    assert call.criteria.count() == 3


# --- details, concurrency and local time ---------------------------------------------------------------


def _details(call, **changes):
    data = {
        "version": call.version,
        "title": call.title,
        "description": call.description,
        "eligible": call.eligible,
        "opens_at": timezone.localtime(call.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(call.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "decision_by": call.decision_by.isoformat() if call.decision_by else "",
        "places": call.places,
    }
    data.update(changes)
    return data


def test_two_editors_conflict_and_nothing_typed_is_lost(world, client):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)
    first = _details(call, title="First editor's title")
    second = _details(call, title="Second editor's title")
    client.force_login(officer)
    assert client.post(reverse("calls:edit", args=[call.pk]), first).status_code == 302
    response = client.post(reverse("calls:edit", args=[call.pk]), second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this call" in page and "Second editor&#x27;s title" in page
    call.refresh_from_db()
    assert call.title == "First editor's title"


def test_local_time_inputs_round_trip_including_summer_time(world, client):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)
    client.force_login(officer)
    data = _details(
        call,
        opens_at="2027-03-01T08:00",  # winter time, UTC+1
        closes_at="2027-04-15T23:59",  # summer time, UTC+2
        decision_by="2027-04-20",
    )
    assert client.post(reverse("calls:edit", args=[call.pk]), data).status_code == 302
    call.refresh_from_db()
    assert call.opens_at == datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2027, 4, 15, 21, 59, tzinfo=UTC)
    page = client.get(reverse("calls:edit", args=[call.pk])).content.decode()
    assert 'value="2027-03-01T08:00"' in page and 'value="2027-04-15T23:59"' in page


def test_a_time_that_does_not_exist_in_sweden_is_an_error_not_a_guess(world, client):
    call = make_call(world.region, status=Call.Status.DRAFT)
    client.force_login(world.people["regional_officer"])
    data = _details(call, closes_at="2027-03-28T02:30", title="Kept title")  # clocks jump 02:00 → 03:00
    response = client.post(reverse("calls:edit", args=[call.pk]), data)
    assert response.status_code == 400
    assert "Kept title" in response.content.decode()


def test_closing_before_opening_is_refused_beside_the_field(world, client):
    call = make_call(world.region, status=Call.Status.DRAFT)
    client.force_login(world.people["regional_officer"])
    data = _details(call, opens_at="2027-05-01T08:00", closes_at="2027-04-01T08:00", decision_by="")
    response = client.post(reverse("calls:edit", args=[call.pk]), data)
    assert response.status_code == 400
    assert "The call must close after it opens." in response.content.decode()


def test_reviewers_are_people_of_the_organiser_or_below(world, client):
    officer = world.people["regional_officer"]
    call = make_call(world.region, status=Call.Status.DRAFT)
    client.force_login(officer)
    data = _details(call, reviewers=[officer.pk, world.people["coordinator"].pk])
    assert client.post(reverse("calls:edit", args=[call.pk]), data).status_code == 302
    assert set(call.reviewers.all()) == {officer, world.people["coordinator"]}
    data = _details(Call.objects.get(pk=call.pk), reviewers=[world.people["outsider"].pk])
    assert client.post(reverse("calls:edit", args=[call.pk]), data).status_code == 400


# --- description ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x.se" onclick="alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_markdown_xss_is_neutralised(text):
    html = str(render_markdown(text))
    tags = re.findall(r"<[a-z][^>]*>", html)  # the real tags; typed HTML stays visible as escaped text
    assert all(tag.split()[0].strip("<>") in {"p", "a"} for tag in tags), tags
    assert not any(re.search(r"\bon\w+=|javascript:|data:", tag) for tag in tags), tags


def test_markdown_keeps_formatting():
    html = str(render_markdown("Up to **8** places.\n\n- one\n- two\n\n[Site](https://example.se)"))
    assert "<strong>8</strong>" in html and "<li>one</li>" in html
    assert '<a href="https://example.se" rel="noopener noreferrer nofollow">Site</a>' in html


def test_call_page_renders_description_safely(world, client):
    call = make_call(world.region, description="**Hello** <script>alert(1)</script>")
    client.force_login(world.people["coordinator"])
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "<strong>Hello</strong>" in page and "<script>alert(1)" not in page


# --- the rendered form (shared with applying) --------------------------------------------------------------


def _valid_data(**changes):
    data = {
        "municipality": "Norrby kommun",
        "org_number": "212000-2916",
        "resource_person_1_0": "Ada Lund",
        "resource_person_1_1": "Mathematics developer",
        "resource_person_1_email": "ada@norrby.example",
        "resource_person_1_phone": "070-123 45 67",
        "resource_person_2_0": "Bo Berg",
        "resource_person_2_1": "Teacher",
        "resource_person_2_email": "bo@norrby.example",
        "resource_person_2_phone": "070-765 43 21",
        "head_of_operations_0": "Cia Chef",
        "head_of_operations_1": "Head of compulsory school",
        "head_of_operations_phone": "0920-123 45",
        "declaration": "on",
        "active_plan": "Nej",
        "anchored": "Nej",
        "question_1": "Because.",
        "question_2": "Like this.",
    }
    data.update(changes)
    return data


def test_build_form_validates_and_gives_answers(world):
    call = make_call(world.region)
    form = build_form(call, data=_valid_data())
    assert form.is_valid(), form.errors
    answers = answers_from(form)
    assert answers["resource_person_1"] == {"name": "Ada Lund", "title": "Mathematics developer"}
    assert answers["declaration"] is True
    assert [item.key for item, bound in form.layout if bound is None] == [
        "about_applicant",
        "about_resource_persons",
        "about_head_of_operations",
        "about_current_situation",
        "about_questions",
    ]


def test_build_form_reports_bad_identifiers_and_an_unticked_declaration(world):
    call = make_call(world.region)
    form = build_form(
        call, data=_valid_data(org_number="212000-2917", declaration="", resource_person_1_phone="x")
    )
    assert not form.is_valid()
    assert {"org_number", "declaration", "resource_person_1_phone"} <= set(form.errors)


def test_long_text_over_limit_is_an_error_and_never_truncated(world):
    call = make_call(world.region)
    text = "å" * 2499 + "👍🏽\r\n"  # 2,501 characters as the applicant sees them
    form = build_form(call, data=_valid_data(question_1=text))
    assert not form.is_valid()
    assert "1 character too long (2501 of 2500)" in form.errors["question_1"][0]
    assert form["question_1"].value() == text
    html = str(form["question_1"])
    assert "maxlength" not in html and 'data-max-chars="2500"' in html
    exactly = build_form(call, data=_valid_data(question_1="a" * 2498 + "\r\n" + " "))
    assert exactly.is_valid(), exactly.errors


def test_draft_form_accepts_empty_and_over_limit(world):
    call = make_call(world.region)
    form = build_form(call, data={"question_1": "x" * 3000}, draft=True)
    assert form.is_valid(), form.errors
    assert answers_from(form)["question_1"] == "x" * 3000


def test_form_filled_from_answers_and_prefill(world):
    call = make_call(world.region)
    world.municipality.org_number = "212000-2916"
    answers = prefill_answers(call, world.municipality)
    assert answers == {"municipality": "Norrby kommun", "org_number": "212000-2916"}
    application = make_application(
        call, world.municipality, answers={**answers, "head_of_operations": {"name": "Cia", "title": "Chef"}}
    )
    form = build_form(call, answers=application.answers)
    html = str(form["head_of_operations"])
    assert 'value="Cia"' in html and 'value="Chef"' in html
    assert application.status == Application.Status.DRAFT


def test_file_field_limits_type_and_size(world):
    officer = world.people["regional_officer"]
    call = make_call(world.region, from_template=False, status=Call.Status.DRAFT)
    actions.add_field(call, {"kind": FieldKind.FILE, "label": "Attachment", "required": True}, by=officer)
    data = {"motivation": "x"}
    bad = build_form(call, data=data, files={"attachment": SimpleUploadedFile("a.exe", b"MZ")})
    assert not bad.is_valid() and "attachment" in bad.errors
    big = SimpleUploadedFile("a.pdf", b"0" * (10 * 1024 * 1024 + 1))
    assert "attachment" in build_form(call, data=data, files={"attachment": big}).errors
    ok = build_form(call, data=data, files={"attachment": SimpleUploadedFile("plan.pdf", b"%PDF-1.7")})
    assert ok.is_valid(), ok.errors


def test_preview_shows_the_form_as_applicants_see_it(world, client):
    call = make_call(world.region, status=Call.Status.DRAFT)
    client.force_login(world.people["regional_officer"])
    page = client.get(reverse("calls:preview", args=[call.pk])).content.decode()
    assert "Fråga 1: Varför vill kommunen delta?" in page
    assert 'data-max-chars="2500"' in page and 'name="head_of_operations_1"' in page
    assert "No reviewers are assigned." in page


# --- the list and the call's page ---------------------------------------------------------------------------


def test_list_shows_what_each_person_may_see(world, client):
    draft = make_call(world.region, status=Call.Status.DRAFT, title="Draft call")
    published = make_call(world.region, title="Open call")
    elsewhere = make_call(world.other_region, title="Southern call")
    client.force_login(world.people["coordinator"])
    page = client.get(reverse("calls:list")).content.decode()
    assert published.title in page and draft.title not in page and elsewhere.title not in page
    client.force_login(world.people["regional_officer"])
    page = client.get(reverse("calls:list")).content.decode()
    assert published.title in page and draft.title in page and elsewhere.title not in page
    client.force_login(world.people["outsider"])
    page = client.get(reverse("calls:list")).content.decode()
    assert elsewhere.title in page and published.title not in page


def test_call_page_shows_local_deadline(world, client):
    closes = datetime(2030, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    call = make_call(world.region, closes_at=closes)
    client.force_login(world.people["coordinator"])
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "3 August 2030 23:59" in page


def test_create_from_template_through_the_view(world, client):
    client.force_login(world.people["regional_officer"])
    response = client.post(reverse("calls:create", args=[world.region.pk]), {"template": TEMPLATE})
    call = Call.objects.get(organiser=world.region)
    assert response.status_code == 302 and response["Location"] == reverse("calls:edit", args=[call.pk])
    assert call.fields.count() == 20 and call.places == 8


# --- dates: never in the past, the text follows the fields ------------------------------------------------


def test_a_call_made_after_the_template_year_moves_every_date_forward(world, settings):
    settings.LANGUAGE_CODE = "sv"
    december = datetime(2026, 12, 7, 21, 0, tzinfo=STOCKHOLM)
    call = actions.create_call(
        world.region, by=world.people["regional_officer"], template_key=TEMPLATE, now=december
    )
    assert call.opens_at == datetime(2027, 6, 1, 8, 0, tzinfo=STOCKHOLM) > december
    assert call.closes_at == datetime(2027, 8, 3, 23, 59, tzinfo=STOCKHOLM)
    assert call.decision_by == date(2027, 8, 7)
    declaration = call.fields.get(key="declaration").label
    assert "augusti 2027 – januari 2028" in declaration and "2026" not in declaration
    shown = str(render_description(call))
    assert "Ansök senast 3 augusti 2027 23:59. Urvalet meddelas senast 7 augusti 2027." in shown
    assert "2026" not in shown
    programme = load_template(TEMPLATE, year=2027)["programme"]
    assert programme["meetings"][0]["date"] == date(2027, 8, 28)
    assert programme["meetings"][3]["month"] == date(2028, 1, 1)


def test_the_description_follows_the_closing_time_and_warns_about_a_written_date(world, settings):
    settings.LANGUAGE_CODE = "sv"
    call = make_call(world.region, status=Call.Status.DRAFT, reviewers=[world.people["regional_officer"]])
    call.closes_at = datetime(2027, 9, 1, 23, 59, tzinfo=STOCKHOLM)
    call.decision_by = date(2027, 9, 10)
    call.description = "Ansök senast {closes}. Beslut senast {decision_by}."
    assert str(render_description(call)) == (
        "<p>Ansök senast 1 september 2027 23:59. Beslut senast 10 september 2027.</p>\n"
    )
    assert date_warnings(call) == []
    # A date typed into the text that is not the call's own: the organiser is told, a meeting date is not.
    call.description = "Träff 28 augusti 2027 i Malmö.\n\nAnsök senast 3 augusti 2027 kl. 23.59."
    call.save()
    (warning,) = date_warnings(call)
    assert "3 augusti 2027" in warning and "1 september 2027 23:59" in warning
    client = Client()
    client.force_login(world.people["regional_officer"])
    page = client.get(reverse("calls:preview", args=[call.pk])).content.decode()
    assert "Utlysningens text och datum stämmer inte överens:" in page and "”3 augusti 2027”" in page


def test_help_texts_keep_their_lists_and_required_fields_stay_marked_after_a_draft(world):
    call = make_call(world.region)
    form = build_form(call, data={}, draft=True)
    html = str(form["question_2"].help_text)
    assert html.count("<li>") == 3 and "<ul>" in html
    page = Template(
        '{% for item, field in form.layout %}{% include "calls/_form_field.html" %}{% endfor %}'
    ).render(Context({"form": form}))
    assert "(optional)" not in page  # every field of the reference form must be answered to submit
    assert "<li>Vilka är resurspersonerna och hur säkras deras mandat?</li>" in page


def test_an_unticked_declaration_asks_to_tick_it(world):
    form = build_form(make_call(world.region), data=_valid_data(declaration=""))
    assert not form.is_valid()
    assert form.errors["declaration"] == ["Tick the box to confirm the declaration."]


def test_shortening_a_published_call_with_live_drafts_asks_the_officer_to_confirm(world, client):
    officer = world.people["regional_officer"]
    call = make_call(world.region)
    make_application(call, world.municipality, answers={"question_1": "Utkast"})
    client.force_login(officer)
    earlier = (timezone.localtime(call.closes_at) - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("calls:edit", args=[call.pk]), _details(call, closes_at=earlier, places=4))
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 organisation is writing an application and planned for" in page
    assert "1 application is written or sent for 8 places" in page
    assert 'name="confirm_tightening"' in page
    call.refresh_from_db()
    assert call.places == 8  # nothing changed yet
    confirmed = _details(call, closes_at=earlier, places=4, confirm_tightening="on")
    assert client.post(reverse("calls:edit", args=[call.pk]), confirmed).status_code == 302
    call.refresh_from_db()
    assert call.places == 4
    assert AuditEvent.objects.filter(verb="call.tightened").count() == 1
    # A later closing time or more places needs no confirmation.
    later = (timezone.localtime(call.closes_at) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("calls:edit", args=[call.pk]), _details(call, closes_at=later, places=6))
    assert response.status_code == 302
