"""Answering a round: the answer page, autosave, conflicts, validation, closed rounds, submitting."""

import pytest
from django.urls import reverse

from kedja.assessments import actions
from kedja.assessments.factories import add_respondent, make_round
from kedja.assessments.forms import clean_links
from kedja.assessments.models import Answer
from kedja.frameworks.factories import make_framework_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world):
    return make_round(
        world.municipality, make_framework_version(areas=2, items=2), title="Självskattning 2026"
    )


@pytest.fixture
def respondent(world, round_):
    return add_respondent(round_, world.people["principal"])


@pytest.fixture
def item(round_):
    return round_.framework_version.items().first()


@pytest.fixture
def principal(client, world, respondent):
    client.force_login(world.people["principal"])
    return client


def answer_url(round_):
    return reverse("assessments:answer", args=[round_.pk])


def item_url(round_, item):
    return reverse("assessments:answer_item", args=[round_.pk, item.pk])


def test_answer_page_shows_areas_items_and_the_explained_scale(principal, round_, item):
    body = principal.get(answer_url(round_)).content.decode()
    assert "Area 1" in body or "Område 1" in body
    assert "Item 1a" in body and "Item 2b" in body
    assert 'id="item-1.a"' in body
    assert "0 of 4 answered" in body
    assert "<legend" in body and "Systematic and lasting" in body
    assert "Nothing is done yet, or only by chance." in body  # each level is explained
    assert body.count('type="radio"') == 4 * 6  # levels 0–4 and "don't know" per item
    assert reverse("assessments:submit", args=[round_.pk]) in body


