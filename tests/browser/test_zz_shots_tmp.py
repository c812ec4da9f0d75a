import pytest
from django.urls import reverse

from kedja.accounts import second_factor
from kedja.accounts.factories import code_for
from kedja.followup.factories import fill_round, make_group, make_round
from kedja.followup.models import Row
from kedja.followup.scheme import Layout
from kedja.organisations.factories import make_member, make_unit
from kedja.organisations.roles import Role
from tests.browser.test_journeys import sign_in, t
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "6b65646a612d62726f777365722d746f74702d31"
OUT = "/tmp/wt14/"


def shoot(page, name):
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{OUT}{name}-{width}.png", full_page=False)


def test_shots(page, live_server):
    w = build_world()
    teacher = w.people["teacher"]
    group = make_group(w.school, name="7B", students=6, teachers=[teacher])
    spring = make_round(w.school, term="VT", year=2026, by=w.people["principal"])
    fill_round(spring, seed=3)
    round_ = make_round(w.school, by=w.people["principal"])
    codes = [c.code for c in Layout(round_.scheme_version).columns]
    rows = list(Row.objects.filter(round=round_, group=group).order_by("pk"))
    Row.objects.filter(pk=rows[0].pk).update(scores={c: 1 for c in codes})
    Row.objects.filter(pk=rows[1].pk).update(scores={codes[0]: 3, codes[1]: 3})
    second_factor.install(teacher, key_hex=KEY)
    sign_in(page, teacher.email)
    page.goto(reverse("followup:grid", args=[round_.pk, group.pk]))
    page.get_by_label(t("Code from your authenticator app")).fill(code_for(bytes.fromhex(KEY)))
    page.get_by_role("button", name=t("Continue"), exact=True).click()
    page.wait_for_selector("#fu-grid")
    c = page.locator(f"#c-{rows[2].pk}-{codes[0]}")
    c.click()
    c.press("Control+a")
    page.keyboard.type("12")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector(f"#m-c-{rows[2].pk}-{codes[0]}")
    shoot(page, "grid")
    page.goto(reverse("followup:group", args=[round_.pk, group.pk]))
    shoot(page, "group")
    page.goto(reverse("followup:my_groups"))
    shoot(page, "mygroups")
    # principal: unit view
    page.context.clear_cookies()
    principal = w.people["principal"]
    second_factor.install(principal, key_hex=KEY)
    sign_in(page, principal.email)
    page.goto(reverse("followup:unit", args=[w.school.pk]))
    page.get_by_label(t("Code from your authenticator app")).fill(code_for(bytes.fromhex(KEY)))
    page.get_by_role("button", name=t("Continue"), exact=True).click()
    page.wait_for_selector("#fu-round-list")
    shoot(page, "unit")
    # overview as head of schools
    page.context.clear_cookies()
    fill_round(round_, seed=5)
    sign_in(page, w.people["head_of_schools"].email)
    page.goto(reverse("followup:overview", args=[w.administration.pk]))
    shoot(page, "overview")
