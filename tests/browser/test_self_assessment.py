"""A self-assessment round from start to finish in headless Chromium: the coordinator opens a round and asks
two people to answer; the first answers one item, leaves, comes back to the saved draft (autosave with htmx)
and finishes; the second answers on a 320 px phone so that one item has a spread of 3 (disagreement); the
coordinator closes the round, sees the disagreement on the result page and downloads the PDF report.

axe-core (WCAG 2.1 A/AA) checks every page of the journey; the answer page and the result page must not
scroll sideways at 320 px. Controls are found by their gettext names in the page's language (see `t`) or by
ids and form actions, so the test holds while the translation catalogs change."""

import re
import shutil
import subprocess
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from kedja.assessments.models import Answer, Respondent, RespondentGroup, Round
from kedja.frameworks.factories import make_framework_version
from tests.browser.test_journeys import assert_no_sideways_scrolling, sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Självskattning våren 2026 – Norrby"
EVIDENCE = "Styrgruppen för STEAM träffas varje termin; protokollen finns på intranätet."
DONT_KNOW = "dont_know"
# Per item (1.a, 1.b, 2.a, 2.b): 1.a differs by 3 steps (a disagreement), 1.b by 1, 2.a not at all.
FIRST_LEVELS = ["4", "2", "2", DONT_KNOW]
SECOND_LEVELS = ["1", "3", "2", "1"]


def saved_pattern() -> re.Pattern:
    """The autosave status ("Saved 14:05") in the page's language, whatever the time."""
    before, _, after = t("Saved %(time)s", time="\0").partition("\0")
    return re.compile(
        "^" + re.escape(before.strip()) + r"\s*\d{1,2}[:.]\d{2}\s*" + re.escape(after.strip()) + "$"
    )


