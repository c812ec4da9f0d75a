"""Running a round: the list, opening a round, the overview, respondents, close/reopen and sharing."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kedja.assessments import actions
from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Respondent, RespondentGroup, Round
from kedja.frameworks.factories import make_framework_version
from kedja.organisations.factories import make_member
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


def signed_in(client, world, persona):
    client.force_login(world.people[persona])
    return client


@pytest.fixture
def version():
    return make_framework_version(areas=2, items=3)


@pytest.fixture
def round_(world, version):
    return make_round(
        world.municipality, version, title="Självskattning 2026", by=world.people["coordinator"]
    )


# --- the list ---------------------------------------------------------------------------------------


def test_staff_see_their_municipalitys_rounds_with_progress(client, world, round_):
    answer_all(add_respondent(round_, world.people["head_of_schools"]), [2])
    add_respondent(round_, world.people["principal"], RespondentGroup.SCHOOL_LEADERS)
    body = signed_in(client, world, "reader").get(reverse("assessments:round_list")).content.decode()
    assert "Självskattning 2026" in body
    assert reverse("assessments:round_detail", args=[round_.pk]) in body
    assert "0 of 2" in body  # answering items is not being done: only who said they are done count
    done = round_.respondents.get(user=world.people["head_of_schools"])
    done.submitted_at = timezone.now()
    done.save(update_fields=["submitted_at"])
    body = signed_in(client, world, "reader").get(reverse("assessments:round_list")).content.decode()
    assert "1 of 2" in body and "Respondents done" in body
    assert "Test framework v1" in body


def test_respondent_sees_the_rounds_they_are_asked_to_answer(client, world, round_):
    answer_all(add_respondent(round_, world.people["principal"]), [2])
    body = signed_in(client, world, "principal").get(reverse("assessments:round_list")).content.decode()
    assert "Rounds you are asked to answer" in body
    assert reverse("assessments:answer", args=[round_.pk]) in body
    assert "6 of 6 answered" in body
    # ... but not the staff overview: a principal is not round staff
    assert f'href="{reverse("assessments:round_detail", args=[round_.pk])}"' not in body


@pytest.mark.parametrize("persona", ["outsider", "teacher", "regional_officer", "partner"])
def test_others_do_not_see_the_round_in_the_list(client, world, round_, persona):
    body = signed_in(client, world, persona).get(reverse("assessments:round_list")).content.decode()
    assert "Självskattning 2026" not in body
    assert "No rounds yet." in body


def test_new_round_button_only_for_those_who_run_rounds(client, world):
    new = reverse("assessments:round_new")
    assert (
        new in signed_in(client, world, "coordinator").get(reverse("assessments:round_list")).content.decode()
    )
    assert (
        new not in signed_in(client, world, "reader").get(reverse("assessments:round_list")).content.decode()
    )
    assert (
        new
        not in signed_in(client, world, "principal").get(reverse("assessments:round_list")).content.decode()
    )


def test_round_list_queries_do_not_grow_with_rounds(client, world, version, django_assert_max_num_queries):
    for year in range(2020, 2028):
        r = make_round(world.municipality, version, title=f"Runda {year}")
        answer_all(add_respondent(r, world.people["head_of_schools"]), [1])
        add_respondent(r, world.people["coordinator"])
    signed_in(client, world, "head_of_schools")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:round_list"))
    body = response.content.decode()
    assert body.count("Runda 20") == 16  # each round once as staff, once as respondent
    assert "0 of 2" in body  # answered items, but nobody said they are done


# --- opening a round --------------------------------------------------------------------------------


def test_coordinator_opens_a_round(client, world, version):
    signed_in(client, world, "coordinator")
    page = client.get(reverse("assessments:round_new")).content.decode()
    assert f'<option value="{world.municipality.pk}" selected>' in page
    assert str(timezone.localdate().year) in page  # the suggested title
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("assessments:round_new"),
        {
            "municipality": world.municipality.pk,
            "framework_version": version.pk,
            "title": "Självskattning våren",
            "due_date": due.isoformat(),
            "shares_with_region": "on",
        },
    )
    round_ = Round.objects.get(title="Självskattning våren")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:round_detail", args=[round_.pk])
    assert round_.municipality == world.municipality and round_.shares_with_region
    assert round_.due_date == due and round_.created_by == world.people["coordinator"]
    detail = client.get(response["Location"]).content.decode()
    assert "The round has been opened" in detail


def test_new_round_refuses_a_past_date_and_keeps_what_was_typed(client, world, version):
    signed_in(client, world, "admin")
    response = client.post(
        reverse("assessments:round_new"),
        {
            "municipality": world.municipality.pk,
            "framework_version": version.pk,
            "title": "Min egen titel",
            "due_date": "2001-01-01",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_due_date_error"' in body and "The date has already passed." in body
    assert 'value="Min egen titel"' in body
    assert not Round.objects.exists()


def test_new_round_offers_only_published_versions_and_own_municipalities(client, world, version):
    draft = make_framework_version(publish=False)
    signed_in(client, world, "coordinator")
    page = client.get(reverse("assessments:round_new")).content.decode()
    versions = page.split('name="framework_version"')[1].split("</select>")[0]
    assert f'value="{version.pk}"' in versions and f'value="{draft.pk}"' not in versions
    assert world.other_municipality.name not in page
    response = client.post(
        reverse("assessments:round_new"),
        {"municipality": world.other_municipality.pk, "framework_version": draft.pk, "title": "X"},
    )
    assert response.status_code == 400
    assert 'id="id_municipality_error"' in response.content.decode()
    assert 'id="id_framework_version_error"' in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.parametrize("persona", ["principal", "reader", "head_of_schools", "regional_officer"])
def test_new_round_is_refused_to_those_who_cannot_run_rounds(client, world, persona):
    assert signed_in(client, world, persona).get(reverse("assessments:round_new")).status_code == 403


def test_admin_of_an_administration_may_run_rounds_for_its_municipality(client, world, version):
    person = make_member(world.administration, Role.ORG_ADMIN)
    client.force_login(person)
    page = client.get(reverse("assessments:round_new"))
    assert page.status_code == 200
    assert world.municipality.name in page.content.decode()


# --- the overview -----------------------------------------------------------------------------------


def test_overview_shows_respondents_and_their_progress(client, world, round_):
    answer_all(add_respondent(round_, world.people["head_of_schools"]), [2, 3, None])
    Respondent.objects.filter(round=round_).update(submitted_at=timezone.now())
    waiting = add_respondent(round_, world.people["principal"], RespondentGroup.SCHOOL_LEADERS)
    body = (
        signed_in(client, world, "coordinator")
        .get(reverse("assessments:round_detail", args=[round_.pk]))
        .content.decode()
    )
    assert "Stina Skolchef" in body and "Rebecka Rektor" in body
    assert "6 of 6" in body and "0 of 6" in body
    assert "Has answered; stays in the result" in body  # no remove button for someone who answered
    assert reverse("assessments:respondent_remove", args=[waiting.pk]) in body
    assert reverse("assessments:round_close", args=[round_.pk]) in body
    assert "Ask someone to answer" in body


def test_reader_sees_the_overview_without_management(client, world, round_):
    add_respondent(round_, world.people["principal"])
    body = (
        signed_in(client, world, "reader")
        .get(reverse("assessments:round_detail", args=[round_.pk]))
        .content.decode()
    )
    assert "Rebecka Rektor" in body
    assert reverse("assessments:round_close", args=[round_.pk]) not in body
    assert "Ask someone to answer" not in body
    assert "Remove" not in body


def test_respondent_who_is_not_staff_gets_404_on_the_overview(client, world, round_):
    add_respondent(round_, world.people["teacher"])
    url = reverse("assessments:round_detail", args=[round_.pk])
    assert signed_in(client, world, "teacher").get(url).status_code == 404
    assert signed_in(client, world, "outsider").get(url).status_code == 404


def test_add_respondent_invites_by_email_and_offers_only_the_municipalitys_people(client, world, round_):
    signed_in(client, world, "coordinator")
    page = client.get(reverse("assessments:round_detail", args=[round_.pk])).content.decode()
    assert (
        "Lars Lärare" in page and "Stina Skolchef" in page
    )  # a school unit's and an administration's people
    assert "Olle Utomstående" not in page and "Petra Partner" not in page and "Rut Region" not in page
    response = client.post(
        reverse("assessments:respondent_add", args=[round_.pk]),
        {"user": world.people["teacher"].pk, "group": RespondentGroup.EDUCATION},
    )
    assert response.status_code == 302
    assert Respondent.objects.get(round=round_).user == world.people["teacher"]
    (message,) = mail.outbox
    assert message.to == [world.people["teacher"].email]
    assert f"http://testserver{reverse('assessments:answer', args=[round_.pk])}" in message.body
    # now already a respondent: no longer offered
    page = client.get(reverse("assessments:round_detail", args=[round_.pk])).content.decode()
    assert f'<option value="{world.people["teacher"].pk}"' not in page


def test_add_respondent_from_another_municipality_is_refused_beside_the_field(client, world, round_):
    signed_in(client, world, "admin")
    response = client.post(
        reverse("assessments:respondent_add", args=[round_.pk]),
        {"user": world.people["outsider"].pk, "group": RespondentGroup.CULTURE},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_user_error"' in body
    assert '<option value="culture" selected>' in body  # the chosen group is kept
    assert not Respondent.objects.exists() and not mail.outbox


def test_removing_a_respondent_who_answered_is_refused_with_a_message(client, world, round_):
    respondent = add_respondent(round_, world.people["principal"])
    answer_all(respondent, [1])
    signed_in(client, world, "coordinator")
    response = client.post(reverse("assessments:respondent_remove", args=[respondent.pk]), follow=True)
    assert "This respondent has already answered" in response.content.decode()
    assert Respondent.objects.filter(pk=respondent.pk).exists()


def test_removing_a_respondent_without_answers(client, world, round_):
    respondent = add_respondent(round_, world.people["principal"])
    signed_in(client, world, "coordinator")
    response = client.post(reverse("assessments:respondent_remove", args=[respondent.pk]), follow=True)
    assert "Rebecka Rektor is no longer a respondent." in response.content.decode()
    assert not Respondent.objects.filter(pk=respondent.pk).exists()


def test_close_reopen_and_share(client, world, round_):
    signed_in(client, world, "admin")
    page = client.post(reverse("assessments:round_close", args=[round_.pk]), follow=True).content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED and round_.closed_at is not None
    assert "The round is closed" in page and reverse("assessments:round_reopen", args=[round_.pk]) in page
    assert "Reopen it to ask more people to answer" in page
    page = client.post(reverse("assessments:round_close", args=[round_.pk]), follow=True).content.decode()
    assert "The round is already closed." in page
    client.post(reverse("assessments:round_reopen", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.is_open
    page = client.post(reverse("assessments:round_sharing", args=[round_.pk]), {"shares": "on"}, follow=True)
    round_.refresh_from_db()
    assert round_.shares_with_region and "Stop sharing with the region" in page.content.decode()
    client.post(reverse("assessments:round_sharing", args=[round_.pk]), {"shares": "off"})
    round_.refresh_from_db()
    assert not round_.shares_with_region


@pytest.mark.parametrize("persona", ["head_of_schools", "reader"])
def test_staff_without_the_right_cannot_manage(client, world, round_, persona):
    signed_in(client, world, persona)
    for name in ("round_close", "round_sharing", "respondent_add"):
        assert (
            client.post(reverse(f"assessments:{name}", args=[round_.pk]), {"shares": "on"}).status_code == 403
        )
    round_.refresh_from_db()
    assert round_.is_open and not round_.shares_with_region


def test_closed_round_cannot_get_new_respondents(client, world, round_):
    actions.close_round(round_, by=world.people["coordinator"])
    signed_in(client, world, "coordinator")
    response = client.post(
        reverse("assessments:respondent_add", args=[round_.pk]),
        {"user": world.people["teacher"].pk, "group": RespondentGroup.EDUCATION},
    )
    assert response.status_code == 400
    assert "The round is closed." in response.content.decode()
    assert not Respondent.objects.exists()
