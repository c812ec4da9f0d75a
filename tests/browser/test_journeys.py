"""Journeys through Kedja in a real browser: sign in and out, the organisation switcher, languages,
inviting a person; every page visited is checked with axe-core (WCAG 2.1 A/AA), the strict CSP is checked
for violations, and the main pages must not scroll sideways at 320 px.

Controls are found by role and accessible name. Names come from Django's gettext in the language the page
is in, so the tests stay right when the translation catalogs are filled in."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext, ngettext, override

from kedja.organisations.factories import make_member, make_municipality, make_region, make_unit, make_user
from kedja.organisations.roles import Kind, Role

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

PASSWORD = "correct-horse-battery-9"

pytestmark = pytest.mark.django_db(transaction=True)


def t(message: str, lang: str = "sv", /, **values) -> str:
    """`message` as the page shows it in `lang`, with %(name)s placeholders filled in."""
    with override(lang):
        text = gettext(message)
    return text % values if values else text


def tn(singular: str, plural: str, n: int, lang: str = "sv", /, **values) -> str:
    with override(lang):
        return ngettext(singular, plural, n) % {"n": n, **values}


def working_as(role, org, lang: str = "sv", *, now: bool = False) -> str:
    """The start page's 'You are working as …' sentence (or the switch message) for `role` at `org`."""
    from kedja.organisations.models import Membership

    with override(lang):
        membership = Membership(role=role, organisation=org)
        return membership.now_working_as() if now else membership.working_as()


def label(choice, lang: str = "sv") -> str:
    """A TextChoices label (lazy) in `lang`."""
    with override(lang):
        return str(choice.label)


def url_of(live_server, name: str, *args) -> re.Pattern:
    return re.compile("^" + re.escape(live_server.url + reverse(name, args=args)) + "$")


