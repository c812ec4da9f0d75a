"""The follow-up grid (docs/followup.md) in headless Chromium: a teacher fills in the mid-term follow-up of
her group, faster than in her spreadsheet, and sees the group.

She signs in, goes to "My groups" from the main navigation, opens the grid of 7B and proves her second factor
(the code her app would show, computed from the device's key). In the grid she types scores with the keyboard
only — a cell is saved as she leaves it, arrow keys move — and watches the row's sum; she pastes a block copied from Excel
(tab and newline separated) that fills cells right and down; she types 4, -1, 12, 2.5 and 5x, each refused next to the
cell and kept exactly as typed, never saved as another score. After a reload everything she saved is there, and each row's level is written out.
The group view lists the red student first. axe-core (WCAG 2.1 A/AA) checks my groups, the grid and the group
view; a second, CSP-strict window proves grid.js runs under the Content-Security-Policy.

Labels come from gettext in the page's language (`t`, `label`), so the test holds while catalogs change."""

import re

import pytest
from django.urls import reverse

from kedja.accounts import second_factor
from kedja.accounts.factories import code_for
from kedja.followup.factories import make_group, make_round
from kedja.followup.models import Level, Row
from kedja.followup.scheme import Layout
from tests.browser.test_journeys import label, sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

KEY_HEX = "6b65646a612d62726f777365722d746f74702d31"  # the teacher's authenticator key
# 22 columns × 3 = 66: red from 65
RED = (
    "medical crisis family invisible behaviour absence art english pe maths modern_language music biology "
    "physics chemistry geography history religion civics crafts swedish technology"
).split()

PASTE_JS = """([id, text]) => {
  const input = document.getElementById(id);
  input.focus();
  const data = new DataTransfer();
  data.setData('text/plain', text);
  input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def partial(total: int, missing: int):
    """A row's sum while columns are unscored: "6 — 30 ej bedömda" (the words from the catalog)."""
    return re.compile("^" + re.escape(f"{total} — {missing} ") + r"\S")


def cell(page, row: int, code: str):
    return page.locator(f"#c-{row}-{code}")


