from test_journeys import *  # noqa

def test_shot(page, live_server):
    region = make_region(name="Region Västra Götalands län")
    municipality = make_municipality(region, name="Mariestad")
    make_unit(municipality, name="Ekskolan med ett mycket långt namn för att pröva radbrytningen")
    admin = make_member(municipality, Role.ORG_ADMIN, user=make_user("anna.administratorsdottir@mariestad.example", full_name="Anna Administratörsdotter"))
    make_member(region, Role.READER, user=admin)
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, admin.email)
    page.screenshot(path="/tmp/start320.png", full_page=True)
    page.goto(reverse("organisations:members", args=[municipality.pk]))
    page.screenshot(path="/tmp/members320.png", full_page=True)