def sign_in(page, email: str, password: str = PASSWORD, *, check=None) -> None:
    page.goto(reverse("accounts:login"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sign in to Kedja"))
    if check:
        check(page, where="sign-in page")
    page.get_by_label(t("E-mail address"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(password)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()


# --- a: sign in, the start page shows the role's attention items ----------------------------------------


def test_sign_in_shows_what_needs_attention_for_the_role(page, new_page, live_server, assert_accessible):
    region = make_region(name="Region Örebro län")
    lindesberg = make_municipality(region, name="Lindesberg")
    laxa = make_municipality(region, name="Laxå")
    make_municipality(make_region(name="Region Skåne"), name="Malmö")  # another region: never shown
    officer = make_member(
        region, Role.REGIONAL_OFFICER, user=make_user("rut@kedja.example", full_name="Rut Regionsson")
    )

    sign_in(page, officer.email, check=assert_accessible)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(t("Welcome, %(name)s", name="Rut"))
    expect(main).to_contain_text(working_as(Role.REGIONAL_OFFICER, region))
    expect(main.get_by_role("heading", level=2)).to_have_text(t("Needs your attention"))
    expect(
        main.get_by_role(
            "link", name=tn("%(n)d municipality in your region", "%(n)d municipalities in your region", 2)
        )
    ).to_be_visible()
    for municipality in (lindesberg, laxa):
        expect(main.get_by_role("link", name=str(municipality), exact=True)).to_have_attribute(
            "href", reverse("organisations:detail", args=[municipality.pk])
        )
    expect(page.get_by_role("link", name="Malmö")).to_have_count(0)
    assert_accessible(page, where="start page (regional officer)")

    # A coordinator sees the units of the municipality, and which school units have nobody in Kedja yet.
    administration = make_unit(lindesberg, kind=Kind.ADMINISTRATION, name="Utbildningsförvaltningen")
    bjork = make_unit(administration, name="Björkskolan")
    haga = make_unit(administration, name="Hagaskolan")
    make_member(bjork, Role.PRINCIPAL)
    coordinator = make_member(
        lindesberg, Role.MUNICIPAL_COORDINATOR, user=make_user(full_name="Sara Samordnare")
    )

    page = new_page()
    sign_in(page, coordinator.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    main = page.get_by_role("main")
    expect(main).to_contain_text(working_as(Role.MUNICIPAL_COORDINATOR, lindesberg))
    units_card = main.get_by_role("article").filter(
        has=page.get_by_role(
            "heading", name=tn("%(n)d unit in %(org)s", "%(n)d units in %(org)s", 3, org=str(lindesberg))
        )
    )
    for unit in (administration, bjork, haga):
        expect(units_card.get_by_role("link", name=unit.name, exact=True)).to_be_visible()
    nobody_card = main.get_by_role("article").filter(
        has=page.get_by_role(
            "heading",
            name=tn(
                "%(n)d school unit has nobody in Kedja yet", "%(n)d school units have nobody in Kedja yet", 1
            ),
        )
    )
    expect(nobody_card.get_by_role("link")).to_have_text([haga.name])
    assert_accessible(page, where="start page (coordinator)")


# --- b: a failed sign-in -------------------------------------------------------------------------------


def test_failed_sign_in_explains_and_keeps_the_email(page, live_server, assert_accessible):
    person = make_member(make_municipality(), Role.TEACHER)

    sign_in(page, person.email, "not-the-password")
    expect(page).to_have_url(url_of(live_server, "accounts:login"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        t(
            "The e-mail address or password is wrong. Check both and try again. After several failed attempts "
            "sign-in is paused for a while."
        )
    )
    # The message sits in the form, above the fields.
    form = page.locator("form").filter(has=page.get_by_label(t("E-mail address"), exact=True))
    expect(form.get_by_role("alert")).to_be_visible()
    alert_box = alert.bounding_box()
    email = page.get_by_label(t("E-mail address"), exact=True)
    assert alert_box["y"] + alert_box["height"] <= email.bounding_box()["y"]
    expect(email).to_have_value(person.email)
    expect(page.get_by_label(t("Password"), exact=True)).to_have_value("")
    assert_accessible(page, where="sign-in page with an error")


# --- c: switching organisation -------------------------------------------------------------------------


def test_person_with_two_memberships_switches_organisation(page, live_server, assert_accessible):
    region = make_region(name="Region Örebro län")
    lindesberg = make_municipality(region, name="Lindesberg")
    person = make_member(lindesberg, Role.MUNICIPAL_COORDINATOR, user=make_user(full_name="Sara Samordnare"))
    make_member(region, Role.READER, user=person)
    roles = {
        f"{label(Role.MUNICIPAL_COORDINATOR)} – {lindesberg}": (Role.MUNICIPAL_COORDINATOR, lindesberg),
        f"{label(Role.READER)} – {region.name}": (Role.READER, region),
    }

    sign_in(page, person.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    switcher = page.get_by_label(t("Working as"), exact=True)
    options = switcher.locator("option")
    assert sorted(o.strip() for o in options.all_inner_texts()) == sorted(roles)
    current = switcher.locator("option:checked").inner_text().strip()
    role, org = roles[current]
    expect(page.get_by_role("main")).to_contain_text(working_as(role, org))
    assert_accessible(page, where="start page before switching")

    other = next(name for name in roles if name != current)
    switcher.select_option(label=other)
    page.get_by_role("button", name=t("Switch"), exact=True).click()
    role, org = roles[other]
    expect(page).to_have_url(url_of(live_server, "home:start"))
    expect(page.get_by_role("status")).to_contain_text(working_as(role, org, now=True))
    expect(page.get_by_role("main")).to_contain_text(working_as(role, org))
    expect(page.get_by_label(t("Working as"), exact=True).locator("option:checked")).to_have_text(other)
    # The header's organisation link follows the switch.
    expect(
        page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Organisation"))
    ).to_have_attribute("href", reverse("organisations:detail", args=[org.pk]))
    assert_accessible(page, where="start page after switching")


# --- d: languages -------------------------------------------------------------------------------------


def test_language_switch_to_english_and_norwegian(page, live_server, assert_accessible):
    person = make_member(
        make_municipality(name="Lindesberg"),
        Role.MUNICIPAL_COORDINATOR,
        user=make_user(full_name="Sara Samordnare"),
    )

    sign_in(page, person.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "sv")

    for before, after in (("sv", "en"), ("en", "nb")):
        page.get_by_label(t("Language", before), exact=True).select_option(value=after)
        page.get_by_role("button", name=t("Change language", before), exact=True).click()
        expect(html).to_have_attribute("lang", after)
        expect(page).to_have_url(url_of(live_server, "home:start"))  # stays on the page it was on
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Welcome, %(name)s", after, name="Sara"))
        expect(page.get_by_label(t("Language", after), exact=True)).to_have_value(after)
        assert_accessible(page, where=f"start page in {after}")

    # The choice sticks for the next page.
    page.get_by_role("link", name=t("My account", "nb"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "accounts:account"))
    expect(html).to_have_attribute("lang", "nb")
    assert_accessible(page, where="my account in nb")


# --- e: sign out --------------------------------------------------------------------------------------


def test_sign_out_ends_the_session(page, live_server, assert_accessible):
    person = make_member(make_municipality(), Role.TEACHER)
    sign_in(page, person.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))

    page.get_by_role("button", name=t("Sign out"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "accounts:login"))
    expect(page.get_by_role("status")).to_contain_text(t("You have signed out."))
    expect(page.get_by_role("button", name=t("Sign out"), exact=True)).to_have_count(0)
    assert_accessible(page, where="sign-in page after signing out")

    page.goto(reverse("home:start"))
    expect(page).to_have_url(
        re.compile(re.escape(live_server.url + reverse("accounts:login")) + r"\?next=/$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sign in to Kedja"))


# --- f: invite a person, who accepts -----------------------------------------------------------------


def test_admin_invites_a_person_who_accepts(page, new_page, live_server, mailoutbox, assert_accessible):
    lindesberg = make_municipality(name="Lindesberg", org_number="212000-1934")
    make_unit(lindesberg, name="Björkskolan")
    admin = make_member(lindesberg, Role.ORG_ADMIN, user=make_user(full_name="Anna Admin"))

    sign_in(page, admin.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.get_by_role("navigation", name=t("Main")).get_by_role(
        "link", name=t("Organisation"), exact=True
    ).click()
    expect(page).to_have_url(url_of(live_server, "organisations:detail", lindesberg.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(lindesberg))
    assert_accessible(page, where="organisation detail")

    page.get_by_role("link", name=t("People and roles"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "organisations:members", lindesberg.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{t('People and roles')}: {lindesberg}")
    assert_accessible(page, where="people and roles")

    page.get_by_label(t("Name"), exact=True).fill("Kalle Kvalitet")
    page.get_by_label(t("E-mail address"), exact=True).fill("Kalle.Kvalitet@Kedja.example")
    page.get_by_label(t("Role"), exact=True).select_option(label=label(Role.QUALITY_DEVELOPER))
    page.get_by_role("button", name=t("Send invitation"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "organisations:members", lindesberg.pk))
    expect(page.get_by_role("status")).to_contain_text(
        # the address in its canonical form: the one the invitation went to and the account will have
        t("An invitation has been sent to %(email)s.", email="kalle.kvalitet@kedja.example")
    )
    expect(
        page.get_by_role(
            "button", name=t("Withdraw invitation to %(email)s", email="kalle.kvalitet@kedja.example")
        )
    ).to_be_visible()
    assert_accessible(page, where="people and roles with an open invitation")

    # live_server runs in this process, so the locmem outbox is shared.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["kalle.kvalitet@kedja.example"]
    link = re.search(r"https?://\S+/organisations/invitations/[\w-]+/", message.body)
    assert link, message.body
    assert link.group(0).startswith(live_server.url)

    guest = new_page()
    guest.goto(link.group(0))
    expect(guest.get_by_role("heading", level=1)).to_have_text(t("Accept invitation"))
    name = guest.get_by_label(t("Your name"), exact=True)
    expect(name).to_have_value("Kalle Kvalitet")
    assert_accessible(guest, where="accept invitation")
    name.fill("Kalle Kvalitetsson")
    guest.get_by_label(t("Choose a password"), exact=True).fill(PASSWORD)
    guest.get_by_label(t("Repeat the password"), exact=True).fill(PASSWORD)
    guest.get_by_role("button", name=t("Create account and accept"), exact=True).click()

    expect(guest).to_have_url(url_of(live_server, "home:start"))
    expect(guest.get_by_role("status")).to_contain_text(
        t("Welcome! You now have a role at %(org)s.", org=str(lindesberg))
    )
    expect(guest.get_by_role("heading", level=1)).to_have_text(t("Welcome, %(name)s", name="Kalle"))
    expect(guest.get_by_role("main")).to_contain_text(working_as(Role.QUALITY_DEVELOPER, lindesberg))
    assert_accessible(guest, where="start page of the new person")

    # The admin sees the new person among the people, and the invitation is gone.
    page.reload()
    people = page.get_by_role("table", name=t("People with a role here"))
    expect(people.get_by_role("row").filter(has_text="Kalle Kvalitetsson")).to_contain_text(
        label(Role.QUALITY_DEVELOPER)
    )
    expect(page.get_by_role("button", name=re.compile("kalle.kvalitet@kedja.example"))).to_have_count(0)


# --- the real Content-Security-Policy ------------------------------------------------------------------


def test_pages_cause_no_content_security_policy_violations(
    strict_page, live_server, assert_no_csp_violations
):
    """Under the real policy (no bypass): the sign-in page, the start page and the people page load their
    styles and htmx without a single violation. The recorder itself was checked once by hand: an inline
    <script> and a style="" attribute injected into the sign-in page were both reported."""
    page = strict_page
    municipality = make_municipality(name="Lindesberg")
    make_unit(municipality, name="Björkskolan")
    person = make_member(municipality, Role.ORG_ADMIN)
    make_member(make_region(), Role.READER, user=person)  # two memberships: the switcher is shown too

    page.goto(reverse("accounts:login"))
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")  # our own script ran
    assert_no_csp_violations(page, where="sign-in page")

    page.get_by_label(t("E-mail address"), exact=True).fill(person.email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    assert_no_csp_violations(page, where="start page")

    page.goto(reverse("organisations:members", args=[municipality.pk]))
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    assert_no_csp_violations(page, where="people and roles")


# --- 320 px wide: no sideways scrolling -----------------------------------------------------------------


# The page's and the viewport's width, and (to debug a failure) the first elements reaching past the right edge.
SCROLL_WIDTHS_JS = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map(c => '.' + c).join('')),
})"""


def assert_no_sideways_scrolling(page, where: str) -> None:
    page.wait_for_load_state("load")
    widths = page.evaluate(SCROLL_WIDTHS_JS)
    assert widths["scroll"] <= widths["inner"], f"{where} scrolls sideways at 320 px: {widths}"


def test_main_pages_fit_320_px(page, live_server, assert_accessible):
    region = make_region(name="Region Västra Götalands län")
    municipality = make_municipality(
        region, name="Mariestad", org_number="212000-1637", email="kommunen@mariestad.example"
    )
    administration = make_unit(
        municipality, kind=Kind.ADMINISTRATION, name="Utbildningsförvaltningen Mariestad"
    )
    make_unit(
        administration,
        name="Ekskolan med ett mycket långt namn för att pröva radbrytningen",
        school_unit_code="12345678",
    )
    admin = make_member(
        municipality,
        Role.ORG_ADMIN,
        user=make_user("anna.administratorsdottir@mariestad.example", full_name="Anna Administratörsdotter"),
    )
    make_member(region, Role.READER, user=admin)
    make_member(
        municipality,
        Role.QUALITY_DEVELOPER,
        user=make_user(full_name="Kalle Kvalitet"),
        title="Kvalitetsutvecklare för förskola och grundskola",
    )

    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, admin.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    # Make sure the municipality is the organisation worked as (memberships are listed region first).
    switcher = page.get_by_label(t("Working as"), exact=True)
    switcher.select_option(label=f"{label(Role.ORG_ADMIN)} – {municipality}")
    page.get_by_role("button", name=t("Switch"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "home:start"))

    pages = [
        ("start page", reverse("home:start")),
        ("organisation detail", reverse("organisations:detail", args=[municipality.pk])),
        ("people and roles", reverse("organisations:members", args=[municipality.pk])),
        ("my account", reverse("accounts:account")),
    ]
    for where, path in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scrolling(page, where)
        assert_accessible(page, where=f"{where} at 320 px")

    page.get_by_role("button", name=t("Sign out"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "accounts:login"))
    assert_no_sideways_scrolling(page, "sign-in page")
    assert_accessible(page, where="sign-in page at 320 px")