def wait_for_htmx(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")


def answer_save(round_, node, **fields):
    """A predicate for the autosave response of `node` whose posted form has `fields` (e.g. level="4")."""
    path = reverse("assessments:answer_item", args=[round_.pk, node.pk])

    def matches(response) -> bool:
        request = response.request
        if request.method != "POST" or not request.url.endswith(path):
            return False
        posted = parse_qs(request.post_data or "", keep_blank_values=True)
        return all(posted.get(name, [""])[0] == value for name, value in fields.items())

    return matches


def choose_level(page, round_, node, level: str) -> None:
    """Pick a level and wait until htmx has saved it (change, delay 500 ms) and the status says so."""
    with page.expect_response(answer_save(round_, node, level=level)) as saved:
        page.locator(f"#item{node.pk}_level_{level}").check()
    assert saved.value.status == 200, saved.value.text()
    expect(page.locator(f"#answer-{node.pk}-status")).to_have_text(saved_pattern())


def progress(answered: int, total: int) -> str:
    return t("%(answered)s of %(total)s answered", answered=answered, total=total)


def test_round_from_opening_to_pdf(new_page, live_server, mailoutbox, assert_accessible):
    w = build_world()
    version = make_framework_version(areas=2, items=2)
    items = list(version.items())
    assert [n.code for n in items] == ["1.a", "1.b", "2.a", "2.b"]
    coordinator, first, second = (w.people[p] for p in ("coordinator", "head_of_schools", "reader"))

    # --- the coordinator opens a round ------------------------------------------------------------------
    page = new_page()
    sign_in(page, coordinator.email, check=assert_accessible)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    assert_accessible(page, where="start page (coordinator)")

    page.get_by_role("navigation", name=t("Main")).get_by_role(
        "link", name=t("Self-assessment"), exact=True
    ).click()
    expect(page).to_have_url(url_of(live_server, "assessments:round_list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Self-assessment"))
    expect(page.get_by_role("main")).to_contain_text(t("No rounds yet."))
    assert_accessible(page, where="round list (no rounds)")

    page.get_by_role("link", name=t("New round"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "assessments:round_new"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New self-assessment round"))
    assert_accessible(page, where="new round form")
    expect(page.locator("#id_municipality")).to_have_value(str(w.municipality.pk))  # the one worked for
    page.locator("#id_framework_version").select_option(value=str(version.pk))
    page.locator("#id_title").fill(TITLE)
    due = timezone.localdate() + timedelta(days=30)
    page.locator("#id_due_date").fill(due.isoformat())
    page.get_by_role("button", name=t("Open the round"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/assessments/\d+/$"))
    round_ = Round.objects.get(title=TITLE)
    assert (round_.municipality, round_.framework_version, round_.due_date) == (w.municipality, version, due)
    assert round_.is_open
    expect(page).to_have_url(url_of(live_server, "assessments:round_detail", round_.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    messages = page.locator(".kedja-messages")
    expect(messages).to_contain_text(t("The round has been opened. Now invite the people who should answer."))
    expect(page.get_by_role("main")).to_contain_text(t("Nobody has been asked to answer yet."))
    assert_accessible(page, where="round overview (new)")

    # --- two respondents are asked ------------------------------------------------------------------------
    invite = page.locator(f'form[action="{reverse("assessments:respondent_add", args=[round_.pk])}"]')
    for person, group in ((first, RespondentGroup.SCHOOL_LEADERS), (second, RespondentGroup.EDUCATION)):
        invite.locator("#id_user").select_option(value=str(person.pk))
        invite.locator("#id_group").select_option(value=group)
        invite.get_by_role("button", name=t("Ask to answer"), exact=True).click()
        expect(page).to_have_url(url_of(live_server, "assessments:round_detail", round_.pk))
        expect(messages).to_contain_text(
            t("%(name)s has been asked to answer and has got an e-mail.", name=str(person))
        )
    respondents = page.get_by_role("table", name=t("Respondents"))
    for person in (first, second):
        expect(respondents.get_by_role("row").filter(has_text=str(person))).to_contain_text(
            t("%(answered)s of %(total)s", answered=0, total=4)
        )
    assert_accessible(page, where="round overview with two respondents")
    answer_path = reverse("assessments:answer", args=[round_.pk])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    assert all(live_server.url + answer_path in m.body for m in mailoutbox), mailoutbox[0].body

    # --- respondent 1 answers one item, with evidence, and leaves -------------------------------------------
    one = new_page()
    sign_in(one, first.email)
    expect(one).to_have_url(url_of(live_server, "home:start"))
    assert_accessible(one, where="start page (respondent)")
    one.get_by_role("link", name=t("Answer the self-assessment “%(title)s”", title=TITLE), exact=True).click()
    expect(one).to_have_url(url_of(live_server, "assessments:answer", round_.pk))
    wait_for_htmx(one)
    expect(one.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(one.locator("#answer-progress")).to_have_text(progress(0, 4))
    assert_accessible(one, where="answer page (nothing answered)")

    item = items[0]
    choose_level(one, round_, item, FIRST_LEVELS[0])
    expect(one.locator("#answer-progress")).to_have_text(progress(1, 4))  # out of band
    # Typing saves by itself (keyup, 1.5 s after the last key) - nobody presses Save.
    with one.expect_response(answer_save(round_, item, level=FIRST_LEVELS[0], evidence=EVIDENCE)) as saved:
        one.locator(f"#item{item.pk}_evidence").press_sequentially(EVIDENCE)
    assert saved.value.status == 200, saved.value.text()
    expect(one.locator(f"#answer-{item.pk}-status")).to_have_text(saved_pattern())
    draft = Answer.objects.get(respondent__user=first, node=item)
    assert (draft.level, draft.evidence) == (4, EVIDENCE)

    one.get_by_role("button", name=t("Sign out"), exact=True).click()
    expect(one).to_have_url(url_of(live_server, "accounts:login"))
    one.context.close()

    # --- ... and comes back later (a new browser) to the saved draft, and finishes --------------------------
    one = new_page()
    sign_in(one, first.email)
    expect(one).to_have_url(url_of(live_server, "home:start"))
    one.get_by_role("navigation", name=t("Main")).get_by_role(
        "link", name=t("Self-assessment"), exact=True
    ).click()
    expect(one).to_have_url(url_of(live_server, "assessments:round_list"))
    mine = one.get_by_role("table", name=t("Rounds you are asked to answer"))
    expect(mine.get_by_role("row").filter(has_text=TITLE)).to_contain_text(progress(1, 4))
    assert_accessible(one, where="round list (respondent)")
    mine.get_by_role("link", name=TITLE, exact=True).click()
    expect(one).to_have_url(url_of(live_server, "assessments:answer", round_.pk))
    wait_for_htmx(one)
    expect(one.locator(f"#item{item.pk}_level_{FIRST_LEVELS[0]}")).to_be_checked()
    expect(one.locator(f"#item{item.pk}_evidence")).to_have_value(EVIDENCE)
    expect(one.locator(f"#answer-{item.pk}-status")).to_have_text(saved_pattern())
    expect(one.locator("#answer-progress")).to_have_text(progress(1, 4))
    assert_accessible(one, where="answer page with a saved draft")

    for node, level in zip(items[1:], FIRST_LEVELS[1:], strict=True):
        choose_level(one, round_, node, level)
    expect(one.locator("#answer-progress")).to_have_text(progress(4, 4))
    one.get_by_role("button", name=t("I am done"), exact=True).click()
    expect(one).to_have_url(url_of(live_server, "assessments:answer", round_.pk))
    expect(one.locator(".kedja-messages")).to_contain_text(
        t("Thank you! Your answers are in. You can still change them while the round is open.")
    )
    expect(one.locator(f"#item{items[3].pk}_level_{DONT_KNOW}")).to_be_checked()
    assert_accessible(one, where="answer page after I am done")
    assert Respondent.objects.get(round=round_, user=first).submitted_at is not None
    one.context.close()

    # --- respondent 2 answers on a phone, from the link in the e-mail ----------------------------------------
    two = new_page()
    two.set_viewport_size({"width": 320, "height": 800})
    sign_in(two, second.email)
    expect(two).to_have_url(url_of(live_server, "home:start"))
    link = next(m for m in mailoutbox if m.to == [second.email])
    two.goto(re.search(r"https?://\S+" + re.escape(answer_path), link.body).group(0))
    expect(two).to_have_url(url_of(live_server, "assessments:answer", round_.pk))
    wait_for_htmx(two)
    assert_no_sideways_scrolling(two, "answer page")
    assert_accessible(two, where="answer page at 320 px")
    for node, level in zip(items, SECOND_LEVELS, strict=True):
        choose_level(two, round_, node, level)
    two.get_by_role("button", name=t("I am done"), exact=True).click()
    expect(two.locator(".kedja-messages")).to_contain_text(
        t("Thank you! Your answers are in. You can still change them while the round is open.")
    )
    assert_no_sideways_scrolling(two, "answer page after I am done")
    assert_accessible(two, where="answer page at 320 px after I am done")
    two.context.close()

    # --- the coordinator closes the round ------------------------------------------------------------------
    page.reload()
    for person in (first, second):
        expect(respondents.get_by_role("row").filter(has_text=str(person))).to_contain_text(
            t("%(answered)s of %(total)s", answered=4, total=4)
        )
    page.locator(f'form[action="{reverse("assessments:round_close", args=[round_.pk])}"] button').click()
    expect(page).to_have_url(url_of(live_server, "assessments:round_detail", round_.pk))
    expect(messages).to_contain_text(t("The round is closed. Answers can no longer be changed."))
    expect(
        page.locator(f'form[action="{reverse("assessments:round_reopen", args=[round_.pk])}"] button')
    ).to_be_visible()
    round_.refresh_from_db()
    assert not round_.is_open
    assert_accessible(page, where="round overview (closed)")

    # --- the result: the disagreement is shown -------------------------------------------------------------
    page.get_by_role("link", name=t("See the result"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "assessments:result", round_.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Result: %(title)s", title=TITLE))
    expect(page.locator(".kedja-result-header")).to_contain_text(
        t("%(answered)s of %(total)s have answered", answered=2, total=2)
    )
    finding = page.locator("#item-1\\.a .kedja-finding")
    expect(finding).to_contain_text(t("Disagreement"))
    expect(finding).to_contain_text(
        t(
            "The respondents' levels differ by %(spread)s steps. That is a finding: talk about why you see it "
            "differently.",
            spread=3,
        )
    )
    for code in ("1\\.b", "2\\.a", "2\\.b"):
        expect(page.locator(f"#item-{code} .kedja-finding")).to_have_count(0)
    assert_accessible(page, where="result page")

    # --- ... and the PDF report is downloaded -------------------------------------------------------------
    pdf_link = page.locator(f'a[href="{reverse("assessments:export_pdf", args=[round_.pk])}"]')
    expect(pdf_link).to_have_text(t("Download the report (PDF)"))
    with page.expect_download() as download_info:
        pdf_link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    pdf_path = download.path()
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, text=True
        ).stdout
        text = " ".join(text.split())  # line breaks fall where the layout puts them
        for expected in (TITLE, "Norrby kommun", "Område 1", "Område 2"):
            assert expected in text, f"{expected!r} is not in the PDF's text: {text[:800]}"

    # --- the result page on a phone ---------------------------------------------------------------------
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_sideways_scrolling(page, "result page")
    assert_accessible(page, where="result page at 320 px")