def test_autosave_with_htmx_answers_with_the_partial_and_persists(principal, round_, respondent, item):
    response = principal.post(
        item_url(round_, item),
        {"level": "3", "evidence": "Plan antagen i nämnden", "links": "", "version": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "Saved " in body
    assert f'id="item{item.pk}_version"' in body and 'value="0"' in body  # the new version, out of band
    assert "1 of 4 answered" in body
    answer = Answer.objects.get(respondent=respondent, node=item)
    assert answer.level == 3 and answer.evidence == "Plan antagen i nämnden"
    # a second autosave from the same page goes on from the version it was given
    response = principal.post(
        item_url(round_, item),
        {"level": "dont_know", "evidence": "Plan antagen i nämnden 2025", "version": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'value="1"' in response.content.decode()
    answer.refresh_from_db()
    assert answer.level is None and answer.dont_know and answer.evidence.endswith("2025")


def test_leaving_and_coming_back_shows_the_saved_draft(client, world, round_, respondent, item):
    client.force_login(world.people["principal"])
    client.post(
        item_url(round_, item),
        {
            "level": "2",
            "evidence": "Utkast om analysen",
            "links": "https://example.org/plan",
            "responsible_function": "Utbildningsförvaltningen",
            "next_step": "Ta fram en plan",
            "version": "",
        },
    )
    client.logout()
    client.force_login(world.people["principal"])
    body = client.get(answer_url(round_)).content.decode()
    assert "Utkast om analysen</textarea>" in body
    assert "https://example.org/plan</textarea>" in body
    assert 'value="Utbildningsförvaltningen"' in body
    assert "Ta fram en plan</textarea>" in body
    assert (
        f'id="item{item.pk}_level_2" value="2" aria-describedby="item{item.pk}_level_2_help" checked' in body
    )
    assert "1 of 4 answered" in body


def test_without_javascript_save_returns_to_the_item(principal, round_, item):
    response = principal.post(item_url(round_, item), {"level": "1", "version": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{answer_url(round_)}#item-{item.code}"
    page = principal.get(response["Location"]).content.decode()
    assert f"Your answer to {item.code} has been saved." in page


def test_conflict_answers_409_keeps_the_input_and_shows_what_was_saved(principal, round_, respondent, item):
    actions.save_answer(respondent, item, data={"level": 1, "evidence": "Först"}, expected_version=None)
    # another tab saves first (version 0 -> 1) ...
    principal.post(item_url(round_, item), {"level": "2", "evidence": "Från andra fliken", "version": "0"})
    # ... then this tab, still at version 0
    response = principal.post(item_url(round_, item), {"level": "4", "evidence": "Min text", "version": "0"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "saved somewhere else first" in body
    assert "Min text</textarea>" in body  # what I typed is kept
    assert "Från andra fliken" in body  # and what is saved is shown
    assert 'name="version" value="1"' in body  # saving again replaces it knowingly
    answer = Answer.objects.get(respondent=respondent, node=item)
    assert answer.evidence == "Från andra fliken" and answer.level == 2


def test_conflict_with_htmx_swaps_the_whole_item(principal, round_, respondent, item):
    actions.save_answer(respondent, item, data={"level": 1}, expected_version=None)
    actions.save_answer(respondent, item, data={"level": 2}, expected_version=0)
    response = principal.post(
        item_url(round_, item), {"level": "4", "evidence": "Min text", "version": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#answer-{item.pk}" and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert "<html" not in body and "Min text</textarea>" in body and "saved somewhere else first" in body


@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_link_is_shown_beside_the_field_and_the_text_is_kept(
    principal, round_, respondent, item, htmx
):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = principal.post(
        item_url(round_, item),
        {
            "level": "2",
            "evidence": "Viktig text",
            "links": "https://ok.example\njavascript:alert(1)",
            "version": "",
        },
        **extra,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="item{item.pk}_links_error"' in body and "javascript:alert(1)" in body
    assert "Viktig text</textarea>" in body
    assert "Not saved" in body
    assert not Answer.objects.filter(respondent=respondent).exists()


def test_clean_links_accepts_web_addresses_one_per_line():
    assert (
        clean_links(" https://a.example/x \n\nhttp://b.example ") == "https://a.example/x\nhttp://b.example"
    )
    for bad in ("ftp://a.example", "www.example.org", "javascript:alert(1)"):
        with pytest.raises(Exception, match="http"):
            clean_links(bad)


def test_closed_round_shows_answers_read_only_and_refuses_changes(principal, world, round_, respondent, item):
    actions.save_answer(respondent, item, data={"level": 3, "evidence": "Sparat svar"}, expected_version=None)
    actions.close_round(round_, by=world.people["coordinator"])
    page = principal.get(answer_url(round_)).content.decode()
    assert "The round is closed; answers can no longer be changed." in page
    assert "Sparat svar" in page and "3 – Established" in page
    assert 'type="radio"' not in page and "<textarea" not in page
    assert reverse("assessments:submit", args=[round_.pk]) not in page
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = principal.post(
            item_url(round_, item), {"level": "0", "evidence": "Ändrat", "version": "0"}, **extra
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "What you sent was not saved" in body and "Ändrat" in body
    answer = Answer.objects.get(respondent=respondent, node=item)
    assert answer.level == 3 and answer.evidence == "Sparat svar"


def test_i_am_done(principal, round_, respondent, item):
    page = principal.post(reverse("assessments:submit", args=[round_.pk]), follow=True).content.decode()
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None
    assert "You have answered 0 of 4 items" in page and "You said you were done" in page


def test_i_am_done_is_refused_once_the_round_is_closed(principal, world, round_, respondent):
    actions.close_round(round_, by=world.people["coordinator"])
    page = principal.post(reverse("assessments:submit", args=[round_.pk]), follow=True).content.decode()
    respondent.refresh_from_db()
    assert respondent.submitted_at is None and "The round is closed" in page


@pytest.mark.parametrize("persona", ["coordinator", "head_of_schools", "teacher", "outsider"])
def test_only_the_respondent_reaches_the_answer_pages(client, world, round_, respondent, item, persona):
    client.force_login(world.people[persona])
    assert client.get(answer_url(round_)).status_code == 404
    assert client.post(item_url(round_, item), {"level": "2", "version": ""}).status_code == 404
    assert client.post(reverse("assessments:submit", args=[round_.pk])).status_code == 404
    assert not Answer.objects.exists()


def test_an_item_from_another_framework_is_404(principal, round_):
    other = make_framework_version().items().first()
    assert principal.post(item_url(round_, other), {"level": "2", "version": ""}).status_code == 404


def test_answer_page_queries_do_not_grow_with_items(client, world, django_assert_max_num_queries):
    round_ = make_round(world.municipality, make_framework_version(areas=4, items=6))
    respondent = add_respondent(round_, world.people["principal"])
    for item in round_.framework_version.items():
        actions.save_answer(respondent, item, data={"level": 2}, expected_version=None)
    client.force_login(world.people["principal"])
    with django_assert_max_num_queries(12):  # 8 for the page, the rest the session's bookkeeping
        body = client.get(answer_url(round_)).content.decode()
    assert "24 of 24 answered" in body


def test_a_save_after_an_error_swaps_the_whole_item_so_the_error_goes_away(
    principal, round_, respondent, item
):
    bad = principal.post(
        item_url(round_, item),
        {"links": "nonsense", "evidence": "Text", "version": ""},
        HTTP_HX_REQUEST="true",
    )
    assert 'name="recovering"' in bad.content.decode()
    response = principal.post(
        item_url(round_, item),
        {"links": "https://ok.example", "evidence": "Text", "version": "", "recovering": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Retarget"] == f"#answer-{item.pk}"
    body = response.content.decode()
    assert "_links_error" not in body and "Saved " in body and 'name="recovering"' not in body
    assert "https://ok.example</textarea>" in body
    assert Answer.objects.get(respondent=respondent, node=item).links == "https://ok.example"