def test_teacher_fills_the_grid_by_keyboard_and_paste_and_sees_the_group(
    page, strict_page, live_server, assert_accessible, assert_no_csp_violations
):
    w = build_world()
    teacher = w.people["teacher"]
    group = make_group(w.school, name="7B", students=4, teachers=[teacher])
    make_group(w.school, name="7C", students=2)  # not hers: never listed
    round_ = make_round(w.school, by=w.people["principal"])
    rows = {r.student_id: r for r in Row.objects.filter(round=round_, group=group).select_related("student")}
    second_factor.install(teacher, key_hex=KEY_HEX)

    sign_in(page, teacher.email)
    nav = page.get_by_role("navigation", name=t("Main"))
    nav.get_by_role("link", name=t("My groups"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "followup:my_groups"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My groups"))
    expect(page.get_by_role("main")).not_to_contain_text("7C")
    assert_accessible(page, where="my groups")

    page.get_by_role("link", name=t("Fill in %(group)s", group="7B")).click()
    # The second factor, once per sign-in, before any student is shown
    page.get_by_label(t("Code from your authenticator app")).fill(code_for(bytes.fromhex(KEY_HEX)))
    page.get_by_role("button", name=t("Continue"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "followup:grid", round_.pk, group.pk))

    order = [int(page.locator("#fu-grid tbody tr").nth(i).get_attribute("data-row")) for i in range(4)]
    first, second, third, fourth = order
    # Someone's row is already high (filled in elsewhere): red, written out as text
    codes = [c.code for c in Layout(round_.scheme_version).columns]
    Row.objects.filter(pk=fourth).update(scores={c: 3 if c in RED else 0 for c in codes})
    page.reload()
    expect(page.locator(f"#level-{fourth}")).to_have_text(label(Level.RED))
    # nothing scored yet: no level (never green), and the sum says how many columns are missing
    expect(page.locator(f"#level-{first}")).to_have_text(label(Level.NOT_ASSESSED))
    expect(page.locator(f"#sum-{first}")).to_have_text(partial(0, 33))
    assert_accessible(page, where="the grid")

    # Keyboard only: a typed value is saved when the cell is left (arrows, Enter), arrows move
    cell(page, first, "friends").click()
    page.keyboard.press("2")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#sum-{first}")).to_have_text(partial(2, 32))
    page.keyboard.press("1")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#sum-{first}")).to_have_text(partial(3, 31))
    expect(cell(page, second, "conflicts")).to_be_focused()
    page.keyboard.press("3")
    page.keyboard.press("ArrowLeft")
    expect(cell(page, second, "friends")).to_be_focused()
    page.keyboard.press("1")
    page.keyboard.press("ArrowUp")
    expect(page.locator(f"#sum-{second}")).to_have_text(partial(4, 31))
    expect(cell(page, first, "friends")).to_be_focused()
    page.keyboard.press("Enter")
    expect(cell(page, second, "friends")).to_be_focused()
    expect(page.locator("#fu-live")).to_contain_text(t("Saved"))

    # A block copied from Excel, pasted from the third student's first cell: fills right and down
    page.evaluate(PASTE_JS, [f"c-{third}-friends", "1\t2\t3\r\n0\t0\t1\r\n"])
    expect(page.locator(f"#sum-{third}")).to_have_text(partial(6, 30))
    expect(cell(page, fourth, "victimised")).to_have_value("1")
    expect(page.locator(f"#sum-{fourth}")).to_have_text("67")

    # What is typed stays exactly as typed: a 4, -1, 12, 2.5 or 5x is refused next to the cell and never
    # turned into another score (typing "12" used to save 1 and then 2)
    refused = cell(page, first, "victimised")
    whole = t("Enter a whole number from %(low)s to %(high)s.", low=0, high=3)
    for typed, message in [
        ("4", t("%(value)s is outside the scale: enter %(low)s–%(high)s.", value=4, low=0, high=3)),
        ("-1", t("%(value)s is outside the scale: enter %(low)s–%(high)s.", value=-1, low=0, high=3)),
        ("12", t("%(value)s is outside the scale: enter %(low)s–%(high)s.", value=12, low=0, high=3)),
        ("2.5", whole),
        ("5x", whole),
    ]:
        refused.click()
        refused.press("Control+a")
        page.keyboard.type(typed)
        page.keyboard.press("ArrowDown")
        expect(page.locator(f"#m-c-{first}-victimised")).to_have_text(message)
        expect(refused).to_have_value(typed)
        expect(refused).to_have_attribute("aria-invalid", "true")
        expect(refused).to_have_attribute("aria-describedby", f"m-c-{first}-victimised")
        expect(page.locator("#fu-live")).to_contain_text(message)
        assert "victimised" not in Row.objects.get(pk=first).scores
    assert_accessible(page, where="the grid with a refused value")

    # Reload: everything saved is there, nothing refused was stored
    page.reload()
    expected = {
        (first, "friends"): "2", (first, "conflicts"): "1", (first, "victimised"): "",
        (second, "friends"): "1", (second, "conflicts"): "3",
        (third, "friends"): "1", (third, "conflicts"): "2", (third, "victimised"): "3",
        (fourth, "friends"): "0", (fourth, "conflicts"): "0", (fourth, "victimised"): "1",
    }  # fmt: skip
    for (row, code), value in expected.items():
        expect(cell(page, row, code)).to_have_value(value)
    expect(page.locator(f"#level-{fourth}")).to_have_text(label(Level.RED))
    expect(page.locator(f"#level-{second}")).to_have_text(label(Level.NOT_ASSESSED))
    scores = {r.pk: r.scores for r in Row.objects.filter(pk__in=order)}
    assert scores[first] == {"friends": 2, "conflicts": 1}
    assert scores[third] == {"friends": 1, "conflicts": 2, "victimised": 3}

    # The group view: the red student first, levels as text, numbers in the heat map
    page.get_by_role("link", name=t("Group view"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "followup:group", round_.pk, group.pk))
    students = page.locator("#fu-group tbody th[scope=row]")
    fourth_student = next(r.student for r in rows.values() if r.pk == fourth)
    expect(students.first).to_have_text(str(fourth_student))
    expect(page.locator("#count-red")).to_have_text("1")
    expect(page.locator("#count-green")).to_have_text("0")
    expect(page.locator("#count-unassessed")).to_have_text("3")
    assert_accessible(page, where="the group view")

    # grid.js under the real Content-Security-Policy: a typed digit is saved on leaving, nothing is blocked
    strict_page.context.add_cookies(page.context.cookies())
    strict_page.goto(reverse("followup:grid", args=[round_.pk, group.pk]))
    cell(strict_page, second, "victimised").click()
    strict_page.keyboard.press("2")
    strict_page.keyboard.press("Enter")
    expect(strict_page.locator(f"#sum-{second}")).to_have_text(partial(6, 30))
    assert_no_csp_violations(strict_page, where="the grid")


def test_a_pasted_class_is_saved_in_one_request_and_leaving_early_warns(page, live_server, assert_accessible):
    """30 students × 33 columns pasted from Excel with one bad value: one request saves 989 scores and marks
    the bad one beside its cell; leaving the page while it is unsaved asks first; a reload shows them."""
    w = build_world()
    teacher = w.people["teacher"]
    group = make_group(w.school, name="9C", students=30, teachers=[teacher])
    round_ = make_round(w.school, by=w.people["principal"])
    codes = [c.code for c in Layout(round_.scheme_version).columns]
    assert len(codes) == 33
    second_factor.install(teacher, key_hex=KEY_HEX)
    sign_in(page, teacher.email)
    page.goto(reverse("followup:grid", args=[round_.pk, group.pk]))
    page.get_by_label(t("Code from your authenticator app")).fill(code_for(bytes.fromhex(KEY_HEX)))
    page.get_by_role("button", name=t("Continue"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "followup:grid", round_.pk, group.pk))
    expect(page.locator("#fu-grid tbody tr")).to_have_count(30)
    order = [int(r.get_attribute("data-row")) for r in page.locator("#fu-grid tbody tr").all()]

    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/grid/cells/" in r.url else None)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    block = "\r\n".join("\t".join("2" for _c in codes) for _r in order)
    block = "5x" + block[1:]  # the first cell is not a score
    first = cell(page, order[0], codes[0])
    first.click()  # a person's gesture: browsers only ask before leaving a page someone used
    page.evaluate(PASTE_JS, [f"c-{order[0]}-{codes[0]}", block])
    page.get_by_role("link", name=t("Group view"), exact=True).click()  # leave at once
    expect(page.locator("#fu-progress")).to_contain_text("989")
    assert "beforeunload" in dialogs
    expect(page).to_have_url(url_of(live_server, "followup:grid", round_.pk, group.pk))
    assert len(requests) == 1
    expect(first).to_have_value("5x")
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#m-c-{order[0]}-{codes[0]}")).to_have_text(
        t("Enter a whole number from %(low)s to %(high)s.", low=0, high=3)
    )
    expect(page.locator("#fu-progress")).to_contain_text(
        t("{count} not saved: see the marked cells.").replace("{count}", "1")
    )
    expect(page.locator(f"#sum-{order[1]}")).to_have_text("66")
    assert_accessible(page, where="the grid after a pasted class")
    stored = {r.pk: r.scores for r in Row.objects.filter(round=round_, group=group)}
    assert sum(len(s) for s in stored.values()) == 989
    assert codes[0] not in stored[order[0]]

    # the bad cell corrected and saved: nothing unsaved, the page is left without a question
    first.click()
    first.press("Control+a")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(first).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#sum-{order[0]}")).to_have_text("65")
    dialogs.clear()
    page.reload()
    for row in (order[0], order[15], order[29]):
        expect(cell(page, row, codes[32])).to_have_value("2")
    expect(cell(page, order[0], codes[0])).to_have_value("1")
    assert dialogs == []
    assert sum(len(r.scores) for r in Row.objects.filter(round=round_, group=group)) == 990
